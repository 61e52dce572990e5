#!/usr/bin/env python3
"""Turns bench/run.sh results (results.csv) into report.md and plots/*.png: medians over the runs, each figure as a
ratio against the baseline measured in the same run, and the targets of the benchmark issue.

Usage: bench/report.py [OUT_DIR, default target/bench]
"""
import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

out = Path(sys.argv[1] if len(sys.argv) > 1 else "target/bench")
values = defaultdict(list)  # (scenario, variant, metric) -> [value per run]
with open(out / "results.csv") as f:
    for row in csv.DictReader(f):
        try:
            values[(row["scenario"], row["variant"], row["metric"])].append(float(row["value"]))
        except ValueError:
            pass


def runs(scenario, variant, metric):
    return values.get((scenario, variant, metric), [])


def med(scenario, variant, metric):
    v = runs(scenario, variant, metric)
    return statistics.median(v) if v else None


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(v, digits=0):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


lines = ["# Benchmark results", ""]
machine = out / "machine.txt"
if machine.exists():
    lines += ["```", machine.read_text().strip(), "```", ""]
targets = []


def target(name, value, wanted, ok):
    targets.append(f"| {name} | {value} | {wanted} | {'met' if ok else 'NOT met'} |")


def table(title, header, rows):
    lines.extend([f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)])
    lines.extend("| " + " | ".join(r) + " |" for r in rows)
    lines.append("")


def spread(scenario, variant, metric, digits=0):
    v = runs(scenario, variant, metric)
    if not v:
        return "–"
    return f"{fmt(statistics.median(v), digits)} ({fmt(min(v), digits)}–{fmt(max(v), digits)})"


# Users
hits, bypassed, ceiling = (med("users-get", v, "rps") for v in ("hits", "bypassed", "ceiling"))
if hits:
    table(
        "Users: GET /users/{id}, uniform random ids, all cached",
        ["variant", "req/s median (min–max)", "p50 ms", "p99 ms", "ratio"],
        [
            ["cache hits", spread("users-get", "hits", "rps"), fmt(med("users-get", "hits", "p50_ms"), 2),
             fmt(med("users-get", "hits", "p99_ms"), 2), "1"],
            ["cache bypassed (Postgres)", spread("users-get", "bypassed", "rps"),
             fmt(med("users-get", "bypassed", "p50_ms"), 2), fmt(med("users-get", "bypassed", "p99_ms"), 2),
             f"hits = {fmt(ratio(hits, bypassed), 2)}×"],
            ["/q/health/live (no I/O ceiling)", spread("users-get", "ceiling", "rps"),
             fmt(med("users-get", "ceiling", "p50_ms"), 2), fmt(med("users-get", "ceiling", "p99_ms"), 2),
             f"hits = {fmt(ratio(hits, ceiling), 2)}×"],
        ],
    )
    lines.append(
        f"Database reads per request during the hit runs: {fmt(med('users-get', 'hits', 'db_reads_per_request'), 5)}. "
        f"Largest resident set of the JVM under this load: {fmt(med('users-get', 'hits', 'rss_max_mb'))} MB.\n")
    target("cache hits / bypassed", f"{fmt(ratio(hits, bypassed), 2)}×", "≥ 1.5×", (ratio(hits, bypassed) or 0) >= 1.5)
    target("cache hits / no-I/O ceiling", f"{fmt(ratio(hits, ceiling), 2)}×", "≥ 0.45×",
           (ratio(hits, ceiling) or 0) >= 0.45)
    rss = max(runs("users-get", "hits", "rss_max_mb") or [0])
    target("JVM RSS under load (max)", f"{fmt(rss)} MB", "≤ 300 MB", 0 < rss <= 300)

