import Dispatch
import Synchronization
import Testing
@testable import SQL
@testable import Storage
import TrackingCore

/// The scorer registry's contract on every engine: versions per name, the latest and each version
/// read back, deletes of one version or all, MLflow's refusals and messages, and the online-scoring
/// configuration stored (never acted on).
@Suite("Store: scorers")
struct StoreScorerTests {
    private static let guidelines = #"{"name": "polite", "builtin_scorer_class": "Guidelines", "call_source": null, "#
        + #""builtin_scorer_pydantic_data": {"guidelines": ["Be polite"], "model": null}}"#
    private static func judge(_ instructions: String, model: String = "openai:/gpt-4.1-mini") -> String {
        #"{"name": "tone", "call_source": null, "instructions_judge_pydantic_data": "#
            + #"{"instructions": "\#(instructions)", "model": "\#(model)"}}"#
    }

    private func store(_ engine: TestEngine) throws -> (SQLTrackingStore, String) {
        let store = try engine.makeStore()
        return (store, try store.createExperiment(name: "genai", artifactLocation: nil, tags: []))
    }

    @Test(arguments: TestEngine.all) func versionsCountPerNameAndReadBack(engine: TestEngine) throws {
        let (store, experiment) = try store(engine)
        let first = try store.registerScorer(experimentId: experiment, name: "tone", serializedScorer: Self.judge("polite?"))
        #expect(first.version == 1 && first.experimentId == experiment && first.name == "tone")
        #expect(first.scorerId.count == 36 && first.creationTime > 1_700_000_000_000)
        let second = try store.registerScorer(experimentId: experiment, name: "tone", serializedScorer: Self.judge("kind?"))
        #expect(second.version == 2 && second.scorerId == first.scorerId)
        let other = try store.registerScorer(experimentId: experiment, name: "polite", serializedScorer: Self.guidelines)
        #expect(other.version == 1 && other.scorerId != first.scorerId)

        #expect(try store.getScorer(experimentId: experiment, name: "tone", version: nil) == second)
        #expect(try store.getScorer(experimentId: experiment, name: "tone", version: 1) == first)
        #expect(try store.listScorerVersions(experimentId: experiment, name: "tone") == [first, second])
        #expect(try store.listScorers(experimentId: experiment) == [other, second])

        #expect(throws: MLflowError.notFound("Scorer with name 'tone' and version 3 not found for experiment \(experiment).")) {
            try store.getScorer(experimentId: experiment, name: "tone", version: 3)
        }
        #expect(throws: MLflowError.notFound("Scorer with name 'nobody' not found for experiment \(experiment).")) {
            try store.getScorer(experimentId: experiment, name: "nobody", version: nil)
        }
        #expect(throws: MLflowError.notFound("Scorer with name 'nobody' not found for experiment \(experiment).")) {
            try store.listScorerVersions(experimentId: experiment, name: "nobody")
        }
    }

    @Test(arguments: TestEngine.all) func deletingOneVersionOrAll(engine: TestEngine) throws {
        let (store, experiment) = try store(engine)
        for text in ["a?", "b?", "c?"] {
            _ = try store.registerScorer(experimentId: experiment, name: "tone", serializedScorer: Self.judge(text))
        }
        try store.deleteScorer(experimentId: experiment, name: "tone", version: 2)
        #expect(try store.listScorerVersions(experimentId: experiment, name: "tone").map(\.version) == [1, 3])
        #expect(throws: MLflowError.notFound("Scorer with name 'tone' and version 2 not found for experiment \(experiment).")) {
            try store.deleteScorer(experimentId: experiment, name: "tone", version: 2)
        }
        // The next version follows the highest left, not the count.
        #expect(try store.registerScorer(experimentId: experiment, name: "tone", serializedScorer: Self.judge("d?")).version == 4)
        _ = try store.upsertOnlineScoringConfig(experimentId: experiment, name: "tone", sampleRate: 0, filterString: nil)
        let scorerId = try store.getScorer(experimentId: experiment, name: "tone", version: nil).scorerId

        try store.deleteScorer(experimentId: experiment, name: "tone", version: nil)
        #expect(try store.listScorers(experimentId: experiment).isEmpty)
        #expect(try store.onlineScoringConfigs(scorerIds: [scorerId]).isEmpty)
        #expect(throws: MLflowError.notFound("Scorer with name 'tone' not found for experiment \(experiment).")) {
            try store.deleteScorer(experimentId: experiment, name: "tone", version: nil)
        }
        let again = try store.registerScorer(experimentId: experiment, name: "tone", serializedScorer: Self.judge("e?"))
        #expect(again.version == 1 && again.scorerId != scorerId)

        // Deleting the only version keeps the scorer (as MLflow): read as absent, numbered from 1 again.
        try store.deleteScorer(experimentId: experiment, name: "tone", version: 1)
        #expect(try store.listScorers(experimentId: experiment).isEmpty)
        #expect(throws: MLflowError.notFound("Scorer with name 'tone' not found for experiment \(experiment).")) {
            try store.getScorer(experimentId: experiment, name: "tone", version: nil)
        }
        let restarted = try store.registerScorer(experimentId: experiment, name: "tone", serializedScorer: Self.judge("f?"))
        #expect(restarted.version == 1 && restarted.scorerId == again.scorerId)
    }

    @Test(arguments: TestEngine.all) func refusalsInMLflowsOrderAndWords(engine: TestEngine) throws {
        let (store, experiment) = try store(engine)
        func refusal(in experimentId: String = "", name: String = "tone", _ payload: String) -> MLflowError? {
            #expect(throws: MLflowError.self) {
                try store.registerScorer(experimentId: experimentId.isEmpty ? experiment : experimentId, name: name,
                                         serializedScorer: payload)
            }
        }
        #expect(refusal(#"{"name": "#)?.message == "serialized_scorer must be valid JSON")
        #expect(refusal(#"{"call_source": "import os"}"#)?.message == ScorerPayload.decoratorScorerRefusal)
        // The payload is judged before the name, the name before the experiment.
        #expect(refusal(name: " \t", #"{"call_source": "x"}"#)?.message == ScorerPayload.decoratorScorerRefusal)
        #expect(refusal(in: "424242", name: " ", Self.guidelines)?.message
                == "Scorer name cannot be empty or contain only whitespace.")
        #expect(refusal(in: "424242", Self.guidelines) == MLflowError.notFound("No Experiment with id=424242 exists"))
        #expect(refusal(name: String(repeating: "n", count: 257), Self.guidelines)?.code == .invalidParameterValue)
        #expect(refusal(Self.judge("x", model: "gateway:/judge-endpoint"))
                == MLflowError.notFound("GatewayEndpoint not found (name='judge-endpoint')"))
        #expect(refusal(#"{"instructions_judge_pydantic_data": {"model": ["m"]}}"#)?.message
                == "Scorer model must be a string, got list.")
        try store.deleteExperiment(id: experiment)
        let inactive = MLflowError.invalidParameter("The experiment \(experiment) must be in the 'active' state. Current state is deleted.")
        #expect(refusal(Self.guidelines) == inactive)
        #expect(throws: inactive) { try store.listScorers(experimentId: experiment) }
        #expect(throws: inactive) { try store.getScorer(experimentId: experiment, name: "tone", version: nil) }
        #expect(throws: inactive) { try store.deleteScorer(experimentId: experiment, name: "tone", version: nil) }
        #expect(throws: MLflowError.invalidParameter("Invalid experiment ID 'abc'. Experiment ID must be a valid integer.")) {
            try store.listScorers(experimentId: "abc")
        }
    }

    @Test(arguments: TestEngine.all) func listingAcrossExperimentsKeepsActiveOnesInOrder(engine: TestEngine) throws {
        let (store, first) = try store(engine)
        let second = try store.createExperiment(name: "second", artifactLocation: nil, tags: [])
        let gone = try store.createExperiment(name: "gone", artifactLocation: nil, tags: [])
        // Code-point order: "Z" < "a" < "é", whatever an engine's collation says.
        for (experiment, name) in [(second, "é"), (second, "a"), (first, "b"), (first, "Z"), (gone, "old")] {
            _ = try store.registerScorer(experimentId: experiment, name: name, serializedScorer: Self.guidelines)
        }
        _ = try store.registerScorer(experimentId: first, name: "b", serializedScorer: Self.judge("v2"))
        try store.deleteExperiment(id: gone)
        let listed = try store.listScorers(experimentIds: [second, gone, first, "987654"])
        #expect(listed.map { "\($0.experimentId)/\($0.name)/\($0.version)" }
                == ["\(first)/Z/1", "\(first)/b/2", "\(second)/a/1", "\(second)/é/1"])
        #expect(try store.listScorers(experimentIds: nil) == listed)
        #expect(try store.listScorers(experimentIds: []).isEmpty)
    }

    @Test(arguments: TestEngine.all) func onlineScoringConfigurationIsStoredNotRun(engine: TestEngine) throws {
        let (store, experiment) = try store(engine)
        let scorer = try store.registerScorer(experimentId: experiment, name: "tone", serializedScorer: Self.judge("x"))
        let stopped = try store.upsertOnlineScoringConfig(experimentId: experiment, name: "tone", sampleRate: 0,
                                                          filterString: "trace.status = 'OK'")
        #expect(stopped.scorerId == scorer.scorerId && stopped.sampleRate == 0 && stopped.experimentId == experiment)
        #expect(stopped.filterString == "trace.status = 'OK'" && stopped.configId.count == 32)
        #expect(try store.onlineScoringConfigs(scorerIds: ["nope", scorer.scorerId, scorer.scorerId]) == [stopped])
        let replaced = try store.upsertOnlineScoringConfig(experimentId: experiment, name: "tone", sampleRate: 0, filterString: nil)
        #expect(replaced.configId != stopped.configId && replaced.filterString == nil)
        #expect(try store.onlineScoringConfigs(scorerIds: [scorer.scorerId]) == [replaced])

        // Any rate above 0 needs a gateway judge, which Swiftrack never stores.
        #expect(throws: MLflowError.invalidParameter("Scorer 'tone' does not use a gateway model. Automatic evaluation is "
                                                     + "only supported for scorers that use gateway models.")) {
            try store.upsertOnlineScoringConfig(experimentId: experiment, name: "tone", sampleRate: 0.5, filterString: nil)
        }
        for rate in [1.5, -0.1, Double.nan] {
            let refused = #expect(throws: MLflowError.self) {
                try store.upsertOnlineScoringConfig(experimentId: experiment, name: "tone", sampleRate: rate, filterString: nil)
            }
            #expect(refused?.message == "sample_rate must be between 0.0 and 1.0, got \(PythonFormatting.float(rate))")
        }
        let badFilter = #expect(throws: MLflowError.self) {
            try store.upsertOnlineScoringConfig(experimentId: experiment, name: "tone", sampleRate: 0, filterString: "tags.x =")
        }
        #expect(badFilter?.code == .invalidParameterValue)
        #expect(throws: MLflowError.notFound("Scorer with name 'nobody' not found for experiment \(experiment).")) {
            try store.upsertOnlineScoringConfig(experimentId: experiment, name: "nobody", sampleRate: 0, filterString: nil)
        }
        #expect(try store.onlineScoringConfigs(scorerIds: [scorer.scorerId]) == [replaced])
        #expect(try store.onlineScoringConfigs(scorerIds: []).isEmpty)
    }

    /// Registrations of one name from many threads queue on the experiment's row: each gets its own
    /// version, 1...N with none twice, and no deadlock or conflict reaches the caller.
    @Test(arguments: TestEngine.all) func concurrentRegistrationsGetDistinctVersions(engine: TestEngine) throws {
        let (store, experiment) = try store(engine)
        let outcomes = Mutex<[Result<Int64, any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<4 {
                let outcome = Result { try store.registerScorer(experimentId: experiment, name: "race",
                                                                serializedScorer: Self.judge("\(thread)-\(round)")).version }
                outcomes.withLock { $0.append(outcome) }
            }
        }
        let results = outcomes.withLock { $0 }
        let versions = results.compactMap { try? $0.get() }
        #expect(versions.count == 32, "\(results.filter { (try? $0.get()) == nil })")
        #expect(versions.sorted() == Array(1...32))
        #expect(try store.listScorerVersions(experimentId: experiment, name: "race").map(\.version) == Array(1...32))
    }

    @Test(arguments: TestEngine.all) func garbageCollectingAnExperimentTakesItsScorers(engine: TestEngine) throws {
        let (store, experiment) = try store(engine)
        let kept = try store.createExperiment(name: "kept", artifactLocation: nil, tags: [])
        _ = try store.registerScorer(experimentId: experiment, name: "tone", serializedScorer: Self.judge("x"))
        _ = try store.registerScorer(experimentId: experiment, name: "tone", serializedScorer: Self.judge("y"))
        _ = try store.upsertOnlineScoringConfig(experimentId: experiment, name: "tone", sampleRate: 0, filterString: nil)
        let stays = try store.registerScorer(experimentId: kept, name: "tone", serializedScorer: Self.judge("z"))
        try store.deleteExperiment(id: experiment)
        _ = try SQLGarbageCollectionStore(database: store.database).hardDeleteExperiment(id: experiment)
        let counts = try store.database.read { connection in
            try ["scorers", "scorer_versions", "online_scoring_configs"].map { table in
                try connection.queryFirst("SELECT COUNT(*) FROM \(table)") { $0.int64(0) } ?? -1
            }
        }
        #expect(counts == [1, 1, 0])
        #expect(try store.listScorers(experimentIds: nil) == [stays])
    }
}
