"""Scoring a query's words term by term: BM25F computed block by block over posting lists.

Whoosh scores a big OR query through a tree of Python matcher objects, visiting every node
for every matching document: natural questions over 10,000 releases took 200 ms there. Here
each index term's postings are read a block at a time and scored in one pass, so the cost is
one short loop per posting. Anything that is not a plain term (phrases, exact-form
conditions, nested groups) is still scored by Whoosh, on its own and usually small, matcher.

The formula is Whoosh's own BM25F (same idf, same K1 and B, the same field lengths), so
scores agree with what Whoosh would compute for the same query.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from whoosh import query as wq
from whoosh.matching import FilterMatcher
from whoosh.query import spans
from whoosh.searching import Searcher

K1 = 1.2
B = 0.75

Scores = np.ndarray  # one float per document number of the searcher


def flatten(query: wq.Query, factor: float = 1.0) -> Iterable[tuple[wq.Query, float]]:
    """The clauses of an OR tree with their effective weights: terms come out one by one,
    anything else whole."""
    from .query import _Boosted  # the query module's boost wrapper

    if isinstance(query, _Boosted):
        yield from flatten(query.child, factor * query.factor)
    elif isinstance(query, wq.Or):
        for sub in query.subqueries:
            yield from flatten(sub, factor * query.boost)
    else:
        yield query, factor


class Scorer:
    """Scores clauses over one searcher (all its segments) into arrays indexed by document
    number: adding up a word's evidence is then one vector operation per index term."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.leaves = searcher.leaf_searchers()
        self.size = searcher.doc_count_all()

    def zeros(self) -> Scores:
        return np.zeros(self.size)

    def add(self, scores: Scores, query: wq.Query, factor: float) -> None:
        """Adds a clause's scores to `scores`."""
        if isinstance(query, wq.Term):
            self.add_term(scores, query.fieldname, query.text, factor * query.boost)
        elif (slots := _phrase_slots(query)) is not None:
            self.add_phrase(scores, slots, factor)
        else:
            ids, values = self.whoosh(query)
            scores[ids] += values * factor

    def add_phrase(self, scores: Scores, slots: list[list[wq.Term]], factor: float) -> None:
        """A phrase: documents where a term of each slot follows one of the slot before,
        scored like Whoosh's span query (the sum of its terms' scores). Candidates come from
        intersecting the cached posting arrays; positions are read for those alone."""
        fieldname = slots[0][0].fieldname
        candidates = None
        for slot in slots:
            found = np.unique(np.concatenate([self.doc_ids(fieldname, t.text) for t in slot]))
            candidates = found if candidates is None else np.intersect1d(candidates, found)
            if not len(candidates):
                return
        docnums = candidates.tolist()
        placed = [
            [self.positions(fieldname, t.text, docnums) for t in slot] for slot in slots
        ]
        matched = []
        for docnum in docnums:
            starts = {p for by_term in placed[0] for p in by_term.get(docnum, ())}
            for step, slot in enumerate(placed[1:], 1):
                here = {p for by_term in slot for p in by_term.get(docnum, ())}
                starts = {p for p in starts if p + step in here}
                if not starts:
                    break
            if starts:
                matched.append(docnum)
        if matched:
            terms = self.zeros()
            for slot in slots:
                for term in slot:
                    self.add_term(terms, fieldname, term.text, term.boost)
            scores[matched] += terms[matched] * factor

    def doc_ids(self, fieldname: str, text: str) -> np.ndarray:
        """Document numbers holding a term, over all segments."""
        found = [
            postings[0] + offset
            for leaf, offset in self.leaves
            if (postings := _postings(leaf.reader(), fieldname, text)) is not None
        ]
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def add_term(self, scores: Scores, fieldname: str, text: str, factor: float) -> None:
        """BM25F scores of every document holding the term (presence only for fields that
        store no lengths)."""
        searcher = self.searcher
        scorable = searcher.schema[fieldname].scorable
        weight = (searcher.idf(fieldname, text) if scorable else 1.0) * factor
        for leaf, offset in self.leaves:
            postings = _postings(leaf.reader(), fieldname, text)
            if postings is None:
                continue
            ids, tfs = postings
            if not scorable:
                scores[ids + offset] += weight
                continue
            norms = _norms(leaf, fieldname, searcher.avg_field_length(fieldname) or 1.0)
            scores[ids + offset] += weight * (K1 + 1) * tfs / (tfs + norms[ids])

    def whoosh(self, query: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """Whoosh's own scores for a query that is not a plain term."""
        ids, values = [], []
        matcher = query.matcher(self.searcher, self.searcher.context())
        while matcher.is_active():
            ids.append(matcher.id())
            values.append(matcher.score())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(values, dtype=float)

    def mask(self, query: wq.Query) -> np.ndarray:
        """True for the documents matching a query."""
        found = np.zeros(self.size, dtype=bool)
        found[np.fromiter(query.docs(self.searcher), dtype=np.int64)] = True
        return found

    def positions(self, fieldname: str, text: str, docnums: list[int]) -> dict[int, list[int]]:
        """Word positions of a term in the given documents (sorted ascending)."""
        found: dict[int, list[int]] = {}
        for leaf, offset in self.leaves:
            reader = leaf.reader()
            postings = _postings(reader, fieldname, text, deletions=False)
            if postings is None:
                continue
            ids = postings[0]
            local = np.array(docnums, dtype=np.int64) - offset
            where = np.searchsorted(ids, local)
            hits = [(int(i), d + offset) for i, d in zip(where, local.tolist(), strict=True)
                    if i < len(ids) and ids[i] == d]
            if hits:
                found.update(_positions_at(reader, fieldname, text, hits))
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


def has_term(searcher: Searcher, fieldname: str, text: str) -> bool:
    """Whether a live document holds the term (its postings are then cached for scoring)."""
    return any(_postings(leaf.reader(), fieldname, text) is not None
               for leaf, _ in searcher.leaf_searchers())


def _postings(
    reader, fieldname: str, text: str, deletions: bool = True
) -> tuple[np.ndarray, np.ndarray] | None:
    """Document numbers and term frequencies of a term in one segment, without the deleted
    documents unless `deletions` is False; None when no document holds it.

    Whoosh stores a block's positions together with its document numbers, so reading a
    frequent word's postings means unpickling all its positions, and finding a term takes
    a few reads of its hash table. Segment files never change, so the arrays (or their
    absence) of recently used terms are kept, shared by all threads and generations; the
    deleted documents, which a new generation may add to a segment, are masked out here."""
    key = (reader.segment().segid, fieldname, text)
    found = _cache.get(key)
    if found is None:
        found = _read_postings(reader, fieldname, text) if (fieldname, text) in reader else _ABSENT
        _cache.put(key, found)
    if found is _ABSENT:
        return None
    alive = _alive(reader) if deletions else None
    if alive is None:
        return found
    ids, tfs = found
    keep = alive[ids]
    return (ids[keep], tfs[keep]) if keep.any() else None


def _alive(reader) -> np.ndarray | None:
    """False for the segment's deleted documents; None when there are none."""
    cache = reader.__dict__
    if "_orbita_alive" not in cache:
        alive = None
        if reader.has_deletions():
            alive = np.ones(reader.doc_count_all(), dtype=bool)
            alive[np.fromiter(reader.deleted_docs_set, dtype=np.int64)] = False
        cache["_orbita_alive"] = alive
    return cache["_orbita_alive"]


class _PostingsCache:
    """Least recently used postings arrays, bounded by their total length."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.size += _ENTRY_COST + len(value[0])
            while self.size > self.limit and len(self.items) > 1:
                _, (ids, _tfs) = self.items.popitem(last=False)
                self.size -= _ENTRY_COST + len(ids)


CACHED_POSTINGS = 4_000_000  # about 64 MB of arrays
_ENTRY_COST = 32  # an entry's own memory, in postings (absent terms cost this alone)
_ABSENT = (np.zeros(0, dtype=np.int64), np.zeros(0))  # the term is in no live document
_cache = _PostingsCache(CACHED_POSTINGS)


def _positions_at(
    reader, fieldname: str, text: str, hits: list[tuple[int, int]]
) -> dict[int, list[int]]:
    """Positions of the postings at the given indexes of a term's posting list: the blocks
    before them are skipped by their headers, without decoding a document number."""
    matcher = _raw_matcher(reader, fieldname, text)
    if not hasattr(matcher, "_read_ids"):  # not block postings: step through
        found = {}
        for _, docnum in hits:
            matcher.skip_to(docnum)
            found[docnum] = matcher.value_as("positions")
        return found
    found = {}
    first = 0  # index of the current block's first posting
    for index, docnum in hits:
        while index >= first + matcher._blocklength:
            first += matcher._blocklength
            matcher._next_block()
        matcher._i = index - first
        found[docnum] = matcher.value_as("positions")
    return found


def _raw_matcher(reader, fieldname: str, text: str):
    """The segment's own postings matcher, deletions included (callers handle them)."""
    matcher = reader.postings(fieldname, text)
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _read_postings(reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    matcher = _raw_matcher(reader, fieldname, text)
    ids: list[int] = []
    tfs: list[float] = []
    if hasattr(matcher, "_read_ids"):  # Whoosh's block postings: read whole blocks
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            tfs.extend(matcher._weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            tfs.append(matcher.weight())
            matcher.next()
    return np.array(ids, dtype=np.int64), np.array(tfs, dtype=float)


def _norms(leaf: Searcher, fieldname: str, avg_length: float) -> np.ndarray:
    """K1 * (1 - B + B * length / average length) for every document of a segment, computed
    once per open segment."""
    reader = leaf.reader()
    cache = reader.__dict__.setdefault("_orbita_norms", {})
    norms = cache.get(fieldname)
    if norms is None:
        count = reader.doc_count_all()
        lengths = np.array(
            [reader.doc_field_length(d, fieldname, 0) or 0 for d in range(count)], dtype=float
        )
        norms = cache[fieldname] = K1 * (1 - B + B * lengths / avg_length)
    return norms


def column_values(searcher: Searcher, fieldname: str) -> list:
    """The value of a sortable field for every document (by document number), read once per
    open index: facets and the date sort look up thousands of documents per query."""
    reader = searcher.reader()
    cache = reader.__dict__.setdefault("_orbita_columns", {})
    values = cache.get(fieldname)
    if values is None:
        values = cache[fieldname] = list(reader.column_reader(fieldname, translate=True))
    return values


def column_codes(searcher: Searcher, fieldname: str) -> tuple[np.ndarray, list]:
    """A sortable field as numbers: each document's index into the list of distinct values
    (facets count a query's documents with one `bincount`)."""
    reader = searcher.reader()
    cache = reader.__dict__.setdefault("_orbita_codes", {})
    found = cache.get(fieldname)
    if found is None:
        values = column_values(searcher, fieldname)
        labels = list(dict.fromkeys(values))
        number = {value: i for i, value in enumerate(labels)}
        codes = np.fromiter((number[v] for v in values), dtype=np.int32, count=len(values))
        found = cache[fieldname] = (codes, labels)
    return found
