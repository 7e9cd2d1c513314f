"""scripts/seed-demo (`make seed`) fills a server with the demo a newcomer browses: what it
promises is there, read back with the mlflow client."""
import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.swiftrack_only   # the transition request is Swiftrack's
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.timeout(180)
def test_the_demo_seed_fills_experiments_runs_histories_artifacts_and_a_model(server, client):
    seeded = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "seed-demo"), "--tracking-uri", server,
                             "--runs", "3"], capture_output=True, text=True, timeout=170)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    summary = json.loads(seeded.stdout.strip().splitlines()[-1])
    assert summary["runs"] == 7
    stamp = summary["model"].removeprefix("demo-classifier-")
    experiments = [client.get_experiment_by_name(f"demo-{p}-{stamp}") for p in ("image-classifier", "churn-model")]
    assert all(experiments)
    runs = client.search_runs([e.experiment_id for e in experiments], max_results=100)
    assert len(runs) == 7
    trained = [r for r in runs if r.info.run_name != "long-training-20k"]
    assert all(len(client.get_metric_history(r.info.run_id, "loss")) == 50 for r in trained)
    assert {p for p in trained[0].data.params} == {"learning_rate", "layers"}
    files = {f.path for f in client.list_artifacts(trained[0].info.run_id)}
    assert files == {"notes.txt", "config.json", "plots", "model"}
    long_run = next(r for r in runs if r.info.run_name == "long-training-20k")
    assert len(client.get_metric_history(long_run.info.run_id, "loss")) == 20_000
    versions = {v.version: v for v in client.search_model_versions(f"name='{summary['model']}'")}
    assert versions["1"].current_stage == "Staging" and versions["2"].current_stage == "Production"
    assert client.get_model_version_by_alias(summary["model"], "champion").version == "2"
    import requests
    pending = requests.get(server + "/api/2.0/mlflow/transition-requests/list",
                           params={"name": summary["model"], "version": "3"}, timeout=15).json()
    assert [r["to_stage"] for r in pending["requests"]] == ["Staging"], pending
