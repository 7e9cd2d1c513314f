import Dispatch
import Synchronization
import Testing
@testable import Lifecycle

/// A service that records its starts and stops in a shared journal, and can fail to start or
/// take a while to stop.
private final class FakeService: Service {
    struct StartFailure: Error, Equatable {}

    let name: String
    private let journal: Journal
    private let failsToStart: Bool
    private let stopTakes: Duration
    let deadlineSeen = Mutex<ContinuousClock.Instant?>(nil)

    init(_ name: String, journal: Journal, failsToStart: Bool = false, stopTakes: Duration = .zero) {
        self.name = name
        self.journal = journal
        self.failsToStart = failsToStart
        self.stopTakes = stopTakes
    }

    func start() throws {
        if failsToStart { throw StartFailure() }
        journal.append("start \(name)")
    }

    func stop(deadline: ContinuousClock.Instant) {
        deadlineSeen.withLock { $0 = deadline }
        journal.append("stop \(name)")
        if stopTakes > .zero {
            let done = DispatchSemaphore(value: 0)
            _ = done.wait(timeout: ContinuousClock.now.advanced(by: stopTakes).dispatchTime)
            journal.append("stopped late \(name)")
        }
    }
}

private final class Journal: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

@Suite struct ServiceGroupTests {
    @Test func startsInOrderAndStopsInReverse() throws {
        let journal = Journal()
        let group = ServiceGroup(["a", "b", "c"].map { .init(FakeService($0, journal: journal), stopBudget: .seconds(5)) })
        try group.start()
        #expect(journal.all == ["start a", "start b", "start c"])
        #expect(group.stop() == [.stopped("c"), .stopped("b"), .stopped("a")])
        #expect(journal.all == ["start a", "start b", "start c", "stop c", "stop b", "stop a"])
        // Stopped once: a second stop has nothing left to stop.
        #expect(group.stop() == [])
    }

    @Test func eachStopIsToldItsOwnDeadline() throws {
        let journal = Journal()
        let quick = FakeService("quick", journal: journal)
        let slow = FakeService("slow", journal: journal)
        let group = ServiceGroup([.init(slow, stopBudget: .seconds(30)), .init(quick, stopBudget: .seconds(2))])
        try group.start()
        let before = ContinuousClock.now
        group.stop()
        let after = ContinuousClock.now
        // Each deadline is its own budget from when its stop began.
        let quickDeadline = try #require(quick.deadlineSeen.withLock { $0 })
        let slowDeadline = try #require(slow.deadlineSeen.withLock { $0 })
        #expect(quickDeadline >= before.advanced(by: .seconds(2)))
        #expect(quickDeadline <= after.advanced(by: .seconds(2)))
        #expect(slowDeadline >= before.advanced(by: .seconds(30)))
        #expect(slowDeadline <= after.advanced(by: .seconds(30)))
    }

    @Test func anOverrunningStopIsLoggedAndTheNextStillRuns() throws {
        let journal = Journal()
        let logged = Journal()
        let group = ServiceGroup([
            .init(FakeService("database", journal: journal), stopBudget: .seconds(5)),
            .init(FakeService("stuck", journal: journal, stopTakes: .seconds(3)), stopBudget: .milliseconds(200)),
        ], log: { logged.append($0) })
        try group.start()
        let clock = ContinuousClock()
        var outcomes: [ServiceGroup.StopOutcome] = []
        let elapsed = clock.measure { outcomes = group.stop() }
        #expect(outcomes == [.overran("stuck"), .stopped("database")])
        // The group waited for the stuck stop's budget, not for the stop itself.
        #expect(elapsed >= .milliseconds(200))
        #expect(elapsed < .seconds(2))
        #expect(journal.all == ["start database", "start stuck", "stop stuck", "stop database"])
        #expect(logged.all == ["stuck did not stop within 0.2 seconds; going on without it"])
    }

    @Test func aFailingStartStopsWhatAlreadyStarted() {
        let journal = Journal()
        let logged = Journal()
        let group = ServiceGroup([
            .init(FakeService("a", journal: journal), stopBudget: .seconds(5)),
            .init(FakeService("b", journal: journal), stopBudget: .seconds(5)),
            .init(FakeService("port", journal: journal, failsToStart: true), stopBudget: .seconds(5)),
            .init(FakeService("never", journal: journal), stopBudget: .seconds(5)),
        ], log: { logged.append($0) })
        #expect(throws: FakeService.StartFailure()) { try group.start() }
        #expect(journal.all == ["start a", "start b", "stop b", "stop a"])
        #expect(logged.all == ["port could not start: StartFailure(); stopping what started"])
        #expect(group.stop() == [])
    }
}
