import JSON
import SQL
public import TrackingCore

extension SQLTrackingStore {
    /// MLflow's `query_trace_metrics`: the rows of the view (in the experiments, the time range and
    /// the filters) read with one query, then grouped and aggregated by `TraceMetricsAggregator`.
    /// Token usage and costs are not recorded by this server (MLflow derives them from span
    /// attributes of its autologgers): those metrics have no rows, so no data points.
    public func queryTraceMetrics(_ query: TraceMetricsQuery) throws -> [MetricDataPoint] {
        try TraceMetricsCatalog.validate(query)
        let experiments = try RunSearchCompiler.uniqueExperimentIds(query.experimentIds)
        guard !experiments.isEmpty, let plan = Self.metricsPlan(query, database.dialect) else { return [] }
        var conditions = ["t.experiment_id IN (\(SQLFragment.placeholders(experiments.count)))"]
        var bindings: [SQLValue] = experiments
        if let start = query.startMillis {
            conditions.append("t.timestamp_ms >= ?")
            bindings.append(.integer(start))
        }
        if let end = query.endMillis {
            conditions.append("t.timestamp_ms <= ?")
            bindings.append(.integer(end))
        }
        for filter in query.filters {
            switch filter {
            case .status(let state):
                conditions.append("t.status = ?")
                bindings.append(.text(state))
            case .tag(let key, let value), .metadata(let key, let value):
                let table = { if case .tag = filter { "trace_tags" } else { "trace_request_metadata" } }()
                conditions.append("EXISTS (SELECT 1 FROM \(table) AS mf WHERE mf.request_id = t.request_id AND mf.key = ? AND mf.value = ?)")
                bindings += [.text(key), .text(value)]
            }
        }
        let dimensions = try query.dimensions.map { dimension in
            guard let column = plan.dimensions[dimension] else {
                throw MLflowError.invalidParameter("Unsupported dimension `\(dimension)` with view type \(query.view.rawValue)")
            }
            return column
        }
        let sql = "SELECT \(plan.time), \(plan.value)" + dimensions.map { ", \($0)" }.joined()
            + " FROM \(plan.from) WHERE " + conditions.joined(separator: " AND ")
        let isAssessmentValue = query.view == .assessments && query.metricName == "assessment_value"
        let rows = try database.read { connection in
            try connection.query(sql, bindings) { row in
                let value: Double? = isAssessmentValue
                    ? row.optionalString(1).flatMap(Self.assessmentAggregate)
                    : Self.number(row.value(1))
                return TraceMetricsRow(timestampMillis: Int64(Self.number(row.value(0)) ?? 0),
                                       dimensions: (0..<dimensions.count).map { row.optionalString(Int32(2 + $0)) },
                                       value: value)
            }
        }
        return TraceMetricsAggregator.dataPoints(rows, query)
    }

    /// Where a view's rows come from: the FROM clause (trace_info always as `t`), the time of a row
    /// in milliseconds, the value column (as text, so one reader serves every engine), and each
    /// dimension's column. nil for a metric this server has no values of.
    private static func metricsPlan(_ query: TraceMetricsQuery, _ dialect: SQLDialect)
        -> (from: String, time: String, value: String, dimensions: [String: String])? {
        // Whole milliseconds from nanoseconds: MySQL's `/` would give a decimal.
        let millis = { (nanos: String) in dialect == .mysql ? "(\(nanos)) DIV 1000000" : "(\(nanos)) / 1000000" }
        let traceName = "(SELECT n.value FROM trace_tags AS n WHERE n.request_id = t.request_id AND n.key = 'mlflow.traceName')"
        switch (query.view, query.metricName) {
        case (.traces, "trace_count"):
            return ("trace_info AS t", "t.timestamp_ms", "1", ["trace_name": traceName, "trace_status": "t.status"])
        case (.traces, "latency"):
            return ("trace_info AS t", "t.timestamp_ms", "t.execution_time_ms", ["trace_name": traceName])
        case (.spans, "span_count"), (.spans, "latency"):
            // The span's latency in whole milliseconds (MLflow's `(end - start) // 1000000`); the
            // time bucket is the span's start.
            let value = query.metricName == "span_count" ? "1" : millis("s.end_time_unix_nano - s.start_time_unix_nano")
            return ("spans AS s JOIN trace_info AS t ON t.request_id = s.trace_id", millis("s.start_time_unix_nano"), value,
                    ["span_name": "s.name", "span_type": "s.type", "span_status": "s.status",
                     "span_model_name": "NULL", "span_model_provider": "NULL"])
        case (.assessments, "assessment_count"), (.assessments, "assessment_value"):
            let value = query.metricName == "assessment_count" ? "1" : "a.value"
            return ("assessments AS a JOIN trace_info AS t ON t.request_id = a.trace_id", "t.timestamp_ms", value,
                    ["assessment_name": "a.name", "assessment_value": "a.value"])
        default:
            return nil
        }
    }

    /// A numeric column's value whatever type the engine returned it as.
    static func number(_ value: SQLValue) -> Double? {
        switch value {
        case .integer(let number): return Double(number)
        case .real(let number): return number
        case .text(let text): return Double(text)
        default: return nil
        }
    }

    /// MLflow's `assessment_aggregate`: a number as itself, a bool as 1 or 0, "yes"/"no" as 1 or 0;
    /// anything else (and a non-finite number) has no numeric value.
    static func assessmentAggregate(_ stored: String) -> Double? {
        switch try? JSONParser.parse(Array(stored.utf8)) {
        case .integer(let number)?: return Double(number)
        case .double(let number)? where number.isFinite: return number
        case .bool(let flag)?: return flag ? 1 : 0
        case .string(let text)?:
            let normalized = String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()).lowercased()
            return normalized == "yes" ? 1 : normalized == "no" ? 0 : nil
        default: return nil
        }
    }
}
