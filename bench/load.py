"""Load benchmark: the production server under steady concurrent traffic while `reindex` runs
every minute.

    python -m bench.load                      # 5 minutes, 16 clients (~10 min with the build)
    python -m bench.load --duration 60 --clients 4 --reindex-every 20

The Russian shared corpora (``ru_*``, ~9,500 releases) are copied into a work folder outside
the repository (``/tmp/orbita-load`` by default; kept between runs, so the build is paid once
per format), indexed there, and served by the production server, ``orbita-serve --workers N``
(gunicorn forking waitress workers; N one per core by default), on a free loopback port.
Client threads (http.client, 127.0.0.1 only, bounded counts, timeouts on every call) ask a
mix of searches, result pages, document pages, suggestions and health checks. Every
``--reindex-every`` seconds a few files of the copy are changed, added and removed and
``reindex`` runs (``--full-every N``: every Nth run rebuilds from scratch); right after each
run the changed files must be found by the server that is still running.

Reported: requests and errors (target 0), latency p50/p95/p99 (overall and per kind), the
server's memory after the warm-up and at the end (once the last reindex's work in the server
has ended, at most SETTLE_SECONDS later) — PSS of the master and the workers together
(from /proc/PID/smaps_rollup; target: it grows by 10 % at most), their RSS, each worker's —
open file descriptors (at the end no more than a fresh server's on the final index: they grow
with its segments), the reindex runs (each followed by searches for the changed releases,
which every answer must find). Written to ``bench/results/load.md`` (``--out``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from .corpus import DEFAULT_CORPORA, RESULTS_DIR, SPACE_QUERIES, corpus_files, russian_folders
from .report import machine_header, table

REPO_ROOT = Path(__file__).resolve().parent.parent
HTTP_TIMEOUT = 30.0
# request kinds and their shares of the traffic
MIX = [
    ("api search", 45),
    ("page search", 20),
    ("api search, date/page 2", 8),
    ("document page", 12),
    ("suggest", 10),
    ("healthz", 5),
]
MARK_LETTERS = "бвгджзклмнпрстфхцчшщ"
CHECKS = 6  # searches for a round's new word right after its reindex
WARMUP_PER_WORKER = 4000  # requests (see --warmup)
SETTLE_SECONDS = 60  # the end's figures wait this long at most for a reindex's work to end
FRESH_REQUESTS = 320  # made to a fresh server at the end, whose fds the run's are held to


# --- the work folder ---------------------------------------------------------------------


def stage_corpus(corpora: Path, workdir: Path) -> tuple[Path, int, float]:
    """A writable copy of the Russian corpora (documents only); reused when complete."""
    corpus = workdir / "corpus"
    folders = russian_folders(corpora)
    if not folders:
        raise SystemExit(f"no ru_* folders in {corpora}: pass --corpora")
    files = [(f, corpus / folder.name / f.name) for folder in folders for f in corpus_files(folder)]
    stamp = workdir / "staged.json"
    want = {"files": len(files), "corpora": str(corpora)}
    if stamp.exists() and json.loads(stamp.read_text()) == want and corpus.is_dir():
        shutil.rmtree(corpus / "load-added", ignore_errors=True)  # what earlier runs added
        mb = sum(dst.stat().st_size for _, dst in files if dst.exists()) / 1e6
        restore_originals(files)
        return corpus, len(files), mb
    shutil.rmtree(corpus, ignore_errors=True)
    for src, dst in files:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    stamp.write_text(json.dumps(want))
    return corpus, len(files), sum(src.stat().st_size for src, _ in files) / 1e6


def restore_originals(files: list[tuple[Path, Path]]) -> None:
    """Undo the changes of an earlier run (changed files got a paragraph appended)."""
    for src, dst in files:
        if not dst.exists() or dst.stat().st_size != src.stat().st_size:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_reindex(corpus: Path, index: Path, full: bool, timeout: float) -> tuple[float, str]:
    cmd = [
        sys.executable,
        "-m",
        "search",
        "reindex",
        "--corpus",
        str(corpus),
        "--index",
        str(index),
    ]
    if full:
        cmd.append("--full")
    started = time.monotonic()
    r = subprocess.run(
        cmd,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    seconds = time.monotonic() - started
    summary = next(
        (line for line in r.stderr.splitlines() if "documents indexed" in line),
        r.stderr.strip()[-300:],
    )
    if r.returncode != 0:
        raise RuntimeError(f"reindex failed ({r.returncode}): {r.stderr[-2000:]}")
    return seconds, summary


# --- the server ------------------------------------------------------------------------------


def proc_stats(pid: int) -> dict[str, int]:
    """RSS and PSS (KB), open file descriptors and threads of a process, from /proc (PSS:
    its share of the pages it shares with other processes, from smaps_rollup; of it,
    ``pss_anon_kb`` is its own memory, the rest mostly pages of the index files it maps)."""
    out = {"rss_kb": 0, "pss_kb": 0, "pss_anon_kb": 0, "fds": 0, "threads": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out["rss_kb"] = int(line.split()[1])
            elif line.startswith("Threads:"):
                out["threads"] = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["pss_kb"] = int(line.split()[1])
            elif line.startswith("Pss_Anon:"):
                out["pss_anon_kb"] = int(line.split()[1])
        out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        pass
    return out


def settled_stats(master: int, threads: int, wait: float = SETTLE_SECONDS) -> dict[str, Any]:
    """The server's figures once the work a reindex started has ended (its threads back to
    `threads`, as after the warm-up: the new generation's tables built and loaded, the old
    generation closed), or after `wait` seconds: a sample taken in the middle of that work
    would count two generations' open files, or catch memory between two tables."""
    deadline = time.monotonic() + wait
    stats = server_stats(master)
    while stats["threads"] > threads and time.monotonic() < deadline:
        time.sleep(1)
        stats = server_stats(master)
    return stats


