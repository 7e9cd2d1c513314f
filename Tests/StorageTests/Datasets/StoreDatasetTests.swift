import Dispatch
import JSON
import Synchronization
import Testing
@testable import Storage
import TrackingCore

/// Evaluation datasets on every engine: the dataset, its tags and experiments, and search.
@Suite("Store: evaluation datasets")
struct StoreDatasetTests {
    /// MLflow's `hashlib.sha256(f"{name}:{time}".encode()).hexdigest()[:8]`, pinned from Python.
    @Test func theDigestIsMLflows() {
        #expect(SQLTrackingStore.datasetDigest(name: "golden", time: 1_700_000_000_000) == "03c135dd")
    }

    @Test(arguments: TestEngine.all) func createGetTagAndDelete(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let experiment = try store.createExperiment(name: "qa", artifactLocation: nil, tags: [])
        let created = try store.createDataset(
            name: "golden", experimentIds: [experiment, "0", experiment],
            tags: [DatasetTag(key: "team", value: "ml"), DatasetTag(key: "mlflow.user", value: "alice")])
        #expect(created.datasetId.hasPrefix("d-") && created.datasetId.count == 34)
        #expect(created.experimentIds == [experiment, "0"])
        #expect(created.createdBy == "alice" && created.lastUpdatedBy == "alice")
        #expect(created.digest == SQLTrackingStore.datasetDigest(name: "golden", time: created.createdTime))
        #expect(created.digest.count == 8)

        var read = try store.getDataset(id: created.datasetId)
        #expect(read.name == "golden" && read.schema == nil && read.profile == nil && read.experimentIds == nil)
        #expect(read.tags == [DatasetTag(key: "mlflow.user", value: "alice"), DatasetTag(key: "team", value: "ml")])
        #expect(try store.datasetExperimentIds(id: created.datasetId) == ["0", experiment])

        try store.setDatasetTags(id: created.datasetId, tags: [DatasetTag(key: "team", value: "search"),
                                                               DatasetTag(key: "skipped", value: nil),
                                                               DatasetTag(key: "stage", value: "dev")])
        try store.deleteDatasetTag(id: created.datasetId, key: "mlflow.user")
        try store.deleteDatasetTag(id: created.datasetId, key: "absent")
        read = try store.getDataset(id: created.datasetId)
        #expect(read.tags == [DatasetTag(key: "stage", value: "dev"), DatasetTag(key: "team", value: "search")])

        let unknownTags = #expect(throws: MLflowError.self) {
            try store.setDatasetTags(id: "d-nope", tags: [DatasetTag(key: "a", value: "b")])
        }
        #expect(unknownTags == MLflowError(.resourceDoesNotExist, "Could not find evaluation dataset with ID d-nope"))
        let longValue = #expect(throws: MLflowError.self) {
            try store.setDatasetTags(id: created.datasetId, tags: [DatasetTag(key: "a", value: String(repeating: "v", count: 5001))])
        }
        #expect(longValue?.code == .invalidParameterValue)
        let unknownExperiment = #expect(throws: MLflowError.self) {
            try store.createDataset(name: "x", experimentIds: ["999"], tags: [])
        }
        #expect(unknownExperiment == MLflowError(.resourceDoesNotExist, "No Experiment with id=999"))
        let badExperiment = #expect(throws: MLflowError.self) {
            try store.createDataset(name: "x", experimentIds: ["abc"], tags: [])
        }
        #expect(badExperiment?.message == "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.")

        _ = try store.upsertDatasetRecords(id: created.datasetId, records: [DatasetRecordInput(inputs: .object([("q", .integer(1))]))])
        try store.deleteDataset(id: created.datasetId)
        let gone = #expect(throws: MLflowError.self) { try store.getDataset(id: created.datasetId) }
        #expect(gone == MLflowError(.resourceDoesNotExist, "Evaluation dataset with id '\(created.datasetId)' not found"))
        #expect(try store.datasetExperimentIds(id: created.datasetId) == nil)
        try store.deleteDataset(id: created.datasetId)   // again: no error, as MLflow
        // A dataset of the same name is a new one, and names need not be unique.
        let first = try store.createDataset(name: "golden", experimentIds: [experiment], tags: [])
        let second = try store.createDataset(name: "golden", experimentIds: [experiment], tags: [])
        #expect(first.datasetId != second.datasetId)
    }

    @Test(arguments: TestEngine.all) func linksToExperiments(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let a = try store.createExperiment(name: "a", artifactLocation: nil, tags: [])
        let b = try store.createExperiment(name: "b", artifactLocation: nil, tags: [])
        let dataset = try store.createDataset(name: "d", experimentIds: [a], tags: [])
        let added = try store.addDatasetToExperiments(id: dataset.datasetId, experimentIds: [b, a])
        #expect(added.lastUpdateTime >= dataset.lastUpdateTime)
        #expect(try store.datasetExperimentIds(id: dataset.datasetId) == [a, b])
        let missing = #expect(throws: MLflowError.self) {
            try store.addDatasetToExperiments(id: dataset.datasetId, experimentIds: ["4242"])
        }
        #expect(missing == MLflowError(.resourceDoesNotExist, "No Experiment with id=4242"))
        let noDataset = #expect(throws: MLflowError.self) { try store.addDatasetToExperiments(id: "d-x", experimentIds: [a]) }
        #expect(noDataset == MLflowError(.resourceDoesNotExist, "Dataset 'd-x' not found"))
        _ = try store.removeDatasetFromExperiments(id: dataset.datasetId, experimentIds: [a, "77"])
        #expect(try store.datasetExperimentIds(id: dataset.datasetId) == [b])
        #expect(try store.searchDatasets(DatasetSearchQuery(experimentIds: [a])).items.isEmpty)
        #expect(try store.searchDatasets(DatasetSearchQuery(experimentIds: [b])).items.map(\.datasetId) == [dataset.datasetId])
    }

    /// `swiftrack gc` removing an experiment removes its datasets' links to it, not the datasets.
    @Test(arguments: TestEngine.all) func collectingAnExperimentUnlinksItsDatasets(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let gone = try store.createExperiment(name: "gone", artifactLocation: nil, tags: [])
        let kept = try store.createExperiment(name: "kept", artifactLocation: nil, tags: [])
        let dataset = try store.createDataset(name: "d", experimentIds: [gone, kept], tags: [])
        try store.deleteExperiment(id: gone)
        _ = try SQLGarbageCollectionStore(database: store.database).hardDeleteExperiment(id: gone)
        #expect(try store.datasetExperimentIds(id: dataset.datasetId) == [kept])
    }

    @Test(arguments: TestEngine.all) func searchFiltersOrdersAndPages(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let a = try store.createExperiment(name: "a", artifactLocation: nil, tags: [])
        let b = try store.createExperiment(name: "b", artifactLocation: nil, tags: [])
        var ids: [String: String] = [:]
        for (name, experiment, stage) in [("alpha", a, "prod"), ("beta", a, "dev"), ("Gamma", b, "prod"), ("delta", b, "dev")] {
            ids[name] = try store.createDataset(name: name, experimentIds: [experiment],
                                                tags: [DatasetTag(key: "stage", value: stage)]).datasetId
        }
        let orphan = try store.createDataset(name: "orphan", experimentIds: [], tags: []).datasetId
        func names(_ query: DatasetSearchQuery) throws -> [String] { try store.searchDatasets(query).items.map(\.name) }
        #expect(try names(DatasetSearchQuery(orderBy: ["name ASC"])) == ["Gamma", "alpha", "beta", "delta", "orphan"])
        #expect(try names(DatasetSearchQuery(filter: "tags.stage = 'prod'", orderBy: ["name DESC"])) == ["alpha", "Gamma"])
        #expect(try names(DatasetSearchQuery(filter: "name ILIKE 'g%'")) == ["Gamma"])
        #expect(try names(DatasetSearchQuery(filter: "name LIKE 'g%'")).isEmpty)
        #expect(try names(DatasetSearchQuery(filter: "name IN ('beta', 'delta')", orderBy: ["name"])) == ["beta", "delta"])
        #expect(try names(DatasetSearchQuery(experimentIds: [b], orderBy: ["name ASC"])) == ["Gamma", "delta"])
        #expect(try names(DatasetSearchQuery(filter: "created_time >= 0 AND tags.stage != 'prod'", orderBy: ["name"]))
                == ["beta", "delta"])
        // Visibility: a dataset is found through an experiment the caller may read; one linked to none only with `.all`.
        #expect(try names(DatasetSearchQuery(orderBy: ["name"], visibleExperiments: .only([b]))) == ["Gamma", "delta"])
        #expect(try names(DatasetSearchQuery(orderBy: ["name"], visibleExperiments: .allExcept([b]))) == ["alpha", "beta"])
        #expect(try names(DatasetSearchQuery(experimentIds: [a], visibleExperiments: .only([b]))).isEmpty)
        #expect(ids.count == 4 && !orphan.isEmpty)

        // Pages: created_time DESC by default, two per page, then a token-less last page.
        var seen: [String] = []
        var token: String?
        repeat {
            let page = try store.searchDatasets(DatasetSearchQuery(maxResults: 2, pageToken: token))
            seen += page.items.map(\.name)
            token = page.nextPageToken
        } while token != nil
        #expect(Set(seen) == ["alpha", "beta", "Gamma", "delta", "orphan"] && seen.count == 5)

        for (filter, message) in [
            ("foo = 'x'", "Invalid attribute key 'foo' specified. Valid keys are: "),
            ("params.x = 'y'", "Invalid identifier token 'params' specified"),
            ("name > 'a'", "Invalid comparator for string attribute: >"),
            ("created_time = 'x'", "Expected numeric value type for numeric attribute: created_time. Found 'x'"),
            ("created_by IN ('a')", "Only ['name'] attributes support comparison with a list of quoted string values."),
        ] {
            let error = #expect(throws: MLflowError.self) { try store.searchDatasets(DatasetSearchQuery(filter: filter)) }
            #expect(error?.code == .invalidParameterValue)
            #expect(error?.message.hasPrefix(message) == true, "\(filter): \(error?.message ?? "")")
        }
        let badOrder = #expect(throws: MLflowError.self) { try store.searchDatasets(DatasetSearchQuery(orderBy: ["tags.x"])) }
        #expect(badOrder?.code == .invalidParameterValue)
        let badToken = #expect(throws: MLflowError.self) { try store.searchDatasets(DatasetSearchQuery(pageToken: "garbage!")) }
        #expect(badToken?.message == "Invalid page token, could not base64-decode")
        let tooMany = #expect(throws: MLflowError.self) { try store.searchDatasets(DatasetSearchQuery(maxResults: 50_001)) }
        #expect(tooMany?.message == "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000")
    }
}
