"""The server refuses a database made by an older Swiftrack and names the command that upgrades it;
`swiftrack db upgrade URI` applies the missing migrations, after which the server starts and the
data is still there (MLflow's `mlflow db upgrade` contract)."""
import os
import sqlite3
import subprocess
import tempfile

import pytest

from conftest import SWIFTRACK_BIN, _free_port

# Everything migrations 2-10 added (SQLite's history): the run start-time index, the registry,
# logged models, the registry-history move columns (on a table migration 3 made), transition requests,
# webhooks, traces and their assessments. (Migration 8 rebuilds tables of version 1: it runs again.)
LATER_TABLES = ["model_version_sealings", "model_version_seals", "online_scoring_configs", "scorer_versions", "scorers", "evaluation_dataset_records", "evaluation_dataset_tags", "evaluation_datasets", "entity_associations", "spans", "assessments", "trace_request_metadata", "trace_tags", "trace_info",
                "webhook_deliveries", "webhook_events", "webhooks", "transition_requests", "logged_model_metrics", "logged_model_params", "logged_model_tags", "logged_models",
                "model_version_tags", "model_versions", "registered_model_aliases", "registered_model_tags",
                "registry_history", "registered_models"]


def _version_one_database(path):
    """A store at schema version 1: made whole by `db upgrade`, then cut back to migration 1.
    Returns the versions it recorded (not always 1..latest: a number may be left for a change landing
    apart)."""
    done = subprocess.run([SWIFTRACK_BIN, "db", "upgrade", f"sqlite:///{path}"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as db:
        versions = [v for (v,) in db.execute("SELECT version FROM schema_version ORDER BY version")]
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute("DROP INDEX index_runs_start_time")
        for table in LATER_TABLES:
            db.execute(f"DROP TABLE {table}")
        db.execute("DELETE FROM schema_version WHERE version > 1")
        db.execute("INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage) "
                   "VALUES (7, 'kept', '/a/7', 'active')")
    return versions


@pytest.mark.swiftrack_only
def test_older_schema_is_refused_until_db_upgrade():
    tmp = tempfile.mkdtemp(prefix="compat-upgrade-")
    path = os.path.join(tmp, "old.db")
    versions = _version_one_database(path)
    assert versions[0] == 1 and versions[-1] >= 10
    uri = f"sqlite:///{path}"

    port = _free_port()
    refused = subprocess.run([SWIFTRACK_BIN, "server", "--backend-store-uri", uri, "--port", str(port)],
                             capture_output=True, text=True, timeout=30)
    assert refused.returncode == 1
    assert "schema is at version 1" in refused.stderr
    assert f"swiftrack db upgrade '{uri}'" in refused.stderr

    upgraded = subprocess.run([SWIFTRACK_BIN, "db", "upgrade", uri], capture_output=True, text=True, timeout=60)
    assert upgraded.returncode == 0, upgraded.stderr
    later = versions[1:]
    assert f"applied migrations {', '.join(map(str, later))} " in upgraded.stdout
    again = subprocess.run([SWIFTRACK_BIN, "db", "upgrade", uri], capture_output=True, text=True, timeout=60)
    assert "schema is up to date" in again.stdout

    with sqlite3.connect(path) as db:
        assert [v for (v,) in db.execute("SELECT version FROM schema_version ORDER BY version")] == [1] + later
        assert db.execute("SELECT name FROM experiments WHERE experiment_id = 7").fetchone() == ("kept",)
        assert db.execute("SELECT COUNT(*) FROM registered_models").fetchone() == (0,)
