"""Relevance of every contender on the judged query sets.

1. xquad: the 426 XQuAD-ru questions over ``ru_xquad_passages`` (one relevant passage each).
2. space: our hand-judged space queries (``bench/space_queries.jsonl``, graded 1-2) over all
   Russian corpora together.
3. space2: a second judged space set (``bench/space2_queries.jsonl``), judged blind by
   pooling; held out until its results were studied, a development set since.
4. test (only when asked for): the held-out ``bench/space_test_queries.jsonl``, scored exactly
   as space. Kept apart: score it only at the end of a ranking change.

The space sets search the same documents: each contender builds that index once.
Queries are sent exactly as typed; each contender applies its own query handling.

    python -m bench.quality [--corpora DIR] [--contenders orbita,snowball,plain,tantivy]
                            [--sets xquad,space,space2,test] [--worst N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench import metrics
from bench.contenders import DEFAULT_CONTENDERS, Contender, make
from bench.corpus import (
    DEFAULT_CORPORA,
    DEFAULT_EVAL,
    RESULTS_DIR,
    SPACE2_QUERIES,
    SPACE_QUERIES,
    SPACE_TEST_QUERIES,
    XQUAD_FOLDER,
    corpus_files,
    read_doc,
    russian_files,
)
from bench.report import machine_header, table

K = 10


@dataclass
class Judged:
    qid: str
    query: str
    kind: str
    relevant: dict[str, float]


@dataclass
class Outcome:
    judged: Judged
    ranked: list[str]
    seconds: float

    @property
    def rr(self) -> float:
        return metrics.reciprocal_rank(self.ranked, self.judged.relevant, K)

    @property
    def ndcg(self) -> float:
        return metrics.ndcg_at(self.ranked, self.judged.relevant, K)


@dataclass
class Run:
    contender: str
    build_seconds: float
    outcomes: list[Outcome] = field(default_factory=list)

    def scores(self, outcomes: list[Outcome] | None = None) -> dict[str, float]:
        outs = self.outcomes if outcomes is None else outcomes
        rel = [(o.ranked, o.judged.relevant) for o in outs]
        return {
            "MRR@10": metrics.mean([metrics.reciprocal_rank(r, j, K) for r, j in rel]),
            "S@1": metrics.mean([metrics.success_at(r, j, 1) for r, j in rel]),
            "R@10": metrics.mean([metrics.recall_at(r, j, K) for r, j in rel]),
            "nDCG@10": metrics.mean([metrics.ndcg_at(r, j, K) for r, j in rel]),
            "ms/query": 1000 * metrics.mean([o.seconds for o in outs]),
        }


def load_xquad(path: Path) -> list[Judged]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [Judged(r["qid"], r["query"], "question", dict.fromkeys(r["relevant"], 1)) for r in rows]


def load_space(path: Path) -> list[Judged]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [Judged(r["qid"], r["query"], r["kind"], r["relevant"]) for r in rows]


def run_set(contender: Contender, files: list[Path], queries: list[Judged], workdir: Path) -> Run:
    return run_sets(contender, files, [queries], workdir)[0]


def run_sets(contender: Contender, files: list[Path], query_sets: list[list[Judged]],
             workdir: Path) -> list[Run]:
    """One build of the files, then each query set: one run per set."""
    stats = contender.build(files, workdir)
    contender.open(workdir)
    runs = [Run(contender.name, stats.seconds) for _ in query_sets]
    try:
        for run, queries in zip(runs, query_sets, strict=True):
            for q in queries:
                t0 = time.perf_counter()
                ranked = contender.search(q.query, K)
                run.outcomes.append(Outcome(q, ranked, time.perf_counter() - t0))
    finally:
        contender.close()
    return runs


def title_of(root: Path, doc: str) -> str:
    try:
        return read_doc(root / doc)[0]
    except OSError:
        return "?"


def worst(run: Run, root: Path, n: int) -> str:
    """The ``n`` lowest-RR (then lowest-nDCG) queries with their top 3 and the relevant titles."""
    lines = []
    for o in sorted(run.outcomes, key=lambda o: (o.rr, o.ndcg, o.judged.qid))[:n]:
        lines.append(f"- [{o.judged.kind}] {o.judged.query}  (RR {o.rr:.2f}, nDCG {o.ndcg:.2f})")
        for doc in list(o.judged.relevant)[:3]:
            lines.append(f"    relevant: {doc} — {title_of(root, doc)}")
        for i, doc in enumerate(o.ranked[:3], 1):
            mark = "*" if doc in o.judged.relevant else " "
            lines.append(f"    {i}.{mark} {doc} — {title_of(root, doc)}")
    return "\n".join(lines)


def by_kind(runs: list[Run]) -> str:
    kinds = sorted({o.judged.kind for o in runs[0].outcomes})
    rows = []
    for run in runs:
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in run.outcomes:
            groups[o.judged.kind].append(o)
        rows.append([run.contender, *(run.scores(groups[k])["nDCG@10"] for k in kinds)])
    counts = [f"{k} ({sum(o.judged.kind == k for o in runs[0].outcomes)})" for k in kinds]
    return table(["nDCG@10 by kind", *counts], rows)


def summary(runs: list[Run], columns: list[str]) -> str:
    rows = []
    for run in runs:
        s = run.scores()
        rows.append([run.contender, *(s[c] for c in columns), f"{run.build_seconds:.1f}"])
    return table(["contender", *columns, "build s"], rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--contenders", default=",".join(DEFAULT_CONTENDERS))
    ap.add_argument("--sets", default="xquad,space,space2")
    ap.add_argument("--worst", type=int, default=0, help="show Orbita's N worst queries")
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--space", type=Path, default=SPACE_QUERIES)
    ap.add_argument("--space2", type=Path, default=SPACE2_QUERIES)
    ap.add_argument("--test", type=Path, default=SPACE_TEST_QUERIES, help="kept apart: see README")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-bench/quality"))
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "quality.md")
    args = ap.parse_args(argv)

    names = [n.strip() for n in args.contenders.split(",") if n.strip()]
    sets = {s.strip() for s in args.sets.split(",")}
    corpora = args.corpora.resolve()
    xquad_root = corpora / XQUAD_FOLDER
    report = ["# Relevance\n", machine_header()]

    if "xquad" in sets:
        queries, files = load_xquad(args.eval), corpus_files(xquad_root)
        runs = []
        for name in names:
            print(f"xquad: {name} …", file=sys.stderr, flush=True)
            workdir = args.workdir / name / "xquad"
            runs.append(run_set(make(name, xquad_root), files, queries, workdir))
        cols = ["MRR@10", "S@1", "R@10", "ms/query"]
        text = summary(runs, cols)
        print(f"\nxquad_ru dev: {len(queries)} questions, {len(files)} passages\n{text}\n")
        report += [f"\n## XQuAD-ru dev ({len(queries)} questions, {len(files)} passages)\n", text]
        for run in runs:
            if run.contender == "orbita" and args.worst:
                text = worst(run, xquad_root, args.worst)
                print(f"Orbita's {args.worst} worst xquad questions:\n{text}\n")
                report += [f"\n### Orbita's {args.worst} worst questions\n", "```", text, "```"]

    judged_sets = [(name, path, heading) for name, path, heading in (
        ("space", args.space, "Space"), ("space2", args.space2, "Second space set"),
        ("test", args.test, "Space test")) if name in sets]
    files = russian_files(corpora)
    query_sets = [load_space(path) for _name, path, _heading in judged_sets]
    by_set: list[list[Run]] = [[] for _ in judged_sets]
    for name in names if judged_sets else []:
        print(f"{', '.join(n for n, _p, _h in judged_sets)}: {name} …", file=sys.stderr,
              flush=True)
        runs_of = run_sets(make(name, corpora), files, query_sets, args.workdir / name / "space")
        for runs, run in zip(by_set, runs_of, strict=True):
            runs.append(run)
    for (set_name, _path, heading), queries, runs in zip(judged_sets, query_sets, by_set,
                                                         strict=True):
        cols = ["nDCG@10", "MRR@10", "S@1", "R@10", "ms/query"]
        text, kinds = summary(runs, cols), by_kind(runs)
        head = f"{set_name} set: {len(queries)} queries, {len(files)} Russian documents"
        print(f"\n{head}\n{text}\n\n{kinds}\n")
        report += [f"\n## {heading} queries ({len(queries)} queries, {len(files)} docs)\n", text]
        report += ["", kinds]
        for run in runs:
            # no worst list for the test set: its queries are not to be studied
            if run.contender == "orbita" and args.worst and set_name != "test":
                text = worst(run, corpora, args.worst)
                print(f"Orbita's {args.worst} worst {set_name} queries:\n{text}\n")
                report += [f"\n### Orbita's {args.worst} worst {set_name} queries\n", "```",
                           text, "```"]

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
