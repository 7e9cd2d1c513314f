import Foundation
import Synchronization
import Testing
import TemporaryFiles
@testable import HTTPTransport
#if canImport(Glibc)
import Glibc
#endif

/// Stands for what a temporary file's owner holds (a disk reservation): counts its releases.
private final class Sentinel: Sendable {
    let counter: Counter
    init(_ counter: Counter) { self.counter = counter }
    deinit { counter.value.add(1, ordering: .relaxed) }
}

private final class Counter: Sendable {
    let value = Atomic<Int>(0)
    func load() -> Int { value.load(ordering: .relaxed) }
}

/// Answers every request with a fresh temporary copy of `source` in `scratch`, owned by the
/// response, as the artifact routes answer with a remote download or a sealed file's checked copy.
private final class TemporaryCopyHandler: HTTPHandler, Sendable {
    let source: String
    let scratch: String
    let handled = Atomic<Int>(0)
    let released = Counter()

    init(source: String, scratch: String) {
        self.source = source
        self.scratch = scratch
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        defer { handled.add(1, ordering: .relaxed) }
        let owner = TemporaryFile(path: scratch + "/copy-\(UUID().uuidString)")
        owner.hold(Sentinel(released))
        guard (try? FileManager.default.copyItem(atPath: source, toPath: owner.path)) != nil else {
            return .text("copy failed", status: 500)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: owner.path)[.size] as? NSNumber)?.int64Value ?? 0
        return .file(owner.path, size: size, contentType: "application/octet-stream", request: request, temporary: owner)
    }
}

@Suite(.serialized) struct HTTPTemporaryFileTests {
    let directory = NSTemporaryDirectory() + "swiftrack-temporary-\(UUID().uuidString)"
    var scratch: String { directory + "/scratch" }

    private func start(sourceBytes: Int = 100_000) throws -> (HTTPServer, TemporaryCopyHandler, Data) {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let source = directory + "/source.bin"
        let bytes = Data((0..<sourceBytes).map { UInt8(ascii: "a") + UInt8($0 % 26) })  // text: the client reads a String
        try bytes.write(to: URL(fileURLWithPath: source))
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.workers = 2
        configuration.pollThreads = 1
        let handler = TemporaryCopyHandler(source: source, scratch: scratch)
        let server = HTTPServer(configuration: configuration, handler: handler)
        try server.start()
        return (server, handler, bytes)
    }

    /// The scratch folder's files once it is empty, or after two seconds of waiting for it: the
    /// server lets go of a response when its request completes, just after the client has it.
    private func leftovers() -> [String] {
        var files: [String] = []
        for _ in 0..<200 {
            files = (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? []
            if files.isEmpty { break }
            usleep(10_000)
        }
        return files
    }

    private func get(_ port: UInt16, _ path: String, headers: String = "") throws -> RawHTTPClient.Reply {
        let client = try RawHTTPClient(port: port)
        client.send("GET \(path) HTTP/1.1\r\nHost: test\r\n\(headers)Connection: close\r\n\r\n")
        return try client.readReply()
    }

    @Test func aTemporaryFileIsRemovedWhenItsLastOwnerLetsGoAndWhatItHoldsAfterIt() throws {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let released = Counter()
        let path = scratch + "/owned"
        var owner: TemporaryFile? = TemporaryFile(path: path)
        owner?.hold(Sentinel(released))
        try Data("bytes".utf8).write(to: URL(fileURLWithPath: path))
        let descriptor = open(path, O_RDONLY)
        owner?.removeName()
        owner?.removeName()
        #expect(!FileManager.default.fileExists(atPath: path))
        // The name is gone; the bytes are still read through the open descriptor, and held stays held.
        var buffer = [UInt8](repeating: 0, count: 5)
        #expect(read(descriptor, &buffer, 5) == 5)
        #expect(buffer == Array("bytes".utf8))
        close(descriptor)
        #expect(released.load() == 0)
        owner = nil
        #expect(released.load() == 1)

        // Never opened: dropping the owner removes the file.
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        owner = TemporaryFile(path: path)
        owner = nil
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aSentTemporaryFileIsRemovedAndItsBytesArriveWholeOrByRange() throws {
        let (server, handler, bytes) = try start()
        defer { server.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let whole = try get(server.port ?? 0, "/file")
        #expect(whole.status == 200)
        #expect(Data(whole.body.utf8) == bytes)
        let part = try get(server.port ?? 0, "/file", headers: "Range: bytes=10-19\r\n")
        #expect(part.status == 206)
        #expect(Array(part.body.utf8) == Array(bytes[10..<20]))
        #expect(leftovers().isEmpty)
        // Released when each request completes, just after its client has the answer.
        for _ in 0..<200 where handler.released.load() < 2 { usleep(10_000) }
        #expect(handler.released.load() == 2)
    }

    @Test func anUnsatisfiableRangeAnswers416AndLeavesNoFile() throws {
        let (server, handler, _) = try start()
        defer { server.stop(); try? FileManager.default.removeItem(atPath: directory) }
        for _ in 0..<5 {
            let reply = try get(server.port ?? 0, "/file", headers: "Range: bytes=99999999999-\r\n")
            #expect(reply.status == 416)
            #expect(reply.header("Content-Range") == "bytes */100000")
        }
        #expect(leftovers().isEmpty)
        for _ in 0..<200 where handler.released.load() < 5 { usleep(10_000) }
        #expect(handler.released.load() == 5)
    }

    @Test func aResponseDroppedWithItsRequestLeavesNoFile() throws {
        // What libmicrohttpd does to a client that resets the connection while its handler runs
        // (the compat suite's clients did, and 6 of 24 files stayed): once resumed, the connection
        // is closed without another access call, so the handler's response is never queued and
        // `requestCompletedCallback` releases the request's context with the response in it.
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = directory + "/source.bin"
        try Data("bytes".utf8).write(to: URL(fileURLWithPath: source))
        let handler = TemporaryCopyHandler(source: source, scratch: scratch)
        var context: RequestContext? = RequestContext(rawTarget: "/file", isTLS: false)
        context?.response = handler.handle(HTTPRequest(method: "GET", target: "/file", headers: []))
        #expect(context?.response?.status == 200)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).count == 1)
        context = nil
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
        #expect(handler.released.load() == 1)
    }

    @Test func whatTheOwnerHoldsLastsUntilTheResponseIsOverThoughTheNameGoesAtOnce() throws {
        // Larger than the socket buffers, so the send waits for a reader that does not read.
        let (server, handler, _) = try start(sourceBytes: 32 << 20)
        defer { server.stop(); try? FileManager.default.removeItem(atPath: directory) }
        var client: RawHTTPClient? = try RawHTTPClient(port: server.port ?? 0)
        client?.send("GET /file HTTP/1.1\r\nHost: test\r\n\r\n")
        for _ in 0..<300 where handler.handled.load(ordering: .relaxed) < 1 { usleep(10_000) }
        #expect(leftovers().isEmpty, "the name is removed once the file is open")
        usleep(100_000)
        #expect(handler.released.load() == 0, "held while the descriptor is being sent")
        client = nil
        for _ in 0..<500 where handler.released.load() < 1 { usleep(10_000) }
        #expect(handler.released.load() == 1, "released once the client is gone")
    }
}
