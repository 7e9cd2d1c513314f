"""How long the built-in UI takes to open a trace of 10,000 spans, in headless Chromium, against a
running Swiftrack server. A measurement, not a test.

    .venv/bin/python bench/ui_trace_open.py --url http://127.0.0.1:5000 [--runs 20] [--trace-id tr-...]

Without --trace-id it first posts a 10,000-span trace as OTLP/JSON (`POST /v1/traces`) into a new
experiment: compat/helpers.py's ten_thousand_span_trace, a root, 98 batches of 100 steps and a chain
100 levels deep. Each run is a full page load of `#/traces/<id>` (a different query string each time, so
the browser navigates; the versioned scripts stay in its cache, as for a returning user, after one
load that is not counted). Ready is the page's own `swiftrack:trace-ready` Performance API mark,
set once the span tree, the timeline and the root span's detail have been painted; its startTime
counts from the navigation's start. Also printed: the `traces/get` fetch as the Resource Timing API
saw it (request sent to the last byte, and to the first byte: the server's part). Needs the compat
environment's selenium and Debian's chromium and chromium-driver (scripts/bootstrap).
"""
import argparse
import os
import statistics
import sys
import time
import uuid

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compat"))
from browser import Browser  # noqa: E402  (compat/browser.py: the UI tests' Chromium)
from helpers import ten_thousand_span_trace  # noqa: E402  (the trace test_ui_builtin.py opens)

SECOND = 1_000_000_000


def post_trace(url):
    experiment = requests.post(f"{url}/api/2.0/mlflow/experiments/create", timeout=30,
                               json={"name": f"bench-ui-trace-{uuid.uuid4().hex[:8]}"}).json()["experiment_id"]
    trace_hex = uuid.uuid4().hex
    body = ten_thousand_span_trace(trace_hex, time.time_ns() - 60 * SECOND)
    reply = requests.post(f"{url}/v1/traces", json=body, headers={"x-mlflow-experiment-id": experiment}, timeout=120)
    reply.raise_for_status()
    return "tr-" + trace_hex


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


READ = """
const ready = performance.getEntriesByName('swiftrack:trace-ready')[0];
if (!ready) return null;
const fetch = performance.getEntriesByType('resource').find((e) => e.name.includes('/traces/get'));
return [ready.startTime, fetch ? fetch.responseEnd - fetch.requestStart : null,
        fetch ? fetch.responseStart - fetch.requestStart : null, fetch ? fetch.transferSize : null,
        document.querySelectorAll('#span-tree [role=treeitem]').length];
"""


def open_once(browser, url, trace_id, n, timeout=60):
    browser.driver.get(f"{url}/?open={n}#/traces/{trace_id}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = browser.driver.execute_script(READ)
        if found:
            return found
        time.sleep(0.02)
    raise SystemExit(f"the page did not mark itself ready within {timeout} s: {browser.text()[:500]!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:5000", help="a running Swiftrack server (built-in UI)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--trace-id", help="an existing trace to open instead of posting a new one")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    trace_id = args.trace_id or post_trace(url)
    started = time.monotonic()
    answer = requests.get(f"{url}/ajax-api/3.0/mlflow/traces/get", params={"trace_id": trace_id}, timeout=120)
    answer.raise_for_status()
    print(f"trace {trace_id}: {len(answer.json()['trace'].get('spans', []))} spans, traces/get "
          f"{len(answer.content) / 1e6:.1f} MB in {time.monotonic() - started:.3f} s (requests, outside the browser)")
    browser = Browser()
    try:
        open_once(browser, url, trace_id, "warm-up")
        samples = [open_once(browser, url, trace_id, n) for n in range(args.runs)]
    finally:
        browser.close()
    ready = [s[0] for s in samples]
    fetched = [s[1] for s in samples if s[1] is not None]
    first_byte = [s[2] for s in samples if s[2] is not None]
    print(f"{args.runs} loads, rows in the document: {samples[-1][4]}")
    print(f"ready (navigation start to the mark): median {statistics.median(ready):.0f} ms, "
          f"p95 {percentile(ready, 0.95):.0f} ms, min {min(ready):.0f} ms, max {max(ready):.0f} ms")
    if fetched:
        print(f"traces/get in the page: median {statistics.median(fetched):.0f} ms to the last byte, "
              f"{statistics.median(first_byte):.0f} ms to the first (the server's part)")


if __name__ == "__main__":
    main()
