public import SQL

/// Opens a PostgreSQL backend store: a `PooledSQLDatabase` over libpq connections.
public enum PostgresDatabase {
    public static func open(uri: DatabaseURI, poolSize: Int, poolTimeout: Duration) throws -> PooledSQLDatabase {
        try PooledSQLDatabase.open(dialect: .postgres, poolSize: poolSize, poolTimeout: poolTimeout) {
            try PostgresConnection(uri: uri)
        }
    }
}
