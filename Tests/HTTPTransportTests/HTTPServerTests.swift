import Foundation
import Synchronization
import Testing
@testable import HTTPTransport
#if canImport(Glibc)
import Glibc
#endif

/// Echoes what it received, so tests see exactly what the server parsed.
private struct EchoHandler: HTTPHandler {
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path == "/slow" { usleep(300_000) }
        let text = "\(request.method) \(request.path) q=\(request.rawQuery) body=\(request.body.count) "
            + "ct=\(request.header("Content-Type") ?? "-")"
        return .text(text)
    }
}

private func startServer(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> (HTTPServer, String) {
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.workers = 2
    configuration.pollThreads = 1
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: EchoHandler())
    try server.start()
    return (server, "http://127.0.0.1:\(server.port ?? 0)")
}

/// One HTTP exchange with curl, which is always on the machine: (status, body).
private func curl(_ arguments: [String]) throws -> (Int, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
}

private func temporaryFile(bytes: Int) throws -> String {
    let path = NSTemporaryDirectory() + "swiftrack-body-\(UUID().uuidString)"
    try Data(repeating: UInt8(ascii: "x"), count: bytes).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite(.serialized) struct HTTPServerTests {
    @Test func answersGetWithDecodedPathAndRawQuery() throws {
        let (server, base) = try startServer()
        defer { server.stop() }
        let (status, body) = try curl([base + "/a%20b/c?x=1&y=%2F"])
        #expect(status == 200)
        #expect(body == "GET /a b/c q=x=1&y=%2F body=0 ct=-")
    }

    @Test func receivesPostBodies() throws {
        let (server, base) = try startServer()
        defer { server.stop() }
        let payload = try temporaryFile(bytes: 200_000)
        let (status, body) = try curl(["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + payload, base + "/p"])
        #expect(status == 200)
        #expect(body == "POST /p q= body=200000 ct=application/json")
    }

    @Test func rejectsBodiesOverTheLimit() throws {
        let (server, base) = try startServer { $0.maxBodyBytes = 1000 }
        defer { server.stop() }
        let payload = try temporaryFile(bytes: 5000)
        let (status, _) = try curl(["-X", "POST", "--data-binary", "@" + payload, base + "/p"])
        #expect(status == 413)
        // Chunked bodies have no Content-Length: they are counted as they arrive.
        let (chunked, _) = try curl(["-X", "POST", "-H", "Transfer-Encoding: chunked",
                                     "--data-binary", "@" + payload, base + "/p"])
        #expect(chunked == 413)
        let (small, _) = try curl(["-X", "POST", "--data-binary", "ok", base + "/p"])
        #expect(small == 200)
    }

    @Test func keepsConnectionsAlive() throws {
        let (server, base) = try startServer()
        defer { server.stop() }
        // curl reuses one connection for several URLs when the server allows keep-alive.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-v", "-o", "/dev/null", "-o", "/dev/null", base + "/1", base + "/2"]
        let pipe = Pipe()
        process.standardError = pipe
        try process.run()
        let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(log.contains("Re-using existing connection"))
        #expect(!log.lowercased().contains("connection: close"))
    }

    @Test func servesConcurrentClients() throws {
        let (server, base) = try startServer()
        defer { server.stop() }
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let status = (try? curl([base + "/c\(index)"]).0) ?? -1
            statuses.withLock { $0.append(status) }
        }
        #expect(statuses.withLock { $0 } == Array(repeating: 200, count: 8))
    }

    @Test func stopWaitsForInFlightRequests() throws {
        let (server, base) = try startServer()
        let result = Mutex<(Int, String)?>(nil)
        let thread = Thread { result.withLock { $0 = try? curl([base + "/slow"]) } }
        thread.start()
        usleep(100_000)
        server.stop()
        #expect(result.withLock { $0?.0 } == 200)
    }

    @Test func closesConnectionsThatNeverFinishTheirHeaders() throws {
        let (server, base) = try startServer { $0.connectionTimeoutSeconds = 1 }
        defer { server.stop() }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = (server.port ?? 0).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        // A slow client: the request line and one header, never the blank line that ends them.
        let partial = Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8)
        let sent = partial.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        #expect(sent == partial.count)
        usleep(2_500_000)

        // Closed means end-of-file (or a reset); a connection still open would time out here instead.
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        var received = 0
        var readError: Int32 = 0
        repeat {
            received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            readError = received < 0 ? errno : 0
        } while received > 0
        let stillOpen = received < 0 && (readError == EAGAIN || readError == EWOULDBLOCK)
        #expect(!stillOpen, "the server kept a half-sent request open past its 1 s timeout")
        #expect(received == 0 || readError == ECONNRESET)

        // The server still answers normal clients.
        let (status, body) = try curl([base + "/after"])
        #expect(status == 200)
        #expect(body == "GET /after q= body=0 ct=-")
    }

    @Test func refusesToStartOnAPortInUse() throws {
        let (server, base) = try startServer()
        defer { server.stop() }
        let port = UInt16(base.split(separator: ":").last.flatMap { Int($0) } ?? 0)
        #expect(throws: HTTPServerError.self) {
            try startServer { $0.port = port }
        }
    }
}
