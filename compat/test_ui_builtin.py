"""`--ui builtin` (the default): Swiftrack's own browser UI, embedded in the binary, against data
seeded with the real mlflow client, in a real headless Chromium (compat/browser.py). Every page is
loaded; the tests assert what it shows, that no request failed and no script error was logged,
and save screenshots (.build/screenshots/builtin-*.png). The 100,000-point run page is timed (the
10,000-span trace is not: bench/ui_trace_open.py measures it)."""
import hashlib
import http.client
import json
import os
import struct
import tempfile
import time
import uuid
import zlib

import pytest
import requests

from browser import Browser, available
from helpers import SECOND_NS, own_run_source, ten_thousand_span_trace
from conftest import (SWIFTRACK_BIN, _free_port, fresh_database_uri, auth_server_environment, start_logged, stop_process_group,
                      wait_for_health)

pytestmark = [
    pytest.mark.swiftrack_only,
]
needs_browser = pytest.mark.skipif(not available(), reason="needs Debian's chromium and chromium-driver (scripts/bootstrap)")
BIG_POINTS = 100_000
SMALL_RUNS = 60


def start_server(tmp, extra=(), env=None):
    port = _free_port()
    cmd = [SWIFTRACK_BIN, "server", "--backend-store-uri", fresh_database_uri(tmp),
           "--artifacts-destination", os.path.join(tmp, "artifacts"), "--host", "127.0.0.1", "--port", str(port),
           *extra]
    log_path = os.path.join(tmp, "server.log")
    proc, log = start_logged(cmd, env or dict(os.environ), tmp, log_path)
    base = f"http://127.0.0.1:{port}"
    wait_for_health(base, proc, "swiftrack --ui builtin", log_path)
    return base, proc, log


@pytest.fixture(scope="module")
def server():
    tmp = tempfile.mkdtemp(prefix="compat-ui-builtin-")
    base, proc, log = start_server(tmp)   # no --ui: builtin is the default
    yield base
    stop_process_group(proc, timeout=15)
    log.close()


