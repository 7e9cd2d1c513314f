import Foundation
@testable import SQL
@testable import SQLiteEngine
import Testing
@testable import Storage
import TrackingCore

/// `MLflowImporter`: a hand-made source with MLflow 3.17.2's own table definitions (copied from a
/// database `mlflow server` created), imported into a fresh Swiftrack store and read back through
/// the stores.
@Suite("Import: MLflow database")
struct MLflowImporterTests {
    /// MLflow 3.17.2's DDL (SQLite), for the tables the importer copies.
    static let mlflowDDL = """
        CREATE TABLE "experiments" (
            experiment_id INTEGER NOT NULL,
            name VARCHAR(256) NOT NULL,
            artifact_location VARCHAR(256),
            lifecycle_stage VARCHAR(32),
            creation_time BIGINT,
            last_update_time BIGINT,
            workspace VARCHAR(63) DEFAULT 'default' NOT NULL,
            CONSTRAINT experiment_pk PRIMARY KEY (experiment_id),
            CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
            CONSTRAINT uq_experiments_workspace_name UNIQUE (workspace, name)
        );
        CREATE TABLE "experiment_tags" (
            "key" VARCHAR(250) NOT NULL,
            value TEXT,
            experiment_id INTEGER NOT NULL,
            CONSTRAINT experiment_tag_pk PRIMARY KEY ("key", experiment_id),
            FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)
        );
        CREATE TABLE "runs" (
            run_uuid VARCHAR(32) NOT NULL,
            name VARCHAR(250),
            source_type VARCHAR(20),
            source_name VARCHAR(500),
            entry_point_name VARCHAR(50),
            user_id VARCHAR(256),
            status VARCHAR(9),
            start_time BIGINT,
            end_time BIGINT,
            source_version VARCHAR(50),
            lifecycle_stage VARCHAR(20),
            artifact_uri VARCHAR(200),
            experiment_id INTEGER, deleted_time BIGINT,
            CONSTRAINT run_pk PRIMARY KEY (run_uuid),
            CONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT')),
            CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
            FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
            CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED'))
        );
        CREATE TABLE "params" (
            "key" VARCHAR(250) NOT NULL,
            value VARCHAR(8000) NOT NULL,
            run_uuid VARCHAR(32) NOT NULL,
            CONSTRAINT param_pk PRIMARY KEY ("key", run_uuid),
            FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
        );
        CREATE TABLE "tags" (
            "key" VARCHAR(250) NOT NULL,
            value VARCHAR(8000),
            run_uuid VARCHAR(32) NOT NULL,
            CONSTRAINT tag_pk PRIMARY KEY ("key", run_uuid),
            FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
        );
        CREATE TABLE "metrics" (
            "key" VARCHAR(250) NOT NULL,
            value FLOAT NOT NULL,
            timestamp BIGINT NOT NULL,
            run_uuid VARCHAR(32) NOT NULL,
            step BIGINT DEFAULT '0' NOT NULL,
            is_nan BOOLEAN DEFAULT '0' NOT NULL,
            CONSTRAINT metric_pk PRIMARY KEY ("key", timestamp, step, run_uuid, value, is_nan),
            FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid),
            CHECK (is_nan IN (0, 1))
        );
        CREATE TABLE "latest_metrics" (
            "key" VARCHAR(250) NOT NULL,
            value FLOAT NOT NULL,
            timestamp BIGINT,
            step BIGINT NOT NULL,
            is_nan BOOLEAN NOT NULL,
            run_uuid VARCHAR(32) NOT NULL,
            CONSTRAINT latest_metric_pk PRIMARY KEY ("key", run_uuid),
            FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid),
            CHECK (is_nan IN (0, 1))
        );
        CREATE TABLE "datasets" (
            dataset_uuid VARCHAR(36) NOT NULL,
            experiment_id INTEGER NOT NULL,
            name VARCHAR(500) NOT NULL,
            digest VARCHAR(36) NOT NULL,
            dataset_source_type VARCHAR(36) NOT NULL,
            dataset_source TEXT NOT NULL,
            dataset_schema TEXT,
            dataset_profile TEXT,
            CONSTRAINT dataset_pk PRIMARY KEY (experiment_id, name, digest),
            CONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE
        );
        CREATE TABLE inputs (
            input_uuid VARCHAR(36) NOT NULL,
            source_type VARCHAR(36) NOT NULL,
            source_id VARCHAR(36) NOT NULL,
            destination_type VARCHAR(36) NOT NULL,
            destination_id VARCHAR(36) NOT NULL, step BIGINT DEFAULT '0' NOT NULL,
            CONSTRAINT inputs_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id)
        );
        CREATE TABLE input_tags (
            input_uuid VARCHAR(36) NOT NULL,
            name VARCHAR(255) NOT NULL,
            value VARCHAR(500) NOT NULL,
            CONSTRAINT input_tags_pk PRIMARY KEY (input_uuid, name)
        );
        CREATE TABLE "registered_models" (
            name VARCHAR(256) NOT NULL,
            creation_time BIGINT,
            last_updated_time BIGINT,
            description VARCHAR(5000),
            workspace VARCHAR(63) DEFAULT 'default' NOT NULL,
            CONSTRAINT registered_model_pk PRIMARY KEY (workspace, name)
        );
        CREATE TABLE "registered_model_tags" (
            "key" VARCHAR(250) NOT NULL,
            value VARCHAR(5000),
            name VARCHAR(256) NOT NULL,
            workspace VARCHAR(63) DEFAULT 'default' NOT NULL,
            CONSTRAINT registered_model_tag_pk PRIMARY KEY (workspace, "key", name),
            CONSTRAINT fk_registered_model_tags_registered_models FOREIGN KEY(workspace, name) REFERENCES registered_models (workspace, name) ON UPDATE CASCADE
        );
        CREATE TABLE "model_versions" (
            name VARCHAR(256) NOT NULL,
            version INTEGER NOT NULL,
            creation_time BIGINT,
            last_updated_time BIGINT,
            description VARCHAR(5000),
            user_id VARCHAR(256),
            current_stage VARCHAR(20),
            source VARCHAR(500),
            run_id VARCHAR(32),
            status VARCHAR(20),
            status_message VARCHAR(500),
            run_link VARCHAR(500),
            storage_location VARCHAR(500),
            workspace VARCHAR(63) DEFAULT 'default' NOT NULL,
            CONSTRAINT model_version_pk PRIMARY KEY (workspace, name, version),
            CONSTRAINT fk_model_versions_registered_models FOREIGN KEY(workspace, name) REFERENCES registered_models (workspace, name) ON UPDATE CASCADE
        );
        CREATE TABLE "model_version_tags" (
            "key" VARCHAR(250) NOT NULL,
            value TEXT,
            name VARCHAR(256) NOT NULL,
            version INTEGER NOT NULL,
            workspace VARCHAR(63) DEFAULT 'default' NOT NULL,
            CONSTRAINT model_version_tag_pk PRIMARY KEY (workspace, "key", name, version),
            CONSTRAINT fk_model_version_tags_model_versions FOREIGN KEY(workspace, name, version) REFERENCES model_versions (workspace, name, version) ON UPDATE CASCADE
        );
        CREATE TABLE "registered_model_aliases" (
            alias VARCHAR(256) NOT NULL,
            version INTEGER NOT NULL,
            name VARCHAR(256) NOT NULL,
            workspace VARCHAR(63) DEFAULT 'default' NOT NULL,
            CONSTRAINT registered_model_alias_pk PRIMARY KEY (workspace, name, alias),
            CONSTRAINT fk_registered_model_aliases_registered_models FOREIGN KEY(workspace, name) REFERENCES registered_models (workspace, name) ON DELETE CASCADE ON UPDATE CASCADE
        );
        CREATE TABLE logged_models (
            model_id VARCHAR(36) NOT NULL,
            experiment_id INTEGER NOT NULL,
            name VARCHAR(500) NOT NULL,
            artifact_location VARCHAR(1000) NOT NULL,
            creation_timestamp_ms BIGINT NOT NULL,
            last_updated_timestamp_ms BIGINT NOT NULL,
            status INTEGER NOT NULL,
            lifecycle_stage VARCHAR(32),
            model_type VARCHAR(500),
            source_run_id VARCHAR(32),
            status_message VARCHAR(1000),
            CONSTRAINT logged_models_pk PRIMARY KEY (model_id),
            CONSTRAINT logged_models_lifecycle_stage_check CHECK (lifecycle_stage IN ('active', 'deleted')),
            CONSTRAINT fk_logged_models_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE
        );
        CREATE TABLE logged_model_tags (
            model_id VARCHAR(36) NOT NULL,
            experiment_id INTEGER NOT NULL,
            tag_key VARCHAR(255) NOT NULL,
            tag_value TEXT NOT NULL,
            CONSTRAINT logged_model_tags_pk PRIMARY KEY (model_id, tag_key),
            CONSTRAINT fk_logged_model_tags_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
            CONSTRAINT fk_logged_model_tags_model_id FOREIGN KEY(model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE
        );
        CREATE TABLE logged_model_params (
            model_id VARCHAR(36) NOT NULL,
            experiment_id INTEGER NOT NULL,
            param_key VARCHAR(255) NOT NULL,
            param_value TEXT NOT NULL,
            CONSTRAINT logged_model_params_pk PRIMARY KEY (model_id, param_key),
            CONSTRAINT fk_logged_model_params_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
            CONSTRAINT fk_logged_model_params_model_id FOREIGN KEY(model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE
        );
        CREATE TABLE logged_model_metrics (
            model_id VARCHAR(36) NOT NULL,
            metric_name VARCHAR(500) NOT NULL,
            metric_timestamp_ms BIGINT NOT NULL,
            metric_step BIGINT NOT NULL,
            metric_value FLOAT,
            experiment_id INTEGER NOT NULL,
            run_id VARCHAR(32) NOT NULL,
            dataset_uuid VARCHAR(36),
            dataset_name VARCHAR(500),
            dataset_digest VARCHAR(36),
            CONSTRAINT logged_model_metrics_pk PRIMARY KEY (model_id, metric_name, metric_timestamp_ms, metric_step, run_id),
            CONSTRAINT fk_logged_model_metrics_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
            CONSTRAINT fk_logged_model_metrics_model_id FOREIGN KEY(model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE,
            CONSTRAINT fk_logged_model_metrics_run_id FOREIGN KEY(run_id) REFERENCES runs (run_uuid) ON DELETE CASCADE
        );
        """

