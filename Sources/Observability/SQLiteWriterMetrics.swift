/// What `/metrics` shows about SQLite's one writer: transactions, the writes they carried, and
/// the time spent running them (a busy fraction near one is the write path's ceiling).
public struct SQLiteWriterReading: Sendable {
    public var batches: Int
    public var writes: Int
    public var busySeconds: Double

    public init(batches: Int, writes: Int, busySeconds: Double) {
        self.batches = batches
        self.writes = writes
        self.busySeconds = busySeconds
    }
}

extension ServerMetrics {
    /// Registers the writer series, read from `read` at each scrape.
    public func observeSQLiteWriter(_ read: @escaping @Sendable () -> SQLiteWriterReading) {
        _ = registry.counter("swiftrack_sqlite_write_transactions_total",
                             help: "Transactions SQLite's writer committed or rolled back (group commit batches).") {
            [(.none, Double(read().batches))]
        }
        _ = registry.counter("swiftrack_sqlite_writes_total",
                             help: "Writes SQLite's writer ran; per transaction, how well group commit shares them.") {
            [(.none, Double(read().writes))]
        }
        _ = registry.counter("swiftrack_sqlite_writer_busy_seconds_total",
                             help: "Time SQLite's writer spent running transactions; its rate is the writer's utilisation.") {
            [(.none, read().busySeconds)]
        }
    }
}
