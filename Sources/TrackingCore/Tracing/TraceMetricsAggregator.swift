/// One row a metrics query reads: when (for the time bucket), its dimension values in the query's
/// order (nil: left out, as MLflow leaves out a group with a null dimension), and the value to
/// aggregate (nil: not counted, as SQL aggregates skip nulls).
public struct TraceMetricsRow: Sendable, Equatable {
    public var timestampMillis: Int64
    public var dimensions: [String?]
    public var value: Double?

    public init(timestampMillis: Int64, dimensions: [String?], value: Double?) {
        self.timestampMillis = timestampMillis
        self.dimensions = dimensions
        self.value = value
    }
}

/// Groups rows and aggregates each group as MLflow's SQL does: COUNT of non-null values, SUM, AVG,
/// MIN, MAX, and PERCENTILE by linear interpolation (PostgreSQL's `percentile_cont`); groups ordered
/// by time bucket, then by dimension values; at most `maxResults`.
public enum TraceMetricsAggregator {
    public static func dataPoints(_ rows: [TraceMetricsRow], _ query: TraceMetricsQuery) -> [MetricDataPoint] {
        struct Group {
            var bucket: Int64?
            var dimensions: [String]
            var values: [Double] = []
        }
        var groups: [String: Group] = [:]
        let bucketMillis = query.intervalSeconds.map { $0 * 1000 }
        for row in rows {
            guard let value = row.value else { continue }
            let dimensions = row.dimensions.compactMap { $0 }
            guard dimensions.count == row.dimensions.count else { continue }
            let bucket = bucketMillis.map { size in Int64((Double(row.timestampMillis) / Double(size)).rounded(.down)) * size }
            let key = (bucket.map(String.init) ?? "") + "\u{0}" + dimensions.joined(separator: "\u{0}")
            groups[key, default: Group(bucket: bucket, dimensions: dimensions)].values.append(value)
        }
        if groups.isEmpty && query.dimensions.isEmpty && bucketMillis == nil {
            // Ungrouped SQL aggregates answer one row even over no rows: COUNT is 0, the others NULL
            // (left out); MLflow returns that row when a value remains.
            let counts = query.aggregations.filter { $0.kind == .count }.map { ($0.label, 0.0) }
            return counts.isEmpty ? [] : [MetricDataPoint(metricName: query.metricName, dimensions: [], values: counts)]
        }
        let ordered = groups.values.sorted { lhs, rhs in
            if lhs.bucket != rhs.bucket { return (lhs.bucket ?? 0) < (rhs.bucket ?? 0) }
            return lhs.dimensions.lexicographicallyPrecedes(rhs.dimensions)
        }
        return ordered.prefix(max(0, query.maxResults)).map { group in
            var dimensions: [(String, String)] = []
            if let bucket = group.bucket { dimensions.append(("time_bucket", isoTime(bucket))) }
            dimensions += zip(query.dimensions, group.dimensions).map { ($0, $1) }
            return MetricDataPoint(metricName: query.metricName, dimensions: dimensions,
                                   values: query.aggregations.map { ($0.label, aggregate(group.values, $0)) })
        }
    }

    static func aggregate(_ values: [Double], _ aggregation: MetricAggregation) -> Double {
        switch aggregation.kind {
        case .count: return Double(values.count)
        case .sum: return values.reduce(0, +)
        case .avg: return values.reduce(0, +) / Double(values.count)
        case .min: return values.min() ?? 0
        case .max: return values.max() ?? 0
        case .percentile:
            let sorted = values.sorted()
            let position = (aggregation.percentile ?? 0) / 100 * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
        }
    }

    /// Python's `datetime.fromtimestamp(ms / 1000, tz=utc).isoformat()`: `2024-01-01T00:00:00+00:00`,
    /// microseconds when there is a fraction. The protobuf timestamp's calendar, another ending.
    static func isoTime(_ millis: Int64) -> String {
        let stamp = ProtoTime.timestamp(millis: millis).dropLast()   // its `Z`
        return stamp + (stamp.contains(".") ? "000" : "") + "+00:00"
    }
}
