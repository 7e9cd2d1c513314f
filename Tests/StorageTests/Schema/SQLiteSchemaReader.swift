@testable import SQL
@testable import Storage

/// Reads a SQLite database's schema from `sqlite_master` and the table-valued pragmas. SQLite keeps
/// declared types as written (lower-cased here) and names no unique or foreign-key constraint, so
/// those lines carry columns only; CHECK constraints exist only in the stored CREATE TABLE text.
enum SQLiteSchemaReader {
    static func read(_ connection: any SQLConnection) throws -> SchemaDescription {
        let tables = try connection.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", []
        ) { ($0.string(0), $0.string(1)) }
        return SchemaDescription(tables: try tables.map { name, sql in try table(name, sql: sql, connection) })
    }

    private static func table(_ name: String, sql: String, _ connection: any SQLConnection) throws
        -> SchemaDescription.Table {
        var table = SchemaDescription.Table(name: name)
        // A WITHOUT ROWID table is stored in its primary key's order (migration 8).
        let withoutRowid = try connection.queryFirst(
            "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", [.text(name)]) { $0.int64(0) != 0 }
        if withoutRowid == true { table.options = "without rowid" }
        let columns = try connection.query(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid", [.text(name)]
        ) { row in
            (name: row.string(0), type: row.string(1).lowercased(), notNull: row.int64(2) != 0,
             defaultValue: row.optionalString(3), pk: Int(row.int64(4)))
        }
        let keyColumns = columns.filter { $0.pk > 0 }.sorted { $0.pk < $1.pk }
        table.primaryKey = keyColumns.map(\.name)
        // A lone INTEGER PRIMARY KEY is the rowid, so SQLite generates it; AUTOINCREMENT also
        // keeps it from reusing the largest id after a delete.
        let rowidAlias = keyColumns.count == 1 && keyColumns[0].type == "integer" ? keyColumns[0].name : nil
        let autoincrement = sql.uppercased().contains("AUTOINCREMENT")
        table.columns = columns.map { column in
            SchemaDescription.Column(
                name: column.name, type: column.type, notNull: column.notNull, defaultValue: column.defaultValue,
                extra: column.name == rowidAlias ? (autoincrement ? "rowid autoincrement" : "rowid") : nil)
        }

        let indexes = try connection.query(
            "SELECT name, \"unique\", origin FROM pragma_index_list(?)", [.text(name)]
        ) { (name: $0.string(0), unique: $0.int64(1) != 0, origin: $0.string(2)) }
        for index in indexes where index.origin != "pk" {
            let parts = try connection.query(
                "SELECT name, \"desc\" FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno", [.text(index.name)]
            ) { $0.string(0) + ($0.int64(1) != 0 ? " desc" : "") }
            let columns = "(\(parts.joined(separator: ", ")))"
            if index.origin == "u" {
                // Made by a UNIQUE constraint; its name (sqlite_autoindex_<table>_<n>) is SQLite's own.
                table.uniques.append(columns)
            } else {
                table.indexes.append("\(index.unique ? "unique index" : "index") \(index.name) \(columns)")
            }
        }

        let references = try connection.query(
            "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq",
            [.text(name)]
        ) { (id: $0.int64(0), table: $0.string(1), from: $0.string(2), to: $0.string(3),
             onUpdate: $0.string(4), onDelete: $0.string(5)) }
        for id in Set(references.map(\.id)).sorted() {
            let parts = references.filter { $0.id == id }
            guard let first = parts.first else { continue }
            table.foreignKeys.append(
                "(\(parts.map(\.from).joined(separator: ", "))) references \(first.table) "
                + "(\(parts.map(\.to).joined(separator: ", "))) on update \(first.onUpdate.lowercased()) "
                + "on delete \(first.onDelete.lowercased())")
        }
        table.checks = checkClauses(in: sql)
        return table
    }

    /// The parenthesised expressions after each CHECK keyword of a CREATE TABLE statement,
    /// whitespace collapsed (SQLite keeps the statement as written, and rewrites it on ALTER).
    static func checkClauses(in sql: String) -> [String] {
        let characters = Array(sql)
        let upper = Array(sql.uppercased())
        var clauses: [String] = []
        var index = 0
        var inQuote = false
        while index < characters.count {
            let character = characters[index]
            if character == "'" { inQuote.toggle(); index += 1; continue }
            if !inQuote, index + 5 <= characters.count, String(upper[index..<index + 5]) == "CHECK",
               index == 0 || !(characters[index - 1].isLetter || characters[index - 1].isNumber || characters[index - 1] == "_") {
                var start = index + 5
                while start < characters.count, characters[start].isWhitespace { start += 1 }
                if start < characters.count, characters[start] == "(", let end = matchingParenthesis(characters, from: start) {
                    clauses.append(String(characters[start...end]).collapsingWhitespace)
                    index = end + 1
                    continue
                }
            }
            index += 1
        }
        return clauses
    }

    private static func matchingParenthesis(_ characters: [Character], from start: Int) -> Int? {
        var depth = 0
        var inQuote = false
        for index in start..<characters.count {
            switch characters[index] {
            case "'": inQuote.toggle()
            case "(" where !inQuote: depth += 1
            case ")" where !inQuote:
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }
}
