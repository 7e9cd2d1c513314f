import JSON

/// Checks an operation against the schema before anything runs, as graphql-core's validation
/// does: known fields, fragments and arguments, argument values of the right types, leaves
/// without and objects with selections. (`GraphQLLimits` has bounded its size already.)
struct GraphQLValidator {
    static let maxErrors = 20

    let schema: GraphQLSchema
    let document: GraphQLDocument
    let variables: [String: JSONValue]
    private(set) var errors: [String] = []

    init(schema: GraphQLSchema, document: GraphQLDocument, variables: [String: JSONValue]) {
        self.schema = schema
        self.document = document
        self.variables = variables
    }

    /// The problems of `operation` (empty when it may run).
    static func problems(_ operation: GraphQLOperation, rootType: String, schema: GraphQLSchema,
                         document: GraphQLDocument, variables: [String: JSONValue]) -> [String] {
        var validator = GraphQLValidator(schema: schema, document: document, variables: variables)
        validator.walk(operation.selections, type: rootType, fragments: [])
        return validator.errors
    }

    private mutating func report(_ message: String) {
        if errors.count < Self.maxErrors { errors.append(message) }
    }

    /// Walks one selection set on `type`.
    private mutating func walk(_ selections: [GraphQLSelection], type: String, fragments: Set<String>) {
        guard let object = schema.objects[type] else { return }
        var fields: [GraphQLField] = []
        collect(selections, type: type, fragments: fragments, into: &fields)
        for field in fields {
            if field.name == "__typename" {
                if !field.selections.isEmpty {
                    report("Field '__typename' must not have a selection since type 'String!' has no subfields.")
                }
                continue
            }
            guard let spec = object.fields[field.name] else {
                report("Cannot query field '\(field.name)' on type '\(type)'.")
                continue
            }
            checkArguments(field, spec: spec, type: type)
            switch spec.type.named {
            case .object(let child):
                if field.selections.isEmpty {
                    report("Field '\(field.name)' of type '\(spec.type.describe(schema))' must have a selection of "
                           + "subfields. Did you mean '\(field.name) { ... }'?")
                } else {
                    walk(field.selections, type: child, fragments: fragments)
                }
            default:
                if !field.selections.isEmpty {
                    report("Field '\(field.name)' must not have a selection since type "
                           + "'\(spec.type.describe(schema))' has no subfields.")
                }
            }
        }
    }

    /// The fields of a selection set with fragments spread in place (a fragment is followed once per path).
    private mutating func collect(_ selections: [GraphQLSelection], type: String, fragments: Set<String>,
                                  into fields: inout [GraphQLField]) {
        for selection in selections {
            switch selection {
            case .field(let field):
                fields.append(field)
            case .inlineFragment(let condition, _, let inner):
                if let condition, condition != type {
                    report("Fragment cannot be spread here as objects of type '\(type)' can never be of type "
                           + "'\(condition)'.")
                    continue
                }
                collect(inner, type: type, fragments: fragments, into: &fields)
            case .fragmentSpread(let name, _):
                guard let fragment = document.fragments[name] else {
                    report("Unknown fragment '\(name)'.")
                    continue
                }
                if fragments.contains(name) {
                    report("Cannot spread fragment '\(name)' within itself.")
                    continue
                }
                if fragment.typeCondition != type {
                    report("Fragment '\(name)' cannot be spread here as objects of type '\(type)' can never be of "
                           + "type '\(fragment.typeCondition)'.")
                    continue
                }
                collect(fragment.selections, type: type, fragments: fragments.union([name]), into: &fields)
            }
        }
    }

    private mutating func checkArguments(_ field: GraphQLField, spec: GraphQLFieldSpec, type: String) {
        for (name, value) in field.arguments {
            guard let kind = spec.arguments[name] else {
                report("Unknown argument '\(name)' on field '\(type).\(field.name)'.")
                continue
            }
            if let problem = Self.problem(value.resolved(variables), kind: kind, schema: schema) {
                report("Argument '\(name)' of field '\(type).\(field.name)' has an invalid value: \(problem)")
            }
        }
    }

    /// Why `value` is not a `kind`, or nil when it is (null is allowed: every MLflow input is nullable).
    static func problem(_ value: JSONValue, kind: GraphQLInputObjectType.Kind, schema: GraphQLSchema) -> String? {
        if case .null = value { return nil }
        switch kind {
        case .string:
            guard case .string = value else { return "String cannot represent a non string value: \(show(value))" }
        case .int:
            guard case .integer(let number) = value, number >= Int64(Int32.min), number <= Int64(Int32.max) else {
                return "Int cannot represent a non 32-bit signed integer value: \(show(value))"
            }
        case .long:
            switch value {
            case .integer: break
            case .string(let text) where Int64(text) != nil: break
            default: return "LongString cannot represent value: \(show(value))"
            }
        case .enumeration(let names):
            guard case .string(let name) = value, names.contains(name) else {
                return "Value \(show(value)) does not exist in the enum (one of \(names.joined(separator: ", ")))."
            }
        case .list(let item):
            if case .array(let items) = value {
                return items.lazy.compactMap { problem($0, kind: item, schema: schema) }.first
            }
            return problem(value, kind: item, schema: schema)
        case .object(let name):
            guard case .object(let members) = value else { return "Expected type '\(name)' to be an object." }
            guard let input = schema.inputs[name] else { return nil }
            for (key, member) in members {
                guard let memberKind = input.fields[key] else { return "Field '\(key)' is not defined by type '\(name)'." }
                if let problem = problem(member, kind: memberKind, schema: schema) { return "In field '\(key)': \(problem)" }
            }
        }
        return nil
    }

    private static func show(_ value: JSONValue) -> String {
        let text = String(decoding: JSONWriter.bytes(value), as: UTF8.self)
        return text.count > 80 ? String(text.prefix(80)) + "..." : text
    }
}