zipf = med("users-zipf", "cached", "hit_ratio")
if zipf is not None:
    table(
        "Users: Zipf-skewed ids (s = 0.99) with 5% writes",
        ["variant", "req/s median (min–max)", "hit ratio", "database reads / request", "p99 ms"],
        [
            ["cache-aside", spread("users-zipf", "cached", "rps"), fmt(zipf * 100, 1) + " %",
             fmt(med("users-zipf", "cached", "db_reads_per_request"), 4), fmt(med("users-zipf", "cached", "p99_ms"), 2)],
            ["cache bypassed", spread("users-zipf", "bypassed", "rps"), "–", "1 (+ writes)",
             fmt(med("users-zipf", "bypassed", "p99_ms"), 2)],
        ],
    )
    lines.append(f"Hit ratio during the 20 s warm-up that starts from an empty cache: "
                 f"{fmt((med('users-zipf', 'warmup', 'hit_ratio') or 0) * 100, 1)} %; the table gives the runs after it.\n")
    zipf_measured = zipf
    target("Zipf mix hit ratio", f"{fmt(zipf_measured * 100, 1)} %", "≥ 90 %", zipf_measured >= 0.9)

stampede = runs("users-stampede", "cached", "db_reads_per_key")
if stampede:
    table(
        "Users: stampede on a cold hot key (two instances, 128 connections each, 3 s)",
        ["run", "requests (both instances)", "database reads for the key", "reads served by Postgres after a Redis error"],
        [[str(i + 1), fmt(r), fmt(d), fmt(f)] for i, (r, d, f) in
         enumerate(zip(runs("users-stampede", "cached", "requests_both"), stampede,
                       runs("users-stampede", "cached", "fallbacks")))],
    )
    target("stampede: database reads per key", fmt(max(stampede)), "1", max(stampede) == 1)

lat_rows = []
for share in (50, 80):
    v = f"rate-{share}"
    if runs("users-latency", v, "p99_ms"):
        lat_rows.append([f"{share} % of max ({fmt(med('users-latency', v, 'rate'))} req/s)",
                         fmt(med("users-latency", v, "p50_ms"), 3), fmt(med("users-latency", v, "p99_ms"), 3),
                         fmt(med("users-latency", v, "p999_ms"), 3), fmt(med("users-latency", v, "max_ms"), 1),
                         fmt(sum(runs("users-latency", v, "errors"))),
                         fmt(max(runs("users-latency", v, "max_issue_lag_ms") or [0]), 2)])
if lat_rows:
    table("Users: cache-hit latency at fixed request rates (open loop)",
          ["rate", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "generator lag max ms"], lat_rows)
    if runs("users-latency", "ceiling-50", "p99_ms"):
        lines.append(f"The same generator at the 50 % rate against `/q/health/live` (no I/O): p50 "
                     f"{fmt(med('users-latency', 'ceiling-50', 'p50_ms'), 3)} ms, p99 "
                     f"{fmt(med('users-latency', 'ceiling-50', 'p99_ms'), 3)} ms, p99.9 "
                     f"{fmt(med('users-latency', 'ceiling-50', 'p999_ms'), 3)} ms.\n")
    lines.append(f"The rates are shares of {fmt(med('users-latency', 'closed-loop', 'max_used'))} req/s, the median "
                 "maximum of the same generator run closed-loop (32 connections; LATENCY_MAX when given).\n")
    p99 = med("users-latency", "rate-50", "p99_ms")
    target("hit p99 at 50 % of max", f"{fmt(p99, 2)} ms", "≤ 2 ms", p99 is not None and p99 <= 2)
    target("hit p99 at 50 % of max, near tier on", f"{fmt(p99, 2)} ms", "≤ 1 ms", p99 is not None and p99 <= 1)
    ceiling99 = med("users-latency", "ceiling-50", "p99_ms")
    target("hit p99 at 50 % of max / /q/health/live p99 at that rate", f"{fmt(ratio(p99, ceiling99), 2)}×", "≤ 2×",
           (ratio(p99, ceiling99) or 99) <= 2)
    fgcs = runs("users-latency", "rate-50", "full_gcs") + runs("users-latency", "rate-80", "full_gcs")
    if fgcs:
        lines.append(f"Full collections of the service during the open-loop runs: {fmt(sum(fgcs))} "
                     f"({', '.join(fmt(v) for v in fgcs)} per run).\n")
        target("full collections during the hit runs", fmt(sum(fgcs)), "0", sum(fgcs) == 0)

