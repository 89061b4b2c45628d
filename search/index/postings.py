"""Posting lists as arrays: a term's document numbers and frequencies in one segment, and the
word positions of chosen postings.

A segment's posting arrays file (search/index/arrays.py) gives a term's documents as slices of a
memory map, copied out each time: as quick as a cache lookup, even for the longest lists of
100,000 releases, and the page cache holds one copy of the file for every worker, where a
cache of the copies grew each worker's own memory. A segment without one (written by Whoosh's
own writer) is read block by block, and Whoosh stores a block's positions together with its
document numbers, so that means unpickling all the positions too, and finding a term takes a
few reads of Whoosh's hash table: segment files never change, so those segments' arrays (or a
term's absence) are kept in one process-wide cache shared by all threads and generations
(listed in search/caching.py). Deleted documents, which a newer generation may add to a
segment, are masked out by the caller (search/index/snapshot.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.matching import FilterMatcher

from ..caching import LockedLRU, register
from .arrays import PostingArrays

__all__ = [
    "CACHED_POSTINGS", "Postings", "all_postings", "positions_at", "segment_postings",
]

Postings = tuple[np.ndarray, np.ndarray]  # (document numbers in the segment, frequencies)

CACHED_POSTINGS = 4_000_000  # about 64 MB of arrays
_ENTRY_COST = 32  # an entry's own memory, in postings (absent terms cost this alone)
_ABSENT: Postings = (np.zeros(0, dtype=np.int64), np.zeros(0))  # no document holds the term


def _cost(value: Postings) -> int:
    return _ENTRY_COST + len(value[0])


_cache: LockedLRU = register("posting arrays", LockedLRU(CACHED_POSTINGS, getsizeof=_cost))


def segment_postings(reader: Any, index: str, fieldname: str, text: str, key: int,
                     arrays: PostingArrays | None) -> Postings | None:
    """A term's postings in one segment of the index folder `index` (whose posting `arrays`
    are given when it has them; `key` is the term's key there), deleted documents included;
    None when the segment does not hold the term. (Segment ids are random names, unique
    within an index folder: the folder is part of the key.)"""
    if arrays is not None:
        span = arrays.find(key)
        return None if span is None else arrays.postings(span)
    cache_key = (index, reader.segment().segid, fieldname, text)
    found = _cache.get(cache_key)
    if found is None:
        if (fieldname, text) in reader:
            found = _read(reader, fieldname, text)
        else:
            found = _ABSENT
        _cache.put(cache_key, found)
    return None if found is _ABSENT else found


def _raw_matcher(reader: Any, fieldname: str, text: str) -> Any:
    """The segment's own postings matcher, deletions included (callers handle them)."""
    matcher = reader.postings(fieldname, text)
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _read(reader: Any, fieldname: str, text: str) -> Postings:
    ids, tfs, _ = all_postings(_raw_matcher(reader, fieldname, text))
    return np.array(ids, dtype=np.int64), np.array(tfs, dtype=float)


def all_postings(matcher: Any) -> tuple[list[int], list[float], list[bytes | None]]:
    """A Whoosh posting list's document numbers, weights and values (encoded positions),
    deleted documents included: block postings a whole block at a time."""
    ids: list[int] = []
    weights: list[float] = []
    values: list[bytes | None] = []
    if hasattr(matcher, "_read_ids"):  # Whoosh's block postings
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            matcher._read_values()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            values.extend(matcher._values)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            values.append(matcher.value())
            matcher.next()
    return ids, weights, values


def positions_at(reader: Any, fieldname: str, text: str, hits: list[tuple[int, int]]
                 ) -> dict[int, list[int]]:
    """Positions of the postings at the given indexes of a term's posting list, as
    {document number: positions} for (index, document number) pairs, read from the
    segment's blocks (those before the postings are skipped by their headers, without
    decoding a document number): for a segment without posting arrays."""
    matcher = _raw_matcher(reader, fieldname, text)
    found: dict[int, list[int]] = {}
    if not hasattr(matcher, "_read_ids"):  # not block postings: step through
        for _, docnum in hits:
            matcher.skip_to(docnum)
            found[docnum] = matcher.value_as("positions")
        return found
    first = 0  # index of the current block's first posting
    for index, docnum in hits:
        while index >= first + matcher._blocklength:
            first += matcher._blocklength
            matcher._next_block()
        matcher._i = index - first
        found[docnum] = matcher.value_as("positions")
    return found
