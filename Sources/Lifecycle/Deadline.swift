public import Dispatch

extension ContinuousClock.Instant {
    /// The same moment for a semaphore wait (`DispatchSemaphore.wait(timeout:)`); a deadline in
    /// the past is now.
    public var dispatchTime: DispatchTime {
        let (seconds, attoseconds) = ContinuousClock.now.duration(to: self).components
        guard seconds >= 0, attoseconds >= 0 else { return .now() }
        // Beyond a day is as good as unbounded, and stays clear of overflow.
        return .now() + .nanoseconds(Int(min(seconds, 86_400)) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}