def png(width, height):
    """A small RGB gradient as PNG bytes (no imaging library needed)."""
    rows = b"".join(b"\x00" + b"".join(bytes([x * 255 // width, y * 255 // height, 160]) for x in range(width))
                    for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def seeded(server):
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param, RunTag
    client = MlflowClient(tracking_uri=server)
    tag = uuid.uuid4().hex[:6]
    experiment = client.create_experiment(f"ui-builtin-{tag}", tags={"team": "vision"})
    client.create_experiment(f"ui-other-{tag}")
    now = int(time.time() * 1000)
    small = []
    for i in range(SMALL_RUNS):
        run = client.create_run(experiment, run_name=f"run-{i:03d}", start_time=now + i)
        client.log_batch(run.info.run_id,
                         metrics=[Metric("loss", 1.0 / (i + 1) + 0.5 / (step + 1), now + step * 1000, step) for step in range(10)]
                         + [Metric("acc", 0.5 + i / 200, now, 0)],
                         params=[Param("lr", str(0.001 * (i + 1))), Param("layers", str(i % 4))],
                         tags=[RunTag("group", "even" if i % 2 == 0 else "odd")])
        client.set_terminated(run.info.run_id, end_time=now + i + 60_000)
        small.append(run.info.run_id)
    big = client.create_run(experiment, run_name="big-run", start_time=now + 1000)
    big_id = big.info.run_id
    for start in range(0, BIG_POINTS, 1000):
        client.log_batch(big_id, metrics=[Metric("loss", 1.0 / (1 + step / 1000), now + step * 10, step)
                                          for step in range(start, start + 1000)])
    client.log_batch(big_id, metrics=[Metric("accuracy", 0.9, now, 0)], params=[Param("lr", "0.5")],
                     tags=[RunTag("owner", "ann")])
    folder = tempfile.mkdtemp(prefix="ui-artifacts-")
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write("trained on the holdout split\nsecond line\n")
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write('{"optimizer":"adam","layers":[64,32]}')
    with open(os.path.join(folder, "plot.png"), "wb") as f:
        f.write(png(48, 32))
    os.makedirs(os.path.join(folder, "nested", "deeper"))
    with open(os.path.join(folder, "nested", "deeper", "inner.txt"), "w") as f:
        f.write("deep inside")
    client.log_artifacts(big_id, folder)
    client.set_terminated(big_id)

    model = f"ui-model-{tag}"
    client.create_registered_model(model, description="churn model served by swiftrack", tags={"owner": "ml"})
    client.create_model_version(model, f"runs:/{small[0]}/model", run_id=small[0])
    client.create_model_version(model, f"runs:/{big_id}/model", run_id=big_id)
    client.transition_model_version_stage(model, "1", "Staging")
    client.set_registered_model_alias(model, "champion", "2")
    asked = requests.post(server + "/api/2.0/mlflow/transition-requests/create", timeout=15,
                          json={"name": model, "version": "2", "stage": "Production", "comment": "AUC 0.91"})
    assert asked.status_code == 200, asked.text
    odd = f"odd name {tag} 100% & co?"   # spaces, %, & and ? in a model name: links must encode them
    client.create_registered_model(odd)
    client.create_model_version(odd, "s3://bucket/odd")
    return {"odd_model": odd, "experiment": f"ui-builtin-{tag}", "experiment_id": experiment, "small": small, "big": big_id,
            "model": model, "request_id": asked.json()["request"]["id"]}


@pytest.fixture(scope="module")
def browser():
    if not available():
        pytest.skip("needs Debian's chromium and chromium-driver (scripts/bootstrap)")
    b = Browser()
    yield b
    b.close()


def by_css(browser, selector):
    from selenium.webdriver.common.by import By
    return browser.driver.find_elements(By.CSS_SELECTOR, selector)


def wait_until(predicate, timeout=15, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{what} not met within {timeout} s")


def bodies(browser, fragment):
    """The bodies of the requests seen so far whose URL contains `fragment`."""
    browser.calls()   # takes in the browser's network log
    return [r.get("body") or "" for r in browser.requests.values() if fragment in r["url"]]


def raw_get(base, target, headers=None):
    host, port = base.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=15)
    connection.request("GET", target, headers=headers or {})   # sent as written
    reply = connection.getresponse()
    return reply.status, dict(reply.getheaders()), reply.read()


def test_the_page_and_its_assets_are_served_with_caching(server):
    page = requests.get(server + "/", timeout=15)
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "no-cache" and page.headers["ETag"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    version = page.text.split('src="static-files/')[1].split("/")[0]
    assert version.startswith("v-")
    script = requests.get(f"{server}/static-files/{version}/js/main.js", timeout=15)
    assert script.status_code == 200 and script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = requests.get(f"{server}/static-files/{version}/js/main.js", headers={"If-None-Match": script.headers["ETag"]},
                         timeout=15)
    assert again.status_code == 304 and again.content == b""
    head = requests.head(server + "/", timeout=15)
    assert head.status_code == 200 and head.content == b"" and head.headers["ETag"] == page.headers["ETag"]
    assert requests.get(server + "/static-files/js/nothing.js", timeout=15).status_code == 404


@pytest.mark.parametrize("target", ["/static-files/../../../etc/passwd", "/static-files/%2e%2e/%2e%2e/etc/passwd",
                                    "/static-files/..%2f..%2fPackage.swift", "/static-files//etc/passwd",
                                    "/static-files/js/../../Package.swift", "/static-files/.hidden"])
def test_paths_out_of_the_embedded_site_are_refused(server, target):
    status, _, body = raw_get(server, target)
    assert status == 404, (target, status)
    assert b"root:" not in body and b"PackageDescription" not in body


@needs_browser
@pytest.mark.timeout(240)
def test_experiments_list_and_search(server, seeded, browser):
    browser.open(server + "/#/experiments", ready="text:" + seeded["experiment"])
    browser.settle(quiet=0.3)
    assert f"ui-other-{seeded['experiment'][-6:]}" in browser.text()
    browser.screenshot("builtin-experiments")
    box = by_css(browser, "input[name=q]")[0]
    box.send_keys(seeded["experiment"] + "\n")
    wait_until(lambda: "ui-other" not in browser.text() and seeded["experiment"] in browser.text(), what="search")
    assert any("experiments/search" in path and status == 200 for _, path, status in browser.calls("/ajax-api/"))
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_runs_table_filters_sorts_and_pages(server, seeded, browser):
    browser.open(server + f"/#/experiments/{seeded['experiment_id']}", ready="#runs tbody tr")
    browser.settle(quiet=0.3)
    rows = lambda: by_css(browser, "#runs tbody tr")
    assert len(rows()) == 50 and "Page 1" in browser.text()
    assert "big-run" in rows()[0].text   # newest start time first
    browser.screenshot("builtin-runs")
    searches = bodies(browser, "runs/search")
    assert searches and all('"max_results":50' in body for body in searches), searches
    # Next page: the 11 others.
    by_css(browser, ".pager button:last-child")[0].click()
    wait_until(lambda: "Page 2" in browser.text() and len(rows()) == SMALL_RUNS + 1 - 50, what="page 2")
    assert any('"page_token"' in body for body in bodies(browser, "runs/search"))
    by_css(browser, ".pager button:first-child")[0].click()
    wait_until(lambda: "Page 1" in browser.text() and len(rows()) == 50, what="back to page 1")
    # MLflow's filter grammar.
    box = by_css(browser, "input[name=filter]")[0]
    box.clear()
    box.send_keys("params.layers = '2' and metrics.acc > 0.6\n")
    wanted = sorted(f"run-{i:03d}" for i in range(SMALL_RUNS) if i % 4 == 2 and 0.5 + i / 200 > 0.6)
    wait_until(lambda: sorted(r.text.split("\n")[0].split(" ")[0] for r in rows()) == wanted, what="filtered rows")
    # Sorting by a metric's header: descending, then ascending.
    header = [b for b in by_css(browser, "#runs th button.sort") if b.text == "loss"][0]
    header.click()
    wait_until(lambda: rows()[0].text.startswith(wanted[0]), what="loss descending")   # the largest loss: the first run
    [b for b in by_css(browser, "#runs th button.sort") if b.text == "loss"][0].click()
    wait_until(lambda: rows()[0].text.startswith(wanted[-1]), what="loss ascending")
    assert by_css(browser, "#runs th[aria-sort=ascending]")
    # The filter and the order are in the address: a reload (or a shared link) shows the same rows.
    browser.driver.refresh()
    browser.wait_for("#runs tbody tr")
    assert by_css(browser, "input[name=filter]")[0].get_attribute("value") == "params.layers = '2' and metrics.acc > 0.6"
    wait_until(lambda: rows()[0].text.startswith(wanted[-1]) and len(rows()) == len(wanted), what="same rows after reload")
    orders = bodies(browser, "runs/search")
    assert any("metrics.loss DESC" in body for body in orders) and any("metrics.loss ASC" in body for body in orders)
    # The column chooser: add the tag column.
    by_css(browser, "details.columns summary")[0].click()
    group = [label for label in by_css(browser, "details.columns label") if label.text.strip() == "group"][0]
    group.click()
    wait_until(lambda: any(h.text == "group" for h in by_css(browser, "#runs th")), what="group column")
    assert "even" in rows()[0].text
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_a_run_page_shows_params_metrics_and_a_chart(server, seeded, browser):
    run_id = seeded["small"][3]
    browser.open(server + f"/#/runs/{run_id}", ready=".chart svg path.series")
    browser.settle(quiet=0.3)
    text = browser.text()
    assert "run-003" in text and "0.004" in text and "layers" in text and "group" in text and "FINISHED" in text
    assert "0.3" in text   # loss at step 9: 1/4 + 0.5/10
    browser.screenshot("builtin-run")
    # Overlay a second metric; smoothing and log scale redraw.
    boxes = by_css(browser, "input[name=metric]")
    assert [b.get_attribute("value") for b in boxes] == ["acc", "loss"] and [b.is_selected() for b in boxes] == [False, True]
    boxes[0].click()
    wait_until(lambda: len(by_css(browser, ".chart svg path.series")) == 2, what="two series")
    browser.driver.execute_script("const s = document.querySelector('input[name=smoothing]'); s.value = '0.8';"
                                  "s.dispatchEvent(new Event('input'));")
    by_css(browser, "input[name=log-scale]")[0].click()
    wait_until(lambda: "(log)" in by_css(browser, ".chart svg")[0].get_attribute("innerHTML"), what="log scale")
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(browser.driver).move_to_element(by_css(browser, ".chart svg")[0]).perform()
    wait_until(lambda: by_css(browser, ".readout")[0].text.startswith("step "), what="hover readout")
    assert "loss " in by_css(browser, ".readout")[0].text and "acc " in by_css(browser, ".readout")[0].text
    from selenium.webdriver.support.ui import Select
    Select(by_css(browser, "select[name=x-axis]")[0]).select_by_value("time")
    wait_until(lambda: "wall time" in by_css(browser, ".chart svg")[0].get_attribute("innerHTML"), what="wall time axis")
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_the_run_with_100000_points_opens_fast(server, seeded, browser):
    browser.open(server + "/#/experiments")   # a page of the UI is loaded; the run page is a navigation
    browser.wait_for("#experiments")
    browser.problems()
    started = time.monotonic()
    browser.driver.execute_script(f"window.location.hash = '#/runs/{seeded['big']}'")
    browser.wait_for(".chart svg path.series", timeout=30)
    elapsed = time.monotonic() - started
    print(f"\nthe run page with {BIG_POINTS} points drew its chart in {elapsed:.3f} s")
    assert elapsed < 5
    path = by_css(browser, ".chart svg path.series")[0].get_attribute("d")
    assert path.count("L") >= 500   # downsampled, but a real curve
    # And as a full page load (the page, its scripts from the cache, the run, the history).
    browser.open(server + "/")
    started = time.monotonic()
    browser.open(server + f"/?cold=1#/runs/{seeded['big']}", ready=".chart svg path.series", timeout=30)
    cold = time.monotonic() - started
    print(f"the same page as a full page load drew its chart in {cold:.3f} s")
    assert cold < 5
    calls = browser.calls("get-history-bulk-interval")
    assert calls and all("max_results=1000" in p and status == 200 for _, p, status in calls), calls
    browser.settle(quiet=0.3)
    browser.driver.execute_script("document.querySelector('#metrics-h').scrollIntoView()")
    browser.screenshot("builtin-run-100k")
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_artifacts_are_browsed_and_previewed(server, seeded, browser):
    browser.open(server + f"/#/runs/{seeded['big']}", ready=".tree button[data-path='notes.txt']")
    by_css(browser, ".tree button[data-path='notes.txt']")[0].click()
    browser.wait_for("text:trained on the holdout split")
    by_css(browser, ".tree button[data-path='config.json']")[0].click()
    wait_until(lambda: '"optimizer": "adam"' in by_css(browser, ".preview pre")[0].text, what="pretty JSON")
    assert '\n  "layers": [\n    64,' in by_css(browser, ".preview pre")[0].text
    by_css(browser, ".tree button[data-path='plot.png']")[0].click()
    wait_until(lambda: browser.driver.execute_script(
        "const i = document.querySelector('.preview img'); return i && i.complete && i.naturalWidth") == 48, what="image")
    browser.driver.execute_script("document.querySelector('#artifacts-h').scrollIntoView()")
    browser.screenshot("builtin-artifacts")
    by_css(browser, ".tree button[data-path='nested']")[0].click()
    browser.wait_for(".tree button[data-path='nested/deeper']")
    by_css(browser, ".tree button[data-path='nested/deeper']")[0].click()
    browser.wait_for(".tree button[data-path='nested/deeper/inner.txt']")
    by_css(browser, ".tree button[data-path='nested/deeper/inner.txt']")[0].click()
    browser.wait_for("text:deep inside")
    by_css(browser, ".preview button")[0].click()   # download through get-artifact
    wait_until(lambda: any("get-artifact" in p and "inner.txt" in p and s == 200
                           for _, p, s in browser.calls("get-artifact")) and
               len([1 for _, p, _ in browser.calls("get-artifact") if "inner.txt" in p]) >= 2, what="download")
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_compare_view_from_selected_runs(server, seeded, browser):
    browser.open(server + f"/#/experiments/{seeded['experiment_id']}", ready="#runs tbody tr")
    for name in ("run-055", "run-056", "run-057"):   # on the first page (newest first)
        row = [r for r in by_css(browser, "#runs tbody tr") if r.text.startswith(name + " ")][0]
        row.find_element("css selector", "input[type=checkbox]").click()
    assert "Compare selected (3)" in browser.text()
    by_css(browser, "#compare-selected")[0].click()
    browser.wait_for(".chart svg circle.point")
    wait_until(lambda: len(by_css(browser, ".metric-panel .chart svg path.series")) == 3, what="three curves")
    assert len(by_css(browser, ".chart svg circle.point")) == 3
    assert len(by_css(browser, ".parallel svg path.line")) == 3   # layers, lr, acc, loss
    assert [t.text for t in by_css(browser, ".parallel svg .axis text")][::3] == ["layers", "lr", "acc", "loss"]
    text = browser.text()
    assert "Compare 3 runs" in text and "param lr" in text and "param layers" in text and "metric acc" in text
    assert all(name in text for name in ("run-055", "run-056", "run-057"))
    # Runs without traces are no evaluation runs: no per-row section.
    wait_until(lambda: by_css(browser, "#evaluation")[0].get_attribute("hidden") is not None, what="no evaluation results")
    browser.settle(quiet=0.3)
    browser.screenshot("builtin-compare")
    browser.driver.execute_script("document.querySelector('.parallel').scrollIntoView()")
    browser.screenshot("builtin-compare-parallel")
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_model_registry_pages(server, seeded, browser):
    model = seeded["model"]
    browser.open(server + "/#/models", ready="text:" + model)
    assert "@champion → v2" in browser.text() and "v1 Staging" in browser.text()
    browser.screenshot("builtin-models")
    by_css(browser, f"#models a[href='#/models/{model}']")[0].click()
    browser.wait_for("#versions tbody tr")
    browser.wait_for("#transition-requests")
    browser.wait_for("#history")
    text = browser.text()
    assert "churn model served by swiftrack" in text and "Version 2" in text and "Staging" in text
    assert "stage Production" in text and "AUC 0.91" in text and "PENDING" in text and "@champion" in text
    browser.settle(quiet=0.3)
    browser.screenshot("builtin-model")
    by_css(browser, "#versions a[href$='/versions/2']")[0].click()
    browser.wait_for("text:version 2")
    browser.wait_for("#transition-requests")
    assert f"runs:/{seeded['big']}/model" in browser.text() and "@champion" in browser.text()
    browser.settle(quiet=0.3)
    browser.screenshot("builtin-version")
    assert browser.problems() == []
    browser.open(server + "/#/models", ready="text:" + seeded["odd_model"])
    [a for a in by_css(browser, "#models a") if a.text == seeded["odd_model"]][0].click()
    browser.wait_for("#versions tbody tr")
    assert by_css(browser, "h1")[0].text == seeded["odd_model"]
    by_css(browser, "#versions a")[0].click()
    browser.wait_for("text:" + seeded["odd_model"] + " version 1")
    assert "s3://bucket/odd" in browser.text()
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_errors_show_the_servers_code_and_message(server, seeded, browser):
    browser.open(server + "/#/runs/0123456789abcdef0123456789abcdef", ready=".error")
    assert "RESOURCE_DOES_NOT_EXIST" in by_css(browser, ".error")[0].text
    browser.problems()
    browser.open(server + f"/#/experiments/{seeded['experiment_id']}", ready="#runs")
    box = by_css(browser, "input[name=filter]")[0]
    box.send_keys("metrics.loss <<< 1\n")
    browser.wait_for(".error")
    assert "INVALID_PARAMETER_VALUE" in by_css(browser, ".error")[0].text
    problems = browser.problems()
    assert problems and all("runs/search" in p and "400" in p for p in problems), problems


TRACE_FILLERS = 24   # with the three below, 27 traces: two pages of 25
HOSTILE = "<img src=x onerror='window.__pwned = 1'>"


@pytest.fixture(scope="module")
def traced(server):
    """An experiment with traces made by the official client: a call with a nested span and a
    human's feedback, a failing call, one whose span carries HTML, and fillers for a second page."""
    import mlflow
    from mlflow.entities import AssessmentSource
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(server)
    try:
        name = f"ui-traces-{uuid.uuid4().hex[:6]}"
        experiment_id = mlflow.set_experiment(name).experiment_id

        # Sleeps give the timeline proportions to check: the retriever starts about a third in and
        # takes most of the rest.
        @mlflow.trace(span_type="RETRIEVER")
        def retrieve(question):
            time.sleep(0.06)
            return [{"doc": "refund-policy.md", "score": 0.93}]

        @mlflow.trace(span_type="CHAIN")
        def answer(question):
            time.sleep(0.03)
            docs = retrieve(question)
            return {"answer": "Refunds take 30 days.", "sources": [d["doc"] for d in docs]}

        @mlflow.trace(span_type="TOOL")
        def failing(order):
            raise ValueError("the billing tool broke")

        @mlflow.trace
        def hostile(text):
            mlflow.get_current_active_span().set_attribute("note", HOSTILE)
            return text

        @mlflow.trace
        def filler(i):
            return i * i

        with mlflow.start_run(experiment_id=experiment_id) as run:
            filler(0)   # the oldest trace, made inside a run
        in_run = mlflow.get_last_active_trace_id()
        for i in range(1, TRACE_FILLERS):
            filler(i)
        time.sleep(0.02)
        answer("how long do refunds take?")
        answered = mlflow.get_last_active_trace_id()
        time.sleep(0.02)
        with pytest.raises(ValueError):
            failing("order-17")
        failed = mlflow.get_last_active_trace_id()
        time.sleep(0.02)
        hostile(HOSTILE)
        attacked = mlflow.get_last_active_trace_id()
        mlflow.flush_trace_async_logging()
        mlflow.log_feedback(trace_id=answered, name="helpfulness", value=True, rationale="cites the refund policy",
                            source=AssessmentSource(source_type="HUMAN", source_id="reviewer@example.com"))
        mlflow.log_expectation(trace_id=answered, name="expected_facts", value={"refund_days": 30})
    finally:
        mlflow.set_tracking_uri(previous)
    found = requests.post(server + "/ajax-api/3.0/mlflow/traces/search", timeout=15, json={
        "locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": experiment_id}}],
        "max_results": 100})
    assert len(found.json()["traces"]) == TRACE_FILLERS + 3, found.text
    return {"experiment_id": experiment_id, "experiment": name, "answered": answered, "failed": failed,
            "attacked": attacked, "run_id": run.info.run_id, "in_run": in_run}


@needs_browser
@pytest.mark.timeout(240)
def test_traces_table_filters_and_pages(server, traced, browser):
    browser.open(server + f"/#/experiments/{traced['experiment_id']}", ready="#tab-traces")
    by_css(browser, "#tab-traces")[0].click()
    browser.wait_for("#traces tbody tr")
    browser.settle(quiet=0.3)
    rows = lambda: by_css(browser, "#traces tbody tr")
    ids = lambda: [r.get_attribute("data-trace-id") for r in rows()]
    assert len(rows()) == 25 and "Page 1" in browser.text()
    assert ids()[:3] == [traced["attacked"], traced["failed"], traced["answered"]]   # newest first
    answered = rows()[2].text
    assert "answer" in answered and "OK" in answered and traced["answered"][:11] in answered
    assert "how long do refunds take?" in answered and "Refunds take 30 days." in answered
    assert "ERROR" in rows()[1].text and "failing" in rows()[1].text
    assert by_css(browser, "#tab-traces[aria-current=page]") and by_css(browser, "h1")[0].text == traced["experiment"]
    browser.screenshot("builtin-traces")
    searches = bodies(browser, "traces/search")
    assert searches and all('"max_results":25' in b and "timestamp_ms DESC" in b for b in searches), searches
    # The second page: the two oldest fillers.
    by_css(browser, ".pager button:last-child")[0].click()
    wait_until(lambda: "Page 2" in browser.text() and len(rows()) == 2, what="page 2")
    assert all("filler" in r.text for r in rows())
    assert any('"page_token"' in b for b in bodies(browser, "traces/search"))
    # MLflow's trace filter grammar narrows the table; the address keeps it.
    box = by_css(browser, "input[name=trace-filter]")[0]
    box.send_keys("trace.status = 'ERROR'\n")
    wait_until(lambda: ids() == [traced["failed"]], what="only the failing trace")
    assert "Page 1" in browser.text()
    browser.driver.refresh()
    browser.wait_for("#traces tbody tr")
    assert by_css(browser, "input[name=trace-filter]")[0].get_attribute("value") == "trace.status = 'ERROR'"
    wait_until(lambda: ids() == [traced["failed"]], what="same rows after reload")
    assert browser.problems() == []
    # A filter the grammar refuses: the server's error code and message.
    box = by_css(browser, "input[name=trace-filter]")[0]
    box.clear()
    box.send_keys("trace.status === 'ERROR'\n")
    browser.wait_for(".error")
    assert "INVALID_PARAMETER_VALUE" in by_css(browser, ".error")[0].text
    assert "Invalid comparator" in by_css(browser, ".error")[0].text
    problems = browser.problems()
    assert problems and all("traces/search" in p and "400" in p for p in problems), problems
    # The Runs tab goes back to the runs; a run's page links to the traces made inside it.
    by_css(browser, "#tab-runs")[0].click()
    browser.wait_for("#tab-runs[aria-current=page]")
    browser.wait_for(f"#runs tr[data-run-id='{traced['run_id']}'] a")
    by_css(browser, f"#runs tr[data-run-id='{traced['run_id']}'] a")[0].click()
    browser.wait_for("#run-traces")
    by_css(browser, "#run-traces")[0].click()
    wait_until(lambda: ids() == [traced["in_run"]], what="the run's one trace")
    assert by_css(browser, "input[name=trace-filter]")[0].get_attribute("value") == f"attribute.run_id = '{traced['run_id']}'"
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_a_trace_page_shows_its_span_tree_inputs_and_feedback(server, traced, browser):
    browser.open(server + f"/#/experiments/{traced['experiment_id']}/traces", ready="#traces tbody tr")
    by_css(browser, f"#traces tr[data-trace-id='{traced['answered']}'] a")[0].click()
    browser.wait_for("#span-tree")
    browser.wait_for("#assessments")
    text = browser.text()
    assert traced["answered"] in text and "OK" in text and by_css(browser, "h1")[0].text == "answer"
    assert "mlflow.traceName" in text and "mlflow.trace_schema.version" in text   # tags and metadata
    # Both spans, the retriever one level under the chain, in that order.
    rows = by_css(browser, "#span-tree [role=treeitem]")
    assert [r.find_element("css selector", ".span-name").text for r in rows] == ["answer", "retrieve"]
    assert [r.get_attribute("aria-level") for r in rows] == ["1", "2"]
    assert rows[0].get_attribute("aria-expanded") == "true" and rows[1].get_attribute("aria-expanded") is None
    assert "CHAIN" in rows[0].find_element("css selector", ".span-label").text
    assert "RETRIEVER" in rows[1].text
    # The root is selected first: its inputs and outputs, pretty-printed.
    assert by_css(browser, "#span-detail-h")[0].text == "answer"
    assert '"question": "how long do refunds take?"' in by_css(browser, "#span-inputs pre")[0].text
    assert '"answer": "Refunds take 30 days."' in by_css(browser, "#span-outputs pre")[0].text
    rows[1].click()
    wait_until(lambda: by_css(browser, "#span-detail-h")[0].text == "retrieve", what="the child span selected")
    assert '"doc": "refund-policy.md"' in by_css(browser, "#span-outputs pre")[0].text
    assert "mlflow.spanFunctionName" in by_css(browser, "#span-attributes")[0].text
    assert "span=" in browser.driver.current_url   # the selection is in the address
    # The feedback (name, value, source and rationale) and the expectation (a JSON value).
    rows = {r.find_element("css selector", "td").text: [c.text for c in r.find_elements("css selector", "td")]
            for r in by_css(browser, "#assessments tbody tr")}
    assert rows["helpfulness"] == ["helpfulness", "feedback", "true", "HUMAN: reviewer@example.com", "cites the refund policy"]
    assert rows["expected_facts"][:3] == ["expected_facts", "expectation", '{\n  "refund_days": 30\n}']
    assert len(rows) == 2
    browser.settle(quiet=0.3)
    browser.screenshot("builtin-trace")
    assert browser.problems() == []
    # A failing trace: ERROR on the trace and its span, with the exception event.
    browser.open(server + f"/#/traces/{traced['failed']}", ready="#span-detail-h")
    assert "ERROR" in by_css(browser, "#span-tree .span-status-ERROR")[0].text
    assert "ValueError: the billing tool broke" in by_css(browser, "#span-detail")[0].text
    assert "exception" in by_css(browser, "#span-events")[0].text
    assert browser.problems() == []
    # An unknown trace: the server's error.
    browser.open(server + "/#/traces/tr-00000000000000000000000000000000", ready=".error")
    assert "RESOURCE_DOES_NOT_EXIST" in by_css(browser, ".error")[0].text
    browser.problems()


# Each timeline row's bar and lane as percentages of the lane, the bar's colour, and the axis ticks.
TIMELINE = """
const lane = (row) => row.querySelector('.span-lane').getBoundingClientRect();
const rows = [...document.querySelectorAll('#span-tree [role=treeitem]')].map((row) => {
  const box = lane(row);
  const bar = row.querySelector('.span-bar');
  const rect = bar.getBoundingClientRect();
  return { name: row.querySelector('.span-name').textContent, left: (rect.left - box.left) / box.width * 100,
    width: rect.width / box.width * 100, pixels: rect.width, colour: getComputedStyle(bar).backgroundColor,
    selected: row.getAttribute('aria-selected'), background: getComputedStyle(row).backgroundColor };
});
const axis = document.querySelector('#span-tree .span-axis').getBoundingClientRect();
const ticks = [...document.querySelectorAll('#span-tree .span-axis .span-tick')].map((tick) => {
  const rect = tick.getBoundingClientRect();
  const anchor = tick.classList.contains('span-tick-end') ? rect.right : tick === tick.parentNode.firstChild
    ? rect.left : rect.left + rect.width / 2;
  return { label: tick.textContent, at: (anchor - axis.left) / axis.width * 100 };
});
return { rows, ticks };
"""


def open_page(browser, url, ready="[data-ready]", timeout=60):
    """A full page load (a query string of its own, so a change of the hash alone is not what the
    browser sees) until `ready` shows: a trace page marks itself data-ready once painted."""
    base, _, fragment = url.partition("#")
    browser.open(f"{base.rstrip('/')}/?load={uuid.uuid4().hex[:8]}#{fragment}", ready=ready, timeout=timeout)


def in_view(browser, element):
    """Whether the row is inside the span tree's scrolled box (rows just outside it are drawn too)."""
    return browser.driver.execute_script("""
        const box = document.querySelector('#span-tree .span-rows').parentNode.getBoundingClientRect();
        const row = arguments[0].getBoundingClientRect();
        return row.top >= box.top && row.bottom <= box.bottom;""", element)


def tick_millis(label):
    """An axis label ("0", "20 ms", "1.5 s", "2 min") in milliseconds."""
    if label == "0":
        return 0.0
    number, unit = label.split()
    return float(number) * {"ms": 1, "s": 1000, "min": 60000}[unit]


@needs_browser
@pytest.mark.timeout(240)
def test_the_timeline_places_each_span_by_its_start_and_length(server, traced, browser):
    from mlflow import MlflowClient
    spans = {s.name: s for s in MlflowClient(tracking_uri=server).get_trace(traced["answered"]).data.spans}
    origin = min(s.start_time_ns for s in spans.values())
    total = max(s.end_time_ns for s in spans.values()) - origin
    expected = {name: ((s.start_time_ns - origin) / total * 100, (s.end_time_ns - s.start_time_ns) / total * 100)
                for name, s in spans.items()}
    assert expected["retrieve"][0] > 20 and expected["retrieve"][1] > 40, expected   # the fixture's sleeps
    open_page(browser, server + f"/#/traces/{traced['answered']}")
    drawn = browser.driver.execute_script(TIMELINE)
    rows = drawn["rows"]
    assert [r["name"] for r in rows] == ["answer", "retrieve"]
    for row in rows:   # each bar where its span starts, as long as it lasts, within a percentage point
        left, width = expected[row["name"]]
        assert abs(row["left"] - left) < 1 and abs(row["width"] - width) < 1, (row, left, width)
    assert rows[1]["left"] + rows[1]["width"] <= rows[0]["left"] + rows[0]["width"] + 0.5   # the child inside its parent
    assert {r["colour"] for r in rows} == {"rgb(58, 143, 92)"}   # OK is green
    # The axis: "0" at the left, then round steps, each label where its time is.
    ticks = drawn["ticks"]
    values = [tick_millis(t["label"]) for t in ticks]
    assert ticks[0]["label"] == "0" and len(ticks) >= 3, ticks
    steps = {round(b - a, 6) for a, b in zip(values, values[1:])}
    assert len(steps) == 1 and values[-1] <= total / 1e6, (values, total)
    for tick, value in zip(ticks, values):
        assert abs(tick["at"] - value / (total / 1e6) * 100) < 1, (tick, value)
    # The selected span is highlighted, in the tree and in the address; selecting another moves it.
    assert [r["selected"] for r in rows] == ["true", "false"] and rows[0]["background"] != rows[1]["background"]
    by_css(browser, "#span-tree [role=treeitem][aria-level='2']")[0].click()
    wait_until(lambda: by_css(browser, "#span-detail-h")[0].text == "retrieve", what="retrieve selected")
    rows = browser.driver.execute_script(TIMELINE)["rows"]
    assert [r["selected"] for r in rows] == ["false", "true"]
    tree = by_css(browser, "#span-tree")[0]
    assert tree.get_attribute("aria-activedescendant") == "span-row-" + spans["retrieve"].span_id
    browser.screenshot("builtin-trace-timeline")
    # The keyboard: the tree is one tab stop; Left goes to the parent, then folds it; Right opens it.
    from selenium.webdriver.common.keys import Keys
    tree.send_keys(Keys.ARROW_LEFT)
    wait_until(lambda: by_css(browser, "#span-detail-h")[0].text == "answer", what="Left: the parent")
    tree.send_keys(Keys.ARROW_LEFT)
    wait_until(lambda: len(by_css(browser, "#span-tree [role=treeitem]")) == 1, what="Left again: folded")
    assert by_css(browser, "#span-tree [role=treeitem]")[0].get_attribute("aria-expanded") == "false"
    tree.send_keys(Keys.ARROW_RIGHT)
    wait_until(lambda: len(by_css(browser, "#span-tree [role=treeitem]")) == 2, what="Right: open again")
    tree.send_keys(Keys.ARROW_DOWN)
    wait_until(lambda: by_css(browser, "#span-detail-h")[0].text == "retrieve", what="Down: the next span")
    # A screen reader hears when each span starts; the axis is described once.
    assert "starts at" in by_css(browser, "#span-tree [role=treeitem][aria-level='2'] .sr-only")[0].get_attribute("textContent")
    assert "Timeline of" in by_css(browser, "#span-axis-description")[0].get_attribute("textContent")
    assert browser.problems() == []
    # A failed span's bar is red.
    open_page(browser, server + f"/#/traces/{traced['failed']}")
    [failed] = browser.driver.execute_script(TIMELINE)["rows"]
    assert failed["colour"] == "rgb(166, 27, 27)" and abs(failed["left"]) < 1 and abs(failed["width"] - 100) < 1
    assert browser.problems() == []


@pytest.fixture(scope="module")
def big_trace(server):
    """A trace of 10,000 spans posted as OTLP/JSON (helpers.ten_thousand_span_trace)."""
    experiment = requests.post(server + "/api/2.0/mlflow/experiments/create", timeout=15,
                               json={"name": f"ui-big-trace-{uuid.uuid4().hex[:6]}"}).json()["experiment_id"]
    trace_hex = uuid.uuid4().hex
    reply = requests.post(server + "/v1/traces", json=ten_thousand_span_trace(trace_hex, time.time_ns() - 60 * SECOND_NS),
                          headers={"x-mlflow-experiment-id": experiment}, timeout=120)
    assert reply.status_code == 200, reply.text[:300]
    return "tr-" + trace_hex


@needs_browser
@pytest.mark.timeout(300)
def test_a_trace_of_ten_thousand_spans_opens_and_any_span_can_be_selected(server, big_trace, browser):
    """Opens, counts, shows the root, and reaches the deepest span by the keyboard, the address and
    the find box. Speed is bench/ui_trace_open.py's to measure, not this test's."""
    from selenium.webdriver.common.keys import Keys
    open_page(browser, server + f"/#/traces/{big_trace}", timeout=120)
    assert by_css(browser, "#spans-h")[0].text == "Spans (10000)"
    assert by_css(browser, "#span-detail-h")[0].text == "root"
    assert '"item": "root"' in by_css(browser, "#span-inputs pre")[0].text
    rows = lambda: by_css(browser, "#span-tree [role=treeitem]")
    assert 10 < len(rows()) < 200   # the rows in view, not 10,000
    first = rows()[0]
    assert first.get_attribute("aria-selected") == "true" and first.get_attribute("aria-setsize") == "1"
    assert by_css(browser, "#span-tree [role=treeitem][aria-level='2']")[0].get_attribute("aria-setsize") == "99"
    browser.screenshot("builtin-trace-10k")
    assert browser.problems() == []
    # End: the last span depth first, 102 levels down, drawn in view with its red bar.
    tree = by_css(browser, "#span-tree")[0]
    tree.send_keys(Keys.END)
    wait_until(lambda: by_css(browser, "#span-detail-h")[0].text == "needle", what="End: the deepest span")
    needle = by_css(browser, "#span-tree [role=treeitem][aria-selected=true]")
    assert len(needle) == 1 and needle[0].get_attribute("aria-level") == "102"
    assert needle[0].get_attribute("id") == tree.get_attribute("aria-activedescendant")
    assert in_view(browser, needle[0]) and "span-bar-ERROR" in needle[0].find_element("css selector", ".span-bar").get_attribute("class")
    needle_hex = needle[0].get_attribute("data-span-id")
    assert f"span={needle_hex}" in browser.driver.current_url
    assert len(rows()) < 200
    # Up from there: its parent, level-100.
    tree.send_keys(Keys.ARROW_UP)
    wait_until(lambda: by_css(browser, "#span-detail-h")[0].text == "level-100", what="Up: level-100")
    # The address opens the deep span selected, scrolled into view.
    open_page(browser, server + f"/#/traces/{big_trace}?span={needle_hex}", timeout=120)
    assert by_css(browser, "#span-detail-h")[0].text == "needle"
    selected = by_css(browser, "#span-tree [role=treeitem][aria-selected=true]")
    assert len(selected) == 1 and in_view(browser, selected[0]) and selected[0].get_attribute("data-span-id") == needle_hex
    # The find box: a span in the middle, by name; Enter again finds the next match.
    box = by_css(browser, "input[name=span-find]")[0]
    box.send_keys("step-50-7\n")
    wait_until(lambda: by_css(browser, "#span-detail-h")[0].text == "step-50-7", what="found step-50-7")
    assert by_css(browser, "#span-find-status")[0].text == "11 spans match"   # step-50-7 and step-50-70..79
    box.send_keys("\n")
    wait_until(lambda: by_css(browser, "#span-detail-h")[0].text == "step-50-70", what="the next match")
    row = by_css(browser, "#span-tree [role=treeitem][aria-selected=true]")[0]
    assert in_view(browser, row) and row.get_attribute("aria-level") == "3"
    # A click on the next row (in view: a found span is scrolled to the middle) selects it.
    target = browser.driver.execute_script("return arguments[0].nextElementSibling", row)
    assert in_view(browser, target)
    name = target.find_element("css selector", ".span-name").text
    target.click()
    wait_until(lambda: by_css(browser, "#span-detail-h")[0].text == name, what="the clicked span")
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_a_long_span_input_shows_its_start_until_asked_for_all(server, browser):
    experiment = requests.post(server + "/api/2.0/mlflow/experiments/create", timeout=15,
                               json={"name": f"ui-long-input-{uuid.uuid4().hex[:6]}"}).json()["experiment_id"]
    trace_hex, now = uuid.uuid4().hex, time.time_ns()
    long_input = "".join(f"{i:07d}," for i in range(50_000))   # 400,000 characters, none JSON
    body = {"resourceSpans": [{"scopeSpans": [{"spans": [{
        "traceId": trace_hex, "spanId": "00000000000000aa", "name": "long", "startTimeUnixNano": str(now),
        "endTimeUnixNano": str(now + SECOND_NS), "status": {"code": 1},
        "attributes": [{"key": "mlflow.spanInputs", "value": {"stringValue": long_input}}]}]}]}]}
    reply = requests.post(server + "/v1/traces", json=body, headers={"x-mlflow-experiment-id": experiment}, timeout=30)
    assert reply.status_code == 200, reply.text
    open_page(browser, server + f"/#/traces/tr-{trace_hex}")
    shown = lambda: by_css(browser, "#span-inputs pre")[0].get_attribute("textContent")
    assert shown() == long_input[:100_000] + "…"
    more = by_css(browser, "#span-inputs button.show-all")[0]
    assert more.text == "Show all 400,000 characters"
    more.click()
    wait_until(lambda: shown() == long_input, what="the whole input")
    assert by_css(browser, "#span-inputs button.show-all") == []
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_a_trace_whose_spans_are_still_arriving_shows_those_that_have(server, browser):
    """The client's trace info says 3 spans (its size statistics); one has come through OTLP. The
    server answers traces/get 404 "not fully exported yet" unless allow_partial, which the page sends."""
    experiment = requests.post(server + "/api/2.0/mlflow/experiments/create", timeout=15,
                               json={"name": f"ui-partial-{uuid.uuid4().hex[:6]}"}).json()["experiment_id"]
    trace_hex, now = uuid.uuid4().hex, time.time_ns()
    started = requests.post(server + "/api/3.0/mlflow/traces", timeout=15, json={"trace": {"trace_info": {
        "trace_id": f"tr-{trace_hex}", "state": "OK", "request_time": "2026-12-08T00:00:00Z", "execution_duration": "1s",
        "trace_location": {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": experiment}},
        "trace_metadata": {"mlflow.trace.sizeStats": '{"num_spans": 3}'}}}})
    assert started.status_code == 200, started.text
    body = {"resourceSpans": [{"scopeSpans": [{"spans": [{
        "traceId": trace_hex, "spanId": "00000000000000cc", "name": "first", "startTimeUnixNano": str(now),
        "endTimeUnixNano": str(now + SECOND_NS), "status": {"code": 1}}]}]}]}
    reply = requests.post(server + "/v1/traces", json=body, headers={"x-mlflow-experiment-id": experiment}, timeout=30)
    assert reply.status_code == 200, reply.text
    whole = requests.get(server + "/ajax-api/3.0/mlflow/traces/get", params={"trace_id": f"tr-{trace_hex}"}, timeout=15)
    assert whole.status_code == 404 and "not fully exported yet" in whole.json()["message"]
    open_page(browser, server + f"/#/traces/tr-{trace_hex}")
    assert by_css(browser, "#spans-h")[0].text == "Spans (1)"
    assert by_css(browser, "#spans-partial")[0].text == "1 of the 3 spans the client reported have arrived so far."
    assert by_css(browser, "#span-detail-h")[0].text == "first"
    assert any("allow_partial=true" in path and status == 200 for _, path, status in browser.calls("traces/get"))
    assert browser.problems() == []
    # A whole trace says nothing of it.
    reply = requests.post(server + "/v1/traces", headers={"x-mlflow-experiment-id": experiment}, timeout=30, json={
        "resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": trace_hex, "spanId": f"00000000000000{n}", "parentSpanId": "00000000000000cc", "name": f"more-{n}",
            "startTimeUnixNano": str(now), "endTimeUnixNano": str(now + 1000), "status": {"code": 1}} for n in ("d1", "d2")]}]}]})
    assert reply.status_code == 200, reply.text
    open_page(browser, server + f"/#/traces/tr-{trace_hex}")
    assert by_css(browser, "#spans-h")[0].text == "Spans (3)" and by_css(browser, "#spans-partial") == []
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_span_data_is_shown_as_text_never_as_html(server, traced, browser):
    browser.open(server + f"/#/experiments/{traced['experiment_id']}/traces", ready="#traces tbody tr")
    assert HOSTILE in by_css(browser, f"#traces tr[data-trace-id='{traced['attacked']}']")[0].get_attribute("textContent")
    browser.open(server + f"/#/traces/{traced['attacked']}", ready="#span-attributes")
    assert HOSTILE in by_css(browser, "#span-attributes")[0].text
    assert HOSTILE in by_css(browser, "#span-inputs")[0].text
    injected = browser.driver.execute_script(
        "return [document.querySelectorAll('#main img').length, window.__pwned === undefined]")
    assert injected == [0, True]
    assert browser.problems() == []
    # A span named, typed and failed with markup (any OTLP producer may send it): the tree's row,
    # its tooltip, its badge and the detail show the text.
    experiment = traced["experiment_id"]
    trace_hex, now = uuid.uuid4().hex, time.time_ns()
    body = {"resourceSpans": [{"scopeSpans": [{"spans": [{
        "traceId": trace_hex, "spanId": "00000000000000bb", "name": HOSTILE, "startTimeUnixNano": str(now),
        "endTimeUnixNano": str(now + SECOND_NS), "status": {"code": 2, "message": HOSTILE},
        "attributes": [{"key": "mlflow.spanType", "value": {"stringValue": HOSTILE}}]}]}]}]}
    reply = requests.post(server + "/v1/traces", json=body, headers={"x-mlflow-experiment-id": experiment}, timeout=30)
    assert reply.status_code == 200, reply.text
    open_page(browser, server + f"/#/traces/tr-{trace_hex}")
    [row] = by_css(browser, "#span-tree [role=treeitem]")
    name = row.find_element("css selector", ".span-name")
    assert name.get_attribute("textContent") == HOSTILE and name.get_attribute("title") == HOSTILE
    assert row.find_element("css selector", ".badge").get_attribute("textContent") == HOSTILE
    assert by_css(browser, "#span-detail-h")[0].text == HOSTILE and f"ERROR: {HOSTILE}" in by_css(browser, "#span-detail")[0].text
    by_css(browser, "input[name=span-find]")[0].send_keys("<img\n")
    wait_until(lambda: by_css(browser, "#span-find-status")[0].text == "1 span matches", what="found by its markup")
    injected = browser.driver.execute_script(
        "return [document.querySelectorAll('#main img').length, window.__pwned === undefined]")
    assert injected == [0, True]
    assert browser.problems() == []


