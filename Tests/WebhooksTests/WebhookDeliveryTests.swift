import Foundation
import Testing
import JSON
import TrackingCore
@testable import Webhooks

@Suite("Webhooks: signature, payload bytes, address policy, retries")
struct WebhookDeliveryTests {
    /// The vector was computed independently with Python (`hmac.new(secret, f"{id}.{ts}.{payload}", sha256)`,
    /// and mlflow.webhooks.delivery._generate_hmac_signature gives the same).
    @Test func signatureMatchesPythonsHMAC() {
        let payload = #"{"entity": "model_version", "action": "created"}"#
        #expect(WebhookSignature.sign(secret: "whsec-123", deliveryId: "7f3c2a1e-0000-4000-8000-000000000001",
                                      timestamp: "1764750000", payload: payload)
                == "v1,KrjSkYR3xY/aZF6nO2iFKCROrCUnAbzOW9ayef3eZHg=")
        let headers = WebhookSignature.headers(secret: nil, deliveryId: "d", timestamp: "1", payload: payload)
        #expect(headers.map(\.0) == ["Content-Type", "X-MLflow-Delivery-Id", "X-MLflow-Timestamp"])
        #expect(WebhookSignature.headers(secret: "s", deliveryId: "d", timestamp: "1", payload: payload).last?.0
                == "X-MLflow-Signature")
    }

    @Test func payloadIsPythonsJSONDumps() {
        #expect(WebhookPayload.dumps(.object([("a", .string("é")), ("b", .array([.integer(1), .null])),
                                              ("c", .object([("d", .bool(true))]))]))
                == #"{"a": "\u00e9", "b": [1, null], "c": {"d": true}}"#)
        #expect(WebhookPayload.isoTimestamp(Date(timeIntervalSince1970: 1764750000.5)) == "2025-12-03T08:20:00.500000+00:00")
        #expect(WebhookPayload.isoTimestamp(Date(timeIntervalSince1970: 1764750000)) == "2025-12-03T08:20:00+00:00")
        let event = try! WebhookEvent(entity: .modelVersionAlias, action: .deleted)
        let body = WebhookPayload.body(event: event, data: .object([("name", .string("m")), ("alias", .string("a"))]),
                                       date: Date(timeIntervalSince1970: 0))
        #expect(body == #"{"entity": "model_version_alias", "action": "deleted", "timestamp": "1970-01-01T00:00:00+00:00", "#
                + #""data": {"name": "m", "alias": "a"}}"#)
    }

    @Test(arguments: [
        ("127.0.0.1", false), ("10.1.2.3", false), ("172.16.0.1", false), ("172.32.0.1", true), ("192.168.1.1", false),
        ("169.254.169.254", false), ("100.64.0.1", false), ("0.0.0.0", false), ("224.0.0.1", false),
        ("255.255.255.255", false), ("8.8.8.8", true), ("93.184.216.34", true),
        ("::1", false), ("::", false), ("fc00::1", false), ("fd12:3456::1", false), ("fe80::1", false), ("ff02::1", false),
        ("::ffff:127.0.0.1", false), ("::ffff:169.254.169.254", false), ("::ffff:8.8.8.8", true),
        ("64:ff9b::a00:1", false), ("2002:7f00:1::", false), ("2001:db8::1", false), ("2606:4700:4700::1111", true),
    ])
    func addressClassification(address: String, isPublic: Bool) throws {
        let parsed = try #require(IPAddress(address))
        #expect(parsed.isPublic == isPublic)
        #expect(WebhookAddressPolicy().permits(parsed) == isPublic)
        #expect(WebhookAddressPolicy(allowPrivate: true).permits(parsed))
    }

    @Test func allowListAndLiterals() throws {
        let policy = WebhookAddressPolicy(allowed: [try #require(CIDRRange("10.20.0.0/16")), try #require(CIDRRange("fd00:1::/64"))])
        #expect(policy.permits(try #require(IPAddress("10.20.3.4"))))
        #expect(!policy.permits(try #require(IPAddress("10.21.0.1"))))
        #expect(policy.permits(try #require(IPAddress("fd00:1::5"))))
        #expect(!policy.permits(try #require(IPAddress("fd00:2::5"))))
        #expect(CIDRRange("10.0.0.0/33") == nil)
        #expect(CIDRRange("nonsense") == nil)
        #expect(IPAddress("127.1") == nil)
        #expect(IPAddress("[::1]")?.description == "::1")
        #expect(throws: MLflowError(.invalidParameterValue, "Webhook URL host '0177.0.0.1' is not a canonical IP address literal.")) {
            _ = try WebhookAddressPolicy().check(host: "0177.0.0.1")
        }
        #expect(throws: MLflowError.self) { _ = try WebhookAddressPolicy().check(host: "localhost") }
        #expect(try WebhookAddressPolicy(allowPrivate: true).check(host: "127.0.0.1").description == "127.0.0.1")
    }

    @Test func senderRefusesBeforeConnecting() {
        let sender = WebhookSender(policy: WebhookAddressPolicy(schemes: ["http", "https"]))
        let answer = sender.send(url: "http://169.254.169.254/latest", secret: nil, deliveryId: "d", timestamp: "1", payload: "{}")
        #expect(answer.status == nil)
        #expect(answer.error?.hasPrefix("Webhook URL must not resolve to a non-public IP address. '169.254.169.254' resolves to 169.254.169.254.") == true)
        let https = WebhookSender(policy: WebhookAddressPolicy())
        #expect(https.send(url: "http://8.8.8.8/", secret: nil, deliveryId: "d", timestamp: "1", payload: "{}").error
                == "Invalid webhook URL scheme: 'http'. Allowed schemes are: https.")
    }

    @Test func backoffSchedule() {
        let policy = WebhookRetryPolicy(maxAttempts: 4)
        #expect((1...6).map(policy.delayMillis(afterAttempt:)) == [1000, 2000, 4000, 8000, 16000, 32000])
        #expect(policy.delayMillis(afterAttempt: 7) == 60_000)
        #expect(policy.delayMillis(afterAttempt: 500) == 60_000)
        #expect(policy.stateAfter(attempt: 1, status: 500) == .pending)
        #expect(policy.stateAfter(attempt: 1, status: 429) == .pending)
        #expect(policy.stateAfter(attempt: 1, status: nil) == .pending)
        #expect(policy.stateAfter(attempt: 3, status: 503) == .pending)
        #expect(policy.stateAfter(attempt: 4, status: 503) == .failed)
        #expect(policy.stateAfter(attempt: 1, status: 404) == .failed)
        #expect(policy.stateAfter(attempt: 1, status: 302) == .failed)
        #expect(policy.stateAfter(attempt: 2, status: 204) == .succeeded)
    }

    @Test func urlParts() {
        #expect(WebhookURL("https://Example.com/x?y") == WebhookURL("https://example.com:443/"))
        #expect(WebhookURL("http://user:pw@[::1]:8080/p").host == "::1")
        #expect(WebhookURL("http://user:pw@[::1]:8080/p").port == 8080)
        #expect(WebhookURL("http://h:81").port == 81)
        #expect(WebhookURL("nonsense").scheme == "")
    }

    @Test func eventsFromProtoNames() throws {
        #expect(try WebhookEvent(protoEntity: "MODEL_VERSION_TAG", protoAction: "SET").name == "model_version_tag.set")
        #expect(throws: MLflowError.self) { _ = try WebhookEvent(protoEntity: "model_version", protoAction: "CREATED") }
        #expect(throws: MLflowError(.invalidParameterValue,
                                    "Invalid action 'created' for entity 'model_version_tag'. Valid actions are: ['deleted', 'set']")) {
            _ = try WebhookEvent(protoEntity: "MODEL_VERSION_TAG", protoAction: "CREATED")
        }
    }
}
