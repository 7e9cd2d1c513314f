/// A part of the server with threads of its own (a worker pool, a writer, a dispatcher): started
/// once, stopped once. `ServiceGroup` starts and stops a server's services together.
public protocol Service: Sendable {
    /// Names the service in the start and stop log.
    var name: String { get }
    /// Starts the service's threads; throws when it cannot run (the group then stops what started).
    func start() throws
    /// Finishes the service's work and ends its threads, returning by `deadline`: work still
    /// unfinished then is given up (and said so by the service). The group does not wait past the
    /// deadline either way.
    func stop(deadline: ContinuousClock.Instant)
}

/// A service made of two closures, for a part whose stop is one call (closing a database,
/// logging what was flushed) and that has no thread to start.
public struct ClosureService: Service {
    public let name: String
    private let startBody: @Sendable () throws -> Void
    private let stopBody: @Sendable (ContinuousClock.Instant) -> Void

    public init(_ name: String, start: @escaping @Sendable () throws -> Void = {},
                stop: @escaping @Sendable (ContinuousClock.Instant) -> Void) {
        self.name = name
        self.startBody = start
        self.stopBody = stop
    }

    public func start() throws { try startBody() }
    public func stop(deadline: ContinuousClock.Instant) { stopBody(deadline) }
}
