"""Cross-validated ranking constants: figures that hold on questions the constants never saw.

The questions are split into k folds (XQuAD: by article, so that the questions of one article
stay in one fold; the space sets: by query), with a fixed seed. For each fold, the ranking's
constants (search/query/params.py) are chosen on the other folds by coordinate ascent over a
small grid, starting from the product's defaults (each constant in turn takes the grid value
that scores best on the training folds, others fixed; a tie keeps the current value; two
passes), and the held-out fold is scored with what was chosen. The cross-validated figure is
the mean over every question, each scored by the fold that held it out; it is the one to
trust when it differs from the whole-set figure. With several sets (``--sets xquad,space,space2``),
one setting is chosen per fold by the mean of the sets' figures on their training questions,
as the product has one set of constants.

Also reported: the defaults on the whole set, the values each fold chose, and the values a
search over the whole set would choose with their (optimistic) whole-set figure.

    python -m bench.crossval [--sets xquad,space,space2] [--folds 5] [--seed 13] [--passes 2]
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
from typing import Any

import numpy as np

from bench import metrics
from bench.contenders import page_ids
from bench.corpus import (
    DEFAULT_CORPORA,
    DEFAULT_EVAL,
    RESULTS_DIR,
    SPACE2_QUERIES,
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
    "k1": [1.2, 2.0, 3.0],
    "b": [0.5, 0.75, 0.9],
    "title_b": [0.0, 0.3, 0.75],
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
    "reading_share": [0.0, 0.01, 0.05],
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
                    ranked = page_ids(result, K)
                except QueryError:
                    ranked = []
                rr.append(metrics.reciprocal_rank(ranked, q.relevant, K))
                s1.append(metrics.success_at(ranked, q.relevant, 1))
                ndcg.append(metrics.ndcg_at(ranked, q.relevant, K))
            self.cache[key] = {"MRR@10": np.array(rr), "S@1": np.array(s1),
                               "nDCG@10": np.array(ndcg)}
            self.seconds += time.perf_counter() - t0
        return self.cache[key]


def choose(score: Callable[[dict[str, float]], float], grid: dict[str, list[float]],
           start: dict[str, float], passes: int,
           on_step: Callable[[], None] | None = None) -> dict[str, float]:
    """Coordinate ascent of `score` (a setting's figure on the training questions): each
    constant in turn takes its best grid value, the others fixed; a tie keeps the current
    value."""
    current = dict(start)
    for _ in range(passes):
        changed = False
        for name, values in grid.items():
            best_value, best_score = current[name], score(current)
            for v in values:
                s = score({**current, name: v})
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


@dataclass
class Judged:
    """One query set under cross-validation."""

    name: str
    evaluate: Evaluator
    folds: np.ndarray  # each question's fold

    def train_score(self, values: dict[str, float], mask: np.ndarray) -> float:
        return float(self.evaluate(values)[self.evaluate.primary][mask].mean())


def run_sets(sets: list[Judged], grid: dict[str, list[float]], k: int, passes: int
             ) -> list[str]:
    """Cross-validation over one or more sets at once: one setting of the constants is chosen
    per fold, by the mean of each set's figure on its training questions (one product, one
    set of constants); each set's held-out questions are scored with it."""
    from search.query import DEFAULT_PARAMS

    defaults = {n: getattr(DEFAULT_PARAMS, n) for n in grid}

    def progress() -> None:
        runs = ", ".join(f"{j.name} {len(j.evaluate.cache)} settings "
                         f"{j.evaluate.seconds:.0f} s" for j in sets)
        print(f"  {runs}", file=sys.stderr, flush=True)

    def objective(masks: list[np.ndarray]) -> Callable[[dict[str, float]], float]:
        return lambda values: float(np.mean(
            [j.train_score(values, m) for j, m in zip(sets, masks, strict=True)]))

    chosen_by_fold = []
    held_out = [{m: np.zeros(len(j.folds)) for m in j.evaluate(defaults)} for j in sets]
    fold_rows: list[list[object]] = []
    for f in range(k):
        trains = [j.folds != f for j in sets]
        chosen = choose(objective(trains), grid, defaults, passes, progress)
        chosen_by_fold.append(chosen)
        row: list[object] = [f"fold {f + 1}"]
        for j, out, train in zip(sets, held_out, trains, strict=True):
            figures, base, test = j.evaluate(chosen), j.evaluate(defaults), j.folds == f
            for m in out:
                out[m][test] = figures[m][test]
            primary = j.evaluate.primary
            row += [int(test.sum()), float(figures[primary][train].mean()),
                    float(base[primary][test].mean()), float(figures[primary][test].mean())]
        fold_rows.append(row)
    everyone = [np.ones(len(j.folds), dtype=bool) for j in sets]
    tuned = choose(objective(everyone), grid, defaults, passes, progress)

    report: list[str] = []
    for j, out in zip(sets, held_out, strict=True):
        primary = j.evaluate.primary
        metric_names = ["MRR@10", "S@1"] + (["nDCG@10"] if primary == "nDCG@10" else [])
        base, whole = j.evaluate(defaults), j.evaluate(tuned)
        summary = table(["figure", *metric_names], [
            ["defaults, whole set", *(float(base[m].mean()) for m in metric_names)],
            ["cross-validated", *(float(out[m].mean()) for m in metric_names)],
            ["tuned on the whole set (optimistic)",
             *(float(whole[m].mean()) for m in metric_names)],
        ])
        head = (f"{j.name} ({len(j.folds)} questions, {k} folds, judged by {primary}; "
                f"{len(j.evaluate.cache)} settings run in {j.evaluate.seconds:.0f} s)")
        print(f"\n{head}\n{summary}")
        report += [f"\n## {head}\n", summary]
    header: list[str] = ["fold"]
    for j in sets:
        p = j.evaluate.primary
        header += [f"{j.name} questions", f"{p} train (chosen)", f"{p} held out (defaults)",
                   f"{p} held out (chosen)"]
    folds_table = table(header, fold_rows)
    values_table = table(
        ["constant", "default", *(f"fold {f + 1}" for f in range(k)), "whole set"],
        [[n, defaults[n], *(c[n] for c in chosen_by_fold), tuned[n]] for n in grid])
    print(f"\n{folds_table}\n\n{values_table}\n")
    return report + ["\n## Folds\n", folds_table,
                     "\n## Values chosen (on the other folds; last: on every question)\n",
                     values_table]


