import Foundation
import OutboundHTTP
@testable import Artifacts
import Crypto

/// `gcp-storage-emulator` (PyPI, pinned in compat/requirements.txt) in memory on a free
/// loopback port, with one bucket created at start.
final class GCSEmulator {
    static let binary = LoopbackProcess.venvBin + "/gcp-storage-emulator"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let server: LoopbackProcess
    var endpoint: String { server.endpoint }

    init(bucket: String) throws {
        server = try LoopbackProcess(executable: Self.binary,
                                     arguments: ["start", "--host", "127.0.0.1", "--port", "{port}", "--in-memory",
                                                 "--default-bucket", bucket],
                                     name: "gcp-storage-emulator")
    }

    func stop() { server.stop() }

    /// As `STORAGE_EMULATOR_HOST` would configure it, with small upload thresholds.
    func configuration(simpleUploadLimit: Int64 = 16 << 20, chunkSize: Int64 = 16 << 20) -> GCSConfiguration {
        var configuration = GCSConfiguration(environment: ["STORAGE_EMULATOR_HOST": endpoint])
        configuration.simpleUploadLimit = simpleUploadLimit
        configuration.chunkSize = chunkSize
        return configuration
    }
}

/// A stand-in OAuth token endpoint (tests only): answers every JWT-bearer grant with a new
/// token `token-N`, and shows the last form it received at `GET /last` and the count at `GET /count`.
/// It checks nothing itself: the tests verify the recorded assertion with openssl.
final class TokenEndpointStandIn {
    static let python = LoopbackProcess.venvBin + "/python"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: python) }

    static let script = #"""
import json, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

state = {"count": 0, "last": {}}

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        if self.path == "/count":
            self.answer(200, {"count": state["count"]})
        elif self.path == "/last":
            self.answer(200, state["last"])
        else:
            self.answer(200, {"ok": True})
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        state["last"] = dict(form, content_type=self.headers.get("Content-Type", ""))
        if self.path != "/token":
            self.answer(401, {"error": "invalid_client", "error_description": "unknown path"})
            return
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" or not form.get("assertion"):
            self.answer(400, {"error": "invalid_grant", "error_description": "bad grant"})
            return
        state["count"] += 1
        self.answer(200, {"access_token": "token-%d" % state["count"], "expires_in": 3600, "token_type": "Bearer"})

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""#

    let server: LoopbackProcess
    private let scriptPath: String
    var tokenURI: String { server.endpoint + "/token" }

    init() throws {
        scriptPath = try LoopbackProcess.writeScript(Self.script, name: "token-endpoint")
        server = try LoopbackProcess(executable: Self.python, arguments: [scriptPath, "{port}"], name: "token endpoint stand-in")
    }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(atPath: scriptPath)
    }

    func count() throws -> Int {
        let response = try HTTPClient().perform(HTTPClientRequest(method: "GET", url: server.endpoint + "/count"))
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return object?["count"] as? Int ?? -1
    }

    func lastForm() throws -> [String: String] {
        let response = try HTTPClient().perform(HTTPClientRequest(method: "GET", url: server.endpoint + "/last"))
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]) ?? [:]
    }
}

/// An RSA key pair made with openssl in a scratch directory, for signing tests (never committed).
struct TestRSAKey {
    let privateKeyPEM: String
    let publicKeyPath: String
    let directory: String

    /// `traditional` writes PKCS#1 (`BEGIN RSA PRIVATE KEY`) instead of PKCS#8.
    init(directory: String, traditional: Bool = false) throws {
        self.directory = directory
        let privatePath = directory + "/key-\(UUID().uuidString).pem"
        publicKeyPath = privatePath + ".pub"
        let generated = try runCommand("/usr/bin/openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                                                             "-out", privatePath])
        guard generated.status == 0 else { throw TestFailure("openssl genpkey failed") }
        var pemPath = privatePath
        if traditional {
            pemPath = privatePath + ".rsa"
            guard try runCommand("/usr/bin/openssl", ["pkey", "-in", privatePath, "-traditional", "-out", pemPath]).status == 0 else {
                throw TestFailure("openssl pkey -traditional failed")
            }
        }
        guard try runCommand("/usr/bin/openssl", ["pkey", "-in", privatePath, "-pubout", "-out", publicKeyPath]).status == 0 else {
            throw TestFailure("openssl pkey -pubout failed")
        }
        privateKeyPEM = try String(contentsOfFile: pemPath, encoding: .utf8)
    }

    /// Whether openssl accepts `signature` as this key's RS256 signature of `message`.
    func verify(signature: [UInt8], of message: [UInt8]) throws -> Bool {
        let messagePath = directory + "/message-\(UUID().uuidString)"
        let signaturePath = messagePath + ".sig"
        try Data(message).write(to: URL(fileURLWithPath: messagePath))
        try Data(signature).write(to: URL(fileURLWithPath: signaturePath))
        let result = try runCommand("/usr/bin/openssl", ["dgst", "-sha256", "-verify", publicKeyPath,
                                                          "-signature", signaturePath, messagePath])
        return result.status == 0 && result.output.contains("Verified OK")
    }

    /// Verifies a compact JWT's RS256 signature and returns its decoded header and claims.
    func verifiedJWT(_ token: String) throws -> (header: [String: Any], claims: [String: Any])? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let signature = Base64.urlDecode(parts[2]),
              try verify(signature: signature, of: Array((parts[0] + "." + parts[1]).utf8)),
              let headerBytes = Base64.urlDecode(parts[0]), let claimBytes = Base64.urlDecode(parts[1]),
              let header = try JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
              let claims = try JSONSerialization.jsonObject(with: Data(claimBytes)) as? [String: Any] else { return nil }
        return (header, claims)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
