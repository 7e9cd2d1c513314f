import Artifacts
import Foundation
import Storage
import TrackingCore

/// Deletes expired traces in bounded batches: one transaction of at most `batchSize` traces at a
/// time, a pause between batches so that requests waiting to write get the database (SQLite has
/// one writer), at most `batchesPerTarget` batches per experiment (or for the untagged
/// experiments together) per pass, the rest left to the next pass. Each deleted trace's artifact
/// folder (`<experiment location>/traces/<id>`: a client's `traces.json`, attachments) goes too.
/// The server runs a pass every `--trace-retention-interval` seconds; `swiftrack gc` drains a
/// deleted experiment the same way before its row goes.
struct TraceRetentionRunner: Sendable {
    let store: any TraceRetentionStore
    /// Where artifact folders are deleted; nil keeps them (no artifact store is reachable).
    let locator: ArtifactLocator?
    var batchSize = 500
    var batchesPerTarget = 100
    var pauseSeconds = 0.02
    /// Called with the number of traces each batch deleted (the metric).
    var deleted: @Sendable (Int) -> Void = { _ in }
    var log: @Sendable (String) -> Void = { _ in }

    /// One retention pass at `now` (epoch milliseconds); returns the traces deleted.
    @discardableResult
    func runPass(defaultMillis: Int64?, now: Int64) throws -> Int {
        let pass = TraceRetention.Pass(now: now, defaultMillis: defaultMillis, tags: try store.traceRetentionTags())
        for (experimentId, message) in pass.unreadable {
            log("trace retention: experiment \(experimentId) keeps its traces: its tag \(TraceRetention.tag) is not a duration: \(message)")
        }
        var total = 0
        for target in pass.targets {
            total += try drain(target.scope, receivedBefore: target.cutoffMillis)
        }
        return total
    }

    /// Deletes the scope's traces that started before the cutoff, batch after batch, until none is
    /// left or the pass's budget for it is spent; returns how many went.
    func drain(_ scope: TraceRetention.Pass.Scope, receivedBefore cutoffMillis: Int64) throws -> Int {
        var total = 0
        for batch in 0..<batchesPerTarget {
            if batch > 0 && pauseSeconds > 0 { Thread.sleep(forTimeInterval: pauseSeconds) }
            let purged = try store.purgeTraces(scope, receivedBefore: cutoffMillis, limit: batchSize)
            total += purged.deleted
            if purged.deleted > 0 { deleted(purged.deleted) }
            removeArtifacts(of: purged.traces)
            if purged.traces.count < batchSize { break }
        }
        return total
    }

    /// The traces' artifact folders, one repository per experiment; failures are logged, not
    /// retried (the rows are gone).
    private func removeArtifacts(of traces: [PurgedTrace]) {
        guard let locator, !traces.isEmpty else { return }
        var located: [String: (repository: any ArtifactRepository, path: String)?] = [:]
        for trace in traces {
            let parent = String(trace.artifactFolder.dropLast(trace.traceId.count + 1))
            guard trace.artifactFolder.hasSuffix("/" + trace.traceId), !ArtifactLocator.climbs(parent) else { continue }
            if located[parent] == nil {
                located[parent] = .some(try? locator.locate(parent))
            }
            guard let place = located[parent] ?? nil else { continue }
            do {
                try place.repository.delete(place.path.isEmpty ? trace.traceId : place.path + "/" + trace.traceId)
            } catch {
                log("trace retention: trace \(trace.traceId) is deleted but its artifacts at \(trace.artifactFolder) "
                    + "are not: \((error as? MLflowError)?.message ?? "\(error)")")
            }
        }
    }
}
