/// One comparison of a logged-model filter (MLflow's `search_logged_model_utils.Comparison`).
public struct LoggedModelComparison: Sendable, Equatable {
    /// What the key names.
    public enum Kind: String, Sendable, Equatable {
        case attribute = "attributes"
        case metric = "metrics"
        case param = "params"
        case tag = "tags"
    }

    public var kind: Kind
    /// The metric, param or tag key; for attributes, the canonical column name (`creation_timestamp_ms`).
    public var key: String
    public var comparator: SearchComparator
    /// `.number` for metrics and timestamps, `.string` or `.list` otherwise.
    public var value: SearchValue

    public init(kind: Kind, key: String, comparator: SearchComparator, value: SearchValue) {
        self.kind = kind
        self.key = key
        self.comparator = comparator
        self.value = value
    }
}

/// The filter grammar of logged-model search: `<entity>.<key> <op> <value>` joined by AND, where a
/// bare name is an attribute. Messages are MLflow's where it has one (it answers 500 for unknown
/// attributes and non-numeric numbers; those are 400 here).
public enum LoggedModelSearchFilter {
    /// Attribute columns, with MLflow's aliases resolved first.
    public static let attributes: Set<String> = [
        "model_id", "experiment_id", "name", "artifact_location", "creation_timestamp_ms",
        "last_updated_timestamp_ms", "status", "lifecycle_stage", "model_type", "source_run_id", "status_message",
    ]
    public static let numericAttributes: Set<String> = ["creation_timestamp_ms", "last_updated_timestamp_ms"]
    public static let aliases = [
        "creation_time": "creation_timestamp_ms",
        "creation_timestamp": "creation_timestamp_ms",
        "last_updated_timestamp": "last_updated_timestamp_ms",
    ]
    static let numericOps: [String] = ["<", "<=", ">", ">=", "=", "!="]
    static let stringOps: [String] = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"]

    public static func parse(_ filter: String?) throws -> [LoggedModelComparison] {
        guard let filter, !filter.isEmpty else { return [] }
        let tokens = SearchLexer.tokenize(filter)
        if SearchLimits.exceedsFilterTokens(filter, tokens: tokens) {
            // sqlparse's refusal as MLflow's logged-model search words it (the repr of the error).
            throw MLflowError.invalidParameter(
                "Invalid filter string: \(SearchMessages.pythonString(filter)). "
                    + "SQLParseError('Maximum number of tokens exceeded (\(SearchLimits.maxFilterTokens)).')")
        }
        if let semicolon = tokens.firstIndex(where: { $0.kind == .semicolon }),
           tokens[(semicolon + 1)...].contains(where: { $0.kind != .semicolon }) {
            throw MLflowError.invalidParameter(
                "Invalid filter string: \(SearchMessages.pythonString(filter)). Expected a single SQL expression.")
        }
        let meaningful = tokens.filter { $0.kind != .semicolon }
        var comparisons: [LoggedModelComparison] = []
        var index = 0
        while index < meaningful.count {
            if meaningful[index].isAnd { index += 1; continue }
            guard let (identifier, op, operand, next) = clause(meaningful, at: index) else {
                throw notAnAndList(filter)
            }
            comparisons.append(try comparison(identifier: identifier, op: op, operand: operand))
            try SearchLimits.checkClauseCount(comparisons.count)
            index = next
        }
        return comparisons
    }

    private static func notAnAndList(_ filter: String) -> MLflowError {
        .invalidParameter(
            "Invalid filter string: \(SearchMessages.pythonString(filter)). Expected a list of comparisons "
            + "separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').")
    }

    private enum Operand {
        case single(SearchToken)
        case list([SearchToken])
    }

    /// identifier, comparator, operand and the index after the clause; nil when the tokens there are no comparison.
    private static func clause(_ tokens: [SearchToken], at start: Int)
        -> (SearchToken, String, Operand, Int)? {
        guard start + 2 < tokens.count, case .identifier = tokens[start].kind else { return nil }
        var index = start + 1
        let op: String
        switch tokens[index].kind {
        case .comparison(let text): op = text
        case .keyword("LIKE"), .keyword("ILIKE"), .keyword("IN"): op = tokens[index].text.uppercased()
        case .keyword("NOT") where tokens[index + 1].kind == .keyword("IN"):
            op = "NOT IN"
            index += 1
        default: return nil
        }
        index += 1
        guard index < tokens.count else { return nil }
        let value = tokens[index]
        switch value.kind {
        case .string, .number, .identifier:
            return (tokens[start], op, .single(value), index + 1)
        case .leftParen:
            var items: [SearchToken] = []
            var position = index + 1
            var expectItem = true
            while position < tokens.count {
                let item = tokens[position]
                if item.kind == .rightParen, !items.isEmpty, !expectItem {
                    return (tokens[start], op, .list(items), position + 1)
                }
                if item.kind == .comma, !expectItem {
                    expectItem = true
                } else if expectItem, item.kind != .comma, item.kind != .rightParen {
                    items.append(item)
                    expectItem = false
                } else {
                    return nil
                }
                position += 1
            }
            return nil
        default:
            return nil
        }
    }

