import Foundation
import OutboundHTTP
import Testing
@testable import Artifacts
import Crypto

/// Shared Key and SAS signing: the string-to-sign built by hand from Azure's documented rules,
/// its HMAC checked with openssl, and both signatures cross-checked with Microsoft's Python SDK.
@Suite struct AzureSharedKeyTests {
    static let key = Base64.encode((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
    static var signer: AzureSharedKeySigner { AzureSharedKeySigner(account: "myaccount", key: Base64.decode(key) ?? []) }

    /// "Authorize with Shared Key" (Blob service, version 2009-09-19 and later): VERB, eleven
    /// standard headers (Content-Length empty when zero, Date empty with x-ms-date), the sorted
    /// `x-ms-*` headers, then `/account/path` and `\nname:value` per sorted, decoded query parameter.
    @Test func stringToSignFollowsTheDocumentedRules() {
        let putBlock = Self.signer.stringToSign(
            method: "put", encodedPath: "/mycontainer/dir/a%20b.bin",
            query: [QueryItem("comp", "block"), QueryItem("blockid", "YmxvY2stMDAwMDAx")],
            headers: [HTTPHeader("x-ms-version", "2021-08-06"), HTTPHeader("X-MS-Date", "Fri, 26 Jun 2015 23:39:12 GMT"),
                      HTTPHeader("Content-Length", "8388608"), HTTPHeader("x-ms-meta-note", "  two   words ")])
        #expect(putBlock == "PUT\n\n\n8388608\n\n\n\n\n\n\n\n\n"
            + "x-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\nx-ms-meta-note:two words\nx-ms-version:2021-08-06\n"
            + "/myaccount/mycontainer/dir/a%20b.bin\nblockid:YmxvY2stMDAwMDAx\ncomp:block")

        let list = Self.signer.stringToSign(
            method: "GET", encodedPath: "/myaccount/mycontainer",
            query: [QueryItem("restype", "container"), QueryItem("comp", "list"), QueryItem("Prefix", "a/b c/"),
                    QueryItem("delimiter", "/")],
            headers: [HTTPHeader("x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT"), HTTPHeader("x-ms-version", "2021-08-06"),
                      HTTPHeader("Content-Length", "0"), HTTPHeader("Content-Type", "application/xml")])
        // Emulator endpoints carry the account in the path too: it appears twice.
        #expect(list == "GET\n\n\n\n\napplication/xml\n\n\n\n\n\n\n"
            + "x-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\nx-ms-version:2021-08-06\n"
            + "/myaccount/myaccount/mycontainer\ncomp:list\ndelimiter:/\nprefix:a/b c/\nrestype:container")
    }

    @Test func signatureIsTheHMACOfTheStringToSign() throws {
        let request = (method: "DELETE", path: "/c/x.txt", query: [QueryItem("timeout", "30")],
                       headers: [HTTPHeader("x-ms-date", "Mon, 01 Jan 2024 00:00:00 GMT"), HTTPHeader("x-ms-version", "2021-08-06")])
        let text = Self.signer.stringToSign(method: request.method, encodedPath: request.path, query: request.query, headers: request.headers)
        let authorization = Self.signer.authorization(method: request.method, encodedPath: request.path, query: request.query,
                                                      headers: request.headers)
        let hexKey = Hex.encode(Base64.decode(Self.key) ?? [])
        // openssl prints "HMAC-SHA2-256(stdin)= <hex>".
        let mac = try runCommand("/usr/bin/openssl", ["dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:\(hexKey)"],
                                 input: Array(text.utf8))
        #expect(mac.status == 0)
        let hex = mac.output.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        #expect(hex.count == 64)
        let signature = authorization.split(separator: ":").last.map(String.init) ?? ""
        #expect(authorization.hasPrefix("SharedKey myaccount:"))
        #expect(Hex.encode(Base64.decode(signature) ?? []) == hex)
    }

