import Synchronization

/// What a handler did, said by the handler as it did it (never read back from the request or the
/// answer): the audit log takes the ids it created, the access control the creator's grants, the
/// webhooks the registry's changes. Consumed only when the request succeeds.
enum RouteEvent: Sendable, Equatable {
    case experimentCreated(id: String)
    case runCreated(id: String)
    case loggedModelCreated(id: String)
    /// A move into a protected stage or alias required the version's seal, with this digest.
    case sealRequired(name: String, version: String, digest: String)
    case registry(RegistryChange)
}

/// The events one request's handler emitted, in order.
final class RouteEvents: Sendable {
    private let emitted = Mutex<[RouteEvent]>([])

    func emit(_ event: RouteEvent) {
        emitted.withLock { $0.append(event) }
    }

    func emit(_ change: RegistryChange) {
        emit(.registry(change))
    }

    var all: [RouteEvent] { emitted.withLock { $0 } }

    /// The registry's changes among them, for the webhooks.
    var registryChanges: [RegistryChange] {
        all.compactMap { if case .registry(let change) = $0 { change } else { nil } }
    }
}