def workers_of(master: int) -> list[int]:
    """The server's worker processes: the master's children running the master's command
    (not the processes that build tables, nor multiprocessing's helper)."""
    try:
        command = Path(f"/proc/{master}/cmdline").read_bytes()
    except OSError:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
            if ppid == master and (entry / "cmdline").read_bytes() == command:
                found.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return sorted(found)


def server_stats(master: int) -> dict[str, Any]:
    """The whole server: the master's and each worker's figures, and their sums (``rss_kb``,
    ``pss_kb``, ``fds``, ``threads`` over the master and the workers)."""
    master_stats = proc_stats(master)
    workers = {pid: proc_stats(pid) for pid in workers_of(master)}
    every = [master_stats, *workers.values()]
    total: dict[str, Any] = {k: sum(s[k] for s in every) for k in master_stats}
    total["master"] = master_stats
    total["workers"] = workers
    return total


def serve_command() -> list[str]:
    """The production server: the installed ``orbita-serve`` beside this Python."""
    script = Path(sys.executable).with_name("orbita-serve")
    return [str(script)] if script.exists() else [sys.executable, "-m", "web"]


def start_server(
    corpus: Path, index: Path, port: int, threads: int, log: IO, workers: int | None = None
) -> subprocess.Popen:
    """`orbita-serve` (gunicorn, `workers` processes: by default one per core)."""
    return subprocess.Popen(
        [
            *serve_command(),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(threads),
            *(["--workers", str(workers)] if workers else []),
            "--index",
            str(index),
            "--corpus",
            str(corpus),
        ],
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=20)


