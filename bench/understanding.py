"""The understanding layer (corrections, synonyms, transliterations) measured on one index:
the same queries through ``search()`` (as typed) and ``understood_search()``.

1. ``understanding_queries.jsonl``: typos, wrong layout, Latin names, abbreviations, over all
   Russian corpora: Success@1 and MRR@10 before and after, per kind.
2. ``space_queries.jsonl`` (typed right): what the expansions change for ordinary queries.
3. The 426 XQuAD-ru questions over ``ru_xquad_passages``: questions that need no correction,
   so every correction applied to one is a false correction (target: under 1 %). Corrections
   only offered are counted apart; MRR@10 before and after shows what expansion costs.

    python -m bench.understanding [--ru-index DIR] [--xquad-index DIR] [--workdir DIR]

Indexes missing from the work folder are built there first (a few minutes for all corpora).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench import metrics
from bench.corpus import (
    DEFAULT_CORPORA,
    DEFAULT_EVAL,
    RESULTS_DIR,
    SPACE_QUERIES,
    XQUAD_FOLDER,
    corpus_files,
    russian_files,
)
from bench.report import machine_header
from search.engine import Engine, SearchRequest
from search.index import current_generation, reindex
from search.understand import Synonyms

QUERIES = Path(__file__).resolve().parent / "understanding_queries.jsonl"
K = 10


def ensure_index(files: list[Path], root: Path, workdir: Path) -> Path:
    """An Orbita index of `files` in workdir/index (built once, then reused)."""
    index_dir = workdir / "index"
    if current_generation(index_dir) is not None:
        return index_dir
    corpus = workdir / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    for f in files:
        target = corpus / f.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)
    print(f"indexing {len(files)} files into {index_dir} …", file=sys.stderr, flush=True)
    reindex(corpus, index_dir, full=True)
    return index_dir


def engines(index_dir: Path) -> dict[bool, Engine]:
    """{understood: engine}: the page's search, and the words as typed without the synonym
    dictionary or corrections."""
    return {True: Engine(index_dir), False: Engine(index_dir, synonyms=Synonyms([]))}


def ranked(engine: Engine, q: str, understood: bool) -> tuple[list[str], dict | None, float]:
    t0 = time.perf_counter()
    result = engine.search(SearchRequest(q, per_page=K, correct=understood))
    correction = result.correction.to_dict() if result.correction else None
    return [h.id for h in result.hits], correction, time.perf_counter() - t0


def quality(index_dir: Path, path: Path, show: bool, title: str) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    out = [f"## {title} ({len(rows)} queries, all Russian corpora)", ""]
    by_kind: dict[str, list[tuple[float, float, float, float]]] = defaultdict(list)
    ms: dict[bool, list[float]] = defaultdict(list)
    both = engines(index_dir)
    both[True].search(SearchRequest("прогревв"))  # vocabulary and spelling index, once
    for row in rows:
        scores = []
        for understood in (False, True):
            ids, correction, seconds = ranked(both[understood], row["query"], understood)
            ms[understood].append(seconds * 1000)
            scores += [
                metrics.success_at(ids, row["relevant"], 1),
                metrics.reciprocal_rank(ids, row["relevant"], K),
            ]
            if understood and show:
                fix = (
                    f" -> {correction['corrected']} ({correction['kind']}, "
                    f"applied={correction['applied']})"
                    if correction
                    else ""
                )
                out.append(
                    f"    {row['qid']} [{row['kind']}] {row['query']}{fix}: "
                    f"RR {scores[1]:.2f} -> {scores[3]:.2f}"
                )
        by_kind[row["kind"]].append(tuple(scores))  # type: ignore[arg-type]
    out.append("")
    out.append("| kind | queries | S@1 before | S@1 after | MRR@10 before | MRR@10 after |")
    out.append("| --- | --- | --- | --- | --- | --- |")
    every = [s for group in by_kind.values() for s in group]
    for kind, group in [*sorted(by_kind.items()), ("all", every)]:
        cols = [metrics.mean([s[i] for s in group]) for i in range(4)]
        out.append(
            f"| {kind} | {len(group)} | {cols[0]:.3f} | {cols[2]:.3f} | "
            f"{cols[1]:.3f} | {cols[3]:.3f} |"
        )
    out.append("")
    out.append(
        f"mean ms/query: as typed {metrics.mean(ms[False]):.1f}, "
        f"understood {metrics.mean(ms[True]):.1f}"
    )
    return out


def false_corrections(index_dir: Path, eval_path: Path, show: bool) -> list[str]:
    rows = [json.loads(line) for line in eval_path.read_text(encoding="utf-8").splitlines() if line]
    applied, offered, rr = [], [], defaultdict(list)
    both = engines(index_dir)
    for row in rows:
        relevant = dict.fromkeys(row["relevant"], 1)
        for understood in (False, True):
            ids, correction, _ = ranked(both[understood], row["query"], understood)
            rr[understood].append(metrics.reciprocal_rank(ids, relevant, K))
            if understood and correction:
                (applied if correction["applied"] else offered).append(
                    (row["query"], correction)
                )
    n = len(rows)
    out = [
        f"## False corrections: XQuAD-ru dev ({n} questions, {XQUAD_FOLDER})",
        "",
        f"- applied: {len(applied)} ({100 * len(applied) / n:.2f} %)",
        f"- offered only (a link, results unchanged): {len(offered)} "
        f"({100 * len(offered) / n:.1f} %)",
        f"- MRR@10 as typed {metrics.mean(rr[False]):.4f}, understood {metrics.mean(rr[True]):.4f}",
    ]
    if show:
        for label, items in (("applied", applied), ("offered", offered)):
            for query, c in items:
                out.append(f"    {label}: {query} -> {c['corrected']} ({c['kind']})")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-understand"))
    ap.add_argument("--ru-index", type=Path)
    ap.add_argument("--xquad-index", type=Path)
    ap.add_argument("--show", action="store_true", help="list every query and correction")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "understanding.md")
    args = ap.parse_args(argv)
    corpora = args.corpora.resolve()
    ru = args.ru_index or ensure_index(russian_files(corpora), corpora, args.workdir / "ru")
    xquad_root = corpora / XQUAD_FOLDER
    xq = args.xquad_index or ensure_index(
        corpus_files(xquad_root), xquad_root, args.workdir / "xquad"
    )
    lines = quality(ru, args.queries, args.show, "Understanding queries") + [""]
    # queries typed right: what the expansions (synonyms, transliterations) change there
    lines += quality(ru, SPACE_QUERIES, args.show, "Space queries, typed right") + [""]
    lines += false_corrections(xq, args.eval, args.show)
    text = "\n".join(["# Understanding", "", machine_header(), "", *lines])
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
