import JSON
import Testing
import TrackingCore
@testable import API

/// The direct writer of metric lists answers the same bytes as the `JSONValue` encoding.
@Suite struct MetricListJSONTests {
    @Test func sameBytesAsTheValueTree() {
        let metrics = [
            Metric(key: "loss", value: 0.25, timestamp: 1_700_000_000_000, step: 3),
            Metric(key: "odd \"key\"\n", value: .nan, timestamp: -1, step: Int64.min),
            Metric(key: "inf", value: .infinity, timestamp: 0, step: Int64.max, runId: "r1"),
            Metric(key: "m", value: -.infinity, timestamp: 5, step: 0, runId: "", modelId: "m-1",
                   datasetName: "train", datasetDigest: "abc"),
            Metric(key: "big", value: 1.7976931348623157e308, timestamp: 1, step: 1),
        ]
        let tree = JSONValue.object([("metrics", .array(metrics.map(\.json))), ("next_page_token", .string("tok"))])
        #expect(MetricListJSON.bytes(metrics, nextPageToken: "tok") == JSONWriter.bytes(tree))
        #expect(MetricListJSON.bytes(metrics) == JSONWriter.bytes(.object([("metrics", .array(metrics.map(\.json)))])))
        #expect(MetricListJSON.bytes([]) == Array("{}".utf8))
        #expect(MetricListJSON.bytes([], nextPageToken: "t") == Array(#"{"next_page_token":"t"}"#.utf8))
    }
}
