public import TrackingCore

/// MLflow 3's registered scorers (`scorers`, `scorer_versions`) and their online-scoring
/// configuration (`online_scoring_configs`), as `sqlalchemy_store.py` keeps them: a scorer is a
/// name in an experiment with versions 1, 2, ...; a configuration is stored and returned, never
/// acted on (the server runs no scorer). Engines implement it beside `TrackingStore`, one
/// transaction per call, failures thrown as `MLflowError` with MLflow's messages. Every call but
/// `listScorers(experimentIds:)` and `onlineScoringConfigs` needs the experiment to exist and be active.
public protocol ScorerStore: Sendable {
    /// Checks the payload (`ScorerPayload`) and the name, then adds the scorer's next version
    /// (1 for a new name). A model behind a gateway endpoint is refused as MLflow refuses an
    /// endpoint that does not exist: Swiftrack has no gateway. Concurrent registrations of one
    /// name get distinct, consecutive versions.
    func registerScorer(experimentId: String, name: String, serializedScorer: String) throws -> ScorerVersion
    /// The latest version of each scorer in the experiment, by name.
    func listScorers(experimentId: String) throws -> [ScorerVersion]
    /// The latest version of each scorer in those of `experimentIds` that are active (unknown and
    /// deleted ones are passed over, as MLflow's `filter_active_experiment_ids` does), or with nil
    /// in every active experiment; by experiment, then name.
    func listScorers(experimentIds: [String]?) throws -> [ScorerVersion]
    /// Every version of the scorer, oldest first; 404 for an unknown name.
    func listScorerVersions(experimentId: String, name: String) throws -> [ScorerVersion]
    /// The version asked for, or the latest; 404 when there is none.
    func getScorer(experimentId: String, name: String, version: Int64?) throws -> ScorerVersion
    /// Deletes one version (the scorer stays, as in MLflow), or with none every version and the
    /// scorer with its configuration; 404 when nothing matches.
    func deleteScorer(experimentId: String, name: String, version: Int64?) throws
    /// The configurations of these scorers (those that have one).
    func onlineScoringConfigs(scorerIds: [String]) throws -> [OnlineScoringConfig]
    /// Replaces the scorer's configuration. The rate must lie in 0...1 and the filter parse as a
    /// trace search filter; a rate above 0 is refused for a scorer whose latest version does not
    /// use a gateway model (all of them here), as MLflow refuses it.
    func upsertOnlineScoringConfig(experimentId: String, name: String, sampleRate: Double,
                                   filterString: String?) throws -> OnlineScoringConfig
}
