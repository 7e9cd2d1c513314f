import Dispatch
import Foundation
import Lifecycle
public import SQL
import Synchronization
import TrackingCore

/// A SQLite database file behind a small pool: one writer and N readers (WAL lets them overlap).
///
/// Every connection is used by one thread at a time: the writer sits behind a `Mutex`, readers
/// are checked out of a free list whose size a semaphore counts.
public final class SQLiteDatabase: SQLDatabase, Sendable {
    public var dialect: SQLDialect { .sqlite }
    /// The database file.
    public let path: String
    private let writer: Mutex<SQLiteConnection>
    private let groupCommit = SQLiteGroupCommit()
    private let checkpointer: PeriodicService
    private let idleReaders: Mutex<[SQLiteConnection]>
    private let readerSlots: DispatchSemaphore
    /// A directory to delete when the database goes away (set by `temporary()`).
    private let ownedDirectory: URL?

    /// Opens or creates the database at `path` (creating parent directories) with `readerCount` readers.
    /// `:memory:` gets a temporary file instead: an in-memory database is private to one connection.
    public convenience init(path: String, readerCount: Int = 4) throws {
        if path == ":memory:" {
            let directory = Self.newTemporaryDirectory()
            try self.init(path: directory.appendingPathComponent("tracking.db").path,
                          readerCount: readerCount, ownedDirectory: directory)
        } else {
            try self.init(path: path, readerCount: readerCount, ownedDirectory: nil)
        }
    }

    private init(path: String, readerCount: Int, ownedDirectory: URL?) throws {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw MLflowError.internalError("Cannot create the directory \(parent.path): \(error)")
        }
        self.path = path
        self.ownedDirectory = ownedDirectory
        // The writer opens first so the file exists and is in WAL mode before readers attach.
        let writerConnection = try SQLiteConnection(path: path)
        let count = max(1, readerCount)
        var readers: [SQLiteConnection] = []
        for _ in 0..<count { readers.append(try SQLiteConnection(path: path, queryOnly: true)) }
        self.checkpointer = SQLiteCheckpointer.service(connection: try SQLiteConnection(path: path))
        self.writer = Mutex(writerConnection)
        self.idleReaders = Mutex(readers)
        self.readerSlots = DispatchSemaphore(value: count)
        checkpointer.start()
    }

    /// A database in a fresh temporary directory, removed when the object is released (for tests).
    /// In-memory databases are per connection, so a pool needs a real file.
    public static func temporary(readerCount: Int = 4) throws -> SQLiteDatabase {
        let directory = newTemporaryDirectory()
        return try SQLiteDatabase(path: directory.appendingPathComponent("tracking.db").path,
                                  readerCount: readerCount, ownedDirectory: directory)
    }

    private static func newTemporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftrack-\(UUID().uuidString.lowercased())", isDirectory: true)
    }

    deinit {
        checkpointer.stop(deadline: .now.advanced(by: .seconds(5)))
        if let ownedDirectory { try? FileManager.default.removeItem(at: ownedDirectory) }
    }

    /// Folds the write-ahead log back into the database file (a clean shutdown leaves no WAL to replay).
    public func checkpoint() throws {
        try withConnection { connection in try connection.executeScript("PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Runs `body` on the writer connection inside a `BEGIN IMMEDIATE` transaction, which it may
    /// share with concurrent writes (group commit, see `SQLiteGroupCommit`): within it, `body`
    /// has a SAVEPOINT of its own, so its error undoes its changes only.
    @discardableResult
    public func write<T: Sendable>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            var result: T?
            let write = SQLiteWrite { connection in result = try body(connection) }
            groupCommit.perform(write) { batch in
                writer.withLock { connection in connection.run(batch) }
            }
            if let error = write.error { throw error }
            guard let result else { throw MLflowError.internalError("A SQLite write ended without a result") }
            return result
        }
    }

    /// The writer's totals since the database opened (group commit's batches, writes, busy time).
    public var writerStatistics: SQLiteWriterStatistics { groupCommit.statistics }

    /// Runs `body` on the writer connection with no transaction around it (migrations manage their own).
    @discardableResult
    public func withConnection<T: Sendable>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try writer.withLock { connection in try body(connection) }
    }

    /// Runs `body` on a reader connection inside one read transaction (a consistent snapshot).
    @discardableResult
    public func read<T: Sendable>(_ body: (any SQLConnection) throws -> T) throws -> T {
        readerSlots.wait()
        defer { readerSlots.signal() }
        let connection = idleReaders.withLock { readers in readers.popLast() }
        guard let connection else {
            throw MLflowError.internalError("No idle SQLite reader although a slot was free")
        }
        defer { idleReaders.withLock { readers in readers.append(connection) } }
        return try connection.transaction(write: false) { try body(connection) }
    }
}
