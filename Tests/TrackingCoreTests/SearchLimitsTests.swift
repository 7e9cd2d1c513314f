import Testing
@testable import TrackingCore

/// sqlparse's 10,000-token refusal (MLflow's 400 for oversized filters) and the order_by bound.
@Suite("SearchLimits")
struct SearchLimitsTests {
    /// `status = 'x'` is 5 sqlparse tokens; each trailing space one more (checked against sqlparse 0.6.1).
    private func padded(_ tokens: Int) -> String { "status = 'x'" + String(repeating: " ", count: tokens - 5) }

    @Test func tokenCountFollowsSqlparse() {
        let cases: [(String, Int)] = [
            ("metrics.m0 > 1 AND tags.`a b`.c = 'x'", 19),
            ("metrics.\"a\" >= -1.5e3", 7),
            ("attributes.run_id IN ('a', 'b')", 12),
            ("a  =  1", 7),
            ("tags.t0 = 'x' AND  tags.t1 IS NULL", 18),
            ("x != 1", 5),
        ]
        for (filter, expected) in cases {
            #expect(SearchLimits.sqlparseTokenCount(filter, tokens: SearchLexer.tokenize(filter)) == expected, "\(filter)")
        }
    }

    @Test func tenThousandTokensParseAndOneMoreIsRefused() throws {
        #expect(try SearchFilter.parseRuns(padded(10_000)).comparisons.count == 1)
        let over = padded(10_001)
        #expect(throws: MLflowError.invalidParameter("Error on parsing filter '\(over)'")) {
            try SearchFilter.parseRuns(over)
        }
    }

    /// The message of the error `body` throws (kept out of the expectation: it holds the whole filter).
    private func message(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as MLflowError { return error.message } catch {}
        return nil
    }

    @Test func everyGrammarRefusesTenThousandClauses() {
        let filter = (0..<10_000).map { "tags.t\($0) = 'x'" }.joined(separator: " AND ")
        let expected = "Error on parsing filter '\(filter)'"
        #expect(message { _ = try SearchFilter.parseRuns(filter) } == expected)
        #expect(message { _ = try SearchFilter.parseExperiments(filter) } == expected)
        #expect(message { _ = try SearchFilter.parseRegisteredModels(filter) } == expected)
        #expect(message { _ = try SearchFilter.parseModelVersions(filter) } == expected)
        // Python's repr quotes the filter (which holds single quotes) in double quotes.
        #expect(message { _ = try LoggedModelSearchFilter.parse(filter) }
            == "Invalid filter string: \"\(filter)\". SQLParseError('Maximum number of tokens exceeded (10000).')")
    }

    @Test func runOrderByTakesTwentyKeys() throws {
        let keys = (0..<1_000).map { "metrics.m\($0)" }
        #expect(try OrderByClause.parseRuns(Array(keys.prefix(20))).count == 20)
        #expect(throws: MLflowError.invalidParameter(
            "Invalid value for parameter 'order_by' supplied: 1000 clauses. It must have at most 20 clauses.")) {
            try OrderByClause.parseRuns(keys)
        }
    }
}
