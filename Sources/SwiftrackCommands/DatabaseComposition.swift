import Foundation
import MySQLEngine
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
            return Opened(database: database, description: "sqlite \(path)") {
                do { try database.checkpoint() } catch { Log.error("WAL checkpoint at shutdown failed: \(error)") }
            }
        case .postgresql:
            let database = try PostgresDatabase.open(uri: uri, poolSize: poolSize, poolTimeout: timeout)
            return Opened(database: database, description: "postgresql \(location(uri)), pool \(poolSize)") {}
        case .mysql:
            let database = try MySQLDatabase.open(uri: uri, poolSize: poolSize, poolTimeout: timeout)
            return Opened(database: database, description: "mysql \(location(uri)), pool \(poolSize)") {}
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
