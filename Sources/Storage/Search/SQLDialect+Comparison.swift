import SQL
import TrackingCore

extension SQLDialect {
    /// `column <comparator> value` for a text column: case-sensitive, except ILIKE (MLflow's semantics).
    /// `column` is always one of our own column names; the value is bound.
    func compareText(_ column: String, _ comparator: SearchComparator, _ value: SearchValue) throws -> SQLFragment {
        switch (comparator, value) {
        case (.equal, .string(let text)):
            return self == .mysql
                ? SQLFragment("(\(column) = ? AND BINARY \(column) = ?)", [.text(text), .text(text)])
                : SQLFragment("\(column) = ?", [.text(text)])
        case (.notEqual, .string(let text)):
            return self == .mysql
                ? SQLFragment("(\(column) != ? OR BINARY \(column) != ?)", [.text(text), .text(text)])
                : SQLFragment("\(column) != ?", [.text(text)])
        case (.like, .string(let pattern)):
            switch self {
            case .sqlite: return SQLFragment("\(column) GLOB ?", [.text(GlobPattern.fromLike(pattern))])
            case .postgres: return SQLFragment("\(column) LIKE ?", [.text(pattern)])
            case .mysql:
                return SQLFragment("(\(column) LIKE ? AND BINARY \(column) LIKE ?)", [.text(pattern), .text(pattern)])
            }
        case (.ilike, .string(let pattern)):
            return self == .postgres
                ? SQLFragment("\(column) ILIKE ?", [.text(pattern)])
                : SQLFragment("LOWER(\(column)) LIKE LOWER(?)", [.text(pattern)])
        case (.in, .list(let items)), (.notIn, .list(let items)):
            let lhs = self == .mysql ? "BINARY \(column)" : column
            let op = comparator == .in ? "IN" : "NOT IN"
            return SQLFragment("\(lhs) \(op) (\(SQLFragment.placeholders(items.count)))", items.map { .text($0) })
        default:
            throw MLflowError.invalidParameter(
                "Invalid comparator '\(comparator.rawValue)' for a string value")
        }
    }

    /// The number a JSON text column holds, NULL when it holds anything else (a string, a boolean,
    /// an object): the value an ordered comparison of assessments reads. A CASE, so the cast runs only
    /// on text that is a number (PostgreSQL would fail the query on any other).
    func jsonNumber(_ column: String) -> String {
        let number = "'^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?$'"
        switch self {
        case .sqlite:
            return "CASE WHEN json_valid(\(column)) AND json_type(\(column)) IN ('integer', 'real') "
                + "THEN CAST(\(column) AS REAL) END"
        case .postgres:
            return "CASE WHEN \(column) ~ \(number) THEN CAST(\(column) AS DOUBLE PRECISION) END"
        case .mysql:
            return "CASE WHEN \(column) REGEXP \(number) THEN \(column) + 0.0 END"
        }
    }

    /// An attribute column against the comparison's value: as a number when the value is one, else as text.
    func compareAttribute(_ column: String, _ comparison: SearchComparison) throws -> SQLFragment {
        if let number = comparison.value.numericSQLValue {
            return try compareNumber(column, comparison.comparator, number)
        }
        return try compareText(column, comparison.comparator, comparison.value)
    }

    /// `column <comparator> value` for a numeric column.
    func compareNumber(_ column: String, _ comparator: SearchComparator, _ value: SQLValue) throws -> SQLFragment {
        switch comparator {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return SQLFragment("\(column) \(comparator.rawValue) ?", [value])
        default:
            throw MLflowError.invalidParameter(
                "Invalid comparator '\(comparator.rawValue)' for a numeric value")
        }
    }
}

extension SearchValue {
    /// The bound value of a single numeric operand.
    var numericSQLValue: SQLValue? {
        switch self {
        case .integer(let value): return .integer(value)
        case .number(let value): return .real(value)
        default: return nil
        }
    }
}
