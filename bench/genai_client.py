"""The client side of bench/genai.py, run with bench/.venv's python against one server:
an evaluation dataset of RECORDS records merged in one call and read back, then
`mlflow.genai.evaluate` over ROWS rows with two code scorers. Prints one JSON line of seconds and
counts. A measurement, not a test.

    python bench/genai_client.py URL RECORDS ROWS
"""
import json
import logging
import sys
import time
import uuid


def main():
    url, records, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    logging.disable(logging.WARNING)
    import mlflow
    from mlflow.genai import datasets
    from mlflow.genai.scorers import scorer

    mlflow.set_tracking_uri(url)
    experiment = mlflow.set_experiment(f"bench-genai-{uuid.uuid4().hex[:6]}").experiment_id
    out = {}
    try:
        dataset = datasets.create_dataset(name=f"bench-{uuid.uuid4().hex[:6]}", experiment_id=[experiment])
        batch = [{"inputs": {"question": f"What is {i} + {i}?", "id": i},
                  "expectations": {"answer": str(2 * i)}} for i in range(records)]
        t0 = time.perf_counter()
        dataset.merge_records(batch)
        out["merge_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        frame = datasets.get_dataset(dataset_id=dataset.dataset_id).to_df()
        out["read_s"] = time.perf_counter() - t0
        out["records_read"] = len(frame)
    except Exception as e:  # noqa: BLE001 - reported, the evaluation still runs
        out["dataset_error"] = f"{type(e).__name__}: {e}"[:300]

    @scorer
    def exact(outputs, expectations):
        return outputs == expectations["answer"]

    @scorer
    def length(outputs):
        return len(outputs)

    data = [{"inputs": {"question": f"What is {i} + {i}?", "i": i}, "expectations": {"answer": str(2 * i)}}
            for i in range(rows)]

    def predict(question, i):
        return str(2 * i) if i % 10 else "?"

    t0 = time.perf_counter()
    result = mlflow.genai.evaluate(data=data, predict_fn=predict, scorers=[exact, length])
    out["evaluate_s"] = time.perf_counter() - t0
    mlflow.flush_trace_async_logging()
    traces = mlflow.search_traces(run_id=result.run_id, return_type="list", max_results=rows + 10)
    out["traces"] = len(traces)
    out["exact_mean"] = result.metrics.get("exact/mean")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