# What the trace pages' pure functions (web/js/spans.js) answer, run in the browser that runs them.
SPAN_FUNCTIONS = """
const done = arguments[arguments.length - 1];
const main = document.querySelector('script[type=module]').src;
import(main.replace(/main\\.js$/, 'spans.js')).then((m) => {
  // A chain of 10,000 spans, each the child of the one before: nothing may recurse that deep.
  const id = (n) => btoa(String.fromCharCode(0, 0, 0, 0, (n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255));
  const chain = Array.from({ length: 10000 }, (_, i) => ({ span_id: id(i + 1), parent_span_id: i ? id(i) : '',
    name: `s${i + 1}`, start_time_unix_nano: String(1700000000000000000n + BigInt(i)) }));
  const deep = m.flattenForest(m.spanForest(chain.slice().reverse()));
  // Parents that loop (a under b under a) and a span whose parent is not in the trace.
  const looped = m.spanForest([{ span_id: 'YQ==', parent_span_id: 'Yg==', start_time_unix_nano: '2' },
    { span_id: 'Yg==', parent_span_id: 'YQ==', start_time_unix_nano: '1' },
    { span_id: 'Yw==', parent_span_id: 'eg==', start_time_unix_nano: '3' }]);
  const forest = m.spanForest(chain.slice(0, 3));
  done({
    deep: [deep.length, deep[0].level, deep[9999].level, deep[9999].node.span.name],
    looped: [m.flattenForest(looped).length, looped.length],
    folded: m.flattenForest(forest, new Set([forest[0]])).length,
    ticks: [m.niceTicks(100), m.niceTicks(92.5), m.niceTicks(10000), m.niceTicks(0.37), m.niceTicks(0), m.niceTicks(7, 3)],
    labels: [0, 0.1, 20, 1500, 10000, 120000].map(m.tickLabel),
    ids: [m.base64Id('0fffffffffffffff'), m.hexId(m.base64Id('0fffffffffffffff')), m.base64Id('xyz'), m.base64Id(null)],
    window: (({ startNs, endNs, millis }) => [String(startNs), String(endNs), millis])(m.traceWindow([
      { start_time_unix_nano: '1000000', end_time_unix_nano: '3000000' }, { start_time_unix_nano: '5000000' }])),
  });
}).catch((error) => done(String(error)));
"""


