public import SQL

/// The registered migrations of the tracking schema, in order. Append; never edit a shipped one.
///
/// SQLite grew through versions 1–5. PostgreSQL and MySQL arrived at version 5: their version 1
/// creates the whole version-5 schema and 2–5 are recorded with nothing to do. From version 6
/// on, every migration is written for all three engines (8 is SQLite's storage layout only).
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
        Migration(version: 8, sqlite: Schema008.sqlite, postgres: [], mysql: []),
        Migration(version: 9, sqlite: Schema009.statements(for: .sqlite), postgres: Schema009.statements(for: .postgres),
                  mysql: Schema009.statements(for: .mysql)),
        Migration(version: 10, sqlite: Schema010.statements(for: .sqlite), postgres: Schema010.statements(for: .postgres),
                  mysql: Schema010.statements(for: .mysql)),
        Migration(version: 11, sqlite: Schema011.statements(for: .sqlite), postgres: Schema011.statements(for: .postgres),
                  mysql: Schema011.statements(for: .mysql)),
        Migration(version: 12, sqlite: Schema012.statements(for: .sqlite), postgres: Schema012.statements(for: .postgres),
                  mysql: Schema012.statements(for: .mysql)),
        Migration(version: 13, sqlite: Schema013.statements(for: .sqlite), postgres: Schema013.statements(for: .postgres),
                  mysql: Schema013.statements(for: .mysql)),
        Migration(version: 14, sqlite: Schema014.statements(for: .sqlite), postgres: Schema014.statements(for: .postgres),
                  mysql: Schema014.statements(for: .mysql)),
        Migration(version: 15, sqlite: Schema015.statements(for: .sqlite), postgres: Schema015.statements(for: .postgres),
                  mysql: Schema015.statements(for: .mysql)),
        Migration(version: 16, sqlite: Schema016.statements(for: .sqlite), postgres: Schema016.statements(for: .postgres),
                  mysql: Schema016.statements(for: .mysql)),
        Migration(version: 17, sqlite: Schema017.statements(for: .sqlite), postgres: Schema017.statements(for: .postgres),
                  mysql: Schema017.statements(for: .mysql)),
        Migration(version: 18, sqlite: Schema018.statements(for: .sqlite), postgres: Schema018.statements(for: .postgres),
                  mysql: Schema018.statements(for: .mysql)),
    ]

    /// The version a fully migrated database records.
    public static var latest: Int { all.last?.version ?? 0 }
}
