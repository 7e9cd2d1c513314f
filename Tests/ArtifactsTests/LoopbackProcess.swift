import Foundation
import OutboundHTTP
import TrackingCore
@testable import Artifacts

/// A server subprocess on a free loopback port, ready once `readinessPath` answers 200, killed
/// with SIGKILL on `stop()` (the test runner's children inherit a blocked SIGTERM).
final class LoopbackProcess {
    static let packageRoot: URL = {
        // Tests/ArtifactsTests/LoopbackProcess.swift -> package root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()
    static let venvBin = packageRoot.appendingPathComponent(".venv/bin").path

    let port: Int
    private let process = Process()
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// `arguments` may contain `{port}`, replaced by the chosen port.
    init(executable: String, arguments: [String], readinessPath: String = "/", name: String) throws {
        port = try Self.freePort()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments.map { $0.replacingOccurrences(of: "{port}", with: String(port)) }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let client = HTTPClient()
        for _ in 0..<150 {
            if let response = try? client.perform(HTTPClientRequest(method: "GET", url: endpoint + readinessPath,
                                                                    connectTimeout: 1, timeout: 2)),
               response.status == 200 { return }
            guard process.isRunning else { break }
            usleep(100_000)
        }
        stop()
        throw MLflowError.internalError("\(name) did not start on port \(port)")
    }

    deinit { stop() }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw MLflowError.internalError("socket failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw MLflowError.internalError("bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Writes `script` to a temporary file and returns its path (stand-ins live in Swift strings,
    /// so the test target holds no unhandled resource files).
    static func writeScript(_ script: String, name: String) throws -> String {
        let path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString).py"
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Runs a command to completion and returns its exit status and standard output.
@discardableResult
func runCommand(_ executable: String, _ arguments: [String], input: [UInt8]? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    let inputPipe = Pipe()
    if input != nil { process.standardInput = inputPipe }
    try process.run()
    if let input {
        inputPipe.fileHandleForWriting.write(Data(input))
        try inputPipe.fileHandleForWriting.close()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
