"""Whoosh writers for a reindex: one process for a few documents, two for many, each made to
fail cleanly; how small segments are folded together; and how Whoosh's sort runs are written.
"""

from __future__ import annotations

import marshal
import os
import threading
import time
from collections.abc import Iterator
from queue import Full
from typing import Any

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader
from whoosh.writing import PostingPool, SegmentWriter

from ..analysis import morph
from ..errors import ReindexError
from .schema import Codec

__all__ = ["PARALLEL_FROM", "SMALL_SEGMENT_DOCS", "WRITER_LIMIT_MB", "merge_small", "open_writer"]

WRITER_LIMIT_MB = 128  # per writer process: bounds memory on big corpora
PARALLEL_FROM = 200  # documents to index before a second writer process pays off
# Each incremental run writes a segment (a set of open files, one more pass per query); the
# small ones are folded together at each commit. Whoosh copies ~50 documents/s when merging,
# so only segments this small are: a few changed releases stay a quick reindex.
SMALL_SEGMENT_DOCS = 50


def open_writer(ix: Any, documents: int) -> SegmentWriter:
    """A writer for `documents` new documents. Segments are written as separate files
    (compound=False): a reader of a compound segment copies each of its parts into memory."""
    _use_marshalled_runs()
    if documents >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        morph()  # load the dictionaries once, before the writer processes fork
        return _ParallelWriter(
            ix, procs=2, multisegment=True, limitmb=WRITER_LIMIT_MB, codec=Codec(),
            compound=False,
        )
    writer: SegmentWriter = ix.writer(limitmb=WRITER_LIMIT_MB, codec=Codec(), compound=False)
    return writer


def merge_small(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: fold the small segments into the new one; return the segments
    kept as they are. (Whoosh's own MERGE_SMALL lets every incremental run add a segment of
    its own.) Documents deleted from big segments stay there until `reindex --full`."""
    kept = []
    for seg in segments:
        if seg.doc_count_all() < SMALL_SEGMENT_DOCS:
            reader = SegmentReader(writer.storage, writer.schema, seg)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(seg)
    return kept


class _MarshalRuns:
    """Whoosh sorts postings in runs of ~128 MB spilled to disk, pickling every posting one by
    one (a fifth of the build on a big corpus). These write each run as a few marshalled
    chunks instead: the same items in the same order, read back a chunk at a time. The runs
    are temporary files of one write; nothing in the index changes."""

    CHUNK = 20_000  # postings per chunk: bounds what the merge holds per run

    @staticmethod
    def write_run(pool: Any, f: Any, items: list[Any]) -> None:
        for i in range(0, len(items), _MarshalRuns.CHUNK):
            marshal.dump(items[i : i + _MarshalRuns.CHUNK], f)
        f.close()

    @staticmethod
    def read_run(pool: Any, path: str) -> Iterator[Any]:
        f = pool._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            pool._remove_run(path)


def _use_marshalled_runs() -> None:
    """Whoosh has no hook for its run format: its posting pool's two methods are replaced,
    once, before the first writer of the process (reindex is the only one)."""
    global _installed
    if not _installed:
        PostingPool._write_run = _MarshalRuns.write_run
        PostingPool._read_run = _MarshalRuns.read_run
        _installed = True


_installed = False


class _WriterTask(SubWriterTask):
    """A writer process that exits when its parent dies (even by kill -9), instead of
    lingering with the index folder's files open, and that reports a failed write by its
    exit code (the errno) rather than a traceback."""

    def run(self) -> None:
        parent = os.getppid()

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
        try:
            super().run()
        except OSError as e:
            os._exit(e.errno if e.errno and e.errno < 126 else 1)
        except BaseException:
            os._exit(1)


class _ParallelWriter(MpWriter):
    """Whoosh's multi-process writer (one segment per process), made to fail cleanly: a
    writer process that dies stops the run with an error instead of leaving the parent
    waiting on a full job queue, and cancelling stops the processes."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.jobqueue: Any = _WatchedQueue(self.jobqueue, self.tasks)

    def _new_task(self) -> SubWriterTask:
        task = _WriterTask(
            self.storage, self.indexname, self.jobqueue.queue, self.resultqueue,
            self.subargs, self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task

    def commit(self, *args: Any, **kwargs: Any) -> None:
        super().commit(*args, **kwargs)
        self.jobqueue.check()

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        for task in self.tasks:
            task.join(timeout=5)
            if task.is_alive():
                task.kill()
                task.join(timeout=5)
        SegmentWriter.cancel(self)


class _WatchedQueue:
    """The job queue of the writer processes, that gives up once one of them has died."""

    def __init__(self, queue: Any, tasks: list[Any]) -> None:
        self.queue = queue
        self.tasks = tasks

    def put(self, item: Any) -> None:
        while True:
            try:
                self.queue.put(item, timeout=0.2)
                return
            except Full:
                self.check()

    def check(self) -> None:
        for task in self.tasks:
            code = task.exitcode
            if code not in (None, 0):
                if code > 0:  # the errno of a failed write (see _WriterTask)
                    raise OSError(code, os.strerror(code))
                raise ReindexError(f"a writer process was stopped by signal {-code}")
