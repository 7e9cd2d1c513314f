import Testing
@testable import API
import HTTPTransport
import Webhooks
import JSON
import TrackingCore

/// The registry changes handlers emit become MLflow's webhook events and payloads (the bytes MLflow's
/// `json.dumps` writes), prompts judged by their tags on creation and by the stored model otherwise.
@Suite("Webhooks: registry changes become MLflow's events")
struct RegistryEventPublisherTests {
    static func event(_ change: RegistryChange, prompts: Set<String> = []) -> (String, String)? {
        guard let (event, data) = RegistryEventPublisher.event(for: change, isPromptModel: { prompts.contains($0) })
        else { return nil }
        return (event.name, WebhookPayload.dumps(data))
    }

    @Test func modelVersionCreated() throws {
        let got = try #require(Self.event(.modelVersionCreated(
            name: "m", version: "3", source: "s3://b/x", runId: nil,
            tags: [Tag(key: "a", value: "1"), Tag(key: "a", value: "2")], description: nil)))
        #expect(got.0 == "model_version.created")
        #expect(got.1 == #"{"name": "m", "version": "3", "source": "s3://b/x", "run_id": null, "tags": {"a": "2"}, "description": null}"#)
    }

    @Test func promptVersionCreated() throws {
        let got = try #require(Self.event(.modelVersionCreated(
            name: "p", version: "1", source: "dummy", runId: nil,
            tags: [Tag(key: "mlflow.prompt.is_prompt", value: "TRUE"), Tag(key: "mlflow.prompt.text", value: "Hi {{x}}"),
                   Tag(key: "_mlflow_prompt_type", value: "text"), Tag(key: "k", value: "v")],
            description: "d")))
        #expect(got.0 == "prompt_version.created")
        #expect(got.1 == #"{"name": "p", "version": "1", "template": "Hi {{x}}", "tags": {"k": "v"}, "description": "d"}"#)
    }

    @Test func registeredModelsAndPrompts() throws {
        #expect(Self.event(.registeredModelCreated(name: "m", tags: [], description: ""))?.1
                == #"{"name": "m", "tags": {}, "description": ""}"#)
        #expect(Self.event(.registeredModelCreated(name: "p", tags: [Tag(key: "mlflow.prompt.is_prompt", value: "true")],
                                                   description: ""))?.0 == "prompt.created")
        #expect(Self.event(.registeredModelCreated(name: "p", tags: [Tag(key: "mlflow.prompt.is_prompt", value: "false")],
                                                   description: ""))?.0 == "registered_model.created")
        #expect(Self.event(.registeredModelTagSet(name: "m", key: "k", value: "v")) == nil)
        #expect(Self.event(.registeredModelTagSet(name: "p", key: "k", value: "v"), prompts: ["p"])?.0 == "prompt_tag.set")
        #expect(Self.event(.registeredModelTagDeleted(name: "p", key: "k"), prompts: ["p"])?.1 == #"{"name": "p", "key": "k"}"#)
    }

    @Test func tagsAndAliases() throws {
        #expect(Self.event(.modelVersionTagSet(name: "m", version: "1", key: "k", value: "v"))?.0 == "model_version_tag.set")
        #expect(Self.event(.modelVersionTagDeleted(name: "m", version: "1", key: "k"))?.1
                == #"{"name": "m", "version": "1", "key": "k"}"#)
        #expect(Self.event(.aliasSet(name: "m", alias: "a", version: "2"))?.0 == "model_version_alias.created")
        #expect(Self.event(.aliasDeleted(name: "p", alias: "a"), prompts: ["p"])?.0 == "prompt_alias.deleted")
        #expect(Self.event(.modelVersionTagSet(name: "p", version: "1", key: "k", value: "v"), prompts: ["p"])?.0
                == "prompt_version_tag.set")
    }

    /// The handler emits what it did, only once the store did it; a refused request emits nothing.
    @Test func handlersEmitTheirChangesOnlyOnSuccess() throws {
        let harness = try APIHarness()
        let create = harness.api.handle(HTTPRequest(method: "POST", target: "/api/2.0/mlflow/registered-models/create",
                                                    headers: [(name: "Content-Type", value: "application/json")],
                                                    body: Array(#"{"name":"m","tags":[{"key":"t","value":"1"}]}"#.utf8)))
        #expect(create.status == 200)
        let registry = harness.store.registryStore
        let sealer = ModelVersionSealer(registry: registry, tracking: harness.store, artifacts: .localOnly, policy: nil)
        let router = Router(routes: RegistryRoutes(registry: registry, transitionRequests: nil, sealer: sealer).routes,
                            prefixes: ["/api/2.0"])
        func run(_ method: String, _ path: String, _ body: String) throws -> [RegistryChange] {
            let http = HTTPRequest(method: method, target: "/api/2.0" + path,
                                   headers: [(name: "Content-Type", value: "application/json")], body: Array(body.utf8))
            guard case .route(let route, let template) = router.match(method: method, path: http.path) else { return [] }
            let request = RouteRequest(http, template: template)
            _ = try? route.handler(request)
            return request.events.registryChanges
        }
        #expect(try run("POST", "/mlflow/registered-models/set-tag", #"{"name":"m","key":"k","value":"v"}"#)
                == [.registeredModelTagSet(name: "m", key: "k", value: "v")])
        #expect(try run("POST", "/mlflow/registered-models/set-tag", #"{"name":"nope","key":"k","value":"v"}"#) == [])
        #expect(try run("DELETE", "/mlflow/registered-models/alias", #"{"name":"m","alias":"champion"}"#)
                == [.aliasDeleted(name: "m", alias: "champion")])
    }
}
