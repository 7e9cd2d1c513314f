/// Reads a clause's operand the way MLflow's `SearchUtils._get_value` does, with its messages.
enum SearchValueReader {
    /// A number literal: `.integer` when it is integral and fits, else `.number`.
    static func number(_ token: SearchToken) -> SearchValue? {
        guard case .number(let isInteger) = token.kind else { return nil }
        if isInteger, let value = Int64(token.text) { return .integer(value) }
        guard let value = Double(token.text), value.isFinite else { return nil }
        return .number(value)
    }

    /// A quoted string operand: a single-quoted literal or a double-quoted name (sqlparse reads it as one).
    static func quotedString(_ token: SearchToken) throws -> String? {
        if case .string(let body) = token.kind { return body }
        if let body = token.doubleQuotedText { return body }
        if case .identifier = token.kind {
            throw MLflowError.invalidParameter(
                "Parameter value is either not quoted or unidentified quote types used for string value "
                    + "\(token.text). Use either single or double quotes.")
        }
        return nil
    }

    /// A parenthesised list of quoted strings.
    static func stringList(_ items: [SearchToken], text: String) throws -> [String] {
        guard !items.isEmpty else {
            throw MLflowError.invalidParameter(
                "While parsing a list in the query, expected a non-empty list of string values, but got empty list")
        }
        var values: [String] = []
        for item in items {
            if case .string(let body) = item.kind {
                values.append(body)
            } else if let body = item.doubleQuotedText {
                values.append(body)
            } else if case .number = item.kind {
                throw MLflowError.invalidParameter(
                    "While parsing a list in the query, expected string value, punctuation, or whitespace, "
                        + "but got different type in list: \(text)")
            } else {
                throw SearchClauseParser.illFormedList
            }
        }
        return values
    }

    /// The source text of an operand, for messages.
    static func text(_ operand: RawSearchClause.Operand) -> String {
        switch operand {
        case .none: return "None"
        case .token(let token): return token.text
        case .list(_, let text): return text
        }
    }

    /// A metric's value: a number, always compared as a double.
    static func metric(_ operand: RawSearchClause.Operand) throws -> SearchValue {
        if case .token(let token) = operand, let value = number(token) {
            switch value {
            case .integer(let int): return .number(Double(int))
            default: return value
            }
        }
        throw MLflowError.invalidParameter("Expected numeric value type for metric. Found \(text(operand))")
    }

    /// A param's or tag's value: a quoted string.
    static func string(_ operand: RawSearchClause.Operand, entity: SearchEntity) throws -> SearchValue {
        if case .token(let token) = operand, let body = try quotedString(token) { return .string(body) }
        throw MLflowError.invalidParameter(
            "Expected a quoted string value for \(entity.mlflowName) (e.g. 'my-value'). Got value \(text(operand))")
    }

    /// A feedback's or expectation's value: a quoted string or a number.
    static func assessmentValue(_ operand: RawSearchClause.Operand) throws -> SearchValue {
        if case .token(let token) = operand {
            if let body = try quotedString(token) { return .string(body) }
            if let value = number(token) { return value }
        }
        throw MLflowError.invalidParameter(
            "Expected a quoted string value or numeric value for assessment (e.g. 'my-value' or 0.8). Got value \(text(operand))")
    }

    /// A numeric attribute's value.
    static func numericAttribute(_ operand: RawSearchClause.Operand, key: String) throws -> SearchValue {
        if case .token(let token) = operand, let value = number(token) { return value }
        throw MLflowError.invalidParameter(
            "Expected numeric value type for numeric attribute: \(key). Found \(text(operand))")
    }

    /// A string attribute's value: a quoted string, or a list where `listKeys` allows it.
    static func stringAttribute(_ operand: RawSearchClause.Operand, key: String, listKeys: [String]) throws -> SearchValue {
        switch operand {
        case .token(let token):
            if let body = try quotedString(token) { return .string(body) }
        case .list(let items, let text):
            guard listKeys.contains(key) else {
                throw MLflowError.invalidParameter(
                    "Only \(SearchMessages.pythonList(listKeys)) attributes support comparison "
                        + "with a list of quoted string values.")
            }
            return .list(try stringList(items, text: text))
        case .none:
            break
        }
        throw MLflowError.invalidParameter(
            "Expected a quoted string value for attributes. Got value \(text(operand))")
    }

    /// A dataset attribute's value: a quoted string or a list.
    static func dataset(_ operand: RawSearchClause.Operand) throws -> SearchValue {
        switch operand {
        case .token(let token):
            if let body = try quotedString(token) { return .string(body) }
        case .list(let items, let text):
            return .list(try stringList(items, text: text))
        case .none:
            break
        }
        throw MLflowError.invalidParameter(
            "Expected a quoted string value for dataset attributes. Got value \(text(operand))")
    }
}
