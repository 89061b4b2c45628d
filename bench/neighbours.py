"""Near-synonyms from word embeddings: do navec's nearest neighbours of a query word, added as
weak alternatives, rank better on questions they never saw, and what do they cost?

navec (news, 250,000 words, 300 dimensions, product-quantised; shipped inside natasha's wheel)
gives each query word its nearest words by cosine. Only words whose lemma the index holds are
candidates (one table per index generation). A query word that is not quoted, exact, a prefix
or a function word gets its `k` nearest lemmas of cosine ≥ `theta` as alternatives weighing
`boost` × cosine, ranked below the word typed exactly as the dictionary's synonyms are
(search/ranking/rank.py: evidence in order).

Quality: each setting of (boost, theta, k) over XQuAD dev (MRR@10) and the space set
(nDCG@10); per fold the setting with the best mean over the training folds (a tie keeps the
smaller boost), scored on the held-out fold, as bench/crossval.py does. Costs: loading the
embeddings, building a generation's table, memory added, milliseconds for a word seen the
first time.

    python -m bench.neighbours [--sets xquad,space]   # ~10 min; needs the bench extra (natasha)
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from bench import metrics
from bench.contenders import page_ids
from bench.corpus import RESULTS_DIR
from bench.crossval import Question, add_set_arguments, assign_folds, load_set
from bench.report import machine_header, table

K = 10
OFF = (0.0, 0.0, 0)
GRID = [OFF] + list(itertools.product((0.1, 0.2, 0.4), (0.45, 0.55, 0.65), (2, 5)))
SAMPLE_WORDS = ("сутки", "съедает", "защита", "космонавт", "запуск", "орбита")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_navec() -> Any:
    from navec import Navec

    folder = resources.files("natasha") / "data" / "emb"
    tar = next(p for p in folder.iterdir() if p.name.endswith(".tar"))
    with resources.as_file(tar) as path:
        return Navec.load(str(path))


class Neighbours:
    """The index's lemmas nearest a word in navec's space (one index generation)."""

    def __init__(self, navec: Any, snapshot: Any) -> None:
        from search.analysis import lemmas

        self._lemmas = lemmas
        vocab, pq = navec.vocab, navec.pq
        self.word_ids: dict[str, int] = vocab.word_ids
        self.codes, self.ab, self.norm = pq.indexes, pq.ab, pq.norm
        rows, self.lemma = [], []
        for i, word in enumerate(vocab.words):
            if word and ("а" <= word[0] <= "я" or word[0] == "ё"):
                held = [lemma for lemma in lemmas(word) if snapshot.has_term("body", lemma)]
                if held:
                    rows.append(i)
                    self.lemma.append(held[0])
        self.rows = np.array(rows)
        self.row_codes = self.codes[self.rows]
        self.row_norm = self.norm[self.rows]
        self._cache: dict[str, list[tuple[str, float]]] = {}
        self.first_seen_ms: list[float] = []

    def of(self, word: str) -> list[tuple[str, float]]:
        """Up to 10 lemmas nearest `word` (not its own), with their cosines, nearest first."""
        if word not in self._cache:
            t0 = time.perf_counter()
            self._cache[word] = self._nearest(word)
            self.first_seen_ms.append(1000 * (time.perf_counter() - t0))
        return self._cache[word]

    def _nearest(self, word: str) -> list[tuple[str, float]]:
        i = self.word_ids.get(word.replace("ё", "е"))
        if i is None:
            return []
        dims = np.arange(self.codes.shape[1])
        table_ = self.ab[dims, self.codes[i]]  # each sub-space: the word's centroid · others
        dots = table_[dims[None, :], self.row_codes].sum(axis=1)
        cosines = dots / (self.norm[i] * self.row_norm + 1e-9)
        seen = set(self._lemmas(word))
        found = []
        for j in np.argsort(-cosines)[:50]:
            lemma = self.lemma[j]
            if lemma not in seen:
                seen.add(lemma)
                found.append((lemma, float(cosines[j])))
                if len(found) == 10:
                    break
        return found


@contextmanager
def neighbours_added(neighbours: Neighbours, setting: list[tuple[float, float, int]]
                     ) -> Iterator[None]:
    """Within the block, the engine's query expansion adds each word's neighbours as
    alternatives by the current `setting[0]` (boost, theta, k)."""
    import search.engine as engine_module
    from search.analysis import STOP_WORDS
    from search.query import Group, Word

    original = engine_module.expand

    def expand(group: Group, q: str, snapshot: Any, *args: Any, **kwargs: Any) -> Group:
        expanded = original(group, q, snapshot, *args, **kwargs)
        boost, theta, k = setting[0]
        if boost <= 0:
            return expanded
        units = []
        for unit in expanded.units:
            w = unit[0]
            if isinstance(w, Word) and w.text not in STOP_WORDS and not (
                w.exact or w.prefix or w.title_only or w.stand_in or w.quoted
            ):
                unit = unit + [Word(lemma, boost=round(boost * cosine, 4), stand_in=True)
                               for lemma, cosine in neighbours.of(w.text)[:k]
                               if cosine >= theta]
            units.append(unit)
        return Group(units=units, excluded=expanded.excluded)

    engine_module.expand = expand  # type: ignore[assignment]
    try:
        yield
    finally:
        engine_module.expand = original


def figures(engine: Any, questions: list[Question], primary: str) -> np.ndarray:
    from search.engine import QueryError, SearchRequest

    out = []
    for q in questions:
        try:
            ranked = page_ids(engine.search(SearchRequest(q.query, per_page=K)), K)
        except QueryError:
            ranked = []
        out.append(metrics.reciprocal_rank(ranked, q.relevant, K) if primary == "MRR@10"
                   else metrics.ndcg_at(ranked, q.relevant, K))
    return np.array(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_set_arguments(ap, "xquad,space")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "neighbours.md")
    args = ap.parse_args(argv)

    before = rss_mb()
    t0 = time.perf_counter()
    navec = load_navec()
    load_s, navec_mb = time.perf_counter() - t0, rss_mb() - before
    quality_rows, cost_rows, samples = [], [], []
    for name in [s.strip() for s in args.sets.split(",") if s.strip()]:
        questions, primary, engine = load_set(name, args)
        before = rss_mb()
        t0 = time.perf_counter()
        with engine.snapshot() as snap:
            table_ = Neighbours(navec, snap)
        build_s, table_mb = time.perf_counter() - t0, rss_mb() - before
        samples += [f"{name}: {w} → " + ", ".join(f"{lemma} {c:.2f}" for lemma, c in
                                                   table_.of(w)[:6]) for w in SAMPLE_WORDS]
        table_.first_seen_ms.clear()
        setting = [OFF]
        runs: dict[tuple[float, float, int], np.ndarray] = {}
        seconds: dict[tuple[float, float, int], float] = {}
        figures(engine, questions, primary)  # warm: every setting is timed with warm caches
        with neighbours_added(table_, setting):
            for s in GRID:
                setting[0] = s
                t0 = time.perf_counter()
                runs[s] = figures(engine, questions, primary)
                seconds[s] = time.perf_counter() - t0
                print(f"{name} {s}: {runs[s].mean():.4f}", file=sys.stderr, flush=True)
        engine.close()
        folds = assign_folds(questions, args.folds, args.seed)
        held_out = np.zeros(len(questions))
        chosen = []
        for f in range(args.folds):
            train = folds != f
            best = max(GRID, key=lambda s, t=train: (float(runs[s][t].mean()), -s[0]))
            chosen.append(best)
            held_out[~train] = runs[best][~train]
        optimistic = max(GRID, key=lambda s: float(runs[s].mean()))
        quality_rows.append([
            f"{name} ({len(questions)}, {primary})", float(runs[OFF].mean()),
            float(held_out.mean()), f"{runs[optimistic].mean():.3f} {optimistic}",
            "; ".join(str(c) for c in chosen)])
        first = np.array(table_.first_seen_ms)
        warm = [seconds[s] for s in GRID[2:]]  # every word's neighbours already found
        cost_rows.append([
            name, len(table_.rows), f"{build_s:.1f}", f"{table_mb:.0f}",
            f"{first.mean():.0f} / {np.percentile(first, 95):.0f} ({len(first)} words)",
            f"{1000 * seconds[OFF] / len(questions):.1f} / "
            f"{1000 * float(np.mean(warm)) / len(questions):.1f}"])

    report = [
        "# Near-synonyms from word embeddings (navec)\n", machine_header(),
        f"- grid (boost, theta, k): off and {len(GRID) - 1} settings; {args.folds} folds, seed "
        f"{args.seed}; chosen per fold on the other folds (a tie keeps the smaller boost)",
        f"- navec loaded in {load_s:.1f} s, {navec_mb:.0f} MB of memory\n",
        "## Quality\n",
        table(["set", "off (whole set)", "cross-validated", "best setting, whole set "
               "(optimistic)", "chosen per fold"], quality_rows),
        "\n## Costs\n",
        table(["set", "candidate words", "table build s", "table MB",
               "ms for a word seen first (mean / p95)",
               "ms/query off / with neighbours (known words)"], cost_rows),
        "\n## Neighbours of a few words\n",
        *(f"- {line}" for line in samples),
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(report) + "\n", encoding="utf-8")
    print("\n".join(report))


if __name__ == "__main__":
    main()
