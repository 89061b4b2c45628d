"""Scoring a query's words term by term: BM25F computed over posting arrays.

Whoosh scores a big OR query through a tree of Python matcher objects, visiting every node
for every matching document: natural questions over 10,000 releases took 200 ms there. Here
each index term's postings are read as arrays (search/index/postings.py) and scored in one
pass, so the cost is one short loop per posting. Anything that is not a plain term or a plain
phrase (exact-form conditions, nested groups) is still scored by Whoosh, on its own and
usually small, matcher.

The formula is Whoosh's own BM25F (same idf, the same field lengths), with the ranking's k1
and b (search/query/params.py): scores agree with what Whoosh computes for the same query
and constants.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from whoosh import query as wq
from whoosh.query import spans
from whoosh.scoring import BM25F

from ..caching import LockedLRU, register
from ..index import POSITION_MASK, Snapshot
from ..query import DEFAULT_PARAMS, BestOf, Boosted, RankingParams

__all__ = ["CACHED_PHRASE_DOCS", "Scorer", "Scores", "flatten"]

Scores = np.ndarray  # one float per document number of the snapshot

# The documents holding a phrase, per generation: the same phrases come back query after query
# (a synonym's phrase, «российская федерация» for «Россия»), and reading positions is the
# costly part of a search. Bounded by the document numbers held, 8 bytes each, with an entry's
# key, array and bookkeeping counted as _ENTRY_COST of them (measured: ~740 bytes): about 16 MB.
CACHED_PHRASE_DOCS = 2_000_000
_ENTRY_COST = 96
_phrase_docs: LockedLRU = register(
    "phrase documents",
    LockedLRU(CACHED_PHRASE_DOCS, getsizeof=lambda docs: _ENTRY_COST + len(docs)),
)


def flatten(query: wq.Query, factor: float = 1.0) -> Iterable[tuple[wq.Query, float]]:
    """The clauses of an OR tree with their effective weights: terms come out one by one,
    anything else whole."""
    if isinstance(query, Boosted):
        yield from flatten(query.child, factor * query.factor)
    elif isinstance(query, BestOf):  # scored whole: the best of its readings
        yield query, factor
    elif isinstance(query, wq.Or):
        for sub in query.subqueries:
            yield from flatten(sub, factor * query.boost)
    else:
        yield query, factor


def _parts(query: wq.And | wq.AndMaybe) -> list[wq.Query]:
    if isinstance(query, wq.AndMaybe):
        return [query.a, query.b]
    return list(query.subqueries)


def _flat(query: wq.Query) -> bool:
    """Whether a query is terms under ORs and boosts only (scored here term by term)."""
    return all(isinstance(clause, wq.Term) for clause, _ in flatten(query))


class Scorer:
    """Scores clauses over one snapshot (all its segments) into arrays indexed by document
    number: adding up a word's evidence is then one vector operation per index term."""

    def __init__(self, snapshot: Snapshot, keep_idf: bool = True,
                 params: RankingParams = DEFAULT_PARAMS) -> None:
        """`keep_idf`: False where the terms are unlikely to be asked again in this generation
        (see :meth:`Snapshot.idf`); `params`: BM25F's k1 and b (a title's own b)."""
        self.snapshot = snapshot
        self.size = snapshot.size
        self.keep_idf = keep_idf
        self.k1 = params.k1
        self.b = params.b
        self.title_b = params.title_b
        # what Whoosh scores itself (see `whoosh`) is scored with the same constants
        self.weighting = BM25F(B=params.b, K1=params.k1, title_B=params.title_b)

    def zeros(self) -> Scores:
        return np.zeros(self.size)

    def add(self, scores: Scores, query: wq.Query, factor: float) -> None:
        """Adds a clause's scores to `scores`."""
        if isinstance(query, wq.Term):
            self.add_term(scores, query.fieldname, query.text, factor * query.boost)
        elif isinstance(query, BestOf):
            best = self.zeros()
            for reading in query.subqueries:
                found = self.zeros()
                for clause, weight in flatten(reading):
                    self.add(found, clause, weight)
                np.maximum(best, found, out=best)
            scores += best * factor * query.boost
        elif isinstance(query, (wq.And, wq.AndMaybe)) and all(map(_flat, _parts(query))):
            # as Whoosh scores them, by the sum of the parts' scores: an And's documents match
            # every part, an AndMaybe's its first (the second only adds to their scores)
            parts = [self.zeros() for _ in _parts(query)]
            for part, sub in zip(parts, _parts(query), strict=True):
                for clause, weight in flatten(sub):
                    self.add(part, clause, weight)
            required = parts[:1] if isinstance(query, wq.AndMaybe) else parts
            matched = np.logical_and.reduce([part > 0 for part in required])
            scores[matched] += np.sum(parts, axis=0)[matched] * (factor * query.boost)
        elif (slots := _phrase_slots(query)) is not None:
            self.add_phrase(scores, slots, factor)
        else:
            ids, values = self.whoosh(query)
            scores[ids] += values * factor

    def add_phrase(self, scores: Scores, slots: list[list[wq.Term]], factor: float) -> None:
        """A phrase: documents where a term of each slot follows one of the slot before,
        scored like Whoosh's span query (the sum of its terms' scores)."""
        fieldname = slots[0][0].fieldname
        matched = self.phrase_docs(fieldname, [[t.text for t in slot] for slot in slots])
        if len(matched):
            terms = self.zeros()
            for slot in slots:
                for term in slot:
                    self.add_term(terms, fieldname, term.text, term.boost)
            scores[matched] += terms[matched] * factor

    def phrase_docs(self, fieldname: str, slots: list[list[str]]) -> np.ndarray:
        """Document numbers (ascending, read-only) holding a phrase: a term of each slot
        right after one of the slot before. Kept per generation (see CACHED_PHRASE_DOCS)."""
        snapshot = self.snapshot
        if snapshot.gen is None:  # no generation to tell this snapshot's answers apart
            return self._phrase_docs(fieldname, slots)
        segments = tuple(leaf.reader().segment().segid for leaf, _ in snapshot.leaves)
        key = (str(snapshot.gen), segments, fieldname, tuple(map(tuple, slots)))
        found = _phrase_docs.get(key)
        if found is None:
            found = self._phrase_docs(fieldname, slots)
            _phrase_docs.put(key, found)
        return found

    def _phrase_docs(self, fieldname: str, slots: list[list[str]]) -> np.ndarray:
        # Candidates come from intersecting the posting arrays; then the slots' positions in
        # them, as keys docnum << 32 | position less the slot's place in the phrase, are
        # intersected: what is left are the phrase's starts.
        snapshot = self.snapshot
        candidates = None
        for slot in slots:
            held = [snapshot.doc_ids(fieldname, text) for text in slot]
            found = held[0] if len(held) == 1 else np.unique(np.concatenate(held))
            candidates = found if candidates is None else np.intersect1d(candidates, found)
            if not len(candidates):
                return np.zeros(0, dtype=np.int64)
        assert candidates is not None
        starts = None
        for step, slot in enumerate(slots):
            keys = [snapshot.position_keys(fieldname, text, candidates) for text in slot]
            here = keys[0] if len(keys) == 1 else np.unique(np.concatenate(keys))
            here = here[(here & POSITION_MASK) >= step] - step
            starts = here if starts is None else np.intersect1d(starts, here, assume_unique=True)
            if not len(starts):
                break
            candidates = np.unique(starts >> 32)
        assert starts is not None
        found = np.unique(starts >> 32)
        found.flags.writeable = False  # shared through the cache
        return found

    def add_term(self, scores: Scores, fieldname: str, text: str, factor: float) -> None:
        """BM25F scores of every document holding the term (presence only for fields that
        store no lengths)."""
        snapshot = self.snapshot
        scorable = snapshot.searcher.schema[fieldname].scorable
        weight = (snapshot.idf(fieldname, text, self.keep_idf) if scorable else 1.0) * factor
        k1, b = self.k1, self.title_b if fieldname == "title" else self.b
        for leaf, offset, (ids, tfs) in snapshot.postings(fieldname, text):
            if not scorable:
                scores[ids + offset] += weight
                continue
            norms = snapshot.norms(leaf, fieldname, k1, b)
            scores[ids + offset] += weight * (k1 + 1) * tfs / (tfs + norms[ids])

    def whoosh(self, query: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """Whoosh's own scores for a query that is not a plain term."""
        searcher = self.snapshot.searcher
        ids, values = [], []
        matcher = query.matcher(searcher, searcher.context(weighting=self.weighting))
        while matcher.is_active():
            ids.append(matcher.id())
            values.append(matcher.score())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(values, dtype=float)

    def mask(self, query: wq.Query) -> np.ndarray:
        """True for the documents matching a query."""
        found = np.zeros(self.size, dtype=bool)
        found[np.fromiter(query.docs(self.snapshot.searcher), dtype=np.int64)] = True
        return found



def _phrase_slots(query: wq.Query) -> list[list[wq.Term]] | None:
    """The slots of an exact phrase (terms side by side, in order, in one field), or None
    for any other query."""
    if not isinstance(query, spans.SpanNear2) or query.slop != 1 or not query.ordered:
        return None
    slots = []
    for sub in query.qs:
        terms = [sub] if isinstance(sub, wq.Term) else getattr(sub, "subqs", None)
        if not terms or not all(isinstance(t, wq.Term) for t in terms):
            return None
        slots.append(terms)
    if len({t.fieldname for slot in slots for t in slot}) != 1:
        return None
    return slots
