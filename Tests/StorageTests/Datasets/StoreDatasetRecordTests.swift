import Dispatch
import JSON
import Synchronization
import Testing
@testable import Storage
import TrackingCore

/// Records merged by their inputs, read in pages, deleted; on every engine.
@Suite("Store: evaluation dataset records")
struct StoreDatasetRecordTests {
    private func record(_ json: String) throws -> DatasetRecordInput {
        try DatasetRecordInput.parseList("[\(json)]")[0]
    }

    @Test(arguments: TestEngine.all) func mergingTheSameInputsUpdates(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let experiment = try store.createExperiment(name: "qa", artifactLocation: nil, tags: [])
        let dataset = try store.createDataset(name: "d", experimentIds: [experiment], tags: [])
        let first = try store.upsertDatasetRecords(id: dataset.datasetId, records: [
            try record(#"{"inputs": {"q": "What?", "n": 1}, "expectations": {"answer": "A"}, "tags": {"mlflow.user": "alice"}}"#),
            try record(#"{"inputs": {"q": "Why?"}, "outputs": {"text": "because"}, "source": {"source_type": "trace", "source_data": {"trace_id": "tr-1"}}}"#),
        ])
        #expect(first == DatasetUpsertResult(inserted: 2, updated: 0))
        // The same inputs in another key order update the record: expectations and tags merged key by
        // key, outputs replaced; the inputs repeated within one request count as an update too.
        let second = try store.upsertDatasetRecords(id: dataset.datasetId, records: [
            try record(#"{"inputs": {"n": 1, "q": "What?"}, "expectations": {"score": 0.5}, "outputs": "A!", "tags": {"mlflow.user": "bob"}}"#),
            try record(#"{"inputs": {"q": "New"}}"#),
            try record(#"{"inputs": {"q": "New"}, "expectations": {"answer": "N"}}"#),
        ])
        #expect(second == DatasetUpsertResult(inserted: 1, updated: 2))

        let page = try store.datasetRecords(id: dataset.datasetId, maxResults: 10, pageToken: nil)
        #expect(page.nextPageToken == nil && page.items.count == 3)
        let byQuestion = Dictionary(uniqueKeysWithValues: page.items.map { ($0.inputs["q"].map { JSONWriter.string($0) } ?? "", $0) })
        let what = try #require(byQuestion[#""What?""#])
        #expect(what.inputs == .object([("q", .string("What?")), ("n", .integer(1))]))
        #expect(what.expectations == .object([("answer", .string("A")), ("score", .double(0.5))]))
        #expect(what.outputs == .string("A!"))
        #expect(what.tags == .object([("mlflow.user", .string("bob"))]))
        #expect(what.createdBy == "alice" && what.lastUpdatedBy == "bob")
        #expect(what.source == nil && what.sourceId == nil)
        let why = try #require(byQuestion[#""Why?""#])
        #expect(why.outputs == .object([("text", .string("because"))]))
        #expect(why.source == DatasetRecordSource(sourceType: "TRACE", sourceData: .object([("trace_id", .string("tr-1"))])))
        #expect(why.sourceId == "tr-1")
        let new = try #require(byQuestion[#""New""#])
        #expect(new.outputs == .object([]) && new.expectations == .object([("answer", .string("N"))]))

        let stored = try store.getDataset(id: dataset.datasetId)
        #expect(stored.profile == #"{"num_records": 3}"#)
        #expect(stored.schema == #"{"inputs": {"q": "string", "n": "integer"}, "outputs": {"text": "string"}, "#
                + #""expectations": {"answer": "string", "score": "float"}, "version": "1.0"}"#)
        #expect(stored.lastUpdatedBy == "bob")
        #expect(stored.digest == SQLTrackingStore.datasetDigest(name: "d", time: stored.lastUpdateTime))

        // A request naming no user leaves none as the dataset's last updater, as MLflow records it.
        _ = try store.upsertDatasetRecords(id: dataset.datasetId, records: [try record(#"{"inputs": {"q": "New"}}"#)])
        #expect(try store.getDataset(id: dataset.datasetId).lastUpdatedBy == nil)
        #expect(try store.deleteDatasetRecords(id: dataset.datasetId, recordIds: [what.recordId, "dr-none"]) == 1)
        #expect(try store.getDataset(id: dataset.datasetId).profile == #"{"num_records": 2}"#)
        #expect(try store.deleteDatasetRecords(id: dataset.datasetId, recordIds: [why.recordId, new.recordId]) == 2)
        #expect(try store.getDataset(id: dataset.datasetId).profile == "null")

        let unknown = #expect(throws: MLflowError.self) {
            try store.upsertDatasetRecords(id: "d-none", records: [DatasetRecordInput()])
        }
        #expect(unknown == MLflowError(.resourceDoesNotExist, "Evaluation dataset with id 'd-none' not found"))
    }

    @Test(arguments: TestEngine.all) func tenThousandRecordsInOneCallReadBackInPages(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let dataset = try store.createDataset(name: "big", experimentIds: ["0"], tags: [])
        let records = (0..<10_000).map { DatasetRecordInput(inputs: .object([("i", .integer(Int64($0)))]),
                                                            expectations: .object([("e", .integer(Int64($0)))])) }
        #expect(try store.upsertDatasetRecords(id: dataset.datasetId, records: records) == DatasetUpsertResult(inserted: 10_000, updated: 0))
        // Half again, with another expectation: updates, no duplicates.
        let again = (0..<5_000).map { DatasetRecordInput(inputs: .object([("i", .integer(Int64($0 * 2)))]),
                                                         expectations: .object([("f", .bool(true))])) }
        #expect(try store.upsertDatasetRecords(id: dataset.datasetId, records: again) == DatasetUpsertResult(inserted: 0, updated: 5_000))
        var seen = Set<Int64>()
        var token: String?
        var pages = 0
        repeat {
            let page = try store.datasetRecords(id: dataset.datasetId, maxResults: 1000, pageToken: token)
            for record in page.items {
                guard case .integer(let i)? = record.inputs["i"] else { Issue.record("inputs \(record.inputs)"); continue }
                seen.insert(i)
                let merged = i % 2 == 0
                #expect(record.expectations == .object([("e", .integer(i))] + (merged ? [("f", .bool(true))] : [])))
            }
            token = page.nextPageToken
            pages += 1
        } while token != nil
        #expect(seen.count == 10_000 && pages == 10)
        #expect(try store.getDataset(id: dataset.datasetId).profile == #"{"num_records": 10000}"#)
        // A plain offset is taken as MLflow's fallback; anything else is refused.
        #expect(try store.datasetRecords(id: dataset.datasetId, maxResults: 5, pageToken: "9998").items.count == 2)
        let garbage = #expect(throws: MLflowError.self) {
            try store.datasetRecords(id: dataset.datasetId, maxResults: 5, pageToken: "not a token")
        }
        #expect(garbage?.code == .invalidParameterValue)
    }

    /// Eight writers merge the same inputs (and some of their own) into one dataset at once: every
    /// inputs is one record, and each shared record holds every writer's expectation.
    @Test(arguments: TestEngine.all) func concurrentUpsertsMergeIntoOneRecordPerInputs(engine: TestEngine) throws {
        let store = try engine.makeStore(poolSize: 10)
        let dataset = try store.createDataset(name: "race", experimentIds: ["0"], tags: [])
        let failures = Mutex<[String]>([])
        let counts = Mutex(DatasetUpsertResult(inserted: 0, updated: 0))
        // Eight threads of their own (concurrentPerform would run only as many as there are cores),
        // released together, so their transactions overlap.
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for writer in 0..<8 {
            DispatchQueue.global().async(group: group) {
            start.wait()
            for round in 0..<3 {
                let shared = (0..<40).map { index in
                    DatasetRecordInput(inputs: .object([("q", .integer(Int64(index)))]),
                                       expectations: .object([("w\(writer)", .integer(Int64(round)))]))
                }
                let own = (0..<5).map { DatasetRecordInput(inputs: .object([("w", .integer(Int64(writer))), ("i", .integer(Int64(round * 5 + $0)))])) }
                do {
                    let result = try store.upsertDatasetRecords(id: dataset.datasetId, records: shared + own)
                    counts.withLock { $0.inserted += result.inserted; $0.updated += result.updated }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            }
        }
        for _ in 0..<8 { start.signal() }
        group.wait()
        #expect(failures.withLock { $0 } == [])
        let total = counts.withLock { $0 }
        #expect(total.inserted == 40 + 8 * 15)
        #expect(total.inserted + total.updated == 8 * 3 * 45)
        let records = try store.datasetRecords(id: dataset.datasetId, maxResults: 1000, pageToken: nil).items
        #expect(records.count == 40 + 8 * 15)
        for record in records where record.inputs["w"] == nil {
            guard case .object(let members)? = record.expectations else { Issue.record("no expectations"); continue }
            #expect(Set(members.map(\.0)) == Set((0..<8).map { "w\($0)" }))
            #expect(members.allSatisfy { $0.1 == .integer(2) })
        }
        #expect(try store.getDataset(id: dataset.datasetId).profile == "{\"num_records\": \(40 + 8 * 15)}")
    }
}
