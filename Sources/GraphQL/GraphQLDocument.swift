public import JSON

/// A parsed GraphQL request document: the operations and fragments MLflow's UI sends to `/graphql`.
/// Only what execution needs is kept; types of variable definitions are kept as text for messages.
public struct GraphQLDocument: Sendable {
    public var operations: [GraphQLOperation]
    public var fragments: [String: GraphQLFragment]
}

public struct GraphQLOperation: Sendable {
    public enum Kind: String, Sendable { case query, mutation, subscription }
    public var kind: Kind
    public var name: String?
    public var variables: [GraphQLVariableDefinition]
    public var selections: [GraphQLSelection]
}

public struct GraphQLVariableDefinition: Sendable {
    public var name: String
    /// The type as written, e.g. `MlflowGetRunInput!`.
    public var typeText: String
    public var isRequired: Bool
    public var defaultValue: GraphQLValue?
}

public struct GraphQLFragment: Sendable {
    public var name: String
    public var typeCondition: String
    public var selections: [GraphQLSelection]
}

/// `@skip(if:)` / `@include(if:)`; other directives (MLflow's `@component`) are accepted and ignored.
public struct GraphQLDirective: Sendable {
    public var name: String
    public var arguments: [(String, GraphQLValue)]
}

public indirect enum GraphQLSelection: Sendable {
    case field(GraphQLField)
    case fragmentSpread(name: String, directives: [GraphQLDirective])
    case inlineFragment(typeCondition: String?, directives: [GraphQLDirective], selections: [GraphQLSelection])
}

public struct GraphQLField: Sendable {
    public var alias: String?
    public var name: String
    public var arguments: [(String, GraphQLValue)]
    public var directives: [GraphQLDirective]
    public var selections: [GraphQLSelection]
    /// The key of this field in the response.
    public var responseKey: String { alias ?? name }
}

/// A value literal in the document; `variable` is resolved against the request's variables.
public indirect enum GraphQLValue: Sendable {
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
    public func resolved(_ variables: [String: JSONValue]) -> JSONValue {
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
