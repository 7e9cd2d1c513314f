/// What `swiftrack import` copies from an MLflow database: one entry per table, in an order that
/// satisfies the foreign keys. Every table and column name here is a constant of ours; values are
/// always bound.
struct MLflowImportTable: Sendable {
    /// The table's name in both schemas.
    let name: String
    /// Destination columns and the source expressions that fill them (the same column, or a
    /// COALESCE where MLflow allows NULL and Swiftrack does not). `is_nan` is NOT NULL in MLflow
    /// and a boolean in PostgreSQL (read back as 1/0), so it is copied as is.
    let columns: [(destination: String, source: String)]
    /// Columns copied only when the source has them (a column MLflow added in a later version).
    let optionalColumns: [String]
    /// A deterministic order for engines without rowid (the source's primary key).
    let order: [String]
    /// Tables MLflow created late (logged models): a source without them is skipped, not an error.
    let optionalTable: Bool

    init(_ name: String, _ columns: [String], overrides: [String: String] = [:], optionalColumns: [String] = [],
         order: [String], optionalTable: Bool = false) {
        self.name = name
        self.columns = columns.map { ($0, overrides[$0] ?? $0) }
        self.optionalColumns = optionalColumns
        self.order = order
        self.optionalTable = optionalTable
    }
}

enum MLflowImportTables {
    static let all: [MLflowImportTable] = [
        MLflowImportTable("experiments",
                          ["experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time",
                           "last_update_time"],
                          overrides: ["lifecycle_stage": "COALESCE(lifecycle_stage, 'active')"],
                          order: ["experiment_id"]),
        MLflowImportTable("experiment_tags", ["experiment_id", "key", "value"], order: ["experiment_id", "key"]),
        MLflowImportTable("runs",
                          ["run_uuid", "name", "experiment_id", "user_id", "status", "start_time", "end_time",
                           "deleted_time", "artifact_uri", "lifecycle_stage"],
                          overrides: ["status": "COALESCE(status, 'RUNNING')",
                                      "lifecycle_stage": "COALESCE(lifecycle_stage, 'active')"],
                          order: ["run_uuid"]),
        MLflowImportTable("params", ["run_uuid", "key", "value"], order: ["run_uuid", "key"]),
        MLflowImportTable("tags", ["run_uuid", "key", "value"], order: ["run_uuid", "key"]),
        MLflowImportTable("metrics", ["run_uuid", "key", "value", "timestamp", "step", "is_nan"],
                          overrides: ["step": "COALESCE(step, 0)"],
                          order: ["run_uuid", "key", "step", "timestamp", "value", "is_nan"]),
        MLflowImportTable("latest_metrics", ["run_uuid", "key", "value", "timestamp", "step", "is_nan"],
                          overrides: ["timestamp": "COALESCE(timestamp, 0)"],
                          order: ["run_uuid", "key"]),
        MLflowImportTable("datasets",
                          ["dataset_uuid", "experiment_id", "name", "digest", "dataset_source_type", "dataset_source",
                           "dataset_schema", "dataset_profile"],
                          order: ["experiment_id", "name", "digest"]),
        MLflowImportTable("inputs",
                          ["input_uuid", "source_type", "source_id", "destination_type", "destination_id", "step"],
                          overrides: ["step": "COALESCE(step, 0)"],
                          order: ["source_type", "source_id", "destination_type", "destination_id"]),
        MLflowImportTable("input_tags", ["input_uuid", "name", "value"], order: ["input_uuid", "name"]),
        MLflowImportTable("registered_models",
                          ["name", "creation_time", "last_updated_time", "description", "next_version"],
                          overrides: ["next_version":
                            "(SELECT COALESCE(MAX(v.version), 0) + 1 FROM model_versions v WHERE v.name = registered_models.name)"],
                          order: ["name"]),
        MLflowImportTable("registered_model_tags", ["name", "key", "value"], order: ["name", "key"]),
        MLflowImportTable("model_versions",
                          ["name", "version", "creation_time", "last_updated_time", "description", "user_id",
                           "current_stage", "source", "storage_location", "run_id", "run_link", "status",
                           "status_message", "model_id"],
                          overrides: ["current_stage": "COALESCE(current_stage, 'None')",
                                      "status": "COALESCE(status, 'READY')"],
                          optionalColumns: ["model_id"],
                          order: ["name", "version"]),
        MLflowImportTable("model_version_tags", ["name", "version", "key", "value"], order: ["name", "version", "key"]),
        MLflowImportTable("registered_model_aliases", ["name", "alias", "version"], order: ["name", "alias"]),
        MLflowImportTable("logged_models",
                          ["model_id", "experiment_id", "name", "artifact_location", "creation_timestamp_ms",
                           "last_updated_timestamp_ms", "status", "lifecycle_stage", "model_type", "source_run_id",
                           "status_message"],
                          overrides: ["lifecycle_stage": "COALESCE(lifecycle_stage, 'active')"],
                          order: ["model_id"], optionalTable: true),
        MLflowImportTable("logged_model_tags", ["model_id", "experiment_id", "tag_key", "tag_value"],
                          order: ["model_id", "tag_key"], optionalTable: true),
        MLflowImportTable("logged_model_params", ["model_id", "experiment_id", "param_key", "param_value"],
                          order: ["model_id", "param_key"], optionalTable: true),
        MLflowImportTable("logged_model_metrics",
                          ["model_id", "metric_name", "metric_timestamp_ms", "metric_step", "metric_value",
                           "experiment_id", "run_id", "dataset_uuid", "dataset_name", "dataset_digest"],
                          order: ["model_id", "metric_name", "metric_timestamp_ms", "metric_step", "run_id"],
                          optionalTable: true),
    ]

    /// Tables a destination must have no rows in (besides the Default experiment) before an import.
    static let mustBeEmpty = ["runs", "registered_models", "logged_models", "datasets"]
}
