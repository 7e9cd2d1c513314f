import Testing
@testable import Storage
import TrackingCore

@Suite("Registry store: webhooks and their deliveries")
struct StoreWebhookTests {
    static let created = try! WebhookEvent(entity: .modelVersion, action: .created)
    static let aliasSet = try! WebhookEvent(entity: .modelVersionAlias, action: .created)

    @Test(arguments: TestEngine.all) func createGetUpdateDelete(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        let made = try fixture.registry.createWebhook(WebhookDraft(
            name: "hook-1", description: "d", url: "https://example.com/in", events: [Self.created, Self.created],
            secret: "s3cret"))
        #expect(made.status == .active)
        #expect(made.events == [Self.created])
        #expect(made.id.count == 36)
        let read = try fixture.registry.webhook(id: made.id)
        #expect(read == made)
        #expect(read.secret == "s3cret")

        let changed = try fixture.registry.updateWebhook(id: made.id, WebhookDraft(
            url: "http://example.org/x", events: [Self.aliasSet], status: .disabled))
        #expect(changed.name == "hook-1")
        #expect(changed.description == "d")
        #expect(changed.url == "http://example.org/x")
        #expect(changed.events == [Self.aliasSet])
        #expect(changed.status == .disabled)
        #expect(changed.lastUpdatedTimestamp != nil)
        #expect(try fixture.registry.webhook(id: made.id) == changed)
        #expect(try fixture.registry.webhooks(subscribedTo: Self.aliasSet).map(\.id) == [made.id])
        #expect(try fixture.registry.webhooks(subscribedTo: Self.created).isEmpty)

        try fixture.registry.deleteWebhook(id: made.id)
        #expect(registryError { _ = try fixture.registry.webhook(id: made.id) }
                == MLflowError(.resourceDoesNotExist, "Webhook with ID \(made.id) not found."))
        #expect(registryError { try fixture.registry.deleteWebhook(id: made.id) }
                == MLflowError(.resourceDoesNotExist, "Webhook with ID \(made.id) not found."))
        #expect(try fixture.registry.listWebhooks(maxResults: nil, pageToken: nil).webhooks.isEmpty)
        #expect(try fixture.registry.webhooks(subscribedTo: Self.aliasSet).isEmpty)
    }

    @Test(arguments: TestEngine.all) func listPagesNewestFirst(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        var ids: [String] = []
        for index in 0..<5 {
            ids.append(try fixture.registry.createWebhook(WebhookDraft(
                name: "h\(index)", url: "https://example.com", events: [Self.created])).id)
            // Creation times in milliseconds: keep them apart so the order is by time.
            let until = ContinuousClock.now + .milliseconds(3)
            while ContinuousClock.now < until {}
        }
        let first = try fixture.registry.listWebhooks(maxResults: 2, pageToken: nil)
        #expect(first.webhooks.map(\.name) == ["h4", "h3"])
        let second = try fixture.registry.listWebhooks(maxResults: 2, pageToken: first.nextPageToken)
        #expect(second.webhooks.map(\.name) == ["h2", "h1"])
        let third = try fixture.registry.listWebhooks(maxResults: 2, pageToken: second.nextPageToken)
        #expect(third.webhooks.map(\.name) == ["h0"])
        #expect(third.nextPageToken == nil)
        #expect(registryError { _ = try fixture.registry.listWebhooks(maxResults: 1001, pageToken: nil) }
                == MLflowError(.invalidParameterValue, "max_results must be between 1 and 1000."))
    }

    @Test(arguments: TestEngine.all) func deliveriesRecordEachAttempt(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        let hook = try fixture.registry.createWebhook(WebhookDraft(name: "h", url: "https://example.com", events: [Self.created]))
        let delivery = WebhookDelivery(id: "d-1", webhookId: hook.id, event: Self.created, payload: "{\"a\": 1}",
                                       payloadDigest: "ab", creationTimestamp: 10, nextAttemptTimestamp: 10)
        try fixture.registry.recordDelivery(delivery)
        #expect(try fixture.registry.pendingDeliveries(limit: 10) == [delivery])
        try fixture.registry.recordAttempt(deliveryId: "d-1", WebhookAttemptOutcome(
            state: .pending, responseStatus: 500, error: nil, attemptedAt: 11, nextAttemptAt: 1011))
        try fixture.registry.recordAttempt(deliveryId: "d-1", WebhookAttemptOutcome(
            state: .succeeded, responseStatus: 200, error: nil, attemptedAt: 1012, nextAttemptAt: nil))
        let done = try #require(try fixture.registry.delivery(id: "d-1"))
        #expect(done.attempts == 2)
        #expect(done.state == .succeeded)
        #expect(done.responseStatus == 200)
        #expect(done.lastAttemptTimestamp == 1012)
        #expect(done.nextAttemptTimestamp == nil)
        #expect(done.payload == "{\"a\": 1}")
        #expect(try fixture.registry.pendingDeliveries(limit: 10).isEmpty)
        #expect(try fixture.registry.deliveries(webhookId: hook.id, limit: 5).map(\.id) == ["d-1"])
        #expect(registryError { try fixture.registry.recordAttempt(deliveryId: "nope", WebhookAttemptOutcome(
            state: .failed, responseStatus: nil, error: "x", attemptedAt: 1, nextAttemptAt: nil)) }
                == MLflowError(.resourceDoesNotExist, "Webhook delivery with ID nope not found."))
    }

    @Test func validationMessages() throws {
        let fixture = try RegistryFixture(.sqlite)
        #expect(registryError { _ = try fixture.registry.createWebhook(WebhookDraft(
            name: "-bad", url: "https://example.com", events: [Self.created])) }
                == MLflowError(.invalidParameterValue, "Webhook name '-bad' is invalid. It must start and end with a letter "
                    + "or digit, be less than 63 characters long, and contain only letters, digits, dots (.), "
                    + "underscores (_), and hyphens (-)."))
        #expect(registryError { _ = try fixture.registry.createWebhook(WebhookDraft(
            name: "ok", url: "ftp://example.com", events: [Self.created])) }
                == MLflowError(.invalidParameterValue, "Invalid webhook URL scheme: 'ftp'. Allowed schemes are: http, https."))
        #expect(registryError { _ = try fixture.registry.createWebhook(WebhookDraft(name: "ok", url: "https://x", events: [])) }
                == MLflowError(.invalidParameterValue, "Webhook events must be a non-empty list of WebhookEvent objects: []."))
        #expect(throws: MLflowError(.invalidParameterValue,
                                    "Invalid action 'deleted' for entity 'registered_model'. Valid actions are: ['created']")) {
            _ = try WebhookEvent(entity: .registeredModel, action: .deleted)
        }
    }
}
