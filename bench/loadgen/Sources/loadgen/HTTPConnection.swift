#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP/1.1 failure seen by the client (socket error, malformed answer, timeout).
struct ClientError: Error, CustomStringConvertible {
    let description: String
}

/// One keep-alive HTTP/1.1 connection over a blocking socket, used by a single thread.
final class HTTPConnection {
    let host: String
    let port: UInt16
    let timeoutSeconds: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var position = 0
    private var hostHeader: String { "\(host):\(port)" }

    init(host: String, port: UInt16, timeoutSeconds: Int) {
        self.host = host
        self.port = port
        self.timeoutSeconds = timeoutSeconds
        buffer.reserveCapacity(1 << 16)
    }

    deinit { close() }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
        buffer.removeAll(keepingCapacity: true)
        position = 0
    }

    private func connect() throws {
        #if canImport(Glibc)
        let socketType = Int32(SOCK_STREAM.rawValue)
        #else
        let socketType = SOCK_STREAM
        #endif
        let s = socket(AF_INET, socketType, 0)
        guard s >= 0 else { throw ClientError(description: "socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let e = errno
            _ = Glibc.close(s)
            throw ClientError(description: "connect: errno \(e)")
        }
        fd = s
    }

    /// Sends one request and reads the whole answer. The body is kept only if `keepBody`.
    func send(method: String, path: String, body: [UInt8]?, keepBody: Bool) throws -> (status: Int, body: [UInt8], bytes: Int) {
        // One retry on a fresh connection when a kept-alive one was closed by the server.
        let reused = fd >= 0
        do {
            return try attempt(method: method, path: path, body: body, keepBody: keepBody)
        } catch let error as ClientError where reused && error.description.hasPrefix("closed") {
            close()
            return try attempt(method: method, path: path, body: body, keepBody: keepBody)
        }
    }

    private func attempt(method: String, path: String, body: [UInt8]?, keepBody: Bool) throws -> (status: Int, body: [UInt8], bytes: Int) {
        if fd < 0 { try connect() }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nAccept: application/json\r\n"
        if let body {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        var out = Array(head.utf8)
        if let body { out += body }
        try writeAll(out)
        return try readResponse(keepBody: keepBody)
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var sent = 0
        try bytes.withUnsafeBytes { raw in
            while sent < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    let e = errno
                    close()
                    throw ClientError(description: "closed on send (errno \(e))")
                }
                sent += n
            }
        }
    }

    /// Reads more bytes into the buffer; false at end of stream.
    private func fill() throws -> Bool {
        if position > 0 && position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position > (1 << 20) {
            buffer.removeFirst(position)
            position = 0
        }
        let chunk = 1 << 16
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        let n = buffer.withUnsafeMutableBytes { raw in
            Glibc.recv(fd, raw.baseAddress! + old, chunk, 0)
        }
        if n < 0 {
            buffer.removeLast(chunk)
            if errno == EINTR { return try fill() }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw ClientError(description: "timeout waiting for the answer") }
            throw ClientError(description: "closed on recv (errno \(errno))")
        }
        buffer.removeLast(chunk - n)
        return n > 0
    }

    /// One CRLF-terminated line, without the CRLF.
    private func readLine() throws -> ArraySlice<UInt8> {
        var scanFrom = position
        while true {
            var i = scanFrom
            while i + 1 < buffer.count {
                if buffer[i] == 13 && buffer[i + 1] == 10 {
                    let line = buffer[position..<i]
                    position = i + 2
                    return line
                }
                i += 1
            }
            scanFrom = max(position, buffer.count - 1)
            let before = position
            guard try fill() else { throw ClientError(description: "closed mid-header") }
            scanFrom -= (before - position)
        }
    }

    private func take(_ count: Int, into body: inout [UInt8], keep: Bool) throws {
        var remaining = count
        while remaining > 0 {
            if position == buffer.count {
                guard try fill() else { throw ClientError(description: "closed mid-body") }
            }
            let n = min(remaining, buffer.count - position)
            if keep { body.append(contentsOf: buffer[position..<(position + n)]) }
            position += n
            remaining -= n
        }
    }

    private func readResponse(keepBody: Bool) throws -> (status: Int, body: [UInt8], bytes: Int) {
        if position == buffer.count {
            guard try fill() else { throw ClientError(description: "closed before the answer") }
        }
        let statusLine = String(decoding: try readLine(), as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw ClientError(description: "bad status line: \(statusLine.prefix(80))")
        }
        var contentLength: Int? = nil
        var chunked = false
        var closeAfter = parts[0] == "HTTP/1.0"
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { continue }
            let name = text[..<colon].lowercased()
            let value = text[text.index(after: colon)...].trimmingSpaces().lowercased()
            switch name {
            case "content-length": contentLength = Int(value)
            case "transfer-encoding": chunked = value.contains("chunked")
            case "connection": if value.contains("close") { closeAfter = true } else if value.contains("keep-alive") { closeAfter = false }
            default: break
            }
        }
        var body: [UInt8] = []
        var bytes = 0
        if chunked {
            while true {
                let sizeLine = String(decoding: try readLine(), as: UTF8.self)
                let hex = sizeLine.split(separator: ";").first.map(String.init) ?? ""
                guard let size = Int(hex.trimmingSpaces(), radix: 16) else {
                    throw ClientError(description: "bad chunk size")
                }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    break
                }
                try take(size, into: &body, keep: keepBody)
                bytes += size
                _ = try readLine()
            }
        } else if let contentLength {
            try take(contentLength, into: &body, keep: keepBody)
            bytes = contentLength
        } else if status != 204 && status != 304 {
            // No framing: the body runs to the end of the stream.
            while true {
                if position == buffer.count {
                    guard try fill() else { break }
                }
                let n = buffer.count - position
                if keepBody { body.append(contentsOf: buffer[position...]) }
                position += n
                bytes += n
            }
            closeAfter = true
        }
        if closeAfter { close() }
        return (status, body, bytes)
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
