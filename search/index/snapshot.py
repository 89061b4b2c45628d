"""A snapshot: one open index generation, and everything computed from it while it is open.

Ranking reads the index through this object rather than through Whoosh's reader directly:
posting arrays without the generation's deleted documents, field-length norms, the sortable
columns as arrays, the near-duplicate sketches, and values the query side derives from the
vocabulary (stem families). Each is computed once per snapshot, on first use, by whichever
thread asks first (computing twice is harmless; a dict assignment is atomic), and dropped with
the snapshot. search/caching.py lists them.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from cachetools import LRUCache
from whoosh.searching import Searcher

from .arrays import PostingArrays, term_key
from .postings import Postings, positions_at, segment_postings
from .sketches import SKETCH_FIELD

__all__ = ["POSITION_MASK", "Snapshot"]

T = TypeVar("T")

POSITION_MASK = (1 << 32) - 1  # a position key's position bits (`position_keys`)
DERIVED_LIMIT = 100_000  # values derived per snapshot (stem families): bounded for odd traffic


class Snapshot:
    """One index generation as searches read it. Many threads share one snapshot."""

    def __init__(self, searcher: Searcher, gen: Path | None = None) -> None:
        self.searcher = searcher
        self.gen = gen  # the generation folder, when the index lives in one
        # what segment ids are unique in: the index folder (its generations share segments)
        self._index = str(gen.parent) if gen is not None else f"searcher-{id(searcher)}"
        self.reader = searcher.reader()
        # an index of no documents has a reader without a segment: nothing to read there
        self.leaves: list[tuple[Searcher, int]] = [
            (leaf, offset) for leaf, offset in searcher.leaf_searchers()
            if getattr(leaf.reader(), "segment", lambda: None)() is not None
        ]
        self.size: int = searcher.doc_count_all()  # document numbers run from 0 to size - 1
        self._alive: dict[int, np.ndarray | None] = {}
        self._arrays: dict[int, PostingArrays | None] = {}
        self._norms: dict[tuple[int, str, float, float], np.ndarray] = {}
        self._columns: dict[str, list[Any]] = {}
        self._codes: dict[str, tuple[np.ndarray, list[Any]]] = {}
        self._sketches: list[Any] = []
        self._derived: LRUCache[Hashable, Any] = LRUCache(maxsize=DERIVED_LIMIT)
        self._lock = threading.Lock()

    def close(self) -> None:
        self.searcher.close()

    # --- terms -------------------------------------------------------------------------

    def postings(self, fieldname: str, text: str, deletions: bool = True
                 ) -> Iterator[tuple[int, int, Postings]]:
        """For each segment holding a term: its number, its first document's number in the
        generation, and the term's document numbers (in the segment) and frequencies there,
        without the deleted documents unless `deletions` is False."""
        key = self.term_key(fieldname, text)
        for leaf, (searcher, offset) in enumerate(self.leaves):
            found = segment_postings(
                searcher.reader(), self._index, fieldname, text, key, self._arrays_in(leaf)
            )
            if found is None:
                continue
            alive = self._alive_in(leaf) if deletions else None
            if alive is not None:
                ids, tfs = found
                keep = alive[ids]
                if not keep.any():
                    continue
                found = (ids[keep], tfs[keep])
            yield leaf, offset, found

    def term_key(self, fieldname: str, text: str) -> int:
        """The term's key in the posting arrays (search/index/arrays.py)."""
        return term_key(fieldname, self.searcher.schema[fieldname].to_bytes(text))

    def has_term(self, fieldname: str, text: str) -> bool:
        """Whether a live document holds the term: from the term's span in the posting arrays
        (its document numbers read only in a segment with deletions), without copying its
        postings; the query compiler asks this of dozens of terms a question."""
        key = self.term_key(fieldname, text)
        for leaf in range(len(self.leaves)):
            found = self._documents(leaf, fieldname, text, key)
            if found is None:
                continue
            ids, _ = found
            alive = self._alive_in(leaf)
            # deletions are few: the first documents almost always answer
            if alive is None or alive[ids[:8]].any() or alive[ids[8:]].any():
                return True
        return False

    def doc_ids(self, fieldname: str, text: str) -> np.ndarray:
        """Document numbers holding a term, over all segments."""
        found = [ids + offset for _, offset, (ids, _) in self.postings(fieldname, text)]
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """How many documents hold a term, deleted ones included (as Whoosh counts them)."""
        key = self.term_key(fieldname, text)
        total = 0
        for leaf, (searcher, _) in enumerate(self.leaves):
            arrays = self._arrays_in(leaf)
            if arrays is None:
                total += searcher.reader().doc_frequency(fieldname, text)
            elif (span := arrays.find(key)) is not None:
                total += span[1] - span[0]
        return total

    def collection_frequencies(self, fieldname: str, texts: Sequence[str]
                               ) -> list[float | None]:
        """How often the documents hold each term, deleted ones included, as Whoosh's reader
        counts it (its postings' weights summed per segment, kept as a 32-bit float there);
        None for a term no segment has. From the posting arrays, all terms at once: Whoosh's
        lookups take a few hash-table reads a term and segment, which made the key terms of
        one release cost tens of milliseconds."""
        keys = np.array([self.term_key(fieldname, text) for text in texts], dtype=np.int64)
        totals, found = np.zeros(len(texts)), np.zeros(len(texts), dtype=bool)
        for leaf, (searcher, _) in enumerate(self.leaves):
            arrays = self._arrays_in(leaf)
            if arrays is None:
                reader = searcher.reader()
                for j, text in enumerate(texts):
                    if (fieldname, text) in reader:
                        totals[j] += reader.frequency(fieldname, text)
                        found[j] = True
                continue
            has, sums = arrays.weights_of(keys)
            totals += sums.astype(np.float32)
            found |= has
        return [total if has else None
                for total, has in zip(totals.tolist(), found.tolist(), strict=True)]

    def idf(self, fieldname: str, text: str, keep: bool = True) -> float:
        """Whoosh's idf (scoring.WeightingModel.idf), the same for every model it has; kept
        for the generation's later queries (~230 bytes an entry, 1 µs instead of 13) unless
        `keep` is False."""
        if not keep:
            return self._idf(fieldname, text)
        return self.derived(("idf", fieldname, text), lambda: self._idf(fieldname, text))

    def _idf(self, fieldname: str, text: str) -> float:
        return math.log(max(self.size, 1) / (self.doc_frequency(fieldname, text) + 1)) + 1

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[str]:
        """Index terms of a field starting with `prefix`, in order."""
        for term in self.reader.expand_prefix(fieldname, prefix):
            yield term.decode("utf-8") if isinstance(term, bytes) else term

    def positions(self, fieldname: str, text: str, docnums: list[int]) -> dict[int, list[int]]:
        """Word positions of a term in the given documents (ascending), ascending; only the
        documents holding it are keys. Read posting by posting: the proximity bonus asks for
        twenty documents or so at a time, where numpy's gathering costs more than it saves."""
        key = self.term_key(fieldname, text)
        found: dict[int, list[int]] = {}
        for leaf, (searcher, offset) in enumerate(self.leaves):
            reader, arrays = searcher.reader(), self._arrays_in(leaf)
            lo = bisect_left(docnums, offset)
            hi = bisect_left(docnums, offset + reader.doc_count_all())
            if lo == hi:  # none of the documents is in this segment
                continue
            term = self._documents(leaf, fieldname, text, key)
            if term is None:
                continue
            ids, span = term
            hits = _held(ids, docnums[lo:hi], offset)
            if arrays is not None and span is not None:
                at = arrays.positions_lists(span, [index for index, _ in hits])
                found.update(zip([docnum for _, docnum in hits], at, strict=True))
            else:  # a segment without arrays: its blocks, read posting by posting
                found.update(positions_at(reader, fieldname, text, hits))
        return found

    def position_keys(self, fieldname: str, text: str, docnums: np.ndarray) -> np.ndarray:
        """Where a term is in the given documents (ascending), as one sorted array of keys
        docnum << 32 | position (a phrase's documents are found by intersecting its terms'
        keys, the positions shifted by the term's place in the phrase)."""
        parts = []
        key = self.term_key(fieldname, text)
        for i, (searcher, offset) in enumerate(self.leaves):
            reader, arrays = searcher.reader(), self._arrays_in(i)
            lo, hi = np.searchsorted(docnums, (offset, offset + reader.doc_count_all()))
            if lo == hi:  # none of the documents is in this segment
                continue
            found = self._documents(i, fieldname, text, key)
            if found is None:
                continue
            ids, span = found
            local = docnums[lo:hi] - offset
            where = np.searchsorted(ids, local)
            inside = where < len(ids)
            where, local = where[inside], local[inside]
            held = ids[where] == local
            where, docs = where[held], local[held] + offset
            if arrays is not None and span is not None:
                counts, positions = arrays.positions_of(span, where)
            else:  # a segment without arrays: its blocks, read posting by posting
                hits = list(zip(where.tolist(), docs.tolist(), strict=True))
                at = positions_at(reader, fieldname, text, hits)
                counts = np.array([len(at[d]) for d in docs.tolist()], dtype=np.int64)
                positions = np.array([p for d in docs.tolist() for p in at[d]], dtype=np.int64)
            parts.append((np.repeat(docs, counts) << 32) | positions)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def _documents(self, leaf: int, fieldname: str, text: str, key: int
                   ) -> tuple[np.ndarray, tuple[int, int] | None] | None:
        """A term's document numbers in one segment, deleted ones included, and its span in
        the segment's posting arrays: a view of the map where the segment has arrays, else
        read from Whoosh's postings (no span); None when the segment lacks the term."""
        arrays = self._arrays_in(leaf)
        if arrays is not None:
            span = arrays.find(key)
            return None if span is None else (arrays.documents(span), span)
        found = segment_postings(self.leaves[leaf][0].reader(), self._index, fieldname, text,
                                 key, None)
        return None if found is None else (found[0], None)

    def live(self) -> np.ndarray:
        """True for every document number that is not deleted (the whole generation)."""
        mask = np.zeros(self.size, dtype=bool)
        for leaf, (searcher, offset) in enumerate(self.leaves):
            alive = self._alive_in(leaf)
            count = searcher.reader().doc_count_all()
            mask[offset:offset + count] = True if alive is None else alive
        return mask

    def _arrays_in(self, leaf: int) -> PostingArrays | None:
        """A segment's posting arrays, mapped on first use; None when it has none."""
        if leaf not in self._arrays:
            self._arrays[leaf] = PostingArrays.of(self.leaves[leaf][0].reader())
        return self._arrays[leaf]

    def _alive_in(self, leaf: int) -> np.ndarray | None:
        """False for a segment's deleted documents; None when there are none."""
        if leaf not in self._alive:
            reader = self.leaves[leaf][0].reader()
            alive = None
            if reader.has_deletions():
                alive = np.ones(reader.doc_count_all(), dtype=bool)
                alive[np.fromiter(reader.deleted_docs_set, dtype=np.int64)] = False
            self._alive[leaf] = alive
        return self._alive[leaf]

    def norms(self, leaf: int, fieldname: str, k1: float, b: float) -> np.ndarray:
        """BM25F's k1 * (1 - b + b * length / average length) for every document of a segment,
        as Whoosh computes it (the ranking's k1 and b: search/query/params.py)."""
        key = (leaf, fieldname, k1, b)
        norms = self._norms.get(key)
        if norms is None:
            reader = self.leaves[leaf][0].reader()
            average = self.searcher.avg_field_length(fieldname) or 1.0
            lengths = np.array(
                [reader.doc_field_length(d, fieldname, 0) or 0
                 for d in range(reader.doc_count_all())],
                dtype=float,
            )
            norms = self._norms[key] = k1 * (1 - b + b * lengths / average)
        return norms

    # --- columns and stored fields -----------------------------------------------------

    def column_values(self, fieldname: str) -> list[Any]:
        """The value of a sortable field for every document number: facets and the date sort
        look up thousands of documents per query."""
        values = self._columns.get(fieldname)
        if values is None:
            values = self._columns[fieldname] = list(
                self.reader.column_reader(fieldname, translate=True) if self.size else ()
            )
        return values

    def column_codes(self, fieldname: str) -> tuple[np.ndarray, list[Any]]:
        """A sortable field as numbers: each document's index into the list of its distinct
        values (a query's documents are then counted with one `bincount`)."""
        found = self._codes.get(fieldname)
        if found is None:
            values = self.column_values(fieldname)
            labels = list(dict.fromkeys(values))
            number = {value: i for i, value in enumerate(labels)}
            codes = np.fromiter((number[v] for v in values), dtype=np.int32, count=len(values))
            found = self._codes[fieldname] = (codes, labels)
        return found

    def sketch(self, docnum: int) -> bytes:
        """A document's near-duplicate sketch (b"" for an index without them)."""
        if not self._sketches:  # the column reader, opened once (opening reads its offsets)
            has = self.reader.has_column(SKETCH_FIELD)
            self._sketches.append(self.reader.column_reader(SKETCH_FIELD) if has else None)
        column = self._sketches[0]
        return column[docnum] if column is not None else b""

    def stored(self, docnum: int) -> dict[str, Any]:
        return dict(self.searcher.stored_fields(docnum))

    def document_number(self, **terms: str) -> int | None:
        found = self.searcher.document_number(**terms)
        return None if found is None else int(found)

    def doc_count(self) -> int:
        return int(self.searcher.doc_count())

    def lexicon(self, fieldname: str) -> list[str]:
        return [t.decode("utf-8") if isinstance(t, bytes) else t
                for t in self.reader.lexicon(fieldname)]

    # --- values derived by the query side ----------------------------------------------

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A value computed from this generation (e.g. a stem's family of lemmas), kept while
        the snapshot lives, at most DERIVED_LIMIT of them."""
        with self._lock:
            found = self._derived.get(key, _MISSING)
        if found is _MISSING:
            found = compute()
            with self._lock:
                self._derived[key] = found
        return found


_MISSING = object()


def _held(ids: np.ndarray, docnums: list[int], offset: int) -> list[tuple[int, int]]:
    """(index in `ids`, document number) for those of `docnums` (ascending) that `ids` holds:
    a term's document numbers in the segment whose first document is `offset`."""
    where = ids.searchsorted(np.array([d - offset for d in docnums], dtype=ids.dtype))
    return [(index, d) for index, d in zip(where.tolist(), docnums, strict=True)
            if index < len(ids) and int(ids[index]) == d - offset]
