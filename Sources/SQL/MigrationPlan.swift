import TrackingCore

/// Decides which migrations to apply, given the versions a database records (no I/O).
public enum MigrationPlan {
    /// The registered migrations not yet applied, in version order.
    /// Throws when the database was migrated by a newer binary, or the list is malformed.
    public static func pending(applied: Set<Int>, registered: [Migration]) throws -> [Migration] {
        let versions = registered.map(\.version)
        guard versions == versions.sorted(), Set(versions).count == versions.count else {
            throw MLflowError.internalError("Migrations must be registered in strictly increasing version order")
        }
        let latestKnown = versions.last ?? 0
        if let newest = applied.max(), newest > latestKnown {
            throw MLflowError.internalError(
                "The database schema is at version \(newest), newer than this swiftrack knows "
                + "(up to \(latestKnown)). Upgrade swiftrack to use this database.")
        }
        return registered.filter { !applied.contains($0.version) }
    }
}
