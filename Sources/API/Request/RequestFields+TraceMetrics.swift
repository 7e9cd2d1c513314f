import JSON
import TrackingCore

extension RequestFields {
    /// A `QueryTraceMetrics` request: enums by name or number, as protobuf JSON allows.
    func traceMetricsQuery() throws(MLflowError) -> TraceMetricsQuery {
        let view = try enumValue("view_type", TraceMetricsQuery.View.allCases.map(\.rawValue), required: true)
        let aggregations = try messages("aggregations").map { message throws(MLflowError) in
            let kind = try message.enumValue("aggregation_type", MetricAggregation.Kind.allCases.map(\.rawValue), required: true)
            return try MetricAggregation(kind: MetricAggregation.Kind(rawValue: kind) ?? .count,
                                         percentile: try message.double("percentile_value"))
        }
        guard !aggregations.isEmpty else { throw RequestFields.missing("aggregations") }
        var filters: [TraceMetricsFilter] = []
        for text in try stringList("filters") {
            do {
                filters.append(try TraceMetricsFilter.parse(text))
            } catch let error as MLflowError {
                throw error
            } catch {
                throw .invalidParameter("Invalid metrics filter '\(text)'.")
            }
        }
        let maxResults = try int64("max_results").map { Int(clamping: $0) } ?? TraceMetricsQuery.defaultMaxResults
        return TraceMetricsQuery(
            experimentIds: try stringList("experiment_ids", required: true),
            view: TraceMetricsQuery.View(rawValue: view) ?? .traces, metricName: try requiredString("metric_name"),
            aggregations: aggregations, dimensions: try stringList("dimensions"), filters: filters,
            intervalSeconds: try int64("time_interval_seconds"), startMillis: try int64("start_time_ms"),
            endMillis: try int64("end_time_ms"), maxResults: maxResults)
    }

    /// A protobuf enum field: its name, or its number (1-based, in `names`' order).
    func enumValue(_ name: String, _ names: [String], required: Bool) throws(MLflowError) -> String {
        switch raw(name) {
        case .string(let text)? where names.contains(text): return text
        case .integer(let number)? where number >= 1 && number <= Int64(names.count): return names[Int(number) - 1]
        case nil where required: throw RequestFields.missing(name)
        case let value?:
            throw .invalidParameter("Invalid value \(JSONWriter.string(value)) for parameter '\(name)' supplied.")
        case nil: return names[0]
        }
    }
}
