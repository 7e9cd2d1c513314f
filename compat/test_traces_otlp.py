"""Spans through OTLP (`POST /v1/traces`): the official client sends each trace's spans there and
reads them back with traces/get; any OpenTelemetry producer may post protobuf or OTLP/JSON with the
experiment in the `x-mlflow-experiment-id` header. The trace's state and time follow its root span,
also when its spans arrive in several requests. Bad bodies are refused with 400 and store nothing."""
import base64
import os
import time

import mlflow
import pytest
import requests
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Status

from conftest import IS_MLFLOW

SECOND = 1_000_000_000


@pytest.fixture
def experiment(client, unique):
    eid = client.create_experiment(f"otlp-{unique}")
    mlflow.set_experiment(experiment_id=eid)
    return eid


def _eventually(read, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = read()
        except Exception:
            value = None
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def _protobuf(spans, resource=None):
    """An ExportTraceServiceRequest; each span a dict: trace (16 bytes), id (8), parent, name, start, end, attrs."""
    request = ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    for key, value in (resource or {}).items():
        attribute = resource_spans.resource.attributes.add()
        attribute.key = key
        attribute.value.string_value = value
    scope = resource_spans.scope_spans.add()
    for spec in spans:
        span = scope.spans.add()
        span.trace_id = spec["trace"]
        span.span_id = spec["id"]
        if spec.get("parent"):
            span.parent_span_id = spec["parent"]
        span.name = spec["name"]
        span.start_time_unix_nano = spec["start"]
        span.end_time_unix_nano = spec["end"]
        span.status.code = spec.get("status", Status.STATUS_CODE_OK)
        for key, value in spec.get("attrs", {}).items():
            attribute = span.attributes.add()
            attribute.key = key
            if isinstance(value, bool):
                attribute.value.bool_value = value
            elif isinstance(value, int):
                attribute.value.int_value = value
            else:
                attribute.value.string_value = value
    return request.SerializeToString()


def _post(server, body, experiment, content_type="application/x-protobuf", **headers):
    headers = {"Content-Type": content_type, "x-mlflow-experiment-id": str(experiment), **headers}
    return requests.post(f"{server}/v1/traces", data=body, headers=headers, timeout=10)


def test_the_clients_spans_go_through_otlp_and_come_back(server, experiment):
    @mlflow.trace(span_type="CHAIN")
    def outer(x):
        return inner(x) * 2

    @mlflow.trace(span_type="LLM")
    def inner(x):
        mlflow.update_current_trace(tags={"team": "red"})
        return x + 1

    assert outer(3) == 8
    trace_id = mlflow.get_last_active_trace_id()
    mlflow.flush_trace_async_logging()
    trace = _eventually(lambda: mlflow.get_trace(trace_id))
    assert trace.info.tags["mlflow.trace.spansLocation"] == "TRACKING_STORE"
    assert trace.info.tags["team"] == "red"
    assert trace.info.state == "OK"
    assert trace.info.request_preview == '{"x": 3}'
    assert trace.info.response_preview == "8"
    spans = {span.name: span for span in trace.data.spans}
    assert set(spans) == {"outer", "inner"}
    assert spans["outer"].span_type == "CHAIN" and spans["inner"].span_type == "LLM"
    assert spans["outer"].inputs == {"x": 3} and spans["outer"].outputs == 8
    assert spans["inner"].parent_id == spans["outer"].span_id
    assert spans["inner"].trace_id == trace_id
    # Found by search, spans included.
    found = mlflow.search_traces(locations=[experiment], return_type="list")
    assert [t.info.trace_id for t in found] == [trace_id]
    assert len(found[0].data.spans) == 2


def test_spans_of_one_trace_in_several_requests_follow_the_root(server, client, experiment):
    trace = bytes.fromhex("5b8aa5a2d2c872e8321cf37308d69df2")
    root, child = bytes.fromhex("051581bf3cb55c13"), bytes.fromhex("5fb397be34d26b51")
    first = _post(server, _protobuf([{"trace": trace, "id": child, "parent": root, "name": "retrieve",
                                      "start": 2 * SECOND, "end": 3 * SECOND, "attrs": {"user.id": "ann", "k": 7}}],
                                    resource={"service.name": "shop"}), experiment)
    assert first.status_code == 200, first.text
    assert first.headers["Content-Type"].startswith("application/x-protobuf")
    trace_id = "tr-" + trace.hex()
    info = client.get_trace_info(trace_id) if hasattr(client, "get_trace_info") else mlflow.get_trace(trace_id).info
    assert info.state == "IN_PROGRESS"
    assert info.request_time == 2_000
    assert info.experiment_id == experiment

    second = _post(server, _protobuf([{"trace": trace, "id": root, "name": "agent", "start": 1 * SECOND,
                                       "end": 5 * SECOND, "status": Status.STATUS_CODE_ERROR,
                                       "attrs": {"mlflow.spanInputs": '{"q": "hi"}'}}]), experiment)
    assert second.status_code == 200, second.text
    trace = mlflow.get_trace(trace_id)
    assert trace.info.state == "ERROR"
    assert trace.info.request_time == 1_000
    assert trace.info.execution_duration == 4_000
    assert trace.info.request_preview == '{"q": "hi"}'
    assert trace.info.tags["mlflow.trace.spansLocation"] == "TRACKING_STORE"
    assert trace.info.trace_metadata.get("mlflow.trace.user") == "ann"
    spans = {span.name: span for span in trace.data.spans}
    assert spans["retrieve"].parent_id == root.hex()
    assert spans["retrieve"].attributes["k"] == 7
    assert spans["agent"].status.status_code == "ERROR"


def test_a_tag_search_follows_traces_whose_root_arrives_later(server, client, experiment):
    """`tags.env = 'prod'`, newest first (the search the tag index answers): a trace's place follows
    its start when its root span arrives after the tag was set, and a tag set after that move counts."""
    traces = [os.urandom(16) for _ in range(5)]
    ids = ["tr-" + trace.hex() for trace in traces]
    root = bytes.fromhex("00000000000000aa")
    for index, trace in enumerate(traces):
        child = {"trace": trace, "id": bytes.fromhex("00000000000000b1"), "parent": root, "name": "step",
                 "start": (10 + index) * SECOND, "end": (10 + index) * SECOND + 1}
        assert _post(server, _protobuf([child]), experiment).status_code == 200
    for index in (0, 2, 3, 4):
        client.set_trace_tag(ids[index], "env", "prod")
    client.set_trace_tag(ids[1], "env", "dev")

    def found(filter_string="tags.env = 'prod'", **options):
        return [t.info.trace_id for t in mlflow.search_traces(
            locations=[experiment], filter_string=filter_string, return_type="list", include_spans=False, **options)]

    assert found() == [ids[4], ids[3], ids[2], ids[0]]
    # The root of the newest arrives, starting before every other: that trace becomes the oldest.
    assert _post(server, _protobuf([{"trace": traces[4], "id": root, "name": "agent", "start": 5 * SECOND,
                                     "end": 30 * SECOND}]), experiment).status_code == 200
    assert found() == [ids[3], ids[2], ids[0], ids[4]]
    assert found(order_by=["timestamp_ms DESC"]) == [ids[3], ids[2], ids[0], ids[4]]
    assert found(order_by=["timestamp_ms ASC"]) == [ids[4], ids[0], ids[2], ids[3]]
    client.set_trace_tag(ids[1], "env", "prod")
    assert found() == [ids[3], ids[2], ids[1], ids[0], ids[4]]
    first = client.search_traces(locations=[experiment], filter_string="tags.env = 'prod'", max_results=2,
                                 include_spans=False)
    assert [t.info.trace_id for t in first] == [ids[3], ids[2]] and first.token
    second = client.search_traces(locations=[experiment], filter_string="tags.env = 'prod'", max_results=2,
                                  page_token=first.token, include_spans=False)
    assert [t.info.trace_id for t in second] == [ids[1], ids[0]] and second.token
    client.delete_trace_tag(ids[0], "env")
    assert found() == [ids[3], ids[2], ids[1], ids[4]]
    # With another condition: the root made the newest trace finished, the others are in progress.
    assert found(filter_string="tags.env = 'prod' AND trace.status = 'IN_PROGRESS'") == [ids[3], ids[2], ids[1]]


@pytest.mark.parametrize("compressed", [False, True])
def test_an_opentelemetry_sdks_exporter_lands_spans_the_client_reads(server, experiment, compressed):
    """A plain OpenTelemetry SDK (not MLflow's), with its own OTLP/HTTP protobuf exporter."""
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.trace import Status as OTelStatus, StatusCode

    provider = TracerProvider(resource=Resource.create({"service.name": "checkout"}))
    exporter = OTLPSpanExporter(endpoint=f"{server}/v1/traces", headers={"x-mlflow-experiment-id": experiment},
                                compression=Compression.Gzip if compressed else Compression.NoCompression)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("shop")
    with tracer.start_as_current_span("checkout") as root:
        root.set_attribute("cart.items", 3)
        with tracer.start_as_current_span("charge") as child:
            child.set_attribute("amount", 12.5)
            child.set_status(OTelStatus(StatusCode.ERROR, "card declined"))
    provider.shutdown()
    trace_id = "tr-" + format(root.get_span_context().trace_id, "032x")
    trace = _eventually(lambda: mlflow.get_trace(trace_id))
    assert trace.info.experiment_id == experiment
    assert trace.info.state == "OK"
    assert trace.info.tags["service.name"] == "checkout"
    spans = {span.name: span for span in trace.data.spans}
    assert spans["checkout"].parent_id is None
    assert spans["checkout"].attributes["cart.items"] == 3
    assert spans["charge"].parent_id == spans["checkout"].span_id
    assert spans["charge"].attributes["amount"] == 12.5
    assert spans["charge"].status.status_code == "ERROR"
    assert spans["charge"].status.description == "card declined"


def test_otlp_json_with_hex_ids(server, experiment):
    body = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "js-app"}}]},
                               "scopeSpans": [{"spans": [{
                                   "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
                                   "name": "GET /home", "kind": 2, "startTimeUnixNano": "1700000000000000000",
                                   "endTimeUnixNano": "1700000000250000000", "status": {"code": 1},
                                   "attributes": [{"key": "http.status", "value": {"intValue": "200"}},
                                                  {"key": "tags", "value": {"arrayValue": {"values": [
                                                      {"stringValue": "a"}, {"boolValue": True}]}}}]}]}]}]}
    reply = requests.post(f"{server}/v1/traces", json=body, headers={"x-mlflow-experiment-id": experiment}, timeout=10)
    assert reply.status_code == 200, reply.text
    trace = _eventually(lambda: mlflow.get_trace("tr-0af7651916cd43dd8448eb211c80319c"))
    assert trace.info.state == "OK"
    assert trace.info.request_time == 1_700_000_000_000
    assert trace.info.execution_duration == 250
    assert trace.info.tags["service.name"] == "js-app"
    [span] = trace.data.spans
    assert span.name == "GET /home"
    assert span.attributes["http.status"] == 200
    assert span.attributes["tags"] == ["a", True]
    assert span.span_id == "b7ad6b7169203331"


