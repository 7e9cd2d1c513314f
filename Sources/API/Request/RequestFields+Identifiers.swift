import Foundation
import TrackingCore

/// The identifiers that routes act on and access rules check, each read by one accessor that the
/// rule and the handler share: a spelling one of them accepted and the other did not (`" 7"`,
/// `7.0`, a number for a string) cannot make them see different resources.
extension RequestFields {
    /// `experiment_id`, required.
    func experimentId() throws(MLflowError) -> String { try requiredString("experiment_id") }

    /// `experiment_name`, required.
    func experimentName() throws(MLflowError) -> String { try requiredString("experiment_name") }

    /// experiments/create's `artifact_location` as it will be stored: nil when absent or empty, a
    /// relative local path made absolute against the server's working directory (MLflow's
    /// `resolve_uri_if_local`). The access rule checks this value and the handler stores it.
    func experimentArtifactLocation() throws(MLflowError) -> String? {
        guard let location = try string("artifact_location"), !location.isEmpty else { return nil }
        return try LocalURI.resolvedIfLocal(location, currentDirectory: FileManager.default.currentDirectoryPath)
    }

    /// A registry route's `name`, required.
    func registeredModelName() throws(MLflowError) -> String { try requiredString("name") }

    /// A model version number field (`version`), required; checked as an integer by the store.
    func version() throws(MLflowError) -> String { try requiredString("version") }

    /// `run_id`, or the deprecated `run_uuid` when `run_id` is absent.
    func runId() throws(MLflowError) -> String {
        if let runId = try string("run_id"), !runId.isEmpty { return runId }
        if let runUUID = try string("run_uuid"), !runUUID.isEmpty { return runUUID }
        throw Self.missing("run_id")
    }

    /// `request_id` of a transition request, required: an integer, an integral number or a decimal string.
    func transitionRequestId() throws(MLflowError) -> Int64 {
        guard let id = try int64("request_id", required: true) else { throw Self.missing("request_id") }
        return id
    }

    /// The non-empty `model_id`s a write names besides its run.
    func loggedModelIds(_ reference: LoggedModelReference) throws(MLflowError) -> [String] {
        var ids: [String] = []
        switch reference {
        case .field(let name):
            if let id = try string(name), !id.isEmpty { ids.append(id) }
        case .inMessages(let name):
            for message in try messages(name) {
                if let id = try message.string("model_id"), !id.isEmpty, !ids.contains(id) { ids.append(id) }
            }
        }
        return ids
    }
}
