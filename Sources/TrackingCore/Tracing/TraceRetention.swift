/// How long an experiment's traces are kept: the server's default (`--trace-retention`), or the
/// experiment's own tag `swiftrack.traceRetention`, which wins (shorter or longer). Durations are
/// written as MLflow writes its trace archival retention: `<int><unit>` with the unit `m`, `h` or
/// `d` ("30d", "12h"). Traces the server received longer ago than the retention are deleted, with
/// their spans, assessments and links, by the server in the background. Received, not started: a
/// trace's start comes from its client, and moving it back must not delete someone's trace.
public enum TraceRetention {
    /// The experiment tag that sets an experiment's own retention.
    public static let tag = "swiftrack.traceRetention"

    /// Milliseconds in a duration such as "30d"; MLflow's messages for what is not one.
    public static func milliseconds(_ text: String) throws -> Int64 {
        let trimmed = text.trimmingPythonWhitespace()
        guard trimmed.utf8.count <= 32 else {
            throw MLflowError.invalidParameter("Trace retention must be at most 32 characters.")
        }
        let unit = trimmed.last
        let digits = trimmed.dropLast()
        let scale: Int64? = switch unit {
        case "m": 60_000
        case "h": 3_600_000
        case "d": 86_400_000
        default: nil
        }
        guard let scale, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let count = Int64(digits), count > 0 else {
            throw MLflowError.invalidParameter(
                "Trace retention must be in the form `<int><unit>`, where unit is one of 'm', 'h', or 'd' "
                    + "(for example '30d' or '12h'), got '\(text)'.")
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw MLflowError.invalidParameter("Trace retention '\(text)' is too long.") }
        return product
    }

    /// One pass's work: for each experiment with its own valid tag, the traces older than its
    /// cutoff; for the other active experiments, those older than the default's cutoff, if there is
    /// a default. An experiment whose tag is not a duration keeps its traces (deleting is not
    /// undone, so a typo must not fall back to a shorter default) and is reported.
    public struct Pass: Equatable, Sendable {
        public enum Scope: Equatable, Sendable {
            case experiment(String)
            /// Active experiments without the retention tag.
            case untaggedExperiments
        }

        public struct Target: Equatable, Sendable {
            public var scope: Scope
            /// Traces received before this time (epoch milliseconds) go.
            public var cutoffMillis: Int64

            public init(scope: Scope, cutoffMillis: Int64) {
                self.scope = scope
                self.cutoffMillis = cutoffMillis
            }
        }

        public var targets: [Target] = []
        /// Experiments whose tag could not be read, with the reason.
        public var unreadable: [(experimentId: String, message: String)] = []

        public init(now: Int64, defaultMillis: Int64?, tags: [String: String]) {
            for (experimentId, value) in tags.sorted(by: { $0.key < $1.key }) {
                do {
                    targets.append(Target(scope: .experiment(experimentId), cutoffMillis: now - (try milliseconds(value))))
                } catch {
                    unreadable.append((experimentId, (error as? MLflowError)?.message ?? "\(error)"))
                }
            }
            if let defaultMillis { targets.append(Target(scope: .untaggedExperiments, cutoffMillis: now - defaultMillis)) }
        }

        public static func == (lhs: Pass, rhs: Pass) -> Bool {
            lhs.targets == rhs.targets && lhs.unreadable.map(\.experimentId) == rhs.unreadable.map(\.experimentId)
        }
    }
}
