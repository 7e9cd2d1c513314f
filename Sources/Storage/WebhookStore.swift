public import TrackingCore

/// Registry webhooks and the record of their deliveries (MLflow's webhook store methods, plus
/// Swiftrack's delivery log). The URL's address policy is the caller's: the store checks MLflow's
/// name, URL-shape and event rules only.
public protocol WebhookStore: Sendable {
    func createWebhook(_ draft: WebhookDraft) throws -> Webhook
    /// RESOURCE_DOES_NOT_EXIST for an unknown or deleted id (MLflow's message).
    func webhook(id: String) throws -> Webhook
    /// Newest first; `pageToken` is MLflow's offset token. `maxResults` nil means 100.
    func listWebhooks(maxResults: Int?, pageToken: String?) throws -> (webhooks: [Webhook], nextPageToken: String?)
    /// Every webhook subscribed to `event` (active or not: the caller filters), newest first.
    func webhooks(subscribedTo event: WebhookEvent) throws -> [Webhook]
    /// Changes the fields the draft carries; sets the last-update time.
    func updateWebhook(id: String, _ draft: WebhookDraft) throws -> Webhook
    /// Soft delete, as MLflow's.
    func deleteWebhook(id: String) throws

    /// Records a delivery to make (state pending, due now).
    func recordDelivery(_ delivery: WebhookDelivery) throws
    /// Records one attempt's outcome and the delivery's new state.
    func recordAttempt(deliveryId: String, _ attempt: WebhookAttemptOutcome) throws
    func delivery(id: String) throws -> WebhookDelivery?
    /// Newest first.
    func deliveries(webhookId: String, limit: Int) throws -> [WebhookDelivery]
    /// Deliveries still pending (e.g. left by a stopped server), oldest first.
    func pendingDeliveries(limit: Int) throws -> [WebhookDelivery]
}
