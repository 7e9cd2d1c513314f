import Foundation
import HTTPTransport
import Testing
@testable import API

@Suite("API: the built-in UI's sign-in answers")
struct UISignInTests {
    @Test func theUIsCallsGetNoBasicChallengeOthersKeepIt() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        let target = "/ajax-api/2.0/mlflow/users/current"
        let plain = Reply(harness.api.handle(HTTPRequest(method: "GET", target: target)))
        #expect(plain.status == 401 && plain.header("WWW-Authenticate") == "Basic realm=\"mlflow\"")
        #expect(plain.header("X-Swiftrack-Sign-In") == nil)
        let fromUI = Reply(harness.api.handle(HTTPRequest(method: "GET", target: target,
                                                          headers: [(name: "X-Swiftrack-UI", value: "1")])))
        #expect(fromUI.status == 401 && fromUI.header("WWW-Authenticate") == nil)
        #expect(fromUI.header("X-Swiftrack-Sign-In") == "password")
        let token = Data("admin:\(AuthHarness.password("admin"))".utf8).base64EncodedString()
        let signedIn = Reply(harness.api.handle(HTTPRequest(method: "GET", target: target, headers: [
            (name: "X-Swiftrack-UI", value: "1"), (name: "Authorization", value: "Basic \(token)")])))
        #expect(signedIn.status == 200 && signedIn.json?["user"]?["username"]?.stringValue == "admin")
    }

    @Test func onlyTheBasicChallengeOfA401IsLeftOut() {
        let request = HTTPRequest(method: "GET", target: "/", headers: [(name: "X-Swiftrack-UI", value: "1")])
        let refused = HTTPResponse(status: 401, headers: [(name: "WWW-Authenticate", value: "Basic realm=\"mlflow\""),
                                                          (name: "WWW-Authenticate", value: "Bearer realm=\"mlflow\"")])
        let adapted = UISignIn.adapt(refused, to: request, browserSignIn: true)
        #expect(adapted.headers.map(\.value) == ["Bearer realm=\"mlflow\"", "password, oidc"])
        let forbidden = HTTPResponse(status: 403, headers: [(name: "WWW-Authenticate", value: "Basic realm=\"mlflow\"")])
        #expect(UISignIn.adapt(forbidden, to: request, browserSignIn: false).headers.count == 1)
    }
}