wt, un = med("inventory-put", "write-through", "rps"), med("inventory-put", "uncached", "rps")
if wt:
    table(
        "Inventory: PUT /inventory/{sku} over 10k SKUs",
        ["variant", "req/s median (min–max)", "p50 ms", "p99 ms", "ratio"],
        [
            ["write-through (Postgres, then versioned Redis entry)", spread("inventory-put", "write-through", "rps"),
             fmt(med("inventory-put", "write-through", "p50_ms"), 2),
             fmt(med("inventory-put", "write-through", "p99_ms"), 2), f"{fmt(ratio(wt, un), 2)}× uncached"],
            ["cache disabled (Postgres only)", spread("inventory-put", "uncached", "rps"),
             fmt(med("inventory-put", "uncached", "p50_ms"), 2), fmt(med("inventory-put", "uncached", "p99_ms"), 2),
             "1"],
        ],
    )
if runs("inventory-reserve", "write-through", "rps"):
    table(
        "Inventory: reservations of one unit on 10 hot SKUs (2,000 units each), 64 connections",
        ["variant", "req/s median (min–max)", "p99 ms", "200 answers", "units gone (of 20,000)", "oversold"],
        [[v, spread("inventory-reserve", v, "rps"), fmt(med("inventory-reserve", v, "p99_ms"), 2),
          fmt(med("inventory-reserve", v, "reserved")), fmt(med("inventory-reserve", v, "units_gone")),
          fmt(max(runs("inventory-reserve", v, "oversold") or [0]))]
         for v in ("write-through", "uncached")],
    )

def posts_table(scenario, title):
    wb, sync = med(scenario, "write-behind", "rps"), med(scenario, "synchronous", "rps")
    if not wb:
        return None
    table(
        title,
        ["variant", "req/s median (min–max)", "p50 ms", "p99 ms", "views lost", "ratio"],
        [
            ["write-behind (202 after the Redis script)", spread(scenario, "write-behind", "rps"),
             fmt(med(scenario, "write-behind", "p50_ms"), 2), fmt(med(scenario, "write-behind", "p99_ms"), 2),
             fmt(sum(runs(scenario, "write-behind", "lost"))), f"{fmt(ratio(wb, sync), 2)}× synchronous"],
            ["synchronous UPDATE", spread(scenario, "synchronous", "rps"),
             fmt(med(scenario, "synchronous", "p50_ms"), 2), fmt(med(scenario, "synchronous", "p99_ms"), 2),
             fmt(sum(runs(scenario, "synchronous", "lost"))), "1"],
        ],
    )
    lines.append(
        "Views lost = acknowledged views (2xx counted by the server) missing from Postgres after the backlog drained, "
        f"summed over the runs; acknowledged per run {spread(scenario, 'write-behind', 'acknowledged')}, "
        f"applied {spread(scenario, 'write-behind', 'applied')} (a few more than acknowledged: requests whose "
        "answer wrk cut off when it stopped).\n")
    lines.append(
        f"Flush lag: the oldest pending view was at most {spread(scenario, 'write-behind', 'max_lag_s', 2)} s old "
        f"during the load (write_behind_lag_seconds, sampled every 0.5 s); the backlog drained "
        f"{spread(scenario, 'write-behind', 'drain_after_load_s', 2)} s after the load stopped.\n")
    return wb, sync


hot = posts_table("posts-views-hot", "Posts: POST /posts/{slug}/views, all on one viral post")
skewed = posts_table("posts-views", "Posts: the same, Zipf-skewed over 10k posts (s = 0.99)")
uniform = posts_table("posts-views-uniform", "Posts: the same, uniform over 10k posts (no hot post)")
wb, sync = skewed or (None, None)
if hot:
    target("write-behind acks / synchronous (one viral post)", f"{fmt(ratio(*hot), 2)}×", "≥ 3×",
           (ratio(*hot) or 0) >= 3)
if skewed:
    target("write-behind acks / synchronous (skewed views)", f"{fmt(ratio(wb, sync), 2)}×", "≥ 3×",
           (ratio(wb, sync) or 0) >= 3)
if uniform:
    target("write-behind acks / synchronous (uniform views)", f"{fmt(ratio(*uniform), 2)}×", "(worst case)",
           (ratio(*uniform) or 0) >= 3)

