import JSON
import Observability

/// What the audit log takes from a request and its answer: only the resource identifiers and
/// MLflow's error code, never a body, a header or a query string as such.
enum AuditResourceExtraction {
    /// Bodies larger than this are not parsed again for identifiers (log-batch payloads can be big).
    static let maxParsedBodyBytes = 1 << 20

    /// `experiment_id`, `run_id` (or `run_uuid`), a registry route's `name` and `version`, and a
    /// logged model route's `{model_id}`; for a successful create, the id it created (from the answer).
    /// `fields` and `parameters`: the route's one reading, when a route ran (a request refused before
    /// routing is read here, bounded).
    static func resources(of request: HTTPRequest, template: String, fields routed: RequestFields? = nil,
                          parameters: PathParameters? = nil, response: HTTPResponse) -> AuditResources {
        let fields = routed.map(wanted(from:)) ?? fields(of: request)
        func field(_ name: String) -> String? { fields.last(where: { $0.0 == name })?.1 }
        let isRegistry = template.contains("/registered-models") || template.contains("/model-versions")
        var resources = AuditResources(
            experimentId: field("experiment_id"),
            runId: field("run_id") ?? field("run_uuid"),
            registeredModelName: isRegistry ? field("name") : nil,
            modelVersion: isRegistry ? field("version") : nil,
            loggedModelId: template.contains("{model_id}")
                ? (parameters ?? PathParameters(pattern: template, path: request.path))["model_id"] : nil)
        addCreated(to: &resources, template: template, response: response)
        return resources
    }

    /// The new experiment's id, run's id, model version's number or logged model's id, which
    /// only the answer to its create request holds.
    private static func addCreated(to resources: inout AuditResources, template: String, response: HTTPResponse) {
        let created: KeyPath<JSONValue, JSONValue?>
        let target: WritableKeyPath<AuditResources, String?>
        if template.hasSuffix("/experiments/create") {
            (created, target) = (\.["experiment_id"], \.experimentId)
        } else if template.hasSuffix("/runs/create") {
            (created, target) = (\.["run"]?["info"]?["run_id"], \.runId)
        } else if template.hasSuffix("/model-versions/create") {
            (created, target) = (\.["model_version"]?["version"], \.modelVersion)
        } else if template.hasSuffix("/mlflow/logged-models") {
            (created, target) = (\.["model"]?["info"]?["model_id"], \.loggedModelId)
        } else {
            return
        }
        guard response.status == 200, response.file == nil, response.body.count <= 1 << 20,
              let answer = try? JSONParser.parse(response.body), let value = answer[keyPath: created],
              let text = scalarText(value) else { return }
        resources[keyPath: target] = text
    }

    static let wantedNames: Set<String> = ["experiment_id", "run_id", "run_uuid", "name", "version"]

    /// The names the audit log looks for, from the route's parsed fields.
    private static func wanted(from fields: RequestFields) -> [(String, String)] {
        wantedNames.sorted().compactMap { name in fields.raw(name).flatMap(scalarText).map { (name, $0) } }
    }

    /// The names the audit log looks for, with scalar values as text: from the query of a GET,
    /// else from a JSON object body.
    private static func fields(of request: HTTPRequest) -> [(String, String)] {
        let wanted = wantedNames
        if request.method == "GET" || request.method == "HEAD" {
            return request.queryItems.filter { wanted.contains($0.name) }.map { ($0.name, $0.value) }
        }
        guard !request.body.isEmpty, request.body.count <= maxParsedBodyBytes,
              case .object(let members)? = try? JSONParser.parse(request.body) else { return [] }
        return members.compactMap { name, value in
            guard wanted.contains(name), let text = scalarText(value) else { return nil }
            return (name, text)
        }
    }

    private static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return String(flag)
        case .null, .array, .object: return nil
        }
    }

    /// The `error_code` of a JSON error answer (status 400 and above), else nil.
    static func errorCode(of response: HTTPResponse) -> String? {
        guard response.status >= 400, response.file == nil, response.body.count <= 1 << 16,
              response.headers.contains(where: { $0.name.lowercased() == "content-type" && $0.value.hasPrefix("application/json") }),
              case .string(let code)? = (try? JSONParser.parse(response.body))?["error_code"] else { return nil }
        return code
    }
}
