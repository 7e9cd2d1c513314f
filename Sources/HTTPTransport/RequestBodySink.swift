#if canImport(Glibc)
import Glibc
#endif

/// Collects a request body as it arrives: in memory, or written straight to a file, with a limit.
/// Used only by the connection's polling thread.
struct RequestBodySink {
    enum Outcome: Equatable {
        case accepted
        case overLimit
        case failed(String)
    }

    private(set) var bytes: [UInt8] = []
    private(set) var filePath: String?
    private var descriptor: Int32 = -1
    private(set) var received: Int64 = 0
    let limit: Int64

    /// A sink in memory.
    init(limit: Int64) {
        self.limit = limit
    }

    /// A sink writing into a new, uniquely named file in `directory`.
    init(directory: String, limit: Int64) throws(HTTPServerError) {
        self.limit = limit
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast())
            + Array("upload-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else {
            throw HTTPServerError(message: "cannot create an upload file in \(directory): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        filePath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    mutating func append(_ data: UnsafeRawBufferPointer) -> Outcome {
        received += Int64(data.count)
        if received > limit { return .overLimit }
        guard descriptor >= 0 else {
            bytes.append(contentsOf: data)
            return .accepted
        }
        var offset = 0
        while offset < data.count {
            let written = write(descriptor, data.baseAddress.map { $0 + offset }, data.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return .failed(String(cString: strerror(errno)))
            }
            offset += written
        }
        return .accepted
    }

    /// Closes the file (the body is complete); the path stays for the handler.
    mutating func finish() {
        if descriptor >= 0 { close(descriptor); descriptor = -1 }
    }

    /// Closes and removes the file, if any, and drops buffered bytes.
    mutating func discard() {
        finish()
        if let filePath { unlink(filePath) }
        filePath = nil
        bytes = []
    }
}