@needs_browser
@pytest.mark.timeout(120)
def test_the_span_functions_of_the_trace_pages(server, browser):
    open_page(browser, server + "/#/experiments", ready="#experiments")
    got = browser.driver.execute_async_script(SPAN_FUNCTIONS)
    assert got["deep"] == [10000, 1, 10000, "s10000"]
    assert got["looped"] == [3, 2]   # the loop cut into a tree of its own, the orphan a root: nothing dropped
    assert got["folded"] == 1
    assert got["ticks"] == [[0, 20, 40, 60, 80, 100], [0, 20, 40, 60, 80], [0, 2000, 4000, 6000, 8000, 10000],
                            [0, 0.1, 0.2, 0.3], [0], [0, 5]]
    assert got["labels"] == ["0", "0.1 ms", "20 ms", "1.5 s", "10 s", "2 min"]
    assert got["ids"] == ["D/////////8=", "0fffffffffffffff", None, None]
    assert got["window"] == ["1000000", "5000000", 4]   # a span still open counts from its start
    assert browser.problems() == []


EVAL_FILLERS = 52   # with the three questions and the hostile one, 56 rows: two pages of 50


@pytest.fixture(scope="module")
def evaluated(server):
    """Two `mlflow.genai.evaluate` runs over the same 56 rows with code scorers (a bool, a number and
    a Feedback with a rationale): the second answers the sky right, 2+2 in words and one filler
    differently, so three rows differ. One row asks in markup."""
    import mlflow
    rows = [("What is 2+2?", "4"), ("Capital of France?", "Paris"), ("Colour of the sky?", "blue"), (HOSTILE, HOSTILE)]
    rows += [(f"filler question {i:02d}", f"filler answer {i:02d}") for i in range(EVAL_FILLERS)]
    first = {q: a for q, a in rows} | {"Colour of the sky?": "green"}
    second = {q: a for q, a in rows} | {"What is 2+2?": "four", "filler question 07": "wrong"}

    from eval_scorers import exact, judged, length

    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(server)
    try:
        experiment_id = mlflow.set_experiment(f"ui-eval-{uuid.uuid4().hex[:6]}").experiment_id
        data = [{"inputs": {"question": q}, "expectations": {"expected_response": a}} for q, a in rows]
        runs = []
        for name, answers in (("eval-first", first), ("eval-second", second)):
            with mlflow.start_run(run_name=name) as run:
                mlflow.genai.evaluate(data=data, predict_fn=answering(answers),
                                      scorers=[exact, length, judged])
            runs.append(run.info.run_id)
        mlflow.flush_trace_async_logging()
    finally:
        mlflow.set_tracking_uri(previous)
    return {"experiment_id": experiment_id, "first": runs[0], "second": runs[1], "rows": len(rows)}


