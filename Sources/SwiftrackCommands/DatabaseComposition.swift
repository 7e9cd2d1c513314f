import Foundation
import Lifecycle
import MySQLEngine
import Observability
import PostgreSQLEngine
import SQL
import SQLiteEngine
import Storage

/// Opens the backend store a URI names: the one place that knows every database engine.
enum DatabaseComposition {
    struct Opened: Sendable {
        let database: any SQLDatabase
        /// What the startup line says about the store (never the password).
        let description: String
        /// Run at a clean shutdown (SQLite folds its write-ahead log back into the file).
        let close: @Sendable () -> Void
        /// The engine's upkeep beside the server (PostgreSQL: fresh planner statistics), if any.
        var upkeep: (any Service)? = nil
        /// Brings the planner's statistics up to date after a bulk load (PostgreSQL's ANALYZE; the
        /// other engines keep theirs themselves).
        var afterBulkLoad: @Sendable () throws -> Void = {}
        /// Registers the engine's series on `/metrics` (SQLite's writer, a pool's connections).
        var observe: @Sendable (ServerMetrics) -> Void = { _ in }

        init(database: any SQLDatabase, description: String, upkeep: (any Service)? = nil,
             afterBulkLoad: @escaping @Sendable () throws -> Void = {},
             observe: @escaping @Sendable (ServerMetrics) -> Void = { _ in }, close: @escaping @Sendable () -> Void) {
            self.database = database
            self.description = description
            self.upkeep = upkeep
            self.afterBulkLoad = afterBulkLoad
            self.observe = observe
            self.close = close
        }
    }

    static func open(_ uriText: String, poolSize: Int, poolTimeoutSeconds: Int, readers: Int) throws -> Opened {
        let uri: DatabaseURI
        do {
            uri = try DatabaseURI(uriText)
        } catch {
            throw UsageError("invalid backend store URI '\(DatabaseURI.redacted(uriText))': \(error)")
        }
        let timeout = Duration.seconds(poolTimeoutSeconds)
        switch uri.engine {
        case .sqlite:
            let path = sqlitePath(uri)
            let database = try SQLiteDatabase(path: path, readerCount: readers)
            let observe: @Sendable (ServerMetrics) -> Void = { metrics in
                metrics.observeSQLiteWriter {
                    let totals = database.writerStatistics
                    return SQLiteWriterReading(batches: totals.batches, writes: totals.writes, busySeconds: totals.busySeconds)
                }
            }
            let close: @Sendable () -> Void = {
                do { try database.checkpoint() } catch { Log.error("WAL checkpoint at shutdown failed: \(error)") }
            }
            return Opened(database: database, description: "sqlite \(path)", observe: observe, close: close)
        case .postgresql:
            let database = try PostgresDatabase.open(uri: uri, poolSize: poolSize, poolTimeout: timeout)
            return Opened(database: database, description: "postgresql \(location(uri)), pool \(poolSize)",
                          upkeep: PostgresStatisticsKeeper.service(database) { Log.error($0) },
                          afterBulkLoad: { try PostgresStatisticsKeeper.analyzeAll(database) },
                          observe: { observePool(database, $0) }, close: {})
        case .mysql:
            let database = try MySQLDatabase.open(uri: uri, poolSize: poolSize, poolTimeout: timeout)
            return Opened(database: database, description: "mysql \(location(uri)), pool \(poolSize)",
                          observe: { observePool(database, $0) }, close: {})
        }
    }

    private static func observePool(_ database: PooledSQLDatabase, _ metrics: ServerMetrics) {
        let pool = database.pool
        metrics.observeDatabasePool {
            let stats = pool.statistics
            return DatabasePoolReading(size: stats.size, open: stats.open, inUse: stats.inUse,
                                       waitSecondsTotal: stats.waitSecondsTotal, timeoutsTotal: stats.timeouts)
        }
    }

    /// A SQLite URI's file, made absolute against the working directory.
    static func sqlitePath(_ uri: DatabaseURI) -> String {
        uri.path.hasPrefix("/") ? uri.path : ServerOptions.absolutePath(uri.path)
    }

    /// `db upgrade`'s advice when the server meets an older schema.
    static func outOfDate(_ error: SchemaOutOfDate, uriText: String) -> CommandFailure {
        CommandFailure("\(error). Back up the database, then run: swiftrack db upgrade '\(DatabaseURI.redacted(uriText))'")
    }

    private static func location(_ uri: DatabaseURI) -> String {
        "\(uri.host ?? "localhost")\(uri.port.map { ":\($0)" } ?? "")/\(uri.database)"
    }
}
