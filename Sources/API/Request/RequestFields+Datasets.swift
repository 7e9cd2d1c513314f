import TrackingCore

/// The fields of the evaluation-dataset routes, each read by one accessor shared by the access rule
/// (`.datasetExperiments`) and the handler.
extension RequestFields {
    /// `experiment_ids` as the store keys them (`07` and ` 7` are experiment `7`), each once: the ids
    /// the rule checks are the ids the handler links. MLflow's message for one that is no integer.
    func datasetExperimentIds() throws(MLflowError) -> [String] {
        let written = try stringList("experiment_ids")
        guard written.count <= DatasetLimits.maxExperimentIds else {
            throw .invalidParameter("A dataset request may name at most \(DatasetLimits.maxExperimentIds) experiments; "
                                    + "it named \(written.count).")
        }
        var ids: [String] = []
        for id in written {
            let key: Int64
            do {
                key = try ExperimentSearchKeys.experimentId(id)
            } catch let error as MLflowError {
                throw error
            } catch {
                throw .invalidParameter("Invalid experiment ID '\(id)'.")
            }
            if !ids.contains(String(key)) { ids.append(String(key)) }
        }
        return ids
    }

    /// A tags field holding a JSON object as text (datasets/create's optional `tags`, set-tags' required one).
    func datasetTags(_ name: String, required: Bool) throws(MLflowError) -> [DatasetTag] {
        guard let text = try string(name, required: required), !text.isEmpty else {
            if required { throw Self.missing(name) }
            return []
        }
        return try DatasetTag.parseMap(text, field: name)
    }

    /// The `records` of an upsert: a JSON list of record objects as text, required.
    func datasetRecords() throws(MLflowError) -> [DatasetRecordInput] {
        try DatasetRecordInput.parseList(try requiredString("records"))
    }
}
