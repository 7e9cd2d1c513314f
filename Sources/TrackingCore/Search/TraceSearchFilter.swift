/// A traces/search filter and order_by, as MLflow's `SearchTraceUtils` reads them: attributes
/// (`trace.` / `attributes.` / bare), tags (`tags.` / `tag.`) and request metadata (`metadata.` /
/// `request_metadata.`), with MLflow's aliases (`name` is the `mlflow.traceName` tag, `run_id` the
/// `mlflow.sourceRun` metadata, `timestamp` is `timestamp_ms`, `execution_time` is
/// `execution_time_ms`, `prompt` the `mlflow.linkedPrompts` tag, `text` a span's content), spans
/// (`span.name`, `span.type`, `span.status`, `span.attributes.<key>`, `span.content`: one span must
/// match all of a filter's span terms) and assessments (`feedback.<name>`, `expectation.<name>`).
/// `issue.` filters are not served yet: refused with a clear 400 rather than ignored.
public struct TraceSearchFilter: Sendable, Equatable {
    public enum Key: Sendable, Equatable, Hashable {
        /// A `trace_info` column: request_id, timestamp_ms, execution_time_ms, status, client_request_id.
        case attribute(String)
        case tag(String)
        case metadata(String)
        /// A span column (`name`, `type`, `status`), its `content`, or `attributes.<key>` in its content.
        case span(String)
        /// The valid assessments of a kind (`feedback`, `expectation`) with a name.
        case assessment(kind: String, name: String)
    }

    /// The span attribute prefix of `span.attributes.<key>`.
    public static let spanAttributePrefix = "attributes."

    public struct Comparison: Sendable, Equatable {
        public var key: Key
        public var comparator: SearchComparator
        public var value: SearchValue
    }

    public struct Order: Sendable, Equatable {
        public var key: Key
        public var ascending: Bool
    }

    public var comparisons: [Comparison]

    static let numericAttributes: Set<String> = ["timestamp_ms", "execution_time_ms"]
    static let stringAttributes: Set<String> = ["request_id", "status", "client_request_id"]
    static let listAttributes = ["client_request_id", "request_id", "status"]
    static let traceNameTag = "mlflow.traceName"

    /// Parses a filter; throws MLflow's INVALID_PARAMETER_VALUE messages.
    public static func parse(_ filter: String?) throws -> TraceSearchFilter {
        let clauses = try SearchClauseParser.parse(filter ?? "", style: .quoted)
        return TraceSearchFilter(comparisons: try clauses.map(comparison))
    }

    /// Parses order_by entries (attributes, tags, metadata); a field twice is refused as MLflow does.
    public static func parseOrder(_ entries: [String]) throws -> [Order] {
        var seen = Set<Key>()
        return try entries.map { entry in
            let (identifier, ascending) = try OrderByClause.split(entry)
            let key = try resolve(identifier, forOrdering: true)
            guard seen.insert(key).inserted else {
                throw MLflowError.invalidParameter("`order_by` contains duplicate fields: \(SearchMessages.pythonList(entries))")
            }
            return Order(key: key, ascending: ascending)
        }
    }

    private static func comparison(_ clause: RawSearchClause) throws -> Comparison {
        guard let identifier = SearchIdentifier(clause.identifier) else {
            throw MLflowError.invalidParameter(
                "Invalid comparison clause. Expected 'Identifier' found '\(clause.identifier.text)'")
        }
        let key = try resolve(identifier, forOrdering: false)
        let written = clause.comparator == "==" ? "=" : clause.comparator
        switch key {
        case .attribute(let name) where numericAttributes.contains(name):
            guard let comparator = SearchComparator(rawValue: written), SearchComparator.numeric.contains(comparator) else {
                throw MLflowError.invalidParameter("Invalid comparator '\(clause.comparator)' not one of "
                    + "'\(SearchMessages.pythonSet(SearchComparator.numeric.map(\.rawValue)))'")
            }
            let value = try SearchValueReader.numericAttribute(clause.operand, key: name)
            return Comparison(key: key, comparator: comparator, value: try integral(value, key: name))
        case .attribute(let name):
            let allowed: [SearchComparator] = [.equal, .notEqual, .in, .notIn, .like, .ilike]
            guard let comparator = SearchComparator(rawValue: written), allowed.contains(comparator) else {
                throw MLflowError.invalidParameter("Invalid comparator '\(clause.comparator)' not one of "
                    + "'\(SearchMessages.pythonSet(["!=", "=", "IN", "NOT IN", "LIKE", "ILIKE", "RLIKE"]))'")
            }
            let value = try SearchValueReader.stringAttribute(clause.operand, key: name, listKeys: listAttributes)
            try SearchFilter.checkListUse(comparator, value)
            return Comparison(key: key, comparator: comparator, value: value)
        case .span(let field):
            // The content, and an attribute within it, are matched by pattern (MLflow's `=` on an
            // attribute compares the whole content with a pattern and never matches: refused here).
            let byPattern = field == "content" || field.hasPrefix(spanAttributePrefix)
            let allowed: [SearchComparator] = byPattern ? [.like, .ilike] : [.equal, .notEqual, .in, .notIn, .like, .ilike]
            guard let comparator = SearchComparator(rawValue: written), allowed.contains(comparator) else {
                let valid = byPattern ? ["LIKE", "ILIKE"] : ["!=", "=", "IN", "NOT IN", "LIKE", "ILIKE", "RLIKE"]
                throw MLflowError.invalidParameter("span.\(field) comparator '\(clause.comparator)' not one of "
                    + "'\(SearchMessages.pythonSet(valid))'")
            }
            let value = comparator == .in || comparator == .notIn
                ? try SearchValueReader.stringAttribute(clause.operand, key: field, listKeys: [field])
                : try SearchValueReader.string(clause.operand, entity: .tag)
            try SearchFilter.checkListUse(comparator, value)
            return Comparison(key: key, comparator: comparator, value: value)
        case .assessment(let kind, let name):
            let ordering: [SearchComparator] = [.less, .lessOrEqual, .greater, .greaterOrEqual]
            let allowed: [SearchComparator] = [.equal, .notEqual, .like, .ilike, .isNull, .isNotNull] + ordering
            guard let comparator = SearchComparator(rawValue: written), allowed.contains(comparator) else {
                throw MLflowError.invalidParameter("assessment.\(name) comparator '\(clause.comparator)' not one of "
                    + "'\(SearchMessages.pythonSet(["!=", "=", ">", ">=", "<", "<=", "LIKE", "ILIKE", "RLIKE", "IS NULL", "IS NOT NULL"]))'")
            }
            if comparator == .isNull || comparator == .isNotNull {
                return Comparison(key: key, comparator: comparator, value: .none)
            }
            let value = try SearchValueReader.assessmentValue(clause.operand)
            if ordering.contains(comparator) {
                // Ordered against numbers only: the assessments whose value is a JSON number (MLflow's
                // `is_numeric_value`; a boolean or "yes" is not one).
                switch value {
                case .integer, .number: break
                default:
                    throw MLflowError.invalidParameter(
                        "\(kind).\(name) \(written) needs a numeric value (e.g. 0.8). Got value \(SearchValueReader.text(clause.operand))")
                }
            }
            return Comparison(key: key, comparator: comparator, value: value)
        case .tag, .metadata:
            let allowed: [SearchComparator] = [.equal, .notEqual, .like, .ilike, .isNull, .isNotNull]
            guard let comparator = SearchComparator(rawValue: written), allowed.contains(comparator) else {
                throw MLflowError.invalidParameter("Invalid comparator '\(clause.comparator)' not one of "
                    + "'\(SearchMessages.pythonSet(["!=", "=", "LIKE", "ILIKE", "RLIKE", "IS NULL", "IS NOT NULL"]))'")
            }
            if comparator == .isNull || comparator == .isNotNull {
                return Comparison(key: key, comparator: comparator, value: .none)
            }
            return Comparison(key: key, comparator: comparator, value: try SearchValueReader.string(clause.operand, entity: .tag))
        }
    }

