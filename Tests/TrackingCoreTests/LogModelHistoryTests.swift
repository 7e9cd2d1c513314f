import JSON
import Testing
@testable import TrackingCore

@Suite struct LogModelHistoryTests {
    @Test func creationTimeIsWrittenAsPythonsStrOfANaiveDatetime() {
        #expect(LogModelHistory.pythonDateTime(microseconds: 0) == "1970-01-01 00:00:00")
        #expect(LogModelHistory.pythonDateTime(microseconds: 1_796_666_647_413_847) == "2026-12-07 18:04:07.413847")
        #expect(LogModelHistory.pythonDateTime(microseconds: 951_782_400_000_001) == "2000-02-29 00:00:00.000001")
        #expect(LogModelHistory.pythonDateTime(microseconds: -1) == "1969-12-31 23:59:59.999999")
    }

    @Test func truthyCreationTimesAreKeptAsPythonsStr() throws {
        func created(_ json: String) throws -> JSONValue? {
            let model = #"{"artifact_path": "a", "flavors": {}, "run_id": "r", "utc_time_created": \#(json)}"#
            guard case .object(let members) = try LogModelHistory.entry(modelJSON: model, nowMicroseconds: 0) else {
                return nil
            }
            return members.first { $0.0 == "utc_time_created" }?.1
        }
        #expect(try created("true") == .string("True"))
        #expect(try created("[1, \"a\", null]") == .string("[1, 'a', None]"))
        #expect(try created("0") == .string("1970-01-01 00:00:00"))
        #expect(try created("\"\"") == .string("1970-01-01 00:00:00"))
    }

    @Test func refusalsThatMLflowAnswersWithA500AreA400() throws {
        #expect(throws: MLflowError.self) { try LogModelHistory.entry(modelJSON: "[1]", nowMicroseconds: 0) }
        #expect(throws: MLflowError.self) {
            try LogModelHistory.entry(modelJSON: #"{"artifact_path": "a", "flavors": [], "run_id": "r", "utc_time_created": "t"}"#,
                                      nowMicroseconds: 0)
        }
        #expect(throws: MLflowError.invalidParameter(
            "Model json is missing mandatory fields: {'artifact_path', 'flavors', 'run_id', 'utc_time_created'}")) {
            try LogModelHistory.entry(modelJSON: "{}", nowMicroseconds: 0)
        }
        #expect(throws: MLflowError.self) { try LogModelHistory.appending(.null, to: #"{"not": "a list"}"#) }
        let big = JSONValue.string(String(repeating: "x", count: 8000))
        #expect(throws: MLflowError.self) { try LogModelHistory.appending(big, to: nil) }
        #expect(try LogModelHistory.appending(.integer(2), to: "[1]") == "[1, 2]")
    }
}
