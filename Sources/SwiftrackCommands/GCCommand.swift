import Artifacts
import Foundation
import SQL
import Storage
import TrackingCore

/// `swiftrack gc`: permanently deletes runs, logged models and experiments in the `deleted`
/// lifecycle stage, with their rows and artifacts, as `mlflow gc` does; keeps whatever a
/// registered model version points to.
enum GCCommand {
    static let usage = """
        usage: swiftrack gc [--backend-store-uri URI] [--artifacts-destination URI] [--older-than AGE]
                            [--run-ids ID,...] [--experiment-ids ID,...] [--logged-model-ids ID,...] [--dry-run]

          --backend-store-uri URI      the store, as `swiftrack server` takes it (default sqlite:///mlruns/mlflow.db)
                                       env SWIFTRACK_BACKEND_STORE_URI, MLFLOW_BACKEND_STORE_URI
          --artifacts-destination URI  where mlflow-artifacts:/ URIs resolve (default ./mlruns/artifacts)
                                       env SWIFTRACK_ARTIFACTS_DESTINATION, MLFLOW_ARTIFACTS_DESTINATION
          --older-than AGE             only what was deleted at least this long ago: 30d, 1d2h3m4s, 1.5h
          --run-ids IDS                only these runs (each must be deleted); default every deleted run
          --experiment-ids IDS         only these experiments, with all their runs and logged models;
                                       default every deleted experiment
          --logged-model-ids IDS       only these logged models; default every deleted logged model
          --dry-run                    print what would be deleted and kept; change nothing
          --default-artifact-root URI  accepted, so the server's flags can be reused; unused (every run and
                                       logged model records its own artifact location)

        An experiment's traces (spans, assessments, links, artifact folders) go with it, in batches.
        Runs and logged models that a registered model version points to (its run id, model id, or a
        source or storage location inside their artifacts) are kept, and so is an experiment that
        still holds anything. Exits 1 when something could not be deleted.
        """

    static let knownFlags: Set<String> = ["backend-store-uri", "artifacts-destination", "default-artifact-root",
                                          "older-than", "run-ids", "experiment-ids", "logged-model-ids"]

    static func run(_ arguments: [String], environment: [String: String]) throws -> Int32 {
        let parsed = try Arguments(arguments, booleanFlags: ["help", "dry-run"])
        if parsed.has("help") { print(usage); return 0 }
        guard parsed.positional.isEmpty else { throw UsageError("gc takes no positional arguments\n\n\(usage)") }
        for name in parsed.values.keys where !knownFlags.contains(name) {
            throw UsageError("unknown option --\(name)\n\n\(usage)")
        }
        let uri = parsed.value("backend-store-uri", environment: environment,
                               variables: ["SWIFTRACK_BACKEND_STORE_URI", "MLFLOW_BACKEND_STORE_URI"])
            ?? "sqlite:///mlruns/mlflow.db"
        let destination = parsed.value("artifacts-destination", environment: environment,
                                       variables: ["SWIFTRACK_ARTIFACTS_DESTINATION", "MLFLOW_ARTIFACTS_DESTINATION"])
            ?? "./mlruns/artifacts"
        let request = try GarbageCollectionRequest(
            runIds: ids(parsed.values["run-ids"]), experimentIds: ids(parsed.values["experiment-ids"]),
            loggedModelIds: ids(parsed.values["logged-model-ids"]),
            olderThan: parsed.values["older-than"].map { text throws(MLflowError) in try OlderThan(text) },
            now: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        let dryRun = parsed.has("dry-run")

        let opened = try openExisting(uri)
        defer { opened.close() }
        let store = SQLGarbageCollectionStore(database: opened.database)
        let locator = ArtifactLocator(factory: try ArtifactComposition.factory(environment: environment),
                                      artifactsDestination: destination)
        print("swiftrack gc on \(opened.description), artifacts destination \(locator.destination)"
              + (request.olderThan.map { ", older than \($0.text)" } ?? "") + (dryRun ? " (dry run: nothing is changed)" : ""))
        let inventory = try store.garbageCollectionInventory(
            runIds: request.runIds ?? [], experimentIds: request.experimentIds ?? [],
            loggedModelIds: request.loggedModelIds ?? [])
        let plan = try GarbageCollectionPlan.make(inventory, request)
        try checkDestination(locator, plan)
        var collector = GarbageCollector(store: store, locator: locator, dryRun: dryRun) { print($0) }
        collector.traces = TraceRetentionRunner(store: SQLTraceRetentionStore(database: opened.database), locator: locator,
                                                batchesPerTarget: .max, pauseSeconds: 0, log: { print("warning: " + $0) })
        let report = collector.run(plan)
        print(report.summary)
        guard report.failures.isEmpty else {
            throw CommandFailure("gc failed for \(report.failures.count) of "
                                 + "\(plan.runs.count + plan.loggedModels.count + plan.experiments.count) items (see above)")
        }
        return 0
    }

    /// Proxied artifacts resolve into the destination: a local one that is not there is almost surely
    /// not the server's (another working directory, a missing flag), and deleting rows then would
    /// orphan their artifacts.
    static func checkDestination(_ locator: ArtifactLocator, _ plan: GarbageCollectionPlan) throws {
        let locations = plan.runs.map(\.artifactURI) + plan.loggedModels.map(\.artifactLocation)
        guard locations.contains(where: ProxiedArtifactURI.isProxied),
              let root = (try? locator.factory.repository(for: locator.destination)) as? LocalArtifactRepository,
              !FileManager.default.fileExists(atPath: root.root) else { return }
        throw CommandFailure("the artifacts destination \(root.root) does not exist: give gc the server's "
                             + "--artifacts-destination (mlflow-artifacts:/ locations resolve into it)")
    }

    /// `a,b, c` -> ["a", "b", "c"]; nil when the option is absent (everything of that kind).
    /// An empty value is absent too, as in mlflow gc.
    static func ids(_ text: String?) -> [String]? {
        guard let text, !text.isEmpty else { return nil }
        return text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Opens a store that must already hold Swiftrack's schema at the current version: gc never
    /// creates a database or upgrades one.
    static func openExisting(_ uri: String) throws -> DatabaseComposition.Opened {
        if let parsed = try? DatabaseURI(uri), parsed.engine == .sqlite {
            let path = DatabaseComposition.sqlitePath(parsed)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure("the database \(path) does not exist")
            }
        }
        let opened = try DatabaseComposition.open(uri, poolSize: 2, poolTimeoutSeconds: 30, readers: 1)
        do {
            switch try opened.database.schemaStatus() {
            case .current:
                return opened
            case .empty:
                throw CommandFailure("\(opened.description) holds no Swiftrack tracking schema")
            case .behind(let at, _):
                throw CommandFailure("the database schema is at version \(at), and this swiftrack needs version "
                    + "\(TrackingMigrations.latest). Back up the database, then run: "
                    + "swiftrack db upgrade '\(DatabaseURI.redacted(uri))'")
            }
        } catch {
            opened.close()
            throw error
        }
    }
}
