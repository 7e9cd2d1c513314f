public import SQL

/// The tracking schema's migrations as the default of the SQL core's generic machinery: what the
/// stores, `swiftrack db upgrade` and `gc` mean when they name no other schema.
extension SQLDatabase {
    /// Applies the pending tracking migrations; returns the versions it applied.
    @discardableResult
    public func migrate() throws -> [Int] {
        try migrate(TrackingMigrations.all)
    }

    /// A new database gets the tracking schema; an older one is refused with `SchemaOutOfDate`.
    public func prepareSchema() throws {
        try prepareSchema(TrackingMigrations.all)
    }

    /// Where the tracking schema stands against this binary's migrations.
    public func schemaStatus() throws -> SchemaStatus {
        try schemaStatus(TrackingMigrations.all)
    }
}
