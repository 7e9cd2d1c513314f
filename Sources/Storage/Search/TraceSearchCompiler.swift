import JSON
import SQL
import TrackingCore

/// Compiles a traces/search request into one SELECT of trace ids, in result order, as
/// SqlAlchemyStore orders traces: the requested keys (rows without a value last), then
/// `timestamp_ms DESC` and `request_id` as tie-breaker unless asked for. The common search (one
/// experiment, a tag equality, the default order) reads the tag index instead (`+TagIndex`), unless
/// `tagIndex` is false (the tests compare the two).
enum TraceSearchCompiler {
    static func compile(experimentIds: [String], filter: String, orderBy: [String], limit: Int, offset: Int,
                        dialect: SQLDialect, tagIndex: Bool = true) throws -> CompiledQuery {
        let parsed = try TraceSearchFilter.parse(filter)
        let order = try TraceSearchFilter.parseOrder(orderBy)
        let ids = try RunSearchCompiler.uniqueExperimentIds(experimentIds)
        let plan = tagIndex ? tagIndexPlan(experimentIds: ids, order: order, comparisons: parsed.comparisons) : nil

        var joins: [SQLFragment] = []
        var terms: [String] = []
        var ordered = Set<String>()
        for (index, clause) in order.enumerated() {
            let direction = clause.ascending ? "ASC" : "DESC"
            switch clause.key {
            case .attribute(let name):
                ordered.insert(name)
                if name == "execution_time_ms" { terms.append("CASE WHEN t.\(name) IS NULL THEN 1 ELSE 0 END") }
                terms.append("t.\(name) \(direction)")
            case .tag(let key), .metadata(let key):
                let table = clause.key == .tag(key) ? "trace_tags" : "trace_request_metadata"
                let alias = "o\(index + 1)"
                joins.append(SQLFragment(
                    "LEFT OUTER JOIN (SELECT request_id, value FROM \(table) WHERE key = ?) AS \(alias) "
                        + "ON \(alias).request_id = t.request_id", [.text(key)]))
                terms.append("CASE WHEN \(alias).value IS NULL THEN 1 ELSE 0 END")
                terms.append("\(alias).value \(direction)")
            case .span, .assessment:
                continue   // never an order key (TraceSearchFilter.parseOrder refuses them)
            }
        }
        if !ordered.contains("timestamp_ms") { terms.append("t.timestamp_ms DESC") }
        if !ordered.contains("request_id") { terms.append("t.request_id ASC") }

        var conditions: [SQLFragment] = []
        if plan == nil {
            conditions.append(ids.isEmpty ? SQLFragment("1 = 0")
                : SQLFragment("t.experiment_id IN (\(SQLFragment.placeholders(ids.count)))", ids))
        }
        var spanTerms: [SQLFragment] = []
        for (index, comparison) in parsed.comparisons.enumerated() where index != plan?.comparisonIndex {
            if case .span(let field) = comparison.key {
                spanTerms.append(try spanCondition(field, comparison, dialect: dialect))
            } else {
                conditions.append(try condition(comparison, alias: "f\(index + 1)", dialect: dialect))
            }
        }
        if !spanTerms.isEmpty {
            // One span must match every span term (MLflow's single span subquery).
            let body = SQLFragment.joined(spanTerms, separator: " AND ")
            conditions.append(SQLFragment("EXISTS (SELECT 1 FROM spans AS s WHERE s.trace_id = t.request_id AND \(body.sql))",
                                          body.bindings))
        }
        if let plan {
            return try tagIndexQuery(plan, otherConditions: conditions, limit: limit, offset: offset, dialect: dialect)
        }
        let joined = SQLFragment.joined(joins, separator: " ")
        let whereClause = SQLFragment.searchConditions(conditions, dialect: dialect)
        var sql = "SELECT t.request_id FROM trace_info AS t"
        if !joined.sql.isEmpty { sql += " " + joined.sql }
        sql += " WHERE " + whereClause.sql + " ORDER BY " + terms.joined(separator: ", ") + " LIMIT ? OFFSET ?"
        return try CompiledQuery.checked(
            sql: sql, bindings: joined.bindings + whereClause.bindings + [.integer(Int64(limit)), .integer(Int64(offset))])
    }

    private static func condition(_ comparison: TraceSearchFilter.Comparison, alias: String,
                                  dialect: SQLDialect) throws -> SQLFragment {
        switch comparison.key {
        case .attribute(let name):
            // The column name is one of TraceSearchFilter's canonical attributes, never the request's text.
            let column = "t.\(name)"
            if let number = comparison.value.numericSQLValue {
                return try dialect.compareNumber(column, comparison.comparator, number)
            }
            return try dialect.compareText(column, comparison.comparator, comparison.value)
        case .tag(let key) where key == TraceKeys.linkedPrompts:
            return try linkedPrompt(comparison, alias: alias, dialect: dialect)
        case .tag(let key):
            return try keyValue("trace_tags", key, comparison, alias: alias, dialect: dialect)
        case .span(let field):
            return try spanCondition(field, comparison, dialect: dialect)
        case .assessment(let kind, let name):
            return try assessmentCondition(kind: kind, name: name, comparison, alias: alias, dialect: dialect)
        case .metadata(let key):
            let recorded = try keyValue("trace_request_metadata", key, comparison, alias: alias, dialect: dialect)
            guard key == TraceKeys.sourceRun, comparison.comparator == .equal else { return recorded }
            // `run_id = '<id>'` also finds the traces linked to the run afterwards (MLflow's
            // entity associations, `traces/link-to-run`).
            let linked = try linkExists(alias: "\(alias)l", to: SQLTrackingStore.runDestination, comparison.value, dialect: dialect)
            return SQLFragment("(\(recorded.sql) OR \(linked.sql))", recorded.bindings + linked.bindings)
        }
    }

