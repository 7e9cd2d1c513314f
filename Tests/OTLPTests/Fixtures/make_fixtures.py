"""Writes ../OTLPFixtures.swift: OTLP trace export requests built and serialized by the real protobuf
library (opentelemetry-proto's generated classes), as base64 protobuf bodies and as OTLP/JSON text.

    .venv/bin/python Tests/OTLPTests/Fixtures/make_fixtures.py

The JSON form is google.protobuf.json_format.MessageToJson's output with the span and link ids
rewritten from protobuf's base64 to hex, as OTLP/JSON requires. The Swift tests assert the decoded
values field by field, so a change here must change them too."""
import base64
import json
import os

from google.protobuf.json_format import MessageToJson
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

TRACE_A = bytes.fromhex("0af7651916cd43dd8448eb211c80319c")
TRACE_B = bytes.fromhex("4bf92f3577b34da6a3ce929d0e0e4736")
ROOT = bytes.fromhex("b7ad6b7169203331")
CHILD = bytes.fromhex("00f067aa0ba902b7")
CLIENT = bytes.fromhex("5fb397be34d26b51")
LINKED = bytes.fromhex("e457b5a2e4d86bd1")
PRODUCER = bytes.fromhex("c0ffee0000000001")
START = 1_733_583_000_123_456_789


def set_value(target, value):
    """Python value -> AnyValue, the way MLflow's client does (None leaves it unset)."""
    if value is None:
        return
    if isinstance(value, bool):
        target.bool_value = value
    elif isinstance(value, int):
        target.int_value = value
    elif isinstance(value, float):
        target.double_value = value
    elif isinstance(value, str):
        target.string_value = value
    elif isinstance(value, bytes):
        target.bytes_value = value
    elif isinstance(value, list):
        target.array_value.SetInParent()
        for item in value:
            set_value(target.array_value.values.add(), item)
    elif isinstance(value, dict):
        target.kvlist_value.SetInParent()
        for key, item in value.items():
            pair = target.kvlist_value.values.add()
            pair.key = key
            set_value(pair.value, item)


def attrs(repeated, mapping):
    for key, value in mapping.items():
        pair = repeated.add()
        pair.key = key
        set_value(pair.value, value)


def mlflow_request():
    request = ExportTraceServiceRequest()

    first = request.resource_spans.add()
    first.schema_url = "https://opentelemetry.io/schemas/1.21.0"
    attrs(first.resource.attributes, {"service.name": "mlflow-app", "telemetry.sdk.language": "python",
                                      "process.pid": 4242})
    scope = first.scope_spans.add()
    scope.scope.name = "mlflow.tracing"
    scope.scope.version = "3.17.2"
    attrs(scope.scope.attributes, {"mlflow.tracing.sampled": True})

    root = scope.spans.add()
    root.trace_id, root.span_id = TRACE_A, ROOT
    root.name = "predict ✓ 日本語"
    root.kind = Span.SPAN_KIND_SERVER
    root.flags = 0x101
    root.start_time_unix_nano = START
    root.end_time_unix_nano = START + 1_500_000_000
    attrs(root.attributes, {
        "mlflow.traceRequestId": json.dumps("tr-0af7651916cd43dd8448eb211c80319c"),
        "mlflow.spanType": json.dumps("CHAIN"),
        "mlflow.spanInputs": json.dumps({"question": "What is MLflow?", "k": 3}),
        "mlflow.spanOutputs": json.dumps({"answer": "Un outil — « open source »", "scores": [0.9, 0.1]}),
    })
    root.status.code = Status.STATUS_CODE_OK

    child = scope.spans.add()
    child.trace_id, child.span_id, child.parent_span_id = TRACE_A, CHILD, ROOT
    child.trace_state = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
    child.name = "retrieve"
    child.kind = Span.SPAN_KIND_INTERNAL
    child.start_time_unix_nano = START + 1_000
    child.end_time_unix_nano = START + 900_000_000
    attrs(child.attributes, {
        "mixed": [1, "two", 3.5, True, [-7, []], {"inner": {"deep": "yes"}, "none": None}],
        "blob": b"\x00\x01\xfe\xff",
        "negative": -9_007_199_254_740_993,
        "ratio": -0.25,
        "infinite": float("inf"),
        "nothing": None,
        "empty.list": [],
        "empty.map": {},
    })
    child.dropped_attributes_count = 3
    event = child.events.add()
    event.time_unix_nano = START + 2_000
    event.name = "exception"
    attrs(event.attributes, {"exception.type": "ValueError", "exception.message": "boom – ünïcode",
                             "exception.stacktrace": "Traceback (most recent call last):\n  ...\nValueError"})
    bare = child.events.add()
    bare.time_unix_nano = START + 3_000
    bare.name = "checkpoint"
    bare.dropped_attributes_count = 1
    child.dropped_events_count = 2
    link = child.links.add()
    link.trace_id, link.span_id = TRACE_B, LINKED
    link.trace_state = "vendor=value"
    link.flags = 0x301
    attrs(link.attributes, {"link.reason": "retry"})
    link.dropped_attributes_count = 4
    child.dropped_links_count = 5
    child.status.code = Status.STATUS_CODE_ERROR
    child.status.message = "ValueError: boom – ünïcode"

    other_scope = first.scope_spans.add()
    other_scope.schema_url = "https://opentelemetry.io/schemas/1.24.0"
    other_scope.scope.name = "opentelemetry.instrumentation.openai"
    other_scope.scope.version = "0.1"
    client = other_scope.spans.add()
    client.trace_id, client.span_id, client.parent_span_id = TRACE_A, CLIENT, ROOT
    client.name = "chat.completions"
    client.kind = Span.SPAN_KIND_CLIENT
    client.start_time_unix_nano = START + 5_000
    client.end_time_unix_nano = START + 800_000_000

    second = request.resource_spans.add()
    attrs(second.resource.attributes, {"service.name": "worker"})
    second.resource.dropped_attributes_count = 6
    worker_scope = second.scope_spans.add()
    producer = worker_scope.spans.add()
    producer.trace_id, producer.span_id = TRACE_B, PRODUCER
    producer.name = "enqueue"
    producer.kind = Span.SPAN_KIND_PRODUCER
    # Past Int64.max: JSON carries it as a decimal string, and a signed reading would go negative.
    producer.start_time_unix_nano = 2**63 + 5
    producer.end_time_unix_nano = 2**64 - 1
    return request


