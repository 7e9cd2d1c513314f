import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

/// A store on a fresh SQLite file in a temporary directory (removed with the database).
func makeSQLiteStore(artifactRoot: String = "/tmp/artifacts") throws -> SQLTrackingStore {
    try TestEngine.sqlite.makeStore(artifactRoot: artifactRoot)
}

/// Creates an experiment and a run in it; returns the run.
func makeRun(_ store: SQLTrackingStore, experimentName: String = "exp", runName: String? = "run",
             tags: [TrackingCore.Tag] = []) throws -> Run {
    let experimentId = try store.getExperimentByName(experimentName)?.experimentId
        ?? store.createExperiment(name: experimentName, artifactLocation: nil, tags: [])
    return try store.createRun(CreateRunRequest(experimentId: experimentId, userId: "alice", runName: runName,
                                                startTime: 1_000, tags: tags))
}
