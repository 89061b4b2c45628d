"""The front page (the archive at a glance) and the exports, timed in the app.

The archive: real texts of the shared corpora (Russian news, NASA releases, Kazakh passages),
staged in the work folder with front matter a seeded generator gives them (an agency, a date
between 2000 and 2024, one in twenty dated by its month alone, one in thirty undated), since
those corpora carry no agency or date. Nothing is written into the repository.

Timed in-process with Flask's test client (the app's own work: routing, engine, templates;
no sockets), each figure beside its baseline from the same run:

- the front page, warm (the overview kept on the snapshot): p50, p95, max over --requests;
- the first front page of a generation (the overview counted);
- baseline: the same counts got by running a search per agency and per language (what the
  front page would cost without the index's columns);
- a results page with its timeline, for a broad query;
- /export.csv and /export.jsonl of that query, and /export.csv of every Russian release
  (filters alone: listed newest first), each row read and sent as the answer streams.

    python -m bench.frontpage [--docs 4000] [--requests 300] [--workdir /tmp/orbita-frontpage]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.corpus import DEFAULT_CORPORA, RESULTS_DIR, corpus_files
from bench.report import machine_header, table
from search.engine import Engine, Filters, SearchRequest
from search.index import reindex
from web import create_app

AGENCIES = ("roscosmos", "mdai-kz", "kazcosmos", "nasa", "esa", "jaxa")
FOLDERS = (("ru_rt_articles", "ru", 0.65), ("en_nasa_news", "en", 0.2),
           ("kk_kazqad_passages", "kk", 0.15))
BROAD_QUERY = "космос"


def stage(corpora: Path, corpus: Path, docs: int, seed: int) -> int:
    """Copy `docs` texts into `corpus` with front matter; returns how many were written."""
    rng = random.Random(seed)
    if corpus.exists():
        shutil.rmtree(corpus)
    written = 0
    for folder, lang, share in FOLDERS:
        files = corpus_files(corpora / folder)
        rng.shuffle(files)
        for path in files[: round(docs * share)]:
            title, _, body = path.read_text(encoding="utf-8").partition("\n")
            meta = [f"source: {rng.choice(AGENCIES)}", f"lang: {lang}"]
            roll = rng.random()
            if roll >= 1 / 30:
                year, month = rng.randint(2000, 2024), rng.randint(1, 12)
                meta.append(f"date: {year}-{month:02d}" if roll < 1 / 30 + 1 / 20
                            else f"date: {year}-{month:02d}-{rng.randint(1, 28):02d}")
            target = corpus / folder / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("---\n" + "\n".join(meta) + f"\n---\n{title}\n{body}",
                              encoding="utf-8")
            written += 1
    return written


def timed(call: Callable[[], object], times: int) -> list[float]:
    out = []
    for _ in range(times):
        t0 = time.perf_counter()
        call()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def row(name: str, ms: list[float]) -> list[object]:
    return [name, len(ms), round(statistics.median(ms), 2), round(percentile(ms, 95), 2),
            round(max(ms), 2)]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-frontpage"))
    ap.add_argument("--docs", type=int, default=4000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--rebuild", action="store_true", help="stage and index again")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "frontpage.md")
    args = ap.parse_args(argv)

    corpus, index = args.workdir / "corpus", args.workdir / "index"
    if args.rebuild or not index.exists():
        n = stage(args.corpora.resolve(), corpus, args.docs, args.seed)
        print(f"indexing {n} releases into {index} …", file=sys.stderr, flush=True)
        if index.exists():
            shutil.rmtree(index)
        reindex(corpus, index, full=True)

    app = create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus})
    client = app.test_client()
    engine: Engine = app.extensions["orbita.engine"]

    def get(url: str) -> Callable[[], object]:
        def call() -> object:
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
            return r.get_data()
        return call

    cold = timed(get("/"), 1)  # the generation's first front page: the overview is counted
    front = timed(get("/"), args.requests)
    front_kk = timed(get("/?ui=kk"), args.requests)
    overview_api = timed(get("/api/overview"), args.requests)

    def per_search() -> None:  # the baseline: the same counts by a search per value
        for key in AGENCIES:
            engine.search(SearchRequest(filters=Filters(sources=(key,)), per_page=10))
        for lang in ("ru", "kk", "en"):
            engine.search(SearchRequest(filters=Filters(langs=(lang,)), per_page=10))

    baseline = timed(per_search, max(5, args.requests // 20))
    results = timed(get(f"/?q={BROAD_QUERY}"), max(10, args.requests // 5))
    total = engine.search(SearchRequest(q=BROAD_QUERY)).total
    csv = timed(get(f"/export.csv?q={BROAD_QUERY}"), 3)
    jsonl = timed(get(f"/export.jsonl?q={BROAD_QUERY}"), 3)
    listed = engine.search(SearchRequest(filters=Filters(langs=("ru",)))).total
    csv_all = timed(get("/export.csv?lang=ru"), 3)

    rows = [
        row("front page `/` (warm)", front),
        row("front page `/?ui=kk` (warm)", front_kk),
        row("`/api/overview` (warm)", overview_api),
        row("first front page of a generation", cold),
        row("baseline: a search per agency and per language (9)", baseline),
        row(f"results page `/?q={BROAD_QUERY}` with its timeline", results),
        row(f"`/export.csv?q={BROAD_QUERY}` ({total} matches)", csv),
        row(f"`/export.jsonl?q={BROAD_QUERY}` ({total} matches)", jsonl),
        row(f"`/export.csv?lang=ru` ({listed} releases listed by date)", csv_all),
    ]
    report = "\n".join([
        "# Front page and exports", "", machine_header(),
        f"- archive: {engine.doc_count()} releases ({args.workdir}), in-process test client",
        "", table(["request", "n", "p50 ms", "p95 ms", "max ms"], rows), "",
    ])
    print(report)
    args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
