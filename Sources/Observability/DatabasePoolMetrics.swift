/// What `/metrics` shows about the database connection pool (PostgreSQL, MySQL).
public struct DatabasePoolReading: Sendable {
    public var size: Int
    public var open: Int
    public var inUse: Int
    public var waitSecondsTotal: Double
    public var timeoutsTotal: Int

    public init(size: Int, open: Int, inUse: Int, waitSecondsTotal: Double, timeoutsTotal: Int) {
        self.size = size
        self.open = open
        self.inUse = inUse
        self.waitSecondsTotal = waitSecondsTotal
        self.timeoutsTotal = timeoutsTotal
    }
}

extension ServerMetrics {
    /// Registers the pool series, read from `read` at each scrape.
    public func observeDatabasePool(_ read: @escaping @Sendable () -> DatabasePoolReading) {
        _ = registry.gauge("swiftrack_db_pool_size", help: "Connections the database pool may open.") {
            [(.none, Double(read().size))]
        }
        _ = registry.gauge("swiftrack_db_pool_open_connections", help: "Connections the pool holds open now.") {
            [(.none, Double(read().open))]
        }
        _ = registry.gauge("swiftrack_db_pool_in_use", help: "Connections lent to requests now.") {
            [(.none, Double(read().inUse))]
        }
        _ = registry.counter("swiftrack_db_pool_wait_seconds_total",
                           help: "Time requests spent waiting for a pooled connection, in total.") {
            [(.none, read().waitSecondsTotal)]
        }
        _ = registry.counter("swiftrack_db_pool_timeouts_total",
                           help: "Requests answered 503 because no connection freed up in time.") {
            [(.none, Double(read().timeoutsTotal))]
        }
    }
}
