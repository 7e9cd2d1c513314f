import Foundation
public import JSON
public import Storage
public import TrackingCore

/// What the webhook routes and the registry's events need: the store, the sender (address policy)
/// and the dispatcher. Built by the composition root when the registry store keeps webhooks.
public struct WebhookService: Sendable {
    public let store: any WebhookStore
    public let sender: WebhookSender
    public let dispatcher: WebhookDispatcher

    public init(store: any WebhookStore, sender: WebhookSender, dispatcher: WebhookDispatcher) {
        self.store = store
        self.sender = sender
        self.dispatcher = dispatcher
    }

    /// `test`: sends `event`'s example payload now and answers MLflow's WebhookTestResult.
    public func test(_ webhook: Webhook, event: WebhookEvent?) -> JSONValue {
        guard let event = event ?? webhook.events.first else {
            return .object([("success", .bool(false)), ("error_message", .string("Failed to test webhook: no event"))])
        }
        guard let data = WebhookPayload.example(for: event) else {
            return .object([("success", .bool(false)), ("error_message", .string(
                "Failed to test webhook: ValueError('Unknown event type: \(event.entity.rawValue).\(event.action.rawValue)')"))])
        }
        // One delivery id and body, retried like a delivery (MLflow's test uses its retrying session).
        let deliveryId = RandomID.uuid4()
        let payload = WebhookPayload.body(event: event, data: data)
        var attempt = 1
        var answer = sender.send(url: webhook.url, secret: webhook.secret, deliveryId: deliveryId,
                                 timestamp: String(Int64(Date().timeIntervalSince1970)), payload: payload)
        let retry = dispatcher.retry
        while answer.error.map({ !$0.contains("non-public") && !$0.contains("scheme") }) ?? true,
              retry.stateAfter(attempt: attempt, status: answer.status) == .pending {
            Thread.sleep(forTimeInterval: Double(retry.delayMillis(afterAttempt: attempt)) / 1000)
            attempt += 1
            answer = sender.send(url: webhook.url, secret: webhook.secret, deliveryId: deliveryId,
                                 timestamp: String(Int64(Date().timeIntervalSince1970)), payload: payload)
        }
        guard let status = answer.status else {
            return .object([("success", .bool(false)),
                            ("error_message", .string("Failed to test webhook: \(answer.error ?? "no answer")"))])
        }
        return .object([("success", .bool(status < 400)), ("response_status", .integer(Int64(status))),
                        ("response_body", .string(answer.body))])
    }
}