def answering(answers):
    """A predict_fn of the one argument `question` (every argument is traced as the row's input)."""
    def predict(question):
        return answers[question]
    return predict


def evaluation_rows(browser):
    """Each shown row of the evaluation table: its cells' texts, and which of them are marked as differing."""
    return browser.driver.execute_script("""
      return [...document.querySelectorAll('#evaluation-rows tbody tr')].map((row) => ({
        cells: [...row.cells].map((cell) => cell.textContent),
        differs: [...row.cells].map((cell) => cell.classList.contains('differs')),
        row: row.classList.contains('row-differs') }));""")


def question(text):
    return '{"question": "%s"}' % text


@needs_browser
@pytest.mark.timeout(300)
def test_an_evaluation_runs_rows_from_its_run_page_and_beside_another_run(server, evaluated, browser):
    # The run page of an evaluation run links to its per-row results.
    browser.open(server + f"/#/runs/{evaluated['first']}", ready="#run-evaluation")
    by_css(browser, "#run-evaluation")[0].click()
    browser.wait_for("#evaluation-rows tbody tr")
    assert by_css(browser, "h1")[0].text == "eval-first"
    assert by_css(browser, "#evaluation-summary")[0].text == f"{evaluated['rows']} inputs."
    heads = [th.text for th in by_css(browser, "#evaluation-rows thead th")]
    assert heads == ["Input", "Expected", "eval-first", "expected_response", "Output", "exact", "judged", "length"]
    shown = {r["cells"][0]: r["cells"][1:] for r in evaluation_rows(browser)}
    assert len(shown) == 50 and "Page 1" in browser.text()   # 56 rows: 50 a page
    # Outputs are the trace's JSON text, as inputs are; scores and expectations their values.
    assert shown[question("Colour of the sky?")] == ["blue", '"green"', "false", "yes", "5"]
    assert shown[question("What is 2+2?")] == ["4", '"4"', "true", "no", "1"]
    browser.driver.execute_script("document.querySelector('#evaluation').scrollIntoView()")
    browser.settle(quiet=0.3)
    browser.screenshot("builtin-evaluation")
    assert browser.problems() == []

    # Both runs: one row per input, each run's output and scores, differences marked.
    browser.open(server + f"/#/compare?runs={evaluated['first']},{evaluated['second']}", ready="#evaluation-rows tbody tr")
    assert by_css(browser, "#evaluation-summary")[0].text == f"{evaluated['rows']} inputs; 3 differ between the runs."
    heads = [th.text for th in by_css(browser, "#evaluation-rows thead th")]
    assert heads == ["Input", "Expected", "eval-first", "eval-second", "expected_response",
                     "Output", "exact", "judged", "length", "Output", "exact", "judged", "length"]
    pages = [evaluation_rows(browser)]
    by_css(browser, "#evaluation .pager button:last-child")[0].click()
    wait_until(lambda: by_css(browser, "#evaluation-page")[0].text == "Page 2", what="the second page")
    pages.append(evaluation_rows(browser))
    assert [len(p) for p in pages] == [50, evaluated["rows"] - 50]
    rows = {r["cells"][0]: r for p in pages for r in p}
    assert len(rows) == evaluated["rows"]
    sky = rows[question("Colour of the sky?")]
    assert sky["cells"][1:] == ["blue", '"green"', "false", "yes", "5", '"blue" ≠', "true ≠", "yes", "4 ≠"]
    assert sky["differs"] == [False, False, False, False, False, False, True, True, False, True] and sky["row"]
    four = rows[question("What is 2+2?")]
    assert four["cells"][1:] == ["4", '"4"', "true", "no", "1", '"four" ≠', "false ≠", "yes ≠", "4 ≠"]
    france = rows[question("Capital of France?")]
    assert france["cells"][1:] == ["Paris", '"Paris"', "true", "yes", "5", '"Paris"', "true", "yes", "5"]
    assert not any(france["differs"]) and not france["row"]
    assert sum(r["row"] for r in rows.values()) == 3
    # The rationale of a Feedback is the score cell's tooltip; each output links to its trace.
    judged = by_css(browser, "#evaluation-rows td[data-scorer=judged]")[0]
    assert judged.get_attribute("title").endswith(" characters")
    assert by_css(browser, "#evaluation-rows td.eval-output a")[0].get_attribute("href").split("#/traces/tr-")[1]
    # Markup in an input or output is text.
    [hostile] = [r for key, r in rows.items() if "<img" in key]
    assert hostile["cells"][1] == HOSTILE and hostile["cells"][2] == json.dumps(HOSTILE)
    injected = browser.driver.execute_script(
        "return [document.querySelectorAll('#main img').length, window.__pwned === undefined]")
    assert injected == [0, True]
    # Only the rows that differ.
    by_css(browser, "input[name=only-differing]")[0].click()
    wait_until(lambda: len(evaluation_rows(browser)) == 3, what="the three differing rows")
    assert all(r["row"] for r in evaluation_rows(browser)) and not by_css(browser, "#evaluation .pager")
    browser.driver.execute_script("document.querySelector('#evaluation').scrollIntoView()")
    browser.settle(quiet=0.3)
    browser.screenshot("builtin-evaluation-compare")
    # Each run's traces were read by run id in pages, oldest first.
    searches = bodies(browser, "traces/search")
    assert any(f"attribute.run_id = '{evaluated['second']}'" in b and '"max_results":500' in b for b in searches), searches
    assert browser.problems() == []


