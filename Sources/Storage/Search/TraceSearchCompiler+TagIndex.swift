import SQL
import TrackingCore

/// The common trace search, driven by `index_trace_tags_experiment_key_value` (migration 18): one
/// experiment, a tag equal to a string, in the default order (`timestamp_ms DESC, request_id`).
/// The tag rows of that experiment, key and value come from the index newest first with their
/// trace's copied time, so a page reads about one entry per trace it returns; the general query
/// walks all of the experiment's traces newest first and looks each one's tag up, about ten random
/// lookups per returned trace when one trace in ten matches.
///
/// The results are the same: the copies equal `trace_info`'s values (`SQLTrackingStore+TraceTagCopies`),
/// and each tag row belongs to one trace (its key is unique per trace), so the rows are the traces.
/// The filter's other conditions stay as they are, on `trace_info` joined by its key; any other
/// shape (several experiments, another order, no tag equality) takes the general query.
extension TraceSearchCompiler {
    struct TagIndexPlan {
        /// Which of the filter's comparisons the index serves; the others stay conditions.
        var comparisonIndex: Int
        var experimentId: SQLValue
        var key: String
        var value: String
    }

    /// The plan when the search has the shape the index serves, else nil.
    static func tagIndexPlan(experimentIds: [SQLValue], order: [TraceSearchFilter.Order],
                             comparisons: [TraceSearchFilter.Comparison]) -> TagIndexPlan? {
        guard experimentIds.count == 1, let experimentId = experimentIds.first, isDefaultOrder(order) else { return nil }
        for (index, comparison) in comparisons.enumerated() {
            guard case .tag(let key) = comparison.key, key != TraceKeys.linkedPrompts, comparison.comparator == .equal,
                  case .string(let value) = comparison.value else { continue }
            return TagIndexPlan(comparisonIndex: index, experimentId: experimentId, key: key, value: value)
        }
        return nil
    }

    /// No order, or the default order spelled out (`timestamp_ms DESC`, then `request_id ASC`).
    private static func isDefaultOrder(_ order: [TraceSearchFilter.Order]) -> Bool {
        let spelled = order.map { clause -> String in
            guard case .attribute(let name) = clause.key else { return "" }
            return "\(name) \(clause.ascending ? "ASC" : "DESC")"
        }
        return [[], ["timestamp_ms DESC"], ["timestamp_ms DESC", "request_id ASC"]].contains(spelled)
    }

    /// The SELECT of one page of trace ids: from the tag index alone when nothing else is asked,
    /// else joined to `trace_info` (alias `t`, which the other conditions name) for its rows.
    static func tagIndexQuery(_ plan: TagIndexPlan, otherConditions: [SQLFragment], limit: Int, offset: Int,
                              dialect: SQLDialect) throws -> CompiledQuery {
        var conditions = [SQLFragment("d.experiment_id = ?", [plan.experimentId]),
                          try dialect.compareText("d.key", .equal, .string(plan.key)),
                          try indexedValueEquals(plan.value, dialect: dialect)]
        conditions += otherConditions
        let whereClause = SQLFragment.searchConditions(conditions, dialect: dialect)
        var sql = "SELECT d.request_id FROM trace_tags AS d"
        if !otherConditions.isEmpty { sql += " JOIN trace_info AS t ON t.request_id = d.request_id" }
        sql += " WHERE " + whereClause.sql + " ORDER BY d.timestamp_ms DESC, d.request_id ASC LIMIT ? OFFSET ?"
        return try CompiledQuery.checked(
            sql: sql, bindings: whereClause.bindings + [.integer(Int64(limit)), .integer(Int64(offset))])
    }

    /// `d.value = value`, spelled so the engine's index serves it. PostgreSQL indexes
    /// `left(value, 200)`: a value of fewer than 200 bytes (so fewer than 200 characters in any
    /// encoding) equals a stored one exactly when its first 200 characters do, which the index
    /// answers alone; a longer one is also compared whole.
    static func indexedValueEquals(_ value: String, dialect: SQLDialect) throws -> SQLFragment {
        switch dialect {
        case .postgres:
            return value.utf8.count < indexedValueCharacters
                ? SQLFragment("left(d.value, \(indexedValueCharacters)) = ?", [.text(value)])
                : SQLFragment("left(d.value, \(indexedValueCharacters)) = left(?, \(indexedValueCharacters)) AND d.value = ?",
                              [.text(value), .text(value)])
        case .sqlite, .mysql:
            // SQLite indexes the whole value; MariaDB a prefix, which its optimizer applies itself.
            return try dialect.compareText("d.value", .equal, .string(value))
        }
    }

    /// The characters of a value the PostgreSQL and MariaDB indexes hold (Schema018).
    static let indexedValueCharacters = 200
}
