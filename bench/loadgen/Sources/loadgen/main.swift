// loadgen: a fixed number of client threads, each on its own keep-alive HTTP/1.1 connection,
// sending the requests of one scenario for a fixed time (or a fixed number of fill items);
// every request's latency is recorded; the result is one JSON object on stdout.
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

func writeError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = write(2, &bytes, bytes.count)
}

func usage() -> Never {
    let text = """
    usage: loadgen --url http://127.0.0.1:PORT --scenario NAME [--clients N] [--duration S]
                   [--experiment-id ID] [--run-id ID] [--total N] [--timeout S]
    scenarios: health create-run log-batch log-metric search-runs get-history mixed
               fill-search (--total runs) fill-history (--total batches of 1000 steps)

    """
    writeError(text)
    exit(2)
}

func parseOptions() -> Options {
    var o = Options()
    var args = Array(CommandLine.arguments.dropFirst())
    func value() -> String {
        guard args.count >= 2 else { usage() }
        let v = args[1]
        args.removeFirst(2)
        return v
    }
    while let flag = args.first {
        switch flag {
        case "--url":
            let url = value()
            let hostPort = url.replacingPrefix("http://").split(separator: "/").first.map(String.init) ?? ""
            let hp = hostPort.split(separator: ":")
            o.host = String(hp.first ?? "127.0.0.1")
            if o.host == "localhost" { o.host = "127.0.0.1" }
            o.port = hp.count > 1 ? UInt16(hp[1]) ?? 80 : 80
        case "--scenario": o.scenario = value()
        case "--clients": o.clients = Int(value()) ?? o.clients
        case "--duration": o.duration = Double(value()) ?? o.duration
        case "--experiment-id": o.experimentID = value()
        case "--run-id": o.runID = value()
        case "--total": o.total = Int(value()) ?? 0
        case "--timeout": o.timeoutSeconds = Int(value()) ?? o.timeoutSeconds
        case "--metric-batches": o.metricBatches = Int(value()) ?? o.metricBatches
        case "--batch-metrics": o.batchMetrics = Int(value()) ?? o.batchMetrics
        default: usage()
        }
    }
    return o
}

extension String {
    func replacingPrefix(_ p: String) -> Substring { hasPrefix(p) ? dropFirst(p.count) : Substring(self) }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
        + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}

/// What one client thread saw.
struct ClientResult: Sendable {
    var latenciesMicros: [UInt32] = []
    var errors = 0
    var statuses: [Int: Int] = [:]
    var bytesIn = 0
    var workflows = 0
    var firstError: String? = nil
    var setupFailed = false
    var lastAnswer = 0.0
}

let options = parseOptions()
let fillCounter = Atomic<Int>(0)
let results = Mutex<[ClientResult]>([])
let ready = Atomic<Int>(0)
let startAt = Atomic<Int>(0)   // bit pattern of the start time once every client is set up
let timed = options.total == 0

nonisolated func runClient(_ index: Int) {
    let o = options
    let conn = HTTPConnection(host: o.host, port: o.port, timeoutSeconds: o.timeoutSeconds)
    let script = ClientScript(options: o, client: index)
    var r = ClientResult()
    r.latenciesMicros.reserveCapacity(timed ? 1 << 14 : 1 << 10)
    for call in script.setupCalls() {
        do {
            let answer = try conn.send(method: call.method, path: call.path, body: call.body, keepBody: true)
            if !(200..<300).contains(answer.status) {
                r.setupFailed = true
                r.firstError = "setup \(call.label): HTTP \(answer.status) \(String(decoding: answer.body.prefix(200), as: UTF8.self))"
            }
            script.setupDone(call, body: answer.body)
        } catch {
            r.setupFailed = true
            r.firstError = "setup \(call.label): \(error)"
        }
    }
    ready.add(1, ordering: .sequentiallyConsistent)
    while startAt.load(ordering: .acquiring) == 0 { usleep(200) }
    let start = Double(bitPattern: UInt64(startAt.load(ordering: .acquiring)))
    let deadline = start + o.duration
    let fill: () -> Int? = {
        let i = fillCounter.add(1, ordering: .relaxed).oldValue
        return i < o.total ? i : nil
    }
    while true {
        if timed && monotonicSeconds() >= deadline { break }
        guard let call = script.next(fillIndex: fill) else { break }
        let t0 = monotonicSeconds()
        do {
            let answer = try conn.send(method: call.method, path: call.path, body: call.body, keepBody: call.keepBody)
            let t1 = monotonicSeconds()
            r.lastAnswer = t1   // an answer still in flight at the deadline is awaited and counted
            r.latenciesMicros.append(UInt32(min((t1 - t0) * 1e6, Double(UInt32.max))))
            r.statuses[answer.status, default: 0] += 1
            r.bytesIn += answer.bytes
            if !(200..<300).contains(answer.status) {
                r.errors += 1
                if r.firstError == nil {
                    r.firstError = "\(call.label): HTTP \(answer.status) \(String(decoding: answer.body.prefix(200), as: UTF8.self))"
                }
            }
            script.answered(call, status: answer.status, body: answer.body)
        } catch {
            r.lastAnswer = monotonicSeconds()
            r.errors += 1
            r.statuses[0, default: 0] += 1
            if r.firstError == nil { r.firstError = "\(call.label): \(error)" }
            conn.close()
            usleep(10_000)
        }
    }
    r.workflows = script.workflows
    results.withLock { $0.append(r) }
}

