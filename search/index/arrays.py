"""Posting arrays: a segment's document numbers, weights and positions, term after term, in a
file of its own beside Whoosh's postings (``<segment id>.arr``), read through a memory map.

Whoosh keeps a block's positions with its document numbers, pickled and compressed together,
so finding the documents of a word meant unpickling all its positions too (a fifth of a
search's time), and reading the positions of a few documents meant unpickling whole blocks.
Here a term's documents and weights are two slices of the map, and a posting's positions a
third. A term is found by a binary search of its key, where Whoosh's term lookup (a hash
table read in Python) took a tenth of a search at 100,000 releases in 9 segments. The file is
written once, with the segment (search/index/writers.py):

    header    magic, id type, weight type, number of terms, of postings, of positions
    keys      int64 per term: a hash of its field and text (`term_key`), ascending
    order     uint32 per key: the number of its term (terms are numbered as written)
    starts    int64 per term, and one more: where its postings start in the arrays below
    ids       uint16 when the segment holds at most NARROW (65,536) documents, else uint32
    weights   uint16 when every weight is a whole number below NARROW, else float32
    ends      uint32 per posting: where its positions end in the last array (a posting of a
              field without positions has none)
    positions uint32, each posting's in ascending order
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
import struct
from array import array
from typing import Any

import numpy as np
from whoosh.filedb.filestore import FileStorage

from ..errors import ReindexError

__all__ = [
    "EXTENSION", "NARROW", "PostingArrays", "PostingArraysWriter", "narrow_weights", "term_key",
]

EXTENSION = ".arr"
NARROW = 1 << 16  # document numbers and whole weights below this are kept in two bytes
_MAGIC = b"ORB2"
_HEADER = struct.Struct("<4s2s2xqqq")  # magic, id and weight types, terms, postings, positions
_TYPES: dict[bytes, np.dtype[Any]] = {
    b"H": np.dtype("<u2"), b"I": np.dtype("<u4"), b"f": np.dtype("<f4"),
}
_FLUSH = 1 << 16  # postings buffered before they are written out


_log = logging.getLogger(__name__)


def narrow_weights(weights: np.ndarray) -> bool:
    """Whether weights can be kept in two bytes: whole numbers (as frequencies are) below
    NARROW."""
    return not len(weights) or bool(
        weights.min() >= 0 and weights.max() < NARROW and (weights == weights.round()).all()
    )


_GATHERED = 64  # weights_of: posting lists up to this long are summed together


def term_key(fieldname: str, tbytes: bytes) -> int:
    """A term's key: 64 bits of a hash of its field and text. Two terms of a segment with one
    key are found when the segment is written, and the segment then goes without arrays; a
    word the segment lacks is taken for one of its terms with odds of about 1 in 10**13 for
    a segment of two million terms."""
    digest = hashlib.blake2b(fieldname.encode() + b"\0" + tbytes, digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _aligned(n: int) -> int:
    return (n + 7) & ~7


class _Layout:
    """Where each part of a file starts, from its header (the positions come last: their
    number is known once they are written)."""

    def __init__(self, id_code: bytes, weight_code: bytes, terms: int, postings: int,
                 positions: int = 0) -> None:
        self.id_code, self.weight_code = id_code, weight_code
        self.id_type, self.weight_type = _TYPES[id_code], _TYPES[weight_code]
        self.terms, self.postings = terms, postings
        self.keys = _HEADER.size
        self.order = self.keys + 8 * terms
        self.starts = _aligned(self.order + 4 * terms)
        self.ids = self.starts + 8 * (terms + 1)
        self.weights = _aligned(self.ids + self.id_type.itemsize * postings)
        self.ends = _aligned(self.weights + self.weight_type.itemsize * postings)
        self.positions = self.ends + 4 * postings
        self.end = self.positions + 4 * positions


class PostingArraysWriter:
    """Writes a segment's posting arrays as its terms are written: `add` each term, then
    `close`. The numbers of terms and postings, known beforehand, fix where each part goes."""

    def __init__(self, path: str, terms: int, postings: int, doccount: int,
                 narrow_weights: bool) -> None:
        self._layout = _Layout(
            b"H" if doccount <= NARROW else b"I", b"H" if narrow_weights else b"f",
            terms, postings,
        )
        self._keys = np.zeros(terms, dtype=np.int64)
        self._starts = np.zeros(terms + 1, dtype=np.int64)
        self._term = self._posting = self._written = 0
        self._ids: list[int] = []
        self._weights: list[float] = []
        self._ends = array("I")  # of the postings not written yet
        self._positions = array("I")  # the same postings' positions
        self._position_count = 0  # positions written
        self._path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)

    def add(self, fieldname: str, tbytes: bytes, ids: list[int], weights: list[float],
            positions: list[list[int]] | None) -> None:
        """A term's postings: its field and text, its document numbers, weights and (in a
        field with positions) positions."""
        if self._term == self._layout.terms:
            raise ReindexError(f"{self._path}: more terms than the segment holds")
        self._keys[self._term] = term_key(fieldname, tbytes)
        self._term += 1
        self._posting += len(ids)
        self._starts[self._term] = self._posting
        self._ids += ids
        self._weights += weights
        ends, held = self._ends, self._position_count + len(self._positions)
        if positions is None:
            ends.extend([held] * len(ids))
        else:
            for posting in positions:
                self._positions.extend(posting)
                held += len(posting)
                ends.append(held)
        if len(self._ids) >= _FLUSH:
            self._flush()

    def _flush(self) -> None:
        layout, at = self._layout, self._written
        if at + len(self._ids) > layout.postings:
            raise ReindexError(f"{self._path}: more postings than the segment holds")
        ids = np.array(self._ids, dtype=layout.id_type)
        weights = np.array(self._weights, dtype=layout.weight_type)
        os.pwrite(self._fd, ids.tobytes(), layout.ids + at * layout.id_type.itemsize)
        os.pwrite(
            self._fd, weights.tobytes(), layout.weights + at * layout.weight_type.itemsize
        )
        os.pwrite(self._fd, self._ends.tobytes(), layout.ends + 4 * at)
        if len(self._positions) + self._position_count >= 1 << 32:
            raise ReindexError(f"{self._path}: too many positions for one segment")
        os.pwrite(self._fd, self._positions.tobytes(),
                  layout.positions + 4 * self._position_count)
        self._position_count += len(self._positions)
        self._written += len(self._ids)
        self._ids, self._weights = [], []
        self._ends, self._positions = array("I"), array("I")

    def close(self) -> None:
        self._flush()
        layout = self._layout
        try:
            if (self._term, self._written) != (layout.terms, layout.postings):
                raise ReindexError(
                    f"{self._path}: {self._term} terms and {self._written} postings written,"
                    f" {layout.terms} and {layout.postings} expected"
                )
            order = np.argsort(self._keys, kind="stable")
            keys = self._keys[order]
            if (keys[1:] == keys[:-1]).any():  # two terms, one key: this segment goes without
                _log.warning("%s: two terms share a key; the segment's postings serve instead",
                             self._path)
                os.unlink(self._path)
                return
            header = _HEADER.pack(_MAGIC, layout.id_code + layout.weight_code, layout.terms,
                                  layout.postings, self._position_count)
            os.pwrite(self._fd, header + keys.tobytes(), 0)
            os.pwrite(self._fd, order.astype(np.uint32).tobytes(), layout.order)
            os.pwrite(self._fd, self._starts.tobytes(), layout.starts)
            os.ftruncate(self._fd, layout.positions + 4 * self._position_count)
        finally:
            os.close(self._fd)

    def cancel(self) -> None:
        os.close(self._fd)


class PostingArrays:
    """A segment's posting arrays, mapped read-only; `postings` finds a term's."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            data: Any = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        if size < _HEADER.size:
            raise ValueError(f"{path}: not a posting arrays file")
        magic, codes, terms, postings, positions = _HEADER.unpack_from(data)
        if magic != _MAGIC or codes[:1] not in _TYPES or codes[1:] not in _TYPES:
            raise ValueError(f"{path}: not a posting arrays file")
        layout = _Layout(codes[:1], codes[1:], terms, postings, positions)
        if size != layout.end:
            raise ValueError(f"{path}: {size} bytes, {layout.end} expected")
        self._keys = np.frombuffer(data, np.int64, terms, layout.keys)
        self._order = np.frombuffer(data, np.uint32, terms, layout.order)
        self._starts = np.frombuffer(data, np.int64, terms + 1, layout.starts)
        self._ids = np.frombuffer(data, layout.id_type, postings, layout.ids)
        self._weights = np.frombuffer(data, layout.weight_type, postings, layout.weights)
        self._ends = np.frombuffer(data, np.uint32, postings, layout.ends)
        self._positions = np.frombuffer(data, np.uint32, positions, layout.positions)

    @classmethod
    def of(cls, reader: Any) -> PostingArrays | None:
        """The arrays of a segment reader's segment; None when it has none (a segment that
        Whoosh's own writer wrote) or they cannot be read."""
        storage = reader.storage()
        if not isinstance(storage, FileStorage):
            return None
        path = os.path.join(storage.folder, reader.segment().make_filename(EXTENSION))
        if not os.path.exists(path):
            return None
        try:
            return cls(path)
        except (OSError, ValueError) as e:  # damaged: the segment's own postings still serve
            _log.warning("posting arrays not read, searches read the postings instead: %s", e)
            return None

    def find(self, key: int) -> tuple[int, int] | None:
        """Where the postings of the term with this key (`term_key`) are in the arrays, as a
        span of posting numbers; None when the segment lacks the term."""
        keys = self._keys
        i = int(keys.searchsorted(key))
        if i == len(keys) or keys[i] != key:
            return None
        k = int(self._order[i])
        return int(self._starts[k]), int(self._starts[k + 1])

    def documents(self, span: tuple[int, int]) -> np.ndarray:
        """A term's document numbers, as a view of the map (read-only)."""
        return self._ids[span[0]:span[1]]

    def postings(self, span: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """A term's document numbers (int64) and weights (float64), copied out of the map."""
        a, b = span
        return self._ids[a:b].astype(np.int64), self._weights[a:b].astype(np.float64)

    def weights_of(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each term key: whether the segment has the term, and the sum of its posting
        weights (how often the segment's documents hold it; 0 where it has not)."""
        has, sums = np.zeros(len(keys), dtype=bool), np.zeros(len(keys))
        if not len(self._keys):
            return has, sums
        i = self._keys.searchsorted(keys)
        i[i == len(self._keys)] = 0
        has = self._keys[i] == keys
        k = self._order[i[has]].astype(np.int64)
        a, b = self._starts[k], self._starts[k + 1]
        n = b - a
        found = np.zeros(len(k))
        # the short lists (most terms) gathered and summed at once, the long ones one by one
        # (an empty list, which a written segment never has, would upset reduceat: left at 0)
        short = (n <= _GATHERED) & (n > 0)
        ns = n[short]
        offsets = np.cumsum(ns) - ns
        gathered = np.repeat(a[short] - offsets, ns) + np.arange(int(ns.sum()))
        if len(gathered):
            found[short] = np.add.reduceat(self._weights[gathered].astype(np.float64), offsets)
        for j in np.flatnonzero(n > _GATHERED).tolist():
            found[j] = self._weights[a[j] : b[j]].sum(dtype=np.float64)
        sums[has] = found
        return has, sums

    def positions_lists(self, span: tuple[int, int], indexes: list[int]) -> list[list[int]]:
        """Positions of the postings at the given indexes of a term's posting list, a list
        each: for a few postings, slices cost less than :meth:`positions_of`'s gathering."""
        ends, positions, first = self._ends, self._positions, span[0]
        found = []
        for index in indexes:
            k = first + index
            found.append(positions[int(ends[k - 1]) if k else 0:int(ends[k])].tolist())
        return found

    def positions_of(self, span: tuple[int, int], indexes: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the postings at the given indexes (ascending) of a term's posting
        list: how many each posting has, and all of them one posting after another."""
        k = indexes.astype(np.int64) + span[0]
        stops = self._ends[k].astype(np.int64)
        starts = np.where(k > 0, self._ends[np.maximum(k - 1, 0)], 0).astype(np.int64)
        counts = stops - starts
        # the t-th position gathered is in the run of posting j, which starts at starts[j] in
        # the file and at firsts[j] among those gathered
        firsts = np.cumsum(counts) - counts
        gather = np.repeat(starts - firsts, counts) + np.arange(int(counts.sum()))
        return counts, self._positions[gather].astype(np.int64)
