"""How Orbita's costs grow with the archive: 10,000, 30,000 and 100,000 releases.

    python -m bench.scale                          # 10k, 30k, 100k (~1 h on 2 cores)
    python -m bench.scale --sizes 1000,3000 --queries 100 --out /tmp/scale.md

The shared corpora hold ~9,500 Russian documents, so larger archives are generated from them
(``generate``), deterministically (``--seed``), into ``--workdir`` (``/tmp/orbita-scale``,
never the repository): one corpus folder per size, ``n<size>/corpus``, the smaller archives
being prefixes of the larger ones (release *i* is the same in every size).

How a release is made. Every paragraph (a body line of 80+ characters) of every ``ru_*``
document goes into one pool, shuffled once. Release *i* takes the next 3–8 paragraphs of the
pool, each from a different source document, under a real title (the real titles first, in
shuffled order; once they are used up, the first sentence of another paragraph). Its agency
is one of ``search/data/sources.txt``'s keys, weighted towards Roscosmos and the Kazakh
agencies, and is the release's first folder (``roscosmos/2019/roscosmos-000123.txt``: the
engine takes the first folder of the id as the source, as for the repository's ``corpus/``).
Its date, uniform over 2000–2025, is written as real releases give it: a dateline as the
first body line («Байконур, 14.05.2019», «14 мая 2019 г.», «Москва, 14 мая 2019 года»),
or, for one release in five, unfenced front matter (``date: 2019-05-14``, ``source:`` one of
the agency's other names, which the engine maps back to the same key).

Why the vocabulary grows as in a real archive. Until the pool is used up (~180,000
paragraphs: ~33,000 releases) every release is new real text, and distinct terms grow as in
the real corpus. After that, paragraphs come round again; recombining them alone would add no
new words, while a real archive keeps meeting new names, places and craft (Heaps' law,
V = K·n^β). So from then on the generator keeps V on the curve that continues the real
corpus's exponent: while V is below ``V(wrap)·(i / i_wrap)^β_real`` it replaces proper names
(capitalised words inside a sentence) of the release by coined ones, spliced from the start of
one real name and the inflected end of another («Рогоз» + «ановым»), so each coined name is a
new term with a Russian ending. The report measures distinct terms (lower-cased letter runs)
against documents for the real corpus (shuffled) and the generated one and fits β on both,
over the sizes the real corpus allows and over the whole generated range.

Per size, each step in a fresh process as the ``reindex`` command runs it: a full build
(``reindex --full``; docs/s, index size on disk, peak RSS of the process tree), a reindex with
nothing changed, a reindex after 10 releases changed (then found by the server). Then the real
server, ``python -m web --workers 1`` (gunicorn, one worker), on a loopback port: once its
completions are built and one pass of the query mix has warmed it, the RSS of its process tree
from /proc; then one client timing ``/api/search`` (top 10 with snippets) over the fixed query
mix of ``bench.speed`` and ``/api/suggest`` keystroke by keystroke. In-process search latency
(``bench.speed``'s call, as in ``speed.md``) is given beside it.

On a machine shared with other jobs wall times grow with the load, so the server's CPU time
per request (its threads' run time from /proc/*/task/*/schedstat, read before and after each
request of the one client) and the build's CPU time (user + system, helpers included) are
given beside them: what the work costs with a core to itself. ``--keep-build`` measures all
but the build again on the indexes already built; ``--report-only`` writes the report from the sizes
measured before (each size's figures are kept in ``n<size>/results.json``).

Growth: each figure is fitted as a·n^b (least squares on logs over the sizes), extrapolated to
100,000 releases, and the size at which it would cross its target is given. Report:
``bench/results/scale.md`` (``--out``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.contenders import Orbita, dir_size
from bench.corpus import DEFAULT_CORPORA, RESULTS_DIR, read_doc, russian_files
from bench.load import free_port, get, stop_server
from bench.report import machine_header, table
from bench.speed import _tree_rss_mb, in_child, latencies, make_queries, percentile, reindex_job

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATOR = 1  # bump when the generated text changes: work folders are then regenerated
MB = 1024 * 1024
TERM = re.compile(r"[^\W\d_]+")
# a capitalised word inside a sentence (after a lower-case word or a comma): a proper name
NAME = re.compile(r"(?<=[а-яё,] )[А-ЯЁ][а-яё]{4,}")
SENTENCE = re.compile(r"^(.{20,140}?[.!?])(?:\s|$)")
MARKER = "орбитамасштабзамена"  # a word no corpus contains, added to the changed releases
CHANGED = 10
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря")
# key, weight, other names (for front matter), cities for datelines
AGENCIES = [
    ("roscosmos", 30, ["Госкорпорация «Роскосмос»", "Роскосмос"], ["Москва", "Байконур"]),
    ("mdai-kz", 12, ["МЦРИАП РК", "Аэрокосмический комитет МЦРИАП РК"], ["Астана"]),
    ("kazcosmos", 10, ["Казкосмос"], ["Астана", "Алматы"]),
    ("nasa", 10, ["НАСА", "NASA"], ["Вашингтон", "Хьюстон"]),
    ("esa", 8, ["ЕКА", "Европейское космическое агентство"], ["Париж"]),
    ("energia", 8, ["РКК «Энергия»"], ["Королёв"]),
    ("tsenki", 8, ["ЦЭНКИ"], ["Байконур", "Москва"]),
    ("khrunichev", 6, ["Центр Хруничева"], ["Москва"]),
    ("jaxa", 4, ["JAXA"], ["Токио"]),
    ("cnsa", 2, ["CNSA"], ["Пекин"]),
    ("isro", 2, ["ISRO"], ["Бангалор"]),
]
# targets at 100,000 releases on 2 cores: figure key -> (limit, what)
TARGETS = {
    "http_p95": (60.0, "search p95 ≤ 60 ms (top 10 with snippets), wall time"),
    "http_cpu_p95": (60.0, "search p95 ≤ 60 ms, in the server's CPU time"),
    "server_rss": (2048.0, "server RSS ≤ 2 GB"),
    "unchanged_process": (5.0, "unchanged reindex ≤ 5 s (the command: a fresh process)"),
    "unchanged_cpu": (5.0, "unchanged reindex ≤ 5 s, in CPU time"),
    "build_s": (1500.0, "full build ≤ 25 min"),
    "build_cpu_s": (1500.0, "full build ≤ 25 min, in CPU time"),
}


# --- the generated archive ---------------------------------------------------------------------


@dataclass
class Material:
    """The real text releases are made of: titles, paragraphs (source doc, text), names."""

    titles: list[str]
    paragraphs: list[tuple[int, str]]
    names: list[str]
    real_heaps: list[tuple[int, int, int]]  # (documents, tokens, distinct terms), shuffled order


def load_material(corpora: Path, seed: int) -> Material:
    files = russian_files(corpora)
    random.Random(seed).shuffle(files)
    titles, paragraphs, names = [], [], set()
    seen: set[str] = set()
    tokens, heaps = 0, []
    marks = set(checkpoints(len(files)))
    for n, f in enumerate(files):
        title, body = read_doc(f)
        words = TERM.findall(f"{title}\n{body}".lower())
        tokens += len(words)
        seen.update(words)
        if n + 1 in marks:
            heaps.append((n + 1, tokens, len(seen)))
        if title:
            titles.append(title)
        for line in body.split("\n"):
            line = line.strip()
            if len(line) >= 80:
                paragraphs.append((n, line))
                names.update(NAME.findall(line))
    rng = random.Random(seed + 1)
    rng.shuffle(titles)
    rng.shuffle(paragraphs)
    return Material(titles, paragraphs, sorted(names), heaps)


def checkpoints(limit: int) -> list[int]:
    """1000, 2000, 3000, 5000, 10000, 20000, 30000, 50000, … up to `limit`, and `limit`."""
    out = [m * 10**e for e in range(3, 7) for m in (1, 2, 3, 5) if m * 10**e < limit]
    return [*out, limit]


@dataclass
class Generated:
    doc_id: str
    text: str


@dataclass
class Generator:
    """Releases one after another; release i depends only on the seed and i."""

    material: Material
    seed: int
    beta: float  # the real corpus's Heaps exponent, continued once paragraphs repeat
    seen: set[str] = field(default_factory=set)
    tokens: int = 0
    heaps: list[tuple[int, int, int]] = field(default_factory=list)
    coined: int = 0
    wrap_at: int = 0  # releases made when the paragraph pool first came round
    wrap_terms: int = 0

    def releases(self, count: int) -> Iterator[Generated]:
        rng = random.Random(self.seed)
        m = self.material
        pool, at, titles_used, rounds = m.paragraphs, 0, 0, 0
        weights = [w for _, w, _, _ in AGENCIES]
        marks = set(checkpoints(count))
        start = date(2000, 1, 1)
        for i in range(1, count + 1):
            k = rng.randint(3, 8)
            chosen: list[str] = []
            sources: set[int] = set()
            while len(chosen) < k:
                if at == len(pool):  # a new order each round: no two releases alike
                    at, rounds = 0, rounds + 1
                    pool = pool[:]
                    random.Random(self.seed + rounds).shuffle(pool)
                    if not self.wrap_at:
                        self.wrap_at, self.wrap_terms = i - 1, len(self.seen)
                src, text = pool[at]
                at += 1
                if src not in sources:  # a paragraph of a document already used is skipped
                    sources.add(src)
                    chosen.append(text)
            if titles_used < len(m.titles):
                title = m.titles[titles_used]
                titles_used += 1
            else:
                sentence = SENTENCE.match(rng.choice(pool)[1])
                lead = chosen[0][:100].rsplit(" ", 1)[0]
                title = sentence.group(1).rstrip(".") if sentence else lead
            key, _w, aliases, cities = rng.choices(AGENCIES, weights)[0]
            day = start + timedelta(days=rng.randrange(26 * 365))
            body = "\n\n".join(chosen)
            words = TERM.findall(f"{title}\n{body}".lower())
            if self.wrap_at:
                target = self.wrap_terms * (i / self.wrap_at) ** self.beta
                new = len(set(words) - self.seen)
                short = int(target - len(self.seen) - new)
                if short > 0:
                    body = self._coin(body, short, rng)
                    words = TERM.findall(f"{title}\n{body}".lower())
            self.tokens += len(words)
            self.seen.update(words)
            if i in marks:
                self.heaps.append((i, self.tokens, len(self.seen)))
            style = rng.random()
            if style < 0.2:
                head = f"date: {day.isoformat()}\nsource: {rng.choice(aliases)}\n\n{title}\n\n"
            else:
                head = f"{title}\n\n{dateline(day, rng.choice(cities), style)}\n\n"
            yield Generated(f"{key}/{day.year}/{key}-{i:06d}.txt", head + body + "\n")

    def _coin(self, body: str, wanted: int, rng: random.Random) -> str:
        """Replace up to `wanted` proper names of `body` by coined ones, never seen before."""
        names = self.material.names
        mapping: dict[str, str] = {}
        for name in NAME.findall(body):
            if len(mapping) >= wanted:
                break
            if name in mapping:
                continue
            for _ in range(20):
                a, b = rng.choice(names), rng.choice(names)
                head = a[: rng.randint(3, len(a) - 2)]
                tail = b[-rng.randint(2, min(5, len(b) - 2)):]
                coined = head + tail
                if coined.lower() not in self.seen and coined not in mapping.values():
                    mapping[name] = coined
                    self.coined += 1
                    break
        if not mapping:
            return body
        return NAME.sub(lambda mt: mapping.get(mt.group(), mt.group()), body)


def dateline(day: date, city: str, style: float) -> str:
    if style < 0.5:
        return f"{city}, {day.day:02d}.{day.month:02d}.{day.year}"
    if style < 0.75:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year} г."
    return f"{city}, {day.day} {MONTHS[day.month - 1]} {day.year} года"


def heaps_beta(points: Sequence[tuple[int, int, int]], lo: int = 1, hi: int = 10**9) -> float:
    """β of V = K·n^β (n: documents), least squares on logs over the points in [lo, hi]."""
    xs = [(n, v) for n, _t, v in points if lo <= n <= hi]
    return fit([n for n, _ in xs], [v for _, v in xs])[1] if len(xs) >= 2 else float("nan")


def vocabulary_stats(workdir: Path, size: int) -> dict[str, Any] | None:
    """The measurements of the largest archive generated in `workdir`, if it has `size`."""
    found = sorted((int(f.stem.split("-")[1]), f) for f in workdir.glob("vocabulary-*.json"))
    return json.loads(found[-1][1].read_text()) if found and found[-1][0] >= size else None


def generate(corpora: Path, workdir: Path, sizes: list[int], seed: int) -> dict[str, Any]:
    """Write the archives that are missing; returns the vocabulary measurements."""
    want = {"generator": GENERATOR, "seed": seed, "corpora": str(corpora)}
    stamp_of = {n: workdir / f"n{n}" / "generated.json" for n in sizes}
    stats_file = workdir / f"vocabulary-{max(sizes)}.json"
    fresh = all(
        s.exists() and json.loads(s.read_text()) == {**want, "docs": n} for n, s in stamp_of.items()
    )
    known = vocabulary_stats(workdir, max(sizes))
    if fresh and known is not None and known["want"] == want:
        return known
    t0 = time.perf_counter()
    material = load_material(corpora, seed)
    beta_real = heaps_beta(material.real_heaps)
    gen = Generator(material, seed, beta_real)
    for n in sizes:
        stamp_of[n].unlink(missing_ok=True)
        corpus = workdir / f"n{n}" / "corpus"
        if corpus.exists():
            subprocess.run(["rm", "-rf", str(corpus)], check=True)
    made_dirs: set[Path] = set()
    written = dict.fromkeys(sizes, 0)
    for i, doc in enumerate(gen.releases(max(sizes)), start=1):
        data = doc.text.encode("utf-8")
        for n in sizes:
            if i <= n:
                path = workdir / f"n{n}" / "corpus" / doc.doc_id
                if path.parent not in made_dirs:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    made_dirs.add(path.parent)
                path.write_bytes(data)
                written[n] += len(data)
    for n in sizes:
        stamp_of[n].write_text(json.dumps({**want, "docs": n}))
    stats = {
        "want": want,
        "seconds": time.perf_counter() - t0,
        "real": material.real_heaps,
        "generated": gen.heaps,
        "beta_real": beta_real,
        "paragraphs": len(material.paragraphs),
        "titles": len(material.titles),
        "wrap_at": gen.wrap_at,
        "coined": gen.coined,
        "mb": {str(n): written[n] / MB for n in sizes},
    }
    stats_file.write_text(json.dumps(stats))
    return stats


# --- measurements --------------------------------------------------------------------------


def full_build_job(workdir: str) -> tuple[float, str, float]:
    """(seconds, the report's summary, CPU seconds of the process and its helpers)."""
    orbita = Orbita(Path(workdir))
    seconds = orbita.reindex(Path(workdir), full=True)
    return seconds, orbita.last_report.summary(), process_cpu_s()


def reindex_cpu_job(root: str, workdir: str) -> tuple[float, str, int | None, float]:
    """``bench.speed``'s reindex job, and the CPU seconds of the whole process."""
    return (*reindex_job(root, workdir), process_cpu_s())


def change_files(corpus: Path, count: int) -> tuple[list[str], dict[Path, bytes]]:
    """Append a paragraph with MARKER to `count` evenly spaced releases; the originals back."""
    files = sorted(p for p in corpus.rglob("*.txt"))
    step = max(1, len(files) // count)
    picked = files[step // 2 :: step][:count]
    originals = {p: p.read_bytes() for p in picked}
    for p in picked:
        with p.open("a", encoding="utf-8") as fh:
            fh.write(f"\nДополнение к релизу: {MARKER}.\n")
    return sorted(p.relative_to(corpus).as_posix() for p in picked), originals


def start_server(corpus: Path, index: Path, port: int, log: Any) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "web", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1", "--index", str(index), "--corpus", str(corpus)],
        cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )


def wait_for(port: int, path: str, ok: Any, server: subprocess.Popen, timeout: float) -> float:
    """Ask `path` every 0.2 s until `ok(status, body)`; seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"server exited ({server.returncode})")
        try:
            status, body = get(port, path)
            if ok(status, body):
                return time.monotonic() - t0
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer to {path} within {timeout:.0f} s")


def tree_pids(pid: int) -> list[int]:
    """A process and its descendants (the gunicorn master and its worker)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        todo += [int(c) for c in children]
    return out


def cpu_ms(pids: list[int]) -> float:
    """CPU time the processes' threads have run, from /proc/*/task/*/schedstat (ns).

    On a machine shared with other jobs, a request's wall time counts the time its thread
    waited for a core; its CPU time does not, so it is what the request costs by itself."""
    total = 0
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                total += int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
    return total / 1e6


def process_cpu_s() -> float:
    """CPU seconds of this process and its finished children (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed_get(port: int, path: str) -> tuple[float, int, bytes]:
    t0 = time.perf_counter()
    status, body = get(port, path)
    return 1000 * (time.perf_counter() - t0), status, body


def serve_and_time(
    corpus: Path, index: Path, queries: list[tuple[str, str]], warm: list[tuple[str, str]],
    prefixes: list[str], changed: list[str] | None, log_path: Path,
) -> dict[str, Any]:
    port = free_port()
    with log_path.open("w") as log:
        server = start_server(corpus, index, port, log)
        try:
            out: dict[str, Any] = {}
            out["healthz_s"] = wait_for(port, "/healthz", lambda s, _b: s == 200, server, 600)
            out["suggest_ready_s"] = out["healthz_s"] + wait_for(
                port, "/api/suggest?q=" + quote("косм"),
                lambda s, b: s == 200 and json.loads(b)["suggestions"], server, 1800,
            )
            if changed is not None:
                found = json.loads(get(port, "/api/search?q=" + quote(MARKER))[1])
                out["changed_found"] = sorted(h["id"] for h in found["hits"]) == changed
            errors = 0
            for _kind, q in warm:  # warm-up: one pass of a query mix of its own
                errors += timed_get(port, "/api/search?q=" + quote(q))[1] != 200
            for p in prefixes[: len(prefixes) // 2]:
                errors += timed_get(port, "/api/suggest?q=" + quote(p))[1] != 200
            time.sleep(1)
            out["rss_warm"] = _tree_rss_mb(server.pid)
            pids = tree_pids(server.pid)
            search_ms: list[float] = []
            search_cpu: list[float] = []
            suggest_ms: list[float] = []
            suggest_cpu: list[float] = []
            for path, walls, cpus in [("/api/search?q=" + quote(q), search_ms, search_cpu)
                                      for _kind, q in queries] + [
                                     ("/api/suggest?q=" + quote(p), suggest_ms, suggest_cpu)
                                      for p in prefixes]:
                cpu0 = cpu_ms(pids)
                ms, status, _ = timed_get(port, path)
                cpus.append(cpu_ms(pids) - cpu0)
                errors += status != 200
                walls.append(ms)
            out["rss_end"] = _tree_rss_mb(server.pid)
            out["errors"] = errors
            out["search_ms"] = search_ms
            out["suggest_ms"] = suggest_ms
            out["http_cpu_p50"] = percentile(sorted(search_cpu), 50)
            out["http_cpu_p95"] = percentile(sorted(search_cpu), 95)
            out["suggest_cpu_p95"] = percentile(sorted(suggest_cpu), 95)
            return out
        finally:
            stop_server(server)


def keystroke_prefixes(corpus: Path, count: int, seed: int) -> list[str]:
    """What a person typing the first two words of sampled titles sends, keystroke by keystroke."""
    files = sorted(corpus.rglob("*.txt"))
    rng = random.Random(seed)
    out: list[str] = []
    for f in rng.sample(files, min(len(files), 200)):
        lines = f.read_text(encoding="utf-8").split("\n")
        title = next(line for line in lines if line and not line.startswith(("date:", "source:")))
        typed = " ".join(w.lower() for w in TERM.findall(title)[:2])
        out += [typed[:n] for n in range(2, len(typed) + 1)]
        if len(out) >= count:
            break
    return out[:count]


def measure(size: int, workdir: Path, n_queries: int, seed: int,
            built: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build, reindex and serve one archive; with `built` (the figures of an earlier run),
    the index built then is kept and only the build is not measured again."""
    here = workdir / f"n{size}"
    corpus, index = here / "corpus", here / "index"
    files = sorted(corpus.rglob("*.txt"))
    r: dict[str, Any] = {"docs": len(files), "input_mb": sum(f.stat().st_size for f in files) / MB,
                         "load_start": os.getloadavg()[0]}
    log = logger(size)
    if built is None:
        log("full build …")
        subprocess.run(["rm", "-rf", str(index)], check=True)
        (seconds, summary, cpu), rss, wall = in_child(full_build_job, str(here))
        r.update(build_s=seconds, build_process_s=wall, build_rss=rss, build_summary=summary,
                 build_cpu_s=cpu, index_mb=dir_size(index) / MB, docs_per_s=len(files) / seconds)
        log(f"  {seconds:.1f} s ({cpu:.1f} s CPU), peak RSS {rss:.0f} MB, "
            f"index {r['index_mb']:.0f} MB")
    else:
        r.update({k: v for k, v in built.items() if k.startswith(("build_", "index_", "docs_"))})
        log("reindex, bringing the index up to date …")  # the earlier run's changes undone
        in_child(reindex_job, str(here), str(here))

    log("reindex, nothing changed …")
    (seconds, summary, n_changed, cpu), rss, wall = in_child(reindex_cpu_job, str(here), str(here))
    r.update(unchanged_s=seconds, unchanged_process=wall, unchanged_rss=rss,
             unchanged_summary=summary, unchanged_n=n_changed, unchanged_cpu=cpu)
    log(f"  {seconds:.2f} s ({wall:.2f} s with the process, {cpu:.2f} s CPU)")

    changed, originals = change_files(corpus, CHANGED)
    try:
        log(f"reindex, {CHANGED} changed …")
        (seconds, summary, n_changed, cpu), rss, wall = in_child(
            reindex_cpu_job, str(here), str(here))
        r.update(changed_s=seconds, changed_process=wall, changed_rss=rss,
                 changed_summary=summary, changed_n=n_changed, changed_cpu=cpu)
        log(f"  {seconds:.2f} s ({wall:.2f} s with the process, {cpu:.2f} s CPU)")
        r.update(measure_serving(size, workdir, n_queries, seed, changed))
    finally:
        for p, data in originals.items():  # the archive stays as generated
            p.write_bytes(data)
    r["load_end"] = os.getloadavg()[0]
    return r


def measure_serving(
    size: int, workdir: Path, n_queries: int, seed: int, changed: list[str] | None = None
) -> dict[str, Any]:
    """The server and in-process search over an archive's index as it is."""
    here = workdir / f"n{size}"
    corpus, index = here / "corpus", here / "index"
    files = sorted(corpus.rglob("*.txt"))
    log = logger(size)
    queries = make_queries(corpus, files, n_queries, seed)
    warm = make_queries(corpus, files, n_queries, seed + 1)
    prefixes = keystroke_prefixes(corpus, n_queries, seed)
    log("server …")
    r = serve_and_time(corpus, index, queries, warm, prefixes, changed, here / "server.log")
    every = sorted(r.pop("search_ms"))
    r["http_p50"], r["http_p95"] = percentile(every, 50), percentile(every, 95)
    suggest = sorted(r.pop("suggest_ms"))
    r["suggest_p50"], r["suggest_p95"] = percentile(suggest, 50), percentile(suggest, 95)
    r["server_rss"] = r["rss_warm"]
    log(f"  search p50 {r['http_p50']:.1f} / p95 {r['http_p95']:.1f} ms (CPU p95 "
        f"{r['http_cpu_p95']:.1f} ms), suggest p95 {r['suggest_p95']:.1f} ms, "
        f"RSS {r['rss_warm']:.0f} MB")
    log("in-process search …")
    timed, _rss, _wall = in_child(latencies, "orbita", corpus, here, queries)
    inproc = sorted(ms for ms, _k, _q in timed)
    r["inproc_p50"], r["inproc_p95"] = percentile(inproc, 50), percentile(inproc, 95)
    return r


def logger(size: int) -> Any:
    return lambda msg: print(f"[{size}] {msg}", file=sys.stderr, flush=True)


# --- growth --------------------------------------------------------------------------------


def fit(ns: Sequence[float], values: Sequence[float]) -> tuple[float, float]:
    """(a, b) of a·n^b, least squares on logs."""
    pts = [(math.log(n), math.log(v)) for n, v in zip(ns, values, strict=True) if v > 0]
    if len(pts) < 2:
        return float("nan"), float("nan")
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    b = sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else float("nan")
    return math.exp(my - b * mx), b


FIGURES = [  # key, label, unit
    ("build_s", "full build", "s"),
    ("build_cpu_s", "full build, CPU time", "s"),
    ("docs_per_s", "build docs/s", ""),
    ("build_rss", "build peak RSS (tree)", "MB"),
    ("index_mb", "index on disk", "MB"),
    ("unchanged_process", "unchanged reindex (process)", "s"),
    ("unchanged_s", "unchanged reindex (call)", "s"),
    ("unchanged_cpu", "unchanged reindex (process), CPU time", "s"),
    ("changed_process", f"{CHANGED} changed reindex (process)", "s"),
    ("changed_s", f"{CHANGED} changed reindex (call)", "s"),
    ("changed_cpu", f"{CHANGED} changed reindex (process), CPU time", "s"),
    ("server_rss", "server RSS after warm-up (tree)", "MB"),
    ("suggest_ready_s", "server start to completions ready", "s"),
    ("http_p50", "search p50, HTTP", "ms"),
    ("http_p95", "search p95, HTTP", "ms"),
    ("http_cpu_p50", "search p50, server CPU time", "ms"),
    ("http_cpu_p95", "search p95, server CPU time", "ms"),
    ("inproc_p50", "search p50, in-process", "ms"),
    ("inproc_p95", "search p95, in-process", "ms"),
    ("suggest_p95", "suggest p95, HTTP", "ms"),
    ("suggest_cpu_p95", "suggest p95, server CPU time", "ms"),
]


def render(args: argparse.Namespace, vocab: dict[str, Any], results: dict[int, dict[str, Any]],
           load: tuple[float, float], started: str) -> str:
    sizes = sorted(results)
    last = subprocess.run(["git", "-C", str(REPO_ROOT), "log", "-1", "--format=%h", "--",
                           "search", "web"], capture_output=True, text=True).stdout.strip()
    lines = ["# Scale: 10,000 to 100,000 releases\n", started,
             f"- engine code (search/, web/) last changed in commit {last or 'unknown'}",
             f"- 1-min load average: {load[0]:.1f} to {load[1]:.1f} (per size below; other "
             "processes on the 2 cores distort every timing: compare within one run)",
             f"- command: `python -m bench.scale --sizes {args.sizes} --queries {args.queries}"
             f"{' --keep-build' if args.keep_build else ''}`"
             + (" (the build figures are those of the run that built the indexes)"
                if args.keep_build else ""),
             f"- archives generated from the `ru_*` shared corpora into {args.workdir} "
             f"(seed {args.seed}; how: the docstring of bench/scale.py)", ""]

    lines += ["## Targets at 100,000 releases (2 cores)", ""]
    if 100_000 not in results:
        lines += [f"100,000 releases were not measured in this run: the figures at 100k are "
                  f"the fits' extrapolation from {', '.join(f'{n:,}' for n in sizes)}.", ""]
    rows, breaks = [], []
    for key, (limit, what) in TARGETS.items():
        ns = [n for n in sizes if key in results[n]]
        vals = [results[n][key] for n in ns]
        if not ns:
            continue
        a, b = fit(ns, vals)
        at_100k = results[100_000][key] if 100_000 in results and key in results[100_000] else None
        predicted = a * 100_000**b if not math.isnan(b) else float("nan")
        # where the fit crosses the limit; a size already measured above it counts first
        crossed = (limit / a) ** (1 / b) if b > 0 else math.inf
        above = [n for n, v in zip(ns, vals, strict=True) if v > limit]
        breaks.append((min([crossed, *above]), what))
        rows.append([
            what,
            f"{at_100k:.1f}" if at_100k is not None else "not measured",
            f"{predicted:.1f}" if not math.isnan(predicted) else "",
            f"{b:.2f}" if not math.isnan(b) else "",
            ("met" if (at_100k if at_100k is not None else predicted) <= limit else "MISSED")
            + ("" if at_100k is not None else " (by the fit)"),
            "never (not growing)" if not math.isfinite(crossed)
            else "> 10,000,000" if crossed > 1e7 else f"{crossed:,.0f}",
            ", ".join(f"{n:,}" for n in above) or "none",
        ])
    lines.append(table(["target", "measured at 100k", "fitted at 100k", "b", "at 100k",
                        "fit crosses it at (releases)", "sizes measured above it"], rows))
    first = min(breaks)
    lines += ["", f"First to break: **{first[1]}**, at about {first[0]:,.0f} releases."
              if math.isfinite(first[0]) else "No target is crossed by the fits.", ""]

    lines += ["## Figures per size", ""]
    header = ["figure", *(f"{n:,}" for n in sizes), "b (a·n^b)", "fitted at 100k"]
    rows = []
    for key, label, unit in FIGURES:
        ns = [n for n in sizes if key in results[n]]
        if not ns:
            continue
        a, b = fit(ns, [results[n][key] for n in ns])
        rows.append([
            f"{label} ({unit})" if unit else label,
            *(f"{results[n][key]:.1f}" if key in results[n] else "" for n in sizes),
            f"{b:.2f}" if not math.isnan(b) else "",
            f"{a * 100_000**b:.1f}" if not math.isnan(b) else "",
        ])
    lines.append(table(header, rows))
    lines += ["", table(
        ["size", "docs", "input MB", "load avg start → end", "HTTP errors",
         "changed found by the server", "build report"],
        [[f"{n:,}", results[n]["docs"], f"{results[n]['input_mb']:.0f}",
          f"{results[n].get('load_start', 0):.1f} → {results[n].get('load_end', 0):.1f}",
          results[n].get("errors", ""), results[n].get("changed_found", ""),
          results[n].get("build_summary", "")] for n in sizes],
    ), "",
        "Search: `/api/search?q=…` (top 10 with snippets, the server's default page) over the "
        f"fixed mix of `bench.speed` ({args.queries} queries: the space set, title words and "
        "spans, quoted phrases, XQuAD questions, prefixes), one client, after a warm-up pass "
        "over another mix of the same kinds. In-process: `bench.speed`'s call in a fresh "
        "process (as in speed.md). Suggest: the first two words of 200 sampled titles typed "
        "keystroke by keystroke. Server: `python -m web --workers 1` (gunicorn master + one "
        "worker); RSS is the sum over its process tree after the warm-up. Reindex: a fresh "
        "process per run (`process`: interpreter start and imports included, what the "
        "`reindex` command costs; `call`: the `reindex()` call).", ""]

    lines += ["## The generated archives: vocabulary growth", ""]
    real, gen = vocab["real"], vocab["generated"]
    real_max = real[-1][0]
    vocab_rows = []
    for n in sorted({p[0] for p in real} | {p[0] for p in gen}):
        row: list[object] = [f"{n:,}"]
        for points in (real, gen):
            point = next((p for p in points if p[0] == n), None)
            row += [f"{point[1]:,}", f"{point[2]:,}"] if point else ["", ""]
        vocab_rows.append(row)
    lines.append(table(
        ["documents", "real: tokens", "real: distinct terms", "generated: tokens",
         "generated: distinct terms"], vocab_rows,
    ))
    beta_gen_low = heaps_beta(gen, 1000, real_max)
    beta_gen_all = heaps_beta(gen, 1000)
    beta_gen_high = heaps_beta(gen, vocab["wrap_at"] or 10**9)
    lines += [
        "",
        f"Heaps' exponent β (distinct terms = K·documents^β, least squares on logs): real "
        f"corpus {heaps_beta(real, 1000):.3f} (1,000–{real_max:,} documents); generated "
        f"{beta_gen_low:.3f} over the same range, {beta_gen_all:.3f} over 1,000–"
        f"{gen[-1][0]:,}" + (f", {beta_gen_high:.3f} after the paragraphs come round"
                             if vocab["wrap_at"] else "") + ".",
        "",
        f"{vocab['paragraphs']:,} real paragraphs and {vocab['titles']:,} real titles; the pool "
        + (f"came round after {vocab['wrap_at']:,} releases, after which {vocab['coined']:,} "
           "proper names were coined to keep the real exponent."
           if vocab["wrap_at"] else "did not come round (no coined names)."),
        "Generated releases are shorter than the real documents (3–8 paragraphs: ~3 KB, as "
        "press releases are, against ~14 KB for an RT article), so they hold fewer terms per "
        "document; the exponent, not K, is what carries over.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-scale"))
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "scale.md")
    ap.add_argument("--queries", type=int, default=400, help="search queries and keystrokes")
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--keep-build", action="store_true",
                    help="measure all but the build again, on the indexes built before")
    ap.add_argument("--report-only", action="store_true",
                    help="write the report from the sizes already measured in --workdir")
    args = ap.parse_args(argv)
    if args.workdir.resolve().is_relative_to(REPO_ROOT):
        raise SystemExit("--workdir must be outside the repository")
    sizes = sorted(int(s) for s in args.sizes.split(","))
    started = machine_header()
    load0 = os.getloadavg()[0]
    args.workdir.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, Any]] = {}
    if args.report_only:
        saved = {n: args.workdir / f"n{n}" / "results.json" for n in sizes}
        results = {n: json.loads(f.read_text()) for n, f in saved.items() if f.exists()}
        vocab = vocabulary_stats(args.workdir, max(sizes))
        if vocab is None:
            raise SystemExit(f"no archive of {max(sizes)} releases in {args.workdir}")
        loads = [r.get(k, 0.0) for r in results.values() for k in ("load_start", "load_end")]
        text = render(args, vocab, results, (min(loads), max(loads)), started)
        args.out.write_text(text, encoding="utf-8")
        print(text)
        return
    if args.keep_build:
        missing = [n for n in sizes if not (args.workdir / f"n{n}" / "results.json").exists()]
        if missing:
            raise SystemExit(f"--keep-build: no earlier build of {', '.join(map(str, missing))} "
                             f"releases in {args.workdir}; run without it first")
    print("generating …", file=sys.stderr, flush=True)
    vocab = generate(args.corpora.resolve(), args.workdir, sizes, args.seed)
    print(f"  {vocab['seconds']:.0f} s; wrap at {vocab['wrap_at']}, coined {vocab['coined']}",
          file=sys.stderr, flush=True)
    for n in sizes:
        saved = args.workdir / f"n{n}" / "results.json"
        built = json.loads(saved.read_text()) if args.keep_build else None
        results[n] = measure(n, args.workdir, args.queries, args.seed, built)
        saved.write_text(json.dumps(results[n]))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        text = render(args, vocab, results, (load0, os.getloadavg()[0]), started)
        args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"written {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