var threads: [pthread_t] = []
for i in 0..<options.clients {
    guard let tid = spawnThread({ runClient(i) }) else { writeError("pthread_create failed\n"); exit(1) }
    threads.append(tid)
}

let setupDeadline = monotonicSeconds() + 60
while ready.load(ordering: .sequentiallyConsistent) < options.clients && monotonicSeconds() < setupDeadline { usleep(1000) }
let cpu0 = cpuSeconds()
let t0 = monotonicSeconds()
startAt.store(Int(bitPattern: UInt(t0.bitPattern)), ordering: .releasing)
for t in threads { pthread_join(t, nil) }
// The window runs until the last answer (no new request starts after the deadline).
let lastAnswer = results.withLock { $0.map(\.lastAnswer).max() ?? 0 }
let elapsed = max(timed ? options.duration : 0, lastAnswer - t0)
let cpu = cpuSeconds() - cpu0

report(elapsed: elapsed, cpu: cpu)

func report(elapsed: Double, cpu: Double) {
    let all = results.withLock { $0 }
    var latencies = all.flatMap(\.latenciesMicros)
    latencies.sort()
    let requests = latencies.count
    let errors = all.reduce(0) { $0 + $1.errors }
    var statuses: [Int: Int] = [:]
    for r in all { for (k, v) in r.statuses { statuses[k, default: 0] += v } }
    func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        let i = min(latencies.count - 1, Int((p / 100 * Double(latencies.count)).rounded(.up)) - 1)
        return Double(latencies[max(0, i)]) / 1000
    }
    let mean = latencies.isEmpty ? 0 : Double(latencies.reduce(0) { $0 + Int($1) }) / Double(latencies.count) / 1000
    let firstError = all.compactMap(\.firstError).first
    let setupFailures = all.filter(\.setupFailed).count
    func q(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out += ch.value < 0x20 ? " " : String(ch)
            }
        }
        return out + "\""
    }
    func f(_ x: Double) -> String {
        let r = (x * 1000).rounded() / 1000
        return "\(r)"
    }
    let statusJSON = statuses.sorted { $0.key < $1.key }.map { "\(q(String($0.key))):\($0.value)" }.joined(separator: ",")
    let bytesIn = all.reduce(0) { $0 + $1.bytesIn }
    let workflows = all.reduce(0) { $0 + $1.workflows }
    print("""
    {"scenario":\(q(options.scenario)),"clients":\(options.clients),"duration_s":\(f(elapsed)),\
    "requests":\(requests),"errors":\(errors),"rps":\(f(Double(requests) / max(elapsed, 1e-9))),\
    "p50_ms":\(f(percentile(50))),"p95_ms":\(f(percentile(95))),"p99_ms":\(f(percentile(99))),\
    "max_ms":\(f(percentile(100))),"mean_ms":\(f(mean)),"status":{\(statusJSON)},\
    "bytes_in_per_req":\(requests > 0 ? bytesIn / requests : 0),"workflows":\(workflows),\
    "workflows_per_s":\(f(Double(workflows) / max(elapsed, 1e-9))),\
    "client_cpu_s":\(f(cpu)),"client_cpu_us_per_req":\(f(requests > 0 ? cpu / Double(requests) * 1e6 : 0)),\
    "setup_failures":\(setupFailures),"first_error":\(firstError.map(q) ?? "null")}
    """)
}
