import Testing
@testable import TrackingCore

@Suite("SearchFilter.parseRuns")
struct SearchFilterRunsTests {
    private func parse(_ filter: String) throws -> [SearchComparison] {
        try SearchFilter.parseRuns(filter).comparisons
    }

    private func message(_ filter: String) -> String? {
        do {
            _ = try SearchFilter.parseRuns(filter)
            return nil
        } catch let error as MLflowError {
            #expect(error.code == .invalidParameterValue)
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func emptyFilterHasNoComparisons() throws {
        #expect(try parse("").isEmpty)
        #expect(try SearchFilter.parseRuns(nil).comparisons.isEmpty)
    }

    @Test func metricParamTagConjunction() throws {
        let result = try parse("metrics.acc>0.5 and params.lr = '0.1' AnD tags.team LIKE 'ml%'")
        #expect(result == [
            SearchComparison(key: SearchKey(.metric, "acc"), comparator: .greater, value: .number(0.5)),
            SearchComparison(key: SearchKey(.param, "lr"), comparator: .equal, value: .string("0.1")),
            SearchComparison(key: SearchKey(.tag, "team"), comparator: .like, value: .string("ml%")),
        ])
    }

    @Test func metricValuesAreDoubles() throws {
        #expect(try parse("metrics.a >= -3")[0].value == .number(-3))
        #expect(try parse("metrics.a < 1e3")[0].value == .number(1000))
        #expect(try parse("metrics.a != .5")[0].value == .number(0.5))
        #expect(try parse("metrics.a <= 1.5e-3")[0].value == .number(0.0015))
    }

    @Test func entityAliases() throws {
        #expect(try parse("metric.a < 2")[0].key == SearchKey(.metric, "a"))
        #expect(try parse("param.a = 'b'")[0].key == SearchKey(.param, "a"))
        #expect(try parse("parameters.a = 'b'")[0].key == SearchKey(.param, "a"))
        #expect(try parse("tag.a = 'b'")[0].key == SearchKey(.tag, "a"))
        #expect(try parse("attr.start_time >= 1")[0].key == SearchKey(.attribute, "start_time"))
        #expect(try parse("run.status != 'X'")[0].key == SearchKey(.attribute, "status"))
        #expect(try parse("attribute.user_id = 'u'")[0].key == SearchKey(.attribute, "user_id"))
        #expect(try parse("`metrics`.a > 1")[0].key == SearchKey(.metric, "a"))
        #expect(try parse("dataset.digest = 'x'")[0].key == SearchKey(.dataset, "digest"))
    }

    @Test func quotedKeysAndValues() throws {
        #expect(try parse("metrics.`my metric` >= 1")[0].key == SearchKey(.metric, "my metric"))
        #expect(try parse("metrics.\"a b\" > 1")[0].key == SearchKey(.metric, "a b"))
        #expect(try parse("metrics.'a b' > 1")[0].key == SearchKey(.metric, "a b"))
        let dotted = try parse("tags.\"a.b\" = \"x\"")[0]
        #expect(dotted.key == SearchKey(.tag, "a.b"))
        #expect(dotted.value == .string("x"))
        #expect(try parse("tags.a.b = 'x'")[0].key == SearchKey(.tag, "a.b"))
        #expect(try parse("tags.`mlflow.runName` = 'x'")[0].key == SearchKey(.tag, "mlflow.runName"))
        #expect(try parse("params.a = \"it's\"")[0].value == .string("it's"))
        // MLflow keeps the text between the quotes as written.
        #expect(try parse("params.a = 'it''s'")[0].value == .string("it''s"))
        #expect(try parse("params.`a` != ''")[0].value == .string(""))
        #expect(try parse("params.é = 'é'")[0] == SearchComparison(key: SearchKey(.param, "é"), comparator: .equal, value: .string("é")))
    }

    @Test func bareAttributesAndAliases() throws {
        #expect(try parse("status = 'FINISHED'")[0].key == SearchKey(.attribute, "status"))
        #expect(try parse("start_time > 5")[0].value == .integer(5))
        #expect(try parse("created > 5.5")[0] == SearchComparison(key: SearchKey(.attribute, "start_time"), comparator: .greater, value: .number(5.5)))
        #expect(try parse("`Run Name` = 'x'")[0].key == SearchKey(.attribute, "run_name"))
        #expect(try parse("\"run name\" = 'x'")[0].key == SearchKey(.attribute, "run_name"))
        #expect(try parse("attributes.run_name ILIKE '%X%'")[0].comparator == .ilike)
        #expect(try parse("artifact_uri LIKE 's3%'")[0].comparator == .like)
        #expect(try parse("params.lr like '%1'")[0].comparator == .like)
    }

