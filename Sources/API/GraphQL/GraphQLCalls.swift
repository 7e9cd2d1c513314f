import HTTPTransport
import GraphQL
import JSON
import URLCoding

/// The REST calls a GraphQL request's resolvers make, each run through the same routing and
/// access rules as a request of the caller's own (`dispatch`), so GraphQL can read nothing the
/// REST API would refuse. Answers are remembered for the request (a search's runs share one
/// experiment lookup). At most `budget` distinct calls run for one request: a field resolved once
/// per row (a run's `modelVersions` in a 50,000-run search) cannot fan out without bound.
final class GraphQLCalls: GraphQLRESTCalls {
    static let defaultBudget = 2_500
    private let budget: Int
    private let dispatch: (HTTPRequest) -> HTTPResponse
    private let caller: HTTPRequest
    private var answers: [String: Result<JSONValue, GraphQLFieldError>] = [:]

    /// `caller` lends its user, address and headers to every call.
    init(caller: HTTPRequest, budget: Int = GraphQLCalls.defaultBudget, dispatch: @escaping (HTTPRequest) -> HTTPResponse) {
        self.caller = caller
        self.budget = budget
        self.dispatch = dispatch
    }

    /// `GET /ajax-api/2.0<path>?<query>` (the UI's prefix, which serves every route); a list value repeats its name.
    func get(_ path: String, _ query: [(String, JSONValue)]) throws(GraphQLFieldError) -> JSONValue {
        var items: [String] = []
        for (name, value) in query {
            let values: [JSONValue]
            if case .array(let list) = value { values = list } else { values = [value] }
            for item in values {
                guard let text = Self.text(item) else { continue }
                items.append(PercentEncoding.encode(name) + "=" + PercentEncoding.encode(text))
            }
        }
        let target = "/ajax-api/2.0" + path + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
        return try call("GET", target, body: [])
    }

    /// `POST /ajax-api/2.0<path>` with a JSON body.
    func post(_ path: String, _ body: JSONValue) throws(GraphQLFieldError) -> JSONValue {
        try call("POST", "/ajax-api/2.0" + path, body: JSONWriter.bytes(body))
    }

    private func call(_ method: String, _ target: String, body: [UInt8]) throws(GraphQLFieldError) -> JSONValue {
        let key = method + " " + target + " " + String(decoding: body, as: UTF8.self)
        if let known = answers[key] { return try known.get() }
        guard answers.count < budget else {
            throw GraphQLFieldError(message: "This GraphQL request needs more than \(budget) lookups; ask for fewer "
                                    + "rows (max_results) or fewer nested fields.")
        }
        let answer = run(method, target, body: body)
        answers[key] = answer
        return try answer.get()
    }

    private func run(_ method: String, _ target: String, body: [UInt8]) -> Result<JSONValue, GraphQLFieldError> {
        var headers = caller.headers.filter { $0.name != "content-length" && $0.name != "content-type" }
        headers.append((name: "content-type", value: "application/json"))
        var request = HTTPRequest(method: method, target: target, headers: headers, body: body)
        request.user = caller.user
        request.remoteAddress = caller.remoteAddress
        request.isTLS = caller.isTLS
        let response = dispatch(request)
        let parsed = try? JSONParser.parse(response.body)
        guard response.status < 400 else {
            if case .string(let message)? = parsed?["message"] { return .failure(GraphQLFieldError(message: message)) }
            return .failure(GraphQLFieldError(message: "\(method) \(request.path) answered \(response.status)"))
        }
        guard let parsed else {
            return .failure(GraphQLFieldError(message: "\(method) \(request.path) answered no JSON"))
        }
        return .success(parsed)
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}
