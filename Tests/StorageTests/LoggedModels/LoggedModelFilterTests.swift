import Testing
import TrackingCore

@Suite("Logged model filter grammar")
struct LoggedModelFilterTests {
    @Test func parsesEntitiesAndValues() throws {
        #expect(try LoggedModelSearchFilter.parse(nil).isEmpty)
        #expect(try LoggedModelSearchFilter.parse("metrics.acc > 0.5 AND params.`my p` = 'x' and tags.mlflow.source = y")
                == [LoggedModelComparison(kind: .metric, key: "acc", comparator: .greater, value: .number(0.5)),
                    LoggedModelComparison(kind: .param, key: "my p", comparator: .equal, value: .string("x")),
                    LoggedModelComparison(kind: .tag, key: "mlflow.source", comparator: .equal, value: .string("y"))])
        #expect(try LoggedModelSearchFilter.parse("creation_time >= 5 AND name NOT IN ('a', 'b')")
                == [LoggedModelComparison(kind: .attribute, key: "creation_timestamp_ms", comparator: .greaterOrEqual,
                                          value: .number(5)),
                    LoggedModelComparison(kind: .attribute, key: "name", comparator: .notIn, value: .list(["a", "b"]))])
    }

    @Test func refusesWithMLflowsMessages() {
        let andList = "Expected a list of comparisons separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01')."
        let cases: [(String, String)] = [
            ("name = 'a' OR name = 'b'", "Invalid filter string: \"name = 'a' OR name = 'b'\". " + andList),
            ("name", "Invalid filter string: 'name'. " + andList),
            ("tags.x IS NULL", "Invalid filter string: 'tags.x IS NULL'. " + andList),
            ("metrics.acc LIKE 'a'",
             "Invalid comparison operator for metrics.acc: 'LIKE'. Expected one of ('<', '<=', '>', '>=', '=', '!=')."),
            ("name > 'a'",
             "Invalid comparison operator for attributes.name: '>'. Expected one of ('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN')."),
            ("foo.x = 'a'", "Invalid entity type: 'foo'. Expected one of ['attributes', 'metrics', 'params', 'tags']."),
            ("name = 'a'; name = 'b'", "Invalid filter string: \"name = 'a'; name = 'b'\". Expected a single SQL expression."),
        ]
        for (filter, message) in cases {
            #expect(throws: MLflowError(.invalidParameterValue, message), "\(filter)") {
                try LoggedModelSearchFilter.parse(filter)
            }
        }
        // MLflow answers these with a 500; Swiftrack with a 400.
        for filter in ["nope = 'a'", "metrics.acc > abc", "creation_time > '5'"] {
            #expect(throws: MLflowError.self) { try LoggedModelSearchFilter.parse(filter) }
        }
    }
}