    /// The service SAS string-to-sign of version 2020-12-06 and later: sixteen fields, the
    /// canonical resource `/blob/account/container/blob` with the names as they are.
    @Test func blobSASStringToSign() {
        let sas = AzureBlobSAS(account: "myaccount", key: Base64.decode(Self.key) ?? [])
        let text = sas.stringToSign(container: "c", blob: "dir/a b.bin", permissions: "w", start: "", expiry: "2030-01-01T00:00:00Z",
                                    version: "2021-08-06")
        #expect(text == "w\n\n2030-01-01T00:00:00Z\n/blob/myaccount/c/dir/a b.bin\n\n\n\n2021-08-06\nb\n\n\n\n\n\n\n")
        let items = sas.queryItems(container: "c", blob: "dir/a b.bin", permissions: "w",
                                   expiry: Date(timeIntervalSince1970: 1_893_456_000))
        #expect(items.map(\.name) == ["sv", "sr", "sp", "se", "sig"])
        #expect(items.first { $0.name == "se" }?.value == "2030-01-01T00:00:00Z")
        #expect(items.first { $0.name == "sig" }?.value == sas.sign(text))
    }

    @Test func dates() {
        let date = Date(timeIntervalSince1970: 1_435_361_952)  // 2015-06-26 23:39:12 UTC, a Friday
        #expect(AzureDate.rfc1123(date) == "Fri, 26 Jun 2015 23:39:12 GMT")
        #expect(AzureDate.iso8601(date) == "2015-06-26T23:39:12Z")
    }

    /// The same request signed by `azure-storage-blob`'s SharedKeyCredentialPolicy and SAS
    /// generator (Microsoft's code) gives the same Authorization header and SAS signature.
    @Test(.enabled(if: AzureBlobStandIn.isAvailable, "azure-storage-blob not installed: run scripts/bootstrap"))
    func matchesMicrosoftsPythonSDK() throws {
        let headers = [HTTPHeader("x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT"), HTTPHeader("x-ms-version", "2021-08-06"),
                       HTTPHeader("x-ms-blob-type", "BlockBlob"), HTTPHeader("Content-Length", "1234"),
                       HTTPHeader("Content-Type", "application/xml")]
        let path = "/myaccount/my-container/dir/%C3%BC%20%2B%26.txt"
        let query = [QueryItem("comp", "blocklist"), QueryItem("timeout", "20")]
        let ours = Self.signer.authorization(method: "PUT", encodedPath: path, query: query, headers: headers)
        let headerJSON = String(decoding: try JSONSerialization.data(withJSONObject: Dictionary(uniqueKeysWithValues: headers.map { ($0.name, $0.value) })), as: UTF8.self)
        let sasOurs = AzureBlobSAS(account: "myaccount", key: Base64.decode(Self.key) ?? [])
            .queryItems(container: "my-container", blob: "dir/ü +&.txt", permissions: "rw", expiry: Date(timeIntervalSince1970: 1_893_456_000))
            .first { $0.name == "sig" }?.value
        let script = """
        import json, sys, urllib.parse
        from azure.core.pipeline import PipelineContext, PipelineRequest
        from azure.core.pipeline.transport import HttpRequest
        from azure.storage.blob._shared.authentication import SharedKeyCredentialPolicy
        from azure.storage.blob._shared_access_signature import BlobSharedAccessSignature
        key = sys.argv[1]
        request = HttpRequest("PUT", "http://127.0.0.1:10000\(path)?comp=blocklist&timeout=20", headers=json.loads(sys.argv[2]))
        SharedKeyCredentialPolicy("myaccount", key).on_request(PipelineRequest(request, PipelineContext(None)))
        print(request.headers["Authorization"])
        sas = BlobSharedAccessSignature("myaccount", key)
        sas.x_ms_version = "2021-08-06"
        token = sas.generate_blob("my-container", "dir/ü +&.txt", permission="rw", expiry="2030-01-01T00:00:00Z")
        print(dict(urllib.parse.parse_qsl(token))["sig"])
        """
        let result = try runCommand(AzureBlobStandIn.python, ["-c", script, Self.key, headerJSON])
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(result.status == 0)
        #expect(lines.first == ours)
        #expect(lines.dropFirst().first == sasOurs)
    }
}
