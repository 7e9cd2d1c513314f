import Crypto
import Dispatch
import Foundation
public import JSON
public import Lifecycle
public import Storage
import Synchronization
public import TrackingCore

/// Sends recorded deliveries off the request path: `threads` threads take the deliveries that are
/// due (so one slow receiver does not hold up the others), make one attempt each, record it, and schedules a retry after the policy's backoff on a
/// network error, 429 or 5xx. Deliveries are in the database first, so one left pending by a
/// stopped server is picked up at the next start.
public final class WebhookDispatcher: Service {
    public let name = "webhook dispatcher"
    private struct Due: Sendable {
        var deliveryId: String
        var at: Int64
    }

    private let store: any WebhookStore
    private let sender: WebhookSender
    public let retry: WebhookRetryPolicy
    private let log: @Sendable (String) -> Void
    private let queue = Mutex<(items: [Due], stopped: Bool)>(([], false))
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)
    private let threads: Int

    public init(store: any WebhookStore, sender: WebhookSender, retry: WebhookRetryPolicy = WebhookRetryPolicy(),
                threads: Int = 4, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.threads = max(1, threads)
        self.store = store
        self.sender = sender
        self.retry = retry
        self.log = log
    }

    /// Starts the thread and queues what an earlier run left pending.
    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if let pending = try? store.pendingDeliveries(limit: 10_000) {
            queue.withLock { state in
                state.items += pending.map { Due(deliveryId: $0.id, at: $0.nextAttemptTimestamp ?? 0) }
            }
        }
        for index in 0..<threads {
            let thread = Thread { [self] in run() }
            thread.name = "swiftrack-webhooks-\(index)"
            thread.start()
        }
    }

    /// Ends the threads once their current attempt is done, waiting until `deadline`. A delivery
    /// whose attempt is still running then stays pending and is retried at the next start.
    public func stop(deadline: ContinuousClock.Instant) {
        queue.withLock { $0.stopped = true }
        for _ in 0..<threads { wake.signal() }
        guard started.load(ordering: .acquiring) else { return }
        for _ in 0..<threads where finished.wait(timeout: deadline.dispatchTime) == .timedOut {
            log("webhooks: an attempt still running at shutdown was left behind; its delivery stays pending")
            return
        }
    }

    /// Records a delivery of `data` for `event` to each active webhook subscribed to it, and wakes the thread.
    public func publish(_ event: WebhookEvent, data: JSONValue) {
        do {
            let hooks = try store.webhooks(subscribedTo: event).filter { $0.status == .active }
            guard !hooks.isEmpty else { return }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            var due: [Due] = []
            for hook in hooks {
                let payload = WebhookPayload.body(event: event, data: data)
                let delivery = WebhookDelivery(id: RandomID.uuid4(), webhookId: hook.id, event: event, payload: payload,
                                               payloadDigest: SHA256.hex(payload),
                                               creationTimestamp: now, nextAttemptTimestamp: now)
                try store.recordDelivery(delivery)
                due.append(Due(deliveryId: delivery.id, at: now))
            }
            queue.withLock { $0.items += due }
            for _ in due { wake.signal() }
        } catch {
            log("webhooks: recording deliveries of \(event.name) failed: \(error)")
        }
    }

    private func run() {
        defer { finished.signal() }
        while true {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let (ready, nextAt, stopped) = queue.withLock { state -> ([Due], Int64?, Bool) in
                let ready = state.items.filter { $0.at <= now }
                state.items.removeAll { $0.at <= now }
                return (ready, state.items.map(\.at).min(), state.stopped)
            }
            if stopped {
                wake.signal()   // pass the stop on to the next thread
                return
            }
            for item in ready { attempt(item.deliveryId) }
            if ready.isEmpty {
                if let nextAt {
                    _ = wake.wait(timeout: .now() + .milliseconds(Int(max(1, min(nextAt - now, 60_000)))))
                } else {
                    wake.wait()
                }
            }
        }
    }

    private func attempt(_ deliveryId: String) {
        do {
            guard let delivery = try store.delivery(id: deliveryId), delivery.state == .pending else { return }
            let hook = try? store.webhook(id: delivery.webhookId)
            let attemptNumber = delivery.attempts + 1
            let timestamp = String(Int64(Date().timeIntervalSince1970))
            let answer: WebhookSender.Answer
            if let hook, hook.status == .active {
                answer = sender.send(url: hook.url, secret: hook.secret, deliveryId: delivery.id, timestamp: timestamp,
                                     payload: delivery.payload)
            } else {
                answer = WebhookSender.Answer(status: nil, body: "", error: "The webhook was deleted or disabled.")
            }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            var state = retry.stateAfter(attempt: attemptNumber, status: answer.status)
            if hook == nil || hook?.status != .active { state = .failed }
            let next = state == .pending ? now + retry.delayMillis(afterAttempt: attemptNumber) : nil
            try store.recordAttempt(deliveryId: delivery.id, WebhookAttemptOutcome(
                state: state, responseStatus: answer.status, error: answer.error, attemptedAt: now, nextAttemptAt: next))
            if let next { queue.withLock { $0.items.append(Due(deliveryId: delivery.id, at: next)) } }
            if state == .failed {
                log("webhooks: delivery \(delivery.id) of \(delivery.event.name) failed after \(attemptNumber) attempts: "
                    + (answer.error ?? "HTTP \(answer.status ?? 0)"))
            }
        } catch {
            log("webhooks: delivery \(deliveryId) could not be attempted: \(error)")
        }
    }
}
