import Testing
@testable import TrackingCore

@Suite("SearchFilter.parseExperiments")
struct SearchFilterExperimentsTests {
    private func message(_ filter: String) -> String? {
        do {
            _ = try SearchFilter.parseExperiments(filter)
            return nil
        } catch let error as MLflowError {
            #expect(error.code == .invalidParameterValue)
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func attributesAndTags() throws {
        let result = try SearchFilter.parseExperiments(
            "name LIKE 'x%' AND attribute.creation_time > 5 AND tags.a = 'b' AND tag.c IS NULL AND experiment_id IN ('1', '2')"
        ).comparisons
        #expect(result == [
            SearchComparison(key: SearchKey(.attribute, "name"), comparator: .like, value: .string("x%")),
            SearchComparison(key: SearchKey(.attribute, "creation_time"), comparator: .greater, value: .integer(5)),
            SearchComparison(key: SearchKey(.tag, "a"), comparator: .equal, value: .string("b")),
            SearchComparison(key: SearchKey(.tag, "c"), comparator: .isNull, value: .none),
            SearchComparison(key: SearchKey(.attribute, "experiment_id"), comparator: .in, value: .list(["1", "2"])),
        ])
    }

    @Test(arguments: [
        ("attributes.name = 'x'", "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')"),
        ("metrics.a > 1", "Invalid entity type 'metrics'. Valid entity types are ('attribute', 'tag', 'tags')"),
        ("name IN ('a')", "Only ['experiment_id'] attributes support comparison with a list of quoted string values."),
        ("name IS NULL", "IS NULL / IS NOT NULL is only supported for tags, not for attribute 'name'"),
        ("lifecycle_stage = 'x'", "Invalid attribute key 'lifecycle_stage' specified. Valid keys are '{'creation_time', 'experiment_id', 'last_update_time', 'name'}'"),
        ("experiment_id = 'abc'", "Invalid experiment ID 'abc'. Experiment ID must be a valid integer."),
        ("experiment_id = 1", "Expected a quoted string value for attributes. Got value 1"),
        ("experiment_id > '1'", "Invalid comparator for experiment_id: >"),
        ("name = 'a' OR name = 'b'", "Invalid clause(s) in filter string: OR"),
        ("tags.a IN ('x')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('x')"),
        ("creation_time > '5'", "Expected numeric value type for numeric attribute: creation_time. Found '5'"),
        ("creation_time > 5.5", "Invalid value for numeric attribute 'creation_time': '5.5'"),
        ("creation_time LIKE 5", "Invalid comparator for numeric attribute: LIKE"),
        ("name > 'x'", "Invalid comparator '>' not one of '{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'"),
    ])
    func rejectsWithMLflowMessage(filter: String, expected: String) {
        #expect(message(filter) == expected)
    }
}
