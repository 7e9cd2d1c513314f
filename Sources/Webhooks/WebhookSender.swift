import OutboundHTTP
public import TrackingCore

/// One POST of a signed payload to a webhook, through the address policy: the host is resolved and
/// checked now, and libcurl connects only to the checked address (no second lookup for DNS
/// rebinding to exploit, no proxy, redirects not followed).
public struct WebhookSender: Sendable {
    public struct Answer: Sendable, Equatable {
        /// nil when there was no HTTP answer (refused address, network error, timeout).
        public var status: Int?
        public var body: String
        public var error: String?
    }

    public let policy: WebhookAddressPolicy
    public var timeoutSeconds: Int
    private let client = HTTPClient()

    public init(policy: WebhookAddressPolicy, timeoutSeconds: Int = 30) {
        self.policy = policy
        self.timeoutSeconds = timeoutSeconds
    }

    /// Checks `url` as create and update do: MLflow's shape rules, then the address policy.
    public func checkTarget(_ url: String) throws(MLflowError) {
        let parsed = try WebhookValidation.validateURL(url, schemes: policy.schemes)
        _ = try policy.check(host: parsed.host)
    }

    public func send(url: String, secret: String?, deliveryId: String, timestamp: String, payload: String) -> Answer {
        let address: IPAddress
        let parsed: WebhookURL
        do {
            parsed = try WebhookValidation.validateURL(url, schemes: policy.schemes)
            address = try policy.check(host: parsed.host)
        } catch {
            return Answer(status: nil, body: "", error: error.message)
        }
        var request = HTTPClientRequest(
            method: "POST", url: url,
            headers: WebhookSignature.headers(secret: secret, deliveryId: deliveryId, timestamp: timestamp, payload: payload)
                .map { HTTPHeader($0.0, $0.1) },
            body: .bytes(Array(payload.utf8)), connectTimeout: min(10, timeoutSeconds), timeout: timeoutSeconds)
        let literal = address.isIPv6 ? "[\(address)]" : "\(address)"
        request.resolve = ["\(parsed.host):\(parsed.port):\(literal)"]
        do {
            let response = try client.perform(request)
            return Answer(status: response.status, body: String(decoding: response.body.prefix(64 * 1024), as: UTF8.self),
                          error: nil)
        } catch {
            return Answer(status: nil, body: "", error: error.message)
        }
    }
}
