import HTTPTransport
import GraphQL
import JSON
import TrackingCore

/// `/graphql` as MLflow serves it for its UI: a POST with `{query, variables, operationName}` (or
/// a GET with them in the query string) answered `{"data": ..., "errors": [...]}`. Each root field
/// runs the REST route of the same name through `dispatch`, as the caller.
struct GraphQLEndpoint {
    static let path = "/graphql"
    static let template = "POST /graphql"

    let executor = GraphQLExecutor(schema: MLflowGraphQLSchema.schema)

    /// `dispatch` answers a REST request on the caller's behalf (routing and access rules included).
    func handle(_ request: HTTPRequest, dispatch: @escaping (HTTPRequest) -> HTTPResponse) throws(MLflowError) -> HTTPResponse {
        guard request.method == "POST" || request.method == "GET" else {
            return FlaskErrorPages.methodNotAllowed(allowed: ["GET", "POST"])
        }
        let (query, variables, operationName) = try Self.read(request)
        let document: GraphQLDocument
        do {
            document = try GraphQLParser.parse(query)
        } catch {
            return .json(JSONWriter.bytes(.object([("data", .null), ("errors", .array([.string(error.message)]))])),
                         status: 400)
        }
        let result = executor.execute(document, operationName: operationName, variables: variables,
                                      calls: GraphQLCalls(caller: request, dispatch: dispatch))
        return .json(JSONWriter.bytes(result))
    }

    /// The query, its variables and the operation's name, from the JSON body or the query string.
    private static func read(_ request: HTTPRequest) throws(MLflowError) -> (String, [String: JSONValue], String?) {
        var members: [(String, JSONValue)] = []
        if request.method == "GET" {
            for item in request.queryItems {
                if item.name == "variables" {
                    guard let parsed = try? JSONParser.parse(item.value) else {
                        throw MLflowError(.malformedRequest, "The 'variables' query parameter is not JSON.")
                    }
                    members.append((item.name, parsed))
                } else {
                    members.append((item.name, .string(item.value)))
                }
            }
        } else {
            let body: JSONValue
            do {
                body = try JSONParser.parse(request.body)
            } catch {
                throw MLflowError(.malformedRequest, "Malformed JSON in the GraphQL request body: \(error)")
            }
            guard case .object(let given) = body else {
                throw MLflowError(.malformedRequest, "The GraphQL request body must be a JSON object, got \(body.typeName).")
            }
            members = given
        }
        let fields = JSONValue.object(members)
        guard case .string(let query)? = fields["query"] else {
            throw MLflowError.invalidParameter("Missing value for required parameter 'query'. A GraphQL request "
                                               + "needs a query string.")
        }
        var variables: [String: JSONValue] = [:]
        switch fields["variables"] {
        case nil, .null?: break
        case .object(let given)?: for (name, value) in given { variables[name] = value }
        case let other?:
            throw MLflowError.invalidParameter("'variables' must be a JSON object, got \(other.typeName).")
        }
        var operationName: String?
        switch fields["operationName"] {
        case nil, .null?: break
        case .string(let name)?: operationName = name
        case let other?: throw MLflowError.invalidParameter("'operationName' must be a string, got \(other.typeName).")
        }
        return (query, variables, operationName)
    }
}
