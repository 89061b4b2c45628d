"""Near-duplicate releases: the same release republished, or kept as both .html and .txt.

At index time every document gets a sketch of its text: the SKETCH_SIZE smallest hashes of its
word shingles (runs of SHINGLE_WORDS words, lowercased, ё folded, punctuation ignored), the
"bottom-k" MinHash. Two sketches estimate the resemblance (Jaccard index) of the two texts'
shingle sets; documents that resemble each other at least DUPLICATE_RESEMBLANCE are copies. A
short text has fewer shingles than the sketch holds, and then the resemblance is exact.

At query time `fold_copies` groups the ranked candidates: the first of a group is shown, the
others are listed as its copies.
"""

from __future__ import annotations

import hashlib
import heapq
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from whoosh.reading import IndexReader

from .analysis import words

__all__ = [
    "COPIES_LOOKAHEAD",
    "DUPLICATE_RESEMBLANCE",
    "Folded",
    "fold_copies",
    "is_copy",
    "resemblance",
    "sketch",
]

SHINGLE_WORDS = 3
SKETCH_SIZE = 64
DUPLICATE_RESEMBLANCE = 0.8
COPIES_LOOKAHEAD = 20  # candidates ranked below a page that are looked at for its copies
SKETCH_FIELD = "sketch"
# Copies share one of their few smallest hashes: only those pairs are compared (at the
# threshold, about one pair of copies in 600 is missed).
_PROBES = 4
_HASH = struct.Struct(">Q")


def sketch(title: str, body: str) -> bytes:
    """The document's sketch, stored in the index (8 bytes per hash, ascending)."""
    tokens = [w for w, _, _ in words(f"{title}\n{body}")]
    if len(tokens) < SHINGLE_WORDS:
        shingles = {" ".join(tokens)} if tokens else set()
    else:
        shingles = {
            " ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)
        }
    hashes = (
        int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big")
        for s in shingles
    )
    return b"".join(_HASH.pack(h) for h in heapq.nsmallest(SKETCH_SIZE, hashes))


def _values(data: bytes) -> tuple[int, ...]:
    return tuple(v for (v,) in _HASH.iter_unpack(data))


def resemblance(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard index of two texts from their sketches (ascending hash values)."""
    if not a or not b:
        return 0.0
    k = min(SKETCH_SIZE, max(len(a), len(b)))
    union = heapq.nsmallest(k, set(a) | set(b))
    common = set(a) & set(b)
    return sum(1 for h in union if h in common) / len(union)


def is_copy(a: bytes, b: bytes) -> bool:
    """Whether two stored sketches belong to copies of one release."""
    return resemblance(_values(a), _values(b)) >= DUPLICATE_RESEMBLANCE


@dataclass
class Folded:
    docnum: int
    score: float
    copies: list[int] = field(default_factory=list)  # docnums, in rank order


def fold_copies(
    reader: IndexReader, ranked: Iterable[tuple[int, float]], groups: int
) -> list[Folded]:
    """The first `groups` groups of copies among ranked (docnum, score) candidates.

    A candidate joins the group of the first better-ranked candidate it is a copy of; after
    `groups` groups are formed, later candidates are only checked as copies of those.
    """
    column = reader.column_reader(SKETCH_FIELD) if reader.has_column(SKETCH_FIELD) else None
    out: list[Folded] = []
    leaders: list[tuple[int, ...]] = []
    by_hash: dict[int, list[int]] = {}  # one of a leader's smallest hashes -> its group
    for docnum, score in ranked:
        values = _values(column[docnum]) if column is not None else ()
        group = _group_of(values, leaders, by_hash)
        if group is not None:
            out[group].copies.append(docnum)
        elif len(out) < groups:
            for h in values[:_PROBES]:
                by_hash.setdefault(h, []).append(len(out))
            out.append(Folded(docnum, score))
            leaders.append(values)
    return out


def _group_of(
    values: tuple[int, ...], leaders: list[tuple[int, ...]], by_hash: dict[int, list[int]]
) -> int | None:
    tried: set[int] = set()
    for h in values[:_PROBES]:
        for group in by_hash.get(h, ()):
            if group not in tried:
                tried.add(group)
                if resemblance(values, leaders[group]) >= DUPLICATE_RESEMBLANCE:
                    return group
    return None
