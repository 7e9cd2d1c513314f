/// The two statements whose spelling differs between engines: insert-or-update and
/// insert-unless-present. Table and column names are always our own, never request text.
extension SQLDialect {
    /// `INSERT INTO table (columns) VALUES (?, ...), ...` for `rows` rows.
    public static func insert(into table: String, columns: [String], rows: Int = 1) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: max(1, rows)).joined(separator: ", ")
    }

    /// `INSERT ... VALUES (?, ...)` that, when a row with the same `conflict` key exists, sets
    /// `update` columns to the new values instead.
    public func upsert(into table: String, columns: [String], conflict: [String], update: [String], rows: Int = 1) -> String {
        let insert = Self.insert(into: table, columns: columns, rows: rows)
        switch self {
        case .sqlite, .postgres:
            let sets = update.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            return "\(insert) ON CONFLICT (\(conflict.joined(separator: ", "))) DO UPDATE SET \(sets)"
        case .mysql:
            let sets = update.map { "\($0) = VALUES(\($0))" }.joined(separator: ", ")
            return "\(insert) ON DUPLICATE KEY UPDATE \(sets)"
        }
    }

    /// `INSERT ... VALUES (?, ...)` that does nothing when a row with the same unique key exists
    /// (other errors still fail, unlike MySQL's INSERT IGNORE); `rows` rows at once.
    public func insertUnlessPresent(into table: String, columns: [String], conflict: [String], rows: Int = 1) -> String {
        let insert = Self.insert(into: table, columns: columns, rows: rows)
        switch self {
        case .sqlite, .postgres:
            return "\(insert) ON CONFLICT (\(conflict.joined(separator: ", "))) DO NOTHING"
        case .mysql:
            let first = conflict[0]
            return "\(insert) ON DUPLICATE KEY UPDATE \(first) = \(first)"
        }
    }

    /// Whether `insertUnlessPresent`'s affected-row count tells a new row (1) from one already there
    /// (0). MySQL, connected with CLIENT_FOUND_ROWS, counts the untouched duplicate as 1 as well.
    public var countsOnlyInsertedRows: Bool { self != .mysql }
}
