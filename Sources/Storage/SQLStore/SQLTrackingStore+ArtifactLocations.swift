import SQL
public import TrackingCore

extension SQLTrackingStore {
    /// Exact substring search on `experiments.artifact_location`: `instr`/`strpos` compare text, so a
    /// `_` or `%` in a stored location (or in the fragment) is that character, never a LIKE wildcard.
    /// No index helps a substring test; experiments are few next to runs, and the caller narrows the
    /// scan to locations that name the path's first segment.
    public func experimentArtifactLocations(containing fragment: String) throws -> [ExperimentArtifactLocation] {
        try database.read { connection in
            let contains: String
            switch connection.dialect {
            case .sqlite: contains = "instr(artifact_location, ?) > 0"
            case .postgres: contains = "strpos(artifact_location, ?) > 0"
            case .mysql: contains = "INSTR(artifact_location, ?) > 0"
            }
            return try connection.query(
                "SELECT experiment_id, artifact_location FROM experiments "
                + "WHERE artifact_location IS NOT NULL AND \(contains) ORDER BY experiment_id",
                [.text(fragment)]) { row in
                ExperimentArtifactLocation(experimentId: String(row.int64(0)), artifactLocation: row.string(1))
            }
        }
    }
}
