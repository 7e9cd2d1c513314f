/// MLflow 3's `QueryTraceMetrics` (`POST /api/3.0/mlflow/traces/metrics`): aggregates over an
/// experiment's traces, spans or assessments, grouped by dimensions and time buckets, as the MLflow
/// UI's overview charts ask for them. Which aggregations and dimensions each metric takes is
/// MLflow's table (`TraceMetricsCatalog`).
public struct TraceMetricsQuery: Sendable, Equatable {
    public enum View: String, Sendable, CaseIterable {
        case traces = "TRACES"
        case spans = "SPANS"
        case assessments = "ASSESSMENTS"
    }

    public var experimentIds: [String]
    public var view: View
    public var metricName: String
    public var aggregations: [MetricAggregation]
    public var dimensions: [String]
    public var filters: [TraceMetricsFilter]
    public var intervalSeconds: Int64?
    public var startMillis: Int64?
    public var endMillis: Int64?
    public var maxResults: Int

    /// MLflow's `MAX_RESULTS_QUERY_TRACE_METRICS`.
    public static let defaultMaxResults = 1_000

    public init(experimentIds: [String], view: View, metricName: String, aggregations: [MetricAggregation],
                dimensions: [String] = [], filters: [TraceMetricsFilter] = [], intervalSeconds: Int64? = nil,
                startMillis: Int64? = nil, endMillis: Int64? = nil, maxResults: Int = defaultMaxResults) {
        self.experimentIds = experimentIds
        self.view = view
        self.metricName = metricName
        self.aggregations = aggregations
        self.dimensions = dimensions
        self.filters = filters
        self.intervalSeconds = intervalSeconds
        self.startMillis = startMillis
        self.endMillis = endMillis
        self.maxResults = maxResults
    }
}

/// One aggregation: its type, and for a percentile which one (0-100).
public struct MetricAggregation: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case count = "COUNT"
        case sum = "SUM"
        case avg = "AVG"
        case percentile = "PERCENTILE"
        case min = "MIN"
        case max = "MAX"
    }

    public var kind: Kind
    public var percentile: Double?

    /// MLflow's checks (`MetricAggregation.__post_init__`).
    public init(kind: Kind, percentile: Double? = nil) throws(MLflowError) {
        if kind == .percentile {
            guard let percentile else {
                throw .invalidParameter("Percentile value is required for PERCENTILE aggregation")
            }
            guard (0...100).contains(percentile) else {
                throw .invalidParameter("Percentile value must be between 0 and 100, got \(PythonFormatting.float(percentile))")
            }
        } else if percentile != nil {
            throw .invalidParameter("Percentile value is only allowed for PERCENTILE aggregation type, got \(kind.rawValue)")
        }
        self.kind = kind
        self.percentile = percentile
    }

    /// The key of its value in a data point: `COUNT`, `AVG`, `P50.0` (Python's `f"P{float}"`).
    public var label: String {
        kind == .percentile ? "P" + PythonFormatting.float(percentile ?? 0) : kind.rawValue
    }
}

/// A filter of a metrics query (MLflow's `trace.status = 'OK'`, `trace.tag.<key> = 'v'`,
/// `trace.metadata.<key> = 'v'`); span and assessment filters are not served yet.
public enum TraceMetricsFilter: Sendable, Equatable {
    case status(String)
    case tag(key: String, value: String)
    case metadata(key: String, value: String)

    public static func parse(_ text: String) throws -> TraceMetricsFilter {
        let clauses = try SearchClauseParser.parse(text, style: .quoted)
        guard clauses.count == 1, let clause = clauses.first, let identifier = SearchIdentifier(clause.identifier),
              clause.comparator == "=" || clause.comparator == "==" else {
            throw MLflowError.invalidParameter("Invalid metrics filter '\(text)': expected one `trace.<entity> = '<value>'`.")
        }
        let value = try SearchValueReader.string(clause.operand, entity: .tag)
        guard case .string(let written) = value else {
            throw MLflowError.invalidParameter("Invalid metrics filter '\(text)': expected a quoted value.")
        }
        // `trace.status`, `trace.tag.team` (the parser reads the last dot-free part as the key).
        let path = ([identifier.entity].compactMap { $0 } + [identifier.key]).joined(separator: ".")
        if path == "trace.status" { return .status(written) }
        for (prefix, make) in [("trace.tag.", { TraceMetricsFilter.tag(key: $0, value: written) }),
                               ("trace.metadata.", { TraceMetricsFilter.metadata(key: $0, value: written) })]
        where path.hasPrefix(prefix) && path.count > prefix.count {
            return make(String(path.dropFirst(prefix.count)))
        }
        throw MLflowError.invalidParameter(
            "Filtering trace metrics by '\(path)' is not supported by this server yet; trace.status, "
                + "trace.tag.<key> and trace.metadata.<key> are.")
    }
}

/// One value of a metrics query: its group (dimension name to value, `time_bucket` as ISO 8601)
/// and each aggregation's value by label.
public struct MetricDataPoint: Sendable, Equatable {
    public var metricName: String
    public var dimensions: [(String, String)]
    public var values: [(String, Double)]

    public init(metricName: String, dimensions: [(String, String)], values: [(String, Double)]) {
        self.metricName = metricName
        self.dimensions = dimensions
        self.values = values
    }

    public static func == (lhs: MetricDataPoint, rhs: MetricDataPoint) -> Bool {
        lhs.metricName == rhs.metricName && lhs.dimensions.map(\.0) == rhs.dimensions.map(\.0)
            && lhs.dimensions.map(\.1) == rhs.dimensions.map(\.1) && lhs.values.map(\.0) == rhs.values.map(\.0)
            && lhs.values.map(\.1) == rhs.values.map(\.1)
    }
}
