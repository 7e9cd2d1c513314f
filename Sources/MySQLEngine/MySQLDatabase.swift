public import SQL

/// Opens a MySQL/MariaDB backend store: a `PooledSQLDatabase` over Connector/C connections.
public enum MySQLDatabase {
    public static func open(uri: DatabaseURI, poolSize: Int, poolTimeout: Duration) throws -> PooledSQLDatabase {
        try PooledSQLDatabase.open(dialect: .mysql, poolSize: poolSize, poolTimeout: poolTimeout) {
            try MySQLConnection(uri: uri)
        }
    }
}
