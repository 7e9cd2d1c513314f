"""Trace metrics (`POST /api/3.0/mlflow/traces/metrics`), the aggregates the MLflow UI's overview
charts: trace counts by status and time bucket, latency percentiles, span counts by name, feedback
values; MLflow's validation messages for a metric, aggregation or dimension it does not have."""
import os
import time

import mlflow
import pytest
import requests
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Status

BASE_MS = 1_700_000_000_000          # 2023-11-14T22:13:20Z
SECOND_NS = 1_000_000_000


def _export(server, experiment, traces):
    """traces: [(start offset s, duration ms, error?, [(child name, child duration ms)])]."""
    request = ExportTraceServiceRequest()
    scope = request.resource_spans.add().scope_spans.add()
    for offset, duration, failed, children in traces:
        trace_id, root_id = os.urandom(16), os.urandom(8)
        start = (BASE_MS + offset * 1000) * 1_000_000
        root = scope.spans.add(trace_id=trace_id, span_id=root_id, name="agent", start_time_unix_nano=start,
                               end_time_unix_nano=start + duration * 1_000_000)
        root.status.code = Status.STATUS_CODE_ERROR if failed else Status.STATUS_CODE_OK
        for name, child_ms in children:
            scope.spans.add(trace_id=trace_id, span_id=os.urandom(8), parent_span_id=root_id, name=name,
                            start_time_unix_nano=start, end_time_unix_nano=start + child_ms * 1_000_000)
    reply = requests.post(f"{server}/v1/traces", data=request.SerializeToString(), timeout=10,
                          headers={"Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": experiment})
    assert reply.status_code == 200, reply.text


@pytest.fixture
def experiment(server, client, unique):
    eid = client.create_experiment(f"metrics-{unique}")
    _export(server, eid, [(0, 100, False, [("llm", 40)]), (10, 300, False, [("llm", 60), ("tool", 5)]),
                          (70, 200, True, [("llm", 90)])])
    return eid


def _query(server, **body):
    return requests.post(f"{server}/api/3.0/mlflow/traces/metrics", json=body, timeout=10)


def _points(reply):
    assert reply.status_code == 200, reply.text
    return [(p.get("dimensions", {}), p["values"]) for p in reply.json().get("data_points", [])]


def test_trace_counts_by_status_and_minute(server, experiment):
    reply = _query(server, experiment_ids=[experiment], view_type="TRACES", metric_name="trace_count",
                   aggregations=[{"aggregation_type": "COUNT"}], dimensions=["trace_status"],
                   time_interval_seconds=60, start_time_ms=BASE_MS - 60_000, end_time_ms=BASE_MS + 3_600_000)
    assert _points(reply) == [
        ({"time_bucket": "2023-11-14T22:13:00+00:00", "trace_status": "OK"}, {"COUNT": 2.0}),
        ({"time_bucket": "2023-11-14T22:14:00+00:00", "trace_status": "ERROR"}, {"COUNT": 1.0}),
    ]


def test_latency_average_and_percentiles(server, experiment):
    reply = _query(server, experiment_ids=[experiment], view_type="TRACES", metric_name="latency",
                   aggregations=[{"aggregation_type": "AVG"}, {"aggregation_type": "PERCENTILE", "percentile_value": 50},
                                 {"aggregation_type": "MAX"}])
    [(dimensions, values)] = _points(reply)
    assert dimensions == {}
    assert values["AVG"] == pytest.approx(200.0)
    assert values["MAX"] == 300.0
    assert values["P50.0"] == pytest.approx(200.0)


def test_span_counts_by_name_and_filtered_by_trace_status(server, experiment):
    reply = _query(server, experiment_ids=[experiment], view_type="SPANS", metric_name="span_count",
                   aggregations=[{"aggregation_type": "COUNT"}], dimensions=["span_name"])
    assert _points(reply) == [({"span_name": "agent"}, {"COUNT": 3.0}), ({"span_name": "llm"}, {"COUNT": 3.0}),
                              ({"span_name": "tool"}, {"COUNT": 1.0})]
    failed = _query(server, experiment_ids=[experiment], view_type="SPANS", metric_name="span_count",
                    aggregations=[{"aggregation_type": "COUNT"}], filters=["trace.status = 'ERROR'"])
    assert _points(failed) == [({}, {"COUNT": 2.0})]


def test_feedback_values(server, experiment):
    traces = mlflow.search_traces(locations=[experiment], return_type="list")
    for trace, score in zip(traces, [1, 0.5, True]):
        mlflow.log_feedback(trace_id=trace.info.trace_id, name="quality", value=score)
    reply = _query(server, experiment_ids=[experiment], view_type="ASSESSMENTS", metric_name="assessment_value",
                   aggregations=[{"aggregation_type": "AVG"}, {"aggregation_type": "MIN"}], dimensions=["assessment_name"])
    [(dimensions, values)] = _points(reply)
    assert dimensions == {"assessment_name": "quality"}
    assert values["AVG"] == pytest.approx(2.5 / 3)
    assert values["MIN"] == 0.5


def test_an_experiment_without_traces_counts_zero(server, client, unique):
    empty = client.create_experiment(f"metrics-empty-{unique}")
    count = _query(server, experiment_ids=[empty], view_type="TRACES", metric_name="trace_count",
                   aggregations=[{"aggregation_type": "COUNT"}])
    assert _points(count) == [({}, {"COUNT": 0.0})]
    latency = _query(server, experiment_ids=[empty], view_type="TRACES", metric_name="latency",
                     aggregations=[{"aggregation_type": "AVG"}])
    assert _points(latency) == []
    by_status = _query(server, experiment_ids=[empty], view_type="TRACES", metric_name="trace_count",
                       aggregations=[{"aggregation_type": "COUNT"}], dimensions=["trace_status"])
    assert _points(by_status) == []


@pytest.mark.parametrize("body, message", [
    ({"view_type": "TRACES", "metric_name": "nope", "aggregations": [{"aggregation_type": "COUNT"}]},
     "metric_name must be one of"),
    ({"view_type": "TRACES", "metric_name": "trace_count", "aggregations": [{"aggregation_type": "AVG"}]},
     "Found invalid aggregation_type(s): ['AVG']. Supported aggregation types: ['COUNT']"),
    ({"view_type": "TRACES", "metric_name": "latency", "aggregations": [{"aggregation_type": "AVG"}],
      "dimensions": ["span_name"]}, "Found invalid dimension(s): ['span_name']. Supported dimensions: ['trace_name']"),
    ({"view_type": "TRACES", "metric_name": "trace_count", "aggregations": [{"aggregation_type": "COUNT"}],
      "time_interval_seconds": 60}, "start_time_ms and end_time_ms are required if time_interval_seconds is set"),
])
def test_invalid_queries_get_mlflows_messages(server, experiment, body, message):
    reply = _query(server, experiment_ids=[experiment], **body)
    assert reply.status_code == 400, reply.text
    assert reply.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert message in reply.json()["message"]


def test_a_query_without_its_required_fields_is_refused(server, experiment):
    reply = _query(server, experiment_ids=[experiment])
    assert reply.status_code == 400, reply.text
    assert reply.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "Missing value for required parameter 'view_type'" in reply.json()["message"]