    /// A term on one span (alias `s`): a column, or a pattern over its JSON content; `attributes.<key>`
    /// as MLflow matches it, `%"<key>"<pattern>%` over the content.
    private static func spanCondition(_ field: String, _ comparison: TraceSearchFilter.Comparison,
                                      dialect: SQLDialect) throws -> SQLFragment {
        if field.hasPrefix(TraceSearchFilter.spanAttributePrefix), case .string(let pattern) = comparison.value {
            let key = String(field.dropFirst(TraceSearchFilter.spanAttributePrefix.count))
            return try dialect.compareText("s.content", comparison.comparator, .string("%\"\(key)\"\(pattern)%"))
        }
        let column: String
        switch field {
        case "name": column = "s.name"
        case "type": column = "s.type"
        case "status": column = "s.status"
        default: column = "s.content"
        }
        return try dialect.compareText(column, comparison.comparator, comparison.value)
    }

    /// A trace with a valid assessment of the kind and name (`IS NOT NULL`), without one (`IS NULL`),
    /// or with one whose value matches: `=` and `!=` compare the stored JSON with the value as written
    /// and as a JSON string (`'yes'` finds `"yes"`, `5` finds `5`); patterns match the stored JSON.
    private static func assessmentCondition(kind: String, name: String, _ comparison: TraceSearchFilter.Comparison,
                                            alias: String, dialect: SQLDialect) throws -> SQLFragment {
        var terms = [SQLFragment("\(alias).trace_id = t.request_id AND \(alias).valid = 1"),
                     try dialect.compareText("\(alias).assessment_type", .equal, .string(kind)),
                     try dialect.compareText("\(alias).name", .equal, .string(name))]
        let written: String?
        switch comparison.value {
        case .string(let text): written = text
        case .integer(let number): written = String(number)
        case .number(let number): written = number.description
        default: written = nil
        }
        if let written {
            switch comparison.comparator {
            case .less, .lessOrEqual, .greater, .greaterOrEqual:
                guard let number = comparison.value.numericSQLValue else {
                    throw MLflowError.invalidParameter("Expected a numeric value for \(kind).\(name).")
                }
                terms.append(SQLFragment("\(dialect.jsonNumber("\(alias).value")) \(comparison.comparator.rawValue) ?", [number]))
            case .equal, .notEqual:
                // Stored by the same writer (`JSONWriter`), so a string's JSON form is spelled alike.
                var asJSON = written
                if case .string = comparison.value { asJSON = JSONWriter.string(.string(written)) }
                let either = SQLFragment.joined([try dialect.compareText("\(alias).value", .equal, .string(written)),
                                                 try dialect.compareText("\(alias).value", .equal, .string(asJSON))],
                                                separator: " OR ")
                terms.append(comparison.comparator == .equal ? SQLFragment("(\(either.sql))", either.bindings)
                                                             : SQLFragment("NOT (\(either.sql))", either.bindings))
            default:
                terms.append(try dialect.compareText("\(alias).value", comparison.comparator, .string(written)))
            }
        }
        let body = SQLFragment.joined(terms, separator: " AND ")
        let exists = SQLFragment("EXISTS (SELECT 1 FROM assessments AS \(alias) WHERE \(body.sql))", body.bindings)
        return comparison.comparator == .isNull ? SQLFragment("NOT \(exists.sql)", exists.bindings) : exists
    }

    /// `tags.mlflow.linkedPrompts = "name/version"`: traces linked to that prompt version (MLflow reads
    /// the links, not the tag's JSON); only `=`, only `name/version`.
    private static func linkedPrompt(_ comparison: TraceSearchFilter.Comparison, alias: String,
                                     dialect: SQLDialect) throws -> SQLFragment {
        guard comparison.comparator == .equal else {
            throw MLflowError.invalidParameter("Invalid comparator '\(comparison.comparator.rawValue)' for prompts filter. "
                                               + "Only '=' is supported with format: prompt = \"name/version\"")
        }
        guard case .string(let value) = comparison.value, value.count(where: { $0 == "/" }) == 1 else {
            let shown: String
            if case .string(let text) = comparison.value { shown = text } else { shown = "\(comparison.value)" }
            throw MLflowError.invalidParameter("Invalid prompts filter value '\(shown)'. Expected format: prompt = \"name/version\"")
        }
        return try linkExists(alias: alias, to: SQLTrackingStore.promptVersionDestination, .string(value), dialect: dialect)
    }

    /// The trace is linked (MLflow's `entity_associations`) to the destination of this kind and id.
    private static func linkExists(alias: String, to destinationType: String, _ destination: SearchValue,
                                   dialect: SQLDialect) throws -> SQLFragment {
        let matched = try dialect.compareText("\(alias).destination_id", .equal, destination)
        return SQLFragment(
            "EXISTS (SELECT 1 FROM entity_associations AS \(alias) WHERE \(alias).source_type = '\(SQLTrackingStore.traceSource)' "
                + "AND \(alias).source_id = t.request_id AND \(alias).destination_type = '\(destinationType)' AND \(matched.sql))",
            matched.bindings)
    }

    private static func keyValue(_ table: String, _ key: String, _ comparison: TraceSearchFilter.Comparison,
                                 alias: String, dialect: SQLDialect) throws -> SQLFragment {
        try KeyValueFilterSQL.condition(table: table, alias: alias, owner: "\(alias).request_id = t.request_id", key: key,
                                        comparison.comparator, comparison.value, dialect: dialect)
    }
}