def test_bad_exports_are_refused_and_store_nothing(server, experiment):
    trace = bytes.fromhex("11112222333344445555666677778888")
    good = _protobuf([{"trace": trace, "id": bytes.fromhex("0000000000000001"), "name": "x", "start": 1, "end": 2}])
    wrong_type = _post(server, good, experiment, content_type="text/plain")
    assert wrong_type.status_code == 400
    assert "Invalid Content-Type" in wrong_type.text
    garbage = _post(server, b"\xff\xff\xff\xff", experiment)
    assert garbage.status_code == 400
    assert "Invalid OpenTelemetry format" in garbage.text
    empty = _post(server, b"", experiment)
    assert empty.status_code == 400
    assert "no spans found" in empty.text
    broken_json = _post(server, b'{"resourceSpans": [', experiment, content_type="application/json")
    assert broken_json.status_code == 400
    missing = requests.post(f"{server}/v1/traces", data=good, headers={"Content-Type": "application/x-protobuf"},
                            timeout=10)
    assert missing.status_code in (400, 422)   # FastAPI's 422 for a missing header
    found = mlflow.search_traces(locations=[experiment], return_type="list")
    assert found == []


@pytest.mark.swiftrack_only   # MLflow moves the trace (and its spans) to the later experiment
def test_a_trace_cannot_be_moved_to_another_experiment(server, client, experiment, unique):
    other = client.create_experiment(f"otlp-other-{unique}")
    trace = bytes.fromhex("99998888777766665555444433332222")
    span = {"trace": trace, "id": bytes.fromhex("00000000000000aa"), "name": "root", "start": SECOND, "end": 2 * SECOND}
    assert _post(server, _protobuf([span]), experiment).status_code == 200
    moved = _post(server, _protobuf([{**span, "id": bytes.fromhex("00000000000000bb"), "parent": span["id"]}]), other)
    assert moved.status_code == 400
    assert moved.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "belongs to another experiment" in moved.json()["message"]
    assert len(mlflow.get_trace("tr-" + trace.hex()).data.spans) == 1


