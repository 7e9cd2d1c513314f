import JSON
import TrackingCore

extension Run {
    /// The `Run` message as runs/create writes it: info, data, inputs (and outputs when present).
    var json: JSONValue { json(alwaysWithOutputs: false) }

    /// runs/get and runs/search always carry `outputs`, empty or not, as MLflow's do.
    func json(alwaysWithOutputs: Bool) -> JSONValue {
        var data: [(String, JSONValue)] = []
        if !metrics.isEmpty { data.append(("metrics", .array(metrics.map(\.json)))) }
        if !params.isEmpty { data.append(("params", .array(params.map(\.json)))) }
        if !tags.isEmpty { data.append(("tags", .array(tags.map(\.json)))) }
        var inputs: [(String, JSONValue)] = []
        if !datasetInputs.isEmpty { inputs.append(("dataset_inputs", .array(datasetInputs.map(\.json)))) }
        if !modelInputs.isEmpty {
            inputs.append(("model_inputs", .array(modelInputs.map { .object([("model_id", .string($0))]) })))
        }
        var members: [(String, JSONValue)] = [("info", info.json), ("data", .object(data)), ("inputs", .object(inputs))]
        if !modelOutputs.isEmpty {
            let outputs = modelOutputs.map { JSONValue.object([("model_id", .string($0.modelId)), ("step", .integer($0.step))]) }
            members.append(("outputs", .object([("model_outputs", .array(outputs))])))
        } else if alwaysWithOutputs {
            members.append(("outputs", .object([])))
        }
        return .object(members)
    }
}

extension RunInfo {
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("run_uuid", .string(runId)),
            ("experiment_id", .string(experimentId)),
            ("run_name", .string(runName)),
            ("user_id", .string(userId)),
            ("status", .string(status.rawValue)),
        ]
        if let startTime { members.append(("start_time", .integer(startTime))) }
        if let endTime, endTime != 0 { members.append(("end_time", .integer(endTime))) }
        if !artifactUri.isEmpty { members.append(("artifact_uri", .string(artifactUri))) }
        members.append(("lifecycle_stage", .string(lifecycleStage.rawValue)))
        members.append(("run_id", .string(runId)))
        return .object(members)
    }
}

extension Metric {
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("key", .string(key)),
            ("value", .double(value)),
            ("timestamp", .integer(timestamp)),
            ("step", .integer(step)),
        ]
        if let datasetName, !datasetName.isEmpty { members.append(("dataset_name", .string(datasetName))) }
        if let datasetDigest, !datasetDigest.isEmpty { members.append(("dataset_digest", .string(datasetDigest))) }
        if let modelId, !modelId.isEmpty { members.append(("model_id", .string(modelId))) }
        if let runId, !runId.isEmpty { members.append(("run_id", .string(runId))) }
        return .object(members)
    }
}

extension DatasetInput {
    var json: JSONValue {
        var datasetMembers: [(String, JSONValue)] = [
            ("name", .string(dataset.name)),
            ("digest", .string(dataset.digest)),
            ("source_type", .string(dataset.sourceType)),
            ("source", .string(dataset.source)),
        ]
        if let schema = dataset.schema { datasetMembers.append(("schema", .string(schema))) }
        if let profile = dataset.profile { datasetMembers.append(("profile", .string(profile))) }
        var members: [(String, JSONValue)] = []
        if !tags.isEmpty { members.append(("tags", .array(tags.map(\.json)))) }
        members.append(("dataset", .object(datasetMembers)))
        return .object(members)
    }
}