    @Test func inListsForRunIdAndDatasets() throws {
        #expect(try parse("attributes.run_id IN ('a', \"b\")")[0] == SearchComparison(key: SearchKey(.attribute, "run_id"), comparator: .in, value: .list(["a", "b"])))
        #expect(try parse("run_id not in ('a',)")[0] == SearchComparison(key: SearchKey(.attribute, "run_id"), comparator: .notIn, value: .list(["a"])))
        #expect(try parse("datasets.name IN ('x')")[0].value == .list(["x"]))
        #expect(try parse("datasets.context LIKE 't%'")[0].key == SearchKey(.dataset, "context"))
    }

    @Test func nullChecksOnTagsAndParams() throws {
        #expect(try parse("tags.t IS NULL")[0] == SearchComparison(key: SearchKey(.tag, "t"), comparator: .isNull, value: .none))
        #expect(try parse("params.p is not null")[0].comparator == .isNotNull)
    }

    @Test func strayAndsAreIgnoredAsMLflowDoes() throws {
        #expect(try parse("metrics.a > 1 AND").count == 1)
        #expect(try parse("metrics.a > 1 and and metrics.b > 1").count == 2)
    }

    @Test(arguments: [
        ("metrics.a > 1 OR metrics.b > 2", "Invalid clause(s) in filter string: 'OR'"),
        ("metrics.a >", "Invalid clause(s) in filter string: 'metrics.a', '>'"),
        ("metrics.a", "Invalid clause(s) in filter string: 'metrics.a'"),
        ("(metrics.a > 1)", "Invalid clause(s) in filter string: '('"),
        ("run_id IN 'a'", "Invalid clause(s) in filter string: 'run_id', 'IN', ''a''"),
        ("metrics.a >= 1 AND NOT tags.a = 'b'", "Invalid clause(s) in filter string: 'NOT'"),
        ("   ", "Invalid filter '   '. Could not be parsed."),
        ("metrics.a > 1; drop table runs", "Search filter contained multiple expression 'metrics.a > 1; drop table runs'. Provide AND-ed expression list."),
        ("foo.a = 'x'", "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"),
        ("METRICS.a > 1", "Invalid entity type 'METRICS'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"),
        ("metrics.a = 'x'", "Expected numeric value type for metric. Found 'x'"),
        ("metrics.a IN (1)", "Expected numeric value type for metric. Found (1)"),
        ("params.a = 1", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1"),
        ("params.a IN ('x')", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value ('x')"),
        ("params.a = x", "Parameter value is either not quoted or unidentified quote types used for string value x. Use either single or double quotes."),
        ("start_time > '5'", "Expected numeric value type for numeric attribute: start_time. Found '5'"),
        ("status IN ('a')", "Only ['run_id'] attributes support comparison with a list of quoted string values."),
        ("run_id IN ()", "While parsing a list in the query, expected a non-empty list of string values, but got empty list"),
        ("run_id IN ('a', 1)", "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 1)"),
        ("metrics.a IS NULL", "IS NULL / IS NOT NULL is only supported for tags and params, not for 'metric' 'a'"),
        ("end_time IS NULL", "IS NULL / IS NOT NULL is only supported for tags and params, not for 'attribute' 'end_time'"),
        ("'x' = params.a", "Invalid comparison clause. Expected 'Identifier' found ''x''"),
        ("datasets.foo = 'x'", "Invalid dataset key 'foo' specified. Valid keys are '{'name', 'digest', 'context'}'"),
        ("metrics.a <> 1", "Invalid comparator '<>' not one of '{'>', '>=', '!=', '=', '<', '<='}"),
        ("metrics.a == 1", "Invalid comparator '==' not one of '{'>', '>=', '!=', '=', '<', '<='}"),
        ("params.a < 'x'", "Invalid comparator '<' not one of '{'!=', '=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}'"),
        ("status > 'x'", "Invalid comparator '>' not one of '{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'"),
        ("start_time LIKE 1", "Invalid comparator 'LIKE' not one of '{'>', '>=', '!=', '=', '<', '<='}"),
        ("tags.a LIKE", "Invalid clause(s) in filter string: 'tags.a', 'LIKE'"),
        ("metrics.a > 0x10", "Invalid clause(s) in filter string: 'metrics.a', '>', '0x10'"),
    ])
    func rejectsWithMLflowMessage(filter: String, expected: String) {
        #expect(message(filter) == expected)
    }

    @Test func rejectsUnknownAttributeAndLifecycleStage() {
        let text = message("lifecycle_stage = 'active'") ?? ""
        #expect(text.hasPrefix("Invalid attribute key 'lifecycle_stage' specified. Valid keys are '{"))
        #expect(text.contains("'run_id'"))
    }

    @Test func rejectsListWithPlainComparator() {
        #expect(message("run_id = ('a')") != nil)
    }

    @Test func rejectsUnterminatedQuotes() {
        #expect(message("params.a = 'abc") != nil)
        #expect(message("metrics.`a > 1") != nil)
    }
}