def fresh_server_fds(corpus: Path, index: Path, args: Any, log: IO, ask: Any) -> int:
    """Open fds of a new server on the index as the run left it, after FRESH_REQUESTS requests:
    what that index needs (each segment's files in each worker), which the running server's
    count is held to."""
    port = free_port()
    server = start_server(corpus, index, port, args.threads, log, workers=args.workers)
    try:
        wait_ready(server, port, "the fresh server did not start")
        stop, stats = threading.Event(), Stats()
        threads = [threading.Thread(target=client, args=(port, 5000 + c, ask, stats, stop,
                                                          FRESH_REQUESTS // args.clients))
                   for c in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        time.sleep(2)
        return int(server_stats(server.pid)["fds"])
    finally:
        stop_server(server)


def wait_ready(server: subprocess.Popen, port: int, failure: str) -> None:
    """Wait until the server answers /healthz (at most 120 s); exit with `failure` if not."""
    deadline = time.monotonic() + 120
    while True:
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(failure)
        time.sleep(0.2)


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


# --- the traffic ---------------------------------------------------------------------------


def load_queries(corpus: Path, rng: random.Random) -> tuple[list[str], list[str]]:
    """Queries (the space query set plus title words of the corpus) and document ids."""
    queries = [
        json.loads(line)["query"]
        for line in SPACE_QUERIES.read_text("utf-8").splitlines()
        if line.strip()
    ]
    ids = sorted(p.relative_to(corpus).as_posix() for p in corpus.glob("ru_*/*.txt"))
    for doc_id in rng.sample(ids, min(300, len(ids))):
        title = (corpus / doc_id).read_text("utf-8").partition("\n")[0].split()
        words = [w.strip("«»\"'.,:;!?()") for w in title if len(w) > 3]
        if words:
            k = rng.randint(1, min(3, len(words)))
            start = rng.randrange(len(words) - k + 1)
            queries.append(" ".join(words[start : start + k]))
    return queries, ids


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    count: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.count[kind] += 1
            self.latencies[kind].append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


def one_request(
    port: int, rng: random.Random, queries: list[str], ids: list[str]
) -> tuple[str, str | None]:
    kind, path = next_request(rng, queries, ids)
    status, body = get(port, path)
    return kind, answer_error(kind, path, status, body)


def next_request(rng: random.Random, queries: list[str], ids: list[str]) -> tuple[str, str]:
    """The next request of the mix: its kind and path."""
    kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
    q = quote(rng.choice(queries))
    if kind == "api search":
        path = f"/api/search?q={q}"
    elif kind == "page search":
        path = f"/?q={q}"
    elif kind == "api search, date/page 2":
        path = f"/api/search?q={q}&" + rng.choice(["sort=date", "page=2", "page=3&per_page=20"])
    elif kind == "document page":
        path = "/doc/" + quote(rng.choice(ids)) + f"?q={q}"
    elif kind == "suggest":
        text = rng.choice(queries)
        path = "/api/suggest?q=" + quote(text[: rng.randint(2, max(2, min(8, len(text))))])
    else:
        path = "/healthz"
    return kind, path


def answer_error(kind: str, path: str, status: int, body: bytes) -> str | None:
    """What is wrong with an answer to a request of the mix, or None."""
    if status != 200:
        return f"HTTP {status} on {path}"
    if kind == "page search" or kind == "document page":
        if not body.lstrip().startswith(b"<!doctype html>"):
            return f"not a page: {path}"
        return None
    data = json.loads(body)
    if kind.startswith("api search") and not {"total", "hits"} <= set(data):
        return f"bad JSON on {path}"
    return None


def client(
    port: int,
    seed: int,
    ask: Callable[[int, random.Random], tuple[str, str | None]],
    stats: Stats,
    stop: threading.Event,
    max_requests: int = sys.maxsize,
) -> None:
    """Requests made by `ask(port, rng)` (a kind and an error or None) until `stop`."""
    rng = random.Random(seed)
    for _ in range(max_requests):
        if stop.is_set():
            return
        started = time.perf_counter()
        try:
            kind, error = ask(port, rng)
        except Exception as e:  # noqa: BLE001 - every failure counts
            kind, error = "transport", f"{type(e).__name__}: {e}"
        stats.add(kind, time.perf_counter() - started, error)


# --- reindex rounds -----------------------------------------------------------------------


def marker(n: int) -> str:
    """A made-up word, different for every round (letters only, so it is one token)."""
    letters = MARK_LETTERS
    word = "зюзя"
    for _ in range(3):
        word += letters[n % len(letters)] + "а"
        n //= len(letters)
    return word


@dataclass
class Round:
    n: int
    full: bool
    changed: int
    seconds: float = 0.0
    summary: str = ""
    found: int = -1
    expected: int = 0
    pss_mb_after: float = 0.0  # the whole server's
    fds_after: int = 0
    error: str = ""


def reindex_round(
    n: int,
    full: bool,
    corpus: Path,
    index: Path,
    ids: list[str],
    port: int,
    pid: int,
    rng: random.Random,
    per_round: int,
) -> Round:
    word = marker(n)
    extra = corpus / "load-added"
    extra.mkdir(exist_ok=True)
    changed = rng.sample(ids, per_round)
    for doc_id in changed:  # a paragraph added to a few releases
        with open(corpus / doc_id, "a", encoding="utf-8") as f:
            f.write(f"\n\nДополнение {n}: слово {word} в изменённом релизе.\n")
    for k in range(2):  # two new releases
        (extra / f"round{n:03d}-{k}.txt").write_text(
            f"Новый релиз {n}.{k}\n\nВ новом релизе есть слово {word}.\n", encoding="utf-8"
        )
    for old in sorted(extra.glob(f"round{n - 3:03d}-*.txt")):  # and an older one removed
        old.unlink()
    r = Round(n, full, len(changed) + 2, expected=len(changed) + 2)
    try:
        r.seconds, r.summary = run_reindex(corpus, index, full, timeout=1800)
        found = []
        for _ in range(CHECKS):  # fresh connections: the workers take them in turn
            status, body = get(port, f"/api/search?q={quote(word)}&sort=date")
            found.append(json.loads(body)["total"] if status == 200 else -status)
        r.found = min(found)  # the worst answer
    except Exception as e:  # noqa: BLE001 - reported, the run goes on
        r.error = f"{type(e).__name__}: {e}"[:500]
    st = server_stats(pid)
    r.pss_mb_after, r.fds_after = st["pss_kb"] / 1024, st["fds"]
    return r


# --- the run --------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=300, help="seconds of load (300)")
    ap.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="server processes (one per core: %(default)s)")
    ap.add_argument("--threads", type=int, default=4,
                    help="threads per worker (4, orbita-serve's default)")
    ap.add_argument("--reindex-every", type=float, default=60, help="seconds between runs (60)")
    ap.add_argument(
        "--full-every",
        type=int,
        default=0,
        help="every Nth reindex rebuilds from scratch (0: never)",
    )
    ap.add_argument("--changes", type=int, default=8, help="releases changed per reindex (8)")
    # the server's bounded caches fill during a process's first ~4,000 requests of this mix
    # (the largest, 50,000 words' lemmas, in one process replaying it): growth after that is
    # what a leak would show (the report gives it minute by minute)
    ap.add_argument("--warmup", type=int, default=None,
                    help="warm-up requests (4000 per worker)")
    ap.add_argument("--max-requests", type=int, default=100_000, help="per client, at most")
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-load"))
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "load.md")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    if args.warmup is None:
        args.warmup = WARMUP_PER_WORKER * args.workers
    if args.workdir.resolve().is_relative_to(REPO_ROOT):
        raise SystemExit("--workdir must be outside the repository")

    rng = random.Random(args.seed)
    args.workdir.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()[0]
    print(f"staging the corpora into {args.workdir} ...", flush=True)
    corpus, n_files, mb = stage_corpus(args.corpora, args.workdir)
    index = args.workdir / "index"
    print(f"indexing {n_files} releases ({mb:.1f} MB) ...", flush=True)
    build_s, build_summary = run_reindex(corpus, index, full=False, timeout=3600)
    print(f"  {build_s:.1f} s: {build_summary}", flush=True)
    queries, ids = load_queries(corpus, rng)
    ask = partial(one_request, queries=queries, ids=ids)

    port = free_port()
    log_path = args.workdir / "server.log"
    log = log_path.open("w")
    server = start_server(corpus, index, port, args.threads, log, workers=args.workers)
    stop = threading.Event()
    try:
        wait_ready(server, port, f"server did not start; see {log_path}")

        print(f"warming up ({args.warmup} requests) ...", flush=True)
        warm = Stats()
        per = max(1, args.warmup // args.clients)
        threads = [
            threading.Thread(target=client, args=(port, 1000 + c, ask, warm, stop, per))
            for c in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        time.sleep(2)
        start_stats = server_stats(server.pid)
        print(
            f"  server: PSS {start_stats['pss_kb'] / 1024:.0f} MB, RSS "
            f"{start_stats['rss_kb'] / 1024:.0f} MB ({len(start_stats['workers'])} workers), "
            f"{start_stats['fds']} fds, {start_stats['threads']} threads; warm-up errors: "
            f"{len(warm.errors)}",
            flush=True,
        )

        stats = Stats()
        samples: list[tuple[float, dict[str, int]]] = []
        rounds: list[Round] = []
        began = time.monotonic()
        threads = [
            threading.Thread(
                target=client,
                args=(port, c, ask, stats, stop, args.max_requests),
                daemon=True,
            )
            for c in range(args.clients)
        ]
        for t in threads:
            t.start()
        print(
            f"load: {args.clients} clients for {args.duration:.0f} s, reindex every "
            f"{args.reindex_every:.0f} s ...",
            flush=True,
        )
        next_reindex, next_sample, n = began + args.reindex_every, began, 0
        while time.monotonic() - began < args.duration:
            now = time.monotonic()
            if now >= next_sample:
                samples.append((now - began, server_stats(server.pid)))
                next_sample = now + 5
            if now >= next_reindex:
                n += 1
                full = bool(args.full_every) and n % args.full_every == 0
                r = reindex_round(n, full, corpus, index, ids, port, server.pid, rng, args.changes)
                rounds.append(r)
                print(
                    f"  reindex {n}{' (full)' if full else ''}: {r.seconds:.1f} s, found "
                    f"{r.found}/{r.expected}, PSS {r.pss_mb_after:.0f} MB, {r.fds_after} fds "
                    f"{r.error}",
                    flush=True,
                )
                next_reindex = time.monotonic() + args.reindex_every
            time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join(timeout=HTTP_TIMEOUT + 10)
        elapsed = time.monotonic() - began
        time.sleep(2)
        end_stats = settled_stats(server.pid, start_stats["threads"])
        samples.append((time.monotonic() - began, end_stats))
        alive = server.poll() is None
    finally:
        stop.set()
        stop_server(server)
    try:
        print("opening a fresh server on the final index ...", flush=True)
        fresh_fds = fresh_server_fds(corpus, index, args, log, ask)
    finally:
        log.close()

    report = render(
        args,
        n_files,
        mb,
        build_s,
        build_summary,
        stats,
        elapsed,
        start_stats,
        end_stats,
        samples,
        rounds,
        alive,
        load_start,
        log_path,
        fresh_fds,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {args.out}")
    return 0 if not stats.errors and alive else 1


def render(
    args,
    n_files,
    mb,
    build_s,
    build_summary,
    stats: Stats,
    elapsed,
    start,
    end,
    samples,
    rounds: list[Round],
    alive: bool,
    load_start: float,
    log_path: Path,
    fresh_fds: int,
) -> str:
    every = [x for values in stats.latencies.values() for x in values]
    total = sum(stats.count.values())
    ms = 1000.0

    def row(kind: str, values: list[float]) -> list[object]:
        return [
            kind,
            len(values),
            percentile(values, 50) * ms,
            percentile(values, 95) * ms,
            percentile(values, 99) * ms,
            max(values) * ms if values else float("nan"),
        ]

    pss0, pss1 = start["pss_kb"] / 1024, end["pss_kb"] / 1024
    growth = (pss1 - pss0) / pss0 * 100 if pss0 else float("nan")
    pss_max = max(s["pss_kb"] for _, s in samples) / 1024 if samples else pss1
    anon0, anon1 = start["pss_anon_kb"] / 1024, end["pss_anon_kb"] / 1024
    anon_growth = (anon1 - anon0) / anon0 * 100 if anon0 else float("nan")
    rss0, rss1 = start["rss_kb"] / 1024, end["rss_kb"] / 1024
    rss_growth = (rss1 - rss0) / rss0 * 100 if rss0 else float("nan")

    def each(stats: dict[str, Any]) -> str:
        master = stats["master"]
        workers = "; ".join(f"{w['rss_kb'] / 1024:.0f} / {w['pss_kb'] / 1024:.0f}"
                            for w in stats["workers"].values())
        return (f"master {master['rss_kb'] / 1024:.0f} / {master['pss_kb'] / 1024:.0f}; "
                f"workers {workers}")
    fds_max = max(s["fds"] for _, s in samples) if samples else end["fds"]
    # where growth levels off: anonymous PSS just before each reindex (bounded caches fill
    # for the first minutes; a leak keeps the same pace)
    per_interval: dict[int, float] = {}
    for t, sample in samples:
        per_interval[int(t // args.reindex_every)] = sample["pss_anon_kb"] / 1024
    levels = [anon0, *(per_interval[k] for k in sorted(per_interval))]
    steps = ", ".join(f"{b - a:+.0f}" for a, b in zip(levels, levels[1:], strict=False))
    log_text = log_path.read_text("utf-8", "replace") if log_path.exists() else ""
    tracebacks = log_text.count("Traceback")
    full_note = f"; every {args.full_every}th run --full" if args.full_every else ""
    full_flag = f" --full-every {args.full_every}" if args.full_every else ""
    lines = [
        "# Load: searching while reindex runs",
        "",
        machine_header(),
        f"- 1-min load average: {load_start:.1f} before the run, {os.getloadavg()[0]:.1f} at "
        "the end, on 2 cores shared with this benchmark's own client threads and reindex "
        "runs (anything else running then distorts the latencies)",
        f"- corpus: {n_files} Russian releases ({mb:.1f} MB), copied to {args.workdir}",
        f"- index before the load: {build_s:.1f} s — {build_summary}",
        f"- server: `orbita-serve --workers {args.workers} --threads {args.threads}` (gunicorn "
        "forking waitress workers) on 127.0.0.1",
        f"- load: {args.warmup} warm-up requests, then {args.clients} client threads for "
        f"{elapsed:.0f} s; reindex every "
        f"{args.reindex_every:.0f} s ({args.changes} releases changed, 2 added, older ones "
        f"removed{full_note})",
        f"- command: `python -m bench.load --duration {args.duration:.0f} --clients "
        f"{args.clients} --workers {args.workers} --reindex-every {args.reindex_every:.0f}"
        f"{full_flag}`",
        "- memory: PSS (from /proc/PID/smaps_rollup) divides each page that several "
        "processes share among them, so the master's and the workers' PSS add up to what the "
        "server really takes; RSS counts a shared page in every process. Anonymous PSS is "
        "the processes' own memory (heaps, caches); the rest of PSS is mostly pages of the "
        "index files, which the processes map and the kernel may reclaim",
        "",
        "## Verdict",
        "",
        table(
            ["what", "figure", "target", "met"],
            [
                ["requests", total, "", ""],
                ["errors", len(stats.errors), "0", "yes" if not stats.errors else "NO"],
                [
                    "server alive at the end",
                    "yes" if alive else "NO",
                    "yes",
                    "yes" if alive else "NO",
                ],
                [
                    "server PSS (master + workers) after warm-up → end",
                    f"{pss0:.0f} → {pss1:.0f} MB ({growth:+.1f} %)",
                    "≤ +10 %",
                    "yes" if growth <= 10 else "NO",
                ],
                ["server PSS max during the run", f"{pss_max:.0f} MB", "", ""],
                [
                    "of which anonymous (master + workers) after warm-up → end",
                    f"{anon0:.0f} → {anon1:.0f} MB ({anon_growth:+.1f} %)", "", "",
                ],
                [
                    f"anonymous PSS growth in each {args.reindex_every:.0f} s",
                    f"{steps} MB", "", "",
                ],
                [
                    "server RSS (master + workers) after warm-up → end",
                    f"{rss0:.0f} → {rss1:.0f} MB ({rss_growth:+.1f} %)", "", "",
                ],
                ["RSS / PSS MB after warm-up", each(start), "", ""],
                ["RSS / PSS MB at the end", each(end), "", ""],
                ["open fds after warm-up → end (max)",
                 f"{start['fds']} → {end['fds']} ({fds_max})", "", ""],
                [
                    "open fds at the end ÷ a fresh server's on the final index (they grow with "
                    "its segments)",
                    f"{end['fds']} ÷ {fresh_fds}",
                    "no more",
                    "yes" if end["fds"] <= fresh_fds + 5 else "NO",
                ],
                ["threads after warm-up → end", f"{start['threads']} → {end['threads']}", "", ""],
                [
                    f"changed releases found right after each reindex ({CHECKS} searches)",
                    f"{sum(r.found == r.expected for r in rounds)}/{len(rounds)} runs",
                    "all",
                    "yes" if all(r.found == r.expected for r in rounds) else "NO",
                ],
                [
                    "tracebacks in the server log",
                    tracebacks,
                    "0",
                    "yes" if not tracebacks else "NO",
                ],
            ],
        ),
        "",
        "## Latency (ms)",
        "",
        f"{total} requests in {elapsed:.0f} s: {total / elapsed:.1f} requests/s.",
        "",
        table(
            ["kind", "requests", "p50", "p95", "p99", "max"],
            [row("all", every)]
            + [row(k, stats.latencies[k]) for k, _ in MIX if stats.latencies.get(k)]
            + (
                [row("transport", stats.latencies["transport"])]
                if stats.latencies.get("transport")
                else []
            ),
        ),
        "",
        "## Reindex runs during the load",
        "",
        table(
            ["run", "kind", "s", "changed", "found after (worst)", "server PSS MB", "fds",
             "report"],
            [
                [
                    r.n,
                    "full" if r.full else "incremental",
                    r.seconds,
                    r.changed,
                    f"{r.found}/{r.expected}",
                    f"{r.pss_mb_after:.0f}",
                    r.fds_after,
                    (r.error or r.summary)[:140],
                ]
                for r in rounds
            ],
        ),
        "",
        "## Server over time",
        "",
        table(
            ["t s", "PSS MB", "anonymous PSS MB", "RSS MB", "workers", "fds", "threads"],
            [
                [f"{t:.0f}", f"{s['pss_kb'] / 1024:.0f}", f"{s['pss_anon_kb'] / 1024:.0f}",
                 f"{s['rss_kb'] / 1024:.0f}",
                 len(s["workers"]), s["fds"], s["threads"]]
                for t, s in samples[:: max(1, len(samples) // 20)]
            ],
        ),
    ]
    if stats.errors:
        lines += ["", "## Errors (first 20)", "", *[f"- {e}" for e in stats.errors[:20]]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
