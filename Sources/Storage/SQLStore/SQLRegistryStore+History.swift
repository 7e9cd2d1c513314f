import SQL
public import TrackingCore

extension SQLRegistryStore {
    public func history(name: String) throws -> [RegistryHistoryEntry] {
        try database.read { connection in try Self.historyEntries(connection, name) }
    }

    /// The model's entries, oldest first.
    static func historyEntries(_ connection: any SQLConnection, _ name: String) throws -> [RegistryHistoryEntry] {
        try connection.query(
            """
            SELECT name, version, kind, alias, from_value, to_value, user_id, timestamp, move_id, rollback_of
            FROM registry_history WHERE name = ? ORDER BY entry_id
            """, [.text(name)]) { row in
                RegistryHistoryEntry(name: row.string(0), version: String(row.int64(1)),
                                     kind: RegistryHistoryEntry.Kind(rawValue: row.string(2)) ?? .stage,
                                     alias: row.optionalString(3), from: row.optionalString(4),
                                     to: row.optionalString(5), userId: row.optionalString(6),
                                     timestamp: row.int64(7), moveId: row.optionalInt64(8),
                                     rollbackOf: row.optionalInt64(9))
            }
    }

    /// A new move id: the entries one store call writes share it (writes are serialised).
    static func nextMoveId(_ connection: any SQLConnection) throws -> Int64 {
        try connection.queryFirst("SELECT COALESCE(MAX(move_id), 0) + 1 FROM registry_history") { $0.int64(0) } ?? 1
    }

    /// Records `entry` as part of `move`; returns it as stored.
    @discardableResult
    static func record(_ connection: any SQLConnection, _ entry: RegistryHistoryEntry, move: Int64) throws
        -> RegistryHistoryEntry {
        var stored = entry
        stored.moveId = move
        try connection.execute(
            """
            INSERT INTO registry_history (name, version, kind, alias, from_value, to_value, user_id, timestamp,
                move_id, rollback_of)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(entry.name), .integer(Int64(entry.version) ?? 0), .text(entry.kind.rawValue),
             entry.alias.map(SQLValue.text) ?? .null, entry.from.map(SQLValue.text) ?? .null,
             entry.to.map(SQLValue.text) ?? .null, entry.userId.map(SQLValue.text) ?? .null,
             .integer(entry.timestamp), .integer(move), entry.rollbackOf.map(SQLValue.integer) ?? .null])
        return stored
    }
}
