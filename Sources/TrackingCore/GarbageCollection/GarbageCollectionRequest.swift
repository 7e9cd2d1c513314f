/// What the caller of `swiftrack gc` asked for: optional subsets (nil: everything eligible of
/// that kind, as `mlflow gc`), the minimum age of a deletion, and the clock.
public struct GarbageCollectionRequest: Sendable, Equatable {
    public var runIds: [String]?
    public var experimentIds: [String]?
    public var loggedModelIds: [String]?
    /// `--older-than` as given and in milliseconds; nil: any age.
    public var olderThan: OlderThan?
    /// Epoch milliseconds the cutoff is measured back from.
    public var now: Int64

    public init(runIds: [String]? = nil, experimentIds: [String]? = nil, loggedModelIds: [String]? = nil,
                olderThan: OlderThan? = nil, now: Int64) {
        self.runIds = runIds
        self.experimentIds = experimentIds
        self.loggedModelIds = loggedModelIds
        self.olderThan = olderThan
        self.now = now
    }

    /// Deletions at or before this instant are old enough (MLflow's `now - older_than`).
    public var cutoff: Int64 { now - (olderThan?.milliseconds ?? 0) }
}

/// `--older-than` in MLflow's format: `30d`, `1d2h3m4s`, `1.5h` (days, hours, minutes, seconds,
/// each optional, in that order, decimals allowed).
public struct OlderThan: Sendable, Equatable {
    public let text: String
    public let milliseconds: Int64

    public init(_ text: String) throws(MLflowError) {
        let units: [(Character, Double)] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)]
        var rest = Substring(text)
        var total = 0.0
        var unitIndex = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            guard !number.isEmpty, let value = Double(number), let unit = rest.first,
                  let position = units[unitIndex...].firstIndex(where: { $0.0 == unit }) else {
                throw Self.unparsable(text)
            }
            total += value * units[position].1
            unitIndex = position + 1
            rest = rest.dropFirst()
            if unitIndex == units.count, !rest.isEmpty { throw Self.unparsable(text) }
        }
        self.text = text
        // timedelta(...).total_seconds() * 1000, truncated by int().
        self.milliseconds = Int64(total.rounded(.towardZero))
    }

    private static func unparsable(_ text: String) -> MLflowError {
        .invalidParameter("Could not parse any time information from '\(text)'. "
            + "Examples of valid strings: '8h', '2d8h5m20s', '2m4s'")
    }
}
