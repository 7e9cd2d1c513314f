"""Registry webhooks (MLflow 3's webhooks API) through the real mlflow client.

A receiver on 127.0.0.1 (an http.server thread) records every request. The `hooks` fixture starts
a server of its own that may deliver to loopback and over plain HTTP (swiftrack:
--webhook-allow-private-targets --webhook-allowed-schemes http,https; MLflow:
MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS and MLFLOW_WEBHOOK_ALLOWED_SCHEMES); the session's default server
has neither, and refuses loopback targets (SSRF).
"""
import base64
import hashlib
import hmac
import json
import socket
import os
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from conftest import (IS_MLFLOW, MLFLOW_BIN, SWIFTRACK_BIN, _free_port, fresh_database_uri, stop_process_group,
                      wait_for_health)


class Receiver:
    """Records requests by path; `script[path]` is the list of statuses to answer in turn (then 200)."""

    def __init__(self):
        self.requests = {}
        self.script = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode("utf-8")
                with receiver.lock:
                    receiver.requests.setdefault(self.path, []).append((dict(self.headers), body))
                    statuses = receiver.script.get(self.path, [])
                    status = statuses.pop(0) if statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                answer = f"answered {status}".encode()
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def got(self, path):
        with self.lock:
            return list(self.requests.get(path, []))

    def wait(self, path, count, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.got(path)) >= count:
                return self.got(path)
            time.sleep(0.05)
        return self.got(path)


