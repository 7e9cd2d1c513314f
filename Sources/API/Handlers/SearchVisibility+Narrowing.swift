import TrackingCore

extension IdentifierFilter {
    /// The requested experiment ids this filter allows, in request order (what MLflow's
    /// runs/search and logged-models/search do with unreadable experiments: leave them out).
    /// An id is judged by its integer spelling, the one the store searches by, so `" 7"` or `"07"`
    /// cannot reach experiment 7 past a refusal; an id that is no integer is kept for the store
    /// to refuse with its usual error.
    func readable(experimentIds: [String]) -> [String] {
        experimentIds.filter { id in
            guard let key = try? ExperimentSearchKeys.experimentId(id) else { return true }
            return allows(String(key))
        }
    }
}