def parse_grid(items: list[str]) -> dict[str, list[float]]:
    grid = dict(GRID)
    for item in items:
        name, _, values = item.partition("=")
        if name not in GRID:
            raise SystemExit(f"unknown constant {name!r}; known: {', '.join(GRID)}")
        grid[name] = [float(v) for v in values.split(",") if v]
    return {n: v for n, v in grid.items() if v}


def add_set_arguments(ap: argparse.ArgumentParser, sets: str) -> None:
    """The arguments of a cross-validated run over the development sets."""
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--space", type=Path, default=SPACE_QUERIES)
    ap.add_argument("--space2", type=Path, default=SPACE2_QUERIES)
    ap.add_argument("--sets", default=sets)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-bench/crossval"))


def load_set(name: str, args: argparse.Namespace, contender: str = "orbita",
             engines: dict[Path, Any] | None = None) -> tuple[list[Question], str, Any]:
    """A development set's questions, the figure it is judged by, and an engine over its
    corpus (staged and indexed in the work folder on the first run; the space sets share
    one, taken from `engines` when an earlier set opened it there)."""
    corpora = args.corpora.resolve()
    if name == "xquad":
        questions, root, primary = load_xquad(args.eval), corpora / XQUAD_FOLDER, "MRR@10"
        files, workdir = corpus_files(root), args.workdir / "xquad"
    elif name in ("space", "space2"):
        questions, root, primary = load_space(getattr(args, name)), corpora, "nDCG@10"
        files, workdir = russian_files(corpora), args.workdir / "space"
    else:
        raise SystemExit(f"unknown set {name!r}: xquad, space or space2 (the test set is "
                         "kept apart)")
    engines = {} if engines is None else engines
    if workdir not in engines:
        engines[workdir] = staged_engine(name, files, root, workdir, contender)
    return questions, primary, engines[workdir]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_set_arguments(ap, "xquad")
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--contender", choices=("orbita", "orbita-core"), default="orbita")
    ap.add_argument("--grid", nargs="*", default=[],
                    help="replace a constant's grid: name=v1,v2 (name= leaves it fixed)")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "crossval.md")
    args = ap.parse_args(argv)

    grid = parse_grid(args.grid)
    correct = args.contender == "orbita"
    report = ["# Cross-validated ranking constants\n", machine_header(),
              f"- contender: {args.contender}; seed {args.seed}; {args.passes} passes",
              "- grid: " + "; ".join(f"{n} {v}" for n, v in grid.items())]
    judged, engines = [], {}
    try:
        for name in [s.strip() for s in args.sets.split(",") if s.strip()]:
            questions, primary, engine = load_set(name, args, args.contender, engines)
            judged.append(Judged(name, Evaluator(engine, questions, primary, correct),
                                 assign_folds(questions, args.folds, args.seed)))
        report += run_sets(judged, grid, args.folds, args.passes)
    finally:
        for engine in engines.values():
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
