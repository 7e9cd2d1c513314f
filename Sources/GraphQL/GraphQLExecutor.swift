public import JSON

/// Runs one operation of a document: picks the operation, checks the variables it declares,
/// validates it (`GraphQLValidator`), then resolves each selected field and shapes the answer as
/// the selections ask (aliases, fragments, `__typename`, `@skip`/`@include`). The result is the
/// `{"data": ..., "errors": [...]}` object MLflow's server answers (errors as plain messages).
public struct GraphQLExecutor: Sendable {
    public let schema: GraphQLSchema

    public init(schema: GraphQLSchema) { self.schema = schema }

    public func execute(_ document: GraphQLDocument, operationName: String?, variables: [String: JSONValue],
                 calls: any GraphQLRESTCalls) -> JSONValue {
        if let problem = GraphQLLimits.problem(document) { return Self.answer(data: nil, errors: [problem]) }
        let operation: GraphQLOperation
        switch pick(document, operationName) {
        case .success(let chosen): operation = chosen
        case .failure(let error): return Self.answer(data: nil, errors: [error.message])
        }
        var values = variables
        for definition in operation.variables {
            let given = variables[definition.name]
            if given == nil || given == .null {
                if let fallback = definition.defaultValue {
                    values[definition.name] = fallback.resolved([:])
                } else if definition.isRequired {
                    let problem = given == nil ? "was not provided." : "must not be null."
                    return Self.answer(data: nil, errors: [
                        "Variable '$\(definition.name)' of required type '\(definition.typeText)' \(problem)"])
                }
            }
        }
        let rootType: String
        switch operation.kind {
        case .query: rootType = schema.queryType
        case .mutation: rootType = schema.mutationType
        case .subscription: return Self.answer(data: nil, errors: ["Subscriptions are not supported."])
        }
        let problems = GraphQLValidator.problems(operation, rootType: rootType, schema: schema, document: document,
                                                 variables: values)
        if !problems.isEmpty { return Self.answer(data: nil, errors: problems) }
        var run = Run(schema: schema, document: document, variables: values, calls: calls)
        let data = run.object(operation.selections, type: rootType, parent: .object([]))
        return Self.answer(data: data, errors: run.errors)
    }

    private func pick(_ document: GraphQLDocument, _ name: String?) -> Result<GraphQLOperation, GraphQLFieldError> {
        if let name, !name.isEmpty {
            guard let found = document.operations.first(where: { $0.name == name }) else {
                return .failure(GraphQLFieldError(message: "Unknown operation named '\(name)'."))
            }
            return .success(found)
        }
        guard document.operations.count == 1, let only = document.operations.first else {
            return .failure(GraphQLFieldError(message: document.operations.isEmpty
                ? "Must provide an operation."
                : "Must provide operation name if query contains multiple operations."))
        }
        return .success(only)
    }

    private static func answer(data: JSONValue?, errors: [String]) -> JSONValue {
        .object([("data", data ?? .null),
                 ("errors", errors.isEmpty ? .null : .array(errors.map(JSONValue.string)))])
    }

    /// One execution: the errors of fields that failed, collected as they happen.
    private struct Run {
        let schema: GraphQLSchema
        let document: GraphQLDocument
        let variables: [String: JSONValue]
        let calls: any GraphQLRESTCalls
        var errors: [String] = []

        init(schema: GraphQLSchema, document: GraphQLDocument, variables: [String: JSONValue], calls: any GraphQLRESTCalls) {
            self.schema = schema
            self.document = document
            self.variables = variables
            self.calls = calls
        }

        mutating func object(_ selections: [GraphQLSelection], type: String, parent: JSONValue) -> JSONValue {
            guard let objectType = schema.objects[type] else { return .null }
            var groups: [(key: String, fields: [GraphQLField])] = []
            collect(selections, into: &groups)
            var members: [(String, JSONValue)] = []
            for group in groups {
                let field = group.fields[0]
                if field.name == "__typename" {
                    members.append((group.key, .string(type)))
                    continue
                }
                guard let spec = objectType.fields[field.name] else { continue }   // validated already
                let selections = group.fields.flatMap(\.selections)
                var raw: JSONValue?
                if let resolve = spec.resolve {
                    var arguments: [String: JSONValue] = [:]
                    for (name, value) in field.arguments { arguments[name] = value.resolved(variables) }
                    do {
                        raw = try resolve(GraphQLResolveContext(parent: parent, arguments: arguments, calls: calls))
                    } catch {
                        errors.append(error.message)
                        members.append((group.key, .null))
                        continue
                    }
                } else {
                    raw = spec.jsonKey.flatMap { parent[$0] }
                }
                members.append((group.key, complete(raw, spec.type, selections, nullWhenAbsent: spec.jsonKey == nil)))
            }
            return .object(members)
        }

