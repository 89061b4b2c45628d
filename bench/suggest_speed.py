"""Autocomplete latency, keystroke by keystroke, on an index of all Russian corpora.

Every prefix of the first words of sampled titles is asked, as a person typing them would
(«к», «ко», «кос», …, «космодром б», …), through the same call as ``/api/suggest``. The
one-time build per index generation is timed apart.

    python -m bench.suggest_speed [--ru-index DIR] [--titles 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from bench.corpus import DEFAULT_CORPORA, RESULTS_DIR, russian_files
from bench.report import machine_header
from bench.understanding import ensure_index
from search.analysis import words
from search.engine import Engine
from web import create_app


def keystrokes(title: str, max_words: int = 3) -> list[str]:
    typed = " ".join(w for w, _, _ in words(title)[:max_words])
    return [typed[:n] for n in range(1, len(typed) + 1)]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-understand"))
    ap.add_argument("--ru-index", type=Path)
    ap.add_argument("--titles", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "suggest_speed.md")
    args = ap.parse_args(argv)
    corpora = args.corpora.resolve()
    index_dir = args.ru_index or ensure_index(russian_files(corpora), corpora, args.workdir / "ru")
    orbita = Engine(index_dir)

    t0 = time.perf_counter()
    orbita.suggest("а", wait=True)  # the build, once per generation
    build = time.perf_counter() - t0

    with orbita.snapshot() as snapshot:
        titles = [f.get("title", "") for f in snapshot.reader.all_stored_fields()]
    random.Random(args.seed).shuffle(titles)
    prefixes = [p for title in titles[: args.titles] for p in keystrokes(title)]
    lines = [
        "# Autocomplete latency", "", machine_header(), "",
        f"- index: {orbita.doc_count()} documents (all Russian corpora)",
        f"- build once per generation: {build:.1f} s",
        f"- {len(prefixes)} keystrokes from {args.titles} titles",
    ]

    def engine(prefix: str) -> list[str]:
        return orbita.suggest(prefix)

    client = create_app({"INDEX_DIR": index_dir}).test_client()

    def api(prefix: str) -> list[str]:
        return client.get("/api/suggest", query_string={"q": prefix}).get_json()["suggestions"]

    api("а")  # the app's own handle: its first call waits for nothing, the cache is shared
    for name, call in (("Engine.suggest()", engine), ("GET /api/suggest", api)):
        timings, empty = [], 0
        for prefix in prefixes:
            t0 = time.perf_counter()
            found = call(prefix)
            timings.append((time.perf_counter() - t0) * 1000)
            empty += not found
        lines.append(
            f"- {name}: p50 {statistics.median(timings):.2f} ms, "
            f"p95 {percentile(timings, 95):.2f} ms, p99 {percentile(timings, 99):.2f} ms, "
            f"max {max(timings):.2f} ms; {empty} without completions"
        )
    print("\n".join(lines))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
