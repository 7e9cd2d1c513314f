import Foundation
@testable import SQL
@testable import Storage

/// Reads a MySQL/MariaDB schema (the connection's current database) from `information_schema`.
/// MySQL keeps unique constraints as unique indexes and adds an index for every foreign key that
/// has none, so indexes come from STATISTICS alone; integer display widths (`bigint(20)`, shown
/// by MariaDB and older MySQL) are dropped.
enum MySQLSchemaReader {
    static func read(_ connection: any SQLConnection) throws -> SchemaDescription {
        let tables = try connection.query("""
            SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME
            """, []) { (name: $0.string(0), engine: $0.string(1), collation: $0.string(2)) }
        return SchemaDescription(tables: try tables.map {
            try table($0.name, options: "engine=\($0.engine) collation=\($0.collation)", collation: $0.collation,
                      connection)
        })
    }

    private static func table(_ name: String, options: String, collation: String,
                              _ connection: any SQLConnection) throws -> SchemaDescription.Table {
        var table = SchemaDescription.Table(name: name, options: options)
        table.columns = try connection.query("""
            SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLLATION_NAME
            FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
            ORDER BY ORDINAL_POSITION
            """, [.text(name)]) { row in
            // MariaDB reports "no default" on a nullable column as the text NULL.
            let defaultValue = row.optionalString(3).flatMap { $0 == "NULL" ? nil : $0 }
            var extras = [row.string(4).lowercased()].filter { !$0.isEmpty }
            if let columnCollation = row.optionalString(5), columnCollation != collation {
                extras.append("collate \(columnCollation)")
            }
            return SchemaDescription.Column(name: row.string(0), type: normalisedType(row.string(1)),
                                            notNull: row.string(2) == "NO", defaultValue: defaultValue,
                                            extra: extras.isEmpty ? nil : extras.joined(separator: " "))
        }

        let indexParts = try connection.query("""
            SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX
            """, [.text(name)]) { row in
            (index: row.string(0), unique: row.int64(1) == 0,
             column: row.string(2) + (row.optionalString(3).map { "(\($0))" } ?? "")
                + (row.optionalString(4) == "D" ? " desc" : ""))
        }
        var indexNames: [String] = []
        for part in indexParts where !indexNames.contains(part.index) { indexNames.append(part.index) }
        for index in indexNames {
            let parts = indexParts.filter { $0.index == index }
            let columns = parts.map(\.column)
            if index == "PRIMARY" {
                table.primaryKey = columns
            } else {
                let unique = parts.first?.unique ?? false
                table.indexes.append("\(unique ? "unique index" : "index") \(index) (\(columns.joined(separator: ", ")))")
            }
        }

        let rules = try connection.query("""
            SELECT CONSTRAINT_NAME, REFERENCED_TABLE_NAME, UPDATE_RULE, DELETE_RULE
            FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?
            """, [.text(name)]) { (name: $0.string(0), table: $0.string(1), onUpdate: $0.string(2), onDelete: $0.string(3)) }
        let keyColumns = try connection.query("""
            SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL
            ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION
            """, [.text(name)]) { (constraint: $0.string(0), column: $0.string(1), referenced: $0.string(2)) }
        for rule in rules {
            let parts = keyColumns.filter { $0.constraint == rule.name }
            table.foreignKeys.append(
                "\(rule.name) (\(parts.map(\.column).joined(separator: ", "))) references \(rule.table) "
                + "(\(parts.map(\.referenced).joined(separator: ", "))) on update \(rule.onUpdate.lowercased()) "
                + "on delete \(rule.onDelete.lowercased())")
        }

        table.checks = try connection.query("""
            SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
            WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?
            """, [.text(name)]) { "\($0.string(0)) (\($0.string(1).collapsingWhitespace))" }
        return table
    }

    /// `bigint(20)` -> `bigint`: the display width says nothing about the range, and MySQL 8 no
    /// longer prints it.
    static func normalisedType(_ type: String) -> String {
        let lowered = type.lowercased()
        for integer in ["tinyint", "smallint", "mediumint", "bigint", "int"] where lowered.hasPrefix(integer + "(") {
            guard let close = lowered.firstIndex(of: ")") else { break }
            return integer + lowered[lowered.index(after: close)...]
        }
        return lowered
    }
}
