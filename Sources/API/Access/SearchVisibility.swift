import HTTPTransport
import TrackingCore

/// What the caller of a request may read, so that searches answer only that. Present when
/// access control is on; the search handlers then narrow their queries with it.
protocol SearchVisibility: Sendable {
    /// Experiment ids (for experiments, runs and logged models).
    func readableExperiments(_ request: RouteRequest) throws -> IdentifierFilter
    /// Registered model names (for registered models and their versions).
    func readableRegisteredModels(_ request: RouteRequest) throws -> IdentifierFilter
}
