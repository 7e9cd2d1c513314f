import Foundation
import Testing
@testable import TrackingCore

@Suite("PageToken")
struct PageTokenTests {
    private func token(_ json: String) -> String { Data(json.utf8).base64EncodedString() }

    private func message(_ token: String) -> String? {
        do {
            _ = try PageToken.decode(token)
            return nil
        } catch let error as MLflowError {
            #expect(error.code == .invalidParameterValue)
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func encodesLikeMLflow() {
        // base64.b64encode(json.dumps({"offset": 100}).encode())
        #expect(PageToken.encode(offset: 100) == "eyJvZmZzZXQiOiAxMDB9")
    }

    @Test func roundTrips() throws {
        for offset in [1, 2, 1000, 123_456_789] {
            #expect(try PageToken.decode(PageToken.encode(offset: offset)) == offset)
        }
        #expect(try PageToken.decode(token("{\"offset\":7,\"other\":true}")) == 7)
    }

    @Test func missingTokenIsOffsetZero() throws {
        #expect(try PageToken.decode(nil) == 0)
        #expect(try PageToken.decode("") == 0)
    }

    @Test func rejectsBadBase64() {
        #expect(message("not base64!!") == "Invalid page token, could not base64-decode")
        #expect(message("eyJvZmZzZXQiOiAxMDB") == "Invalid page token, could not base64-decode")
    }

    @Test func rejectsBadJSON() {
        #expect(message(token("offset=5")) == "Invalid page token, decoded value=b'offset=5'")
        #expect(message(token("{\"offset\": 5")) == "Invalid page token, decoded value=b'{\"offset\": 5'")
    }

    @Test func rejectsForgedOffsets() {
        #expect(message(token("{\"offset\": \"1; DROP TABLE runs\"}")) == "Invalid page token, not stringable \"1; DROP TABLE runs\"")
        #expect(message(token("{\"offset\": \"5\"}")) != nil)
        #expect(message(token("{\"offset\": 1.5}")) != nil)
        #expect(message(token("{\"offset\": true}")) != nil)
        #expect(message(token("{\"offset\": -5}")) != nil)
        #expect(message(token("{\"offset\": 0}")) != nil)
        #expect(message(token("{\"offset\": 99999999999999999999999}")) != nil)
        #expect(message(token("{\"offset\": [1]}")) != nil)
        #expect(message(token("{\"page\": 1}")) == "Invalid page token, parsed value={\"page\":1}")
        #expect(message(token("[1]")) != nil)
        #expect(message(token("5")) != nil)
    }
}
