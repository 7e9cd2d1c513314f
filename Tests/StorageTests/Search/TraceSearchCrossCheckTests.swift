@testable import SQL
import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

/// The tag-index search (`TraceSearchCompiler+TagIndex`) against the general query it replaces,
/// over varied traces written through the store (started, made by spans, moved by later spans and
/// starts, tags set), on every engine: random filters, orders, experiments and page sizes, every
/// page compared. Values include the cases the engines' indexes treat apart: longer than the
/// 200-character prefix PostgreSQL and MariaDB index, sharing that prefix, multi-byte, differing in
/// case or a trailing space. The plain tag equality is also checked against the traces read back
/// and filtered and ordered here, so the two queries cannot agree on a wrong answer.
@Suite("Trace search: the tag index against the general query")
struct TraceSearchCrossCheckTests {
    /// SplitMix64: the same data and queries on every run and engine.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    static let long = String(repeating: "x", count: 250)
    static let values = ["prod", "dev", "Prod", "prod ", long, String(long.prefix(200)) + String(repeating: "y", count: 50),
                         String(repeating: "é", count: 199) + "z", String(repeating: "ü", count: 100), "a-b"]
    static let keys = ["env", "team", "mlflow.traceName", "k"]

    @Test(arguments: TestEngine.all) func bothQueriesGiveTheSamePages(engine: TestEngine) throws {
        var random = Random(state: 2026_12_08)
        let store = try engine.makeStore()
        let first = try store.createExperiment(name: "a", artifactLocation: nil, tags: [])
        let second = try store.createExperiment(name: "b", artifactLocation: nil, tags: [])
        try Self.fill(store, experiments: [first, first, first, second], &random)

        var indexed = 0
        var pages = 0
        for round in 0..<160 {
            let experiments = random.chance(80) ? [first] : random.pick([[first, second], [second]])
            let filter = Self.filter(&random)
            let order = random.chance(60) ? [] : random.pick([
                ["timestamp_ms DESC"], ["timestamp_ms DESC", "request_id ASC"], ["timestamp_ms ASC"],
                ["tags.env DESC"], ["execution_time_ms ASC"], ["request_id ASC"],
            ])
            let pageSize = 1 + random.below(7)
            var offset = 0
            var all: [String] = []
            while true {
                let fast = try TraceSearchCompiler.compile(experimentIds: experiments, filter: filter, orderBy: order,
                                                           limit: pageSize, offset: offset, dialect: store.database.dialect)
                let general = try TraceSearchCompiler.compile(experimentIds: experiments, filter: filter, orderBy: order,
                                                              limit: pageSize, offset: offset,
                                                              dialect: store.database.dialect, tagIndex: false)
                let got = try Self.run(fast, store)
                #expect(got == (try Self.run(general, store)),
                        "round \(round): \(filter) order \(order) in \(experiments), page at \(offset)")
                if fast.sql.hasPrefix("SELECT d.request_id FROM trace_tags") { indexed += 1 }
                pages += 1
                all += got
                if got.count < pageSize { break }
                offset += pageSize
            }
            if let (key, value) = Self.plainEquality(filter), order.isEmpty, experiments.count == 1 {
                #expect(all == (try Self.reference(store, experiments[0], key: key, value: value)), "round \(round): \(filter)")
            }
        }
        // The comparison is not vacuous: many pages took the index, many the general query.
        #expect(indexed > 150, "\(indexed) of \(pages) pages read the tag index")
        #expect(pages - indexed > 150, "\(pages - indexed) of \(pages) pages took the general query")
    }

    /// 200 traces: started, or made by spans, some moved afterwards; times in a narrow range so
    /// many share one (the order's tie-break decides).
    static func fill(_ store: SQLTrackingStore, experiments: [String], _ random: inout Random) throws {
        for _ in 0..<200 {
            let id = "tr-" + String(random.next() % 1_000_000_007, radix: 16)
            let experiment = random.pick(experiments)
            var tags: [Tag] = []
            for key in keys where random.chance(45) { tags.append(Tag(key: key, value: random.pick(values))) }
            let time = Int64(10_000 + random.below(60))
            if random.chance(50) {
                _ = try store.startTrace(TraceInfo(
                    traceId: id, experimentId: experiment, clientRequestId: nil, requestTime: time,
                    executionDuration: random.chance(20) ? nil : Int64(random.below(50)), state: random.pick([.ok, .error]),
                    requestPreview: nil, responsePreview: nil, tags: tags, metadata: [Tag(key: "m", value: random.pick(["x", "y"]))]))
            } else {
                try store.logSpans(experimentId: experiment, [TraceSpanBatch(
                    traceId: id, spans: [span(id, "00000000000000b1", parent: "00000000000000aa", start: time)],
                    resourceTags: tags)])
                if random.chance(50) {
                    // The root arrives earlier: the trace's time moves, and with it its tags' copies.
                    try store.logSpans(experimentId: experiment, [TraceSpanBatch(
                        traceId: id, spans: [span(id, "00000000000000aa", parent: nil, start: time - Int64(random.below(40)))],
                        root: RootSpanFacts(state: .ok, requestPreview: nil, responsePreview: nil, tags: [Tag(key: "late", value: "1")]))])
                }
            }
            if random.chance(25) {
                try store.setTraceTag(traceId: id, key: random.pick(keys), value: random.pick(values))
            }
        }
    }

    static func span(_ trace: String, _ id: String, parent: String?, start: Int64) -> TraceSpan {
        TraceSpan(traceId: trace, spanId: id, parentSpanId: parent, name: "s", spanType: "LLM", status: "OK",
                  startTimeUnixNano: start * 1_000_000, endTimeUnixNano: (start + 5) * 1_000_000, content: "{}")
    }

    static func filter(_ random: inout Random) -> String {
        var clauses: [String] = []
        if random.chance(85) { clauses.append("tags.\(quotedKey(random.pick(keys))) = '\(random.pick(values))'") }
        for _ in 0..<random.below(3) {
            clauses.append(random.pick([
                "tags.\(quotedKey(random.pick(keys))) = '\(random.pick(values))'",
                "tags.env != 'prod'", "tags.team LIKE 'pr%'", "tags.env ILIKE 'PROD'", "tags.k IS NULL",
                "status = 'OK'", "trace.status = 'IN_PROGRESS'", "timestamp_ms > 10030", "execution_time_ms < 20",
                "metadata.m = 'x'", "name = 'dev'", "span.type = 'LLM'",
            ]))
        }
        return clauses.joined(separator: " AND ")
    }

    /// `mlflow.traceName` has a dot: quoted as MLflow's grammar wants it.
    static func quotedKey(_ key: String) -> String { key.contains(".") ? "`\(key)`" : key }

    /// The filter when it is a single tag equality.
    static func plainEquality(_ filter: String) -> (String, String)? {
        guard !filter.contains(" AND "), filter.hasPrefix("tags."), let equals = filter.range(of: " = '") else { return nil }
        let key = String(filter[filter.index(filter.startIndex, offsetBy: 5)..<equals.lowerBound])
            .replacingOccurrences(of: "`", with: "")
        return (key, String(filter[equals.upperBound...].dropLast()))
    }

    static func run(_ query: CompiledQuery, _ store: SQLTrackingStore) throws -> [String] {
        try store.database.read { connection in try connection.query(query.sql, query.bindings) { $0.string(0) } }
    }

    /// Every trace of the experiment read back, filtered and ordered here: bytes compared (Swift's
    /// `==` on strings is canonical equivalence, the databases' is not), newest first, then by id.
    static func reference(_ store: SQLTrackingStore, _ experiment: String, key: String, value: String) throws -> [String] {
        let everything = try TraceSearchCompiler.compile(experimentIds: [experiment], filter: "", orderBy: [],
                                                         limit: 10_000, offset: 0, dialect: store.database.dialect)
        let traces = try store.batchGetTraceInfos(traceIds: try run(everything, store), experimentIds: nil)
        return traces.filter { trace in
            trace.tags.contains { Array($0.key.utf8) == Array(key.utf8) && Array($0.value.utf8) == Array(value.utf8) }
        }
            .sorted { a, b in
                a.requestTime != b.requestTime ? a.requestTime > b.requestTime
                    : Array(a.traceId.utf8).lexicographicallyPrecedes(Array(b.traceId.utf8))
            }
            .map(\.traceId)
    }
}
