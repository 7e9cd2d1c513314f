import Storage
import TrackingCore

/// The model registry's routes (model_registry.proto), present when the API has a registry store.
struct RegistryRoutes {
    let registry: any RegistryStore
    let transitionRequests: (any TransitionRequestStore)?
    /// Seals versions moved into protected stages and aliases.
    let sealer: ModelVersionSealer
    /// With access control, what each caller may read: the searches answer only that.
    var visibility: (any SearchVisibility)? = nil

    var routes: [Route] {
        RegisteredModelRoutes(registry: registry, visibility: visibility).routes
            + ModelVersionRoutes(registry: registry, sealer: sealer, visibility: visibility).routes
            + RegistryAliasRoutes(registry: registry, sealer: sealer).routes
            + RegistryRollbackRoutes(registry: registry, sealer: sealer).routes
            + ModelVersionSealRoutes(registry: registry, sealer: sealer).routes
            + (transitionRequests.map { TransitionRequestRoutes(store: $0, sealer: sealer).routes } ?? [])
    }
}

extension RequestFields {
    /// A search's `max_results`: intlike and at most `limit`, else MLflow's schema message (which prints the
    /// value as sent: `"1001"` from a query string).
    func maxResults(limit: Int, default defaultValue: Int) throws(MLflowError) -> Int {
        guard let raw = raw("max_results"), raw != .null else { return defaultValue }
        guard let value = try int64("max_results") else { return defaultValue }
        if value > Int64(limit) { throw Self.typeError("max_results", raw) }
        return Int(clamping: value)
    }
}
