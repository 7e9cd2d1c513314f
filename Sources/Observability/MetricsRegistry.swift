import Synchronization

/// Every metric family of the process, rendered in Prometheus' text exposition format (0.0.4).
public final class MetricsRegistry: Sendable {
    private enum Family: Sendable {
        case counter(Counter)
        case gauge(Gauge)
        case histogram(Histogram)
    }

    private let families = Mutex<[Family]>([])

    public init() {}

    public func counter(_ name: String, help: String, reader: (@Sendable () -> [(MetricLabels, Double)])? = nil) -> Counter {
        let counter = Counter(name: name, help: help, reader: reader)
        families.withLock { $0.append(.counter(counter)) }
        return counter
    }

    public func gauge(_ name: String, help: String, reader: (@Sendable () -> [(MetricLabels, Double)])? = nil) -> Gauge {
        let gauge = Gauge(name: name, help: help, reader: reader)
        families.withLock { $0.append(.gauge(gauge)) }
        return gauge
    }

    public func histogram(_ name: String, help: String, bounds: [Double]) -> Histogram {
        let histogram = Histogram(name: name, help: help, bounds: bounds)
        families.withLock { $0.append(.histogram(histogram)) }
        return histogram
    }

    public func exposition() -> String {
        var out = ""
        for family in families.withLock({ $0 }) {
            switch family {
            case .counter(let counter): counter.render(into: &out)
            case .gauge(let gauge): gauge.render(into: &out)
            case .histogram(let histogram): histogram.render(into: &out)
            }
        }
        return out
    }

    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
