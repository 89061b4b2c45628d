"""How much of a judged space set an engine that matches words can reach: the share of the
relevant documents that hold every content word of their query (any inflection), or only some
of them, and the best nDCG@10 a ranking of only those documents could score (the ideal order
of what they hold). No engine is run: the figures come from the judgements and the texts.

A set whose relevant documents often lack the query's words («падение обломков ракеты» judged
relevant for a release on launch failures that says neither «падение» nor «обломки») asks an
engine to tell, among the many documents holding some of the words, which are about the topic:
the ceiling of the all-words ranking says how much of the set that is.

    python -m bench.reach                    # the three space sets
    python -m bench.reach --sets space,space2

Report: ``bench/results/reach.md``. Reading the test set's judgements this way runs no engine
on it and looks at no result, so it leaves the set as untouched as before.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import metrics
from bench.corpus import (
    DEFAULT_CORPORA,
    RESULTS_DIR,
    SPACE2_QUERIES,
    SPACE_QUERIES,
    SPACE_TEST_QUERIES,
)
from bench.report import machine_header, table

SETS = {"space": SPACE_QUERIES, "space2": SPACE2_QUERIES, "test": SPACE_TEST_QUERIES}


def query_lemmas(query: str) -> list[set[str]]:
    """Each content word's index terms (a phrase's words one by one), as the engine reads the
    query: function words and set phrases left out."""
    from search.analysis import STOP_WORDS, index_terms
    from search.query import Phrase, Word, effective_units, parse_query

    found = []
    for unit in effective_units(parse_query(query)):
        typed = [w for n in unit if isinstance(n, Word | Phrase)
                 for w in ([n.text] if isinstance(n, Word) else n.words)]
        lemmas = {t for w in typed for t in index_terms(w)} - STOP_WORDS
        if lemmas:
            found.append(lemmas)
    return found


class Texts:
    """The index terms of the corpus documents (as indexing finds them: hyphenated words'
    parts, Kazakh passages), read once each."""

    def __init__(self, corpora: Path) -> None:
        self.corpora = corpora
        self._terms: dict[str, set[str]] = {}

    def terms(self, doc: str) -> set[str]:
        from search.analysis import lemma_positions

        if doc not in self._terms:
            text = (self.corpora / doc).read_text(encoding="utf-8", errors="replace")
            self._terms[doc] = set(lemma_positions(text))
        return self._terms[doc]


def reach(rows: list[dict], texts: Texts) -> dict[str, float]:
    """The set's figures: shares of relevant documents and the two ceilings (means)."""
    n = n_all = n_some = 0
    best_all, best_some = [], []
    for row in rows:
        relevant: dict[str, float] = row["relevant"]
        words = query_lemmas(row["query"])
        held = {doc: [bool(w & texts.terms(doc)) for w in words] for doc in relevant}
        every = {d: g for d, g in relevant.items() if held[d] and all(held[d])}
        some = {d: g for d, g in relevant.items() if any(held[d])}
        n, n_all, n_some = n + len(relevant), n_all + len(every), n_some + len(some)
        best_all.append(metrics.ndcg_at(sorted(every, key=lambda d: -every[d]), relevant))
        best_some.append(metrics.ndcg_at(sorted(some, key=lambda d: -some[d]), relevant))
    return {
        "queries": len(rows), "relevant": n, "all words": n_all / n, "some words": n_some / n,
        "best, all words": metrics.mean(best_all), "best, some words": metrics.mean(best_some),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--sets", default="space,space2,test")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "reach.md")
    args = ap.parse_args(argv)
    texts = Texts(args.corpora.resolve())
    rows = []
    for name in (s.strip() for s in args.sets.split(",")):
        if name not in SETS:
            ap.error(f"unknown set {name!r} (one of {', '.join(SETS)})")
        queries = [json.loads(line) for line in
                   SETS[name].read_text(encoding="utf-8").splitlines() if line.strip()]
        figures = reach(queries, texts)
        rows.append([name, *figures.values()])
        print(name, figures, flush=True)
    report = "\n\n".join([
        "# What a word-matching engine can reach on the judged space sets",
        machine_header(),
        table(["set", "queries", "relevant documents", "share holding every query word",
               "share holding some", "best nDCG@10, documents with every word",
               "best nDCG@10, documents with some"], rows),
        "The first ceiling is the nDCG@10 of the relevant documents that hold every query word, "
        "in the ideal order, and nothing else: what finding them all and ranking them best "
        "scores. The second adds those holding only some of the words: to score it, a ranking "
        "must also pick them out among the many documents holding some of the words.",
    ]) + "\n"
    args.out.write_text(report, encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
