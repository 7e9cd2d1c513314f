public import JSON

/// A serialized scorer as the server judges it before storing it: MLflow's
/// `_validate_serialized_scorer_payload` (handlers.py) and the checks of `register_scorer`
/// (sqlalchemy_store.py), on data only. Swiftrack never deserializes or runs a scorer, but other
/// users' clients do when they load it (`Scorer.model_validate`), so what MLflow refuses to keep is
/// refused here too, always: a decorator scorer's `call_source` is Python that the loading client
/// would `exec()`, and MLflow's opt-in for it (`MLFLOW_SERVER_ENABLE_CUSTOM_SCORERS`) has no twin.
public struct ScorerPayload: Sendable {
    /// The parsed JSON object.
    public let value: JSONValue

    /// MLflow's `DECORATOR_SCORER_REGISTRATION_NOT_SUPPORTED_ERROR` (genai/scorers/scorer_utils.py).
    public static let decoratorScorerRefusal =
        "Custom scorer registration (using @scorer decorator) is disabled by default "
        + "outside of Databricks tracking environments due to security concerns. "
        + "Custom scorers require arbitrary code execution during deserialization.\n\n"
        + "To use custom scorers:\n"
        + "1. Configure MLflow to use a Databricks tracking URI, or\n"
        + "2. Manage your custom scorer code in a source code repository "
        + "(e.g., GitHub) and import it directly, or\n"
        + "3. On a self-managed MLflow server (or local environment) that you trust to run the "
        + "scorer's code, set the MLFLOW_SERVER_ENABLE_CUSTOM_SCORERS environment variable to true, or\n"
        + "4. Use built-in scorers or make_judge() scorers instead."

    /// Option names that choose where a third-party scorer's LLM client connects (MLflow's
    /// `GATEWAY_DESTINATION_KEYS`).
    static let destinationKeys: Set<String> = ["api_base", "base_url", "model_list", "fallbacks", "custom_llm_provider"]

    /// Parses and checks the text in MLflow's order: JSON, no `call_source` anywhere (a decorator
    /// scorer nested in an ensemble too), third-party `kwargs` an object naming no destination.
    /// A document that is not an object is refused here; MLflow fails on it later with a 500.
    public static func validated(_ serialized: String) throws(MLflowError) -> ScorerPayload {
        guard let value = try? JSONParser.parse(serialized) else {
            throw .invalidParameter("serialized_scorer must be valid JSON")
        }
        if hasCallSource(value) { throw .invalidParameter(decoratorScorerRefusal) }
        try checkThirdPartyData(value)
        guard case .object = value else { throw .invalidParameter("serialized_scorer must be a JSON object") }
        return ScorerPayload(value: value)
    }

