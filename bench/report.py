"""docs/BENCHMARKS.md's side-by-side section and docs/bench-chart.png from run.py's results."""
import datetime
import os

START_MARK = "<!-- side-by-side:start -->"
END_MARK = "<!-- side-by-side:end -->"
PEER = "fasttrackml"
ENGINE_TITLES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
LABELS = {
    "search-fresh": "runs/search right after the pre-fill",
    "health": "GET /health (client ceiling)",
    "create-run": "runs/create",
    "log-metric": "runs/log-metric (one run)",
    "log-batch": "runs/log-batch (100 metrics, 3 params, 2 tags)",
    "get-history": "metrics/get-history (the whole pre-filled history)",
    "mixed": "mixed (create, params, 5 x 20 metrics, FINISHED)",
    "search-end": "runs/search at the end",
}


def fmt_rps(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def fmt_ms(x):
    return f"{x:,.0f}" if x >= 100 else (f"{x:.1f}" if x >= 10 else f"{x:.2f}")


def _rows(server):
    return {(x["key"], x["clients"]): x for x in server["runs"]}


def _keys(results):
    keys = []
    for s in results:
        for x in s["runs"]:
            if (x["key"], x["clients"]) not in keys:
                keys.append((x["key"], x["clients"]))
    return keys


def _cell(x):
    if x is None:
        return "—", "—"
    if x["requests"] == 0:
        # wrk drops the requests in flight when its window ends: none was answered within it.
        return "0 (no answer in the window) ⚠", "—"
    rps = fmt_rps(x["rps"])
    if x.get("finished_per_s") is not None:
        rps += f" ({x['finished_per_s']:.1f} runs/s)"
    if x["errors"]:
        rps += " ⚠"
    return rps, f"{fmt_ms(x['p50_ms'])} / {fmt_ms(x['p99_ms'])}"


def engine_section(engine, block, meta):
    results, failures = block["servers"], block["failures"]
    names = [s["server"] for s in results]
    by = {s["server"]: _rows(s) for s in results}
    keys = _keys(results)
    title = ENGINE_TITLES.get(engine, engine)
    L = [f"### {title}", ""]
    if engine == "postgres":
        L += [f"Each server on its own fresh database of one local PostgreSQL {meta['versions'].get('postgresql', '?')} "
              "cluster (`scripts/db/postgres`: loopback, fsync and synchronous_commit off, TLS off for the three "
              "servers' connections), each with its default connection pool.", ""]
    else:
        L += ["Each server on a fresh SQLite file in its own directory.", ""]
    head = "| scenario | clients | " + " | ".join(f"{n} req/s | {n} p50 / p99 ms" for n in names)
    ratio = "swiftrack" in names and PEER in names
    L += [head + (" | swiftrack ÷ fasttrackml |" if ratio else " |"),
          "|---|---|" + "---|---|" * len(names) + ("---|" if ratio else "")]
    for k in keys:
        cells = []
        for n in names:
            cells += _cell(by[n].get(k))
        row = f"| {LABELS.get(k[0], k[0])} | {k[1]} | " + " | ".join(cells) + " |"
        if ratio:
            a, b = by["swiftrack"].get(k), by[PEER].get(k)
            row += f" {a['rps'] / b['rps']:.1f}x |" if a and b and b["rps"] > 0 else " — |"
        L.append(row)
    L += ["", "| server | version | cold start to first answer | idle RSS | peak RSS (process tree) | "
          f"pre-fill {meta['search_runs']:,} runs | pre-fill {meta['history_steps']:,} steps |",
          "|---|---|---|---|---|---|---|"]
    for s in results:
        p = s.get("prefill", {})
        L.append(f"| {s['server']} | {s['version']} | {s['cold_start_ms']:.0f} ms | {s['idle_rss_mib']:.1f} MiB | "
                 f"{s['peak_rss_mib']:.1f} MiB | {p.get('fill_search_s', float('nan')):.1f} s | "
                 f"{p.get('fill_history_s', float('nan')):.1f} s |")
    db = " / PostgreSQL" if engine == "postgres" else ""
    L += ["", f"Who used the two cores (CPU seconds ÷ window: wrk / server{db}), and wrk's own CPU per request:", "",
          "| scenario | clients | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for k in keys:
        cells = []
        for n in names:
            x = by[n].get(k)
            if x is None:
                cells.append("—")
                continue
            cores = f"{x['wrk_cores']:.2f} / {x['server_cores']:.2f}"
            if engine == "postgres":
                cores += f" / {x.get('db_cores', 0):.2f}"
            cells.append(f"{cores} cores, {x['wrk_cpu_us_per_req']:.0f} µs/req")
        L.append(f"| {LABELS.get(k[0], k[0])} | {k[1]} | " + " | ".join(cells) + " |")
    L += ["", loader_sentence(results, by, keys)]
    errs = [(n, k, by[n][k]) for n in names for k in keys
            if by[n].get(k) and (by[n][k]["errors"] or not by[n][k]["requests"])]
    if errs:
        L += ["", "⚠ errors (answers that were not 2xx, and wrk's socket errors and timeouts of "
              f"{meta['wrk_timeout_s']} s, which wrk counts once per connection per 2 s check):", ""]
        for n, k, x in errs:
            if not x["requests"]:
                L.append(f"- {n}, {LABELS.get(k[0], k[0])} at {k[1]} clients: no answer within the "
                         f"{meta['duration']:g} s window")
                continue
            L.append(f"- {n}, {LABELS.get(k[0], k[0])} at {k[1]} clients: {x['errors']} errors in {x['requests']} "
                     f"answers ({x['non2xx']} not 2xx, {x['timeouts']} timeouts); first: `{x['first_error'][:200]}`")
    if failures:
        L += ["", "Not measured:", ""] + [f"- {n}: `{why[:300]}`" for n, why in failures.items()]
    return L


def loader_sentence(results, by, keys):
    """The evidence that wrk was not the bottleneck, from the same run."""
    parts = []
    for s in results:
        n = s["server"]
        health = max((x["rps"] for (k, _), x in by[n].items() if k == "health"), default=None)
        api = [x for (k, _), x in by[n].items() if k != "health"]
        if health is None or not api:
            continue
        parts.append(f"{n} {fmt_rps(health)} req/s against /health, its API scenarios at most "
                     f"{fmt_rps(max(x['rps'] for x in api))} req/s with wrk on at most "
                     f"{max(x['wrk_cores'] for x in api):.2f} of a core")
    if not parts:
        return ""
    return ("**The loader.** wrk is not what limits these numbers: " + "; ".join(parts) +
            ". Where a server's API scenario runs far below its own /health ceiling while wrk uses a fraction "
            "of a core, the server (or its database) sets the pace.")


def machine_line(m):
    """The machine of a run (run.machine()), as a list item."""
    return (f"- machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gib']:.0f} GiB RAM, Linux {m['kernel']}, "
            f"load average {m['loadavg']} at the start")


def markdown(data):
    meta = data["meta"]
    m, v = meta["machine"], meta["versions"]
    mode = (f"quick mode: 1 run of {meta['duration']:g} s per scenario, no warm-up: smoke numbers, not results"
            if meta["quick"] else
            f"{meta['repeats']} runs of {meta['duration']:g} s per scenario (medians), each after a "
            f"{meta['warmup']:g} s warm-up")
    today = datetime.date.fromtimestamp(meta["started"]).isoformat()
    L = [START_MARK, "", f"## Side by side ({today})", "",
         f"`make bench` (`bench/run.py --engines {','.join(meta['engines'])}`, {mode}; the whole suite took "
         f"{meta['seconds'] / 60:.0f} min) at swiftrack commit `{v['swiftrack']}`.", "",
         machine_line(m),
         f"- versions: Swiftrack `{v['swiftrack']}` (release build), MLflow {v.get('mlflow', '?')}, "
         f"FastTrackML {v.get('fasttrackml', '?')}, wrk {v.get('wrk', '?')}"
         + (f", PostgreSQL {v['postgresql']}" if v.get("postgresql") else ""), "",
         "Each server runs alone, in its default configuration, on loopback, pre-filled over HTTP with the same "
         f"data ({meta['search_runs']:,} runs with 2 metrics, 3 params and a tag for the search; one run with a "
         f"{meta['history_steps']:,}-step metric for the history). The load comes from wrk (`-t 2` or one thread per "
         f"connection, `--latency --timeout {meta['wrk_timeout_s']}s`, the Lua scripts in `bench/wrk/`, keep-alive connections, closed "
         "loop: a connection sends its next request when the previous answer arrived). Latencies are wrk's "
         "percentiles in ms; an answer that is not 2xx counts as an error. The search is measured twice: first "
         "right after the pre-fill (no warm-up: planner statistics may be stale), and again after every other "
         "scenario. **The 2 cores are shared by the server, its database, wrk and possibly other processes: "
         "read ratios taken in one run, not absolute numbers.**" + (f" {meta['note']}" if meta.get("note") else ""),
         ""]
    for engine in meta["engines"]:
        if engine in data["engines"]:
            L += engine_section(engine, data["engines"][engine], meta) + [""]
    L += ["Notes: MLflow runs `mlflow server` (uvicorn with its default workers; RSS and CPU are the sum of its "
          "process tree; its cold start includes the Python imports and creating the schema). FastTrackML is the "
          "`fml` binary of the `fasttrackml` PyPI wheel (installed `--no-deps`: the wheel pins `mlflow<3` for its "
          "Python helpers). runs/search: `metrics.acc > 0.5 and params.model = 'rf'`, `order_by metrics.acc DESC`, "
          "100 per page. log-metric writes one run; log-batch and mixed keep a run per connection and so run "
          "with one connection per wrk thread (`-t N -c N`: wrk's Lua state is the thread's, and its callbacks "
          "do not name the connection); the other scenarios use `-t 2`. Mixed: each connection sends a run's "
          "next request once the previous one is answered; runs/s counts the runs finished within the window, "
          "which starts with none in progress, so where one run (8 round trips) takes a good part of the "
          "window it trails req/s ÷ 8: the ratio column uses req/s. The server is left to go idle between "
          "windows (it may still be working through requests queued before wrk closed its connections). "
          "`bench/loadgen` (a thread per client) no longer drives this suite: issue 22 found it reporting "
          "FastTrackML at 763 runs/create per second where wrk drove the same build to 4,300-4,700. "
          "Raw JSON: `bench/results/` (not committed).", "",
          "![requests per second, side by side](bench-chart.png)", "", END_MARK]
    return "\n".join(L) + "\n"


def write_section(path, section, start=START_MARK, end=END_MARK):
    """Replaces what lies between `start` and `end` in `path` (both kept), or appends `section`
    (which carries its own markers) when the file has none."""
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    if start in text and end in text:
        before = text.split(start)[0]
        after = text.split(end, 1)[1]
        text = before + section.rstrip("\n") + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as f:
        f.write(text)


def chart(data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    engines = [e for e in data["meta"]["engines"] if e in data["engines"] and data["engines"][e]["servers"]]
    fig, axes = plt.subplots(len(engines), 1, figsize=(11, 4.2 * len(engines)), squeeze=False)
    colors = {"swiftrack": "#f05138", "mlflow": "#0194e2", "fasttrackml": "#2e9e5b"}
    for ax, engine in zip(axes[:, 0], engines):
        results = data["engines"][engine]["servers"]
        keys = [k for k in _keys(results) if k[0] != "health"]
        names = [s["server"] for s in results]
        width = 0.8 / max(1, len(names))
        for i, s in enumerate(results):
            rows = _rows(s)
            ys = [rows[k]["rps"] if k in rows else 0 for k in keys]
            ax.bar([j + i * width for j in range(len(keys))], ys, width, label=s["server"],
                   color=colors.get(s["server"]))
        ax.set_xticks([j + width * (len(names) - 1) / 2 for j in range(len(keys))])
        ax.set_xticklabels([f"{k}\n{c} clients" for k, c in keys], fontsize=7)
        ax.set_yscale("log")
        ax.set_ylabel("requests/s (log)")
        ax.set_title(f"{ENGINE_TITLES.get(engine, engine)}: higher is better")
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(f"Swiftrack vs MLflow vs FastTrackML, wrk, "
                 f"{datetime.date.fromtimestamp(data['meta']['started']).isoformat()}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
