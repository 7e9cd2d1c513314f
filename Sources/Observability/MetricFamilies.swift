import Synchronization

/// A monotonically increasing count per label set, counted here or read at scrape time from a
/// total kept elsewhere (the kernel's CPU time, the pool's waits): Prometheus' `rate()` and its
/// linter need the `counter` type for such totals.
public final class Counter: Sendable {
    public let name: String
    public let help: String
    private let values = Mutex<[MetricLabels: Double]>([:])
    private let reader: (@Sendable () -> [(MetricLabels, Double)])?

    init(name: String, help: String, reader: (@Sendable () -> [(MetricLabels, Double)])? = nil) {
        self.name = name
        self.help = help
        self.reader = reader
    }

    public func increment(_ labels: MetricLabels = .none, by amount: Double = 1) {
        values.withLock { $0[labels, default: 0] += amount }
    }

    public func value(_ labels: MetricLabels = .none) -> Double { values.withLock { $0[labels] ?? 0 } }

    func render(into out: inout String) {
        LabelledValues.render(name: name, help: help, type: "counter", series: reader?() ?? LabelledValues.sorted(values),
                              into: &out)
    }
}

/// A value that goes up and down, set directly or read from a closure at scrape time.
public final class Gauge: Sendable {
    public let name: String
    public let help: String
    private let values = Mutex<[MetricLabels: Double]>([:])
    private let reader: (@Sendable () -> [(MetricLabels, Double)])?

    init(name: String, help: String, reader: (@Sendable () -> [(MetricLabels, Double)])? = nil) {
        self.name = name
        self.help = help
        self.reader = reader
    }

    public func set(_ value: Double, _ labels: MetricLabels = .none) { values.withLock { $0[labels] = value } }
    public func add(_ amount: Double, _ labels: MetricLabels = .none) { values.withLock { $0[labels, default: 0] += amount } }
    public func value(_ labels: MetricLabels = .none) -> Double { values.withLock { $0[labels] ?? 0 } }

    func render(into out: inout String) {
        LabelledValues.render(name: name, help: help, type: "gauge", series: reader?() ?? LabelledValues.sorted(values),
                              into: &out)
    }
}

/// A counter's or gauge's series in the text format: HELP, TYPE, then one line per label set.
enum LabelledValues {
    static func sorted(_ values: borrowing Mutex<[MetricLabels: Double]>) -> [(MetricLabels, Double)] {
        values.withLock { $0 }.sorted { $0.key.rendered() < $1.key.rendered() }.map { ($0.key, $0.value) }
    }

    static func render(name: String, help: String, type: String, series: [(MetricLabels, Double)], into out: inout String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for (labels, value) in series {
            out += "\(name)\(labels.rendered()) \(PrometheusNumber.format(value))\n"
        }
    }
}

/// Observations counted into cumulative buckets, with their sum and count, per label set.
public final class Histogram: Sendable {
    public let name: String
    public let help: String
    public let bounds: [Double]
    private let series = Mutex<[MetricLabels: Buckets]>([:])

    struct Buckets {
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    init(name: String, help: String, bounds: [Double]) {
        self.name = name
        self.help = help
        self.bounds = bounds.sorted()
    }

    public func observe(_ value: Double, _ labels: MetricLabels = .none) {
        let index = bounds.firstIndex { value <= $0 } ?? bounds.count
        series.withLock { all in
            var buckets = all[labels] ?? Buckets(counts: Array(repeating: 0, count: bounds.count + 1))
            buckets.counts[index] += 1
            buckets.sum += value
            buckets.count += 1
            all[labels] = buckets
        }
    }

    public func count(_ labels: MetricLabels = .none) -> UInt64 { series.withLock { $0[labels]?.count ?? 0 } }

    func render(into out: inout String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        for (labels, buckets) in series.withLock({ $0 }).sorted(by: { $0.key.rendered() < $1.key.rendered() }) {
            var cumulative: UInt64 = 0
            for (index, bound) in bounds.enumerated() {
                cumulative += buckets.counts[index]
                out += "\(name)_bucket\(labels.rendered(extra: ("le", PrometheusNumber.format(bound)))) \(cumulative)\n"
            }
            out += "\(name)_bucket\(labels.rendered(extra: ("le", "+Inf"))) \(buckets.count)\n"
            out += "\(name)_sum\(labels.rendered()) \(PrometheusNumber.format(buckets.sum))\n"
            out += "\(name)_count\(labels.rendered()) \(buckets.count)\n"
        }
    }
}

enum PrometheusNumber {
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
