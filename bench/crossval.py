"""Cross-validated ranking constants: figures that hold on questions the constants never saw.

The questions are split into k folds (XQuAD: by article, so that the questions of one article
stay in one fold; the space set: by query), with a fixed seed. For each fold, the ranking's
constants (search/query/params.py) are chosen on the other folds by coordinate ascent over a
small grid, starting from the product's defaults (each constant in turn takes the grid value
that scores best on the training folds, others fixed; a tie keeps the current value; two
passes), and the held-out fold is scored with what was chosen. The cross-validated figure is
the mean over every question, each scored by the fold that held it out; it is the one to
trust when it differs from the whole-set figure.

Also reported: the defaults on the whole set, the values each fold chose, and the values a
search over the whole set would choose with their (optimistic) whole-set figure.

    python -m bench.crossval [--sets xquad,space] [--folds 5] [--seed 13] [--passes 2]
                             [--contender orbita] [--grid name=v1,v2,... ...]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bench import metrics
from bench.corpus import (
    DEFAULT_CORPORA,
    DEFAULT_EVAL,
    RESULTS_DIR,
    SPACE_QUERIES,
    XQUAD_FOLDER,
    corpus_files,
    doc_id,
    russian_files,
)
from bench.report import machine_header, table

K = 10

# A small grid per constant, the default among its values.
GRID: dict[str, list[float]] = {
    "title_boost": [1.5, 2.5, 4.0],
    "exact_boost": [0.0, 0.3, 0.6],
    "stem_boost": [0.25, 0.5, 1.0],
    "part_boost": [0.25, 0.5, 1.0],
    "family_boost": [0.0, 0.2, 0.4],
    "synonym_boost": [0.5, 0.7, 0.9],
    "translit_boost": [0.5, 0.7, 0.9],
    "twin_share": [0.5, 1.0],
    "alternative_share": [0.0, 0.1, 0.25],
    "alternative_cap": [0.0, 0.3, 0.5],
    "alternative_coverage": [0.0, 0.5],
    "coverage_weight": [0.25, 0.5, 0.75],
    "proximity_boost": [0.0, 0.25, 0.5],
    "proximity_slop": [2, 4, 8],
    "proximity_depth": [10, 20, 40],
    "feedback_docs": [0, 3, 5],
}


@dataclass
class Question:
    qid: str
    query: str
    group: str  # questions of one group stay in one fold
    relevant: dict[str, float]


def load_xquad(path: Path) -> list[Question]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [Question(r["qid"], r["query"], r["same_article_files_prefix"],
                     dict.fromkeys(r["relevant"], 1.0)) for r in rows]


def load_space(path: Path) -> list[Question]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [Question(r["qid"], r["query"], r["qid"], r["relevant"]) for r in rows]


def assign_folds(questions: Sequence[Question], k: int, seed: int) -> np.ndarray:
    """Each question's fold: groups shuffled with the seed, then each given to the fold with
    the fewest questions so far (largest groups first, so folds come out even)."""
    sizes: dict[str, int] = defaultdict(int)
    for q in questions:
        sizes[q.group] += 1
    groups = sorted(sizes)
    random.Random(seed).shuffle(groups)
    groups.sort(key=lambda g: -sizes[g])  # stable: equal sizes keep the shuffled order
    load = [0] * k
    fold_of: dict[str, int] = {}
    for g in groups:
        f = min(range(k), key=lambda i: (load[i], i))
        fold_of[g] = f
        load[f] += sizes[g]
    return np.array([fold_of[q.group] for q in questions])


class Evaluator:
    """Per-question figures of one parameter setting, each setting run once."""

    def __init__(self, engine: object, questions: Sequence[Question], primary: str,
                 correct: bool) -> None:
        self.engine = engine
        self.questions = questions
        self.primary = primary  # "MRR@10" or "nDCG@10": what the choice maximises
        self.correct = correct
        self.cache: dict[tuple, dict[str, np.ndarray]] = {}
        self.seconds = 0.0

    def __call__(self, values: dict[str, float]) -> dict[str, np.ndarray]:
        from search.engine import QueryError, SearchRequest
        from search.query import DEFAULT_PARAMS

        key = tuple(sorted(values.items()))
        if key not in self.cache:
            t0 = time.perf_counter()
            self.engine.params = DEFAULT_PARAMS.with_values(**values)  # type: ignore[attr-defined]
            rr, s1, ndcg = [], [], []
            for q in self.questions:
                try:
                    result = self.engine.search(  # type: ignore[attr-defined]
                        SearchRequest(q.query, per_page=K, correct=self.correct))
                    ranked = [hit.id for hit in result.hits]
                except QueryError:
                    ranked = []
                rr.append(metrics.reciprocal_rank(ranked, q.relevant, K))
                s1.append(metrics.success_at(ranked, q.relevant, 1))
                ndcg.append(metrics.ndcg_at(ranked, q.relevant, K))
            self.cache[key] = {"MRR@10": np.array(rr), "S@1": np.array(s1),
                               "nDCG@10": np.array(ndcg)}
            self.seconds += time.perf_counter() - t0
        return self.cache[key]


def choose(evaluate: Evaluator, mask: np.ndarray, grid: dict[str, list[float]],
           start: dict[str, float], passes: int,
           on_step: Callable[[], None] | None = None) -> dict[str, float]:
    """Coordinate ascent on the questions where `mask` is True: each constant in turn takes
    its best grid value, the others fixed; a tie keeps the current value."""
    current = dict(start)
    for _ in range(passes):
        changed = False
        for name, values in grid.items():
            def score(v: float, name: str = name) -> float:
                return float(evaluate({**current, name: v})[evaluate.primary][mask].mean())
            best_value, best_score = current[name], score(current[name])
            for v in values:
                s = score(v)
                if s > best_score + 1e-12:
                    best_value, best_score = v, s
            if best_value != current[name]:
                current[name] = best_value
                changed = True
            if on_step:
                on_step()
        if not changed:
            break
    return current


def staged_engine(name: str, files: list[Path], root: Path, workdir: Path, contender: str):
    """An engine over the files' index in `workdir` (copied and indexed on the first run;
    later runs reindex incrementally)."""
    from search.engine import Engine
    from search.index import reindex
    from search.understand import Synonyms

    corpus = workdir / "corpus"
    if not corpus.exists():
        for f in files:
            target = corpus / doc_id(f, root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, target)
    print(f"{name}: indexing {len(files)} documents …", file=sys.stderr, flush=True)
    reindex(corpus, workdir / "index", quiet=True)
    if contender == "orbita-core":
        return Engine(workdir / "index", synonyms=Synonyms([]))
    return Engine(workdir / "index")


def run_set(name: str, questions: list[Question], engine: object, primary: str,
            grid: dict[str, list[float]], k: int, seed: int, passes: int,
            correct: bool) -> list[str]:
    from search.query import DEFAULT_PARAMS

    defaults = {n: getattr(DEFAULT_PARAMS, n) for n in grid}
    evaluate = Evaluator(engine, questions, primary, correct)
    folds = assign_folds(questions, k, seed)
    everyone = np.ones(len(questions), dtype=bool)

    def progress() -> None:
        print(f"  {name}: {len(evaluate.cache)} settings run, {evaluate.seconds:.0f} s",
              file=sys.stderr, flush=True)

    base = evaluate(defaults)
    held_out = {m: np.zeros(len(questions)) for m in base}
    rows, chosen_by_fold = [], []
    for f in range(k):
        train, test = folds != f, folds == f
        chosen = choose(evaluate, train, grid, defaults, passes, progress)
        chosen_by_fold.append(chosen)
        figures = evaluate(chosen)
        for m in held_out:
            held_out[m][test] = figures[m][test]
        rows.append([
            f"fold {f + 1}", int(test.sum()),
            float(figures[primary][train].mean()), float(base[primary][test].mean()),
            float(figures[primary][test].mean()),
        ])
    tuned = choose(evaluate, everyone, grid, defaults, passes, progress)
    whole_tuned = evaluate(tuned)

    metric_names = ["MRR@10", "S@1"] + (["nDCG@10"] if primary == "nDCG@10" else [])
    summary = table(["figure", *metric_names], [
        ["defaults, whole set", *(float(base[m].mean()) for m in metric_names)],
        ["cross-validated", *(float(held_out[m].mean()) for m in metric_names)],
        ["tuned on the whole set (optimistic)",
         *(float(whole_tuned[m].mean()) for m in metric_names)],
    ])
    folds_table = table(
        ["fold", "questions", f"{primary} train (chosen)", f"{primary} held out (defaults)",
         f"{primary} held out (chosen)"], rows)
    values_table = table(
        ["constant", "default", *(f"fold {f + 1}" for f in range(k)), "whole set"],
        [[n, defaults[n], *(c[n] for c in chosen_by_fold), tuned[n]] for n in grid])
    print(f"\n{name}\n{summary}\n\n{folds_table}\n\n{values_table}\n")
    return [
        f"\n## {name} ({len(questions)} questions, {k} folds, choosing by {primary})\n",
        summary, "", folds_table, "", values_table, "",
        f"{len(evaluate.cache)} settings run in {evaluate.seconds:.0f} s.",
    ]


def parse_grid(items: list[str]) -> dict[str, list[float]]:
    grid = dict(GRID)
    for item in items:
        name, _, values = item.partition("=")
        if name not in GRID:
            raise SystemExit(f"unknown constant {name!r}; known: {', '.join(GRID)}")
        grid[name] = [float(v) for v in values.split(",") if v]
    return {n: v for n, v in grid.items() if v}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--space", type=Path, default=SPACE_QUERIES)
    ap.add_argument("--sets", default="xquad")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--contender", choices=("orbita", "orbita-core"), default="orbita")
    ap.add_argument("--grid", nargs="*", default=[],
                    help="replace a constant's grid: name=v1,v2 (name= leaves it fixed)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-bench/crossval"))
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "crossval.md")
    args = ap.parse_args(argv)

    grid = parse_grid(args.grid)
    corpora = args.corpora.resolve()
    correct = args.contender == "orbita"
    report = ["# Cross-validated ranking constants\n", machine_header(),
              f"- contender: {args.contender}; seed {args.seed}; {args.passes} passes",
              "- grid: " + "; ".join(f"{n} {v}" for n, v in grid.items())]
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    for name in sets:
        if name == "xquad":
            questions = load_xquad(args.eval)
            root = corpora / XQUAD_FOLDER
            files, primary = corpus_files(root), "MRR@10"
        elif name == "space":
            questions = load_space(args.space)
            root = corpora
            files, primary = russian_files(corpora), "nDCG@10"
        else:
            raise SystemExit(f"unknown set {name!r}: xquad or space (the test set is kept apart)")
        engine = staged_engine(name, files, root, args.workdir / name, args.contender)
        try:
            report += run_set(name, questions, engine, primary, grid, args.folds, args.seed,
                              args.passes, correct)
        finally:
            engine.close()
    report.append("\nDefaults: " + json.dumps(_defaults()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)


def _defaults() -> dict[str, float]:
    from search.query import DEFAULT_PARAMS

    return asdict(DEFAULT_PARAMS)


if __name__ == "__main__":
    main()