@pytest.mark.swiftrack_only   # MLflow accepts any number of spans in one request
def test_too_many_spans_in_one_request_are_refused(server, experiment):
    trace = bytes.fromhex("abababababababababababababababab")
    spans = [{"trace": trace, "id": (i + 1).to_bytes(8, "big"), "name": "s", "start": 1, "end": 2}
             for i in range(10_001)]
    reply = _post(server, _protobuf(spans), experiment)
    assert reply.status_code == 400
    assert "Too many spans" in reply.json()["message"]


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_exports_are_inflated(server, experiment, encoding):
    import gzip
    import zlib
    trace = bytes.fromhex(f"c0ffee00{['gzip', 'deflate', 'raw-deflate'].index(encoding):024x}")
    body = _protobuf([{"trace": trace, "id": bytes.fromhex("00000000000000aa"), "name": f"zipped-{encoding}",
                       "start": SECOND, "end": 2 * SECOND}])
    if encoding == "gzip":
        packed = gzip.compress(body)
    elif encoding == "deflate":
        packed = zlib.compress(body)
    else:
        squeezer = zlib.compressobj(wbits=-15)
        packed = squeezer.compress(body) + squeezer.flush()
    header = "gzip" if encoding == "gzip" else "deflate"
    reply = _post(server, packed, experiment, **{"Content-Encoding": header})
    assert reply.status_code == 200, reply.text
    assert [span.name for span in mlflow.get_trace("tr-" + trace.hex()).data.spans] == [f"zipped-{encoding}"]
    broken = _post(server, b"not compressed at all", experiment, **{"Content-Encoding": header})
    assert broken.status_code == 400
    assert f"Failed to decompress {header} payload" in broken.text


@pytest.mark.timeout(120)
def test_a_trace_of_ten_thousand_spans_and_a_ten_megabyte_payload_are_read_back(server, experiment):
    trace = bytes.fromhex("7e57" * 8)
    root = bytes.fromhex("0fffffffffffffff")   # not among the children's ids 1..9999
    big = "x" * (10 * 1024 * 1024)
    spans = [{"trace": trace, "id": root, "name": "root", "start": SECOND, "end": 9 * SECOND,
              "attrs": {"mlflow.spanInputs": big}}]
    spans += [{"trace": trace, "id": (i + 1).to_bytes(8, "big"), "parent": root, "name": f"step-{i}",
               "start": SECOND + i, "end": SECOND + i + 1} for i in range(9_999)]
    reply = _post(server, _protobuf(spans), experiment)
    assert reply.status_code == 200, reply.text[:300]
    read = mlflow.get_trace("tr-" + trace.hex())
    assert len(read.data.spans) == 10_000
    [root_span] = [span for span in read.data.spans if span.parent_id is None]
    assert root_span.inputs == big
    preview = read.info.request_preview   # cut to MLflow's 1,000 characters
    assert len(preview) == 1000 and preview.endswith("xxx...")
