#if canImport(Glibc)
import Glibc
#endif

/// What one client does in a loop. Each step is one HTTP request; setup steps are not timed.
struct Options: Sendable {
    var host = "127.0.0.1"
    var port: UInt16 = 5000
    var scenario = "health"
    var clients = 16
    var duration = 10.0
    var total = 0               // fill scenarios: a fixed number of items shared by all clients
    var experimentID = "0"
    var runID = ""
    var timeoutSeconds = 30
    var metricBatches = 5       // mixed: metric batches per run
    var batchMetrics = 20       // mixed: metrics per batch
}

/// A request a client is about to send.
struct Call {
    let method: String
    let path: String
    let body: [UInt8]?
    let keepBody: Bool
    let label: String
}

let api = "/api/2.0/mlflow"

func json(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Pulls `"run_id": "..."` (or `run_uuid`) out of a create-run answer without a JSON parser.
func extractRunID(_ body: [UInt8]) -> String? {
    for key in [Array("\"run_id\"".utf8), Array("\"run_uuid\"".utf8)] {
        guard body.count > key.count else { continue }
        var i = 0
        while i + key.count <= body.count {
            if body[i] == key[0] && Array(body[i..<(i + key.count)]) == key {
                var j = i + key.count
                while j < body.count && (body[j] == 32 || body[j] == 58) { j += 1 }
                guard j < body.count, body[j] == 34 else { break }
                j += 1
                var end = j
                while end < body.count && body[end] != 34 { end += 1 }
                return String(decoding: body[j..<end], as: UTF8.self)
            }
            i += 1
        }
    }
    return nil
}

/// Deterministic pseudo-random value in [0, 1) for item `i`, the same for every server.
func unit(_ i: Int, _ salt: Int) -> Double {
    var x = UInt64(truncatingIfNeeded: i &* 2654435761 &+ salt &* 40503 &+ 1)
    x ^= x >> 33; x = x &* 0xff51afd7ed558ccd; x ^= x >> 33; x = x &* 0xc4ceb9fe1a85ec53; x ^= x >> 33
    return Double(x % 1_000_000) / 1_000_000
}

func createRunCall(_ o: Options, name: String, startTime: Int64) -> Call {
    Call(method: "POST", path: "\(api)/runs/create",
         body: json(#"{"experiment_id":"\#(o.experimentID)","run_name":"\#(name)","start_time":\#(startTime),"tags":[{"key":"bench","value":"1"}]}"#),
         keepBody: true, label: "runs/create")
}

func nowMillis() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

/// Per-client state machine of a scenario.
final class ClientScript {
    let o: Options
    let client: Int
    var runID: String
    var iteration = 0
    var step = 0
    var phase = 0           // mixed: position in the create/params/metrics/end cycle
    var workflows = 0       // mixed: completed runs

    init(options: Options, client: Int) {
        o = options
        self.client = client
        runID = options.runID
    }

    /// Requests to send before the clock starts (e.g. a run of this client's own).
    func setupCalls() -> [Call] {
        switch o.scenario {
        case "log-batch", "log-metric":
            return [createRunCall(o, name: "bench-\(o.scenario)-\(client)", startTime: nowMillis())]
        default:
            return []
        }
    }

    func setupDone(_ call: Call, body: [UInt8]) {
        if call.label == "runs/create", let id = extractRunID(body) { runID = id }
    }

    /// The next timed request, or nil when a fill has no more items.
    func next(fillIndex: () -> Int?) -> Call? {
        iteration += 1
        let t = nowMillis()
        switch o.scenario {
        case "health":
            return Call(method: "GET", path: "/health", body: nil, keepBody: false, label: "health")
        case "create-run":
            return createRunCall(o, name: "c\(client)-\(iteration)", startTime: t)
        case "log-metric":
            step += 1
            return Call(method: "POST", path: "\(api)/runs/log-metric",
                        body: json(#"{"run_id":"\#(runID)","key":"loss","value":\#(unit(step, client)),"timestamp":\#(t),"step":\#(step)}"#),
                        keepBody: false, label: "runs/log-metric")
        case "log-batch":
            // 100 metrics (10 keys x 10 steps), 3 new params, 2 tags.
            var metrics: [String] = []
            metrics.reserveCapacity(100)
            for s in 0..<10 {
                step += 1
                for k in 0..<10 {
                    metrics.append(#"{"key":"m\#(k)","value":\#(unit(step, k)),"timestamp":\#(t),"step":\#(step)}"#)
                }
            }
            let params = (0..<3).map { #"{"key":"p\#(iteration)_\#($0)","value":"\#($0 * iteration)"}"# }
            let tags = [#"{"key":"phase","value":"\#(iteration % 7)"}"#, #"{"key":"client","value":"\#(client)"}"#]
            return Call(method: "POST", path: "\(api)/runs/log-batch",
                        body: json(#"{"run_id":"\#(runID)","metrics":[\#(metrics.joined(separator: ","))],"params":[\#(params.joined(separator: ","))],"tags":[\#(tags.joined(separator: ","))]}"#),
                        keepBody: false, label: "runs/log-batch")
        case "search-runs":
            return Call(method: "POST", path: "\(api)/runs/search",
                        body: json(#"{"experiment_ids":["\#(o.experimentID)"],"filter":"metrics.acc > 0.5 and params.model = 'rf'","order_by":["metrics.acc DESC"],"max_results":100}"#),
                        keepBody: false, label: "runs/search")
        case "get-history":
            return Call(method: "GET", path: "\(api)/metrics/get-history?run_id=\(o.runID)&metric_key=loss",
                        body: nil, keepBody: false, label: "metrics/get-history")
        case "mixed":
            return nextMixed(t)
        case "fill-search":
            return nextFillSearch(fillIndex)
        case "fill-history":
            guard let batch = fillIndex() else { return nil }
            let metrics = (0..<1000).map { j -> String in
                let s = batch * 1000 + j
                return #"{"key":"loss","value":\#(1.0 / Double(s + 1)),"timestamp":\#(1_700_000_000_000 + Int64(s)),"step":\#(s)}"#
            }
            return Call(method: "POST", path: "\(api)/runs/log-batch",
                        body: json(#"{"run_id":"\#(o.runID)","metrics":[\#(metrics.joined(separator: ","))]}"#),
                        keepBody: false, label: "fill/log-batch")
        default:
            fatalError("unknown scenario \(o.scenario)")
        }
    }

    /// The seed case study: create a run, log params, several metric batches, end the run.
    private func nextMixed(_ t: Int64) -> Call {
        let cycle = o.metricBatches + 3
        defer { phase = (phase + 1) % cycle }
        switch phase {
        case 0:
            step = 0
            return createRunCall(o, name: "mixed-\(client)-\(iteration)", startTime: t)
        case 1:
            let params = ["lr": "0.01", "batch_size": "64", "optimizer": "adam", "layers": "\(client % 8)", "seed": "\(iteration)"]
                .sorted { $0.key < $1.key }
                .map { #"{"key":"\#($0.key)","value":"\#($0.value)"}"# }
            return Call(method: "POST", path: "\(api)/runs/log-batch",
                        body: json(#"{"run_id":"\#(runID)","params":[\#(params.joined(separator: ","))],"tags":[{"key":"stage","value":"train"}]}"#),
                        keepBody: false, label: "runs/log-batch(params)")
        case cycle - 1:
            workflows += 1
            return Call(method: "POST", path: "\(api)/runs/update",
                        body: json(#"{"run_id":"\#(runID)","status":"FINISHED","end_time":\#(t)}"#),
                        keepBody: false, label: "runs/update")
        default:
            // Metric batches: a few keys, consecutive steps.
            let keys = ["loss", "acc", "lr", "grad_norm"]
            var metrics: [String] = []
            while metrics.count < o.batchMetrics {
                step += 1
                for k in keys where metrics.count < o.batchMetrics {
                    metrics.append(#"{"key":"\#(k)","value":\#(unit(step, k.count)),"timestamp":\#(t),"step":\#(step)}"#)
                }
            }
            return Call(method: "POST", path: "\(api)/runs/log-batch",
                        body: json(#"{"run_id":"\#(runID)","metrics":[\#(metrics.joined(separator: ","))]}"#),
                        keepBody: false, label: "runs/log-batch(metrics)")
        }
    }

    /// Pre-fill for search-runs: item i is a finished run with 2 metrics, 3 params, 1 tag.
    private var fillItem = -1
    private func nextFillSearch(_ fillIndex: () -> Int?) -> Call? {
        if phase == 0 {
            guard let i = fillIndex() else { return nil }
            fillItem = i
            phase = 1
            return createRunCall(o, name: "s\(i)", startTime: 1_700_000_000_000 + Int64(i) * 1000)
        }
        phase = 0
        let i = fillItem
        let model = ["rf", "xgb", "mlp"][i % 3]
        let t = 1_700_000_000_000 + Int64(i) * 1000
        return Call(method: "POST", path: "\(api)/runs/log-batch",
                    body: json(#"{"run_id":"\#(runID)","metrics":[{"key":"acc","value":\#(unit(i, 1)),"timestamp":\#(t),"step":0},{"key":"loss","value":\#(unit(i, 2)),"timestamp":\#(t),"step":0}],"params":[{"key":"model","value":"\#(model)"},{"key":"lr","value":"\#([0.1, 0.01, 0.001][i % 3])"},{"key":"depth","value":"\#(i % 10)"}],"tags":[{"key":"team","value":"\#(["a", "b", "c"][i % 3])"}]}"#),
                    keepBody: false, label: "fill/log-batch")
    }

    /// Feeds a timed answer back (mixed and fill-search need the new run's id).
    func answered(_ call: Call, status: Int, body: [UInt8]) {
        if call.label == "runs/create", (200..<300).contains(status), let id = extractRunID(body) {
            runID = id
        }
    }
}