    /// A source database shaped like MLflow's, with a few rows in every table.
    static func makeSource(_ engine: TestEngine = .sqlite) throws -> any SQLDatabase {
        let source = try engine.makeDatabase(poolSize: 2)
        try source.withConnection { connection in
            for statement in ddl(for: connection.dialect) { try connection.executeScript(statement) }
            try connection.transaction(write: true) {
                func insert(_ sql: String, _ values: [SQLValue]) throws { try connection.execute(sql, values) }
                try insert("INSERT INTO experiments VALUES (0, 'Default', '/art/0', 'active', 1000, 1001, 'default')", [])
                try insert("INSERT INTO experiments VALUES (7, 'vision', 's3://bucket/7', 'active', 2000, 2001, 'default')", [])
                try insert("INSERT INTO experiments VALUES (9, 'old', '/art/9', 'deleted', 3000, 3001, 'default')", [])
                try insert("INSERT INTO experiment_tags VALUES ('team', 'cv', 7)", [])
                try insert("INSERT INTO experiment_tags VALUES ('mlflow.note.content', 'hello', 0)", [])
                let run = "INSERT INTO runs (run_uuid, name, source_type, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri, experiment_id, deleted_time) VALUES (?, ?, 'LOCAL', 'ann', ?, ?, ?, ?, ?, ?, ?)"
                try insert(run, [.text("a1"), .text("first"), .text("FINISHED"), .integer(5000), .integer(6000),
                                 .text("active"), .text("s3://bucket/7/a1/artifacts"), .integer(7), .null])
                try insert(run, [.text("b2"), .text("second"), .text("FAILED"), .integer(5100), .null,
                                 .text("deleted"), .text("s3://bucket/7/b2/artifacts"), .integer(7), .integer(9000)])
                try insert(run, [.text("c3"), .text("third"), .text("RUNNING"), .integer(5200), .null,
                                 .text("active"), .text("/art/0/c3/artifacts"), .integer(0), .null])
                try insert("INSERT INTO params VALUES ('lr', '0.01', 'a1')", [])
                try insert("INSERT INTO params VALUES ('layers', '3', 'a1')", [])
                try insert("INSERT INTO tags VALUES ('mlflow.runName', 'first', 'a1')", [])
                try insert("INSERT INTO tags VALUES ('mlflow.user', 'ann', 'a1')", [])
                let metric = "INSERT INTO metrics VALUES (?, ?, ?, ?, ?, FALSE)"
                let nanMetric = "INSERT INTO metrics VALUES (?, ?, ?, ?, ?, TRUE)"
                for step in 0..<5 {
                    try insert(metric, [.text("loss"), .real(1.0 / Double(step + 1)), .integer(Int64(7000 + step)),
                                        .text("a1"), .integer(Int64(step))])
                }
                try insert(nanMetric, [.text("weird"), .real(0), .integer(7100), .text("a1"), .integer(0)])
                try insert(metric, [.text("weird"), .real(1.7976931348623157e308), .integer(7101), .text("a1"), .integer(1)])
                try insert("INSERT INTO latest_metrics VALUES ('loss', 0.2, 7004, 4, FALSE, 'a1')", [])
                try insert("INSERT INTO latest_metrics VALUES ('weird', 1.7976931348623157e308, 7101, 1, FALSE, 'a1')", [])
                try insert("INSERT INTO datasets VALUES ('d-1', 7, 'train', 'abc', 'local', '{\"uri\": \"x\"}', '{}', NULL)", [])
                try insert("INSERT INTO inputs VALUES ('i-1', 'DATASET', 'd-1', 'RUN', 'a1', 0)", [])
                try insert("INSERT INTO input_tags VALUES ('i-1', 'mlflow.data.context', 'training')", [])
                try insert("INSERT INTO registered_models VALUES ('clf', 10000, 10005, 'a classifier', 'default')", [])
                try insert("INSERT INTO registered_model_tags VALUES ('owner', 'ml', 'clf', 'default')", [])
                let version = "INSERT INTO model_versions VALUES ('clf', ?, ?, ?, ?, 'ann', ?, ?, ?, 'READY', NULL, NULL, ?, 'default')"
                try insert(version, [.integer(1), .integer(10001), .integer(10002), .text("v1"), .text("Production"),
                                     .text("runs:/a1/model"), .text("a1"), .text("s3://bucket/7/a1/artifacts/model")])
                try insert(version, [.integer(3), .integer(10003), .integer(10004), .null, .text("None"),
                                     .text("runs:/a1/model"), .text("a1"), .null])
                try insert("INSERT INTO model_version_tags VALUES ('validated', 'yes', 'clf', 1, 'default')", [])
                try insert("INSERT INTO registered_model_aliases VALUES ('champion', 3, 'clf', 'default')", [])
                try insert("INSERT INTO logged_models VALUES ('m-1', 7, 'net', 's3://bucket/7/models/m-1', 8000, 8001, 2, 'active', 'torch', 'a1', NULL)", [])
                try insert("INSERT INTO logged_model_tags VALUES ('m-1', 7, 'k', 'v')", [])
                try insert("INSERT INTO logged_model_params VALUES ('m-1', 7, 'depth', '4')", [])
                try insert("INSERT INTO logged_model_metrics VALUES ('m-1', 'acc', 8002, 0, 0.9, 7, 'a1', NULL, NULL, NULL)", [])
            }
        }
        return source
    }

