import Testing
@testable import TrackingCore

@Suite("OrderByClause parsing")
struct OrderByClauseTests {
    private func runMessage(_ entries: [String]) -> String? {
        do {
            _ = try OrderByClause.parseRuns(entries)
            return nil
        } catch let error as MLflowError {
            #expect(error.code == .invalidParameterValue)
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func runEntries() throws {
        let clauses = try OrderByClause.parseRuns([
            "metrics.acc DESC", "params.lr", "tags.x ASC", "attributes.end_time", "metrics.`my metric` desc",
            "params.\"a b\" ASC", "created", "run_name", "tags.a.b   DESC",
        ])
        #expect(clauses == [
            OrderByClause(key: SearchKey(.metric, "acc"), ascending: false),
            OrderByClause(key: SearchKey(.param, "lr"), ascending: true),
            OrderByClause(key: SearchKey(.tag, "x"), ascending: true),
            OrderByClause(key: SearchKey(.attribute, "end_time"), ascending: true),
            OrderByClause(key: SearchKey(.metric, "my metric"), ascending: false),
            OrderByClause(key: SearchKey(.param, "a b"), ascending: true),
            OrderByClause(key: SearchKey(.attribute, "start_time"), ascending: true),
            OrderByClause(key: SearchKey(.attribute, "run_name"), ascending: true),
            OrderByClause(key: SearchKey(.tag, "a.b"), ascending: false),
        ])
    }

    @Test(arguments: [
        ("metrics.a DESC ASC", "Invalid order_by clause 'metrics.a DESC ASC'. Could not be parsed."),
        ("metrics.a up", "Invalid ordering key in order_by clause 'metrics.a up'."),
        ("Run Name", "Invalid ordering key in order_by clause 'Run Name'."),
        ("metrics.a, metrics.b", "Invalid order_by clause 'metrics.a, metrics.b'. Could not be parsed."),
        ("", "Invalid order_by clause ''. Could not be parsed."),
        ("  metrics.a  ", "Invalid order_by clause '  metrics.a  '. Could not be parsed."),
        ("metrics.a-b", "Invalid order_by clause 'metrics.a-b'. Could not be parsed."),
        ("start_time DESC;", "Invalid order_by clause 'start_time DESC;'. Could not be parsed."),
        ("foo.a", "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"),
        ("datasets.name", "Invalid identifier type 'dataset'"),
    ])
    func rejectsRunEntry(entry: String, expected: String) {
        #expect(runMessage([entry]) == expected)
    }

    @Test func rejectsUnknownRunAttribute() {
        #expect(runMessage(["lifecycle_stage"])?.hasPrefix("Invalid attribute key 'lifecycle_stage' specified.") == true)
        #expect(runMessage(["experiment_id"])?.hasPrefix("Invalid attribute key 'experiment_id' specified.") == true)
    }

    @Test func rejectsDuplicates() {
        #expect(runMessage(["metrics.a", "metrics.a DESC"]) == "`order_by` contains duplicate fields: ['metrics.a', 'metrics.a DESC']")
        #expect(runMessage(["created", "start_time"]) != nil)
    }

    @Test func experimentEntries() throws {
        #expect(try OrderByClause.parseExperiments(["name", "experiment_id ASC", "last_update_time desc", "attribute.creation_time DESC"]) == [
            OrderByClause(key: SearchKey(.attribute, "name"), ascending: true),
            OrderByClause(key: SearchKey(.attribute, "experiment_id"), ascending: true),
            OrderByClause(key: SearchKey(.attribute, "last_update_time"), ascending: false),
            OrderByClause(key: SearchKey(.attribute, "creation_time"), ascending: false),
        ])
        #expect(throws: MLflowError.invalidParameter("Invalid order_by entity: tag")) {
            try OrderByClause.parseExperiments(["tags.a"])
        }
        #expect(throws: MLflowError.invalidParameter("Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')")) {
            try OrderByClause.parseExperiments(["attributes.name"])
        }
    }
}