# What the evaluation view's pure functions (web/js/evalrows.js) answer.
EVAL_FUNCTIONS = """
const done = arguments[arguments.length - 1];
const main = document.querySelector('script[type=module]').src;
import(main.replace(/main\\.js$/, 'evalrows.js')).then((m) => {
  const trace = (id, input, output, scores) => ({ trace_id: id, trace_metadata: { 'mlflow.traceInputs': input,
    'mlflow.traceOutputs': output }, assessments: Object.entries(scores).map(([name, value], i) => ({
      assessment_name: name, feedback: { value }, valid: true, last_update_time: `2026-01-01T00:00:0${i}Z` })) });
  // The same input twice in each run, one input only in the first, one only in the second.
  const one = [trace('a1', 'x', '1', { ok: true }), trace('a2', 'x', '2', { ok: false }), trace('a3', 'y', '3', {})];
  const two = [trace('b1', 'x', '1', { ok: true }), trace('b3', 'z', '3', {}), trace('b2', 'x', '9', { ok: false })];
  const rows = m.matchRows([one, two]);
  const shape = rows.map((r) => [r.input, r.cells.map((c) => c && c.trace_id)]);
  const overridden = { assessments: [
    { assessment_name: 'q', feedback: { value: 2 }, valid: true, last_update_time: '2026-01-01T00:00:02Z' },
    { assessment_name: 'q', feedback: { value: 1 }, valid: true, last_update_time: '2026-01-01T00:00:01Z' },
    { assessment_name: 'q', feedback: { value: 3 }, valid: false, last_update_time: '2026-01-01T00:00:03Z' },
    { assessment_name: 'e', feedback: { error: { error_code: 'TIMEOUT' } }, last_update_time: '2026-01-01T00:00:04Z' },
    { assessment_name: 'want', expectation: { value: { a: [1] } } }] };
  const found = m.assessmentsOf(overridden);
  done({ shape, differs: rows.map((r) => m.rowDiffers(r, ['ok'])),
    preview: m.inputText({ request_preview: 'p' }), values: [m.valueText('s'), m.valueText(1.5), m.valueText(null), m.valueText(undefined)],
    q: found.feedback.get('q').text, e: found.feedback.get('e').text, want: found.expectation.get('want').text });
}).catch((error) => done(String(error)));
"""


