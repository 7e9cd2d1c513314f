/// Opens a PostgreSQL backend store: a `PooledSQLDatabase` over libpq connections.
public enum PostgresDatabase {
    /// A pool of at most `poolSize` connections to `uri`; a caller waits up to `poolTimeout` for
    /// one. One connection is opened at once (and kept in the pool), so a wrong host, password or
    /// database fails at startup rather than on the first request.
    public static func open(uri: DatabaseURI, poolSize: Int, poolTimeout: Duration) throws -> PooledSQLDatabase {
        let pool = ConnectionPool(size: poolSize, timeout: poolTimeout) {
            try PostgresConnection(uri: uri)
        }
        try pool.withConnection { _ in }
        return PooledSQLDatabase(dialect: .postgres, pool: pool)
    }
}
