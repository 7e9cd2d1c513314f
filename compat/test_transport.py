"""The HTTP transport: long request lines as MLflow's UI sends them, the per-address connection limit."""
import os
import socket
import tempfile
import time
import uuid

import pytest

from conftest import SWIFTRACK_BIN, _free_port, start_logged, stop_process_group, wait_for_health
from helpers import assert_error

TOO_MANY = ("GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received {} run_ids. "
            "See the API docs for more information about request parameters.")


@pytest.mark.parametrize("prefix", ["/ajax-api/2.0/mlflow", "/api/2.0/mlflow"])
def test_a_thousand_run_ids_in_one_request_line_get_the_routes_own_answer(api, prefix):
    # MLflow's UI and REST tests put up to 1,000 run ids in one query: a ~41 KB request line
    # that libmicrohttpd used to drop without an answer.
    run_ids = [uuid.uuid4().hex for _ in range(1000)]
    params = [("run_ids", r) for r in run_ids] + [("metric_key", "loss"), ("max_results", 320)]
    r = api.get(prefix + "/metrics/get-history-bulk-interval", params)
    assert len(r.request.url) > 40_000
    assert_error(r, 400, "INVALID_PARAMETER_VALUE", TOO_MANY.format(1000))


def _get_health(sock):
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    return data.split(b"\r\n", 1)[0]


@pytest.mark.swiftrack_only  # MLflow's server has no per-address connection limit
def test_the_connection_past_max_connections_per_ip_is_closed():
    tmp = tempfile.mkdtemp(prefix="compat-transport-")
    port = _free_port()
    cmd = [SWIFTRACK_BIN, "server", "--backend-store-uri", f"sqlite:///{tmp}/mlflow.db",
           "--default-artifact-root", f"{tmp}/artifacts", "--host", "127.0.0.1", "--port", str(port)]
    env = dict(os.environ, SWIFTRACK_MAX_CONNECTIONS_PER_IP="3")
    proc, log = start_logged(cmd, env, tmp, f"{tmp}/server.log")
    try:
        wait_for_health(f"http://127.0.0.1:{port}", proc, "swiftrack", f"{tmp}/server.log")
        time.sleep(0.5)  # the health check's own connection is closed and no longer counted
        held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3)]
        for sock in held:
            assert _get_health(sock) == b"HTTP/1.1 200 OK"
        extra = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            answer = _get_health(extra)
        except (ConnectionResetError, BrokenPipeError):
            answer = None
        assert answer is None
        # The held connections are still served.
        assert _get_health(held[0]) == b"HTTP/1.1 200 OK"
        for sock in held + [extra]:
            sock.close()
    finally:
        stop_process_group(proc, 10)
        log.close()
