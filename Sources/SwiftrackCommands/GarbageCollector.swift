import Artifacts
import Foundation
import Storage
import TrackingCore

/// Carries out a garbage-collection plan: for each run and logged model, its rows in one
/// transaction, then its artifacts; then the experiments they emptied. Rows go first so nothing
/// half-deleted stays restorable; artifacts that fail to go are reported with their location
/// (the rows are gone, so a second gc will not find them); an experiment's traces go before it, in
/// batches, with their artifact folders. An item whose artifact store cannot be
/// reached at all is left whole. One failure does not stop the rest.
struct GarbageCollector {
    let store: any GarbageCollectionStore
    let locator: ArtifactLocator
    let dryRun: Bool
    /// Empties an experiment of its traces (rows in batches, then their artifact folders) before its
    /// row goes: one transaction for a large backlog would hold the database's writer too long.
    var traces: TraceRetentionRunner?
    /// Called with each report line as it happens.
    let output: (String) -> Void

    func run(_ plan: GarbageCollectionPlan) -> GarbageCollectionReport {
        var report = GarbageCollectionReport(dryRun: dryRun)
        for run in plan.runs {
            collect(.run, id: run.runId, artifactURI: run.artifactURI,
                    detail: "experiment \(run.experimentId), artifacts \(run.artifactURI)", into: &report) {
                try store.hardDeleteRun(id: run.runId)
            }
        }
        for model in plan.loggedModels {
            collect(.loggedModel, id: model.modelId, artifactURI: model.artifactLocation,
                    detail: "experiment \(model.experimentId), artifacts \(model.artifactLocation)", into: &report) {
                try store.hardDeleteLoggedModel(id: model.modelId)
            }
        }
        for experiment in plan.experiments {
            collect(.experiment, id: experiment.experimentId, artifactURI: nil, detail: "", into: &report) {
                let traceCount = try traces?.drain(.experiment(experiment.experimentId), receivedBefore: .max) ?? 0
                if traceCount > 0 { output("experiment \(experiment.experimentId): deleted \(traceCount) traces") }
                return try store.hardDeleteExperiment(id: experiment.experimentId) + traceCount
            }
            if !dryRun, let location = experiment.artifactLocation {
                removeIfEmpty(location, id: experiment.experimentId)
            }
        }
        for kept in plan.kept {
            report.kept.append(kept)
            output(report.keptLine(kept))
        }
        return report
    }

    private func collect(_ kind: GarbageCollectionPlan.Kept.Kind, id: String, artifactURI: String?, detail: String,
                         into report: inout GarbageCollectionReport, deleteRows: () throws -> Int) {
        var entry = GarbageCollectionReport.Entry(kind: kind, id: id, detail: detail, usage: nil, rows: nil)
        var located: (repository: any ArtifactRepository, path: String)?
        if let artifactURI {
            // Only a location that names the run or model is deleted: never a shared or custom root.
            if artifactURI.split(separator: "/").contains(where: { $0 == id }) {
                // No repository for the location (an unconfigured scheme): the item is left whole, to retry.
                do {
                    located = try locator.locate(artifactURI)
                } catch {
                    let failure = "\(kind.rawValue) \(id): cannot reach its artifacts at \(artifactURI): "
                        + "\(Self.message(error)); nothing of it was deleted"
                    report.failures.append(failure)
                    output("failed: " + failure)
                    return
                }
                do {
                    entry.usage = try located.map { try $0.repository.usage(under: $0.path) }
                } catch {
                    output("warning: \(kind.rawValue) \(id): cannot list its artifacts at \(artifactURI): \(Self.message(error))")
                }
            } else if !artifactURI.isEmpty {
                output("warning: \(kind.rawValue) \(id): its artifact location \(artifactURI) does not name it; "
                       + "its artifacts are left in place")
            }
        }
        if !dryRun {
            do {
                entry.rows = try deleteRows()
            } catch {
                let failure = "\(kind.rawValue) \(id): \(Self.message(error))"
                report.failures.append(failure)
                output("failed: " + failure)
                return
            }
            if let located, let artifactURI {
                do {
                    try located.repository.delete(located.path)
                    removeIfEmpty(artifactURI, id: id)
                } catch {
                    let failure = "\(kind.rawValue) \(id): its rows are deleted but its artifacts at \(artifactURI) "
                        + "are not: \(Self.message(error)); delete them by hand"
                    report.failures.append(failure)
                    output("failed: " + failure)
                }
            }
        }
        report.removed.append(entry)
        output(report.line(entry))
    }

    /// On local disk, removes the emptied directory and its empty parents up to the one named by
    /// `id` (`<experiment>/<run>/artifacts`); object stores have no directories to leave behind.
    private func removeIfEmpty(_ uri: String, id: String) {
        guard var directory = locator.localDirectory(uri),
              directory.split(separator: "/").contains(where: { $0 == id }) else { return }
        let manager = FileManager.default
        while true {
            if let contents = try? manager.contentsOfDirectory(atPath: directory) {
                let onlyEmptyDirectories = contents.allSatisfy { name in
                    (try? manager.contentsOfDirectory(atPath: directory + "/" + name))?.isEmpty == true
                }
                guard onlyEmptyDirectories, (try? manager.removeItem(atPath: directory)) != nil else { return }
            }
            if (directory as NSString).lastPathComponent == id { return }
            directory = (directory as NSString).deletingLastPathComponent
        }
    }

    static func message(_ error: any Error) -> String {
        (error as? MLflowError)?.message ?? "\(error)"
    }
}
