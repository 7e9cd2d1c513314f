import Testing
import TrackingCore

/// MLflow's data checks of a serialized scorer (handlers.py `_validate_serialized_scorer_payload`,
/// utils/validation.py `_validate_third_party_scorer_data`, scorer_utils.py's model helpers).
@Suite("Scorer payloads")
struct ScorerPayloadTests {
    private func refusal(_ text: String) -> String? {
        (#expect(throws: MLflowError.self) { try ScorerPayload.validated(text) })?.message
    }

    @Test func decoratorCodeIsRefusedAtAnyDepthButANullCallSourceIsNot() throws {
        #expect(refusal(#"{"call_source": "return 1"}"#) == ScorerPayload.decoratorScorerRefusal)
        #expect(refusal(#"{"ensemble_scorer_data": {"scorers": [{"name": "a"}, {"call_source": ""}]}}"#)
                == ScorerPayload.decoratorScorerRefusal)
        _ = try ScorerPayload.validated(#"{"name": "g", "call_source": null, "scorers": [{"call_source": null}]}"#)
        #expect(refusal("[1, 2]") == "serialized_scorer must be a JSON object")
        #expect(refusal("{") == "serialized_scorer must be valid JSON")
    }

    @Test func thirdPartyOptionsMayNotChooseWhereRequestsGo() throws {
        let message = refusal(#"{"third_party_scorer_data": {"kwargs": {"model_kwargs": {"base_url": "x", "api_base": "y"}}}}"#)
        #expect(message?.hasPrefix("third_party_scorer_data.kwargs must not contain 'api_base', 'base_url': ") == true)
        // A `[name, value]` pair is how nested option maps arrive; nested inside an ensemble too.
        #expect(refusal(#"{"e": [{"third_party_scorer_data": {"kwargs": {"opts": [["fallbacks", []]]}}}]}"#)?
            .hasPrefix("third_party_scorer_data.kwargs must not contain 'fallbacks'") == true)
        #expect(refusal(#"{"third_party_scorer_data": {"kwargs": "api_base"}}"#)
                == "third_party_scorer_data.kwargs must be a JSON object, got str.")
        _ = try ScorerPayload.validated(#"{"third_party_scorer_data": {"kwargs": {"temperature": 0}, "model": "openai:/x"}}"#)
        _ = try ScorerPayload.validated(#"{"third_party_scorer_data": {"kwargs": null}}"#)
    }

    @Test func theJudgeModelIsFoundWhereEachKindKeepsIt() throws {
        func model(_ text: String) throws -> String? { try ScorerPayload.validated(text).model() }
        #expect(try model(#"{"instructions_judge_pydantic_data": {"model": "openai:/gpt"}}"#) == "openai:/gpt")
        #expect(try model(#"{"builtin_scorer_pydantic_data": {"model": null}}"#) == nil)
        // An empty object is "falsy" to MLflow: the next kind is looked at.
        #expect(try model(#"{"builtin_scorer_pydantic_data": {}, "third_party_scorer_data": {"model": "m:/x"}}"#) == "m:/x")
        #expect(try model(#"{"memory_augmented_judge_data": {"base_judge": {"instructions_judge_pydantic_data": {"model": "g:/j"}}}}"#)
                == "g:/j")
        #expect(throws: MLflowError.invalidParameter("Scorer model must be a string, got float.")) {
            try model(#"{"instructions_judge_pydantic_data": {"model": 1.5}}"#)
        }
        #expect(throws: MLflowError.invalidParameter("Scorer model cannot be empty or contain only whitespace.")) {
            try model(#"{"builtin_scorer_pydantic_data": {"model": ""}}"#)
        }
    }

    @Test func gatewayModelsAreReadAsMLflowParsesModelURIs() {
        #expect(ScorerPayload.gatewayEndpoint(of: "gateway:/judge") == "judge")
        #expect(ScorerPayload.gatewayEndpoint(of: "gateway:///judge/x") == "judge/x")
        #expect(ScorerPayload.gatewayEndpoint(of: "gateway:/") == nil)
        #expect(ScorerPayload.gatewayEndpoint(of: "openai:/gateway") == nil)
        #expect(ScorerPayload.gatewayEndpoint(of: "gateway") == nil)
        #expect(ScorerPayload.gatewayEndpoint(of: nil) == nil)
    }

    @Test func namesNeedSomethingBesidesWhitespace() throws {
        try ScorerPayload.validateName("tone")
        for name in ["", " ", "\t\n", "\u{3000}"] {
            #expect(throws: MLflowError.invalidParameter("Scorer name cannot be empty or contain only whitespace.")) {
                try ScorerPayload.validateName(name)
            }
        }
    }
}
