import Testing
@testable import Storage
import TrackingCore

@Suite("Store: experiments by artifact location")
struct StoreArtifactLocationTests {
    /// The candidates the artifact proxy picks an owner from: exact text, wildcards are themselves.
    @Test(arguments: TestEngine.all) func locationsContainingAFragmentAreFoundExactly(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "mlflow-artifacts:/")
        let plain = try store.createExperiment(name: "plain", artifactLocation: "mlflow-artifacts:/teamx", tags: [])
        let underscore = try store.createExperiment(name: "underscore", artifactLocation: "mlflow-artifacts:/team_y", tags: [])
        let percent = try store.createExperiment(name: "percent", artifactLocation: "mlflow-artifacts:/te%m", tags: [])
        let hosted = try store.createExperiment(name: "hosted", artifactLocation: "mlflow-artifacts://h:5000/teamx/sub",
                                                tags: [])
        let deleted = try store.createExperiment(name: "deleted", artifactLocation: "s3://bucket/teamx", tags: [])
        try store.deleteExperiment(id: deleted)
        func ids(_ fragment: String) throws -> [String] {
            try store.experimentArtifactLocations(containing: fragment).map(\.experimentId)
        }
        #expect(try ids("teamx") == [plain, hosted, deleted])
        #expect(try store.experimentArtifactLocations(containing: "teamx/sub")
            == [ExperimentArtifactLocation(experimentId: hosted, artifactLocation: "mlflow-artifacts://h:5000/teamx/sub")])
        // `_` and `%` in the fragment match only themselves...
        #expect(try ids("team_") == [underscore])
        #expect(try ids("te%") == [percent])
        #expect(try ids("%").count == 1)
        #expect(try ids("_").count == 1)
        // ...and in a stored location they are no wildcards either: `team_y` does not contain `teamzy`.
        #expect(try ids("teamay").isEmpty)
        #expect(try ids("tezm").isEmpty)
        // Case matters (a binary comparison on every engine).
        #expect(try ids("TEAMX").isEmpty)
        // The empty fragment lists every experiment, the Default one too.
        #expect(try ids("") == ["0", plain, underscore, percent, hosted, deleted])
        #expect(try ids("nowhere").isEmpty)
    }
}
