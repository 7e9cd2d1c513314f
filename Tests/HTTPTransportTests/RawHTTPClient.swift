#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection to the server under test, speaking HTTP/1.1 by hand: tests need to send
/// what curl will not (huge request lines, bodies the server refuses, several requests on one
/// socket) and to see exactly what comes back, including a silent close.
final class RawHTTPClient {
    /// A response as read off the wire.
    struct Reply {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: String

        func header(_ name: String) -> String? {
            headers.first(where: { $0.name == name.lowercased() })?.value
        }
    }

    enum Failure: Error, Equatable {
        case connect(Int32)
        /// The server closed (or reset) the connection before a whole response arrived.
        case closed(received: Int)
        case timedOut
        case malformed(String)
    }

    let descriptor: Int32
    private var pending: [UInt8] = []

    init(port: UInt16, timeoutSeconds: Int = 20) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure.connect(errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(descriptor)
            throw Failure.connect(code)
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Sends all of `bytes`; false when the server closed the connection first.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends `count` bytes of 'x' in 1 MiB pieces (a big body without a big buffer).
    @discardableResult
    func sendFiller(_ count: Int) -> Bool {
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        var left = count
        while left > 0 {
            let size = min(left, piece.count)
            guard send(size == piece.count ? piece : Array(piece[0..<size])) else { return false }
            left -= size
        }
        return true
    }

    /// Reads one response with a Content-Length body.
    func readReply() throws -> Reply {
        while true {
            if let end = headEnd() {
                let head = String(decoding: pending[0..<end], as: UTF8.self)
                var lines = head.split(separator: "\r\n").map(String.init)
                guard !lines.isEmpty else { throw Failure.malformed(head) }
                let statusLine = lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure.malformed(head) }
                let headers = lines.compactMap { line -> (name: String, value: String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (name: line[..<colon].lowercased(),
                            value: line[line.index(after: colon)...].trimmingCharacters(in: " "))
                }
                let length = headers.first(where: { $0.name == "content-length" }).flatMap { Int($0.value) } ?? 0
                while pending.count < end + 4 + length { try fill() }
                let body = String(decoding: pending[(end + 4)..<(end + 4 + length)], as: UTF8.self)
                pending.removeFirst(end + 4 + length)
                return Reply(status: status, headers: headers, body: body)
            }
            try fill()
        }
    }

    /// Whether the server has closed the connection (end of file or reset) within the timeout.
    func isClosedByServer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if received > 0 { continue }
            return received == 0 || errno == ECONNRESET
        }
    }

    private func headEnd() -> Int? {
        guard pending.count >= 4 else { return nil }
        for index in 0...(pending.count - 4)
        where pending[index] == 13 && pending[index + 1] == 10 && pending[index + 2] == 13 && pending[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func fill() throws {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if received > 0 {
            pending.append(contentsOf: buffer[0..<received])
        } else if received == 0 || errno == ECONNRESET {
            throw Failure.closed(received: pending.count)
        } else if errno == EAGAIN || errno == EWOULDBLOCK {
            throw Failure.timedOut
        } else if errno != EINTR {
            throw Failure.closed(received: pending.count)
        }
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
