import Foundation
import Testing
import TrackingCore
@testable import Artifacts

@Suite struct HTTPClientTests {
    @Test func refusedConnectionIsAnMLflowError() {
        // Port 1 on loopback is closed here; the message names the URL without its query.
        let error = #expect(throws: MLflowError.self) {
            try HTTPClient().perform(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:1/x?X-Amz-Signature=secret", connectTimeout: 2))
        }
        #expect(error?.code == .internalError)
        #expect(error?.message.contains("secret") == false)
        #expect(error?.message.contains("http://127.0.0.1:1/x") == true)
    }

    @Test func missingBodyFileIsRefusedBeforeSending() {
        #expect(throws: MLflowError.self) {
            try HTTPClient().perform(HTTPClientRequest(method: "PUT", url: "http://127.0.0.1:1/x", body: .file(path: "/nonexistent/file")))
        }
    }

    @Test func responseHeaderLookupIgnoresCase() {
        let response = HTTPClientResponse(status: 200, headers: [HTTPHeader("ETag", "\"a\""), HTTPHeader("etag", "\"b\"")], body: [])
        #expect(response.header("ETAG") == "\"b\"")
        #expect(response.isSuccess)
    }
}
