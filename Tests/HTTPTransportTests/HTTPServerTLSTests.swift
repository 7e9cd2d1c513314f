import Foundation
import Testing
@testable import HTTPTransport

/// Says whether the request came over TLS, and what it asked for.
private struct SchemeHandler: HTTPHandler {
    func handle(_ request: HTTPRequest) -> HTTPResponse { .text("tls=\(request.isTLS) \(request.method) \(request.path)") }
}

/// A certificate for localhost/127.0.0.1 and its key, made with the openssl command for each test.
private struct TestCertificate {
    let directory: String
    var certificate: String { directory + "/cert.pem" }
    var key: String { directory + "/key.pem" }

    init(keyType: [String] = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]) throws {
        directory = NSTemporaryDirectory() + "swiftrack-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let status = try run("/usr/bin/openssl", ["req", "-x509"] + keyType + [
            "-nodes", "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]).status
        #expect(status == 0)
    }
}

private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice   // openssl s_client would wait on it
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// curl's (status, body); status 0 when no HTTP exchange happened (a refused handshake).
private func curl(_ arguments: [String]) throws -> (Int, String) {
    let (_, text) = try run("/usr/bin/curl", ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10"] + arguments)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
}

private func startTLSServer(_ tls: HTTPServerTLS) throws -> (HTTPServer, UInt16) {
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.workers = 2
    configuration.pollThreads = 1
    configuration.tls = tls
    let server = HTTPServer(configuration: configuration, handler: SchemeHandler())
    try server.start()
    return (server, server.port ?? 0)
}

@Suite(.serialized) struct HTTPServerTLSTests {
    @Test(arguments: [["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"], ["-newkey", "rsa:2048"]])
    func servesHTTPSWithAnECOrRSAKey(keyType: [String]) throws {
        let files = try TestCertificate(keyType: keyType)
        let (server, port) = try startTLSServer(try HTTPServerTLS.load(certificateFile: files.certificate,
                                                                       keyFile: files.key))
        defer { server.stop() }
        let (status, body) = try curl(["--cacert", files.certificate, "https://127.0.0.1:\(port)/a?b=1"])
        #expect(status == 200)
        #expect(body == "tls=true GET /a")
        // Keep-alive over TLS: two requests on one connection both answered.
        let (_, twice) = try run("/usr/bin/curl", ["-s", "--cacert", files.certificate,
                                                   "https://127.0.0.1:\(port)/one", "https://127.0.0.1:\(port)/two"])
        #expect(twice == "tls=true GET /onetls=true GET /two")
    }

    @Test func refusesTLSBelow1Point2AndPlainHTTP() throws {
        let files = try TestCertificate()
        let (server, port) = try startTLSServer(try HTTPServerTLS.load(certificateFile: files.certificate,
                                                                       keyFile: files.key))
        defer { server.stop() }
        #expect(try curl(["--cacert", files.certificate, "--tlsv1.2", "--tls-max", "1.2",
                          "https://127.0.0.1:\(port)/"]).0 == 200)
        #expect(try curl(["--cacert", files.certificate, "--tlsv1.3", "https://127.0.0.1:\(port)/"]).0 == 200)
        #expect(try curl(["--cacert", files.certificate, "--tls-max", "1.1", "https://127.0.0.1:\(port)/"]).0 == 0)
        #expect(try curl(["http://127.0.0.1:\(port)/"]).0 == 0)
        // The server is still answering after the refused handshakes.
        #expect(try curl(["--cacert", files.certificate, "https://127.0.0.1:\(port)/after"]).1 == "tls=true GET /after")
    }

    /// The suite openssl s_client agreed on, or nil when the handshake failed.
    private func negotiated(port: UInt16, _ options: [String]) throws -> String? {
        let (_, output) = try run("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)"] + options)
        guard let line = output.split(separator: "\n").first(where: { $0.contains("Cipher is ") }) else { return nil }
        let suite = String(line.split(separator: " ").last ?? "")
        return suite == "(NONE)" ? nil : suite
    }

    @Test func onlyForwardSecretAEADSuitesAreNegotiated() throws {
        let rsa = try TestCertificate(keyType: ["-newkey", "rsa:2048"]), ec = try TestCertificate()
        let (rsaServer, rsaPort) = try startTLSServer(try HTTPServerTLS.load(certificateFile: rsa.certificate, keyFile: rsa.key))
        defer { rsaServer.stop() }
        let (ecServer, ecPort) = try startTLSServer(try HTTPServerTLS.load(certificateFile: ec.certificate, keyFile: ec.key))
        defer { ecServer.stop() }
        let tls12 = ["-tls1_2", "-cipher"]
        // RSA key exchange, with CBC or with GCM: refused.
        #expect(try negotiated(port: rsaPort, tls12 + ["AES128-SHA256"]) == nil)
        #expect(try negotiated(port: rsaPort, tls12 + ["AES128-GCM-SHA256"]) == nil)
        #expect(try negotiated(port: rsaPort, tls12 + ["AES256-SHA"]) == nil)
        // ECDHE with CBC: refused.
        #expect(try negotiated(port: rsaPort, tls12 + ["ECDHE-RSA-AES128-SHA256"]) == nil)
        #expect(try negotiated(port: ecPort, tls12 + ["ECDHE-ECDSA-AES256-SHA"]) == nil)
        // ECDHE with an AEAD cipher: accepted.
        #expect(try negotiated(port: rsaPort, tls12 + ["ECDHE-RSA-AES128-GCM-SHA256"]) == "ECDHE-RSA-AES128-GCM-SHA256")
        #expect(try negotiated(port: rsaPort, tls12 + ["ECDHE-RSA-CHACHA20-POLY1305"]) == "ECDHE-RSA-CHACHA20-POLY1305")
        #expect(try negotiated(port: ecPort, tls12 + ["ECDHE-ECDSA-AES256-GCM-SHA384"]) == "ECDHE-ECDSA-AES256-GCM-SHA384")
        // TLS 1.3 as the client likes it.
        #expect(try negotiated(port: rsaPort, ["-tls1_3"]) != nil)
        #expect(try negotiated(port: ecPort, ["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"])
                == "TLS_CHACHA20_POLY1305_SHA256")
    }

    @Test func badKeysAndFilesAreRefusedWithTheirNames() throws {
        let files = try TestCertificate(), other = try TestCertificate()
        #expect(throws: HTTPServerError.self) {
            _ = try startTLSServer(try HTTPServerTLS.load(certificateFile: files.certificate, keyFile: other.key))
        }
        do {
            _ = try HTTPServerTLS.load(certificateFile: files.directory + "/missing.pem", keyFile: files.key)
            Issue.record("a missing certificate loaded")
        } catch {
            #expect(error.message == "cannot read the TLS certificate \(files.directory)/missing.pem")
        }
        do {
            _ = try HTTPServerTLS.load(certificateFile: files.key, keyFile: files.key)
            Issue.record("a key loaded as a certificate")
        } catch {
            #expect(error.message.hasPrefix("the TLS certificate \(files.key) is not in PEM form"))
        }
    }
}