@needs_browser
@pytest.mark.timeout(120)
def test_the_row_matching_of_the_evaluation_view(server, browser):
    open_page(browser, server + "/#/experiments", ready="#experiments")
    got = browser.driver.execute_async_script(EVAL_FUNCTIONS)
    assert got["shape"] == [["x", ["a1", "b1"]], ["x", ["a2", "b2"]], ["y", ["a3", None]], ["z", [None, "b3"]]], got
    assert got["differs"] == [False, True, True, True]   # the second x's output differs; y and z lack a run
    assert got["preview"] == "p"
    assert got["values"] == ["s", "1.5", "null", ""]
    assert got["q"] == "2" and got["e"] == "error: TIMEOUT" and got["want"] == '{"a":[1]}'
    assert browser.problems() == []


@needs_browser
@pytest.mark.timeout(240)
def test_mobile_width(server, seeded, traced):
    small = Browser(width=390, height=844)
    # Headless Chromium keeps windows at least 500 px wide: emulate the phone's viewport instead.
    small.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                 {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        small.open(server + f"/#/experiments/{seeded['experiment_id']}", ready="#runs tbody tr")
        small.settle(quiet=0.3)
        small.screenshot("builtin-runs-mobile")
        width = small.driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, width   # the table scrolls inside its box, the page does not
        small.open(server + f"/#/runs/{seeded['small'][0]}", ready=".chart svg path.series")
        small.settle(quiet=0.3)
        small.screenshot("builtin-run-mobile")
        assert small.driver.execute_script("return document.documentElement.scrollWidth") <= 390
        small.open(server + f"/#/experiments/{traced['experiment_id']}/traces", ready="#traces tbody tr")
        assert small.driver.execute_script("return document.documentElement.scrollWidth") <= 390
        small.open(server + f"/#/traces/{traced['answered']}", ready="#span-inputs pre")
        small.settle(quiet=0.3)
        small.screenshot("builtin-trace-mobile")
        assert small.driver.execute_script("return document.documentElement.scrollWidth") <= 390
        assert small.problems() == []
    finally:
        small.close()


ADMIN = ("admin", "admin-password-1")


@pytest.fixture(scope="module")
def auth_server():
    tmp = tempfile.mkdtemp(prefix="compat-ui-builtin-auth-")
    _, env = auth_server_environment(tmp, ADMIN)
    base, proc, log = start_server(tmp, ["--app-name", "basic-auth"], env)
    yield base
    stop_process_group(proc, timeout=15)
    log.close()


def auth_client_as(base, credentials, monkeypatch):
    """MLflow's own auth client, sending `credentials`."""
    from mlflow.server import get_app_client
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", credentials[0])
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", credentials[1])
    return get_app_client("basic-auth", tracking_uri=base)


def sign_in(browser, credentials):
    field = lambda name: by_css(browser, f"form.signin input[name={name}]")[0]
    field("username").clear()
    field("username").send_keys(credentials[0])
    field("password").clear()
    field("password").send_keys(credentials[1] + "\n")


@needs_browser
@pytest.mark.timeout(240)
def test_sign_in_and_approve_a_transition_request_as_a_governance_user(auth_server, browser, monkeypatch):
    from mlflow import MlflowClient
    tag = uuid.uuid4().hex[:6]
    scientist, reviewer = (f"asker-{tag}", f"asker-{tag}-password"), (f"reviewer-{tag}", f"reviewer-{tag}-password")
    admin = auth_client_as(auth_server, ADMIN, monkeypatch)
    admin.create_user(*scientist)
    admin.create_user(*reviewer)
    governance = admin.create_role("default", "governance", "may promote to Production")
    admin.assign_role(reviewer[0], governance.id)
    model = f"churn-{tag}"
    as_scientist = auth_client_as(auth_server, scientist, monkeypatch)
    client = MlflowClient(tracking_uri=auth_server)
    client.create_registered_model(model, description="needs a reviewer")
    source = own_run_source(auth_server, auth=scientist)
    client.create_model_version(model, source["source"], run_id=source["run_id"])
    as_scientist.grant_user_permission(reviewer[0], "registered_model", model, "EDIT")
    asked = requests.post(auth_server + "/api/2.0/mlflow/transition-requests/create", auth=scientist, timeout=15,
                          json={"name": model, "version": "1", "stage": "Production", "comment": "AUC 0.91 on holdout"})
    assert asked.status_code == 200, asked.text
    # MLflow clients still get the Basic challenge; the UI's calls do not (no browser dialog over the page).
    plain = requests.get(auth_server + "/ajax-api/2.0/mlflow/users/current", timeout=15)
    assert plain.status_code == 401 and plain.headers["WWW-Authenticate"] == 'Basic realm="mlflow"'
    ui = requests.get(auth_server + "/ajax-api/2.0/mlflow/users/current", headers={"X-Swiftrack-UI": "1"}, timeout=15)
    assert ui.status_code == 401 and "WWW-Authenticate" not in ui.headers and ui.headers["X-Swiftrack-Sign-In"] == "password"

    # The page is public; its first call is refused and the sign-in form shows.
    browser.open(auth_server + f"/#/models/{model}", ready="form.signin")
    assert "Sign in with your identity provider" not in browser.text()   # no OIDC configured
    browser.screenshot("builtin-sign-in")
    sign_in(browser, (reviewer[0], "not-the-password"))
    browser.wait_for("form.signin + div .error")
    assert "The user name or password is not right." in browser.text()
    refused = browser.problems()
    assert refused and all("401" in p for p in refused), refused
    sign_in(browser, reviewer)
    browser.wait_for("#transition-requests")   # back on the page asked for
    assert f"Signed in as {reviewer[0]}" in browser.text()
    assert browser.driver.execute_script("return sessionStorage.getItem('swiftrack.username')") == reviewer[0]
    assert "AUC 0.91 on holdout" in browser.text() and "PENDING" in browser.text()
    row = by_css(browser, f"#transition-requests tr[data-request-id='{asked.json()['request']['id']}']")[0]
    row.find_element("css selector", "input[name=comment]").send_keys("reviewed the eval report")
    row.find_element("css selector", "button[data-action=approve]").click()
    browser.wait_for("text:approved.")
    wait_until(lambda: "Production" in by_css(browser, "#versions tbody tr")[0].text, what="version 1 in Production")
    browser.wait_for(f"text:{reviewer[0]}: reviewed the eval report")
    wait_until(lambda: "None → Production" in by_css(browser, "#history")[0].text, what="history entry")
    browser.screenshot("builtin-approved")
    assert browser.problems() == []
    assert client.get_model_version(model, "1").current_stage == "Production"
    # Production seals it (its run holds no files: an empty manifest): a badge in the list, the seal on its page.
    empty_manifest = hashlib.sha256(b"swiftrack-seal-manifest 1\n").hexdigest()
    assert client.get_model_version(model, "1").tags["swiftrack.seal.digest"] == empty_manifest
    wait_until(lambda: "sealed" in by_css(browser, "#versions tbody tr")[0].text, what="the sealed badge")
    browser.open(f"{auth_server}/#/models/{model}/versions/1", ready="#sealed-files")
    seal = by_css(browser, "#seal")[0].text
    assert empty_manifest in seal and reviewer[0] in seal and "0 (0 bytes)" in seal, seal
    assert browser.problems() == []
    # Sign out: the credentials are gone and the next call asks again.
    by_css(browser, "#sign-out")[0].click()
    browser.wait_for("form.signin")
    assert browser.driver.execute_script("return sessionStorage.getItem('swiftrack.credentials')") is None
    browser.open(auth_server + "/#/experiments", ready="form.signin")
    browser.problems()
