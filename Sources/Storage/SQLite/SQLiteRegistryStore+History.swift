import TrackingCore

extension SQLiteRegistryStore {
    public func history(name: String) throws -> [RegistryHistoryEntry] {
        try database.read { connection in
            try connection.query(
                """
                SELECT name, version, kind, alias, from_value, to_value, user_id, timestamp
                FROM registry_history WHERE name = ? ORDER BY entry_id
                """, [.text(name)]) { row in
                    RegistryHistoryEntry(name: row.string(0), version: String(row.int64(1)),
                                         kind: RegistryHistoryEntry.Kind(rawValue: row.string(2)) ?? .stage,
                                         alias: row.optionalString(3), from: row.optionalString(4),
                                         to: row.optionalString(5), userId: row.optionalString(6),
                                         timestamp: row.int64(7))
                }
        }
    }

    static func record(_ connection: SQLiteConnection, _ entry: RegistryHistoryEntry) throws {
        try connection.execute(
            """
            INSERT INTO registry_history (name, version, kind, alias, from_value, to_value, user_id, timestamp)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(entry.name), .integer(Int64(entry.version) ?? 0), .text(entry.kind.rawValue),
             entry.alias.map(SQLValue.text) ?? .null, entry.from.map(SQLValue.text) ?? .null,
             entry.to.map(SQLValue.text) ?? .null, entry.userId.map(SQLValue.text) ?? .null,
             .integer(entry.timestamp)])
    }
}
