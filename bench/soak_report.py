"""docs/BENCHMARKS.md's soak section and docs/soak-chart.png from bench/soak.py's results."""
import datetime
import statistics

from report import ENGINE_TITLES, fmt_ms, fmt_rps, machine_line

START_MARK = "<!-- soak:start -->"
END_MARK = "<!-- soak:end -->"
BASELINE = (5, 15)        # minutes (inclusive) the end is compared with: past start-up and the first checkpoints
LAST = 10                 # the last minutes
RSS_TOLERANCE = 0.10
P99_TOLERANCE = 0.25
PER_MINUTE_UP_TO = 20     # longer runs get a row per 5 minutes


def _median(rows, key):
    return statistics.median(r[key] for r in rows)


def _change(before, after):
    return after / before - 1 if before else float("inf")


def verdict(minutes):
    """One line computed from the data: flat when the last LAST minutes' RSS (median of the
    per-minute maxima) is within RSS_TOLERANCE of minutes BASELINE's and their p99 (median of
    the per-minute p99s) within P99_TOLERANCE; otherwise what grew (or shrank), and by how much.
    Medians, so that one slow minute (a checkpoint, another process) does not decide alone."""
    need = BASELINE[1] + LAST
    if len(minutes) < need:
        return (f"too short to judge: {len(minutes)} minute(s); the verdict compares minutes "
                f"{BASELINE[0]}-{BASELINE[1]} with the last {LAST}, so it needs {need} or more.")
    base = [m for m in minutes if BASELINE[0] <= m["minute"] <= BASELINE[1]]
    last = minutes[-LAST:]
    rss0, rss1 = _median(base, "rss_max_mib"), _median(last, "rss_max_mib")
    p0, p1 = _median(base, "p99_ms"), _median(last, "p99_ms")
    drss, dp99 = _change(rss0, rss1), _change(p0, p1)
    span = f"minutes {BASELINE[0]}-{BASELINE[1]} → the last {LAST}"
    facts = (f"RSS {rss0:.1f} → {rss1:.1f} MiB ({drss:+.0%}), p99 {fmt_ms(p0)} → {fmt_ms(p1)} ms ({dp99:+.0%}), "
             f"{span} (medians)")
    moved = []
    if abs(drss) > RSS_TOLERANCE:
        moved.append(f"RSS {'grew' if drss > 0 else 'shrank'} {abs(drss):.0%} (more than {RSS_TOLERANCE:.0%})")
    if abs(dp99) > P99_TOLERANCE:
        moved.append(f"p99 {'grew' if dp99 > 0 else 'shrank'} {abs(dp99):.0%} (more than {P99_TOLERANCE:.0%})")
    errors = sum(m["errors"] for m in minutes)
    tail = f"; {errors} errors in the run" if errors else ""
    if not moved:
        return f"**flat**: {facts}{tail}."
    return f"**not flat**: {' and '.join(moved)}: {facts}{tail}."


def blocks(minutes):
    """The table's rows: each minute, or for a long run each 5 minutes aggregated."""
    size = 1 if len(minutes) <= PER_MINUTE_UP_TO else 5
    for i in range(0, len(minutes), size):
        rows = minutes[i:i + size]
        seconds = sum(r["duration_s"] for r in rows)
        out = {"first": rows[0]["minute"], "last": rows[-1]["minute"],
               "rps": sum(r["requests"] for r in rows) / seconds,
               "runs_per_s": sum(r.get("finished_per_s", 0) * r["duration_s"] for r in rows) / seconds,
               "p50_ms": _median(rows, "p50_ms"), "p99_ms": max(r["p99_ms"] for r in rows),
               "errors": sum(r["errors"] for r in rows), "rss_max_mib": max(r["rss_max_mib"] for r in rows),
               "rss_anon_mib": rows[-1]["rss_anon_mib"],
               "server_cores": statistics.mean(r["server_cores"] for r in rows), "db_mib": rows[-1]["db_mib"]}
        if "wal_mib" in rows[-1]:
            out["wal_mib"] = max(r["wal_mib"] for r in rows)
        if "db_cores" in rows[-1]:
            out["db_cores"] = statistics.mean(r["db_cores"] for r in rows)
        yield size, out


def table(minutes, engine):
    sqlite = engine == "sqlite"
    store = "SQLite file / largest WAL MiB" if sqlite else "database MiB"
    L = [f"| minute | req/s | runs/s | p50 / p99 ms | errors | RSS max MiB | anonymous at the end MiB | "
         f"server cores{'' if sqlite else ' / PostgreSQL'} | {store} |", "|---|---|---|---|---|---|---|---|---|"]
    for size, b in blocks(minutes):
        label = str(b["first"]) if size == 1 else f"{b['first']}-{b['last']}"
        cores = f"{b['server_cores']:.2f}" + (f" / {b['db_cores']:.2f}" if "db_cores" in b else "")
        sizes = f"{b['db_mib']:.1f}" + (f" / {b['wal_mib']:.1f}" if "wal_mib" in b else "")
        L.append(f"| {label} | {fmt_rps(b['rps'])} | {b['runs_per_s']:.1f} | {fmt_ms(b['p50_ms'])} / {fmt_ms(b['p99_ms'])} | "
                 f"{b['errors']}{' ⚠' if b['errors'] else ''} | {b['rss_max_mib']:.1f} | {b['rss_anon_mib']:.1f} | {cores} | "
                 f"{sizes} |")
    if len(minutes) > PER_MINUTE_UP_TO:
        L += ["", "Each row is 5 minutes: req/s and runs/s over the 5 windows, the median p50 and the worst "
              "minute's p99, the largest RSS, the last anonymous memory, the mean cores, the store's size at the "
              "end (the largest WAL)."]
    return L


