"""Index files that all the server's threads read through one open searcher.

Whoosh reads its files by `seek` then `read` on one shared file object, so a searcher could
only serve one thread at a time: each thread needed its own, with its own open files and its
own copies of field lengths and caches. Here every thread has its own position in the file
and reads slices of the file's memory map, so one searcher (one set of files and caches)
serves them all, and the server's processes share the pages of the index.
"""

from __future__ import annotations

import io
import mmap
import os
import threading
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class SharedFile(io.RawIOBase):
    """A read-only file, memory-mapped, whose read position is per thread. The map is one copy
    of the file in the page cache for every thread and every server process, and a read is a
    slice of it rather than a system call."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.name = path
        self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self._size = os.fstat(self._fd).st_size
        self._map = mmap.mmap(self._fd, 0, access=mmap.ACCESS_READ) if self._size else b""
        self._local = threading.local()

    def _state(self) -> _ThreadState:
        try:
            return self._local.state
        except AttributeError:
            state = self._local.state = _ThreadState()
            return state

    def fileno(self) -> int:
        return self._fd

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._state().pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        state = self._state()
        if whence == io.SEEK_CUR:
            offset += state.pos
        elif whence == io.SEEK_END:
            offset += self._size
        if offset < 0:
            raise ValueError(f"negative seek position {offset}")
        state.pos = offset
        return offset

    def read(self, size: int | None = -1) -> bytes:
        pos = self._state().pos
        if size is None or size < 0:
            size = max(0, self._size - pos)
        return self.read_at(pos, size)

    def read_at(self, pos: int, size: int) -> bytes:
        """`size` bytes from `pos` on (the thread's position moves past them)."""
        data = self._map[pos : pos + size]
        self._state().pos = pos + len(data)
        return data

    def peek(self, size: int = 0) -> bytes:
        """The bytes ahead, without moving (pickle reads its small items from these)."""
        pos = self._state().pos
        return self._map[pos : pos + max(size, _PEEK)]

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        pos = self._state().pos
        end = self._map.find(b"\n", pos)
        end = self._size if end < 0 else end + 1
        if size is not None and size >= 0:
            end = min(end, pos + size)
        return self.read_at(pos, end - pos)

    def close(self) -> None:
        if not self.closed:
            if isinstance(self._map, mmap.mmap):
                self._map.close()
            os.close(self._fd)
        super().close()


_PEEK = 8192  # what peek shows at least, as io.BufferedReader does


class _ThreadState:
    __slots__ = ("pos",)

    def __init__(self) -> None:
        self.pos = 0


class _SharedStructFile(StructFile):
    """Whoosh's structured file whose `get` (seek then read) is one call."""

    def get(self, position: int, length: int) -> bytes:
        return self.file.read_at(position, length)


class SharedFileStorage(FileStorage):
    """A read-only Whoosh folder whose files many threads can read at once."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(str(path), readonly=True)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        return _SharedStructFile(SharedFile(self._fpath(name)), name=name, **kwargs)


__all__ = ["SharedFile", "SharedFileStorage"]
