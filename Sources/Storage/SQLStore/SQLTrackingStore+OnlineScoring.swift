import SQL
public import TrackingCore

/// The online-scoring configuration of registered scorers (MLflow's `get_online_scoring_configs`,
/// `upsert_online_scoring_config`). Stored and returned only: nothing in Swiftrack samples traces
/// or runs a scorer.
extension SQLTrackingStore {
    public func onlineScoringConfigs(scorerIds: [String]) throws -> [OnlineScoringConfig] {
        var wanted: [String] = []
        var seen = Set<String>()
        for id in scorerIds where seen.insert(id).inserted { wanted.append(id) }
        guard !wanted.isEmpty else { return [] }
        return try database.read { connection in
            var found: [String: OnlineScoringConfig] = [:]
            for start in stride(from: 0, to: wanted.count, by: SQLEntityLoader.chunkSize) {
                let keys = SQLKeyList(Array(wanted[start..<min(start + SQLEntityLoader.chunkSize, wanted.count)]),
                                      dialect: connection.dialect)
                for config in try connection.query(
                    """
                    SELECT online_scoring_config_id, scorer_id, sample_rate, experiment_id, filter_string
                    FROM online_scoring_configs WHERE \(keys.contains("scorer_id"))
                    """, keys.bindings, Self.onlineScoringConfig) {
                    found[config.scorerId] = config
                }
            }
            // In the order asked for (MLflow's is the database's).
            return wanted.compactMap { found[$0] }
        }
    }

    public func upsertOnlineScoringConfig(experimentId: String, name: String, sampleRate: Double,
                                          filterString: String?) throws -> OnlineScoringConfig {
        guard sampleRate >= 0, sampleRate <= 1 else {
            throw MLflowError.invalidParameter("sample_rate must be between 0.0 and 1.0, got \(PythonFormatting.float(sampleRate))")
        }
        if let filterString, !filterString.isEmpty {
            // Checked as traces/search checks a filter, though nothing here ever applies it.
            _ = try TraceSearchFilter.parse(filterString)
        }
        let key = try Self.experimentKey(experimentId)
        return try database.write { connection in
            try Self.lockActiveExperiment(connection, key)
            guard let scorerId = try Self.scorerId(connection, key, name) else {
                throw Self.scorerNotFound(name, experimentId)
            }
            let latest = try connection.queryFirst(
                "SELECT serialized_scorer FROM scorer_versions WHERE scorer_id = ? ORDER BY scorer_version DESC LIMIT 1",
                [.text(scorerId)]) { $0.string(0) }
            if let latest, sampleRate > 0 {
                // MLflow only samples traces for scorers whose judge is a gateway endpoint, and Swiftrack
                // stores none (it has no gateway): a rate above 0 is refused in MLflow's words.
                let model = try? ScorerPayload.validated(latest).model()
                if ScorerPayload.gatewayEndpoint(of: model ?? nil) == nil {
                    throw MLflowError.invalidParameter(
                        "Scorer '\(name)' does not use a gateway model. Automatic evaluation is only supported for "
                        + "scorers that use gateway models.")
                }
            }
            // A new id each time, as MLflow's delete-then-insert gives.
            let config = OnlineScoringConfig(configId: RandomID.uuid4Hex(), scorerId: scorerId, sampleRate: sampleRate,
                                             experimentId: String(key), filterString: filterString)
            _ = try connection.execute("DELETE FROM online_scoring_configs WHERE scorer_id = ?", [.text(scorerId)])
            try connection.execute(
                """
                INSERT INTO online_scoring_configs (online_scoring_config_id, scorer_id, sample_rate, experiment_id, filter_string)
                VALUES (?, ?, ?, ?, ?)
                """,
                [.text(config.configId), .text(scorerId), .real(sampleRate), .integer(key),
                 filterString.map(SQLValue.text) ?? .null])
            return config
        }
    }

    private static func onlineScoringConfig(_ row: any SQLRow) -> OnlineScoringConfig {
        OnlineScoringConfig(configId: row.string(0), scorerId: row.string(1), sampleRate: row.double(2),
                            experimentId: String(row.int64(3)), filterString: row.optionalString(4))
    }
}