    /// Timestamps and durations are whole milliseconds: `1.5` is refused like MLflow's int() would.
    private static func integral(_ value: SearchValue, key: String) throws -> SearchValue {
        switch value {
        case .integer: return value
        case .number(let number) where number.rounded() == number && abs(number) < 9.2e18: return .integer(Int64(number))
        default: throw MLflowError.invalidParameter("Expected numeric value type for numeric attribute: \(key).")
        }
    }

    private static func resolve(_ identifier: SearchIdentifier, forOrdering: Bool) throws -> Key {
        let entity = identifier.entity.map { $0.lowercased() }
        switch entity {
        case nil, "attribute", "attributes", "trace":
            return try attribute(identifier.key, forOrdering: forOrdering)
        case "tag", "tags":
            return .tag(identifier.key)
        case "metadata", "request_metadata":
            return identifier.key.lowercased() == "run_id" ? .metadata(TraceKeys.sourceRun) : .metadata(identifier.key)
        case "span" where !forOrdering:
            let name = identifier.key
            if name.hasPrefix(spanAttributePrefix) {
                guard name.count > spanAttributePrefix.count else {
                    throw MLflowError.invalidParameter("Span attribute name cannot be empty after 'attributes.'")
                }
                return .span(name)
            }
            guard ["name", "type", "status", "content"].contains(name) else {
                throw MLflowError.invalidParameter(
                    "Invalid span attribute '\(name)'. Supported attributes: name, status, type, attributes.<attribute_name>.")
            }
            return .span(name)
        case "feedback", "expectation":
            guard !forOrdering else { fallthrough }
            guard !identifier.key.isEmpty else { throw MLflowError.invalidParameter("Assessment field name cannot be empty") }
            return .assessment(kind: entity ?? "", name: identifier.key)
        case "span", "issue":
            throw MLflowError.invalidParameter(
                "Searching traces by '\(entity ?? "")' is not supported by this server yet.")
        default:
            throw MLflowError.invalidParameter(
                "Invalid entity type '\(identifier.entity ?? "")'. Valid values are "
                    + "\(SearchMessages.pythonList(["attribute", "attributes", "expectation", "feedback", "issue", "metadata", "request_metadata", "span", "tag", "tags", "trace"]))")
        }
    }

    private static func attribute(_ name: String, forOrdering: Bool) throws -> Key {
        switch name.lowercased() {
        case "timestamp", "timestamp_ms": return .attribute("timestamp_ms")
        case "execution_time", "execution_time_ms": return .attribute("execution_time_ms")
        case "status": return .attribute("status")
        case "request_id": return .attribute("request_id")
        case "client_request_id" where !forOrdering: return .attribute("client_request_id")
        case "name": return .tag(traceNameTag)
        case "run_id": return .metadata(TraceKeys.sourceRun)
        case "prompt" where !forOrdering: return .tag(TraceKeys.linkedPrompts)
        case "text" where !forOrdering: return .span("content")
        case "end_time", "end_time_ms", "experiment_id", "prompt", "text":
            throw MLflowError.invalidParameter("Searching traces by '\(name)' is not supported by this server yet.")
        default:
            throw MLflowError.invalidParameter("Invalid attribute key '\(name)' specified.")
        }
    }
}
