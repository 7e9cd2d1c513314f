import Observability
import Storage
import TrackingCore

/// The audit log in a SQL database of its own (SQLite, PostgreSQL or MySQL): appends batches
/// of records to the chain, each batch in one transaction, and reads them back in order.
public final class SQLAuditStore: Sendable {
    public let database: any SQLDatabase
    public let chain: AuditChain

    /// Prepares the schema; refuses a chain written in another mode or under another key, since
    /// appending to it would break it.
    public init(database: any SQLDatabase, chain: AuditChain) throws {
        self.database = database
        self.chain = chain
        try database.prepareSchema(AuditSchema.migrations, versionTable: AuditSchema.versionTable)
    }

    /// Throws unless records written by `chain` may follow the ones stored.
    public func checkAppendable() throws {
        let stored = try database.read { connection in
            try connection.queryFirst("SELECT chain, key_id FROM audit_chain_head WHERE id = 1", []) {
                ($0.optionalString(0), $0.optionalString(1))
            }
        }
        guard let (mode, keyId) = stored, let mode else { return }
        if mode != chain.mode.rawValue {
            throw MLflowError(.invalidParameterValue, mode == AuditChainMode.hmacSHA256.rawValue
                ? "The audit chain is keyed (hmac-sha256): start the server with its --audit-key-file"
                : "The audit chain is not keyed (sha256): a key can only be used with a new audit database")
        }
        if keyId != chain.keyId {
            throw MLflowError(.invalidParameterValue,
                              "The audit chain was written under another key (key id \(keyId ?? "none"))")
        }
    }

    /// Appends `records` in order after the current head, in one transaction; returns the new head.
    @discardableResult
    public func append(_ records: [AuditRecord]) throws -> AuditChainHead {
        let chain = self.chain
        return try database.write { connection in
            var head = try Self.head(connection, lock: true)
            var entries: [AuditEntry] = []
            entries.reserveCapacity(records.count)
            for record in records {
                let entry = chain.link(record, after: head)
                entries.append(entry)
                head = AuditChainHead(sequence: entry.sequence, hash: entry.hash)
            }
            let row = "(" + Array(repeating: "?", count: AuditSchema.columns.count).joined(separator: ", ") + ")"
            var index = 0
            while index < entries.count {
                let chunk = entries[index..<min(index + 32, entries.count)]
                try connection.execute(
                    "INSERT INTO audit_records (\(AuditSchema.columns.joined(separator: ", "))) VALUES "
                        + Array(repeating: row, count: chunk.count).joined(separator: ", "),
                    chunk.flatMap(AuditRow.bindings))
                index += chunk.count
            }
            try connection.execute("UPDATE audit_chain_head SET seq = ?, hash = ?, chain = ?, key_id = ? WHERE id = 1",
                                   [.integer(head.sequence), .text(head.hash), .text(chain.mode.rawValue),
                                    chain.keyId.map { .text($0) } ?? .null])
            return head
        }
    }

    /// The head as the database records it.
    public func head() throws -> AuditChainHead {
        try database.read { try Self.head($0, lock: false) }
    }

    /// Up to `limit` entries after `sequence`, in order; `sinceMillis`/`untilMillis` keep those
    /// answered in [since, until).
    public func entries(after sequence: Int64, limit: Int, sinceMillis: Int64? = nil,
                        untilMillis: Int64? = nil) throws -> [AuditEntry] {
        var sql = "SELECT \(AuditSchema.columns.joined(separator: ", ")) FROM audit_records WHERE seq > ?"
        var bindings: [SQLValue] = [.integer(sequence)]
        if let sinceMillis { sql += " AND time_ms >= ?"; bindings.append(.integer(sinceMillis)) }
        if let untilMillis { sql += " AND time_ms < ?"; bindings.append(.integer(untilMillis)) }
        sql += " ORDER BY seq LIMIT ?"
        bindings.append(.integer(Int64(limit)))
        let finalSQL = sql, finalBindings = bindings
        return try database.read { connection in
            try connection.query(finalSQL, finalBindings, AuditRow.entry)
        }
    }

    private static func head(_ connection: any SQLConnection, lock: Bool) throws -> AuditChainHead {
        let sql = "SELECT seq, hash FROM audit_chain_head WHERE id = 1" + (lock ? connection.forUpdate : "")
        guard let head = try connection.queryFirst(sql, [], {
            AuditChainHead(sequence: $0.int64(0), hash: $0.string(1))
        }) else {
            throw MLflowError(.internalError, "The audit database has no chain head row")
        }
        return head
    }
}