    /// MLflow's DDL in the engine's spelling: SQLAlchemy writes the same tables for PostgreSQL
    /// and MySQL with booleans as BOOLEAN (PostgreSQL: no integer CHECK), doubles for metric
    /// values, and unquoted names.
    static func ddl(for dialect: SQLDialect) -> [String] {
        var text = mlflowDDL
        if dialect != .sqlite {
            text = text.replacingOccurrences(of: "\"", with: "")
        }
        if dialect == .postgres {
            text = text.replacingOccurrences(of: "CHECK (is_nan IN (0, 1))", with: "CHECK (is_nan IN (false, true))")
                .replacingOccurrences(of: "FLOAT", with: "DOUBLE PRECISION")
        }
        if dialect == .mysql {
            // MLflow's MySQL migrations made metric values Float(precision=53): DOUBLE.
            text = text.replacingOccurrences(of: "FLOAT", with: "DOUBLE")
        }
        return text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    @Test(arguments: TestEngine.all) func readsEverySourceEngine(engine: TestEngine) throws {
        let source = try Self.makeSource(engine)
        let destination = try SQLiteDatabase.temporary()
        let report = try MLflowImporter(source: source, destination: destination, batchSize: 3).run()
        #expect(report.succeeded)
        #expect(report.count("metrics")?.written == 7)
        #expect(report.count("model_versions")?.written == 2)
        let store = try SQLTrackingStore(database: destination, defaultArtifactRoot: "/elsewhere")
        let weird = try store.getMetricHistory(runId: "a1", key: "weird", maxResults: nil, pageToken: nil).items
        #expect(weird.first?.value.isNaN == true)
        #expect(weird.last?.value == 1.7976931348623157e308)
        #expect(try store.getRun(id: "b2").info.lifecycleStage == .deleted)
        #expect(try SQLRegistryStore(migrated: destination).getModelVersionByAlias(name: "clf", alias: "champion").version == "3")
    }

    @Test(arguments: TestEngine.all) func copiesEveryTableKeepingIds(engine: TestEngine) throws {
        let source = try Self.makeSource()
        let destination = try engine.makeDatabase()
        // A store that already ran once (Default experiment only) counts as empty.
        _ = try SQLTrackingStore(database: destination, defaultArtifactRoot: "/elsewhere")
        let report = try MLflowImporter(source: source, destination: destination, batchSize: 2).run()
        #expect(report.succeeded)
        let expected: [String: Int] = [
            "experiments": 3, "experiment_tags": 2, "runs": 3, "params": 2, "tags": 2, "metrics": 7,
            "latest_metrics": 2, "datasets": 1, "inputs": 1, "input_tags": 1, "registered_models": 1,
            "registered_model_tags": 1, "model_versions": 2, "model_version_tags": 1, "registered_model_aliases": 1,
            "logged_models": 1, "logged_model_tags": 1, "logged_model_params": 1, "logged_model_metrics": 1,
        ]
        for (table, rows) in expected {
            #expect(report.count(table)?.read == rows, "\(table)")
            #expect(report.count(table)?.written == rows, "\(table)")
        }

        let store = try SQLTrackingStore(database: destination, defaultArtifactRoot: "/elsewhere")
        let defaultExperiment = try store.getExperiment(id: "0")
        #expect(defaultExperiment.artifactLocation == "/art/0")
        #expect(defaultExperiment.tags.map(\.key) == ["mlflow.note.content"])
        let vision = try store.getExperiment(id: "7")
        #expect(vision.name == "vision" && vision.artifactLocation == "s3://bucket/7" && vision.creationTime == 2000)
        #expect(try store.getExperiment(id: "9").lifecycleStage == .deleted)

        let run = try store.getRun(id: "a1")
        #expect(run.info.runName == "first" && run.info.status == .finished && run.info.userId == "ann")
        #expect(run.info.startTime == 5000 && run.info.endTime == 6000)
        #expect(run.info.artifactUri == "s3://bucket/7/a1/artifacts")
        #expect(Dictionary(uniqueKeysWithValues: run.params.map { ($0.key, $0.value) }) == ["lr": "0.01", "layers": "3"])
        #expect(run.datasetInputs.map(\.dataset.name) == ["train"])
        #expect(run.datasetInputs.first?.tags.map(\.value) == ["training"])
        let loss = try store.getMetricHistory(runId: "a1", key: "loss", maxResults: nil, pageToken: nil).items
        #expect(loss.map(\.step) == [0, 1, 2, 3, 4])
        let weird = try store.getMetricHistory(runId: "a1", key: "weird", maxResults: nil, pageToken: nil).items
        #expect(weird.count == 2)
        #expect(weird.first?.value.isNaN == true)
        #expect(weird.last?.value == 1.7976931348623157e308)
        #expect(try store.getRun(id: "b2").info.lifecycleStage == .deleted)

        let registry = SQLRegistryStore(migrated: destination)
        let model = try registry.getRegisteredModel(name: "clf")
        #expect(model.description == "a classifier" && model.tags.map(\.value) == ["ml"])
        #expect(model.aliases.map(\.version) == ["3"])
        let first = try registry.getModelVersion(name: "clf", version: "1")
        #expect(first.currentStage == .production && first.runId == "a1" && first.source == "runs:/a1/model")
        #expect(first.tags.map(\.key) == ["validated"])
        #expect(try registry.getModelVersionByAlias(name: "clf", alias: "champion").version == "3")
        // The next version continues after the highest imported one.
        let next = try registry.createModelVersion(CreateModelVersionRequest(name: "clf", source: "runs:/a1/model", runId: "a1"))
        #expect(next.version == "4")

        let logged = try store.getLoggedModel(id: "m-1", allowDeleted: false)
        #expect(logged.name == "net" && logged.params.map(\.value) == ["4"] && logged.metrics.map(\.value) == [0.9])

        // New experiments get ids past the imported ones.
        let created = try store.createExperiment(name: "after", artifactLocation: nil, tags: [])
        #expect((Int(created) ?? 0) > 9)
    }

    @Test func refusesADestinationWithData() throws {
        let source = try Self.makeSource()
        let destination = try SQLiteDatabase.temporary()
        let store = try SQLTrackingStore(database: destination, defaultArtifactRoot: "/x")
        _ = try store.createExperiment(name: "existing", artifactLocation: nil, tags: [])
        #expect(throws: ImportDestinationNotEmpty.self) {
            _ = try MLflowImporter(source: source, destination: destination).run()
        }
    }

    @Test func refusesASourceWithoutMLflowTables() throws {
        let source = try SQLiteDatabase.temporary()
        #expect(throws: ImportSourceInvalid.self) {
            _ = try MLflowImporter(source: source, destination: try SQLiteDatabase.temporary()).run()
        }
    }
}
