"""Index files that all the server's threads read through one open searcher.

Whoosh reads its files by `seek` then `read` on one shared file object, so a searcher could
only serve one thread at a time: each thread needed its own, with its own open files and its
own copies of field lengths and caches. Here every thread has its own position in the file
and reads with `os.pread`, so one searcher (one set of files and caches) serves them all.
"""

from __future__ import annotations

import io
import os
import threading
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class SharedFile(io.RawIOBase):
    """A read-only file whose read position (and read-ahead buffer) is per thread."""

    BUFFER = 8192  # like io.BufferedReader: Whoosh's small reads mostly hit the same block

    def __init__(self, path: str) -> None:
        super().__init__()
        self.name = path
        self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self._size = os.fstat(self._fd).st_size
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
        state = self._state()
        pos = state.pos
        if size is None or size < 0:
            size = max(0, self._size - pos)
        return self._read_at(state, pos, size)

    def read_at(self, pos: int, size: int) -> bytes:
        """`size` bytes from `pos` on (the thread's position moves past them)."""
        return self._read_at(self._state(), pos, size)

    def _read_at(self, state: _ThreadState, pos: int, size: int) -> bytes:
        offset = pos - state.start
        if 0 <= offset and offset + size <= len(state.buffer):
            data = state.buffer[offset : offset + size]
        elif size >= self.BUFFER:
            data = os.pread(self._fd, size, pos)
        else:
            state.buffer, state.start = os.pread(self._fd, self.BUFFER, pos), pos
            data = state.buffer[:size]
        state.pos = pos + len(data)
        return data

    def peek(self, size: int = 0) -> bytes:
        """The bytes ahead, without moving (pickle reads its small items from these)."""
        state = self._state()
        offset = state.pos - state.start
        if not 0 <= offset < len(state.buffer):
            state.buffer, state.start = os.pread(self._fd, self.BUFFER, state.pos), state.pos
            offset = 0
        return state.buffer[offset:]

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        pos, out = self.tell(), b""
        while size is None or size < 0 or len(out) < size:
            chunk = os.pread(self._fd, 256, pos + len(out))
            if not chunk:
                break
            end = chunk.find(b"\n")
            out += chunk if end < 0 else chunk[: end + 1]
            if end >= 0:
                break
        if size is not None and size >= 0:
            out = out[:size]
        self._state().pos = pos + len(out)
        return out

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


class _ThreadState:
    __slots__ = ("buffer", "pos", "start")

    def __init__(self) -> None:
        self.pos = 0
        self.buffer = b""
        self.start = 0


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
