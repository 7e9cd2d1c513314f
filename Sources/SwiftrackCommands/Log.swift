import Foundation
import Observability
import Synchronization

/// Server lines (start, stop, errors) on standard error, as text or as JSON like the request log.
enum Log {
    private static let json = Atomic<Bool>(false)

    static var useJSON: Bool {
        get { json.load(ordering: .relaxed) }
        set { json.store(newValue, ordering: .relaxed) }
    }

    static func info(_ message: String) { write("info", message) }
    static func error(_ message: String) { write("error", message) }

    private static func write(_ level: String, _ message: String) {
        let time = Date().ISO8601Format()
        let line = useJSON
            ? JSONLine.object([("time", JSONLine.quoted(time)), ("level", JSONLine.quoted(level)),
                               ("message", JSONLine.quoted(message))])
            : "\(time) \(level.uppercased()) \(message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
