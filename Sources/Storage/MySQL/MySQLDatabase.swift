/// Opens a MySQL/MariaDB backend store: a pool of `MySQLConnection`s behind `PooledSQLDatabase`.
public enum MySQLDatabase {
    /// A pool of up to `poolSize` connections to `uri`; a request waits up to `poolTimeout` for one.
    /// One connection is opened at once, so a wrong host, password or database fails at startup
    /// rather than on the first request.
    public static func open(uri: DatabaseURI, poolSize: Int, poolTimeout: Duration) throws -> PooledSQLDatabase {
        let pool = ConnectionPool(size: poolSize, timeout: poolTimeout) {
            try MySQLConnection(uri: uri)
        }
        try pool.withConnection { _ in }
        return PooledSQLDatabase(dialect: .mysql, pool: pool)
    }
}
