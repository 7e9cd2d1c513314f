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
}

/// The changes one request's handler emitted, in order (delivered only when it succeeds).
final class RegistryChanges: Sendable {
    private let emitted = Mutex<[RegistryChange]>([])

    func emit(_ change: RegistryChange) {
        emitted.withLock { $0.append(change) }
    }

    var all: [RegistryChange] { emitted.withLock { $0 } }
}
