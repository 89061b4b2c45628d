"""The index's own vocabulary: every word form of the ``exact`` field with its document
frequency. Corrections (layout, spelling, transliteration) and autocomplete are judged
against it, so they only ever propose words that some document holds.

Reading ~300,000 terms takes about a second, so one vocabulary is built per index
generation and shared by all threads (:func:`vocabulary_for`).
"""

from __future__ import annotations

import struct
import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from whoosh.searching import Searcher

FIELD = "exact"
_DF = struct.Struct("!I")  # Whoosh 3 term info: flags (B), weight (f), doc frequency (I), …
_DF_OFFSET = 5
_FIELD_NUM = struct.Struct("!H")

T = TypeVar("T")


class Vocabulary:
    """Word forms (lowercased, ё-folded) with the number of documents holding each."""

    def __init__(self, df: dict[str, int]) -> None:
        self.df = df
        self.sorted = sorted(df)

    def count(self, word: str) -> int:
        """Documents that hold this exact form (0 when none)."""
        return self.df.get(word, 0)

    def __contains__(self, word: str) -> bool:
        return word in self.df

    def has_prefix(self, prefix: str) -> bool:
        i = bisect_left(self.sorted, prefix)
        return i < len(self.sorted) and self.sorted[i].startswith(prefix)

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        """Indexes [lo, hi) of the sorted forms that start with `prefix`."""
        lo = bisect_left(self.sorted, prefix)
        hi = bisect_left(self.sorted, prefix + "\uffff", lo)
        return lo, hi

    def __len__(self) -> int:
        return len(self.df)


def read_vocabulary(searcher: Searcher, fieldname: str = FIELD) -> Vocabulary:
    """The field's terms with document frequencies, summed over the segments."""
    df: dict[str, int] = {}
    for sub, _offset in _leaves(searcher.reader()):
        counts = _raw_frequencies(sub, fieldname)
        if counts is None:  # another codec: the public, slower way
            counts = ((t, info.doc_frequency()) for t, info in sub.iter_field(fieldname))
        for tbytes, n in counts:
            term = tbytes.decode("utf-8") if isinstance(tbytes, bytes) else tbytes
            df[term] = df.get(term, 0) + n
    return Vocabulary(df)


def _leaves(reader: Any) -> list[tuple[Any, int]]:
    leaves = getattr(reader, "leaf_readers", None)
    return leaves() if leaves else [(reader, 0)]


def _raw_frequencies(sub: Any, fieldname: str) -> Iterable[tuple[bytes, int]] | None:
    """Document frequencies read straight from Whoosh 3's term table: decoding every term
    info (with its inlined, pickled postings) would take three times as long."""
    terms = getattr(sub, "_terms", None)
    table = getattr(terms, "_tindex", None)
    fieldmap = getattr(terms, "_fieldmap", None)
    if table is None or not isinstance(fieldmap, dict):
        return None
    if fieldname not in fieldmap:  # no document of this segment has the field
        return []
    prefix = _FIELD_NUM.pack(fieldmap[fieldname])

    def items() -> Iterable[tuple[bytes, int]]:
        for key, value in table.items_from(prefix):
            if key[:2] != prefix:
                break
            yield key[2:], _DF.unpack_from(value, _DF_OFFSET)[0]

    return items()


def index_key(searcher: Searcher) -> tuple:
    """Identifies what a searcher reads: the ids of its segments (new with every write)."""
    ids = []
    for sub, _offset in _leaves(searcher.reader()):
        segment = getattr(sub, "segment", None)
        seg = segment() if callable(segment) else None
        ids.append(seg.segment_id() if seg is not None else f"reader-{id(sub)}")
    return tuple(ids)


class PerIndexCache:
    """Values built once per index generation and kept for the few latest ones."""

    def __init__(self, size: int = 3) -> None:
        self.size = size
        self._values: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Any, threading.Lock] = {}

    def get(self, key: Any, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            lock = self._building.setdefault(key, threading.Lock())
        with lock:  # one thread builds, the others wait for it
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = build()
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
                self._building.pop(key, None)
            return value

    def peek(self, key: Any) -> Any | None:
        """The value if it was built already, else None (never builds)."""
        with self._lock:
            return self._values.get(key)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_vocabularies = PerIndexCache()


def vocabulary_for(searcher: Searcher) -> Vocabulary:
    """The vocabulary of the index this searcher reads, built on first use."""
    return _vocabularies.get(index_key(searcher), lambda: read_vocabulary(searcher))


__all__ = ["PerIndexCache", "Vocabulary", "index_key", "read_vocabulary", "vocabulary_for"]
