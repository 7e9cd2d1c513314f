/// One event sent (or to be sent) to one webhook: the payload exactly as signed, and its progress.
public struct WebhookDelivery: Sendable, Equatable {
    public enum State: String, Sendable {
        case pending = "PENDING"
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"
    }

    public var id: String
    public var webhookId: String
    public var event: WebhookEvent
    /// The JSON body sent, byte for byte what the signature covers.
    public var payload: String
    /// Hex SHA-256 of `payload`.
    public var payloadDigest: String
    public var state: State
    public var attempts: Int
    public var responseStatus: Int?
    public var error: String?
    public var creationTimestamp: Int64
    public var lastAttemptTimestamp: Int64?
    public var nextAttemptTimestamp: Int64?

    public init(id: String, webhookId: String, event: WebhookEvent, payload: String, payloadDigest: String,
                state: State = .pending, attempts: Int = 0, responseStatus: Int? = nil, error: String? = nil,
                creationTimestamp: Int64, lastAttemptTimestamp: Int64? = nil, nextAttemptTimestamp: Int64? = nil) {
        self.id = id
        self.webhookId = webhookId
        self.event = event
        self.payload = payload
        self.payloadDigest = payloadDigest
        self.state = state
        self.attempts = attempts
        self.responseStatus = responseStatus
        self.error = error
        self.creationTimestamp = creationTimestamp
        self.lastAttemptTimestamp = lastAttemptTimestamp
        self.nextAttemptTimestamp = nextAttemptTimestamp
    }
}

/// What one attempt ended with, and what the delivery becomes.
public struct WebhookAttemptOutcome: Sendable, Equatable {
    public var state: WebhookDelivery.State
    public var responseStatus: Int?
    public var error: String?
    public var attemptedAt: Int64
    /// When the next attempt is due (pending only).
    public var nextAttemptAt: Int64?

    public init(state: WebhookDelivery.State, responseStatus: Int?, error: String?, attemptedAt: Int64,
                nextAttemptAt: Int64?) {
        self.state = state
        self.responseStatus = responseStatus
        self.error = error
        self.attemptedAt = attemptedAt
        self.nextAttemptAt = nextAttemptAt
    }
}

/// The retry rule: network errors, 429 and 5xx are retried after 1 s, 2 s, 4 s… (capped), up to
/// `maxAttempts` attempts in all; any other answer is final.
public struct WebhookRetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelayMillis: Int64
    public var maxDelayMillis: Int64

    public init(maxAttempts: Int = 4, baseDelayMillis: Int64 = 1000, maxDelayMillis: Int64 = 60_000) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelayMillis = max(0, baseDelayMillis)
        self.maxDelayMillis = max(0, maxDelayMillis)
    }

    /// Whether an answer (nil: no answer, a network error) is worth another attempt.
    public static func isRetryable(status: Int?) -> Bool {
        guard let status else { return true }
        return status == 429 || (500...599).contains(status)
    }

    /// The wait after attempt number `attempt` (1-based) failed: base * 2^(attempt-1), capped.
    public func delayMillis(afterAttempt attempt: Int) -> Int64 {
        let exponent = min(max(attempt - 1, 0), 30)
        let (delay, overflow) = baseDelayMillis.multipliedReportingOverflow(by: Int64(1) << exponent)
        return overflow ? maxDelayMillis : min(delay, maxDelayMillis)
    }

    /// The delivery's state after attempt `attempt` answered `status` (nil: network error).
    public func stateAfter(attempt: Int, status: Int?) -> WebhookDelivery.State {
        if let status, (200..<300).contains(status) { return .succeeded }
        if Self.isRetryable(status: status) && attempt < maxAttempts { return .pending }
        return .failed
    }
}
