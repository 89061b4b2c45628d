"""Build, reindex and query timings over all Russian corpora (~9,500 documents, ~120 MB).

Each build runs from scratch in its own spawned process, so peak memory is per contender.
Orbita also gets an unchanged reindex and a one-changed-file reindex, each in a fresh
process as the ``reindex`` command would run. Query latency: a fixed-seed mix of query kinds
from the corpus titles, the XQuAD questions and the space set; Orbita's figure includes the
top-10 snippets, exactly as the page asks for them.

    python -m bench.speed [--corpora DIR] [--contenders orbita,snowball,plain,tantivy]
                          [--docs N] [--builds N] [--parts build,incremental,queries]
                          [--queries N] [--workdir DIR]

``--docs N`` builds on a fixed-seed sample of N documents (the same N gives the same files
every run), so that fixed costs (process start, dictionaries, writer processes) show up
beside the full corpus. ``--builds N`` builds each contender N times in turn and reports the
median (single builds here vary by up to 30 %). ``--parts build`` measures only the builds;
``--parts queries`` times the queries alone, over the indexes an earlier run left in
``--workdir`` (or Orbita's index folder ``--index``, e.g. one ``reindex`` wrote).
``--profile FILE`` also runs Orbita's queries once more under cProfile and saves the stats
(read them with ``python -m pstats FILE``).
``--against DIR`` also times the engine of another checkout (e.g. ``git worktree add --detach
DIR main``) over the same index, query by query in turn with this checkout's, so that both see
the same load on a shared machine; each engine then runs in a child process of its own, started
alike (searching in this process instead made its engine 5–20 % quicker on average than the
same engine in a child, whichever checkout it was). Their figures then compare with each
other, not with a run without ``--against``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing as mp
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from queue import Empty
from typing import Any

from bench.contenders import DEFAULT_CONTENDERS, BuildStats, Orbita, dir_size, make
from bench.corpus import (
    DEFAULT_CORPORA,
    DEFAULT_EVAL,
    REPO_ROOT,
    RESULTS_DIR,
    SPACE_QUERIES,
    doc_id,
    russian_files,
)
from bench.report import engine_version, machine_header, table

MB = 1024 * 1024
WORD = re.compile(r"[^\W\d_]{3,}")  # letters only, 3+ characters
MARKER = "орбитапереиндексация"  # a word no corpus contains, added by the changed-file test
PARTS = ("build", "incremental", "queries")


# --- child processes ----------------------------------------------------------------------


def _peak_rss_mb() -> float:
    """Peak RSS of this process or any finished child of it (ru_maxrss is in KiB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def _tree_rss_mb(pid: int) -> float:
    """Current RSS of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, todo = set(), [pid]
    while todo:
        p = todo.pop()
        tree.add(p)
        todo += [c for c, pp in parents.items() if pp == p and c not in tree]
    total = 0
    for p in tree:
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        except (OSError, AttributeError):
            continue
    return total / 1024


def _child(queue: Any, job: Callable[..., Any], args: tuple) -> None:
    t0 = time.perf_counter()
    try:
        result = job(*args)
        queue.put(("ok", result, _peak_rss_mb(), time.perf_counter() - t0))
    except BaseException as e:  # report any failure to the parent
        queue.put(("error", f"{type(e).__name__}: {e}", 0.0, 0.0))


def in_child(job: Callable[..., Any], *args: Any) -> tuple[Any, float, float]:
    """Run ``job(*args)`` in a fresh spawned process: (result, peak RSS MB, process seconds).

    Peak RSS is the larger of the child's own ru_maxrss and the /proc-polled sum over its
    process tree (which covers writers that fork helpers). A poll reads all of /proc (~15 ms
    on a busy machine): polled every quarter second, it takes little CPU from the child.
    """
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    t0 = time.perf_counter()
    proc = ctx.Process(target=_child, args=(queue, job, args))
    proc.start()
    polled = 0.0
    while proc.is_alive() and queue.empty():
        polled = max(polled, _tree_rss_mb(proc.pid))  # type: ignore[arg-type]
        time.sleep(0.25)
    try:
        status, result, rss, _inner = queue.get(timeout=60)
    except Empty:
        raise RuntimeError(f"child died without a result (exit code {proc.exitcode})") from None
    proc.join()
    wall = time.perf_counter() - t0  # includes interpreter start and imports
    if status != "ok":
        raise RuntimeError(f"child failed: {result}")
    return result, max(rss, polled), wall


def build_job(name: str, root: str, files: list[str], workdir: str) -> BuildStats:
    return make(name, Path(root)).build([Path(f) for f in files], Path(workdir))


def reindex_job(root: str, workdir: str) -> tuple[float, str, int | None]:
    """(seconds, the report's summary, number of documents added+updated+removed)."""
    orbita = Orbita(Path(root))
    seconds = orbita.reindex(Path(workdir))
    report = orbita.last_report
    summary = getattr(report, "summary", None)
    text = summary() if callable(summary) else str(report)
    return seconds, text, getattr(report, "changed", None)


# --- queries ------------------------------------------------------------------------------


def make_queries(corpora: Path, files: list[Path], n: int, seed: int) -> list[tuple[str, str]]:
    """(kind, query) pairs: every space-set query, then a fixed-seed mix from titles/questions."""
    rng = random.Random(seed)
    titles = []
    for f in files:
        with f.open(encoding="utf-8") as fh:
            titles.append(fh.readline().strip())
    words_of = [[w.lower() for w in WORD.findall(t)] for t in titles]
    words_of = [ws for ws in words_of if len(ws) >= 2]
    freq = Counter(w for ws in words_of for w in ws)
    frequent = [w for w, _ in freq.most_common(300) if len(w) >= 4]
    rare = sorted(w for w, c in freq.items() if c == 1 and len(w) >= 5)
    questions = [json.loads(line)["query"] for line in DEFAULT_EVAL.read_text().splitlines()]

    def span(lo: int, hi: int) -> str:
        ws = rng.choice([ws for ws in words_of if len(ws) >= lo])
        size = rng.randint(lo, min(hi, len(ws)))
        start = rng.randint(0, len(ws) - size)
        return " ".join(ws[start : start + size])

    makers: list[tuple[str, float, Callable[[], str]]] = [
        ("frequent word", 0.15, lambda: rng.choice(frequent)),
        ("rare word", 0.15, lambda: rng.choice(rare)),
        ("2-4 words", 0.25, lambda: span(2, 4)),
        ('"phrase"', 0.15, lambda: f'"{span(2, 3)}"'),
        ("question", 0.20, lambda: rng.choice(questions)),
        ("prefix*", 0.10, lambda: rng.choice(["косм", *(w[:5] for w in frequent)]) + "*"),
    ]
    lines = SPACE_QUERIES.read_text().splitlines() if SPACE_QUERIES.exists() else []
    space = [json.loads(line) for line in lines if line]
    queries = [(f"space {r['kind']}", r["query"]) for r in space]
    queries.append(("prefix*", "косм*"))
    rest = max(0, n - len(queries))
    for kind, share, maker in makers:
        queries += [(kind, maker()) for _ in range(round(rest * share))]
    queries += [("2-4 words", span(2, 4)) for _ in range(n - len(queries))]  # rounding
    rng.shuffle(queries)
    return queries


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    i = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[i]


def latencies(
    name: str, root: Path, workdir: Path, queries: list[tuple[str, str]],
    index: Path | None = None, profile: Path | None = None,
) -> list[tuple[float, str, str]]:
    """(ms, kind, query) per query, after a warm-up; Orbita reads `index` when given. With
    `profile`, the queries run once more under cProfile, whose stats are saved there."""
    contender = make(name, root)
    if index is not None and isinstance(contender, Orbita):
        contender.open_index(index)
    else:
        contender.open(workdir)
    timed = []
    try:
        for _kind, q in queries[:20]:  # warm-up: caches, lazily loaded segments
            contender.search(q, 10)
        for kind, q in queries:
            t0 = time.perf_counter()
            contender.search(q, 10)
            timed.append((1000 * (time.perf_counter() - t0), kind, q))
        if profile is not None:
            profiler = cProfile.Profile()
            profiler.enable()
            for _kind, q in queries:
                contender.search(q, 10)
            profiler.disable()
            profiler.dump_stats(str(profile))
    finally:
        contender.close()
    return timed


def paired_latencies(queries: list[tuple[str, str]], engines: list[OtherEngine]) -> None:
    """Each query on every engine in turn, after a warm-up, each engine first as often as
    the others (their timings are kept in them)."""
    for _kind, q in queries[:20]:
        for engine in engines:
            engine.search(q)
    for n, (kind, q) in enumerate(queries):
        for engine in engines[n % len(engines):] + engines[:n % len(engines)]:
            engine.timed.append((engine.search(q), kind, q))


class OtherEngine:
    """The engine of a checkout, searching one index in a child process: the page's call
    (top 10 with snippets), timed there."""

    def __init__(self, checkout: Path, index: Path) -> None:
        self.label = f"orbita @ {engine_version(checkout)}"
        self.timed: list[tuple[float, str, str]] = []
        code = ("from bench.speed import serve_queries; "
                f"serve_queries({str(checkout)!r}, {str(index)!r})")
        self._proc = subprocess.Popen(
            [sys.executable, "-c", code], cwd=REPO_ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )

    def search(self, query: str) -> float:
        """Milliseconds the other engine took."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(query) + "\n")
        self._proc.stdin.flush()
        return float(self._proc.stdout.readline())

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait(timeout=60)


def serve_queries(checkout: str, index: str) -> None:
    """In the child: the checkout's engine answers the queries read from stdin (one JSON
    string a line) with the milliseconds each took."""
    sys.path.insert(0, checkout)  # its `search` package, not this one's
    from search.engine import Engine, QueryError, SearchRequest

    engine = Engine(Path(index))
    for line in sys.stdin:
        t0 = time.perf_counter()
        try:
            engine.search(SearchRequest(json.loads(line), per_page=10))
        except QueryError:
            pass
        print(1000 * (time.perf_counter() - t0), flush=True)
    engine.close()


# --- main ---------------------------------------------------------------------------------


def orbita_incremental(root: Path, workdir: Path, changed: str) -> tuple[list[list[object]], str]:
    """Unchanged reindex, then one altered file; checks the change is searchable.

    Returns the table rows and a warning when more than expected was reindexed (typically
    the engine's index format changed since the build: rerun the benchmark).
    """
    rows: list[list[object]] = []
    warning = ""
    for label, expected in (("nothing changed", 0), ("one file changed", 1)):
        if expected:
            target = workdir / "corpus" / changed  # a private copy, never the shared corpus
            with target.open("a", encoding="utf-8") as fh:
                fh.write(f"\n\nДополнение к материалу: {MARKER}.\n")
        (seconds, summary, n_changed), rss, wall = in_child(reindex_job, str(root), str(workdir))
        if n_changed is not None and n_changed != expected:
            warning = f"WARNING: {label}: {n_changed} documents reindexed, expected {expected}"
        if expected:
            orbita = Orbita(root)
            orbita.open(workdir)
            label += f" (found: {orbita.search(MARKER, 10) == [changed]})"
            orbita.close()
        rows.append([label, seconds, wall, rss, summary])
    return rows, warning


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--contenders", default=",".join(DEFAULT_CONTENDERS))
    ap.add_argument("--queries", type=int, default=400, help="latency queries (at least 300)")
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--docs", type=int, default=0,
                    help="build on a fixed-seed sample of this many documents (0: all)")
    ap.add_argument("--builds", type=int, default=1,
                    help="build each contender this many times, in turn; report the median")
    ap.add_argument("--parts", default=",".join(PARTS),
                    help=f"what to measure, of {','.join(PARTS)}")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-bench/speed"))
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "speed.md")
    ap.add_argument("--index", type=Path, default=None,
                    help="with --parts queries: Orbita's index folder (default: in --workdir)")
    ap.add_argument("--profile", type=Path, default=None,
                    help="save cProfile stats of Orbita's queries to this file")
    ap.add_argument("--against", type=Path, default=None,
                    help="also time another checkout's engine, query by query in turn")
    args = ap.parse_args(argv)

    names = [n.strip() for n in args.contenders.split(",") if n.strip()]
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if parts - set(PARTS):
        raise SystemExit(f"Unknown parts {', '.join(sorted(parts - set(PARTS)))}")
    if args.index is not None and parts != {"queries"}:
        ap.error("--index needs --parts queries")
    if args.profile is not None and args.against is not None:
        # the engines then search in child processes: profile this one in a run of its own
        ap.error("--profile and --against go in separate runs")
    if "build" not in parts:  # the contenders an earlier run built
        names = [n for n in names if (n == "orbita" and args.index is not None)
                 or (args.workdir / n / "index").exists()]
        if not names:
            ap.error(f"no index in {args.workdir} (run the build part first, or give --index)")
    root = args.corpora.resolve()
    files = russian_files(root)
    everything = len(files)
    if 0 < args.docs < len(files):
        files = sample(files, args.docs, args.seed)
    input_mb = sum(f.stat().st_size for f in files) / MB
    load_before = os.getloadavg()[0]
    sampled = f" (a fixed-seed sample of all {everything})" if len(files) < everything else ""
    report = [
        "# Speed\n",
        machine_header(),
        f"- corpus: {len(files)} Russian documents{sampled}, {input_mb:.1f} MB of text\n",
    ]

    if "build" in parts:
        report += build_section(names, root, files, args.workdir, args.builds)
    if "orbita" in names and "incremental" in parts:
        report += incremental_section(root, files, args.workdir)
    if "queries" in parts:
        report += queries_section(names, root, files, args)

    load_after = os.getloadavg()[0]
    load = f"1-min load average: {load_before:.1f} at the start, {load_after:.1f} at the end"
    print(load)
    report.insert(3, f"- {load} (other processes distort every figure; compare within one run)\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)


def sample(files: list[Path], n: int, seed: int) -> list[Path]:
    """A fixed-seed sample of `n` files, in corpus order: every corpus in its proportion."""
    chosen = set(random.Random(seed).sample(range(len(files)), n))
    return [f for i, f in enumerate(files) if i in chosen]


def build_section(names: list[str], root: Path, files: list[Path], workdir_root: Path,
                  builds: int = 1) -> list[str]:
    """Each contender's build from scratch, `builds` times in rounds (the contenders' order
    reversed every other round, so that none always runs first): the median is reported,
    as one build on this machine can take 30 % longer than the next."""
    input_mb = sum(f.stat().st_size for f in files) / MB
    runs: dict[str, list[tuple[BuildStats, float]]] = {name: [] for name in names}
    for round_ in range(builds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            print(f"build: {name} ({round_ + 1} of {builds}) …", file=sys.stderr, flush=True)
            stats, rss, _wall = in_child(
                build_job, name, str(root), [str(f) for f in files], str(workdir_root / name)
            )
            runs[name].append((stats, rss))
    build_rows, rates = [], {}
    for name in names:
        stats = runs[name][-1][0]
        seconds = statistics.median(s.seconds for s, _ in runs[name])
        rates[name] = stats.docs / seconds
        row = [
            name,
            stats.docs,
            f"{seconds:.1f}",
            f"{stats.docs / seconds:.0f}",
            f"{stats.input_bytes / MB / seconds:.2f}",
            f"{max(rss for _, rss in runs[name]):.0f}",
            f"{dir_size(workdir_root / name / 'index') / MB:.0f}",
        ]
        if builds > 1:
            row.append(", ".join(f"{s.seconds:.1f}" for s, _ in runs[name]))
        build_rows.append(row)
    header = ["contender", "docs", "build s", "docs/s", "MB/s", "peak RSS MB", "index MB"]
    if builds > 1:
        header[2] = f"build s (median of {builds})"
        header.append("each build s")
    text = table(header, build_rows)
    if "orbita" in rates and "snowball" in rates:
        text += (f"\n\nOrbita builds {rates['orbita'] / rates['snowball']:.2f}× as many "
                 "documents a second as Whoosh + Snowball.")
        if builds > 1:
            # the two builds of one round ran back to back: their ratio is spared the drift
            # of this machine's speed from one minute to the next
            ratios = [snowball.seconds / orbita.seconds for (orbita, _), (snowball, _)
                      in zip(runs["orbita"], runs["snowball"], strict=True)]
            text += (" Round by round: " + ", ".join(f"{r:.2f}×" for r in ratios)
                     + f" (median {statistics.median(ratios):.2f}×).")
    print(f"\nBuild from scratch ({len(files)} docs, {input_mb:.1f} MB)\n{text}\n")
    return ["\n## Build from scratch\n", text]


def incremental_section(root: Path, files: list[Path], workdir_root: Path) -> list[str]:
    """Orbita's reindex of the index the build wrote (run the build part first)."""
    changed = doc_id(files[len(files) // 2], root)
    rows, warning = orbita_incremental(root, workdir_root / "orbita", changed)
    text = table(["Orbita reindex", "reindex s", "process s", "peak RSS MB", "report"], rows)
    text += f"\n\n**{warning}**" if warning else ""
    print(f"{text}\n")
    return [
        "\n## Orbita incremental reindex\n",
        text,
        "\n`reindex s`: the `reindex()` call; `process s`: a fresh process running it "
        "(interpreter start and imports included).",
    ]


def queries_section(
    names: list[str], root: Path, files: list[Path], args: argparse.Namespace
) -> list[str]:
    report: list[str] = []
    # The builds just written are still being flushed to disk: let that end first (right
    # after the builds, Orbita's queries measured p95 16 ms against 11 in a run of their own).
    os.sync()
    queries = make_queries(root, files, args.queries, args.seed)
    kinds = sorted({k for k, _ in queries})
    lat_rows, kind_rows, p50_rows, slowest = [], [], [], []
    for name in names:
        print(f"queries: {name} …", file=sys.stderr, flush=True)
        profile = args.profile if name == "orbita" else None
        if name == "orbita" and args.against is not None:
            index = (args.index or args.workdir / name / "index").resolve()
            engines = [OtherEngine(REPO_ROOT, index), OtherEngine(args.against.resolve(), index)]
            try:
                paired_latencies(queries, engines)
            finally:
                for engine in engines:
                    engine.close()
            timed = sorted(engines[0].timed, reverse=True)
            runs = [(name, timed), (engines[1].label, engines[1].timed)]
        else:
            timed = sorted(
                latencies(name, root, args.workdir / name, queries, args.index, profile),
                reverse=True,
            )
            runs = [(name, timed)]
        for label, found in runs:
            every = sorted(ms for ms, _, _ in found)
            per_kind: dict[str, list[float]] = defaultdict(list)
            for ms, kind, _q in found:
                per_kind[kind].append(ms)
            lat_rows.append(
                [
                    label,
                    len(every),
                    *(percentile(every, p) for p in (50, 95, 99)),
                    sum(every) / len(every),
                    every[-1],
                ]
            )
            kind_rows.append([label, *(percentile(sorted(per_kind[k]), 95) for k in kinds)])
            p50_rows.append([label, *(percentile(sorted(per_kind[k]), 50) for k in kinds)])
        if name == "orbita":
            slowest = [[f"{ms:.1f}", kind, q] for ms, kind, q in timed[:10]]
    text = table(
        ["contender", "queries", "p50 ms", "p95 ms", "p99 ms", "mean ms", "max ms"], lat_rows
    )
    counts = Counter(k for k, _ in queries)
    by_kind = table(["p95 ms by kind", *(f"{k} ({counts[k]})" for k in kinds)], kind_rows)
    by_kind += "\n\n" + table(["p50 ms by kind", *(f"{k} ({counts[k]})" for k in kinds)],
                              p50_rows)
    print(f"Query latency, top 10 (Orbita with snippets)\n{text}\n\n{by_kind}\n")
    report += ["\n## Query latency (top 10; Orbita with snippets)\n", text, "", by_kind]
    if args.against is not None:
        report += ["", f"`orbita @ …`: the engine of {args.against}, run query by query in turn "
                   "with this one (each first half of the time), each in a child process of "
                   "its own, over the same index."]
    if slowest:
        text = table(["ms", "kind", "Orbita's slowest queries"], slowest)
        print(f"{text}\n")
        report += ["", text]
    return report


if __name__ == "__main__":
    main()
