import JSON

/// A parsed GraphQL request document: the operations and fragments MLflow's UI sends to `/graphql`.
/// Only what execution needs is kept; types of variable definitions are kept as text for messages.
struct GraphQLDocument: Sendable {
    var operations: [GraphQLOperation]
    var fragments: [String: GraphQLFragment]
}

struct GraphQLOperation: Sendable {
    enum Kind: String, Sendable { case query, mutation, subscription }
    var kind: Kind
    var name: String?
    var variables: [GraphQLVariableDefinition]
    var selections: [GraphQLSelection]
}

struct GraphQLVariableDefinition: Sendable {
    var name: String
    /// The type as written, e.g. `MlflowGetRunInput!`.
    var typeText: String
    var isRequired: Bool
    var defaultValue: GraphQLValue?
}

struct GraphQLFragment: Sendable {
    var name: String
    var typeCondition: String
    var selections: [GraphQLSelection]
}

/// `@skip(if:)` / `@include(if:)`; other directives (MLflow's `@component`) are accepted and ignored.
struct GraphQLDirective: Sendable {
    var name: String
    var arguments: [(String, GraphQLValue)]
}

indirect enum GraphQLSelection: Sendable {
    case field(GraphQLField)
    case fragmentSpread(name: String, directives: [GraphQLDirective])
    case inlineFragment(typeCondition: String?, directives: [GraphQLDirective], selections: [GraphQLSelection])
}

struct GraphQLField: Sendable {
    var alias: String?
    var name: String
    var arguments: [(String, GraphQLValue)]
    var directives: [GraphQLDirective]
    var selections: [GraphQLSelection]
    /// The key of this field in the response.
    var responseKey: String { alias ?? name }
}

/// A value literal in the document; `variable` is resolved against the request's variables.
indirect enum GraphQLValue: Sendable {
    case variable(String)
    case int(String)
    case float(String)
    case string(String)
    case bool(Bool)
    case null
    case enumValue(String)
    case list([GraphQLValue])
    case object([(String, GraphQLValue)])

    /// The JSON value, with variables looked up in `variables` (absent ones are null).
    func resolved(_ variables: [String: JSONValue]) -> JSONValue {
        switch self {
        case .variable(let name): return variables[name] ?? .null
        case .int(let text): return Int64(text).map(JSONValue.integer) ?? .double(Double(text) ?? 0)
        case .float(let text): return .double(Double(text) ?? 0)
        case .string(let text), .enumValue(let text): return .string(text)
        case .bool(let value): return .bool(value)
        case .null: return .null
        case .list(let items): return .array(items.map { $0.resolved(variables) })
        case .object(let members): return .object(members.map { ($0.0, $0.1.resolved(variables)) })
        }
    }
}
