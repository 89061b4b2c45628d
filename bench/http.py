"""HTTP benchmark: throughput and latency of the production server at 1, 4 and 16 concurrent
clients, and how soon a freshly started server answers.

    python -m bench.http                      # 3 levels x 30 s, then 6 cold starts (~3 min)
    python -m bench.http --clients 1,4 --duration 10
    python -m bench.http --corpus-dir corpus --workdir /tmp/orbita-http --out /tmp/http.md

By default the index is the one ``bench.load`` uses: the Russian shared corpora (``ru_*``)
staged in ``/tmp/orbita-load`` and brought up to date with an incremental ``reindex`` (a full
build only the first time; do not run this while ``bench.load`` uses the same work folder).
``--corpus-dir DIR`` serves any corpus folder as it is, with its index in the work folder.

The server is ``python -m web`` (waitress) on a free loopback port, one process for all
levels. Client threads (http.client, 127.0.0.1 only, a timeout on every call) send a
fixed-seed mix of API searches, result pages and suggestions for ``--duration`` seconds per
level. Reported per level: requests, requests/s, errors (any non-200 or failed call; target
0), p50/p95/p99; then the server's RSS and open fds. Cold start: from launching the process
to the first ``/healthz`` answer and to the first search answer, which must find something
(polled every 20 ms), three fresh processes for a plain query and three for one that needs a
spelling correction (``--cold-queries``, «космос» and «космадром» by default). Written to
``bench/results/http.md`` (``--out``). The exit status is 1 when anything failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO
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
    proc_stats,
    run_reindex,
    stage_corpus,
    start_server,
    stop_server,
)
from .report import machine_header, table

# request kinds and their shares: mostly what the search box's scripts and API users send
MIX = [("api search", 70), ("page search", 20), ("suggest", 10)]
POLL_S = 0.02
START_TIMEOUT_S = 120.0


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

    @property
    def all(self) -> list[float]:
        return [x for values in self.stats.latencies.values() for x in values]


def run_level(port: int, clients: int, seconds: float, queries: list[str], seed: int) -> Level:
    stats, stop = Stats(), threading.Event()
    ask = partial(one_request, queries=queries)
    threads = [
        threading.Thread(target=client, args=(port, seed + c, ask, stats, stop), daemon=True)
        for c in range(clients)
    ]
    began = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=HTTP_TIMEOUT + 10)
    # until the last answer: every counted request finished inside this time
    return Level(clients, stats, time.monotonic() - began)


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
    ap.add_argument("--threads", type=int, default=8, help="server worker threads (8)")
    ap.add_argument("--warmup", type=int, default=200, help="requests before the levels (200)")
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
    if args.workdir.resolve().is_relative_to(REPO_ROOT):
        raise SystemExit("--workdir must be outside the repository")

    args.workdir.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()[0]
    corpus, index, n_files, mb, build_s, build_summary = prepare(args)
    queries, _ids = load_queries(corpus, random.Random(args.seed))

    log_path = args.workdir / "http-server.log"
    levels: list[Level] = []
    with log_path.open("w") as log:
        port = free_port()
        server = start_server(corpus, index, port, args.threads, log)
        try:
            try:
                poll(port, "/healthz", is_ok, server, time.monotonic())
            except RuntimeError as e:
                raise SystemExit(f"server did not start ({e}); see {log_path}") from None
            # the first requests open searchers and build corrections: not what is measured
            print(f"warming up ({args.warmup} requests) ...", flush=True)
            warm = Stats()
            client(port, args.seed, partial(one_request, queries=queries), warm,
                   threading.Event(), args.warmup)
            warm_stats = proc_stats(server.pid)
            for n in levels_wanted:
                print(f"{n} clients for {args.duration:.0f} s ...", flush=True)
                level = run_level(port, n, args.duration, queries, args.seed * 1000 + n)
                levels.append(level)
                print(
                    f"  {sum(level.stats.count.values()) / level.seconds:.1f} requests/s, "
                    f"p95 {percentile(level.all, 95) * 1000:.1f} ms, "
                    f"{len(level.stats.errors)} errors",
                    flush=True,
                )
            time.sleep(1)
            end_stats = proc_stats(server.pid)
            alive = server.poll() is None
        finally:
            stop_server(server)

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
    report = render(
        args,
        n_files,
        mb,
        corpus,
        build_s,
        build_summary,
        len(queries),
        warm,
        levels,
        warm_stats,
        end_stats,
        alive,
        colds,
        tracebacks,
        load_start,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {args.out}")
    failed = any(lv.stats.errors for lv in levels) or any(c.error or not c.hits for c in colds)
    return 1 if failed or not alive or tracebacks else 0


def render(
    args: argparse.Namespace,
    n_files: int,
    mb: float,
    corpus: Path,
    build_s: float,
    build_summary: str,
    n_queries: int,
    warm: Stats,
    levels: list[Level],
    start: dict[str, int],
    end: dict[str, int],
    alive: bool,
    colds: list[ColdStart],
    tracebacks: int,
    load_start: float,
) -> str:
    def ms(values: list[float], p: float) -> str:
        return f"{percentile(values, p) * 1000:.1f}"

    def sec(x: float) -> str:
        return f"{x:.2f}"

    mix = ", ".join(f"{w} % {k}" for k, w in MIX)
    where = f"--corpus-dir {args.corpus_dir}" if args.corpus_dir else f"--corpora {args.corpora}"
    level_rows = [
        [
            lv.clients,
            sum(lv.stats.count.values()),
            f"{sum(lv.stats.count.values()) / lv.seconds:.1f}",
            len(lv.stats.errors),
            ms(lv.all, 50),
            ms(lv.all, 95),
            ms(lv.all, 99),
        ]
        for lv in levels
    ]
    kind_rows = [
        [
            lv.clients,
            kind,
            len(lv.stats.latencies[kind]),
            *(ms(lv.stats.latencies[kind], p) for p in (50, 95, 99)),
        ]
        for lv in levels
        for kind in [k for k, _ in MIX] + ["transport"]
        if lv.stats.latencies.get(kind)
    ]
    cold_rows: list[list[object]] = []
    for query in args.cold_queries.split(","):
        runs = [c for c in colds if c.query == query]
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
            for n, c in enumerate(runs)
        ]
        ok = [c for c in runs if not c.error]
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
    lines = [
        "# HTTP: throughput, latency and cold start of the production server",
        "",
        machine_header(),
        f"- 1-min load average: {load_start:.1f} before the run, {os.getloadavg()[0]:.1f} at "
        "the end (other processes on the machine distort the figures)",
        f"- corpus: {n_files} documents ({mb:.1f} MB) in {corpus}",
        f"- index update before the run (incremental reindex): {build_s:.1f} s — {build_summary}",
        f"- server: `python -m web --threads {args.threads}` (waitress) on 127.0.0.1, one "
        "process for all levels, no reindex meanwhile; the client threads run on the same "
        "machine and take CPU from it",
        f"- traffic: {mix}; {n_queries} queries (the space set and corpus title words); "
        f"{sum(warm.count.values())} warm-up requests first ({len(warm.errors)} errors), not "
        "counted",
        f"- command: `python -m bench.http --clients {args.clients} --duration "
        f"{args.duration:g} {where} --cold-queries {args.cold_queries}`",
        "",
        "## Throughput and latency",
        "",
        "Latency in ms, per request, from sending it to reading the whole answer; requests/s over "
        "the level's wall time.",
        "",
        table(["clients", "requests", "requests/s", "errors", "p50", "p95", "p99"], level_rows),
        "",
        table(
            ["what", "after warm-up", "after the levels"],
            [
                ["server RSS MB", f"{start['rss_kb'] / 1024:.0f}", f"{end['rss_kb'] / 1024:.0f}"],
                ["open fds", start["fds"], end["fds"]],
                ["threads", start["threads"], end["threads"]],
                ["alive", "yes", "yes" if alive else "NO"],
            ],
        ),
        "",
        "### Per kind (ms)",
        "",
        table(["clients", "kind", "requests", "p50", "p95", "p99"], kind_rows),
        "",
        "## Cold start",
        "",
        "Seconds from launching `python -m web` to the first 200 from `/healthz` and to the first "
        "200 from `/api/search`, both polled every 20 ms side by side; `request ms` is how long "
        "that answering request itself took (a long one waited inside the server), `hits` its "
        "total (0 is a failure). A fresh process per run, the index files already in the OS "
        "cache. The second query is meant to be found only through the spelling correction.",
        "",
        table(
            ["query", "run", "/healthz s", "search s", "request ms", "hits", "correction"],
            cold_rows,
        ),
        "",
        f"Tracebacks in the server logs: {tracebacks}.",
    ]
    errors = [e for lv in levels for e in lv.stats.errors]
    if errors:
        lines += ["", "## Errors (first 20)", "", *[f"- {e}" for e in errors[:20]]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
