import Foundation
@testable import SQLiteEngine
import Testing
@testable import Storage
import TrackingCore

/// `MLflowFileStoreImporter` and its YAML subset, on a hand-written `./mlruns` in the exact shape
/// MLflow 3.17.2's file store writes.
@Suite("Import: MLflow file store")
struct MLflowFileStoreImporterTests {
    @Test func yamlSubset() {
        let parsed = MiniYAML.parse("""
            artifact_location: file:///tmp/mlruns/1
            creation_time: 1795627117809
            experiment_id: '1'
            end_time: null
            entry_point_name: ''
            quoted: 'it''s'
            escaped: "a\\tb \\"c\\" \\u00e9"
            tags: []
            empty: {}
            description: 'a long description a long description a long description a long description
              a long description '
            aliases:
              best: '1'
              next: '2'
            """)
        #expect(MiniYAML.string(parsed, "artifact_location") == "file:///tmp/mlruns/1")
        #expect(MiniYAML.string(parsed, "experiment_id") == "1")
        #expect(MiniYAML.string(parsed, "creation_time") == "1795627117809")
        #expect(MiniYAML.string(parsed, "end_time") == nil)
        #expect(MiniYAML.string(parsed, "entry_point_name") == "")
        #expect(MiniYAML.string(parsed, "quoted") == "it's")
        #expect(MiniYAML.string(parsed, "escaped") == "a\tb \"c\" é")
        #expect(MiniYAML.string(parsed, "tags") == nil)
        #expect(MiniYAML.map(parsed, "empty").isEmpty)
        #expect(MiniYAML.string(parsed, "description")
                == "a long description a long description a long description a long description a long description ")
        #expect(MiniYAML.map(parsed, "aliases") == ["best": "1", "next": "2"])
    }

    /// Writes `files` (path relative to the root -> content) under a fresh directory.
    static func makeStore(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("mlruns-\(UUID().uuidString.lowercased())").path
        for (relative, content) in files {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        }
        return root
    }

    static func experimentMeta(_ id: String, _ name: String, stage: String = "active") -> String {
        """
        artifact_location: file:///old/mlruns/\(id)
        creation_time: 1000
        effective_trace_archival_retention: null
        experiment_id: '\(id)'
        last_update_time: 1001
        lifecycle_stage: \(stage)
        name: \(name)
        trace_location: null
        workspace: default

        """
    }

    static func runMeta(_ id: String, experiment: String, status: Int, stage: String = "active",
                        deleted: String? = nil) -> String {
        """
        artifact_uri: file:///old/mlruns/\(experiment)/\(id)/artifacts
        \(deleted.map { "deleted_time: \($0)\n" } ?? "")end_time: \(status == 1 ? "null" : "6000")
        entry_point_name: ''
        experiment_id: '\(experiment)'
        lifecycle_stage: \(stage)
        run_id: \(id)
        run_name: name-\(id)
        run_uuid: \(id)
        source_name: ''
        source_type: 4
        source_version: ''
        start_time: 5000
        status: \(status)
        tags: []
        user_id: ann

        """
    }

    static let files: [String: String] = [
        "0/meta.yaml": experimentMeta("0", "Default"),
        "1/meta.yaml": experimentMeta("1", "vision"),
        "1/tags/team": "cv",
        "1/datasets/d1/meta.yaml": "digest: dg\nname: train\nprofile: null\nschema: null\nsource: '{}'\nsource_type: local\n",
        "1/r1/meta.yaml": runMeta("r1", experiment: "1", status: 3),
        "1/r1/params/lr": "0.01",
        "1/r1/params/nested/key": "v",
        "1/r1/tags/mlflow.runName": "name-r1",
        "1/r1/metrics/loss": "7000 1.0 0\n7001 0.5 1\n7001 0.5 1\n7002 0.25 2\n",
        "1/r1/metrics/odd": "7100 nan 1\n7101 inf 2\n7102 -inf 3\n",
        "1/r1/inputs/i1/meta.yaml":
            "destination_id: d1\ndestination_type: RUN\nsource_id: d1\nsource_type: DATASET\ntags:\n  mlflow.data.context: train\n",
        "1/r2/meta.yaml": runMeta("r2", experiment: "1", status: 1, stage: "deleted", deleted: "9000"),
        // MLflow's file store makes 18-digit experiment ids: they fit every engine's 64-bit column.
        ".trash/728462947382918374/meta.yaml": experimentMeta("728462947382918374", "gone", stage: "deleted"),
        "models/clf/meta.yaml": """
            aliases:
              best: '1'
            creation_timestamp: 10000
            deployment_job_id: null
            description: 'a classifier'
            last_updated_timestamp: 10005
            name: clf
            workspace: default

            """,
        "models/clf/tags/owner": "ml",
        "models/clf/aliases/best": "1",
        "models/clf/version-1/meta.yaml": """
            creation_timestamp: 10001
            current_stage: Staging
            description: null
            last_updated_timestamp: 10002
            model_id: null
            name: clf
            run_id: r1
            run_link: null
            source: runs:/r1/model
            status: READY
            status_message: null
            storage_location: runs:/r1/model
            user_id: null
            version: 1
            workspace: default

            """,
        "models/clf/version-1/tags/validated": "yes",
    ]

    @Test(arguments: TestEngine.all) func copiesTheFileStore(engine: TestEngine) throws {
        let root = try Self.makeStore(Self.files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let destination = try engine.makeDatabase()
        let report = try MLflowFileStoreImporter(root: root, destination: destination, batchSize: 3).run()
        #expect(report.succeeded, "\(report.rendered)")
        #expect(report.count("experiments")?.written == 3)
        #expect(report.count("runs")?.written == 2)
        #expect(report.count("metrics")?.read == 7)
        #expect(report.count("metrics")?.written == 6)  // one exact repeat stored once
        #expect(report.tables.first { $0.name == "metrics" }?.dropped == 1)

        let store = try SQLTrackingStore(database: destination, defaultArtifactRoot: "/elsewhere")
        #expect(try store.getExperiment(id: "1").tags.map(\.value) == ["cv"])
        #expect(try store.getExperiment(id: "728462947382918374").lifecycleStage == .deleted)
        #expect(try store.getExperiment(id: "0").artifactLocation == "file:///old/mlruns/0")
        let run = try store.getRun(id: "r1")
        #expect(run.info.status == .finished && run.info.userId == "ann" && run.info.startTime == 5000)
        #expect(Set(run.params.map(\.key)) == ["lr", "nested/key"])
        #expect(run.datasetInputs.map(\.dataset.name) == ["train"])
        #expect(run.metrics.first { $0.key == "loss" }?.value == 0.25)
        let odd = try store.getMetricHistory(runId: "r1", key: "odd", maxResults: nil, pageToken: nil).items
        #expect(odd.map(\.step) == [1, 2, 3])
        #expect(odd[0].value.isNaN && odd[1].value == .greatestFiniteMagnitude && odd[2].value == -.greatestFiniteMagnitude)
        let deleted = try store.getRun(id: "r2")
        #expect(deleted.info.lifecycleStage == .deleted && deleted.info.status == .running)

        let registry = SQLRegistryStore(migrated: destination)
        #expect(try registry.getRegisteredModel(name: "clf").description == "a classifier")
        let version = try registry.getModelVersionByAlias(name: "clf", alias: "best")
        #expect(version.version == "1" && version.currentStage == .staging && version.tags.map(\.key) == ["validated"])
        let next = try registry.createModelVersion(CreateModelVersionRequest(name: "clf", source: "runs:/r1/model", runId: "r1"))
        #expect(next.version == "2")
    }

    @Test func refusesAMissingDirectory() throws {
        #expect(throws: ImportSourceInvalid.self) {
            _ = try MLflowFileStoreImporter(root: "/nonexistent/mlruns", destination: try SQLiteDatabase.temporary()).run()
        }
    }
}