def header(headers, name):
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def verify_signature(headers, body, secret):
    """What a receiver does (MLflow's docs): HMAC-SHA256 over "{delivery_id}.{timestamp}.{body}"."""
    delivery_id = header(headers, "X-MLflow-Delivery-Id")
    timestamp = header(headers, "X-MLflow-Timestamp")
    signature = header(headers, "X-MLflow-Signature")
    expected = base64.b64encode(hmac.new(secret.encode(), f"{delivery_id}.{timestamp}.{body}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert signature == f"v1,{expected}"
    assert abs(int(timestamp) - time.time()) < 120
    uuid.UUID(delivery_id)


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.http.shutdown()


@pytest.fixture(scope="module")
def hooks(server):
    """A server allowed to deliver to loopback over HTTP; yields its MlflowClient."""
    tmp = tempfile.mkdtemp(prefix="compat-webhooks-")
    port = _free_port()
    env = dict(os.environ)
    db = fresh_database_uri(tmp)   # SWIFTRACK_COMPAT_ENGINE=postgres|mysql under scripts/with-databases
    if IS_MLFLOW:
        env.update(MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false", MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS="true",
                   MLFLOW_WEBHOOK_ALLOWED_SCHEMES="http,https", MLFLOW_WEBHOOK_CACHE_TTL="1")
        cmd = [MLFLOW_BIN, "server", "--backend-store-uri", db, "--default-artifact-root", f"{tmp}/a",
               "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    else:
        cmd = [SWIFTRACK_BIN, "server", "--backend-store-uri", db, "--default-artifact-root", f"{tmp}/a",
               "--host", "127.0.0.1", "--port", str(port), "--webhook-allow-private-targets",
               "--webhook-allowed-schemes", "http,https"]
    log_path = os.path.join(tmp, "server.log")
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    wait_for_health(base, proc, "webhooks server", log_path)
    try:
        yield MlflowClient(tracking_uri=base)
    finally:
        if IS_MLFLOW:
            stop_process_group(proc, timeout=15)
        else:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=15) == 0
        log.close()


def settle():
    """MLflow caches each event's webhook list (MLFLOW_WEBHOOK_CACHE_TTL, 1 s here); Swiftrack reads it fresh."""
    if IS_MLFLOW:
        time.sleep(1.5)


def new_version(client, name):
    client.create_registered_model(name)
    return client.create_model_version(name, "s3://bucket/model", run_id=None, tags={"team": "a"},
                                       description="first")


def test_create_get_list_never_return_the_secret(hooks, receiver):
    name = f"wh-{uuid.uuid4().hex[:8]}"
    hook = hooks.create_webhook(name=name, url=receiver.url("/crud"), events=["model_version.created"],
                                description="d", secret="top-secret")
    assert hook.name == name
    assert hook.url == receiver.url("/crud")
    assert [(e.entity.value, e.action.value) for e in hook.events] == [("model_version", "created")]
    assert hook.status.value == "ACTIVE"
    assert hook.description == "d"
    got = hooks.get_webhook(hook.webhook_id)
    assert got.webhook_id == hook.webhook_id and got.secret is None
    listed = [w for w in hooks.list_webhooks(max_results=1000) if w.webhook_id == hook.webhook_id]
    assert len(listed) == 1 and listed[0].secret is None
    raw = requests.get(f"{hooks.tracking_uri}/api/2.0/mlflow/webhooks/{hook.webhook_id}", timeout=10).json()
    assert "secret" not in json.dumps(raw)
    updated = hooks.update_webhook(hook.webhook_id, status="DISABLED",
                                   events=["model_version_alias.created", "model_version_alias.deleted"])
    assert updated.status.value == "DISABLED"
    assert sorted((e.entity.value, e.action.value) for e in updated.events) == [
        ("model_version_alias", "created"), ("model_version_alias", "deleted")]
    assert updated.last_updated_timestamp >= updated.creation_timestamp
    hooks.delete_webhook(hook.webhook_id)
    with pytest.raises(MlflowException) as info:
        hooks.get_webhook(hook.webhook_id)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert f"Webhook with ID {hook.webhook_id} not found." in info.value.message


def test_list_pages(hooks, receiver):
    for index in range(3):
        hooks.create_webhook(name=f"page-{index}", url=receiver.url("/page"), events=["registered_model.created"],
                             status="DISABLED")
        time.sleep(0.005)
    first = hooks.list_webhooks(max_results=2)
    assert len(first) == 2 and first.token
    second = hooks.list_webhooks(max_results=2, page_token=first.token)
    assert {w.webhook_id for w in first}.isdisjoint({w.webhook_id for w in second})


@pytest.mark.timeout(40)
def test_model_version_created_is_delivered_signed(hooks, receiver):
    path = f"/mv-{uuid.uuid4().hex[:6]}"
    hooks.create_webhook(name="mv-hook", url=receiver.url(path), events=["model_version.created"], secret="s3cr3t")
    settle()
    name = f"model-{uuid.uuid4().hex[:6]}"
    version = new_version(hooks, name)
    (headers, body), = receiver.wait(path, 1)
    assert header(headers, "Content-Type") == "application/json"
    verify_signature(headers, body, "s3cr3t")
    payload = json.loads(body)
    assert payload["entity"] == "model_version" and payload["action"] == "created"
    assert payload["data"] == {"name": name, "version": version.version, "source": "s3://bucket/model",
                               "run_id": None, "tags": {"team": "a"}, "description": "first"}
    assert payload["timestamp"].endswith("+00:00")


@pytest.mark.timeout(40)
def test_alias_and_tag_events(hooks, receiver):
    path = f"/alias-{uuid.uuid4().hex[:6]}"
    hooks.create_webhook(name="alias-hook", url=receiver.url(path),
                         events=["model_version_alias.created", "model_version_alias.deleted",
                                 "model_version_tag.set", "model_version_tag.deleted"])
    settle()
    name = f"model-{uuid.uuid4().hex[:6]}"
    new_version(hooks, name)
    hooks.set_registered_model_alias(name, "champion", "1")
    receiver.wait(path, 1)
    hooks.set_model_version_tag(name, "1", "k", "v")
    receiver.wait(path, 2)
    hooks.delete_model_version_tag(name, "1", "k")
    receiver.wait(path, 3)
    hooks.delete_registered_model_alias(name, "champion")
    got = receiver.wait(path, 4)
    events = [json.loads(body) for _, body in got]
    assert [(e["entity"], e["action"], e["data"]) for e in events] == [
        ("model_version_alias", "created", {"name": name, "alias": "champion", "version": "1"}),
        ("model_version_tag", "set", {"name": name, "version": "1", "key": "k", "value": "v"}),
        ("model_version_tag", "deleted", {"name": name, "version": "1", "key": "k"}),
        ("model_version_alias", "deleted", {"name": name, "alias": "champion"}),
    ]
    assert all(header(h, "X-MLflow-Signature") is None for h, _ in got)   # no secret, no signature


@pytest.mark.timeout(40)
def test_retries_500_twice_then_200(hooks, receiver):
    path = f"/flaky-{uuid.uuid4().hex[:6]}"
    receiver.script[path] = [500, 500]
    hooks.create_webhook(name="flaky", url=receiver.url(path), events=["registered_model.created"], secret="k")
    settle()
    hooks.create_registered_model(f"model-{uuid.uuid4().hex[:6]}")
    got = receiver.wait(path, 3, timeout=20)
    assert len(got) == 3
    time.sleep(0.5)
    assert len(receiver.got(path)) == 3
    for headers, body in got:
        verify_signature(headers, body, "k")


@pytest.mark.swiftrack_only
@pytest.mark.timeout(40)
def test_attempts_are_recorded(hooks, receiver):
    path = f"/rec-{uuid.uuid4().hex[:6]}"
    receiver.script[path] = [503, 429]
    hook = hooks.create_webhook(name="recorded", url=receiver.url(path), events=["registered_model.created"])
    hooks.create_registered_model(f"model-{uuid.uuid4().hex[:6]}")
    receiver.wait(path, 3, timeout=20)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        r = requests.get(f"{hooks.tracking_uri}/api/2.0/swiftrack/webhooks/{hook.webhook_id}/deliveries", timeout=10)
        assert r.status_code == 200, r.text
        (delivery,) = r.json()["deliveries"]
        if delivery["status"] != "PENDING":
            break
        time.sleep(0.1)
    assert delivery["status"] == "SUCCEEDED"
    assert delivery["attempts"] == 3
    assert delivery["response_status"] == 200
    assert delivery["event"] == {"entity": "REGISTERED_MODEL", "action": "CREATED"}
    body = receiver.got(path)[-1][1]
    assert delivery["payload_sha256"] == hashlib.sha256(body.encode()).hexdigest()


@pytest.mark.timeout(30)
def test_disabled_webhook_sends_nothing(hooks, receiver):
    path = f"/off-{uuid.uuid4().hex[:6]}"
    hooks.create_webhook(name="off", url=receiver.url(path), events=["registered_model.created"], status="DISABLED")
    settle()
    hooks.create_registered_model(f"model-{uuid.uuid4().hex[:6]}")
    time.sleep(1.5)
    assert receiver.got(path) == []


@pytest.mark.timeout(40)
def test_test_webhook(hooks, receiver):
    path = f"/test-{uuid.uuid4().hex[:6]}"
    hook = hooks.create_webhook(name="tested", url=receiver.url(path),
                                events=["model_version_alias.created"], secret="abc")
    result = hooks.test_webhook(hook.webhook_id)
    assert result.success is True
    assert result.response_status == 200
    assert result.response_body == "answered 200"
    (headers, body), = receiver.got(path)
    verify_signature(headers, body, "abc")
    payload = json.loads(body)
    assert (payload["entity"], payload["action"]) == ("model_version_alias", "created")
    assert payload["data"] == {"name": "example_model", "alias": "example_alias", "version": "1"}

    # A 500 is retried (after 1 s), as deliveries are; a 404 is final.
    receiver.script[path] = [500]
    retried = hooks.test_webhook(hook.webhook_id, event="model_version.created")
    assert retried.success is True and retried.response_status == 200
    assert len(receiver.got(path)) == 3
    first, second = receiver.got(path)[1:]
    assert first[1] == second[1]
    assert header(first[0], "X-MLflow-Delivery-Id") == header(second[0], "X-MLflow-Delivery-Id")
    example = json.loads(second[1])
    assert example["data"]["source"] == "models:/123"

    receiver.script[path] = [404]
    failed = hooks.test_webhook(hook.webhook_id)
    assert failed.success is False and failed.response_status == 404
    assert failed.response_body == "answered 404"
    assert len(receiver.got(path)) == 4


@pytest.mark.timeout(40)
def test_test_webhook_unreachable(hooks):
    # A port bound here and never listened on refuses connections, and no other process can take it
    # meanwhile (a port that was merely free was once taken by a server another test started).
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        hook = hooks.create_webhook(name="nobody", url=f"http://127.0.0.1:{port}/x", events=["registered_model.created"])
        result = hooks.test_webhook(hook.webhook_id)
    assert result.success is False
    assert result.response_status is None
    assert result.error_message.startswith("Failed to test webhook: ")


def test_loopback_target_is_refused_by_default(client):
    with pytest.raises(MlflowException) as info:
        client.create_webhook(name="ssrf", url="https://127.0.0.1/hook", events=["registered_model.created"])
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    assert ("Webhook URL must not resolve to a non-public IP address. '127.0.0.1' resolves to 127.0.0.1."
            in info.value.message)


@pytest.mark.parametrize("url", ["https://169.254.169.254/latest/meta-data", "https://10.1.2.3/",
                                 "https://[::1]/x", "https://[::ffff:127.0.0.1]/x", "https://localhost/x"])
def test_non_public_targets_are_refused(client, url):
    with pytest.raises(MlflowException) as info:
        client.create_webhook(name="ssrf", url=url, events=["registered_model.created"])
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "must not resolve to a non-public IP address" in info.value.message


def test_plain_http_is_refused_by_default(client):
    with pytest.raises(MlflowException) as info:
        client.create_webhook(name="plain", url="http://example.com/x", events=["registered_model.created"])
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Invalid webhook URL scheme: 'http'. Allowed schemes are: https." in info.value.message


def test_bad_inputs(hooks, receiver, server):
    url = receiver.url("/bad")
    with pytest.raises(MlflowException) as info:
        hooks.create_webhook(name="bad", url="ftp://example.com/x", events=["registered_model.created"])
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Invalid webhook URL scheme: 'ftp'. Allowed schemes are: http, https." in info.value.message

    with pytest.raises(MlflowException) as info:
        hooks.create_webhook(name="-bad-", url=url, events=["registered_model.created"])
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Webhook name '-bad-' is invalid." in info.value.message

    # An event MLflow does not define: refused by the client's own check, and by the server.
    with pytest.raises(MlflowException) as info:
        hooks.create_webhook(name="bad", url=url, events=["registered_model.deleted"])
    assert "Invalid action 'deleted' for entity 'registered_model'. Valid actions are: ['created']" in info.value.message
    base = hooks.tracking_uri + "/api/2.0/mlflow/webhooks"
    r = requests.post(base, json={"name": "bad", "url": url, "events": [{"entity": "REGISTERED_MODEL",
                                                                         "action": "DELETED"}]}, timeout=10)
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "Invalid action 'deleted' for entity 'registered_model'." in r.json()["message"]

    r = requests.post(base, json={"url": url, "events": [{"entity": "REGISTERED_MODEL", "action": "CREATED"}]},
                      timeout=10)
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "Missing value for required parameter 'name'" in r.json()["message"]

    r = requests.get(base + "/no-such-id", timeout=10)
    assert r.status_code == 404 and r.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert r.json()["message"] == "Webhook with ID no-such-id not found."


@pytest.mark.timeout(40)
def test_prompt_events(hooks, receiver):
    path = f"/prompt-{uuid.uuid4().hex[:6]}"
    hooks.create_webhook(name="prompts", url=receiver.url(path),
                         events=["prompt.created", "prompt_version.created", "prompt_tag.set", "prompt_alias.created",
                                 "registered_model.created", "model_version.created", "model_version_alias.created"])
    settle()
    name = f"prompt-{uuid.uuid4().hex[:6]}"
    base = hooks.tracking_uri + "/api/2.0/mlflow/"

    def call(route, body):
        r = requests.post(base + route, json=body, timeout=10)
        assert r.status_code == 200, r.text

    # The client refuses to register prompts as models; these REST calls are what mlflow.genai sends.
    call("registered-models/create", {"name": name, "description": "p", "tags": [
        {"key": "mlflow.prompt.is_prompt", "value": "true"}, {"key": "team", "value": "a"}]})
    receiver.wait(path, 1)
    # (prompt_version.created is checked in the Swift unit tests: Swiftrack's registry does not take
    # prompt sources such as "dummy-source" yet.)
    call("model-versions/create", {"name": name, "source": "s3://bucket/prompt"})
    receiver.wait(path, 2)
    call("registered-models/set-tag", {"name": name, "key": "owner", "value": "me"})
    receiver.wait(path, 3)
    call("registered-models/alias", {"name": name, "alias": "prod", "version": "1"})
    got = receiver.wait(path, 4)
    events = [json.loads(body) for _, body in got]
    assert [(e["entity"], e["action"], e["data"]) for e in events] == [
        ("prompt", "created", {"name": name, "tags": {"team": "a"}, "description": "p"}),
        # A version created without the prompt tag is a model version, even of a prompt (MLflow's rule).
        ("model_version", "created", {"name": name, "version": "1", "source": "s3://bucket/prompt", "run_id": None,
                                      "tags": {}, "description": None}),
        ("prompt_tag", "set", {"name": name, "key": "owner", "value": "me"}),
        ("prompt_alias", "created", {"name": name, "alias": "prod", "version": "1"}),
    ]


def test_update_to_a_loopback_target_is_refused(client):
    hook = client.create_webhook(name="public", url="https://93.184.216.34/hook", events=["registered_model.created"],
                                 status="DISABLED")
    try:
        with pytest.raises(MlflowException) as info:
            client.update_webhook(hook.webhook_id, url="https://127.0.0.1:8443/hook")
        assert info.value.error_code == "INVALID_PARAMETER_VALUE"
        assert "must not resolve to a non-public IP address" in info.value.message
        assert client.get_webhook(hook.webhook_id).url == "https://93.184.216.34/hook"
    finally:
        client.delete_webhook(hook.webhook_id)
