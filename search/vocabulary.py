"""The index's own vocabulary: every word form of the ``exact`` field with its document
frequency. Corrections (layout, spelling, transliteration) and autocomplete are judged
against it, so they only ever propose words that some document holds.

Reading ~300,000 terms takes about a second, so one vocabulary is built per index
generation and shared by all threads (:func:`vocabulary_for`, :class:`PerIndexCache`).
"""

from __future__ import annotations

import struct
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Generic, TypeVar

from whoosh import index as whoosh_index
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


class PerIndexCache(Generic[T]):
    """Values built from an index generation, kept for the newest generation of each index.

    After a reindex the previous generation's value goes on answering while the new one is
    built in a background thread; it then replaces the old one. So no request waits seconds
    for a rebuild, and memory holds one value per index rather than one per generation.
    Indexes outside a generation folder (a bare Whoosh folder) are built in the request.
    """

    def __init__(self, build: Callable[[Searcher], T], name: str) -> None:
        self._build = build
        self.name = name
        self._latest: dict[str, tuple[Any, T]] = {}  # index -> (version, value)
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
            with self._lock:
                found = self._latest.get(place)
                if found is None or folder is None or version > found[0]:
                    self._latest[place] = (version, value)
                self._building.pop(key, None)
            return value

    def _refresh(self, place: str, version: Any, folder: Path) -> threading.Thread:
        key = (place, version)
        with self._lock:
            thread = self._background.get(key)
            if thread is not None:
                return thread

            def build() -> None:
                try:
                    with whoosh_index.open_dir(folder).searcher() as searcher:
                        self._build_now(place, version, folder, searcher)
                except Exception:  # the generation vanished meanwhile: a later request retries
                    pass
                finally:
                    with self._lock:
                        self._background.pop(key, None)

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


_vocabularies: PerIndexCache[Vocabulary] = PerIndexCache(read_vocabulary, "vocabulary")


def vocabulary_for(searcher: Searcher, *, exact: bool = False) -> Vocabulary:
    """The vocabulary of the index this searcher reads (see :class:`PerIndexCache`)."""
    return _vocabularies.get(searcher, exact=exact)


__all__ = ["PerIndexCache", "Vocabulary", "index_key", "read_vocabulary", "vocabulary_for"]
