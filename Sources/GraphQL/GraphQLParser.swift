/// Parses a GraphQL executable document (operations and fragments) into `GraphQLDocument`.
/// Type-system definitions are refused; nesting is bounded so no request can exhaust the stack.
public struct GraphQLParser {
    /// Why a document was refused: GraphQL.js's wording.
    public struct Failure: Error { public let message: String }

    static let maxTokens = 20_000
    static let maxNesting = 40

    private var tokens: [GraphQLLexer.Token]
    private var position = 0
    private var nesting = 0

    public static func parse(_ text: String) throws(Failure) -> GraphQLDocument {
        let tokens: [GraphQLLexer.Token]
        do { tokens = try GraphQLLexer.tokens(text, maxTokens: maxTokens) } catch { throw Failure(message: error.message) }
        var parser = GraphQLParser(tokens: tokens)
        return try parser.document()
    }

    private init(tokens: [GraphQLLexer.Token]) { self.tokens = tokens }

    private var current: GraphQLLexer.Token { tokens[position] }

    private func fail(_ message: String) -> Failure { Failure(message: "Syntax Error: \(message)") }

    private func unexpected(_ expected: String) -> Failure { fail("Expected \(expected), found \(current.described).") }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private mutating func skip(_ punctuator: String) -> Bool {
        guard current == .punctuator(punctuator) else { return false }
        advance()
        return true
    }

    private mutating func expect(_ punctuator: String) throws(Failure) {
        guard skip(punctuator) else { throw unexpected("'\(punctuator)'") }
    }

    private mutating func name() throws(Failure) -> String {
        guard case .name(let name) = current else { throw unexpected("Name") }
        advance()
        return name
    }

    private mutating func enter() throws(Failure) {
        nesting += 1
        if nesting > Self.maxNesting { throw fail("Document nests deeper than \(Self.maxNesting) levels.") }
    }

    private mutating func document() throws(Failure) -> GraphQLDocument {
        var document = GraphQLDocument(operations: [], fragments: [:])
        repeat {
            switch current {
            case .punctuator("{"):
                document.operations.append(GraphQLOperation(kind: .query, name: nil, variables: [],
                                                            selections: try selectionSet()))
            case .name("query"), .name("mutation"), .name("subscription"):
                document.operations.append(try operation())
            case .name("fragment"):
                let fragment = try fragmentDefinition()
                if document.fragments[fragment.name] != nil {
                    throw Failure(message: "There can be only one fragment named '\(fragment.name)'.")
                }
                document.fragments[fragment.name] = fragment
            case .name(let word):
                throw fail("Unexpected Name '\(word)'.")
            default:
                throw unexpected("'{', query, mutation or fragment")
            }
        } while current != .end
        return document
    }

    private mutating func operation() throws(Failure) -> GraphQLOperation {
        let kind = GraphQLOperation.Kind(rawValue: try name()) ?? .query
        var operationName: String?
        if case .name(let given) = current {
            operationName = given
            advance()
        }
        var variables: [GraphQLVariableDefinition] = []
        if skip("(") {
            repeat {
                try expect("$")
                let variable = try name()
                try expect(":")
                let (typeText, required) = try typeReference()
                let defaultValue = skip("=") ? try value(constant: true) : nil
                _ = try directives()
                variables.append(GraphQLVariableDefinition(name: variable, typeText: typeText, isRequired: required,
                                                           defaultValue: defaultValue))
            } while !skip(")")
        }
        _ = try directives()
        return GraphQLOperation(kind: kind, name: operationName, variables: variables, selections: try selectionSet())
    }

    /// A type as text and whether it is non-null at the top.
    private mutating func typeReference() throws(Failure) -> (String, Bool) {
        var text: String
        if skip("[") {
            try enter()
            text = "[" + (try typeReference()).0 + "]"
            try expect("]")
            nesting -= 1
        } else {
            text = try name()
        }
        let required = skip("!")
        if required { text += "!" }
        return (text, required)
    }

    private mutating func fragmentDefinition() throws(Failure) -> GraphQLFragment {
        advance()   // `fragment`
        let fragmentName = try name()
        if fragmentName == "on" { throw fail("Unexpected Name 'on'.") }
        guard current == .name("on") else { throw unexpected("'on'") }
        advance()
        let typeCondition = try name()
        _ = try directives()
        return GraphQLFragment(name: fragmentName, typeCondition: typeCondition, selections: try selectionSet())
    }

    private mutating func selectionSet() throws(Failure) -> [GraphQLSelection] {
        try expect("{")
        try enter()
        var selections: [GraphQLSelection] = []
        repeat {
            selections.append(try selection())
        } while !skip("}")
        nesting -= 1
        return selections
    }

    private mutating func selection() throws(Failure) -> GraphQLSelection {
        if skip("...") {
            if case .name(let word) = current, word != "on" {
                advance()
                return .fragmentSpread(name: word, directives: try directives())
            }
            var typeCondition: String?
            if current == .name("on") {
                advance()
                typeCondition = try name()
            }
            let given = try directives()
            return .inlineFragment(typeCondition: typeCondition, directives: given, selections: try selectionSet())
        }
        var fieldName = try name()
        var alias: String?
        if skip(":") {
            alias = fieldName
            fieldName = try name()
        }
        let arguments = try argumentList(constant: false)
        let given = try directives()
        let selections = current == .punctuator("{") ? try selectionSet() : []
        return .field(GraphQLField(alias: alias, name: fieldName, arguments: arguments, directives: given,
                                   selections: selections))
    }

    private mutating func argumentList(constant: Bool) throws(Failure) -> [(String, GraphQLValue)] {
        guard skip("(") else { return [] }
        var arguments: [(String, GraphQLValue)] = []
        repeat {
            let argument = try name()
            try expect(":")
            arguments.append((argument, try value(constant: constant)))
        } while !skip(")")
        return arguments
    }

    private mutating func directives() throws(Failure) -> [GraphQLDirective] {
        var found: [GraphQLDirective] = []
        while skip("@") {
            found.append(GraphQLDirective(name: try name(), arguments: try argumentList(constant: false)))
        }
        return found
    }

    private mutating func value(constant: Bool) throws(Failure) -> GraphQLValue {
        switch current {
        case .punctuator("$"):
            if constant { throw fail("Unexpected variable in a constant value.") }
            advance()
            return .variable(try name())
        case .int(let text): advance(); return .int(text)
        case .float(let text): advance(); return .float(text)
        case .string(let text): advance(); return .string(text)
        case .name("true"): advance(); return .bool(true)
        case .name("false"): advance(); return .bool(false)
        case .name("null"): advance(); return .null
        case .name(let word): advance(); return .enumValue(word)
        case .punctuator("["):
            advance()
            try enter()
            var items: [GraphQLValue] = []
            while !skip("]") { items.append(try value(constant: constant)) }
            nesting -= 1
            return .list(items)
        case .punctuator("{"):
            advance()
            try enter()
            var members: [(String, GraphQLValue)] = []
            while !skip("}") {
                let key = try name()
                try expect(":")
                members.append((key, try value(constant: constant)))
            }
            nesting -= 1
            return .object(members)
        default:
            throw fail("Unexpected \(current.described).")
        }
    }
}
