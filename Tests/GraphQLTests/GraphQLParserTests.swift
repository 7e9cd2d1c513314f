import JSON
import Testing
@testable import GraphQL

/// The GraphQL reader: what it accepts of the spec's executable grammar, how it refuses the rest,
/// and the size limits applied before anything runs.
@Suite("GraphQL parser")
struct GraphQLParserTests {
    @Test func readsMLflowsUIQueryWithDirectivesVariablesAndNesting() throws {
        let document = try GraphQLParser.parse("""
            query GetRun($data: MlflowGetRunInput!, $n: [Int!] = [1, 2]) @component(name: "MLflow.ExperimentRunTracking") {
              mlflowGetRun(input: $data) { run { info { runName } data { metrics { key value } } } }
            }
            """)
        #expect(document.operations.count == 1)
        let operation = try #require(document.operations.first)
        #expect(operation.kind == .query)
        #expect(operation.name == "GetRun")
        #expect(operation.variables.map(\.name) == ["data", "n"])
        #expect(operation.variables.map(\.typeText) == ["MlflowGetRunInput!", "[Int!]"])
        #expect(operation.variables.map(\.isRequired) == [true, false])
        guard case .field(let root)? = operation.selections.first else { Issue.record("no root field"); return }
        #expect(root.name == "mlflowGetRun")
        guard case .variable("data")? = root.arguments.first?.1 else { Issue.record("argument not a variable"); return }
        guard case .field(let run)? = root.selections.first, case .field(let info)? = run.selections.first else {
            Issue.record("nesting lost"); return
        }
        #expect(info.name == "info")
    }

    @Test func readsStringsNumbersAliasesFragmentsAndComments() throws {
        let document = try GraphQLParser.parse(#"""
            # a comment
            { a: test(inputString: "tab\there \u00e9 \"q\"") { output } ...F ... on Query { __typename } }
            fragment F on Query { test(inputString: """
                block
                  text
                """) { output } }
            """#)
        #expect(document.fragments["F"]?.typeCondition == "Query")
        let selections = try #require(document.operations.first?.selections)
        #expect(selections.count == 3)
        guard case .field(let aliased) = selections[0], case .string(let text)? = aliased.arguments.first?.1 else {
            Issue.record("no aliased field"); return
        }
        #expect(aliased.alias == "a")
        #expect(aliased.responseKey == "a")
        #expect(text == "tab\there é \"q\"")
        guard case .field(let inFragment)? = document.fragments["F"]?.selections.first,
              case .string(let block)? = inFragment.arguments.first?.1 else { Issue.record("no block string"); return }
        #expect(block == "block\n  text")
        let numbers = try GraphQLParser.parse("{ f(a: -12, b: 1.5e3, c: [true, null, ENUM], d: {x: 0}) }")
        guard case .field(let field)? = numbers.operations.first?.selections.first else { Issue.record("no field"); return }
        #expect(field.arguments.map { $0.1.resolved([:]) } == [
            .integer(-12), .double(1500), .array([.bool(true), .null, .string("ENUM")]), .object([("x", .integer(0))])])
    }

    @Test(arguments: [
        ("{ mlflowGetExperiment(input: ", "Syntax Error: Unexpected <EOF>."),
        ("{ a(b: \"unterminated) }", "Syntax Error: Unterminated string."),
        ("{ a(b: 01) }", "Syntax Error: Invalid number, unexpected digit after 0."),
        ("{ a(b: \"\\q\") }", "Syntax Error: Invalid character escape sequence: '\\q'."),
        ("{ a } }", "Syntax Error: Expected '{', query, mutation or fragment, found '}'."),
        ("{ a ^ }", "Syntax Error: Unexpected character '^'."),
        ("type Query { a: String }", "Syntax Error: Unexpected Name 'type'."),
        ("", "Syntax Error: Expected '{', query, mutation or fragment, found <EOF>."),
        ("query Q($v: Int = $w) { a }", "Syntax Error: Unexpected variable in a constant value."),
        ("fragment F on Q { a } fragment F on Q { b } { a }", "There can be only one fragment named 'F'."),
    ])
    func refusesMalformedDocumentsWithAMessage(text: String, message: String) {
        #expect(throws: GraphQLParser.Failure.self) { try GraphQLParser.parse(text) }
        do { _ = try GraphQLParser.parse(text) } catch { #expect(error.message == message) }
    }

    @Test func deepNestingAndHugeDocumentsAreRefusedWithoutExhaustingTheStack() {
        let deep = String(repeating: "{ a ", count: 5_000) + String(repeating: "}", count: 5_000)
        do { _ = try GraphQLParser.parse(deep); Issue.record("deep document accepted") } catch {
            #expect(error.message == "Syntax Error: Document nests deeper than \(GraphQLParser.maxNesting) levels.")
        }
        let list = "{ a(b: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + ") }"
        do { _ = try GraphQLParser.parse(list); Issue.record("deep list accepted") } catch {
            #expect(error.message.contains("nests deeper"))
        }
        let wide = "{ " + String(repeating: "a ", count: GraphQLParser.maxTokens + 1) + "}"
        do { _ = try GraphQLParser.parse(wide); Issue.record("huge document accepted") } catch {
            #expect(error.message == "Syntax Error: Document contains more than \(GraphQLParser.maxTokens) tokens. Parsing aborted.")
        }
    }

    @Test func limitsCountDepthSelectionsRootFieldsAndAliasesThroughFragments() throws {
        func problem(_ text: String) throws -> String? { GraphQLLimits.problem(try GraphQLParser.parse(text)) }
        let ten = String(repeating: "{ a ", count: 10) + String(repeating: "}", count: 10)
        #expect(try problem(ten) == nil)
        let eleven = String(repeating: "{ a ", count: 11) + String(repeating: "}", count: 11)
        #expect(try problem(eleven) == "Query exceeds maximum depth of 10")
        // Depth reached through a fragment counts too.
        #expect(try problem("{ a { ...F } } fragment F on X { b { c { d { e { f { g { h { i { j { k } } } } } } } } } }")
                == "Query exceeds maximum depth of 10")
        let roots = "{ " + (1...11).map { "f\($0)" }.joined(separator: " ") + " }"
        #expect(try problem(roots) == "GraphQL queries should have at most 10 root fields, got 11 root fields.")
        let aliases = "{ x { " + (1...11).map { "a\($0): b" }.joined(separator: " ") + " } }"
        #expect(try problem(aliases) == "GraphQL queries should have at most 10 aliases, got 11 aliases.")
        let many = "{ x { " + (1...1000).map { "f\($0)" }.joined(separator: " ") + " } }"
        #expect(try problem(many) == "Query exceeds maximum total selections of 1000")
        // A fragment that spreads itself ends.
        #expect(try problem("{ a { ...F } } fragment F on X { b ...F }") == nil)
    }

    @Test func namesConvertBetweenSnakeAndCamelCase() {
        #expect(GraphQLNames.camelCase("effective_trace_archival_retention") == "effectiveTraceArchivalRetention")
        #expect(GraphQLNames.camelCase("run_uuid") == "runUuid")
        #expect(GraphQLNames.snakeCase("experimentIds") == "experiment_ids")
        #expect(GraphQLNames.snakeCase("maxResults") == "max_results")
    }
}
