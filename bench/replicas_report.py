"""docs/BENCHMARKS.md's replicas section from bench/replicas.py's results."""
import datetime

from report import fmt_ms, fmt_rps, machine_line

START_MARK = "<!-- replicas:start -->"
END_MARK = "<!-- replicas:end -->"
LABELS = {
    "health": "GET /health (the proxy path's ceiling)",
    "create-run": "runs/create",
    "log-batch": "runs/log-batch (100 metrics, 3 params, 2 tags)",
    "mixed": "mixed (create, params, 5 x 20 metrics, FINISHED)",
    "search-runs": "runs/search",
}
BUSY = 0.9   # a share of the machine's cores above which it counts as saturated


def total_cores(x):
    return x["wrk_cores"] + x["nginx_cores"] + sum(x["replica_cores"]) + x["db_cores"]


def top_user(x):
    """The process (or the replicas together) that used the most CPU in a window, as a possessive."""
    users = {"wrk's": x["wrk_cores"], "nginx's": x["nginx_cores"], "the replicas'": sum(x["replica_cores"]),
             "PostgreSQL's": x["db_cores"]}
    name = max(users, key=users.get)
    return name, users[name]


def _by_key(levels):
    """{scenario key: [(replica count, row), ...]} in the order measured."""
    out = {}
    for level in levels:
        for x in level["runs"]:
            out.setdefault(x["key"], []).append((level["replicas"], x))
    return out


def _row(key, count, x, base):
    if x["requests"] == 0:
        return f"| {LABELS.get(key, key)} | {count} | 0 (no answer in the window) ⚠ | — | — | {x['errors']} |" + \
               " — |" * 6
    rps = fmt_rps(x["rps"]) + (f" ({x['finished_per_s']:.1f} runs/s)" if x.get("finished_per_s") is not None else "")
    scale = f"{x['rps'] / base:.2f}x" if base else "—"
    each = " + ".join(f"{c:.2f}" for c in x["replica_cores"])
    return (f"| {LABELS.get(key, key)} | {count} | {rps} | {scale} | {fmt_ms(x['p50_ms'])} / {fmt_ms(x['p99_ms'])} | "
            f"{x['errors']}{' ⚠' if x['errors'] else ''} | {x['wrk_cores']:.2f} | {x['nginx_cores']:.2f} | {each} | "
            f"{x['db_cores']:.2f} | {total_cores(x):.2f} | {x['machine_cores']:.2f} |")


def findings(by, nproc):
    """One line per scenario, computed: how throughput moved from the fewest to the most
    replicas, how busy the machine was then, and who used the most CPU."""
    L = []
    for key, rows in by.items():
        (n0, first), (n1, last) = rows[0], rows[-1]
        if not first["rps"] or len(rows) < 2:
            continue
        busy, used = last["machine_cores"], total_cores(last)
        who, cores = top_user(last)
        state = (f"the machine was busy on {busy:.2f} of its {nproc} cores ({'saturated' if busy >= BUSY * nproc else 'not saturated'}), "
                 f"{used:.2f} of them by the processes measured")
        L.append(f"- {LABELS.get(key, key)}: {n0} → {n1} replicas {last['rps'] / first['rps']:.2f}x req/s "
                 f"(p99 {fmt_ms(first['p99_ms'])} → {fmt_ms(last['p99_ms'])} ms); at {n1} {state}; the largest "
                 f"share was {who} ({cores:.2f} cores).")
    return L


def markdown(data):
    meta, levels = data["meta"], data["levels"]
    m, v = meta["machine"], meta["versions"]
    today = datetime.date.fromtimestamp(meta["started"]).isoformat()
    counts = ", ".join(str(n) for n in meta["counts"])
    by = _by_key(levels)
    L = [START_MARK, "", f"## Replicas behind nginx on one PostgreSQL database ({today})", "",
         f"`make bench-replicas` (`bench/replicas.py`: {counts} replicas in turn, {meta['duration']:g} s per scenario "
         f"after a {meta['warmup']:g} s warm-up, {meta['clients']} connections; the whole run took "
         f"{meta['seconds'] / 60:.0f} min) at swiftrack commit `{v['swiftrack']}`.", "",
         machine_line(m),
         f"- versions: Swiftrack `{v['swiftrack']}` (release build), nginx {v.get('nginx', '?')}, "
         f"PostgreSQL {v.get('postgresql', '?')}, wrk {v.get('wrk', '?')}", "",
         "Every replica is the release binary with its defaults (`--workers`, a pool of 20 connections) on the same "
         f"fresh database of one local PostgreSQL cluster (`scripts/db/postgres`: fsync and synchronous_commit off, "
         f"loopback, TLS off). One nginx (`bench/nginx.py`: `{meta['balance']}`, plain HTTP, kept-alive upstream "
         "connections, no access log) is the only address wrk talks to. Each replica count starts its replicas and "
         "nginx afresh; the database keeps what earlier counts wrote (runs/create and mixed add rows, the search reads "
         f"only the {meta['search_runs']:,} pre-filled runs). Cores are CPU seconds ÷ the wall time around each wrk run, of each process group "
         "(wrk, nginx, each replica, the PostgreSQL postmaster and its backends); \"machine busy\" is every core's "
         "non-idle time from /proc/stat over the same wall time, so what it holds beyond \"all measured\" was "
         "used by other processes (or the kernel on their behalf)."
         + (f" {meta['note']}" if meta.get("note") else ""), "",
         f"**This machine has {m['nproc']} cores, shared by every replica, nginx, PostgreSQL and wrk. More replicas "
         "cannot add CPU here: once the processes together use the cores, a second or third replica only splits the "
         "same CPU more ways (with more threads to schedule and more PostgreSQL connections). What the table can show is which process "
         "takes the cores; how throughput grows with replicas on machines of their own needs that topology.**", "",
         "| scenario | replicas | req/s | ÷ 1 replica | p50 / p99 ms | errors | wrk | nginx | each replica | "
         "PostgreSQL | all measured | machine busy (cores) |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key, rows in by.items():
        base = next((x["rps"] for n, x in rows if n == 1), None)
        L += [_row(key, n, x, base) for n, x in rows]
    lines = findings(by, m["nproc"])
    if lines:
        L += ["", "Computed from the rows above:", ""] + lines
    errs = [(n, key, x) for key, rows in by.items() for n, x in rows if x["errors"]]
    if errs:
        L += ["", "⚠ errors (answers that were not 2xx, and wrk's socket errors and timeouts of "
              f"{meta['wrk_timeout_s']} s):", ""]
        L += [f"- {LABELS.get(key, key)} at {n} replicas: {x['errors']} in {x['requests']} answers; first: "
              f"`{x['first_error'][:200]}`" for n, key, x in errs]
    L += ["", "| replicas | idle RSS per replica | peak RSS per replica |", "|---|---|---|"]
    for level in levels:
        L.append(f"| {level['replicas']} | " + ", ".join(f"{x:.1f}" for x in level.get("idle_rss_mib", [])) +
                 " MiB | " + ", ".join(f"{x:.1f}" for x in level.get("peak_rss_mib", [])) + " MiB |")
    if data.get("failures"):
        L += ["", "Not measured:", ""] + [f"- {n} replica(s): `{why[:300]}`" for n, why in data["failures"].items()]
    L += ["", "Raw JSON: `bench/results/replicas.json` (not committed).", "", END_MARK]
    return "\n".join(L) + "\n"
