import SQL
public import TrackingCore

/// Registered scorers, as MLflow's `sqlalchemy_store.py` keeps them (`register_scorer` ..
/// `list_scorer_versions`). Writers lock the experiment's row first (PostgreSQL, MySQL; SQLite has
/// one writer), so registrations of one name queue there and each reads the version the one before
/// it committed: versions stay consecutive with no unique-key retry and no deadlock.
extension SQLTrackingStore: ScorerStore {
    public func registerScorer(experimentId: String, name: String, serializedScorer: String) throws -> ScorerVersion {
        // MLflow's order: the payload (handler), the name, the experiment, the model.
        let payload = try ScorerPayload.validated(serializedScorer)
        try ScorerPayload.validateName(name)
        guard name.unicodeScalars.count <= 256 else {
            // MLflow's column is VARCHAR(256); there the database refuses a longer name.
            throw MLflowError.invalidParameter("Scorer name must be at most 256 characters long, got \(name.unicodeScalars.count).")
        }
        let key = try Self.experimentKey(experimentId)
        return try database.write { connection in
            try Self.lockActiveExperiment(connection, key)
            if let endpoint = ScorerPayload.gatewayEndpoint(of: try payload.model()) {
                // MLflow resolves the endpoint in its gateway tables; Swiftrack has none, so none exists.
                throw MLflowError.notFound("GatewayEndpoint not found (name='\(endpoint)')")
            }
            var scorerId = try Self.scorerId(connection, key, name)
            if scorerId == nil {
                let id = RandomID.uuid4()
                try connection.execute("INSERT INTO scorers (experiment_id, scorer_name, scorer_id) VALUES (?, ?, ?)",
                                       [.integer(key), .text(name), .text(id)])
                scorerId = id
            }
            guard let scorerId else { throw MLflowError.internalError("The scorer '\(name)' vanished while registering.") }
            let latest = try connection.queryFirst(
                "SELECT MAX(scorer_version) FROM scorer_versions WHERE scorer_id = ?", [.text(scorerId)]) { $0.optionalInt64(0) }
            let version = (latest ?? nil).map { $0 + 1 } ?? 1
            let created = currentTimeMillis()
            try connection.execute(
                "INSERT INTO scorer_versions (scorer_id, scorer_version, serialized_scorer, creation_time) VALUES (?, ?, ?, ?)",
                [.text(scorerId), .integer(version), .text(serializedScorer), .integer(created)])
            return ScorerVersion(experimentId: String(key), name: name, version: version, serializedScorer: serializedScorer,
                                 creationTime: created, scorerId: scorerId)
        }
    }

    public func listScorers(experimentId: String) throws -> [ScorerVersion] {
        let key = try Self.experimentKey(experimentId)
        return try database.read { connection in
            try Self.requireActiveExperiment(connection, key)
            return try Self.latestVersions(connection, experimentKeys: [key])
        }
    }

    public func listScorers(experimentIds: [String]?) throws -> [ScorerVersion] {
        let keys = try experimentIds.map { try $0.map(Self.experimentKey) }
        return try database.read { connection in
            if let keys {
                var found: [ScorerVersion] = []
                for start in stride(from: 0, to: keys.count, by: SQLEntityLoader.chunkSize) {
                    let chunk = Array(keys[start..<min(start + SQLEntityLoader.chunkSize, keys.count)])
                    found += try Self.latestVersions(connection, experimentKeys: chunk)
                }
                return Self.sorted(found)
            }
            return try Self.latestVersions(connection, experimentKeys: nil)
        }
    }

    public func listScorerVersions(experimentId: String, name: String) throws -> [ScorerVersion] {
        let key = try Self.experimentKey(experimentId)
        return try database.read { connection in
            try Self.requireActiveExperiment(connection, key)
            guard let scorerId = try Self.scorerId(connection, key, name) else {
                throw Self.scorerNotFound(name, experimentId)
            }
            let versions = try connection.query(
                """
                SELECT scorer_version, serialized_scorer, creation_time FROM scorer_versions
                WHERE scorer_id = ? ORDER BY scorer_version
                """, [.text(scorerId)]) { row in
                    ScorerVersion(experimentId: String(key), name: name, version: row.int64(0), serializedScorer: row.string(1),
                                  creationTime: row.optionalInt64(2) ?? 0, scorerId: scorerId)
                }
            guard !versions.isEmpty else { throw Self.scorerNotFound(name, experimentId) }
            return versions
        }
    }

    public func getScorer(experimentId: String, name: String, version: Int64?) throws -> ScorerVersion {
        let key = try Self.experimentKey(experimentId)
        return try database.read { connection in
            try Self.requireActiveExperiment(connection, key)
            guard let scorerId = try Self.scorerId(connection, key, name) else {
                throw Self.scorerNotFound(name, experimentId)
            }
            var sql = "SELECT scorer_version, serialized_scorer, creation_time FROM scorer_versions WHERE scorer_id = ?"
            var bindings: [SQLValue] = [.text(scorerId)]
            if let version {
                sql += " AND scorer_version = ?"
                bindings.append(.integer(version))
            } else {
                sql += " ORDER BY scorer_version DESC LIMIT 1"
            }
            guard let found = try connection.queryFirst(sql, bindings, { row in
                ScorerVersion(experimentId: String(key), name: name, version: row.int64(0), serializedScorer: row.string(1),
                              creationTime: row.optionalInt64(2) ?? 0, scorerId: scorerId)
            }) else { throw Self.scorerNotFound(name, experimentId, version: version) }
            return found
        }
    }

