import Synchronization
import TrackingCore

/// A change a registry handler made, as it made it: the handler emits it through its
/// `RouteRequest` once the store has done the work, and `RegistryEventPublisher` turns it into
/// MLflow's webhook event (model or prompt) and payload. Nothing is read back from the request or
/// the answer.
enum RegistryChange: Sendable, Equatable {
    case registeredModelCreated(name: String, tags: [Tag], description: String)
    case modelVersionCreated(name: String, version: String, source: String, runId: String?, tags: [Tag],
                             description: String?)
    case registeredModelTagSet(name: String, key: String, value: String)
    case registeredModelTagDeleted(name: String, key: String)
    case modelVersionTagSet(name: String, version: String, key: String, value: String)
    case modelVersionTagDeleted(name: String, version: String, key: String)
    case aliasSet(name: String, alias: String, version: String)
    case aliasDeleted(name: String, alias: String)
    /// No webhook event (MLflow has none); grants follow the model's new name.
    case registeredModelRenamed(from: String, to: String)
    /// No webhook event; grants on the model go with it.
    case registeredModelDeleted(name: String)
}

