"""Raw-HTTP helpers shared by the compat tests."""
import time

import requests


class Api:
    def __init__(self, base):
        self.base = base
        self.s = requests.Session()

    def url(self, path):
        if path.startswith("/"):
            return self.base + path
        return f"{self.base}/api/2.0/mlflow/{path}"

    def get(self, path, params=None, **kw):
        return self.s.get(self.url(path), params=params, timeout=15, **kw)

    def post(self, path, json=None, **kw):
        return self.s.post(self.url(path), json=json, timeout=15, **kw)

    def request(self, method, path, **kw):
        return self.s.request(method, self.url(path), timeout=15, **kw)

    # helpers used by many tests
    def create_experiment(self, name):
        r = self.post("experiments/create", {"name": name})
        assert r.status_code == 200, r.text
        return r.json()["experiment_id"]

    def create_run(self, experiment_id, **extra):
        body = {"experiment_id": experiment_id, "start_time": int(time.time() * 1000)}
        body.update(extra)
        r = self.post("runs/create", body)
        assert r.status_code == 200, r.text
        return r.json()["run"]["info"]["run_id"]


def assert_error(resp, status, error_code, message=None, contains=None):
    """Assert an MLflow error envelope: status, JSON error_code and (exact or partial) message."""
    assert resp.status_code == status, f"{resp.status_code} {resp.text[:500]}"
    assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.headers
    body = resp.json()
    assert body["error_code"] == error_code, body
    if message is not None:
        assert body["message"] == message, body["message"]
    if contains is not None:
        for part in ([contains] if isinstance(contains, str) else contains):
            assert part in body["message"], body["message"]
    return body


def own_run_source(base_url, **auth):
    """A run of a new experiment the caller creates (and so may read), as the fields a model version
    made from it names: Swiftrack registers object-store sources only inside a run or logged model
    the caller may read, so tests register versions from runs of their own. `auth` is passed to
    requests (auth=(user, password) or headers={...})."""
    import uuid
    experiment = requests.post(base_url + "/api/2.0/mlflow/experiments/create", timeout=15,
                               json={"name": f"source-{uuid.uuid4().hex[:10]}"}, **auth)
    assert experiment.status_code == 200, experiment.text
    run = requests.post(base_url + "/api/2.0/mlflow/runs/create", timeout=15,
                        json={"experiment_id": experiment.json()["experiment_id"]}, **auth)
    assert run.status_code == 200, run.text
    run_id = run.json()["run"]["info"]["run_id"]
    return {"source": f"runs:/{run_id}/model", "run_id": run_id}


SECOND_NS = 1_000_000_000


def ten_thousand_span_trace(trace_hex, start_ns):
    """OTLP/JSON spans (the body of `POST /v1/traces`) of one trace of 10,000 spans lasting 10 s:
    "root" (CHAIN); under it 98 "batch-<b>" spans of 100 ms, each with 100 "step-<b>-<k>" (TOOL,
    0.5 ms); then a chain "level-1" ... "level-100", each the child of the one before, and under
    the last "needle", which failed: the last span depth first, at level 102. Span ids are
    1..9999 in that order (16 hex digits) and 0fffffffffffffff for the root. Shared by
    test_ui_builtin.py and bench/ui_trace_open.py."""
    def span(number, parent, name, start, end, status=1, kind="UNKNOWN"):
        return {"traceId": trace_hex, "spanId": f"{number:016x}", "parentSpanId": f"{parent:016x}" if parent else "",
                "name": name, "startTimeUnixNano": str(start), "endTimeUnixNano": str(end), "status": {"code": status},
                "attributes": [{"key": "mlflow.spanType", "value": {"stringValue": f'"{kind}"'}},
                               {"key": "mlflow.spanInputs", "value": {"stringValue": f'{{"item": "{name}"}}'}}]}
    root = 0x0FFF_FFFF_FFFF_FFFF
    spans = [span(root, None, "root", start_ns, start_ns + 10 * SECOND_NS, kind="CHAIN")]
    number = 1
    for b in range(98):
        batch_start = start_ns + b * SECOND_NS // 10
        batch = number
        spans.append(span(batch, root, f"batch-{b}", batch_start, batch_start + SECOND_NS // 10))
        number += 1
        for k in range(100):
            step = batch_start + k * SECOND_NS // 1000
            spans.append(span(number, batch, f"step-{b}-{k}", step, step + SECOND_NS // 2000, kind="TOOL"))
            number += 1
    parent = root
    for level in range(1, 101):
        chain_start = start_ns + 98 * SECOND_NS // 10 + level * SECOND_NS // 1000
        spans.append(span(number, parent, f"level-{level}", chain_start, start_ns + 10 * SECOND_NS))
        parent = number
        number += 1
    spans.append(span(number, parent, "needle", start_ns + 10 * SECOND_NS - SECOND_NS // 100, start_ns + 10 * SECOND_NS,
                      status=2))
    assert len(spans) == 10_000
    return {"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}
