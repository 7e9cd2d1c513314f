/// A database schema as read back from an engine's catalog, reduced to what the schema snapshot
/// test compares: per table its columns (in their stored order: a fresh and an upgraded database
/// must agree on it too), primary key, unique constraints, foreign keys, checks and indexes.
/// Every engine's reader fills the same shape; `text` renders it in a stable, sorted form, one
/// fact per line, so a difference shows as a readable line diff.
struct SchemaDescription: Sendable, Equatable {
    struct Column: Sendable, Equatable {
        var name: String
        /// Lower-case, engine-normalised type (`varchar(256)`, `bigint`).
        var type: String
        var notNull: Bool
        /// The default as the engine prints it, casts stripped; nil when none.
        var defaultValue: String?
        /// Generated keys and similar (`identity by default`, `auto_increment`, `autoincrement`).
        var extra: String?
    }

    struct Table: Sendable, Equatable {
        var name: String
        /// Engine-level options that change behaviour (MySQL's storage engine and collation).
        var options: String?
        var columns: [Column] = []
        var primaryKey: [String] = []
        /// The primary key constraint's name, where the engine keeps one (PostgreSQL).
        var primaryKeyName: String?
        /// Each rendered as one line; order does not matter (sorted when rendered).
        var uniques: [String] = []
        var foreignKeys: [String] = []
        var checks: [String] = []
        var indexes: [String] = []
    }

    var tables: [Table]

    /// The stable text form: tables by name, columns in stored order, constraint lines sorted.
    var text: String {
        var lines: [String] = []
        for table in tables.sorted(by: { $0.name < $1.name }) {
            lines.append("table \(table.name)" + (table.options.map { " [\($0)]" } ?? ""))
            for column in table.columns {
                var line = "  column \(column.name) \(column.type)" + (column.notNull ? " not null" : "")
                if let value = column.defaultValue { line += " default \(value)" }
                if let extra = column.extra { line += " \(extra)" }
                lines.append(line)
            }
            if !table.primaryKey.isEmpty {
                lines.append("  primary key " + (table.primaryKeyName.map { "\($0) " } ?? "")
                             + "(\(table.primaryKey.joined(separator: ", ")))")
            }
            lines += table.uniques.sorted().map { "  unique \($0)" }
            lines += table.foreignKeys.sorted().map { "  foreign key \($0)" }
            lines += table.checks.sorted().map { "  check \($0)" }
            lines += table.indexes.sorted().map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Runs of whitespace (newlines in stored SQL text included) folded to one space, trimmed.
    var collapsingWhitespace: String {
        split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }
}
