import TrackingCore

extension IdentifierFilter {
    /// The requested experiment ids this filter allows, in request order and in their integer
    /// spelling, the one the stores search by (what MLflow's runs/search and logged-models/search do
    /// with unreadable experiments: leave them out). `" 7"` or `"07"` cannot reach experiment 7 past
    /// a refusal, and an id that is no integer (`""` included, which an engine may read as 0) is
    /// refused with the stores' own message rather than passed on.
    func readable(experimentIds: [String]) throws -> [String] {
        var allowed: [String] = []
        for id in experimentIds {
            let key = String(try ExperimentSearchKeys.experimentId(id))
            if allows(key) { allowed.append(key) }
        }
        return allowed
    }
}