top_r, top_p = med("leaderboard-top10", "redis", "rps"), med("leaderboard-top10", "postgres", "rps")
rank_r, rank_p = med("leaderboard-rank", "redis", "rps"), med("leaderboard-rank", "postgres", "rps")
if top_r:
    table(
        "Leaderboards: one board of 1M score events, 10k players",
        ["read", "Redis sorted set req/s", "Postgres aggregate req/s", "ratio", "Redis p99 ms", "Postgres p99 ms"],
        [
            ["top 10", spread("leaderboard-top10", "redis", "rps"), spread("leaderboard-top10", "postgres", "rps", 1),
             f"{fmt(ratio(top_r, top_p))}×", fmt(med("leaderboard-top10", "redis", "p99_ms"), 2),
             fmt(med("leaderboard-top10", "postgres", "p99_ms"))],
            ["a player's rank", spread("leaderboard-rank", "redis", "rps"), spread("leaderboard-rank", "postgres", "rps", 1),
             f"{fmt(ratio(rank_r, rank_p))}×", fmt(med("leaderboard-rank", "redis", "p99_ms"), 2),
             fmt(med("leaderboard-rank", "postgres", "p99_ms"))],
        ],
    )
    lines.append(f"One aggregate query in psql: {fmt(med('leaderboard-top10', 'postgres', 'single_query_ms'))} ms.\n")
    target("leaderboard top-10 / Postgres aggregate", f"{fmt(ratio(top_r, top_p))}×", "≥ 100×",
           (ratio(top_r, top_p) or 0) >= 100)

pipe, seq = med("bulk-warm", "pipelined", "seconds"), med("bulk-warm", "sequential", "seconds")
if pipe:
    table(
        "Bulk: warming 10k users into an empty cache",
        ["variant", "seconds median (min–max)", "keys cached", "ratio"],
        [
            ["bulk endpoint: 100 ids a request, one MGET, one query, one pipelined PSETEX batch",
             spread("bulk-warm", "pipelined", "seconds", 3), fmt(med("bulk-warm", "pipelined", "cached_keys")),
             f"{fmt(ratio(seq, pipe), 1)}× faster"],
            ["one GET /users/{id} at a time (each a miss: lookup, lock, load, fill)",
             spread("bulk-warm", "sequential", "seconds", 3), fmt(med("bulk-warm", "sequential", "cached_keys")), "1"],
        ],
    )
redis_rows, best = [], None
for batch in (100, 1000):
    v = f"batch-{batch}"
    rseq, rpipe = med("bulk-redis", v, "sequential_ms"), med("bulk-redis", v, "pipelined_ms")
    if rpipe:
        redis_rows.append([f"pipelined, batches of {batch}", spread("bulk-redis", v, "pipelined_ms", 1),
                           spread("bulk-redis", v, "sequential_ms", 1), f"{fmt(ratio(rseq, rpipe), 1)}×"])
        best = (batch, ratio(rseq, rpipe))
if redis_rows:
    table(
        "Bulk: the same 10k cache entries written by the service's Redis client (PSETEX)",
        ["pipelined", "pipelined ms median (min–max)", "one at a time ms (same run)", "ratio"],
        redis_rows,
    )
    lines.append("Batches of 100 are what one bulk read fills; a warm-up job would send batches of 1000.\n")
    target(f"pipelined warm-up (batches of {best[0]}) / sequential", f"{fmt(best[1], 1)}×", "≥ 20×",
           (best[1] or 0) >= 20)

if runs("startup", "cached", "first_request_ms"):
    table(
        "Start-up (JVM mode)",
        ["metric", "median (min–max)"],
        [
            ["process start → first answered GET /users/1 (ms)", spread("startup", "cached", "first_request_ms")],
            ["Quarkus 'started in' (s)", spread("startup", "cached", "quarkus_started_s", 3)],
            ["resident set when idle (MB)", spread("startup", "cached", "idle_rss_mb")],
        ],
    )

