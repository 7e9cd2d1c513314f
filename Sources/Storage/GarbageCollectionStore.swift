public import TrackingCore

/// Permanent deletion for `swiftrack gc`: reads what is in the `deleted` lifecycle stage and removes
/// a run, a logged model or an experiment with every row that belongs to it. Each call is one
/// transaction; failures are thrown as `MLflowError`.
public protocol GarbageCollectionStore: Sendable {
    /// The deleted runs, experiments and logged models, everything inside a deleted experiment,
    /// the named ids in whatever stage they are, and every registered model version's pointers.
    func garbageCollectionInventory(runIds: [String], experimentIds: [String],
                                    loggedModelIds: [String]) throws -> GarbageCollectionInventory

    /// Removes a deleted run with its params, metrics, latest metrics, tags, dataset inputs,
    /// model inputs and outputs, and the logged-model metrics logged from it. Refused (nothing
    /// changes) when the run is no longer deleted or a model version names it meanwhile.
    /// Returns the number of rows removed.
    @discardableResult
    func hardDeleteRun(id: String) throws -> Int

    /// Removes a logged model (deleted, or in a deleted experiment) with its tags, params, metrics
    /// and input/output links. Refused when a model version names it. Returns the rows removed.
    @discardableResult
    func hardDeleteLoggedModel(id: String) throws -> Int

    /// Removes a deleted experiment that holds no runs or logged models any more, with its tags
    /// and datasets. Returns the rows removed.
    @discardableResult
    func hardDeleteExperiment(id: String) throws -> Int
}
