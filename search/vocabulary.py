"""The index's own vocabulary: every word form of the ``exact`` field with its document
frequency. Corrections (layout, spelling, transliteration) and autocomplete are judged
against it, so they only ever propose words that some document holds.

Reading ~300,000 terms takes about a second: the tables built from a vocabulary (spelling,
completions) are built once per index generation and shared by all threads
(:class:`PerIndexCache`).
"""

from __future__ import annotations

import struct
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np
from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from .memory import release_memory
from .rebuild import build_elsewhere

FIELD = "exact"
_DF = struct.Struct("!I")  # Whoosh 3 term info: flags (B), weight (f), doc frequency (I), …
_DF_OFFSET = 5
_FIELD_NUM = struct.Struct("!H")

T = TypeVar("T")
MAX_INDEXES = 4  # index folders whose values are kept (a server reads one)


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

    def __getitem__(self, i):  # type: ignore[override]
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
    # (search/rebuild.py) indexes them anew where it is unpickled.
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
        lo = bisect_left(self.words, prefix)
        hi = bisect_left(self.words, prefix + "\uffff", lo)
        return lo, hi

    def __len__(self) -> int:
        return len(self.words)


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


class PerIndexCache(Generic[T]):
    """Values built from an index generation, kept for the newest generation of each index.

    After a reindex the previous generation's value goes on answering while the new one is
    built in the background (by a child process: search/rebuild.py); it then replaces the old
    one. So no request waits seconds for a rebuild, and memory holds one value per index
    rather than one per generation.
    Indexes outside a generation folder (a bare Whoosh folder) are built in the request.
    """

    def __init__(self, build: Callable[[Searcher], T], name: str) -> None:
        self._build = build
        self.name = name
        # index -> (version, value), the most recently built index last
        self._latest: OrderedDict[str, tuple[Any, T]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple, threading.Lock] = {}
        self._background: dict[tuple, threading.Thread] = {}

    def get(self, searcher: Searcher, *, exact: bool = False) -> T:
        """The value for the index this searcher reads.

        :param exact: built from this very generation (waiting for it if need be), never an
            older or newer one's.
        """
        place, version, folder = _whereabouts(searcher)
        found = self._latest.get(place)
        if found is not None and found[0] == version:
            return found[1]
        if found is not None and folder is not None and not exact:
            if version > found[0]:
                self._refresh(place, version, folder)
            return found[1]
        return self._build_now(place, version, folder, searcher)

    def get_soon(self, searcher: Searcher, wait: float) -> T | None:
        """Like :meth:`get`, but a first build happens in the background: waits up to `wait`
        seconds for it, then gives up with None (a keystroke is not kept waiting)."""
        place, version, folder = _whereabouts(searcher)
        if folder is None or place in self._latest:
            return self.get(searcher)
        self._refresh(place, version, folder).join(wait)
        found = self._latest.get(place)
        return found[1] if found is not None else None

    def _build_now(self, place: str, version: Any, folder: Path | None, searcher: Searcher) -> T:
        key = (place, version)
        with self._lock:
            lock = self._building.setdefault(key, threading.Lock())
        with lock:  # one thread builds, the others wait for it
            found = self._latest.get(place)
            if found is not None and found[0] == version:
                return found[1]
            value = self._build(searcher)
            self._store(place, version, folder, value)
            return value

    def _store(self, place: str, version: Any, folder: Path | None, value: T) -> None:
        with self._lock:
            found = self._latest.get(place)
            if found is None or folder is None or version > found[0]:
                self._latest[place] = (version, value)
                self._latest.move_to_end(place)
                while len(self._latest) > MAX_INDEXES:  # indexes no longer read
                    self._latest.popitem(last=False)
            self._building.pop((place, version), None)

    def _refresh(self, place: str, version: Any, folder: Path) -> threading.Thread:
        key = (place, version)
        with self._lock:
            thread = self._background.get(key)
            if thread is not None:
                return thread

            def build() -> None:
                try:
                    self._store(place, version, folder, build_elsewhere(self._build, folder))
                except Exception:  # built here instead (or the generation vanished meanwhile,
                    try:  # and a later request retries)
                        with whoosh_index.open_dir(folder).searcher() as searcher:
                            self._build_now(place, version, folder, searcher)
                    except Exception:
                        pass
                finally:
                    with self._lock:
                        self._background.pop(key, None)
                release_memory()  # the previous generation's value and the build's leftovers

            thread = threading.Thread(target=build, name=f"{self.name}-{version}", daemon=True)
            self._background[key] = thread
        thread.start()
        return thread


def _whereabouts(searcher: Searcher) -> tuple[str, Any, Path | None]:
    """(index, version, generation folder) of what a searcher reads. Generations of one index
    folder are ordered by name; any other index is told apart by its segments."""
    storage = getattr(getattr(searcher, "_ix", None), "storage", None)
    folder = getattr(storage, "folder", None)
    if folder is not None and Path(folder).name.startswith("gen-"):
        gen = Path(folder).resolve()
        return str(gen.parent), gen.name, gen
    return str(folder) if folder is not None else "memory", index_key(searcher), None


__all__ = ["PerIndexCache", "Strings", "Vocabulary", "index_key", "read_vocabulary"]
