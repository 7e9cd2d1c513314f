/// One numbered, forward-only schema step. Its statements run in one transaction where the
/// engine allows DDL in transactions (SQLite, PostgreSQL; MySQL commits each DDL statement).
public struct Migration: Sendable {
    public let version: Int
    private let sqlite: [String]
    private let postgres: [String]
    private let mysql: [String]

    /// A step written in SQL that every engine accepts.
    public init(version: Int, statements: [String]) {
        self.init(version: version, sqlite: statements, postgres: statements, mysql: statements)
    }

    /// A step written once per engine.
    public init(version: Int, sqlite: [String], postgres: [String], mysql: [String]) {
        self.version = version
        self.sqlite = sqlite
        self.postgres = postgres
        self.mysql = mysql
    }

    public func statements(for dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite: return sqlite
        case .postgres: return postgres
        case .mysql: return mysql
        }
    }
}
