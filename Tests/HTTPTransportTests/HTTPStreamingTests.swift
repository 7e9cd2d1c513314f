import Foundation
import Testing
@testable import HTTPTransport

/// Streams `/upload` bodies to files (answering with the file's size and first bytes) and serves
/// `/file` from disk.
private struct StreamingHandler: HTTPHandler {
    let directory: String
    let servedFile: String
    let limit: Int64

    func bodyDestination(for head: HTTPRequestHead) -> HTTPBodyDestination {
        head.path == "/upload" ? .file(directory: directory, maxBytes: limit) : .memory
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path == "/file" {
            let size = (try? FileManager.default.attributesOfItem(atPath: servedFile)[.size] as? NSNumber)?.int64Value ?? 0
            return .file(servedFile, size: size, contentType: "application/octet-stream", request: request)
        }
        guard let path = request.bodyFile, let data = FileManager.default.contents(atPath: path) else {
            return .text("no file; memory body \(request.body.count)")
        }
        return .text("file \(data.count) \(String(decoding: data.prefix(4), as: UTF8.self)) in-memory \(request.body.count)")
    }
}

private func curl(_ arguments: [String]) throws -> (status: Int, body: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-s", "-o", "-", "-w", "%{http_code}", "--max-time", "20"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (Int(String(decoding: data.suffix(3), as: UTF8.self)) ?? -1, data.dropLast(3))
}

@Suite(.serialized) struct HTTPStreamingTests {
    let directory = NSTemporaryDirectory() + "swiftrack-streaming-\(UUID().uuidString)"

    private func start(limit: Int64 = 50 << 20) throws -> (HTTPServer, String, String) {
        try FileManager.default.createDirectory(atPath: directory + "/staging", withIntermediateDirectories: true)
        let served = directory + "/served.bin"
        try Data((0..<1_000_000).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: served))
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.workers = 2
        configuration.pollThreads = 1
        configuration.maxBodyBytes = 1000
        let server = HTTPServer(configuration: configuration,
                                handler: StreamingHandler(directory: directory + "/staging", servedFile: served, limit: limit))
        try server.start()
        return (server, "http://127.0.0.1:\(server.port ?? 0)", served)
    }

    /// The staged upload files still present; waits up to a second, since the server removes a
    /// request's file when the request completes, just after the client has its answer.
    private func stagedFiles() -> [String] {
        var files: [String] = []
        for _ in 0..<100 {
            files = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/staging")) ?? []
            if files.isEmpty { break }
            usleep(10_000)
        }
        return files
    }

    @Test func uploadsStreamToAFileBeyondTheMemoryLimitAndTheFileIsRemovedAfterwards() throws {
        let (server, base, _) = try start()
        defer { server.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let payload = directory + "/payload"
        try Data(("DATA" + String(repeating: "z", count: 3_000_000)).utf8).write(to: URL(fileURLWithPath: payload))
        let reply = try curl(["-X", "PUT", "--data-binary", "@" + payload, base + "/upload"])
        #expect(reply.status == 200)
        #expect(String(decoding: reply.body, as: UTF8.self) == "file 3000004 DATA in-memory 0")
        // Chunked uploads stream the same way.
        let chunked = try curl(["-X", "PUT", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + payload, base + "/upload"])
        #expect(String(decoding: chunked.body, as: UTF8.self) == "file 3000004 DATA in-memory 0")
        #expect(stagedFiles().isEmpty)
    }

    @Test func uploadsOverTheirOwnLimitAreRefusedAndLeaveNoFile() throws {
        let (server, base, _) = try start(limit: 1_000_000)
        defer { server.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let payload = directory + "/payload"
        try Data(count: 2_000_000).write(to: URL(fileURLWithPath: payload))
        #expect(try curl(["-X", "PUT", "--data-binary", "@" + payload, base + "/upload"]).status == 413)
        #expect(try curl(["-X", "PUT", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + payload,
                          base + "/upload"]).status == 413)
        #expect(stagedFiles().isEmpty)
    }

    @Test func filesAreSentWholeOrByRange() throws {
        let (server, base, served) = try start()
        defer { server.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let original = try Data(contentsOf: URL(fileURLWithPath: served))
        let whole = try curl([base + "/file"])
        #expect(whole.status == 200)
        #expect(whole.body == original)
        let part = try curl(["-H", "Range: bytes=1000-1999", base + "/file"])
        #expect(part.status == 206)
        #expect(part.body == original[1000..<2000])
        let tail = try curl(["-H", "Range: bytes=-10", base + "/file"])
        #expect(tail.body == original.suffix(10))
        #expect(try curl(["-H", "Range: bytes=2000000-", base + "/file"]).status == 416)
    }

    @Test func rangeHeadersParseAsTheRFCSays() {
        #expect(ByteRange.parse(nil, size: 10) == .whole)
        #expect(ByteRange.parse("bytes=0-0", size: 10) == .partial(start: 0, end: 0))
        #expect(ByteRange.parse("bytes=5-", size: 10) == .partial(start: 5, end: 9))
        #expect(ByteRange.parse("bytes=5-100", size: 10) == .partial(start: 5, end: 9))
        #expect(ByteRange.parse("bytes=-3", size: 10) == .partial(start: 7, end: 9))
        #expect(ByteRange.parse("bytes=10-", size: 10) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=3-1", size: 10) == .whole)
        #expect(ByteRange.parse("bytes=0-1,4-5", size: 10) == .whole)
        #expect(ByteRange.parse("items=0-1", size: 10) == .whole)
    }
}
