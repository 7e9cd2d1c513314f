public import JSON

/// The types a GraphQL schema answers with, described as MLflow's graphene schema describes its
/// protos: every object is read from a REST answer's JSON (snake_case keys, camelCase fields).
/// Absent proto fields answer the proto default (`""`, `"0"`, an empty list or message), as
/// graphene does when it reads a proto message; fields outside the protos (`apiError`) answer null.
public struct GraphQLSchema: Sendable {
    public let objects: [String: GraphQLObjectType]
    public let inputs: [String: GraphQLInputObjectType]
    public let queryType: String
    public let mutationType: String

    public init(objects: [GraphQLObjectType], inputs: [GraphQLInputObjectType], queryType: String, mutationType: String) {
        self.objects = Dictionary(objects.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        self.inputs = Dictionary(inputs.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        self.queryType = queryType
        self.mutationType = mutationType
    }
}

/// Scalars and enums: what a leaf field's JSON becomes.
public enum GraphQLLeaf: Sendable {
    case string
    /// MLflow's `LongString`: an int64 written as a string, so JavaScript keeps every digit.
    case long
    case float
    case int
    case boolean
    /// An enum, answered by value name; `defaultName` is the proto's first value.
    case enumeration(defaultName: String)

    public var typeName: String {
        switch self {
        case .string, .enumeration: return "String"
        case .long: return "LongString"
        case .float: return "Float"
        case .int: return "Int"
        case .boolean: return "Boolean"
        }
    }
}

public indirect enum GraphQLOutputType: Sendable {
    case leaf(GraphQLLeaf)
    case object(String)
    case list(GraphQLOutputType)

    /// The named type under any lists.
    public var named: GraphQLOutputType {
        if case .list(let item) = self { return item.named }
        return self
    }

    public func describe(_ schema: GraphQLSchema) -> String {
        switch self {
        case .leaf(let leaf): return leaf.typeName
        case .object(let name): return name
        case .list(let item): return "[\(item.describe(schema))!]"
        }
    }
}

/// What a resolver sees: the parent object's JSON, the field's arguments (variables resolved), and
/// the calls into the REST API on the caller's behalf.
public struct GraphQLResolveContext {
    public let parent: JSONValue
    public let arguments: [String: JSONValue]
    public let calls: any GraphQLRESTCalls
}

/// How resolvers reach the server's own REST API on the caller's behalf (the API target's
/// `GraphQLCalls`): a GET with query items or a POST with a JSON body, answered as JSON.
public protocol GraphQLRESTCalls: AnyObject {
    func get(_ path: String, _ query: [(String, JSONValue)]) throws(GraphQLFieldError) -> JSONValue
    func post(_ path: String, _ body: JSONValue) throws(GraphQLFieldError) -> JSONValue
}

/// A field's failure: its message goes to the response's `errors`, the field answers null.
public struct GraphQLFieldError: Error {
    public let message: String

    public init(message: String) { self.message = message }
}

public typealias GraphQLResolver = @Sendable (GraphQLResolveContext) throws(GraphQLFieldError) -> JSONValue?

public struct GraphQLFieldSpec: Sendable {
    public let type: GraphQLOutputType
    /// The key in the parent's JSON; nil for fields outside the protos.
    public let jsonKey: String?
    /// Arguments by name and what each must be (root fields take one `input` object).
    public let arguments: [String: GraphQLInputObjectType.Kind]
    public let resolve: GraphQLResolver?

    public init(_ type: GraphQLOutputType, jsonKey: String?, arguments: [String: GraphQLInputObjectType.Kind] = [:], resolve: GraphQLResolver? = nil) {
        self.type = type
        self.jsonKey = jsonKey
        self.arguments = arguments
        self.resolve = resolve
    }
}

public struct GraphQLObjectType: Sendable {
    public let name: String
    public let fields: [String: GraphQLFieldSpec]

    /// Proto-backed fields named by their snake_case JSON keys, plus extra fields by their GraphQL names.
    public init(_ name: String, _ protoFields: KeyValuePairs<String, GraphQLOutputType>,
         extra: [String: GraphQLFieldSpec] = [:]) {
        self.name = name
        var fields = extra
        for (key, type) in protoFields { fields[GraphQLNames.camelCase(key)] = GraphQLFieldSpec(type, jsonKey: key) }
        self.fields = fields
    }
}

/// The fields an input object accepts (by GraphQL name) and what each must be.
public struct GraphQLInputObjectType: Sendable {
    public indirect enum Kind: Sendable {
        case string
        case int
        /// MLflow's LongString in input: an integer, or a string of one.
        case long
        case enumeration([String])
        case list(Kind)
        /// An input object type, by name.
        case object(String)
    }

    public let name: String
    public let fields: [String: Kind]

    public init(_ name: String, _ fields: KeyValuePairs<String, Kind>) {
        self.name = name
        self.fields = Dictionary(fields.map { ($0.0, $0.1) }, uniquingKeysWith: { $1 })
    }
}

public enum GraphQLNames {
    /// `run_uuid` -> `runUuid`.
    public static func camelCase(_ snake: String) -> String {
        var out = ""
        var upper = false
        for ch in snake {
            if ch == "_" { upper = true; continue }
            out.append(upper ? Character(ch.uppercased()) : ch)
            upper = false
        }
        return out
    }

    /// `experimentIds` -> `experiment_ids`.
    public static func snakeCase(_ camel: String) -> String {
        var out = ""
        for ch in camel {
            if ch.isUppercase {
                out.append("_")
                out.append(Character(ch.lowercased()))
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
