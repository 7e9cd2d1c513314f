import JSON
import Testing
import TrackingCore

/// The pure parts of dataset records: the text MLflow hashes, the merge, the schema, the parsing.
@Suite("Evaluation dataset records")
struct DatasetMergeTests {
    private func parse(_ json: String) throws -> [DatasetRecordInput] { try DatasetRecordInput.parseList(json) }

    /// `json.dumps(inputs, sort_keys=True)` byte for byte (pinned from Python 3.11), so inputs hash as
    /// in MLflow's own store whatever their key order.
    @Test func inputsAreDumpedAsPythonSortsThem() throws {
        let inputs = try JSONParser.parse(#"{"q": "Größe?", "b": [1, 2.5, null, true], "a": {"z": 1, "y": "x"}}"#)
        #expect(DatasetJSON.sortedDumps(inputs) == #"{"a": {"y": "x", "z": 1}, "b": [1, 2.5, null, true], "q": "Gr\u00f6\u00dfe?"}"#)
        let reordered = try JSONParser.parse(#"{"a": {"y": "x", "z": 1}, "q": "Größe?", "b": [1, 2.5, null, true]}"#)
        #expect(DatasetJSON.sortedDumps(reordered) == DatasetJSON.sortedDumps(inputs))
        // A repeated key counts once, with its last value, as json.loads keeps it.
        let repeated = try parse(#"[{"inputs": {"q": 1, "q": 2}}]"#)[0]
        #expect(repeated.inputs == .object([("q", .integer(2))]))
    }

    @Test func theSameInputsMergeAsMLflowMergesThem() throws {
        let stored = DatasetRecord(recordId: "dr-1", datasetId: "d-1", inputs: .object([("q", .integer(1))]),
                                   outputs: .object([]), expectations: .object([("a", .integer(1)), ("b", .integer(2))]),
                                   tags: nil, createdTime: 5, lastUpdateTime: 5, createdBy: "ann", lastUpdatedBy: "ann")
        let records = try parse(#"""
            [{"inputs": {"q": 1}, "expectations": {"b": 3, "c": 4}, "tags": {"mlflow.user": "bo"}, "outputs": null},
             {"inputs": {"q": 2}},
             {"inputs": {"q": 2}, "expectations": {}, "outputs": "x"},
             {"inputs": {"q": 1}, "expectations": {"d": 5}}]
            """#)
        var ids = 0
        let plan = DatasetRecordMergePlan(datasetId: "d-1", records: records, hashes: ["h1", "h2", "h2", "h1"],
                                          existing: ["h1": stored], now: 9, newId: { ids += 1; return "dr-new\(ids)" })
        #expect(plan.result == DatasetUpsertResult(inserted: 1, updated: 3))
        #expect(plan.lastUser == "bo")
        #expect(plan.rows.map(\.isNew) == [false, true])
        let merged = plan.rows[0].record
        #expect(merged.expectations == .object([("a", .integer(1)), ("b", .integer(3)), ("c", .integer(4)), ("d", .integer(5))]))
        #expect(merged.outputs == nil)   // a given null clears them
        #expect(merged.tags == .object([("mlflow.user", .string("bo"))]))
        #expect(merged.createdTime == 5 && merged.lastUpdateTime == 9 && merged.createdBy == "ann" && merged.lastUpdatedBy == "bo")
        let new = plan.rows[1].record
        #expect(new.recordId == "dr-new1" && new.outputs == .string("x") && new.expectations == nil && new.createdBy == nil)
    }

    @Test func theSchemaTakesTheFirstTypeOfEachKey() throws {
        let first = DatasetJSON.updatedSchema(nil, records: try parse(#"""
            [{"inputs": {"q": "a", "n": 1, "f": 0.5, "ok": true, "l": [], "o": {}, "z": null}, "outputs": 7,
              "expectations": {"e": "x"}}]
            """#))
        let text = PythonFormatting.jsonDumps(try #require(first))
        #expect(text == #"{"inputs": {"q": "string", "n": "integer", "f": "float", "ok": "boolean", "l": "array", "#
                + #""o": "object", "z": "null"}, "outputs": "integer", "expectations": {"e": "string"}, "version": "1.0"}"#)
        let second = DatasetJSON.updatedSchema(text, records: try parse(#"[{"inputs": {"q": 1, "new": "s"}, "outputs": "s"}]"#))
        #expect(PythonFormatting.jsonDumps(try #require(second)).hasPrefix(
            #"{"inputs": {"q": "string", "n": "integer", "f": "float", "ok": "boolean", "l": "array", "o": "object", "z": "null", "new": "string"}, "outputs": "integer""#))
        #expect(DatasetJSON.updatedSchema(nil, records: []) == nil)
    }

    /// A record of 50,000 keys (some repeated across records and lists): each key once, in first-seen
    /// order, with its first type; merging keeps positions and takes new values (a linear search per
    /// key once made 20,000 keys take 25 s inside the write transaction).
    @Test func recordsOfManyKeysKeepEachKeyOnceInOrder() throws {
        let keys = (0..<50_000).map { "k\($0)" }
        let inputs = JSONValue.object(keys.map { ($0, .integer(1)) })
        let again = JSONValue.object(keys.prefix(10).map { ($0, .string("s")) } + [("extra", .bool(true))])
        let schema = try #require(DatasetJSON.updatedSchema(nil, records: [
            DatasetRecordInput(inputs: inputs, expectations: again), DatasetRecordInput(inputs: again, outputs: again,
                                                                                         outputsGiven: true)]))
        guard case .object(let fields)? = schema["inputs"] else { Issue.record("no inputs"); return }
        #expect(fields.map(\.0) == keys + ["extra"])
        #expect(fields[0].1 == .string("integer") && fields.last?.1 == .string("boolean"))
        #expect(schema["expectations"] == schema["outputs"])
        let merged = DatasetJSON.updated(inputs, with: again)
        guard case .object(let members) = merged else { Issue.record("not an object"); return }
        #expect(members.count == 50_001 && members[3] == ("k3", .string("s")) && members[10] == ("k10", .integer(1)))
        #expect(members.last! == ("extra", .bool(true)))
    }

    @Test func malformedRecordsAreRefusedWithTheirIndex() {
        for (json, message) in [
            ("{", "Invalid value for parameter 'records': not valid JSON"),
            ("[1]", "Record 0 must be a dictionary, got a JSON number."),
            (#"[{"inputs": {}}, {"inputs": []}]"#, "Record 1: 'inputs' must be a dictionary, got a JSON array."),
            (#"[{"source": {"source_type": "HUMAN", "extra": 1}}]"#, "Record 0: 'source' has an unexpected field 'extra'"),
            (#"[{"source": {"source_type": "robot"}}]"#,
             "Invalid dataset record source type: ROBOT. Valid source types: ['UNSPECIFIED', 'TRACE', 'HUMAN', 'DOCUMENT', 'CODE']"),
        ] {
            let error = #expect(throws: MLflowError.self) { try DatasetRecordInput.parseList(json) }
            #expect(error?.code == .invalidParameterValue)
            #expect(error?.message.hasPrefix(message) == true, "\(json): \(error?.message ?? "")")
        }
        // An empty source is none; a lower-case type is MLflow's upper-case one; a trace's id is its source id.
        let sources = try? DatasetRecordInput.parseList(#"[{"source": {}}, {"source": {"source_type": "trace", "source_data": {"trace_id": "tr-1"}}}]"#)
        #expect(sources?[0].source == nil)
        #expect(sources?[1].source?.sourceType == "TRACE" && sources?[1].source?.derivedSourceId == "tr-1")
    }

    @Test func tagValuesAreWhatPythonsStrGives() throws {
        let tags = try DatasetTag.parseMap(#"{"s": "x", "n": 3, "f": 1.5, "b": true, "d": {"k": [1]}, "none": null}"#, field: "tags")
        #expect(tags == [DatasetTag(key: "s", value: "x"), DatasetTag(key: "n", value: "3"), DatasetTag(key: "f", value: "1.5"),
                         DatasetTag(key: "b", value: "True"), DatasetTag(key: "d", value: "{'k': [1]}"),
                         DatasetTag(key: "none", value: nil)])
        #expect(throws: MLflowError.self) { try DatasetTag.parseMap("[]", field: "tags") }
    }
}
