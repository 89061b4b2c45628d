"""A query's units → every document's score, and the best documents in order.

A document's score is the sum of its units' BM25F scores (search/ranking/bm25f.py), scaled by
the share of the query's units it matches (documents holding more of the query's words come
first); among the best few, adjacent query words found close together add a proximity bonus.

Evidence in order. A query word is found either as typed (its lemmas in any inflection, its
form, a phrase typed) or only through an alternative that stands in for it: a synonym, the
same name in the other script (a *twin*: Аполлон / Apollo, НАСА / NASA), another lemma of its
stem or derivational family, a part of a hyphenated word. For each word:

- a document holding it as typed is scored by that, plus `twin_share` of its twins' score and
  `alternative_share` of the other alternatives' (small: a release saying «астронавт» ten
  times and «космонавт» twice stays below one saying «космонавт» fourteen times);
- a document holding only alternatives scores at most just below the weakest document
  holding the word as typed — or `alternative_cap` of the strongest, when that is more — and
  earns `alternative_coverage` of the word's coverage.

So a document holding the word as typed ranks above one holding only its synonym, twin or
relative, unless it holds the word only in passing (below `alternative_cap` of the best
document holding it) or is clearly weaker on the rest of the query (other words, coverage,
proximity). The constants are chosen by cross-validation (bench/crossval.py).

Equal scores (copies of a release; releases of one length holding the words equally often)
are ordered newest first, undated last, then by document number: one order at every depth, so
that pages never overlap.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from ..index import Snapshot
from ..query import DEFAULT_PARAMS, Compiled, RankingParams
from .bm25f import Scorer, Scores, flatten

__all__ = ["best", "score_units"]

_CAP_BAND = 1e-3  # the share of the cap below it where the alternatives above it are ordered


def score_units(
    scorer: Scorer, compiled: Compiled, params: RankingParams = DEFAULT_PARAMS
) -> tuple[Scores, np.ndarray, list[Scores]]:
    """Every document's score, which documents match, and each unit's own scores."""
    total = scorer.zeros()
    covered = scorer.zeros()
    matched = np.zeros(scorer.size, dtype=bool)
    per_unit = []
    for unit in compiled.units:
        typed = _scores(scorer, unit.typed)
        held = np.flatnonzero(typed > 0)  # (few of the documents: indexes, not a mask)
        unit_scores = typed
        if unit.alternatives is not None or unit.twins is not None:
            others = _scores(scorer, unit.alternatives)
            twins = _scores(scorer, unit.twins)
            stand_ins = others + twins
            if len(held):
                # below the weakest document holding the word as typed, or below a share of
                # the strongest (a passing mention of the word may be outranked)
                cap = max(float(typed[held].min()) * (1 - 1e-6),
                          params.alternative_cap * float(typed[held].max()))
                unit_scores = _below(stand_ins, cap)
                unit_scores[held] = (typed[held] + params.twin_share * twins[held]
                                     + params.alternative_share * others[held])
            else:
                unit_scores = stand_ins
            stand_in = stand_ins > 0
            stand_in[held] = False
            covered += params.alternative_coverage * stand_in
        per_unit.append(unit_scores)
        total += unit_scores
        covered[held] += 1
        matched |= unit_scores > 0
    if compiled.excluded is not None:
        matched &= ~scorer.mask(compiled.excluded)
    n = len(compiled.units)
    if n > 1:
        weight = params.coverage_weight
        total *= 1 - weight + weight * covered / n
    return total, matched, per_unit


def _below(scores: Scores, cap: float) -> Scores:
    """`scores` brought below `cap`, keeping their order: those above it go into a narrow
    band just below it (as if cut there, but still ordered by their evidence; cutting them
    at the cap would tie them all and leave their order to their document numbers)."""
    band = cap * _CAP_BAND
    knee = cap - band
    out = scores.copy()
    over = np.flatnonzero(scores > knee)
    if len(over):
        out[over] = cap - band * (knee / scores[over])  # knee at the knee, → cap
    return out


def _scores(scorer: Scorer, query: wq.Query | None) -> Scores:
    found = scorer.zeros()
    if query is not None:
        for clause, factor in flatten(query):
            scorer.add(found, clause, factor)
    return found


def best(
    snapshot: Snapshot,
    scores: Scores,
    docnums: np.ndarray,
    unit_scores: list[Scores],
    compiled: Compiled,
    depth: int,
    params: RankingParams = DEFAULT_PARAMS,
) -> list[tuple[int, float]]:
    """The best `depth` of the matching documents, best first. Among the first
    `proximity_depth` (positions are costly to read, and this is a tie-breaker), two adjacent
    query words found within `proximity_slop` words of each other in the body add
    `proximity_boost` times their own scores."""
    docnums = _first(snapshot, scores, docnums, depth)
    ranked = [(int(d), float(scores[d])) for d in docnums]
    if not compiled.near:
        return ranked
    head = dict(ranked[:params.proximity_depth])
    candidates = sorted(head)
    positions: dict[str, dict[int, list[int]]] = {}
    for a, b, forms_a, forms_b in compiled.near:
        for form in (*forms_a, *forms_b):
            if form not in positions:
                positions[form] = snapshot.positions("body", form, candidates)
        for docnum in candidates:
            near_a = sorted(p for f in forms_a for p in positions[f].get(docnum, ()))
            near_b = sorted(p for f in forms_b for p in positions[f].get(docnum, ()))
            if near_a and near_b and _closest(near_a, near_b) <= params.proximity_slop:
                extra = unit_scores[a][docnum] + unit_scores[b][docnum]
                head[docnum] += params.proximity_boost * float(extra)
    # a bonus only raises scores, so the head still outranks the rest
    return sorted(head.items(), key=lambda item: -item[1]) + ranked[params.proximity_depth:]


def _first(snapshot: Snapshot, scores: Scores, docnums: np.ndarray, depth: int) -> np.ndarray:
    """The first `depth` of `docnums` by score, equal scores newest first (undated last),
    then by document number: one order, whatever the depth, so pages never overlap."""
    if depth <= 0:
        return docnums[:0]
    found = scores[docnums]
    if len(docnums) > depth:
        threshold = np.partition(found, len(found) - depth)[len(found) - depth]
        docnums = docnums[found >= threshold]  # (with every document tied at the threshold)
        found = scores[docnums]
    order = np.lexsort((docnums, -_newness(snapshot)[docnums], -found))
    return docnums[order[:depth]]


def _newness(snapshot: Snapshot) -> np.ndarray:
    """Each document's date as a rank among the index's dates (-1: undated)."""

    def compute() -> np.ndarray:
        codes, labels = snapshot.column_codes("date")
        dated = sorted(label for label in labels if label)
        rank = {label: i for i, label in enumerate(dated)}
        by_code = np.array([rank.get(label, -1) if label else -1 for label in labels] or [-1],
                           dtype=np.int64)
        return by_code[codes]

    return snapshot.derived(("newness",), compute)


def _closest(a: list[int], b: list[int]) -> int:
    """The smallest distance between a position in `a` and one in `b` (both sorted)."""
    i = j = 0
    found = abs(a[0] - b[0])
    while i < len(a) and j < len(b):
        found = min(found, abs(a[i] - b[j]))
        if a[i] < b[j]:
            i += 1
        else:
            j += 1
    return found
