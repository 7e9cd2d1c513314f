public import Foundation
import Synchronization

/// One line per answered request on standard error: plain text or JSON (`--log-format json`).
public final class RequestLog: Sendable {
    public enum Format: String, Sendable {
        case text
        case json
    }

    /// What is known of a request once it has been answered.
    public struct Entry: Sendable {
        public var time: Date
        public var method: String
        public var route: String
        public var path: String
        public var status: Int
        public var durationSeconds: Double
        public var user: String?
        public var requestId: String
        /// The client's address (behind a trusted proxy, the address the proxy saw); empty when unknown.
        public var client: String

        public init(time: Date, method: String, route: String, path: String, status: Int, durationSeconds: Double,
                    user: String?, requestId: String, client: String = "") {
            self.time = time
            self.method = method
            self.route = route
            self.path = path
            self.status = status
            self.durationSeconds = durationSeconds
            self.user = user
            self.requestId = requestId
            self.client = client
        }
    }

    public let format: Format
    private let write: @Sendable (String) -> Void
    private let lock = Mutex(())

    /// `write` receives whole lines (default: standard error).
    public init(format: Format, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.format = format
        self.write = write
    }

    public func record(_ entry: Entry) {
        let line = format == .json ? Self.json(entry) : Self.text(entry)
        lock.withLock { _ in write(line) }
    }

    /// One line whatever the request held: a control character (a decoded `%0A` in a path, say)
    /// must not start a forged line, so the path is percent-encoded again where it matters and
    /// the other fields have their control characters escaped.
    static func text(_ entry: Entry) -> String {
        let millis = (entry.durationSeconds * 1000 * 10).rounded() / 10
        return "\(entry.time.ISO8601Format()) \(escaped(entry.method)) \(encodedPath(entry.path)) \(entry.status) "
            + "\(millis) ms id=\(escaped(entry.requestId))\(entry.user.map { " user=\(escaped($0))" } ?? "")\n"
    }

    /// Line breaks and other controls: C0, DEL, C1, the Unicode line and paragraph separators, and
    /// the format characters (bidi overrides such as U+202E, U+0600...), which make a line read
    /// otherwise than it is written (break-in review 2).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
            || scalar.properties.generalCategory == .format
    }

    /// Control characters as `\n`, `\r`, `\t` or `\u{...}`, and `\` doubled so an escape cannot be faked.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) || $0 == "\\" }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if isControl(scalar) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// The decoded path with controls, spaces (the line's field separator) and `%` percent-encoded
    /// again, so the field reads as the URL the client sent and cannot be split or faked.
    static func encodedPath(_ path: String) -> String {
        guard path.unicodeScalars.contains(where: { isControl($0) || $0 == " " || $0 == "%" }) else { return path }
        var out = ""
        for scalar in path.unicodeScalars {
            if isControl(scalar) || scalar == " " || scalar == "%" {
                for byte in String(scalar).utf8 {
                    let hex = String(byte, radix: 16, uppercase: true)
                    out += "%" + (hex.count == 1 ? "0" + hex : hex)
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func json(_ entry: Entry) -> String {
        var fields = [
            ("time", JSONLine.quoted(entry.time.ISO8601Format(.iso8601.time(includingFractionalSeconds: true)
                .year().month().day().dateSeparator(.dash).timeSeparator(.colon)))),
            ("level", JSONLine.quoted("info")),
            ("method", JSONLine.quoted(entry.method)),
            ("route", JSONLine.quoted(entry.route)),
            ("path", JSONLine.quoted(entry.path)),
            ("status", String(entry.status)),
            ("duration_ms", String((entry.durationSeconds * 1_000_000).rounded() / 1000)),
            ("request_id", JSONLine.quoted(entry.requestId)),
        ]
        if let user = entry.user { fields.append(("user", JSONLine.quoted(user))) }
        if !entry.client.isEmpty { fields.append(("client", JSONLine.quoted(entry.client))) }
        return JSONLine.object(fields)
    }
}
