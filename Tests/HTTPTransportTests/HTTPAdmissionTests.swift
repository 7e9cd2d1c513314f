import Foundation
import Synchronization
import Testing
@testable import HTTPTransport

/// Admits requests carrying `Authorization: Bearer ok` (uploads to `/upload` go to a file in the
/// staging directory), refuses the rest with 401; `/open` needs no admission. It records every
/// body `handle` saw.
private final class GateHandler: HTTPHandler, @unchecked Sendable {
    let staging: String
    let seenBodies = Mutex<[Int]>([])
    /// `/hold` admissions wait for this, so a test can hold one while it checks other connections.
    let release = DispatchSemaphore(value: 0)

    init(staging: String) { self.staging = staging }

    func needsAdmission(_ head: HTTPRequestHead) -> Bool { head.path != "/open" }

    func admit(_ head: HTTPRequestHead) -> HTTPAdmission {
        if head.path == "/hold" { _ = release.wait(timeout: .now() + 20) }
        guard head.header("authorization") == "Bearer ok" else {
            return .refuse(.text("who are you? \(head.method) \(head.path) q=\(head.rawQuery)\n", status: 401))
        }
        if head.path == "/upload" { return .proceed(.file(directory: staging, maxBytes: 100 << 20)) }
        if head.path == "/small" { return .proceed(.boundedMemory(maxBytes: 10)) }
        return .proceed(.memory)
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let size = request.bodyFile.flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }
            ?? request.body.count
        seenBodies.withLock { $0.append(size) }
        return .text("\(request.method) \(request.path) body=\(size)")
    }
}

@Suite(.serialized) struct HTTPAdmissionTests {
    let directory = NSTemporaryDirectory() + "swiftrack-admission-\(UUID().uuidString)"

    private func start(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> (HTTPServer, GateHandler) {
        try FileManager.default.createDirectory(atPath: directory + "/staging", withIntermediateDirectories: true)
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.workers = 2
        configuration.pollThreads = 1
        configure(&configuration)
        let handler = GateHandler(staging: directory + "/staging")
        let server = HTTPServer(configuration: configuration, handler: handler)
        try server.start()
        return (server, handler)
    }

    private func staged() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory + "/staging")) ?? []
    }

    @Test func aRefusedBodyIsReadAndDroppedAndTheClientReadsTheRefusal() throws {
        let (server, handler) = try start()
        defer { server.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let residentBefore = residentBytes()
        let client = try RawHTTPClient(port: server.port ?? 0)
        let size = 64 << 20
        // As a plain `requests` client does: the whole body, then read the answer.
        client.send("PUT /upload?x=1 HTTP/1.1\r\nHost: t\r\nContent-Length: \(size)\r\n\r\n")
        // A file was never created while the body was on its way.
        #expect(client.sendFiller(size / 2))
        #expect(staged().isEmpty)
        #expect(client.sendFiller(size - size / 2))
        let reply = try client.readReply()
        #expect(reply.status == 401)
        #expect(reply.body == "who are you? PUT /upload q=x=1\n")
        #expect(handler.seenBodies.withLock { $0 }.isEmpty)
        #expect(staged().isEmpty)
        // Not buffered either: the process did not grow by anything like the body's 64 MiB.
        #expect(residentBytes() - residentBefore < 24 << 20)
        // The refusal was answered after the body, so the connection is still usable.
        client.send("GET /open HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readReply().body == "GET /open body=0")
    }

    @Test func aChunkedRefusedBodyIsDroppedAndOneFarPastTheLimitIsRefusedUnread() throws {
        let (server, handler) = try start { $0.maxBodyBytes = 1000 }
        defer { server.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let chunked = try RawHTTPClient(port: server.port ?? 0)
        chunked.send("POST /api HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<4 { chunked.send("1000\r\n" + String(repeating: "y", count: 4096) + "\r\n") }
        chunked.send("0\r\n\r\n")
        #expect(try chunked.readReply().status == 401)
        // A declared length past the limit and the slack is answered at once, and the connection closed.
        let huge = try RawHTTPClient(port: server.port ?? 0)
        huge.send("POST /api HTTP/1.1\r\nHost: t\r\nContent-Length: \(1 << 30)\r\n\r\n")
        let reply = try huge.readReply()
        #expect(reply.status == 401)
        #expect(huge.isClosedByServer())
        #expect(handler.seenBodies.withLock { $0 }.isEmpty)
    }

    @Test func anAdmittedConnectionStaysAliveAndGetsItsBody() throws {
        let (server, handler) = try start()
        defer { server.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let client = try RawHTTPClient(port: server.port ?? 0)
        client.send("POST /api HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ok\r\nContent-Length: 5\r\n\r\nhello")
        let first = try client.readReply()
        #expect(first.status == 200)
        #expect(first.body == "POST /api body=5")
        #expect(first.header("connection")?.lowercased() != "close")
        client.send("GET /api HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ok\r\n\r\n")
        let second = try client.readReply()
        #expect(second.body == "GET /api body=0")
        // Uploads go where admit said; a bounded memory destination keeps its own limit.
        client.send("PUT /upload HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ok\r\nContent-Length: 3\r\n\r\nabc")
        #expect(try client.readReply().body == "PUT /upload body=3")
        client.send("POST /small HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ok\r\nContent-Length: 11\r\n\r\nhello world")
        #expect(try client.readReply().status == 413)
        #expect(handler.seenBodies.withLock { $0 } == [5, 0, 3])
    }

    @Test func admissionRunsOnAWorkerSoASlowOneDoesNotStallOtherConnections() throws {
        let (server, handler) = try start()
        defer { server.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let held = try RawHTTPClient(port: server.port ?? 0)
        held.send("GET /hold HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ok\r\n\r\n")
        // While that admission is held, the single polling thread still serves another client;
        // were admit run on it, this would time out (and only then would the hold be released).
        usleep(100_000)
        let other = try RawHTTPClient(port: server.port ?? 0, timeoutSeconds: 5)
        other.send("GET /api HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ok\r\n\r\n")
        let reply = try? other.readReply()
        handler.release.signal()
        #expect(reply?.body == "GET /api body=0")
        #expect(try held.readReply().body == "GET /hold body=0")
    }
}

/// This process's resident set, from /proc/self/statm.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
