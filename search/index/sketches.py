"""Near-duplicate releases: the same release republished, or kept as both .html and .txt.

At index time every document gets a sketch of its text (the body; the title when there is no
body): the SKETCH_SIZE smallest hashes of its word shingles (runs of SHINGLE_WORDS words,
lowercased, ё folded, punctuation ignored), the "bottom-k" MinHash, and a hash of its
headline's words. Two sketches estimate the resemblance (Jaccard index) of the two texts'
shingle sets; a short text has fewer shingles than the sketch holds, and then the resemblance
is exact.

Copies resemble each other at least DUPLICATE_RESEMBLANCE under the same headline, or
SAME_TEXT_RESEMBLANCE under any (a republication may retitle a release; texts this alike must
also be long enough, MIN_SHINGLES, for a boilerplate body not to make two releases one). The
headline keeps templated releases apart: NASA's «DC-8 to Fly Low Altitude Over Pocatello» and
«… Over San Jose» share 85% of their text.

At query time search/ranking/copies.py groups the ranked candidates by these sketches.
"""

from __future__ import annotations

import hashlib
import heapq
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..analysis import words
from ..caching import register

__all__ = [
    "DUPLICATE_RESEMBLANCE",
    "SAME_TEXT_RESEMBLANCE",
    "SKETCH_FIELD",
    "Sketch",
    "are_copies",
    "is_copy",
    "read_sketch",
    "resemblance",
    "sketch",
]

SHINGLE_WORDS = 3
SKETCH_SIZE = 64
DUPLICATE_RESEMBLANCE = 0.8  # with the same headline
SAME_TEXT_RESEMBLANCE = 0.95  # whatever the headlines
MIN_SHINGLES = 16
SKETCH_FIELD = "sketch"
_HASH = struct.Struct(">Q")


# a shingle's hash mixes its words' hashes with these (uint64 arithmetic: it wraps around)
_M1, _M2, _M3 = map(np.uint64, (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0xBF58476D1CE4E5B9))
_S29, _S31 = np.uint64(29), np.uint64(31)


@lru_cache(maxsize=200_000)
def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


register("word hashes", _hash)


def _mix_runs(h: np.ndarray) -> np.ndarray:
    """One 64-bit hash for every run of three word hashes in `h` (order matters), well
    spread for MinHash."""
    x = h[:-2] * _M1 + h[1:-1] * _M2 + h[2:]
    x = (x ^ (x >> _S31)) * _M3
    return x ^ (x >> _S29)


def sketch(title: str, body: str) -> bytes:
    """The document's sketch, stored in the index: the headline's hash, then the shingles'
    smallest hashes, ascending (8 bytes each). A shingle's hash mixes its words' (cached)
    hashes, all shingles at once: hashing every shingle's text took most of the time."""
    headline = [w for w, _, _ in words(title)]
    tokens = [w for w, _, _ in words(body)] or headline
    hashes = np.fromiter(map(_hash, tokens), dtype=np.uint64, count=len(tokens))
    if 0 < len(hashes) < SHINGLE_WORDS:  # one shingle, its missing words hashed as 0
        hashes = np.concatenate((hashes, np.zeros(SHINGLE_WORDS - len(hashes), np.uint64)))
    smallest = np.unique(_mix_runs(hashes))[:SKETCH_SIZE]
    return _HASH.pack(_hash(" ".join(headline))) + smallest.astype(">u8").tobytes()


@dataclass(frozen=True, slots=True)
class Sketch:
    headline: int
    hashes: tuple[int, ...]
    members: frozenset[int]


def read_sketch(data: bytes) -> Sketch:
    # one unpack call for the whole sketch: every hit of every search reads one
    values = struct.unpack(f">{len(data) // _HASH.size}Q", data)
    hashes = values[1:]
    return Sketch(values[0] if values else 0, hashes, frozenset(hashes))


def are_copies(a: Sketch, b: Sketch) -> bool:
    # Cheap bound first: the estimate counts only hashes both sketches hold.
    common = len(a.members & b.members)
    union = min(SKETCH_SIZE, max(len(a.hashes), len(b.hashes)),
                len(a.hashes) + len(b.hashes) - common)
    if not union or common < DUPLICATE_RESEMBLANCE * union:
        return False
    r = resemblance(a.hashes, b.hashes)
    if a.headline == b.headline:
        return r >= DUPLICATE_RESEMBLANCE
    long_enough = min(len(a.hashes), len(b.hashes)) >= MIN_SHINGLES
    return long_enough and r >= SAME_TEXT_RESEMBLANCE


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
    return are_copies(read_sketch(a), read_sketch(b))
