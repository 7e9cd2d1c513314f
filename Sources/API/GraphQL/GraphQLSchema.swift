import JSON

/// The types a GraphQL schema answers with, described as MLflow's graphene schema describes its
/// protos: every object is read from a REST answer's JSON (snake_case keys, camelCase fields).
/// Absent proto fields answer the proto default (`""`, `"0"`, an empty list or message), as
/// graphene does when it reads a proto message; fields outside the protos (`apiError`) answer null.
struct GraphQLSchema: Sendable {
    let objects: [String: GraphQLObjectType]
    let inputs: [String: GraphQLInputObjectType]
    let queryType: String
    let mutationType: String

    init(objects: [GraphQLObjectType], inputs: [GraphQLInputObjectType], queryType: String, mutationType: String) {
        self.objects = Dictionary(objects.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        self.inputs = Dictionary(inputs.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        self.queryType = queryType
        self.mutationType = mutationType
    }
}

/// Scalars and enums: what a leaf field's JSON becomes.
enum GraphQLLeaf: Sendable {
    case string
    /// MLflow's `LongString`: an int64 written as a string, so JavaScript keeps every digit.
    case long
    case float
    case int
    case boolean
    /// An enum, answered by value name; `defaultName` is the proto's first value.
    case enumeration(defaultName: String)

    var typeName: String {
        switch self {
        case .string, .enumeration: return "String"
        case .long: return "LongString"
        case .float: return "Float"
        case .int: return "Int"
        case .boolean: return "Boolean"
        }
    }
}

indirect enum GraphQLOutputType: Sendable {
    case leaf(GraphQLLeaf)
    case object(String)
    case list(GraphQLOutputType)

    /// The named type under any lists.
    var named: GraphQLOutputType {
        if case .list(let item) = self { return item.named }
        return self
    }

    func describe(_ schema: GraphQLSchema) -> String {
        switch self {
        case .leaf(let leaf): return leaf.typeName
        case .object(let name): return name
        case .list(let item): return "[\(item.describe(schema))!]"
        }
    }
}

/// What a resolver sees: the parent object's JSON, the field's arguments (variables resolved), and
/// the calls into the REST API on the caller's behalf.
struct GraphQLResolveContext {
    let parent: JSONValue
    let arguments: [String: JSONValue]
    let calls: GraphQLCalls
}

/// A field's failure: its message goes to the response's `errors`, the field answers null.
struct GraphQLFieldError: Error {
    let message: String
}

typealias GraphQLResolver = @Sendable (GraphQLResolveContext) throws(GraphQLFieldError) -> JSONValue?

struct GraphQLFieldSpec: Sendable {
    let type: GraphQLOutputType
    /// The key in the parent's JSON; nil for fields outside the protos.
    let jsonKey: String?
    /// Arguments by name and what each must be (root fields take one `input` object).
    let arguments: [String: GraphQLInputObjectType.Kind]
    let resolve: GraphQLResolver?

    init(_ type: GraphQLOutputType, jsonKey: String?, arguments: [String: GraphQLInputObjectType.Kind] = [:], resolve: GraphQLResolver? = nil) {
        self.type = type
        self.jsonKey = jsonKey
        self.arguments = arguments
        self.resolve = resolve
    }
}

struct GraphQLObjectType: Sendable {
    let name: String
    let fields: [String: GraphQLFieldSpec]

    /// Proto-backed fields named by their snake_case JSON keys, plus extra fields by their GraphQL names.
    init(_ name: String, _ protoFields: KeyValuePairs<String, GraphQLOutputType>,
         extra: [String: GraphQLFieldSpec] = [:]) {
        self.name = name
        var fields = extra
        for (key, type) in protoFields { fields[GraphQLNames.camelCase(key)] = GraphQLFieldSpec(type, jsonKey: key) }
        self.fields = fields
    }
}

/// The fields an input object accepts (by GraphQL name) and what each must be.
struct GraphQLInputObjectType: Sendable {
    indirect enum Kind: Sendable {
        case string
        case int
        /// MLflow's LongString in input: an integer, or a string of one.
        case long
        case enumeration([String])
        case list(Kind)
        /// An input object type, by name.
        case object(String)
    }

    let name: String
    let fields: [String: Kind]

    init(_ name: String, _ fields: KeyValuePairs<String, Kind>) {
        self.name = name
        self.fields = Dictionary(fields.map { ($0.0, $0.1) }, uniquingKeysWith: { $1 })
    }
}

enum GraphQLNames {
    /// `run_uuid` -> `runUuid`.
    static func camelCase(_ snake: String) -> String {
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
    static func snakeCase(_ camel: String) -> String {
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