        /// The answer of one field: proto defaults for what the JSON leaves out, unless the field is outside the protos.
        mutating func complete(_ raw: JSONValue?, _ type: GraphQLOutputType, _ selections: [GraphQLSelection],
                               nullWhenAbsent: Bool) -> JSONValue {
            let value = raw.flatMap { $0 == .null ? nil : $0 }
            switch type {
            case .leaf(let leaf):
                guard let value else { return nullWhenAbsent ? .null : Self.defaultValue(leaf) }
                return Self.leaf(value, leaf)
            case .object(let name):
                guard let value else { return nullWhenAbsent ? .null : object(selections, type: name, parent: .object([])) }
                return object(selections, type: name, parent: value)
            case .list(let item):
                guard let value else { return nullWhenAbsent ? .null : .array([]) }
                guard case .array(let items) = value else { return .array([complete(value, item, selections, nullWhenAbsent: false)]) }
                return .array(items.map { complete($0, item, selections, nullWhenAbsent: false) })
            }
        }

        /// Groups the selected fields by response key, spreading fragments and honouring `@skip` / `@include`.
        mutating func collect(_ selections: [GraphQLSelection], into groups: inout [(key: String, fields: [GraphQLField])],
                              visited: Set<String> = []) {
            for selection in selections {
                switch selection {
                case .field(let field):
                    guard included(field.directives) else { continue }
                    if let index = groups.firstIndex(where: { $0.key == field.responseKey }) {
                        groups[index].fields.append(field)
                    } else {
                        groups.append((field.responseKey, [field]))
                    }
                case .inlineFragment(_, let directives, let inner):
                    if included(directives) { collect(inner, into: &groups, visited: visited) }
                case .fragmentSpread(let name, let directives):
                    guard included(directives), !visited.contains(name), let fragment = document.fragments[name] else {
                        continue
                    }
                    collect(fragment.selections, into: &groups, visited: visited.union([name]))
                }
            }
        }

        func included(_ directives: [GraphQLDirective]) -> Bool {
            for directive in directives {
                let condition = directive.arguments.first(where: { $0.0 == "if" })?.1.resolved(variables)
                if directive.name == "skip", condition == .bool(true) { return false }
                if directive.name == "include", condition != .bool(true) { return false }
            }
            return true
        }

        static func defaultValue(_ leaf: GraphQLLeaf) -> JSONValue {
            switch leaf {
            case .string: return .string("")
            case .long: return .string("0")
            case .float: return .double(0)
            case .int: return .integer(0)
            case .boolean: return .bool(false)
            case .enumeration(let name): return .string(name)
            }
        }

        /// A scalar as its GraphQL type writes it: int64s as strings, non-finite floats as null.
        static func leaf(_ value: JSONValue, _ leaf: GraphQLLeaf) -> JSONValue {
            switch (leaf, value) {
            case (.long, .integer(let number)): return .string(String(number))
            case (.long, .double(let number)): return number.isFinite ? .string(String(Int64(number))) : .null
            case (.float, .double(let number)): return number.isFinite ? value : .null
            case (.float, .integer(let number)): return .double(Double(number))
            case (.float, .string(let text)): return Double(text).flatMap { $0.isFinite ? JSONValue.double($0) : nil } ?? .null
            case (.string, .integer(let number)): return .string(String(number))
            case (.string, .bool(let flag)): return .string(flag ? "True" : "False")
            case (.int, .string(let text)): return Int64(text).map(JSONValue.integer) ?? .null
            case (.boolean, .string(let text)): return .bool(text == "true")
            default: return value
            }
        }
    }
}
