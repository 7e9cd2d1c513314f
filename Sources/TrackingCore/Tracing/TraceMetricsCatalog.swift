/// Which aggregations and dimensions each metric of each view takes (MLflow's `VIEW_TYPE_CONFIGS`),
/// and MLflow's messages for a query outside them.
public enum TraceMetricsCatalog {
    struct Entry {
        let aggregations: Set<MetricAggregation.Kind>
        let dimensions: [String]
    }

    private static let numeric: Set<MetricAggregation.Kind> = [.sum, .avg, .min, .max, .percentile]
    private static let spread: Set<MetricAggregation.Kind> = [.avg, .min, .max, .percentile]
    private static let tokenKeys = ["input_tokens", "output_tokens", "total_tokens", "cache_read_input_tokens",
                                    "cache_creation_input_tokens"]
    private static let costKeys = ["input_cost", "output_cost", "total_cost"]
    private static let models = ["span_model_name", "span_model_provider"]

    /// In MLflow's order (its messages list the metric names in this order).
    static let views: [TraceMetricsQuery.View: [(String, Entry)]] = [
        .traces: [("trace_count", Entry(aggregations: [.count], dimensions: ["trace_name", "trace_status"])),
                  ("session_count", Entry(aggregations: [.count], dimensions: [])),
                  ("latency", Entry(aggregations: spread, dimensions: ["trace_name"]))]
            + tokenKeys.map { ($0, Entry(aggregations: numeric, dimensions: ["trace_name"])) },
        .spans: [("span_count", Entry(aggregations: [.count],
                                      dimensions: ["span_name", "span_type", "span_status"] + models)),
                 ("latency", Entry(aggregations: spread, dimensions: ["span_name", "span_status"]))]
            + costKeys.map { ($0, Entry(aggregations: numeric, dimensions: models)) },
        .assessments: [("assessment_count", Entry(aggregations: [.count], dimensions: ["assessment_name", "assessment_value"])),
                       ("assessment_value", Entry(aggregations: spread, dimensions: ["assessment_name"]))],
    ]

    /// MLflow's `validate_query_trace_metrics_params`, and its rule that time buckets need a range.
    public static func validate(_ query: TraceMetricsQuery) throws(MLflowError) {
        let metrics = views[query.view] ?? []
        guard let entry = metrics.first(where: { $0.0 == query.metricName })?.1 else {
            throw .invalidParameter("metric_name must be one of \(SearchMessages.pythonList(metrics.map(\.0))), "
                                    + "got '\(query.metricName)'")
        }
        let invalid = Set(query.aggregations.map(\.kind)).subtracting(entry.aggregations)
        if !invalid.isEmpty {
            throw .invalidParameter("Found invalid aggregation_type(s): \(SearchMessages.pythonList(invalid.map(\.rawValue).sorted())). "
                                    + "Supported aggregation types: \(SearchMessages.pythonList(entry.aggregations.map(\.rawValue).sorted()))")
        }
        let unknown = Set(query.dimensions).subtracting(entry.dimensions)
        if !unknown.isEmpty {
            throw .invalidParameter("Found invalid dimension(s): \(SearchMessages.pythonList(unknown.sorted())). "
                                    + "Supported dimensions: \(SearchMessages.pythonList(entry.dimensions.sorted()))")
        }
        if query.intervalSeconds != nil, query.startMillis == nil || query.endMillis == nil {
            throw .invalidParameter("start_time_ms and end_time_ms are required if time_interval_seconds is set")
        }
        if let interval = query.intervalSeconds, interval <= 0 {
            throw .invalidParameter("time_interval_seconds must be positive, got \(interval)")
        }
    }
}