def single_span_request():
    request = ExportTraceServiceRequest()
    spans = request.resource_spans.add()
    attrs(spans.resource.attributes, {"service.name": "tiny"})
    span = spans.scope_spans.add().spans.add()
    span.trace_id, span.span_id, span.parent_span_id = TRACE_B, CHILD, ROOT
    span.name = "tiny"
    span.kind = Span.SPAN_KIND_CONSUMER
    span.start_time_unix_nano = START
    span.end_time_unix_nano = START + 1
    attrs(span.attributes, {"k": "v", "n": 1, "list": [True, 2.5]})
    return request


def otlp_json(request, **options):
    document = json.loads(MessageToJson(request, **options))
    hex_of = lambda text: base64.b64decode(text).hex()
    for resource_spans in document.get("resourceSpans", document.get("resource_spans", [])):
        for scope_spans in resource_spans.get("scopeSpans", resource_spans.get("scope_spans", [])):
            for span in scope_spans.get("spans", []):
                for field in ("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"):
                    if field in span:
                        span[field] = hex_of(span[field])
                for link in span.get("links", []):
                    for field in ("traceId", "spanId", "trace_id", "span_id"):
                        if field in link:
                            link[field] = hex_of(link[field])
    return json.dumps(document, indent=1, ensure_ascii=False)


def swift_string(name, text):
    assert '"#' not in text
    return f'    static let {name} = #"""\n{text}\n"""#\n'


def main():
    mlflow = mlflow_request()
    tiny = single_span_request()
    out = ["// Generated by Fixtures/make_fixtures.py with the real protobuf library; do not edit by hand.\n",
           "/// Trace export requests serialized by opentelemetry-proto's Python classes.\n",
           "enum OTLPFixtures {\n"]
    out.append("    /// Two resources, three scopes, four spans: MLflow-style attributes, nesting, events, links.\n")
    out.append(f'    static let mlflowProtobufBase64 = "{base64.b64encode(mlflow.SerializeToString()).decode()}"\n')
    out.append("    /// One resource, one scope, one span.\n")
    out.append(f'    static let singleSpanProtobufBase64 = "{base64.b64encode(tiny.SerializeToString()).decode()}"\n')
    out.append("    /// MessageToJson of the MLflow request (enum names, int64 as strings), ids as hex.\n")
    out.append(swift_string("mlflowJSON", otlp_json(mlflow)))
    out.append("    /// The same with the proto's snake_case field names and enums as integers.\n")
    out.append(swift_string("mlflowJSONProtoNames", otlp_json(mlflow, preserving_proto_field_name=True,
                                                              use_integers_for_enums=True)))
    out.append("}\n")
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "OTLPFixtures.swift")
    with open(target, "w", encoding="utf-8") as handle:
        handle.write("".join(out))


if __name__ == "__main__":
    main()
