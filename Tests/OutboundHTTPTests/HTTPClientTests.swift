import Foundation
import Testing
@testable import OutboundHTTP

@Suite struct HTTPClientTests {
    @Test func refusedConnectionIsATransferError() {
        // Port 1 on loopback is closed here; the message names the URL without its query.
        let error = #expect(throws: HTTPClientError.self) {
            try HTTPClient().perform(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:1/x?X-Amz-Signature=secret", connectTimeout: 2))
        }
        guard case .transfer(let message)? = error else {
            Issue.record("expected a transfer error, got \(String(describing: error))")
            return
        }
        #expect(message.hasPrefix("GET http://127.0.0.1:1/x failed: "))
        #expect(!message.contains("secret"))
    }

    @Test func missingBodyFileIsRefusedBeforeSending() {
        #expect(throws: HTTPClientError.localFile("Cannot read '/nonexistent/file': not a regular file")) {
            try HTTPClient().perform(HTTPClientRequest(method: "PUT", url: "http://127.0.0.1:1/x", body: .file(path: "/nonexistent/file")))
        }
    }

    @Test func responseHeaderLookupIgnoresCase() {
        let response = HTTPClientResponse(status: 200, headers: [HTTPHeader("ETag", "\"a\""), HTTPHeader("etag", "\"b\"")], body: [])
        #expect(response.header("ETAG") == "\"b\"")
        #expect(response.isSuccess)
    }
}
