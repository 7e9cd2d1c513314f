import JSON
import TrackingCore

/// The bytes of `{"metrics": [...], "next_page_token": ...}` written straight from the metrics,
/// without a `JSONValue` tree: a 100,000-step history is a 7 MB answer, and building and then
/// walking 100,000 small objects cost more than writing them. Same bytes as `Metric.json`.
enum MetricListJSON {
    static func bytes(_ metrics: [Metric], nextPageToken: String? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + metrics.count * 80)
        out.append(UInt8(ascii: "{"))
        if !metrics.isEmpty {
            out.append(contentsOf: #""metrics":["#.utf8)
            for (index, metric) in metrics.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(metric, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if let nextPageToken {
            if !metrics.isEmpty { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #""next_page_token":"#.utf8)
            JSONWriter.writeString(nextPageToken, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func write(_ metric: Metric, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"key":"#.utf8)
        JSONWriter.writeString(metric.key, into: &out)
        out.append(contentsOf: #","value":"#.utf8)
        JSONWriter.writeDouble(metric.value, into: &out)
        out.append(contentsOf: #","timestamp":"#.utf8)
        out.append(contentsOf: String(metric.timestamp).utf8)
        out.append(contentsOf: #","step":"#.utf8)
        out.append(contentsOf: String(metric.step).utf8)
        optional(#","dataset_name":"#, metric.datasetName, into: &out)
        optional(#","dataset_digest":"#, metric.datasetDigest, into: &out)
        optional(#","model_id":"#, metric.modelId, into: &out)
        optional(#","run_id":"#, metric.runId, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// A string member written only when present and non-empty, as `Metric.json` does.
    private static func optional(_ prefix: StaticString, _ value: String?, into out: inout [UInt8]) {
        guard let value, !value.isEmpty else { return }
        prefix.withUTF8Buffer { out.append(contentsOf: $0) }
        JSONWriter.writeString(value, into: &out)
    }
}