    private static func comparison(identifier: SearchToken, op: String, operand: Operand) throws -> LoggedModelComparison {
        let (kind, key) = try entity(identifier.text)
        let isNumeric = kind == .metric || (kind == .attribute && numericAttributes.contains(key))
        let allowed = isNumeric ? numericOps : stringOps
        guard allowed.contains(op), let comparator = SearchComparator(rawValue: op) else {
            throw MLflowError.invalidParameter(
                "Invalid comparison operator for \(kind.rawValue).\(key): \(SearchMessages.pythonString(op)). "
                + "Expected one of \(SearchMessages.pythonTuple(allowed)).")
        }
        let value: SearchValue
        switch operand {
        case .single(let token) where isNumeric:
            guard case .number = token.kind, let number = Double(token.text) else {
                throw MLflowError.invalidParameter(
                    "Invalid numeric value \(SearchMessages.pythonString(token.text)) for \(kind.rawValue).\(key).")
            }
            value = .number(number)
        case .single(let token):
            value = .string(stripSingleQuotes(token.text))
        case .list(let items):
            guard !isNumeric else {
                throw MLflowError.invalidParameter("Invalid numeric value for \(kind.rawValue).\(key): a list.")
            }
            value = .list(try items.map { item in
                switch item.kind {
                case .string(let text): return text
                case .number: return item.text
                default:
                    throw MLflowError.invalidParameter(
                        "Invalid value \(SearchMessages.pythonString(item.text)) in a list: expected quoted strings.")
                }
            })
        }
        let wantsList = comparator == .in || comparator == .notIn
        if case .list = value, !wantsList {
            throw MLflowError.invalidParameter("Invalid comparison operator '\(op)' for a list of values: use IN or NOT IN.")
        }
        if wantsList, case .string = value {
            throw MLflowError.invalidParameter("'\(op)' needs a parenthesised list of values, e.g. ('a', 'b').")
        }
        return LoggedModelComparison(kind: kind, key: key, comparator: comparator, value: value)
    }

    /// `metrics.x`, `params.x`, `tags.x`, `attributes.x` (the word must be lowercase letters, as
    /// MLflow's `^([a-z]+)\.(.+)$`), or a bare attribute name; backticks around the key are dropped.
    static func entity(_ text: String) throws -> (LoggedModelComparison.Kind, String) {
        if let dot = text.firstIndex(of: "."), dot != text.startIndex,
           text[..<dot].allSatisfy({ $0.isASCII && $0.isLowercase }), text.index(after: dot) != text.endIndex {
            let word = String(text[..<dot])
            let key = String(text[text.index(after: dot)...]).trimmingBackticks()
            guard let kind = LoggedModelComparison.Kind(rawValue: word) else {
                throw MLflowError.invalidParameter(
                    "Invalid entity type: \(SearchMessages.pythonString(word)). "
                    + "Expected one of ['attributes', 'metrics', 'params', 'tags'].")
            }
            return kind == .attribute ? (kind, try attribute(key)) : (kind, key)
        }
        return (.attribute, try attribute(text.trimmingBackticks()))
    }

    /// The canonical column of an attribute name, or 400 for names that are none.
    public static func attribute(_ name: String) throws -> String {
        let column = aliases[name] ?? name
        guard attributes.contains(column) else {
            throw MLflowError.invalidParameter(
                "Invalid attribute key \(SearchMessages.pythonString(name)) specified. Valid keys are "
                + SearchMessages.pythonList((attributes.union(aliases.keys)).sorted()))
        }
        return column
    }

    /// Python's `value.strip("'")`.
    static func stripSingleQuotes(_ text: String) -> String {
        var slice = Substring(text)
        while slice.first == "'" { slice = slice.dropFirst() }
        while slice.last == "'" { slice = slice.dropLast() }
        return String(slice)
    }
}

extension String {
    func trimmingBackticks() -> String {
        var slice = Substring(self)
        while slice.first == "`" { slice = slice.dropFirst() }
        while slice.last == "`" { slice = slice.dropLast() }
        return String(slice)
    }
}