near, redis_only, near_ceiling = (med("near", v, "rps") for v in ("near", "redis-only", "ceiling"))
if near:
    table(
        "Near tier: GET /users/{id}, all cached, same load alternating between the service and an instance without it",
        ["instance", "req/s median (min–max)", "p50 ms", "p99 ms", "ratio to Redis-only"],
        [
            ["near tier on (as shipped)", spread("near", "near", "rps"), fmt(med("near", "near", "p50_ms"), 2),
             fmt(med("near", "near", "p99_ms"), 2), f"{fmt(ratio(near, redis_only), 2)}×"],
            ["cache.users.near.enabled=false (a Redis GET per hit)", spread("near", "redis-only", "rps"),
             fmt(med("near", "redis-only", "p50_ms"), 2), fmt(med("near", "redis-only", "p99_ms"), 2), "1"],
            ["/q/health/live (no I/O ceiling)", spread("near", "ceiling", "rps"), fmt(med("near", "ceiling", "p50_ms"), 2),
             fmt(med("near", "ceiling", "p99_ms"), 2), f"{fmt(ratio(near_ceiling, redis_only), 2)}×"],
        ],
    )
    lines.append(f"Entries in the near tier: {fmt(med('near', 'near', 'near_entries'))}; share of the measured requests "
                 f"answered by it: {fmt((med('near', 'near', 'near_hit_share') or 0) * 100, 1)} %; largest resident "
                 f"set under this load: {fmt(max(runs('near', 'near', 'rss_max_mb') or [0]))} MB.\n")
    target("near tier on / off", f"{fmt(ratio(near, redis_only), 2)}×", "≥ 2.0×", (ratio(near, redis_only) or 0) >= 2.0)
    target("near tier / no-I/O ceiling", f"{fmt(ratio(near, near_ceiling), 2)}×", "≥ 0.7×",
           (ratio(near, near_ceiling) or 0) >= 0.7)
    near_rss = max(runs("near", "near", "rss_max_mb") or [0])
    target("RSS with 100k users in the near tier", f"{fmt(near_rss)} MB", "≤ 300 MB", 0 < near_rss <= 300)

busy = sorted({v for (s, v, m) in values if s == "near-busy"}, key=lambda v: -int(v.split("-")[1]))
if busy:
    table(
        "Near tier beside four busy loops: GET /users/{id}",
        ["users read", "req/s median (min–max)", "p99 ms", "lost-connection flushes", "late heartbeats",
         "share of hits from the near tier"],
        [[v.split("-")[1], spread("near-busy", v, "rps"), fmt(med("near-busy", v, "p99_ms"), 2),
          fmt(sum(runs("near-busy", v, "lost_flushes"))), fmt(sum(runs("near-busy", v, "late_heartbeats"))),
          f"{fmt((med('near-busy', v, 'near_share_of_hits') or 0) * 100, 1)} %"] for v in busy],
    )
    target("flushes beside four busy loops (all users)", fmt(sum(runs("near-busy", busy[0], "lost_flushes"))), "0",
           sum(runs("near-busy", busy[0], "lost_flushes")) == 0)
    share = med("near-busy", busy[-1], "near_share_of_hits") or 0
    target(f"near tier's share of hits beside busy loops ({busy[-1].split('-')[1]} users)", f"{fmt(share * 100, 1)} %",
           "≥ 80 %", share >= 0.8)

curve = sorted({v for (s, v, m) in values if s == "near-curve"}, key=lambda v: int(v.split("-")[1]))
if curve:
    table(
        "Near tier with its default memory bound, against the number of distinct users read",
        ["users read", "near hit ratio", "weighed MB (cache_near_bytes)", "entries", "largest resident set MB",
         "req/s"],
        [[v.split("-")[1], f"{fmt((med('near-curve', v, 'near_hit_ratio') or 0) * 100, 1)} %",
          fmt(med("near-curve", v, "near_bytes_mb"), 1), fmt(med("near-curve", v, "near_entries")),
          fmt(med("near-curve", v, "rss_max_mb")), fmt(med("near-curve", v, "rps"))] for v in curve],
    )

cluster_near, cluster_redis, standalone_near = (med("near-cluster", v, "rps")
                                               for v in ("cluster-near", "cluster-redis-only", "standalone-near"))
