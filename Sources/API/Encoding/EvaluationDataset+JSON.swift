import JSON
import TrackingCore

extension EvaluationDataset {
    /// The `Dataset` message as MLflow's JSON answers write it: `tags` is the text of
    /// `json.dumps(tags)`, `schema` and `profile` the stored texts, `experiment_ids` only when read.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [("dataset_id", .string(datasetId)), ("name", .string(name))]
        members.append(("tags", .string(PythonFormatting.jsonDumps(
            .object(tags.map { ($0.key, $0.value.map(JSONValue.string) ?? .null) })))))
        if let schema { members.append(("schema", .string(schema))) }
        if let profile { members.append(("profile", .string(profile))) }
        members += [("digest", .string(digest)), ("created_time", .integer(createdTime)),
                    ("last_update_time", .integer(lastUpdateTime))]
        if let createdBy { members.append(("created_by", .string(createdBy))) }
        if let lastUpdatedBy { members.append(("last_updated_by", .string(lastUpdatedBy))) }
        if let experimentIds, !experimentIds.isEmpty { members.append(("experiment_ids", .array(experimentIds.map(JSONValue.string)))) }
        return .object(members)
    }
}

extension DatasetRecord {
    /// MLflow's `DatasetRecord.to_dict()`: the proto's fields in field order with the JSON ones
    /// decoded; `tags` always (`{}` when none), `source_type` with a source.
    var dictionary: JSONValue {
        var members: [(String, JSONValue)] = [("dataset_record_id", .string(recordId)), ("dataset_id", .string(datasetId)),
                                              ("inputs", inputs)]
        if let expectations { members.append(("expectations", expectations)) }
        members.append(("tags", tags ?? .object([])))
        if let source { members.append(("source", source.json)) }
        if let sourceId { members.append(("source_id", .string(sourceId))) }
        if let source { members.append(("source_type", .string(source.sourceType))) }
        members += [("created_time", .integer(createdTime)), ("last_update_time", .integer(lastUpdateTime))]
        if let createdBy { members.append(("created_by", .string(createdBy))) }
        if let lastUpdatedBy { members.append(("last_updated_by", .string(lastUpdatedBy))) }
        if let outputs { members.append(("outputs", outputs)) }
        return .object(members)
    }
}
