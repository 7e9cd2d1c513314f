"""A typical MLflow tutorial script, written the way a newcomer writes it.

No model flavors or artifacts: only the tracking calls every "getting started" page uses.
"""
import math
import random

import mlflow
import pandas as pd
from mlflow import MlflowClient


def train(lr, epochs, seed):
    """A toy 'training loop': returns per-epoch loss and a final accuracy."""
    rng = random.Random(seed)
    losses = [round(1.0 / (1 + lr * 10 * (e + 1)) + rng.random() * 0.01, 6) for e in range(epochs)]
    accuracy = round(1 - losses[-1], 6)
    return losses, accuracy


def test_tutorial_end_to_end(server, unique):
    mlflow.set_tracking_uri(server)
    experiment_name = f"tutorial-wine-quality-{unique}"
    experiment = mlflow.set_experiment(experiment_name)
    mlflow.set_experiment_tags({"project": "wine", "mlflow.note.content": "Tutorial experiment"})

    results = {}
    with mlflow.start_run(run_name="hyperparameter-sweep") as parent:
        mlflow.set_tag("sweep", "grid")
        for lr in [0.01, 0.1, 0.5]:
            with mlflow.start_run(run_name=f"lr-{lr}", nested=True) as child:
                params = {"learning_rate": lr, "epochs": 5, "optimizer": "sgd"}
                mlflow.log_params(params)
                losses, accuracy = train(lr, 5, seed=42)
                for epoch, loss in enumerate(losses):
                    mlflow.log_metric("train_loss", loss, step=epoch)
                mlflow.log_metric("accuracy", accuracy)
                mlflow.set_tags({"model_type": "toy", "framework": "python"})
                results[child.info.run_id] = (lr, losses, accuracy)
        best_run_id = max(results, key=lambda r: results[r][2])
        mlflow.log_metric("best_accuracy", results[best_run_id][2])
        mlflow.log_param("best_run_id", best_run_id)

    # --- inspect what we logged, as the tutorial's second half does ---
    client = MlflowClient()
    exp = client.get_experiment_by_name(experiment_name)
    assert exp.experiment_id == experiment.experiment_id
    assert exp.tags["project"] == "wine"
    assert exp.tags["mlflow.note.content"] == "Tutorial experiment"

    parent_run = mlflow.get_run(parent.info.run_id)
    assert parent_run.info.status == "FINISHED"
    assert parent_run.data.params == {"best_run_id": best_run_id}
    assert parent_run.data.metrics == {"best_accuracy": results[best_run_id][2]}
    assert parent_run.data.tags["sweep"] == "grid"
    assert parent_run.data.tags["mlflow.runName"] == "hyperparameter-sweep"

    for run_id, (lr, losses, accuracy) in results.items():
        run = client.get_run(run_id)
        assert run.info.status == "FINISHED"
        assert run.info.run_name == f"lr-{lr}"
        assert run.data.params == {"learning_rate": str(lr), "epochs": "5", "optimizer": "sgd"}
        assert run.data.metrics == {"train_loss": losses[-1], "accuracy": accuracy}
        assert run.data.tags["mlflow.parentRunId"] == parent.info.run_id
        assert run.data.tags["model_type"] == "toy"
        history = client.get_metric_history(run_id, "train_loss")
        assert [m.step for m in history] == list(range(5))
        assert [m.value for m in history] == losses

    # every run of the experiment, as a DataFrame
    runs = mlflow.search_runs(experiment_names=[experiment_name])
    assert isinstance(runs, pd.DataFrame)
    assert len(runs) == 4
    assert set(runs["status"]) == {"FINISHED"}

    # children only, best first
    children = mlflow.search_runs(
        experiment_ids=[experiment.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'",
        order_by=["metrics.accuracy DESC"],
    )
    assert list(children["run_id"]) == sorted(results, key=lambda r: results[r][2], reverse=True)
    assert children.iloc[0]["run_id"] == best_run_id
    assert list(children["params.learning_rate"]) == [str(results[r][0]) for r in children["run_id"]]
    assert children["metrics.accuracy"].is_monotonic_decreasing
    # the parent has no accuracy metric
    assert math.isnan(runs.set_index("run_id").loc[parent.info.run_id]["metrics.accuracy"])

    # the newcomer's favourite: find the best run with a filter and pick the top row
    good = mlflow.search_runs(
        experiment_ids=[experiment.experiment_id],
        filter_string="metrics.accuracy > 0.5 and params.optimizer = 'sgd'",
        order_by=["metrics.accuracy DESC"],
        max_results=1,
    )
    assert len(good) == 1 and good.loc[0, "run_id"] == best_run_id
    best = mlflow.get_run(good.loc[0, "run_id"])
    assert float(best.data.params["learning_rate"]) == results[best_run_id][0]

    # list experiments the way the docs show
    found = mlflow.search_experiments(filter_string=f"name = '{experiment_name}'")
    assert [e.experiment_id for e in found] == [experiment.experiment_id]

    # clean up like a tidy newcomer: delete one run, it disappears from the default search
    client.delete_run(best_run_id)
    remaining = mlflow.search_runs(experiment_ids=[experiment.experiment_id])
    assert best_run_id not in set(remaining["run_id"])
    assert len(remaining) == 3
