import Testing
@testable import API
import HTTPTransport
import Storage

@Suite("Transport security")
struct TransportSecurityTests {
    private func request(from address: String, tls: Bool = false, headers: [(name: String, value: String)] = [],
                         path: String = "/api/2.0/mlflow/experiments/search") -> HTTPRequest {
        var request = HTTPRequest(method: "GET", target: path, headers: headers)
        request.remoteAddress = address
        request.isTLS = tls
        return request
    }

    @Test func addressRangesMatchIPv4IPv6AndMappedAddresses() throws {
        let block = try #require(AddressRange("10.0.0.0/8"))
        #expect(block.contains("10.200.3.4") && !block.contains("11.0.0.1") && !block.contains("::1"))
        #expect(block.contains("::ffff:10.1.2.3"))
        let loopback6 = try #require(AddressRange("::1"))
        #expect(loopback6.contains("::1") && !loopback6.contains("::2"))
        let v6 = try #require(AddressRange("fd00::/8"))
        #expect(v6.contains("fd12:3456::1") && !v6.contains("fe80::1"))
        #expect(try #require(AddressRange("192.168.1.77/26")).contains("192.168.1.64"))
        #expect(!(try #require(AddressRange("192.168.1.77/26")).contains("192.168.1.128")))
        for bad in ["", "10.0.0.0/33", "10.0.0", "host.example", "::1/129", "10.0.0.0/x"] { #expect(AddressRange(bad) == nil) }
    }

    @Test func forwardingHeadersAreBelievedOnlyFromTrustedProxies() throws {
        let transport = TransportSecurity(trustedProxies: [try #require(AddressRange("127.0.0.1")),
                                                           try #require(AddressRange("10.0.0.0/8"))])
        var proxied = request(from: "127.0.0.1", headers: [("X-Forwarded-For", "203.0.113.9, 10.1.1.1"),
                                                           ("X-Forwarded-Proto", "https")])
        #expect(transport.resolve(&proxied))
        #expect(proxied.remoteAddress == "203.0.113.9")
        // A client that forges the headers is not a proxy: nothing changes.
        var forged = request(from: "198.51.100.7", headers: [("X-Forwarded-For", "10.9.9.9"), ("X-Forwarded-Proto", "https")])
        #expect(!transport.resolve(&forged))
        #expect(forged.remoteAddress == "198.51.100.7")
        // The client's own X-Forwarded-For entries left of the first untrusted hop are not believed.
        var spoofing = request(from: "127.0.0.1", headers: [("X-Forwarded-For", "1.2.3.4, 203.0.113.9")])
        #expect(!transport.resolve(&spoofing))
        #expect(spoofing.remoteAddress == "203.0.113.9")
        var garbage = request(from: "127.0.0.1", headers: [("X-Forwarded-For", "not-an-address")])
        _ = transport.resolve(&garbage)
        #expect(garbage.remoteAddress == "127.0.0.1")
        var plain = request(from: "127.0.0.1", headers: [("X-Forwarded-Proto", "http")])
        #expect(!transport.resolve(&plain))
        var native = request(from: "198.51.100.7", tls: true)
        #expect(TransportSecurity().resolve(&native))
    }

    @Test func httpsIsRequiredAndAnsweredWithHSTS() throws {
        let transport = TransportSecurity(trustedProxies: [try #require(AddressRange("127.0.0.1"))], requireHTTPS: true)
        let refused = try #require(transport.refusal(path: "/api/2.0/mlflow/experiments/search", secure: false))
        #expect(refused.status == 403)
        #expect(String(decoding: refused.body, as: UTF8.self).contains(#""error_code":"PERMISSION_DENIED""#))
        #expect(transport.refusal(path: "/health", secure: false) == nil)
        #expect(transport.refusal(path: "/api/2.0/mlflow/experiments/search", secure: true) == nil)
        var response = HTTPResponse.text("ok")
        transport.decorate(&response, secure: true)
        #expect(response.headers.contains { $0.name == "Strict-Transport-Security" && $0.value == "max-age=31536000; includeSubDomains" })
        var plain = HTTPResponse.text("ok")
        transport.decorate(&plain, secure: false)
        #expect(!plain.headers.contains { $0.name == "Strict-Transport-Security" })
        var off = HTTPResponse.text("ok")
        TransportSecurity(hstsMaxAgeSeconds: 0).decorate(&off, secure: true)
        #expect(!off.headers.contains { $0.name == "Strict-Transport-Security" })
    }

    @Test func theAPIRefusesPlainRequestsAndMarksSecureAnswers() throws {
        let store = try APIHarness().store
        let transport = TransportSecurity(trustedProxies: [try #require(AddressRange("127.0.0.1"))], requireHTTPS: true)
        let api = MLflowAPI(APIParts(stores: APIStores(store), version: "test", transport: transport))
        let plain = Reply(api.handle(request(from: "127.0.0.1")))
        #expect(plain.status == 403 && plain.errorCode == "PERMISSION_DENIED")
        #expect(plain.message?.contains("accepts only HTTPS") == true)
        let proxied = Reply(api.handle(request(from: "127.0.0.1", headers: [("X-Forwarded-Proto", "https")])))
        #expect(proxied.status == 200)
        #expect(proxied.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains")
        #expect(Reply(api.handle(request(from: "127.0.0.1", path: "/health"))).status == 200)
    }
}
