import Testing
@testable import API
import Webhooks
import HTTPTransport
import JSON
import TrackingCore

@Suite("Webhooks: registry requests become MLflow's events")
struct RegistryEventPublisherTests {
    static func event(_ method: String, _ path: String, _ body: String, answer: String = "{}",
                      prompts: Set<String> = []) throws -> (String, String)? {
        let request = HTTPRequest(method: method, target: "/api/2.0" + path,
                                  headers: [(name: "Content-Type", value: "application/json")], body: Array(body.utf8))
        guard let (event, data) = RegistryEventPublisher.event(
            method: method, path: path, fields: try RequestFields.from(request), response: .json(Array(answer.utf8)),
            isPromptModel: { prompts.contains($0) }) else { return nil }
        return (event.name, WebhookPayload.dumps(data))
    }

    @Test func modelVersionCreated() throws {
        let got = try #require(try Self.event("POST", "/mlflow/model-versions/create",
            #"{"name": "m", "source": "s3://b/x", "tags": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}"#,
            answer: #"{"model_version": {"name": "m", "version": "3", "source": "s3://b/x"}}"#))
        #expect(got.0 == "model_version.created")
        #expect(got.1 == #"{"name": "m", "version": "3", "source": "s3://b/x", "run_id": null, "tags": {"a": "2"}, "description": null}"#)
    }

    @Test func promptVersionCreated() throws {
        let got = try #require(try Self.event("POST", "/mlflow/model-versions/create",
            #"{"name": "p", "source": "dummy", "description": "d", "tags": [{"key": "mlflow.prompt.is_prompt", "value": "TRUE"}, "#
            + #"{"key": "mlflow.prompt.text", "value": "Hi {{x}}"}, {"key": "_mlflow_prompt_type", "value": "text"}, {"key": "k", "value": "v"}]}"#,
            answer: #"{"model_version": {"name": "p", "version": "1"}}"#))
        #expect(got.0 == "prompt_version.created")
        #expect(got.1 == #"{"name": "p", "version": "1", "template": "Hi {{x}}", "tags": {"k": "v"}, "description": "d"}"#)
    }

    @Test func registeredModelsAndPrompts() throws {
        #expect(try Self.event("POST", "/mlflow/registered-models/create", #"{"name": "m"}"#)?.1
                == #"{"name": "m", "tags": {}, "description": ""}"#)
        #expect(try Self.event("POST", "/mlflow/registered-models/create",
                           #"{"name": "p", "tags": [{"key": "mlflow.prompt.is_prompt", "value": "true"}]}"#)?.0 == "prompt.created")
        #expect(try Self.event("POST", "/mlflow/registered-models/create",
                           #"{"name": "p", "tags": [{"key": "mlflow.prompt.is_prompt", "value": "false"}]}"#)?.0
                == "registered_model.created")
        #expect(try Self.event("POST", "/mlflow/registered-models/set-tag", #"{"name": "m", "key": "k", "value": "v"}"#) == nil)
        #expect(try Self.event("POST", "/mlflow/registered-models/set-tag", #"{"name": "p", "key": "k", "value": "v"}"#,
                           prompts: ["p"])?.0 == "prompt_tag.set")
        #expect(try Self.event("DELETE", "/mlflow/registered-models/delete-tag", #"{"name": "p", "key": "k"}"#,
                           prompts: ["p"])?.1 == #"{"name": "p", "key": "k"}"#)
    }

    @Test func tagsAndAliases() throws {
        #expect(try Self.event("POST", "/mlflow/model-versions/set-tag", #"{"name": "m", "version": "1", "key": "k", "value": "v"}"#)?.0
                == "model_version_tag.set")
        #expect(try Self.event("DELETE", "/mlflow/model-versions/delete-tag", #"{"name": "m", "version": 1, "key": "k"}"#)?.1
                == #"{"name": "m", "version": "1", "key": "k"}"#)
        #expect(try Self.event("POST", "/mlflow/registered-models/alias", #"{"name": "m", "alias": "a", "version": "2"}"#)?.0
                == "model_version_alias.created")
        #expect(try Self.event("DELETE", "/mlflow/registered-models/alias", #"{"name": "p", "alias": "a"}"#, prompts: ["p"])?.0
                == "prompt_alias.deleted")
        #expect(try Self.event("POST", "/mlflow/model-versions/set-tag", #"{"name": "p", "version": "1", "key": "k", "value": "v"}"#,
                           prompts: ["p"])?.0 == "prompt_version_tag.set")
        #expect(try Self.event("POST", "/mlflow/runs/create", #"{}"#) == nil)
    }
}