    public func deleteScorer(experimentId: String, name: String, version: Int64?) throws {
        let key = try Self.experimentKey(experimentId)
        try database.write { connection in
            try Self.lockActiveExperiment(connection, key)
            guard let scorerId = try Self.scorerId(connection, key, name) else {
                throw Self.scorerNotFound(name, experimentId)
            }
            var sql = "DELETE FROM scorer_versions WHERE scorer_id = ?"
            var bindings: [SQLValue] = [.text(scorerId)]
            if let version {
                sql += " AND scorer_version = ?"
                bindings.append(.integer(version))
            }
            guard try connection.execute(sql, bindings) > 0 else { throw Self.scorerNotFound(name, experimentId, version: version) }
            // Without a version the scorer goes too, with its configuration; one version leaves the
            // scorer (with no versions left, it is found by no read, and its next version is 1).
            if version == nil {
                _ = try connection.execute("DELETE FROM online_scoring_configs WHERE scorer_id = ?", [.text(scorerId)])
                _ = try connection.execute("DELETE FROM scorers WHERE scorer_id = ?", [.text(scorerId)])
            }
        }
    }

    // MARK: - Shared

    /// MLflow's 404s, naming the experiment as the request did.
    static func scorerNotFound(_ name: String, _ experimentId: String, version: Int64? = nil) -> MLflowError {
        if let version {
            return .notFound("Scorer with name '\(name)' and version \(version) not found for experiment \(experimentId).")
        }
        return .notFound("Scorer with name '\(name)' not found for experiment \(experimentId).")
    }

    /// The experiment exists and is active (MLflow's `get_experiment` and `_check_experiment_is_active`).
    static func requireActiveExperiment(_ connection: any SQLConnection, _ key: Int64, lock: Bool = false) throws {
        let stage = try connection.queryFirst(
            "SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?" + (lock ? connection.forUpdate : ""),
            [.integer(key)]) { $0.string(0) }
        guard let stage else { throw experimentNotFound(key) }
        guard stage == LifecycleStage.active.rawValue else { throw experimentNotActive(String(key), stage) }
    }

    /// As `requireActiveExperiment`, the row then locked until commit: the scorer writers' one queue.
    static func lockActiveExperiment(_ connection: any SQLConnection, _ key: Int64) throws {
        try requireActiveExperiment(connection, key, lock: true)
    }

    static func scorerId(_ connection: any SQLConnection, _ key: Int64, _ name: String) throws -> String? {
        try connection.queryFirst("SELECT scorer_id FROM scorers WHERE experiment_id = ? AND scorer_name = ?",
                                  [.integer(key), .text(name)]) { $0.string(0) }
    }

    /// Each scorer's latest version in these experiments, or (nil) in every active one; only active
    /// experiments count either way. A scorer whose versions were all deleted one by one has none.
    private static func latestVersions(_ connection: any SQLConnection, experimentKeys: [Int64]?) throws -> [ScorerVersion] {
        var sql = """
            SELECT s.experiment_id, s.scorer_name, v.scorer_version, v.serialized_scorer, v.creation_time, s.scorer_id
            FROM scorers s
            JOIN experiments e ON e.experiment_id = s.experiment_id
            JOIN scorer_versions v ON v.scorer_id = s.scorer_id
            WHERE e.lifecycle_stage = ?
              AND v.scorer_version = (SELECT MAX(m.scorer_version) FROM scorer_versions m WHERE m.scorer_id = s.scorer_id)
            """
        var bindings: [SQLValue] = [.text(LifecycleStage.active.rawValue)]
        if let experimentKeys {
            guard !experimentKeys.isEmpty else { return [] }
            let keys = SQLKeyList(experimentKeys, dialect: connection.dialect)
            sql += " AND " + keys.contains("s.experiment_id")
            bindings += keys.bindings
        }
        return sorted(try connection.query(sql, bindings) { row in
            ScorerVersion(experimentId: String(row.int64(0)), name: row.string(1), version: row.int64(2),
                          serializedScorer: row.string(3), creationTime: row.optionalInt64(4) ?? 0, scorerId: row.string(5))
        })
    }

    /// By experiment, then name by code point (as MLflow's final Python sort), whatever an engine's collation.
    private static func sorted(_ versions: [ScorerVersion]) -> [ScorerVersion] {
        versions.sorted { left, right in
            let (l, r) = (Int64(left.experimentId) ?? 0, Int64(right.experimentId) ?? 0)
            if l != r { return l < r }
            return left.name.unicodeScalars.lexicographicallyPrecedes(right.name.unicodeScalars) { $0.value < $1.value }
        }
    }
}
