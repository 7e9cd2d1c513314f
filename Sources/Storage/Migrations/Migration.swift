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

/// The registered migrations of the tracking schema, in order. Append; never edit a shipped one.
///
/// SQLite grew through versions 1–5. PostgreSQL and MySQL arrived at version 5: their version 1
/// creates the whole version-5 schema and 2–5 are recorded with nothing to do. From version 6
/// on, every migration is written for all three engines.
public enum TrackingMigrations {
    public static let all: [Migration] = [
        Migration(version: 1, sqlite: Schema001.statements,
                  postgres: ServerSchema.statements(for: .postgres), mysql: ServerSchema.statements(for: .mysql)),
        Migration(version: 2, sqlite: Schema002.statements, postgres: [], mysql: []),
        Migration(version: 3, sqlite: Schema003.statements, postgres: [], mysql: []),
        Migration(version: 4, sqlite: Schema004.statements, postgres: [], mysql: []),
        Migration(version: 5, sqlite: Schema005.statements, postgres: [], mysql: []),
        Migration(version: 6, sqlite: Schema006.statements(for: .sqlite), postgres: Schema006.statements(for: .postgres),
                  mysql: Schema006.statements(for: .mysql)),
        Migration(version: 7, sqlite: Schema007.statements(for: .sqlite), postgres: Schema007.statements(for: .postgres),
                  mysql: Schema007.statements(for: .mysql)),
    ]

    /// The version a fully migrated database records.
    public static var latest: Int { all.last?.version ?? 0 }
}
