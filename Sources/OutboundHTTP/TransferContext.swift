#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state one transfer's C callbacks work on; they reach it through an `Unmanaged` pointer.
/// Lives on the thread that runs `curl_easy_perform`, so it needs no lock.
final class TransferContext {
    // Request body.
    private let bodyBytes: [UInt8]
    private var bodyPosition = 0
    private var bodyFile: Int32 = -1
    private var filePosition: Int64 = 0
    private var fileRemaining: Int64 = 0

    // Response.
    private let destinationPath: String?
    private var destinationFile: Int32 = -1
    private(set) var bytesWritten: Int64 = 0
    private(set) var status = 0
    private(set) var headers: [HTTPHeader] = []
    private(set) var body: [UInt8] = []
    /// Why a callback aborted the transfer, reported instead of curl's generic message.
    private(set) var failure: HTTPClientError?

    init(request: HTTPClientRequest) throws(HTTPClientError) {
        switch request.body {
        case .empty:
            bodyBytes = []
        case .bytes(let bytes):
            bodyBytes = bytes
        case .file(let path, let offset, let length):
            bodyBytes = []
            guard let size = regularFileSize(path) else {
                throw .localFile("Cannot read '\(path)': not a regular file")
            }
            guard offset >= 0, offset <= size else { throw .localFile("Offset \(offset) outside '\(path)'") }
            let available = size - offset
            fileRemaining = min(length ?? available, available)
            filePosition = offset
            bodyFile = open(path, O_RDONLY | O_CLOEXEC)
            guard bodyFile >= 0 else { throw .localFile("Cannot open '\(path)': \(errnoText())") }
        }
        if case .file(let path) = request.destination { destinationPath = path } else { destinationPath = nil }
    }

    deinit {
        if bodyFile >= 0 { close(bodyFile) }
        if destinationFile >= 0 { close(destinationFile) }
    }

    /// The number of body bytes the request will send.
    var uploadSize: Int64 { bodyFile >= 0 ? fileRemaining : Int64(bodyBytes.count) }

    /// Fills `buffer` with the next request body bytes; 0 ends the body.
    func provide(into buffer: UnsafeMutableRawPointer, capacity: Int) -> Int? {
        if bodyFile >= 0 {
            let wanted = Int(min(Int64(capacity), fileRemaining))
            guard wanted > 0 else { return 0 }
            var count: Int
            repeat { count = pread(bodyFile, buffer, wanted, off_t(filePosition)) } while count < 0 && errno == EINTR
            guard count >= 0 else {
                failure = .localFile("Cannot read the request body file: \(errnoText())")
                return nil
            }
            filePosition += Int64(count)
            fileRemaining -= Int64(count)
            return count
        }
        let count = min(capacity, bodyBytes.count - bodyPosition)
        guard count > 0 else { return 0 }
        bodyBytes.withUnsafeBytes { source in
            if let base = source.baseAddress { buffer.copyMemory(from: base + bodyPosition, byteCount: count) }
        }
        bodyPosition += count
        return count
    }

    /// Takes response body bytes; false aborts the transfer.
    func receive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        if let destinationPath, (200..<300).contains(status) {
            guard openDestination(destinationPath) else { return false }
            var offset = 0
            while offset < chunk.count {
                guard let base = chunk.baseAddress else { break }
                let count = write(destinationFile, base + offset, chunk.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = .localFile("Cannot write '\(destinationPath)': \(errnoText())")
                    return false
                }
                offset += count
            }
            bytesWritten += Int64(chunk.count)
            return true
        }
        let room = max(0, HTTPClient.errorBodyLimit - body.count)
        body.append(contentsOf: chunk.prefix(destinationPath == nil ? chunk.count : room))
        return true
    }

    /// Takes one header line; a status line starts a new response (after 100 Continue or a redirect).
    func receiveHeader(_ line: UnsafeRawBufferPointer) {
        // Bytes, not Characters: "\r\n" is a single Character that hasSuffix("\n") does not see.
        var end = line.count
        while end > 0, line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<end]), as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            let fields = text.split(separator: " ", maxSplits: 2)
            status = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
            headers = []
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = String(text[..<colon])
        let value = text[text.index(after: colon)...].trimmingSpaces()
        headers.append(HTTPHeader(name, value))
    }

    /// Makes sure a 2xx response to a file leaves a file, even with an empty body; closes it.
    func finishDestination() -> Bool {
        if let destinationPath, (200..<300).contains(status), !openDestination(destinationPath) { return false }
        if destinationFile >= 0 {
            close(destinationFile)
            destinationFile = -1
        }
        return true
    }

    private func openDestination(_ path: String) -> Bool {
        guard destinationFile < 0 else { return true }
        destinationFile = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if destinationFile < 0 {
            failure = .localFile("Cannot create '\(path)': \(errnoText())")
            return false
        }
        return true
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

/// The size of the regular file at `path`, or nil when there is none.
private func regularFileSize(_ path: String) -> Int64? {
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int64(info.st_size)
}

private func errnoText() -> String { String(cString: strerror(errno)) }
