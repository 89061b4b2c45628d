"""A handle on an index folder for readers: the live generation as a snapshot, for many
threads, following each new reindex."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..caching import release_memory
from ..errors import IndexMissing
from .generations import current_generation, load_manifest
from .snapshot import Snapshot
from .storage import SharedFileStorage

__all__ = ["IndexHandle", "open_generation", "open_index"]


@dataclass(eq=False)
class _Opened:
    name: str  # the generation's name: gen-000012 (numbers zero-padded: they sort as names)
    snapshot: Snapshot
    users: int = 0  # requests reading it now


@contextmanager
def open_generation(gen: Path) -> Iterator[Snapshot]:
    """A snapshot of one generation folder, for a one-off job (building tables in a child
    process); servers read through an :class:`IndexHandle`.

    :raises IndexMissing: no generation in that folder.
    """
    if load_manifest(gen) is None:
        raise IndexMissing(f"no complete index generation in {gen}")
    snapshot = Snapshot(SharedFileStorage(gen).open_index().searcher(), Path(gen).resolve())
    try:
        yield snapshot
    finally:
        snapshot.close()


def open_index(index_dir: Path) -> IndexHandle:
    """A handle on the index in `index_dir`.

    :raises IndexMissing: none was built yet.
    """
    handle = IndexHandle(index_dir)
    if current_generation(handle.index_dir) is None:
        raise IndexMissing(f"no index in {index_dir}: run reindex first")
    return handle


class IndexHandle:
    """Snapshots of the live generation, shared by all threads.

    One snapshot per generation serves every thread (search/index/storage.py makes that safe).
    When CURRENT names a newer generation, the next `snapshot()` call opens it; the older one
    is closed as soon as the last request reading it is done. `close()` (or dropping the
    handle) closes them all.
    """

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._live: _Opened | None = None
        self._retired: list[_Opened] = []  # older generations still being read

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        """The live generation, for the length of one request.

        :raises IndexMissing: no index was built yet, or it was built by another version.
        """
        opened = self._acquire()
        try:
            yield opened.snapshot
        finally:
            self._release(opened)

    def _acquire(self) -> _Opened:
        gen = current_generation(self.index_dir)
        if gen is None:
            raise IndexMissing(f"no index in {self.index_dir}: run reindex first")
        with self._lock:
            live = self._live
            # a reader that saw an older CURRENT than another thread keeps the newer snapshot
            if live is None or gen.name > live.name:
                live = self._open(gen)
            live.users += 1
            unused = self._unused()
        self._close(unused)
        return live

    def _open(self, gen: Path) -> _Opened:
        if load_manifest(gen) is None:  # built by another version: terms would not match
            raise IndexMissing(
                f"the index in {self.index_dir} was built by another version: run reindex"
            )
        searcher = SharedFileStorage(gen).open_index().searcher()
        opened = _Opened(gen.name, Snapshot(searcher, gen.resolve()))
        if self._live is not None:
            self._retired.append(self._live)
        self._live = opened
        return opened

    def _release(self, opened: _Opened) -> None:
        with self._lock:
            opened.users -= 1
            unused = self._unused()
        self._close(unused)

    def _unused(self) -> list[_Opened]:
        """Older generations no request reads any more (taken out of the list)."""
        unused = [o for o in self._retired if o.users == 0]
        for old in unused:
            self._retired.remove(old)
        return unused

    @staticmethod
    def _close(unused: list[_Opened]) -> None:
        for old in unused:
            old.snapshot.close()
        if unused:
            release_memory()  # their field lengths, norms and columns

    def close(self) -> None:
        """Close the snapshots (their files stay open until then)."""
        with self._lock:
            opened, self._retired = self._retired, []
            if self._live is not None:
                opened.append(self._live)
                self._live = None
        for o in opened:
            o.snapshot.close()

    def __del__(self) -> None:
        self.close()

    def generation(self) -> str | None:
        """The live generation's name (None when no index was built yet)."""
        gen = current_generation(self.index_dir)
        return gen.name if gen else None
