public import Observability
public import SQL
import TrackingCore

/// The audit log in a SQL database of its own (SQLite, PostgreSQL or MySQL): appends batches
/// of records to the chain, each batch in one transaction, and reads them back in order.
public final class SQLAuditStore: Sendable {
    public let database: any SQLDatabase
    public let chain: AuditChain

    /// Creates the schema, or brings an older one up to date: its steps only add (a nullable
    /// column), and run under the migration lock, so replicas starting together are safe.
    public init(database: any SQLDatabase, chain: AuditChain) throws {
        self.database = database
        self.chain = chain
        try database.migrate(AuditSchema.migrations, versionTable: AuditSchema.versionTable)
    }

    /// Throws unless records written by `chain` may follow the ones stored: the same mode and
    /// key, and on a keyed chain a head carrying its seal. A keyed head with no seal at all
    /// (last written by a swiftrack without seals) is sealed now; the answer then says so, for
    /// the server log, since after an upgrade that is expected once and never again.
    @discardableResult
    public func checkAppendable() throws -> String? {
        let stored = try database.read { connection in
            try connection.queryFirst("SELECT chain, key_id FROM audit_chain_head WHERE id = 1", []) {
                ($0.optionalString(0), $0.optionalString(1))
            }
        }
        guard let (mode, keyId) = stored, let mode else { return nil }
        if mode != chain.mode.rawValue {
            throw MLflowError(.invalidParameterValue, mode == AuditChainMode.hmacSHA256.rawValue
                ? "The audit chain is keyed (hmac-sha256): start the server with its --audit-key-file"
                : "The audit chain is not keyed (sha256): a key can only be used with a new audit database")
        }
        if keyId != chain.keyId {
            throw MLflowError(.invalidParameterValue,
                              "The audit chain was written under another key (key id \(keyId ?? "none"))")
        }
        let head = try storedHead()
        if chain.mode == .hmacSHA256, head.seal == nil, head.head != .genesis, let seal = chain.seal(head.head) {
            try database.write { connection in
                try connection.execute("UPDATE audit_chain_head SET head_mac = ? WHERE id = 1 AND seq = ? AND hash = ? "
                                       + "AND head_mac IS NULL",
                                       [.text(seal), .integer(head.head.sequence), .text(head.head.hash)])
            }
            return "the audit chain head (record \(head.head.sequence), hash \(head.head.hash)) carried no seal: sealed "
                + "it now. Expected once after upgrading swiftrack; at any other time the head was rewritten without "
                + "the key: check the chain against your checkpoints (swiftrack audit verify --checkpoint)"
        }
        if let problem = chain.sealProblem(head) {
            throw MLflowError(.invalidParameterValue, "The audit log cannot be continued: \(problem). "
                              + "Check it with swiftrack audit verify --checkpoint ...; if an older swiftrack wrote to it since, "
                              + "swiftrack audit reseal seals the head again")
        }
        return nil
    }

    /// Appends `records` in order after the current head, in one transaction; returns the new head.
    @discardableResult
    public func append(_ records: [AuditRecord]) throws -> AuditChainHead {
        let chain = self.chain
        return try database.write { connection in
            let stored = try Self.storedHead(connection, lock: true)
            // Never build on a head moved behind the server's back: the new records would bury
            // the cut under a valid chain and a fresh seal.
            if let problem = chain.sealProblem(stored) {
                throw MLflowError(.internalError, "Not extending the audit chain: \(problem)")
            }
            var head = stored.head
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
            try connection.execute("UPDATE audit_chain_head SET seq = ?, hash = ?, chain = ?, key_id = ?, head_mac = ? "
                                   + "WHERE id = 1",
                                   [.integer(head.sequence), .text(head.hash), .text(chain.mode.rawValue),
                                    chain.keyId.map { .text($0) } ?? .null, chain.seal(head).map { .text($0) } ?? .null])
            return head
        }
    }

    /// Seals `head` with the key, if it is still the stored head; whether it was. For
    /// `audit reseal`, after the chain up to `head` was verified: an older swiftrack that wrote
    /// after this one moved the head without re-sealing it, which looks like tampering.
    public func reseal(_ head: AuditChainHead) throws -> Bool {
        guard let seal = chain.seal(head) else { return false }
        return try database.write { connection in
            let stored = try Self.storedHead(connection, lock: true)
            guard stored.head == head else { return false }
            try connection.execute("UPDATE audit_chain_head SET head_mac = ? WHERE id = 1", [.text(seal)])
            return true
        }
    }

    /// The head as the database records it.
    public func head() throws -> AuditChainHead {
        try storedHead().head
    }

    /// The head with its seal, as the database records them.
    public func storedHead() throws -> AuditStoredHead {
        try database.read { try Self.storedHead($0, lock: false) }
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

    private static func storedHead(_ connection: any SQLConnection, lock: Bool) throws -> AuditStoredHead {
        let sql = "SELECT seq, hash, head_mac FROM audit_chain_head WHERE id = 1" + (lock ? connection.forUpdate : "")
        guard let head = try connection.queryFirst(sql, [], {
            AuditStoredHead(head: AuditChainHead(sequence: $0.int64(0), hash: $0.string(1)), seal: $0.optionalString(2))
        }) else {
            throw MLflowError(.internalError, "The audit database has no chain head row")
        }
        return head
    }
}
