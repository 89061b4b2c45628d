"""HTTP benchmark: throughput and latency of the production server (`orbita-serve`: gunicorn
forking waitress workers) with one worker and with one per core, at 1, 4 and 16 concurrent
clients; how fast `/healthz` answers while the workers are busy; the workers' memory; and how
soon a freshly started server answers.

    python -m bench.http                      # 2 servers x 3 levels x 30 s, 6 cold starts (~6 min)
    python -m bench.http --clients 1,4 --duration 10 --workers 1,2
    python -m bench.http --corpus-dir corpus --workdir /tmp/orbita-http --out /tmp/http.md

By default the index is the one ``bench.load`` uses: the Russian shared corpora (``ru_*``)
staged in ``/tmp/orbita-load`` and brought up to date with an incremental ``reindex`` (a full
build only the first time; do not run this while ``bench.load`` uses the same work folder).
``--corpus-dir DIR`` serves any corpus folder as it is, with its index in the work folder.

For each ``--workers`` count (default: 1 and the number of cores), ``orbita-serve --workers N``
runs on a free loopback port for all levels. Client threads (http.client, 127.0.0.1 only, a
timeout on every call) send a fixed-seed mix of API searches, result pages and suggestions for
``--duration`` seconds per level, while a probe in a process of its own asks ``/healthz`` every
100 ms.
Reported per server and level: requests, requests/s, errors (any non-200 or failed call; target
0), p50/p95/p99, the probe's ``/healthz`` p50/p95/max; then RSS and PSS (from
/proc/PID/smaps_rollup) of the master and of each worker. Targets: at 16 clients, one worker per
core serves at least 1.6 times the requests/s of one client against one worker, with p95 at
most 250 ms and ``/healthz`` p95 at most 20 ms; the workers' PSS together at most 1.5 times the
single worker's RSS. Cold start: from launching ``orbita-serve`` (default workers) to the first
``/healthz`` answer and to the first search answer, which must find something (polled every
20 ms), three fresh servers for a plain query and three for one that needs a spelling
correction (``--cold-queries``, «космос» and «космадром» by default). Written to
``bench/results/http.md`` (``--out``). The exit status is 1 when anything failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from .corpus import DEFAULT_CORPORA, RESULTS_DIR
from .load import (
    HTTP_TIMEOUT,
    REPO_ROOT,
    Stats,
    client,
    free_port,
    get,
    load_queries,
    percentile,
    run_reindex,
    server_stats,
    stage_corpus,
    start_server,
    stop_server,
)
from .report import machine_header, table

# request kinds and their shares: mostly what the search box's scripts and API users send
MIX = [("api search", 70), ("page search", 20), ("suggest", 10)]
POLL_S = 0.02
PROBE_S = 0.1  # the health probe's pace
IDLE_PROBE_S = 5.0  # the probe alone before the levels
START_TIMEOUT_S = 120.0
TARGET_SPEEDUP = 1.6  # 16 clients on every core against 1 client on one worker
TARGET_P95_MS = 250.0
TARGET_HEALTHZ_P95_MS = 20.0
TARGET_MEMORY = 1.5  # the workers' PSS together against one worker's RSS


# --- the server ---------------------------------------------------------------------------


def poll(
    port: int, path: str, ok: Callable[[int, bytes], bool], server: subprocess.Popen, t0: float
) -> tuple[float, float, bytes]:
    """Ask ``path`` every 20 ms until ``ok``: (seconds since t0, that request's seconds, body).
    A request the server is slow to answer is waited for, not abandoned: that wait is what
    the first visitor sees."""
    while time.monotonic() - t0 < START_TIMEOUT_S and server.poll() is None:
        asked = time.monotonic()
        try:
            status, body = get(port, path)
            if ok(status, body):
                now = time.monotonic()
                return now - t0, now - asked, body
        except OSError:  # not listening yet
            pass
        time.sleep(max(0.0, POLL_S - (time.monotonic() - asked)))
    raise RuntimeError(f"no answer to {path} within {START_TIMEOUT_S:.0f} s (server exited?)")


def is_ok(status: int, _body: bytes) -> bool:
    return status == 200


# --- throughput ---------------------------------------------------------------------------


def one_request(port: int, rng: random.Random, queries: list[str]) -> tuple[str, str | None]:
    kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
    text = rng.choice(queries)
    if kind == "api search":
        path = f"/api/search?q={quote(text)}"
    elif kind == "page search":
        path = f"/?q={quote(text)}"
    else:  # what the box sends while a word is being typed
        path = "/api/suggest?q=" + quote(text[: rng.randint(2, max(2, min(8, len(text))))])
    status, body = get(port, path)
    if status != 200:
        return kind, f"HTTP {status} on {path}"
    if kind == "page search":
        return kind, None if body.lstrip().startswith(b"<!doctype html>") else f"not a page: {path}"
    keys = {"total", "hits"} if kind == "api search" else {"suggestions"}
    return kind, None if keys <= set(json.loads(body)) else f"bad JSON on {path}"


@dataclass
class Level:
    clients: int
    stats: Stats
    seconds: float
    health: list[float] = field(default_factory=list)  # the probe's /healthz latencies
    health_errors: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[float]:
        return [x for values in self.stats.latencies.values() for x in values]

    @property
    def rate(self) -> float:
        return sum(self.stats.count.values()) / self.seconds


def probe(port: int, pipe: Connection) -> None:
    """In a process of its own (so that the client threads do not delay it): once told "go",
    `/healthz` every PROBE_S on a fresh connection, as a load balancer asks it, until told
    "stop"; then sends back (latencies, errors)."""
    pipe.send("ready")
    pipe.recv()
    latencies: list[float] = []
    errors: list[str] = []
    took = 0.0
    while not pipe.poll(max(0.0, PROBE_S - took)):
        asked = time.perf_counter()
        try:
            status, _body = get(port, "/healthz")
            if status != 200:
                errors.append(f"/healthz: HTTP {status}")
        except Exception as e:  # noqa: BLE001 - every failure counts
            errors.append(f"/healthz: {type(e).__name__}: {e}")
        took = time.perf_counter() - asked
        latencies.append(took)
    pipe.recv()
    pipe.send((latencies, errors))


def run_level(port: int, clients: int, seconds: float, queries: list[str], seed: int) -> Level:
    stats, stop = Stats(), threading.Event()
    level = Level(clients, stats, 0.0)
    ask = partial(one_request, queries=queries)
    threads = [
        threading.Thread(target=client, args=(port, seed + c, ask, stats, stop), daemon=True)
        for c in range(clients)
    ]
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    prober = context.Process(target=probe, args=(port, theirs), daemon=True)
    prober.start()
    ours.recv()  # started
    began = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(0.5)  # the probe starts once the clients are busy
    ours.send("go")
    time.sleep(max(0.0, seconds - 0.5))
    ours.send("stop")
    level.health, level.health_errors = ours.recv()
    prober.join(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=HTTP_TIMEOUT + 10)
    # until the last answer: every counted request finished inside this time
    level.seconds = time.monotonic() - began
    return level


@dataclass
class Run:
    """One server (`orbita-serve --workers N`) through all the levels."""

    workers: int
    warm: Stats
    idle: Level  # the probe alone, before the levels: what the machine itself costs
    levels: list[Level]
    warm_memory: dict[str, Any]  # server_stats after the warm-up
    end_memory: dict[str, Any]  # and after the levels
    alive: bool

    def level(self, clients: int) -> Level | None:
        return next((lv for lv in self.levels if lv.clients == clients), None)

    def worker_rss(self) -> list[int]:
        return [s["rss_kb"] for s in self.end_memory["workers"].values()]

    def worker_pss(self) -> list[int]:
        return [s["pss_kb"] for s in self.end_memory["workers"].values()]


def run_server(args: argparse.Namespace, workers: int, corpus: Path, index: Path,
               queries: list[str], levels_wanted: list[int], log: IO) -> Run:
    port = free_port()
    print(f"orbita-serve --workers {workers} --threads {args.threads} ...", flush=True)
    server = start_server(corpus, index, port, args.threads, log, workers=workers)
    try:
        try:
            poll(port, "/healthz", is_ok, server, time.monotonic())
        except RuntimeError as e:
            raise SystemExit(f"server did not start ({e}); see {log.name}") from None
        # the first requests open searchers and fill caches in every worker: not measured
        print(f"  warming up ({args.warmup} requests) ...", flush=True)
        warm, stop = Stats(), threading.Event()
        per = max(1, args.warmup // 4)
        warmers = [
            threading.Thread(target=client, args=(port, args.seed + c,
                             partial(one_request, queries=queries), warm, stop, per))
            for c in range(4)
        ]
        for t in warmers:
            t.start()
        for t in warmers:
            t.join(timeout=600)
        warm_memory = server_stats(server.pid)
        idle = run_level(port, 0, IDLE_PROBE_S, queries, args.seed)
        print(f"  /healthz p95 with no clients: {percentile(idle.health, 95) * 1000:.1f} ms",
              flush=True)
        levels = []
        for n in levels_wanted:
            print(f"  {n} clients for {args.duration:.0f} s ...", flush=True)
            level = run_level(port, n, args.duration, queries, args.seed * 1000 + n)
            levels.append(level)
            print(
                f"    {level.rate:.1f} requests/s, p95 {percentile(level.all, 95) * 1000:.1f} ms,"
                f" /healthz p95 {percentile(level.health, 95) * 1000:.1f} ms, "
                f"{len(level.stats.errors) + len(level.health_errors)} errors",
                flush=True,
            )
        time.sleep(1)
        end_memory = server_stats(server.pid)
        alive = server.poll() is None
    finally:
        stop_server(server)
    return Run(workers, warm, idle, levels, warm_memory, end_memory, alive)


# --- cold start ---------------------------------------------------------------------------


@dataclass
class ColdStart:
    query: str
    healthz_s: float = float("nan")
    search_s: float = float("nan")  # launch to the first search answered (200)
    request_ms: float = float("nan")  # how long that answering request itself took
    hits: int = -1  # its total: 0 would mean the server answered before it could search well
    correction: str = ""
    error: str = ""


def cold_start(corpus: Path, index: Path, threads: int, query: str, log: IO) -> ColdStart:
    """A fresh server; /healthz and the search are polled side by side from the launch on."""
    port, out = free_port(), ColdStart(query)
    t0 = time.monotonic()
    server = start_server(corpus, index, port, threads, log)
    try:
        health: list[float] = []

        def watch() -> None:
            with contextlib.suppress(RuntimeError):  # no answer: reported as nan
                health.append(poll(port, "/healthz", is_ok, server, t0)[0])

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        out.search_s, took, body = poll(port, f"/api/search?q={quote(query)}", is_ok, server, t0)
        watcher.join(timeout=START_TIMEOUT_S)
        out.healthz_s = health[0] if health else float("nan")
        out.request_ms = took * 1000
        data = json.loads(body)
        out.hits = data["total"]
        fix = data.get("correction")
        if fix:
            out.correction = f"→ {fix['corrected']} ({fix['kind']}{', applied' * fix['applied']})"
    except Exception as e:  # noqa: BLE001 - reported, the other runs go on
        out.error = f"{type(e).__name__}: {e}"[:300]
    finally:
        stop_server(server)
    return out


# --- the run --------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> tuple[Path, Path, int, float, float, str]:
    """(corpus, index, documents, MB, reindex seconds, reindex summary)."""
    if args.corpus_dir:
        corpus = args.corpus_dir.resolve()
        files = [p for p in corpus.rglob("*") if p.suffix in {".txt", ".html", ".md"}]
        n_files, mb = len(files), sum(p.stat().st_size for p in files) / 1e6
        # its own index, so a small folder never overwrites bench.load's index in the workdir
        index = args.workdir / f"index-{corpus.name}"
    else:
        print(f"staging the corpora into {args.workdir} ...", flush=True)
        corpus, n_files, mb = stage_corpus(args.corpora, args.workdir)
        index = args.workdir / "index"
    # as bench.load: incremental, so an up-to-date index costs a second, a missing one a build
    print(f"indexing {n_files} documents ({mb:.1f} MB) ...", flush=True)
    seconds, summary = run_reindex(corpus, index, full=False, timeout=3600)
    print(f"  {seconds:.1f} s: {summary}", flush=True)
    return corpus, index, n_files, mb, seconds, summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__.split("\n")[0])
    ap.add_argument("--clients", default="1,4,16", help="concurrency levels (1,4,16)")
    ap.add_argument("--duration", type=float, default=30, help="seconds per level (30)")
    cores = os.cpu_count() or 1
    ap.add_argument("--workers", default=",".join(dict.fromkeys(["1", str(cores)])),
                    help="servers to measure, by worker count (1 and the cores: %(default)s)")
    ap.add_argument("--threads", type=int, default=4,
                    help="threads per worker (4, orbita-serve's default)")
    ap.add_argument("--warmup", type=int, default=400, help="requests before the levels (400)")
    ap.add_argument("--cold-runs", type=int, default=3, help="fresh servers per query (3)")
    ap.add_argument(
        "--cold-queries",
        default="космос,космадром",
        help="cold-start searches: a plain one, then one only a spelling correction answers "
        "(космос,космадром)",
    )
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--corpus-dir", type=Path, help="serve this corpus folder instead")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-load"))
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "http.md")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    levels_wanted = [int(c) for c in args.clients.split(",") if c.strip()]
    workers_wanted = [int(w) for w in args.workers.split(",") if w.strip()]
    if args.workdir.resolve().is_relative_to(REPO_ROOT):
        raise SystemExit("--workdir must be outside the repository")

    args.workdir.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()[0]
    corpus, index, n_files, mb, build_s, build_summary = prepare(args)
    queries, _ids = load_queries(corpus, random.Random(args.seed))

    log_path = args.workdir / "http-server.log"
    runs: list[Run] = []
    with log_path.open("w") as log:
        for workers in workers_wanted:
            runs.append(run_server(args, workers, corpus, index, queries, levels_wanted, log))

        colds: list[ColdStart] = []
        for query in args.cold_queries.split(","):
            for run in range(args.cold_runs):
                c = cold_start(corpus, index, args.threads, query, log)
                colds.append(c)
                print(
                    f"cold start {run + 1} «{query}»: /healthz {c.healthz_s:.2f} s, "
                    f"search {c.search_s:.2f} s {c.correction} {c.error}",
                    flush=True,
                )

    tracebacks = log_path.read_text("utf-8", "replace").count("Traceback")
    report = render(args, n_files, mb, corpus, build_s, build_summary, len(queries), runs,
                    colds, tracebacks, load_start)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {args.out}")
    failed = any(lv.stats.errors or lv.health_errors for r in runs for lv in r.levels) or any(
        c.error or not c.hits for c in colds)
    return 1 if failed or not all(r.alive for r in runs) or tracebacks else 0


def _mb(kb: float) -> str:
    return f"{kb / 1024:.0f}"


def verdict(runs: list[Run]) -> list[list[object]]:
    """The targets, each against the figures of this run."""
    one = next((r for r in runs if r.workers == 1), None)
    most = max(runs, key=lambda r: r.workers)
    rows: list[list[object]] = []

    def met(ok: bool) -> str:
        return "yes" if ok else "NO"

    base = one.level(1) if one else None
    top = most.level(16)
    if base is not None and top is not None:
        ratio = top.rate / base.rate
        rows.append([
            f"requests/s: 16 clients on {most.workers} workers ÷ 1 client on 1 worker",
            f"{top.rate:.1f} ÷ {base.rate:.1f} = {ratio:.2f}×",
            f"≥ {TARGET_SPEEDUP}×", met(ratio >= TARGET_SPEEDUP),
        ])
    if top is not None:
        p95 = percentile(top.all, 95) * 1000
        rows.append([f"p95 at 16 clients, {most.workers} workers", f"{p95:.0f} ms",
                     f"≤ {TARGET_P95_MS:.0f} ms", met(p95 <= TARGET_P95_MS)])
        h95 = percentile(top.health, 95) * 1000
        rows.append([f"/healthz p95 while 16 clients search, {most.workers} workers",
                     f"{h95:.1f} ms ({len(top.health)} probes; with no clients: "
                     f"{percentile(most.idle.health, 95) * 1000:.1f} ms)",
                     f"≤ {TARGET_HEALTHZ_P95_MS:.0f} ms", met(h95 <= TARGET_HEALTHZ_P95_MS)])
    if one is not None and one.worker_rss() and most.worker_pss():
        single, total = one.worker_rss()[0], sum(most.worker_pss())
        rows.append([
            f"workers' PSS together ({most.workers} workers) ÷ the single worker's RSS",
            f"{_mb(total)} ÷ {_mb(single)} MB = {total / single:.2f}×",
            f"≤ {TARGET_MEMORY}×", met(total <= TARGET_MEMORY * single),
        ])
    errors = sum(len(lv.stats.errors) + len(lv.health_errors) for r in runs for lv in r.levels)
    rows.append(["errors (requests and probes)", errors, "0", met(not errors)])
    return rows


def render(
    args: argparse.Namespace,
    n_files: int,
    mb: float,
    corpus: Path,
    build_s: float,
    build_summary: str,
    n_queries: int,
    runs: list[Run],
    colds: list[ColdStart],
    tracebacks: int,
    load_start: float,
) -> str:
    def ms(values: list[float], p: float) -> str:
        return f"{percentile(values, p) * 1000:.1f}" if values else "–"

    def sec(x: float) -> str:
        return f"{x:.2f}"

    mix = ", ".join(f"{w} % {k}" for k, w in MIX)
    where = f"--corpus-dir {args.corpus_dir}" if args.corpus_dir else f"--corpora {args.corpora}"
    level_rows = [
        [
            r.workers,
            lv.clients,
            sum(lv.stats.count.values()),
            f"{lv.rate:.1f}",
            len(lv.stats.errors),
            ms(lv.all, 50),
            ms(lv.all, 95),
            ms(lv.all, 99),
            ms(lv.health, 50),
            ms(lv.health, 95),
            f"{max(lv.health) * 1000:.1f}" if lv.health else "–",
        ]
        for r in runs
        for lv in [r.idle, *r.levels]
    ]
    memory_rows: list[list[object]] = []
    for r in runs:
        for when, mem in (("after warm-up", r.warm_memory), ("after the levels", r.end_memory)):
            workers = list(mem["workers"].values())
            memory_rows.append([
                r.workers, when,
                f"{_mb(mem['master']['rss_kb'])} / {_mb(mem['master']['pss_kb'])}",
                ", ".join(f"{_mb(w['rss_kb'])} / {_mb(w['pss_kb'])}" for w in workers),
                _mb(sum(w["rss_kb"] for w in workers)),
                _mb(sum(w["pss_kb"] for w in workers)),
                mem["fds"], mem["threads"],
            ])
    kind_rows = [
        [
            r.workers,
            lv.clients,
            kind,
            len(lv.stats.latencies[kind]),
            *(ms(lv.stats.latencies[kind], p) for p in (50, 95, 99)),
        ]
        for r in runs
        for lv in r.levels
        for kind in [k for k, _ in MIX] + ["transport"]
        if lv.stats.latencies.get(kind)
    ]
    cold_rows: list[list[object]] = []
    for query in args.cold_queries.split(","):
        got = [c for c in colds if c.query == query]
        cold_rows += [
            [
                f"«{query}»",
                n + 1,
                sec(c.healthz_s),
                sec(c.search_s),
                f"{c.request_ms:.0f}",
                c.hits,
                c.error or c.correction or "none",
            ]
            for n, c in enumerate(got)
        ]
        ok = [c for c in got if not c.error]
        if ok:
            cold_rows.append(
                [
                    f"«{query}»",
                    "**median**",
                    sec(statistics.median(c.healthz_s for c in ok)),
                    sec(statistics.median(c.search_s for c in ok)),
                    f"{statistics.median(c.request_ms for c in ok):.0f}",
                    "",
                    "",
                ]
            )
    warmups = ", ".join(
        f"{sum(r.warm.count.values())} with {r.workers} worker(s) ({len(r.warm.errors)} errors)"
        for r in runs)
    lines = [
        "# HTTP: throughput, latency and cold start of the production server",
        "",
        machine_header(),
        f"- 1-min load average: {load_start:.1f} before the run, {os.getloadavg()[0]:.1f} at "
        "the end, on 2 cores: every figure here shares those cores with the client threads "
        "of this benchmark (and with anything else running then)",
        f"- corpus: {n_files} documents ({mb:.1f} MB) in {corpus}",
        f"- index update before the run (incremental reindex): {build_s:.1f} s — {build_summary}",
        f"- servers: `orbita-serve --workers N --threads {args.threads}` (gunicorn forking "
        f"waitress workers) on 127.0.0.1, N = {args.workers}, one server for all of its levels, "
        "no reindex meanwhile",
        f"- traffic: {mix}; {n_queries} queries (the space set and corpus title words); "
        f"warm-up requests first, not counted: {warmups}; a probe (a process of its own, so "
        f"that the client threads do not delay it) asks `/healthz` every "
        f"{PROBE_S * 1000:.0f} ms on a fresh connection during each level",
        f"- command: `python -m bench.http --clients {args.clients} --duration "
        f"{args.duration:g} --workers {args.workers} {where} --cold-queries "
        f"{args.cold_queries}`",
        "",
        "## Targets",
        "",
        table(["what", "figure", "target", "met"], verdict(runs)),
        "",
        "## Throughput and latency",
        "",
        "Latency in ms, per request, from sending it to reading the whole answer; requests/s over "
        "the level's wall time; `/healthz` as the probe saw it during the level (0 clients: the "
        "probe alone for 5 s before the levels, what the machine itself costs it).",
        "",
        table(["workers", "clients", "requests", "requests/s", "errors", "p50", "p95", "p99",
               "/healthz p50", "/healthz p95", "/healthz max"], level_rows),
        "",
        "## Memory",
        "",
        "RSS / PSS in MB from /proc/PID/status and /proc/PID/smaps_rollup. PSS divides each "
        "page shared by several processes among them, so the PSS column adds up to the "
        "memory the workers really take; RSS counts the shared pages in every worker. The "
        "master loaded the app and the dictionaries before forking; each worker loads the "
        "generation's correction and completion tables (saved once, beside the index) itself.",
        "",
        table(["workers", "when", "master RSS / PSS", "each worker RSS / PSS",
               "workers' RSS", "workers' PSS", "fds (all)", "threads (all)"], memory_rows),
        "",
        f"Servers alive at the end: {', '.join('yes' if r.alive else 'NO' for r in runs)}.",
        "",
        "### Per kind (ms)",
        "",
        table(["workers", "clients", "kind", "requests", "p50", "p95", "p99"], kind_rows),
        "",
        "## Cold start",
        "",
        "Seconds from launching `orbita-serve` (one worker per core) to the first 200 from "
        "`/healthz` and to the first 200 from `/api/search`, both polled every 20 ms side by "
        "side; `request ms` is how long that answering request itself took (a long one waited "
        "inside the server), `hits` its total (0 is a failure). A fresh server per run, the "
        "index files already in the OS cache, the generation's tables already saved beside it "
        "(each worker loads them as it starts). The second query is meant to be found only "
        "through the spelling correction.",
        "",
        table(
            ["query", "run", "/healthz s", "search s", "request ms", "hits", "correction"],
            cold_rows,
        ),
        "",
        f"Tracebacks in the server logs: {tracebacks}.",
    ]
    errors = [e for r in runs for lv in r.levels for e in lv.stats.errors + lv.health_errors]
    if errors:
        lines += ["", "## Errors (first 20)", "", *[f"- {e}" for e in errors[:20]]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
