import Foundation
import Testing
@testable import HTTPTransport

/// Answers with the sizes of what it was given.
private struct SizeHandler: HTTPHandler {
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let headerBytes = request.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        return .text("\(request.path) query=\(request.rawQuery.utf8.count) items=\(request.queryItems.count) "
                     + "headers=\(request.headers.count)/\(headerBytes)" + (request.body.isEmpty ? "" : " body=\(request.body.count)"))
    }
}

private func startServer(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> HTTPServer {
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.workers = 2
    configuration.pollThreads = 1
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: SizeHandler())
    try server.start()
    return server
}

/// A query of `count` repeated run ids, as MLflow's UI sends to get-history-bulk-interval.
private func runIdsQuery(count: Int, idLength: Int = 32) -> String {
    (0..<count).map { "run_ids=" + String(repeating: String($0 % 10), count: idLength) }.joined(separator: "&")
}

@Suite(.serialized) struct HTTPRequestHeadLimitsTests {
    @Test(arguments: [(1_000, 5), (1_000, 32), (1_600, 32)])
    func longRequestLinesOfManyArgumentsAreAnswered(count: Int, idLength: Int) throws {
        let server = try startServer()
        defer { server.stop() }
        let query = runIdsQuery(count: count, idLength: idLength)
        let client = try RawHTTPClient(port: server.port ?? 0)
        client.send("GET /bulk?\(query) HTTP/1.1\r\nHost: t\r\n\r\n")
        let reply = try client.readReply()
        #expect(reply.status == 200)
        #expect(reply.body == "/bulk query=\(query.utf8.count) items=\(count) headers=1/5")
        // Kept alive: the next request on the same connection is answered too.
        client.send("GET /again?\(query) HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readReply().status == 200)
    }

    @Test func aRequestLineOf64KiBAndHeadersOf64KiBAreAnswered() throws {
        let server = try startServer()
        defer { server.stop() }
        let prefix = "GET /line?", suffix = " HTTP/1.1\r\n"
        let filler = String(repeating: "a", count: 65_536 - prefix.utf8.count - suffix.utf8.count)
        let client = try RawHTTPClient(port: server.port ?? 0)
        client.send(prefix + filler + suffix + "Host: t\r\n\r\n")
        #expect(try client.readReply().body == "/line query=\(filler.utf8.count) items=1 headers=1/5")
        // 64 headers of 1 KiB each.
        let value = String(repeating: "v", count: 1_010)
        let headers = (0..<64).map { "X-Header-\(String($0 + 10)): \(value)\r\n" }.joined()
        #expect(headers.utf8.count >= 65_536)
        client.send("GET /headers HTTP/1.1\r\nHost: t\r\n" + headers + "\r\n")
        #expect(try client.readReply().body == "/headers query=0 items=0 headers=65/\(5 + 64 * (11 + 1_010))")
        // A body still fits through what the long line leaves of the connection's buffer.
        let post = "POST /line?" + String(repeating: "b", count: 60_000) + " HTTP/1.1\r\nHost: t\r\nContent-Length: 300000\r\n\r\n"
        client.send(post)
        client.sendFiller(300_000)
        #expect(try client.readReply().body == "/line query=60000 items=1 headers=2/25 body=300000")
    }

    @Test func anOversizedRequestLineIsAnswered414AndOversizedHeaders431() throws {
        let server = try startServer()
        defer { server.stop() }
        let line = try RawHTTPClient(port: server.port ?? 0)
        line.send("GET /x?" + String(repeating: "a", count: 200_000) + " HTTP/1.1\r\nHost: t\r\n\r\n")
        let tooLong = try line.readReply()
        #expect(tooLong.status == 414)
        #expect(!tooLong.body.isEmpty)
        #expect(line.isClosedByServer())
        let headers = try RawHTTPClient(port: server.port ?? 0)
        let value = String(repeating: "v", count: 1_000)
        headers.send("GET /x HTTP/1.1\r\nHost: t\r\n" + (0..<200).map { "X-H\($0): \(value)\r\n" }.joined() + "\r\n")
        let tooLarge = try headers.readReply()
        #expect(tooLarge.status == 431)
        #expect(!tooLarge.body.isEmpty)
        // The server goes on serving.
        let after = try RawHTTPClient(port: server.port ?? 0)
        after.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try after.readReply().status == 200)
    }

    @Test func theConnectionPastThePerAddressLimitIsRefused() throws {
        let server = try startServer { $0.perIPConnectionLimit = 3 }
        defer { server.stop() }
        var open: [RawHTTPClient] = []
        for index in 0..<3 {
            let client = try RawHTTPClient(port: server.port ?? 0)
            client.send("GET /\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readReply().status == 200)
            open.append(client)
        }
        let fourth = try RawHTTPClient(port: server.port ?? 0, timeoutSeconds: 5)
        fourth.send("GET /4 HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(throws: RawHTTPClient.Failure.self) { try fourth.readReply() }
        // One closed, one more may come.
        open.removeLast()
        var answered = false
        for _ in 0..<50 where !answered {
            usleep(20_000)
            let next = try RawHTTPClient(port: server.port ?? 0, timeoutSeconds: 5)
            next.send("GET /5 HTTP/1.1\r\nHost: t\r\n\r\n")
            answered = (try? next.readReply().status) == 200
        }
        #expect(answered)
    }
}