    /// MLflow's `_obj_has_call_source`: a non-null `call_source` at any depth.
    static func hasCallSource(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members):
            return members.contains { $0.0 == "call_source" && $0.1 != .null } || members.contains { hasCallSource($0.1) }
        case .array(let elements):
            return elements.contains(where: hasCallSource)
        default:
            return false
        }
    }

    /// MLflow's `_validate_third_party_scorer_data`: every `third_party_scorer_data` object, at any
    /// depth, has `kwargs` null or an object, and no option in it (at any depth, also as a
    /// `[name, value]` pair) names where requests go.
    static func checkThirdPartyData(_ value: JSONValue) throws(MLflowError) {
        switch value {
        case .object(let members):
            if case .object(let data)? = value["third_party_scorer_data"] {
                let kwargs = data.last { $0.0 == "kwargs" }?.1 ?? .null
                switch kwargs {
                case .null, .object: break
                default:
                    throw .invalidParameter("third_party_scorer_data.kwargs must be a JSON object, got "
                                            + "\(PythonFormatting.typeName(kwargs)).")
                }
                let found = destinationKeys(in: kwargs).sorted()
                if !found.isEmpty {
                    throw .invalidParameter(
                        "third_party_scorer_data.kwargs must not contain \(found.map(PythonFormatting.repr).joined(separator: ", ")): "
                        + "these options choose where the scorer's LLM client sends requests. Configure "
                        + "the judge endpoint on the server instead, for example through a gateway "
                        + "endpoint ('gateway:/<name>') or the provider's environment variables.")
                }
            }
            for (_, member) in members { try checkThirdPartyData(member) }
        case .array(let elements):
            for element in elements { try checkThirdPartyData(element) }
        default:
            return
        }
    }

    /// MLflow's `_find_destination_keys`.
    static func destinationKeys(in value: JSONValue) -> Set<String> {
        switch value {
        case .object(let members):
            var found = Set(members.map(\.0)).intersection(destinationKeys)
            for (_, member) in members { found.formUnion(destinationKeys(in: member)) }
            return found
        case .array(let elements):
            var found: Set<String> = []
            for element in elements {
                // `dict()` also takes a list of two-item pairs: a pair's name counts as a key.
                if case .array(let pair) = element, pair.count == 2, case .string(let name) = pair[0],
                   destinationKeys.contains(name) {
                    found.insert(name)
                }
                found.formUnion(destinationKeys(in: element))
            }
            return found
        default:
            return []
        }
    }

    /// The judge model the scorer names (MLflow's `extract_model_from_serialized_scorer`, then
    /// `validate_scorer_model`): nil when it names none; a model that is no string or only
    /// whitespace is refused.
    public func model() throws(MLflowError) -> String? {
        guard let model = try Self.model(in: value), model != .null else { return nil }
        guard case .string(let text) = model else {
            throw .invalidParameter("Scorer model must be a string, got \(PythonFormatting.typeName(model)).")
        }
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw .invalidParameter("Scorer model cannot be empty or contain only whitespace.")
        }
        return text
    }

    /// Where each kind of scorer keeps its model, tried in MLflow's order; a kind's data is taken
    /// when it is "truthy" as Python reads it (a non-empty object).
    private static func model(in value: JSONValue) throws(MLflowError) -> JSONValue? {
        for key in ["instructions_judge_pydantic_data", "builtin_scorer_pydantic_data"] {
            if let data = try truthyObject(value, key) { return data["model"] }
        }
        if let memory = try truthyObject(value, "memory_augmented_judge_data") {
            let base = memory["base_judge"] ?? .object([])
            guard case .object = base else { throw notAnObject("memory_augmented_judge_data.base_judge") }
            return try model(in: base)
        }
        if let data = try truthyObject(value, "third_party_scorer_data") { return data["model"] }
        return nil
    }

    private static func truthyObject(_ value: JSONValue, _ key: String) throws(MLflowError) -> JSONValue? {
        switch value[key] {
        case nil, .null?, .bool(false)?, .integer(0)?, .double(0)?, .string("")?, .array([])?:
            return nil
        case .object(let members)?:
            return members.isEmpty ? nil : .object(members)
        default:
            throw notAnObject(key)
        }
    }

    private static func notAnObject(_ key: String) -> MLflowError {
        .invalidParameter("serialized_scorer's '\(key)' must be a JSON object")
    }

    /// The endpoint a `gateway:/<endpoint>` model names (MLflow's `is_gateway_model` and
    /// `extract_endpoint_ref` through `_parse_model_uri`), else nil.
    public static func gatewayEndpoint(of model: String?) -> String? {
        guard let model else { return nil }
        let bytes = Array(model.utf8)
        guard let colon = bytes.indices.first(where: { bytes[$0] == UInt8(ascii: ":") && $0 + 1 < bytes.count
                                                      && bytes[$0 + 1] == UInt8(ascii: "/") }) else { return nil }
        let path = bytes[(colon + 2)...].drop { $0 == UInt8(ascii: "/") }
        guard bytes[..<colon].elementsEqual("gateway".utf8), !path.isEmpty else { return nil }
        return String(decoding: path, as: UTF8.self)
    }

    /// MLflow's `validate_scorer_name`: not empty, not only whitespace (Python's `str.strip`).
    public static func validateName(_ name: String) throws(MLflowError) {
        guard name.contains(where: { !$0.isWhitespace }) else {
            throw .invalidParameter("Scorer name cannot be empty or contain only whitespace.")
        }
    }
}