def markdown(data):
    meta, minutes = data["meta"], data["minutes"]
    m, v = meta["machine"], meta["versions"]
    engine = ENGINE_TITLES.get(meta["engine"], meta["engine"])
    today = datetime.date.fromtimestamp(meta["started"]).isoformat()
    first, last = minutes[0], minutes[-1]
    peak = max(minutes, key=lambda r: r["rss_max_mib"])
    cut = f" (cut short: {len(minutes)} of {meta['minutes']} planned)" if len(minutes) < meta["minutes"] else ""
    L = [START_MARK, "", f"## Soak: the mixed workload for {len(minutes)} minutes on {engine} ({today})", "",
         f"`make bench-soak` (`bench/soak.py --engine {meta['engine']} --minutes {meta['minutes']}`{cut}; the run "
         f"took {meta['seconds'] / 60:.0f} min) at swiftrack commit `{v['swiftrack']}`.", "",
         machine_line(m),
         f"- versions: Swiftrack `{v['swiftrack']}` (release build), wrk {v.get('wrk', '?')}"
         + (f", PostgreSQL {v['postgresql']}" if v.get("postgresql") else ""), "",
         f"One server with its defaults on a fresh {'SQLite file' if meta['engine'] == 'sqlite' else 'database of a local PostgreSQL cluster (fsync off)'}, "
         f"driven by wrk's mixed scenario (create, params, 5 x 20 metrics, FINISHED) at {meta['clients']} connections "
         f"in consecutive {meta['window_s']:g} s windows, one per minute, so each minute has its own throughput and "
         "latencies (the runs in progress when a window ends stay RUNNING). RSS is the server's process group, "
         f"sampled every {meta['rss_every_s']} s, the largest of each minute; it counts the pages of files the server "
         "maps (on SQLite, the database read through `PRAGMA mmap_size`, up to 256 MiB, and its WAL index), so the anonymous part (heap "
         "and stacks, read at the end of each minute) is where a leak would show. Cores are the server's CPU "
         "seconds over the minute." + (f" {meta['note']}" if meta.get("note") else ""), "",
         f"- RSS: idle {data.get('idle_rss_mib', float('nan')):.1f} MiB before the load; first minute "
         f"{first['rss_max_mib']:.1f}, last {last['rss_max_mib']:.1f}, largest {peak['rss_max_mib']:.1f} MiB "
         f"(minute {peak['minute']}); anonymous memory {first['rss_anon_mib']:.1f} MiB after the first minute, "
         f"{last['rss_anon_mib']:.1f} after the last",
         f"- p99 drift: {fmt_ms(first['p99_ms'])} ms in the first minute, {fmt_ms(last['p99_ms'])} ms in the last "
         f"({_change(first['p99_ms'], last['p99_ms']):+.0%}); throughput {fmt_rps(first['rps'])} → "
         f"{fmt_rps(last['rps'])} req/s",
         f"- verdict (flat when the last {LAST} minutes' RSS is within {RSS_TOLERANCE:.0%} of minutes "
         f"{BASELINE[0]}-{BASELINE[1]} and their p99 within {P99_TOLERANCE:.0%}): {verdict(minutes)}", ""]
    L += table(minutes, meta["engine"])
    errs = [r for r in minutes if r["errors"]]
    if errs:
        L += ["", f"⚠ first error (minute {errs[0]['minute']}): `{errs[0]['first_error'][:200]}`"]
    L += ["", "![RSS and p99 per minute](soak-chart.png)", "",
          "Raw JSON: `bench/results/soak.json` (not committed).", "", END_MARK]
    return "\n".join(L) + "\n"


def chart(data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker  # noqa: F401 - matplotlib.ticker.MaxNLocator below
    minutes = data["minutes"]
    xs = [r["minute"] for r in minutes]
    fig, rss_ax = plt.subplots(figsize=(11, 4.2))
    rss = [r["rss_max_mib"] for r in minutes]
    p99 = [r["p99_ms"] for r in minutes]
    rss_ax.plot(xs, rss, color="#f05138", marker=".", label="RSS, largest of the minute")
    rss_ax.plot(xs, [r["rss_anon_mib"] for r in minutes], color="#f05138", linestyle="--", marker=".",
                label="anonymous memory at the minute's end")
    rss_ax.set_xlabel("minute")
    rss_ax.set_ylabel("MiB", color="#f05138")
    rss_ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    # From zero with headroom: a flat line must look flat, not fill the axis with noise.
    rss_ax.set_ylim(0, max(rss) * 1.2)
    p99_ax = rss_ax.twinx()
    p99_ax.plot(xs, p99, color="#0194e2", marker=".", label="p99 of the minute")
    p99_ax.set_ylabel("p99 ms", color="#0194e2")
    p99_ax.set_ylim(0, max(p99) * 1.2)
    lines = rss_ax.get_lines() + p99_ax.get_lines()
    rss_ax.legend(lines, [x.get_label() for x in lines], fontsize=8, loc="lower right")
    rss_ax.grid(alpha=0.3)
    meta = data["meta"]
    fig.suptitle(f"Swiftrack soak: mixed workload, {meta['clients']} connections, "
                 f"{ENGINE_TITLES.get(meta['engine'], meta['engine'])}, "
                 f"{datetime.date.fromtimestamp(meta['started']).isoformat()}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
