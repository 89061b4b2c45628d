"""The index's own vocabulary: every word form of the ``exact`` field with its document
frequency. Corrections (layout, spelling, transliteration) and autocomplete are judged
against it, so they only ever propose words that some document holds.

Reading ~300,000 terms takes about a second: the tables built from a vocabulary (spelling,
completions) are built once per index generation and shared by all threads
(search/understand/tables.py).
"""

from __future__ import annotations

import struct
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import Any

import numpy as np

from .snapshot import Snapshot

__all__ = ["Strings", "Vocabulary", "prefix_range", "read_vocabulary"]

FIELD = "exact"
_DF = struct.Struct("!I")  # Whoosh 3 term info: flags (B), weight (f), doc frequency (I), …
_DF_OFFSET = 5
_FIELD_NUM = struct.Struct("!H")



class Strings(Sequence[str]):
    """An immutable list of strings kept as one string and their end offsets: a few large
    blocks instead of hundreds of thousands of small objects, so that the tables rebuilt at
    every reindex take a fraction of the memory and give it back when dropped."""

    def __init__(self, items: Iterable[str]) -> None:
        items = list(items)
        self._text = "".join(items)
        self._ends = array("q", accumulate(map(len, items)))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self._ends)
        return self._text[self._ends[i - 1] if i else 0 : self._ends[i]]


class Vocabulary:
    """Word forms (lowercased, ё-folded) with the number of documents holding each."""

    def __init__(self, df: dict[str, int]) -> None:
        ordered = sorted(df)
        self.words = Strings(ordered)  # sorted: prefixes are ranges
        self.counts = array("I", (df[w] for w in ordered))
        self._index_hashes()

    def _index_hashes(self) -> None:
        # a form's count is found by its hash (sorted, with the form's index beside it)
        hashes = np.fromiter(map(hash, self.words), dtype=np.int64, count=len(self.words))
        self._order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[self._order]

    # Python salts string hashes per process: a vocabulary built by another process
    # (a child process) indexes them anew where it is unpickled.
    def __getstate__(self) -> dict:
        return {"words": self.words, "counts": self.counts}

    def __setstate__(self, state: dict) -> None:
        self.words, self.counts = state["words"], state["counts"]
        self._index_hashes()

    def count(self, word: str) -> int:
        """Documents that hold this exact form (0 when none)."""
        h = hash(word)
        j = int(np.searchsorted(self._hashes, h))
        while j < len(self._hashes) and self._hashes[j] == h:
            i = int(self._order[j])
            if self.words[i] == word:
                return self.counts[i]
            j += 1
        return 0

    def __contains__(self, word: str) -> bool:
        return self.count(word) > 0

    def items(self) -> Iterator[tuple[str, int]]:
        """(form, documents) pairs in alphabetical order."""
        return zip(self.words, self.counts, strict=True)

    def has_prefix(self, prefix: str) -> bool:
        i = bisect_left(self.words, prefix)
        return i < len(self.words) and self.words[i].startswith(prefix)

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        """Indexes [lo, hi) of the sorted forms that start with `prefix`."""
        return prefix_range(self.words, prefix)

    def __len__(self) -> int:
        return len(self.words)


def prefix_range(words: Sequence[str], prefix: str) -> tuple[int, int]:
    """Indexes [lo, hi) of the words of a sorted list that start with `prefix`."""
    lo = bisect_left(words, prefix)
    return lo, bisect_left(words, prefix + "\uffff", lo)


def read_vocabulary(snapshot: Snapshot, fieldname: str = FIELD) -> Vocabulary:
    """The field's terms with document frequencies, summed over the segments."""
    df: dict[str, int] = {}
    for leaf, _offset in snapshot.leaves:
        sub = leaf.reader()
        counts = _raw_frequencies(sub, fieldname)
        if counts is None:  # another codec: the public, slower way
            counts = ((t, info.doc_frequency()) for t, info in sub.iter_field(fieldname))
        for tbytes, n in counts:
            term = tbytes.decode("utf-8") if isinstance(tbytes, bytes) else tbytes
            df[term] = df.get(term, 0) + n
    return Vocabulary(df)


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
