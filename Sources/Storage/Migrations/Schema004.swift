import SQL

/// Migration 4: MLflow 3 logged models with their tags, params and metrics. Status is stored as
/// MLflow's integer (0 unspecified, 1 pending, 2 ready, 3 failed), so filters such as
/// `status = 2` behave as MLflow's. Metrics carry the run they were logged from and their dataset.
enum Schema004 {
    static let statements: [String] = [
        """
        CREATE TABLE logged_models (
            model_id VARCHAR(36) PRIMARY KEY,
            experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
            name VARCHAR(500) NOT NULL,
            artifact_location VARCHAR(1000) NOT NULL,
            creation_timestamp_ms BIGINT NOT NULL,
            last_updated_timestamp_ms BIGINT NOT NULL,
            status INTEGER NOT NULL,
            lifecycle_stage VARCHAR(32) NOT NULL DEFAULT 'active'
                CHECK (lifecycle_stage IN ('active', 'deleted')),
            model_type VARCHAR(500),
            source_run_id VARCHAR(32),
            status_message VARCHAR(1000)
        )
        """,
        "CREATE INDEX index_logged_models_experiment_created ON logged_models (experiment_id, creation_timestamp_ms DESC, model_id)",
        """
        CREATE TABLE logged_model_tags (
            model_id VARCHAR(36) NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
            experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
            tag_key VARCHAR(255) NOT NULL,
            tag_value TEXT NOT NULL,
            PRIMARY KEY (model_id, tag_key)
        )
        """,
        """
        CREATE TABLE logged_model_params (
            model_id VARCHAR(36) NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
            experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
            param_key VARCHAR(255) NOT NULL,
            param_value TEXT NOT NULL,
            PRIMARY KEY (model_id, param_key)
        )
        """,
        """
        CREATE TABLE logged_model_metrics (
            model_id VARCHAR(36) NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
            metric_name VARCHAR(500) NOT NULL,
            metric_timestamp_ms BIGINT NOT NULL,
            metric_step BIGINT NOT NULL,
            metric_value DOUBLE PRECISION,
            experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
            run_id VARCHAR(32) NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
            dataset_uuid VARCHAR(36),
            dataset_name VARCHAR(500),
            dataset_digest VARCHAR(36),
            PRIMARY KEY (model_id, metric_name, metric_timestamp_ms, metric_step, run_id)
        )
        """,
        "CREATE INDEX index_logged_model_metrics_name_value ON logged_model_metrics (metric_name, metric_value)",
    ]
}