if cluster_near:
    table(
        "Near tier on a 3-master Redis Cluster: GET /users/{id}, all cached, the same load on each instance in turn",
        ["instance", "req/s median (min–max)", "p50 ms", "p99 ms", "ratio to the cluster without near tier"],
        [
            [label, spread("near-cluster", v, "rps"), fmt(med("near-cluster", v, "p50_ms"), 2),
             fmt(med("near-cluster", v, "p99_ms"), 2), f"{fmt(ratio(med('near-cluster', v, 'rps'), cluster_redis), 2)}×"]
            for label, v in (("cluster, near tier on (tracking every master)", "cluster-near"),
                             ("cluster, cache.users.near.enabled=false", "cluster-redis-only"),
                             ("one Redis, near tier on (the service as configured)", "standalone-near"))
        ],
    )
    lines.append(f"Entries in the cluster instance's near tier: {fmt(med('near-cluster', 'cluster-near', 'near_entries'))}; "
                 f"share of its measured requests answered by it: "
                 f"{fmt((med('near-cluster', 'cluster-near', 'near_hit_share') or 0) * 100, 1)} %; lost-connection "
                 f"flushes during the runs: {fmt(sum(runs('near-cluster', 'cluster-near', 'lost_flushes')))}.\n")
    target("near tier on a cluster / the same cluster without it", f"{fmt(ratio(cluster_near, cluster_redis), 2)}×",
           "≥ 1.8×", (ratio(cluster_near, cluster_redis) or 0) >= 1.8)
    target("near tier on a cluster / the standalone near tier", f"{fmt(ratio(cluster_near, standalone_near), 2)}×",
           "≥ 0.9×", (ratio(cluster_near, standalone_near) or 0) >= 0.9)

with_buckets, without = med("histograms", "buckets", "rps"), med("histograms", "no-buckets", "rps")
if with_buckets:
    table(
        "Latency buckets on the hit path: GET /users/{id}, all cached, same load alternating between two instances",
        ["instance", "req/s median (min–max)", "p50 ms", "p99 ms", "_bucket series in /q/metrics", "ratio"],
        [
            ["with the buckets (as shipped)", spread("histograms", "buckets", "rps"),
             fmt(med("histograms", "buckets", "p50_ms"), 2), fmt(med("histograms", "buckets", "p99_ms"), 2),
             fmt(med("histograms", "buckets", "bucket_series")), f"{fmt(ratio(with_buckets, without), 3)}×"],
            ["metrics.latency-histograms.enabled=false", spread("histograms", "no-buckets", "rps"),
             fmt(med("histograms", "no-buckets", "p50_ms"), 2), fmt(med("histograms", "no-buckets", "p99_ms"), 2),
             fmt(med("histograms", "no-buckets", "bucket_series")), "1"],
        ],
    )
    target("hit path with buckets / without", f"{fmt(ratio(with_buckets, without), 3)}×", "≥ 0.97× (no visible cost)",
           (ratio(with_buckets, without) or 0) >= 0.97)

if targets:
    lines += ["## Targets", "", "| target | measured | wanted | |", "|---|---|---|---|", *targets, ""]
(out / "report.md").write_text("\n".join(lines))

# Plots: one figure per scenario family, medians with min–max whiskers.
plots = out / "plots"
plots.mkdir(exist_ok=True)


def bars(ax, labels, series, ylabel, log=False):
    meds = [statistics.median(s) if s else 0 for s in series]
    lows = [m - min(s) if s else 0 for m, s in zip(meds, series)]
    highs = [max(s) - m if s else 0 for m, s in zip(meds, series)]
    colors = ["#c0392b", "#7f8c8d", "#2980b9", "#27ae60", "#8e44ad", "#d35400"]
    ax.bar(labels, meds, yerr=[lows, highs], capsize=4, color=colors[: len(labels)])
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    for i, m in enumerate(meds):
        ax.annotate(f"{m:,.0f}" if m >= 10 else f"{m:.2f}", (i, m), ha="center", va="bottom", fontsize=8)


def save(fig, name):
    fig.tight_layout()
    fig.savefig(plots / name, dpi=110)
    plt.close(fig)


