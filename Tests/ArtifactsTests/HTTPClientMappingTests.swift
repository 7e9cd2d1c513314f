import OutboundHTTP
import Testing
import TrackingCore
@testable import Artifacts

/// What an object store's caller sees when the exchange itself fails.
@Suite struct HTTPClientMappingTests {
    @Test func failedExchangeIsAnInternalErrorWithoutTheQuery() {
        // Port 1 on loopback is closed here.
        let error = #expect(throws: MLflowError.self) {
            try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:1/x?X-Amz-Signature=secret", connectTimeout: 2))
        }
        #expect(error?.code == .internalError)
        #expect(error?.message.hasPrefix("GET http://127.0.0.1:1/x failed: ") == true)
        #expect(error?.message.contains("secret") == false)
    }
}
