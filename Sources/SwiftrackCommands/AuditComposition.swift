import Audit
import Foundation
import Observability
import SQL
import Storage

/// Opens the audit database and builds the writer the API hands its records to.
enum AuditComposition {
    struct Opened: Sendable {
        let store: SQLAuditStore
        let database: DatabaseComposition.Opened
        /// The server's periodic checkpoints (`--audit-checkpoint-dir`); a service, stopped after the writer.
        var checkpointer: AuditCheckpointer? = nil
    }

    /// The server's audit writer (not started: the server's service group starts it), or nil when
    /// the audit log is off.
    static func writer(_ options: ServerOptions, metrics: MetricsRegistry) throws -> (AuditWriter, Opened)? {
        guard let uri = options.auditDatabaseURI else { return nil }
        var opened = try open(uri, keyFile: options.auditKeyFile, mustExist: false,
                              poolTimeoutSeconds: options.dbPoolTimeoutSeconds)
        if let notice = try opened.store.checkAppendable() { Log.error(notice) }
        let store = opened.store
        let checkpointer = try options.auditCheckpoints.map { try makeCheckpointer($0, store: store) }
        opened.checkpointer = checkpointer
        // The checkpointer sees only heads this server committed, after their seal was checked.
        let append: @Sendable ([AuditRecord]) throws -> AuditChainHead = { records in
            let head = try store.append(records)
            checkpointer?.written(head)
            return head
        }
        let writer = AuditWriter(policy: options.auditFailure, capacity: options.auditQueueSize,
                                 metrics: AuditMetrics(registry: metrics), log: { Log.error($0) }, append: append)
        Log.info("audit log on: \(opened.database.description), chain \(store.chain.mode.rawValue), "
                 + "fails \(options.auditFailure.rawValue)"
                 + (checkpointer.map { ", checkpoints in \($0.directory)" } ?? ""))
        return (writer, opened)
    }

    /// Checkpoints counted from the head found at start, so the first comes after `everyRecords`
    /// new records or `minutes` of them.
    private static func makeCheckpointer(_ options: AuditCheckpointOptions, store: SQLAuditStore) throws -> AuditCheckpointer {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let schedule = AuditCheckpointSchedule(everyRecords: Int64(options.everyRecords),
                                               intervalMillis: Int64(options.minutes) * 60_000,
                                               startSequence: try store.head().sequence, startMillis: now)
        do {
            return try AuditCheckpointer(directory: options.directory, chain: store.chain, schedule: schedule,
                                         info: { Log.info($0) }, error: { Log.error($0) })
        } catch {
            throw CommandFailure("cannot create the audit checkpoint directory \(options.directory): \(error)")
        }
    }

    /// The audit store at `uriText`; `mustExist` refuses a database holding no audit log (so a
    /// mistyped URI is not verified as an empty, intact log).
    static func open(_ uriText: String, keyFile: String?, mustExist: Bool, poolTimeoutSeconds: Int = 30) throws -> Opened {
        let chain = AuditChain(key: try keyFile.map(readKey))
        if mustExist, let uri = try? DatabaseURI(uriText), uri.engine == .sqlite {
            let path = DatabaseComposition.sqlitePath(uri)
            guard FileManager.default.fileExists(atPath: path) else { throw CommandFailure("no audit database at \(path)") }
        }
        let database = try DatabaseComposition.open(uriText, poolSize: 2, poolTimeoutSeconds: poolTimeoutSeconds, readers: 1)
        if mustExist, try database.database.schemaVersions(versionTable: AuditSchema.versionTable).isEmpty {
            throw CommandFailure("no audit log in \(database.description)")
        }
        return Opened(store: try SQLAuditStore(database: database.database, chain: chain), database: database)
    }

    /// The key file's bytes without trailing whitespace; at least 16 bytes.
    static func readKey(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("cannot read the audit key file \(path)")
        }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 { bytes.removeLast() }
        guard bytes.count >= 16 else { throw UsageError("the audit key file \(path) holds fewer than 16 bytes") }
        return bytes
    }
}