if hits:
    fig, ax = plt.subplots(figsize=(6, 3.6))
    bars(ax, ["cache hits", "bypassed", "no-I/O ceiling"],
         [runs("users-get", v, "rps") for v in ("hits", "bypassed", "ceiling")], "requests / s")
    ax.set_title("GET /users/{id}")
    save(fig, "users.png")
if lat_rows:
    fig, ax = plt.subplots(figsize=(6, 3.6))
    pcts = ["p50_ms", "p99_ms", "p999_ms"]
    for i, share in enumerate((50, 80)):
        ys = [med("users-latency", f"rate-{share}", p) or 0 for p in pcts]
        ax.bar([x + i * 0.38 for x in range(3)], ys, width=0.38,
               label=f"{share} % of max ({fmt(med('users-latency', f'rate-{share}', 'rate'))} req/s)")
    ax.set_xticks([x + 0.19 for x in range(3)], ["p50", "p99", "p99.9"])
    ax.set_yscale("log")
    ax.set_ylabel("ms (log)")
    ax.axhline(2, color="grey", linestyle="--", linewidth=0.8)
    ax.legend(fontsize=8)
    ax.set_title("Cache-hit latency, open loop")
    save(fig, "latency.png")
if wt or wb:
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
    bars(axes[0], ["write-through", "uncached"], [runs("inventory-put", v, "rps") for v in ("write-through", "uncached")],
         "requests / s")
    axes[0].set_title("PUT /inventory/{sku}")
    bars(axes[1], ["write-through", "uncached"],
         [runs("inventory-reserve", v, "rps") for v in ("write-through", "uncached")], "requests / s")
    axes[1].set_title("reservations, 10 hot SKUs")
    bars(axes[2], ["wb hot", "sync hot", "wb skewed", "sync skewed", "wb uniform", "sync uniform"],
         [runs(sc, v, "rps") for sc in ("posts-views-hot", "posts-views", "posts-views-uniform")
          for v in ("write-behind", "synchronous")], "requests / s")
    axes[2].set_title("POST /posts/{slug}/views")
    axes[2].tick_params(axis="x", labelsize=7, labelrotation=35)
    save(fig, "writes.png")
if top_r:
    fig, ax = plt.subplots(figsize=(6, 3.6))
    bars(ax, ["top-10 Redis", "top-10 Postgres", "rank Redis", "rank Postgres"],
         [runs("leaderboard-top10", "redis", "rps"), runs("leaderboard-top10", "postgres", "rps"),
          runs("leaderboard-rank", "redis", "rps"), runs("leaderboard-rank", "postgres", "rps")],
         "requests / s (log)", log=True)
    ax.set_title("Leaderboard reads, 1M events")
    save(fig, "leaderboards.png")
if pipe:
    fig, ax = plt.subplots(figsize=(5, 3.6))
    bars(ax, ["pipelined (bulk)", "one at a time"],
         [runs("bulk-warm", "pipelined", "seconds"), runs("bulk-warm", "sequential", "seconds")], "seconds (log)",
         log=True)
    ax.set_title("Warming 10k users")
    save(fig, "bulk.png")
if curve:
    users = [int(v.split("-")[1]) for v in curve]
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(users, [(med("near-curve", v, "near_hit_ratio") or 0) * 100 for v in curve], "o-", color="#27ae60",
            label="near hit ratio (%)")
    ax.set_xscale("log")
    ax.set_xlabel("distinct users read (log)")
    ax.set_ylabel("near hit ratio (%)")
    ax.set_ylim(0, 105)
    mb = ax.twinx()
    mb.plot(users, [med("near-curve", v, "near_bytes_mb") or 0 for v in curve], "s--", color="#2980b9",
            label="weighed MB")
    mb.plot(users, [med("near-curve", v, "rss_max_mb") or 0 for v in curve], "^:", color="#c0392b",
            label="resident set MB")
    mb.set_ylabel("MB")
    # Inside the axes, where the lines leave room (the ratio falls to the right, the MB lines stay high or low).
    fig.legend(fontsize=8, loc="center right", bbox_to_anchor=(0.88, 0.5))
    ax.set_title("Near tier, default memory bound")
    save(fig, "near-curve.png")
print((out / "report.md").read_text())
