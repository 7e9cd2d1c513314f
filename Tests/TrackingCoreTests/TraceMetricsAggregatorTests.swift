import Testing
@testable import TrackingCore

@Suite struct TraceMetricsAggregatorTests {
    private func query(_ aggregations: [MetricAggregation], dimensions: [String] = [], interval: Int64? = nil) -> TraceMetricsQuery {
        TraceMetricsQuery(experimentIds: ["1"], view: .traces, metricName: "latency", aggregations: aggregations,
                          dimensions: dimensions, intervalSeconds: interval, startMillis: 0, endMillis: 1)
    }

    @Test func percentilesInterpolateAndGroupsAreOrdered() throws {
        let rows = [TraceMetricsRow(timestampMillis: 61_500, dimensions: ["b"], value: 10),
                    TraceMetricsRow(timestampMillis: 1_000, dimensions: ["b"], value: 1),
                    TraceMetricsRow(timestampMillis: 2_000, dimensions: ["a"], value: 3),
                    TraceMetricsRow(timestampMillis: 3_000, dimensions: ["a"], value: 5),
                    TraceMetricsRow(timestampMillis: 4_000, dimensions: [nil], value: 7),
                    TraceMetricsRow(timestampMillis: 5_000, dimensions: ["a"], value: nil)]
        let points = TraceMetricsAggregator.dataPoints(rows, query(
            [try MetricAggregation(kind: .percentile, percentile: 25), try MetricAggregation(kind: .count)],
            dimensions: ["trace_name"], interval: 60))
        #expect(points.map { $0.dimensions.map(\.1) } == [["1970-01-01T00:00:00+00:00", "a"], ["1970-01-01T00:00:00+00:00", "b"],
                                                         ["1970-01-01T00:01:00+00:00", "b"]])
        #expect(points.map { $0.values.map(\.0) } == [["P25.0", "COUNT"], ["P25.0", "COUNT"], ["P25.0", "COUNT"]])
        #expect(points.map { $0.values.map(\.1) } == [[3.5, 2], [1, 1], [10, 1]])
        #expect(TraceMetricsAggregator.isoTime(1_700_000_000_123) == "2023-11-14T22:13:20.123000+00:00")
    }

    @Test func percentileAndAggregationRulesAreMLflows() {
        #expect(throws: MLflowError.self) { try MetricAggregation(kind: .percentile) }
        #expect(throws: MLflowError.self) { try MetricAggregation(kind: .percentile, percentile: 101) }
        #expect(throws: MLflowError.self) { try MetricAggregation(kind: .avg, percentile: 50) }
        #expect((try? MetricAggregation(kind: .percentile, percentile: 99.9))?.label == "P99.9")
    }
}
