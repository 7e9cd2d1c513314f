import JSON
import TrackingCore

extension ScorerVersion {
    /// `mlflow.Scorer` as MLflow's server writes it (`ScorerVersion.to_proto`: every field set, the
    /// experiment id an int32 number).
    var json: JSONValue {
        .object([("experiment_id", Int64(experimentId).map(JSONValue.integer) ?? .string(experimentId)),
                 ("scorer_name", .string(name)), ("scorer_version", .integer(version)),
                 ("serialized_scorer", .string(serializedScorer)), ("creation_time", .integer(creationTime)),
                 ("scorer_id", .string(scorerId))])
    }

    /// `RegisterScorer.Response`: the same facts under the request's names, the experiment id a string.
    var registeredJSON: JSONValue {
        .object([("version", .integer(version)), ("scorer_id", .string(scorerId)),
                 ("experiment_id", .string(experimentId)), ("name", .string(name)),
                 ("serialized_scorer", .string(serializedScorer)), ("creation_time", .integer(creationTime))])
    }
}

extension OnlineScoringConfig {
    /// MLflow's `OnlineScoringConfig.to_dict()` (plain JSON, not protobuf): no filter, no key.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("online_scoring_config_id", .string(configId)), ("scorer_id", .string(scorerId)),
            ("sample_rate", .double(sampleRate)), ("experiment_id", .string(experimentId)),
        ]
        if let filterString { members.append(("filter_string", .string(filterString))) }
        return .object(members)
    }
}
