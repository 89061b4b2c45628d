"""The Whoosh index: schema, crash-safe incremental `reindex`, and a handle for readers.

Layout of the index folder::

    index/
      CURRENT          name of the live generation, replaced atomically
      gen-000007/      a complete Whoosh index + manifest.json (id -> size, mtime, hash)
      gen-000008.tmp/  a generation being built (removed if a run died)
      .reindex.lock    held (flock) by the one running reindex

A run never writes into the live generation: it hard-links the live segment files into a new
folder (Whoosh segments are write-once), applies the changes there, commits, and only then
points CURRENT at it. A reader, or a run killed at any moment, only ever sees a complete
generation.
"""

from __future__ import annotations

import errno
import fcntl
import json
import marshal
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from queue import Full

from whoosh import columns, formats
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import PostingPool, SegmentWriter

from .analysis import exact_analyzer, lemma_analyzer, morph
from .documents import Document, DocumentError, content_hash, load_document, scan_corpus
from .duplicates import SKETCH_FIELD, sketch
from .memory import release_memory
from .sources import fingerprint as sources_fingerprint
from .sources import resolve as resolve_source
from .storage import SharedFileStorage

CURRENT = "CURRENT"
LOCK = ".reindex.lock"
MANIFEST = "manifest.json"
# Bump when the schema or the analysis changes: the next reindex then rebuilds from scratch
# (the analyzer is pickled into the index, and old terms would not match new queries).
FORMAT_VERSION = 9
KEEP_OLD_GENERATIONS = 2  # readers that opened an older generation keep working for a while
WRITER_LIMIT_MB = 128  # per writer process: bounds memory on big corpora
# Segments are written as separate files (compound=False): a reader of a compound segment
# copies each of its parts into memory.
PARALLEL_FROM = 200  # documents to index before a second writer process pays off
# Each incremental run writes a segment (a set of open files, one more pass per query); the
# small ones are folded together at each commit. Whoosh copies ~50 documents/s when merging,
# so only segments this small are: a few changed releases stay a quick reindex.
SMALL_SEGMENT_DOCS = 50


class IndexMissing(Exception):
    """No index has been built in this folder yet."""


class ReindexError(Exception):
    """A reindex that cannot run; the message says why in one sentence."""


class ExactForms(TEXT):
    """The word forms as written, for `=слово` and the exact-form bonus. Presence only, no
    frequencies or field lengths: it holds the most distinct terms of all fields, and this
    keeps it cheap to write. Its value is the (title, body) pair, whose words the other
    fields have just found (analysis.words remembers them)."""

    def __init__(self) -> None:
        super().__init__(analyzer=exact_analyzer(), phrase=False)
        self.format = formats.Existence()
        self.scorable = False

    def index(self, value, **kwargs):
        if isinstance(value, tuple):
            terms = {t.text for part in value for t in self.analyzer(part, mode="index")}
            return ((term.encode("utf-8"), 1, 1.0, b"") for term in terms)
        return super().index(value, **kwargs)


class SketchColumn(COLUMN):
    """The near-duplicate sketch (duplicates.py) of the (title, body) pair, computed by the
    process that indexes the document."""

    def __init__(self) -> None:
        super().__init__(columns.VarBytesColumn())

    def to_column_value(self, value):
        return sketch(*value) if isinstance(value, tuple) else value


class _LengthsInMemory(W3PerDocReader):
    """Whoosh looks up a field length for every posting it writes and every document it
    scores: a file stat each time for a field without lengths, a seek and a read for the
    others. Read each lengths column once instead (a byte per document)."""

    def _cached_reader(self, fieldname, column):
        if column is not LENGTHS_COLUMN:  # stored fields and vectors stay on disk
            return super()._cached_reader(fieldname, column)
        if fieldname not in self._readers:
            reader = None
            if self.has_column(fieldname):
                reader = list(self.column_reader(fieldname, column))
            self._readers[fieldname] = reader
        return self._readers[fieldname]


class Codec(W3Codec):
    """Whoosh's codec with field lengths held in memory (the codec is saved in the index)."""

    def per_document_reader(self, storage, segment):
        return _LengthsInMemory(storage, segment)


class _MarshalRuns:
    """Whoosh sorts postings in runs of ~128 MB spilled to disk, pickling every posting one by
    one (a fifth of the build on a big corpus). These write each run as a few marshalled
    chunks instead: the same items in the same order, read back a chunk at a time. The runs
    are temporary files of one write; nothing in the index changes."""

    CHUNK = 20_000  # postings per chunk: bounds what the merge holds per run

    @staticmethod
    def write_run(pool, f, items) -> None:
        for i in range(0, len(items), _MarshalRuns.CHUNK):
            marshal.dump(items[i : i + _MarshalRuns.CHUNK], f)
        f.close()

    @staticmethod
    def read_run(pool, path) -> Iterator:
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


# Whoosh has no hook for its run format: its posting pool's two methods are replaced.
PostingPool._write_run = _MarshalRuns.write_run
PostingPool._read_run = _MarshalRuns.read_run


def make_schema() -> Schema:
    lemmas = lemma_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=lemmas, stored=True),  # boosted at query time
        body=TEXT(analyzer=lemmas, stored=True),
        exact=ExactForms(),
        # Filters, facets and the date sort read these columns.
        date=ID(stored=True, sortable=True),  # "YYYY-MM-DD", "YYYY-MM" or ""
        source=ID(stored=True, sortable=True),  # the agency's key (sources.py) or ""
        source_name=STORED,  # the agency's name as shown
        lang=ID(stored=True, sortable=True),
        hash=STORED,
        indexed_at=STORED,  # when this version was indexed, UTC: the feed's date if undated
        **{SKETCH_FIELD: SketchColumn()},  # near-duplicates (duplicates.py)
    )


def document_fields(doc: Document, indexed_at: str = "") -> dict[str, str | tuple[str, str]]:
    """What the index holds of one document."""
    source = resolve_source(doc.source)
    return {
        "id": doc.id,
        "title": doc.title,
        "body": doc.body,
        "exact": (doc.title, doc.body),
        "date": doc.date or "",
        "source": source.key if source else "",
        "source_name": source.name if source else "",
        "lang": doc.lang,
        "hash": doc.hash,
        "indexed_at": indexed_at or _utc_now(),
        SKETCH_FIELD: (doc.title, doc.body),
    }


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- generations -------------------------------------------------------------------------


def current_generation(index_dir: Path) -> Path | None:
    """The live generation's folder, or None when no index was built yet."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    gen = index_dir / name
    return gen if name.startswith("gen-") and gen.is_dir() else None


def _generation_number(path: Path) -> int:
    try:
        return int(path.name.removeprefix("gen-").removesuffix(".tmp"))
    except ValueError:
        return -1


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(index_dir: Path, gen: Path) -> None:
    """Atomically make `gen` the live generation."""
    tmp = index_dir / f"{CURRENT}.tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(gen.name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)


def _clean_old(index_dir: Path, live: Path | None) -> None:
    """Remove unfinished generations and all but the newest few finished ones."""
    gens = sorted(
        (p for p in index_dir.glob("gen-*") if p.is_dir()), key=_generation_number, reverse=True
    )
    kept = 0
    for gen in gens:
        if gen == live:
            continue
        if gen.name.endswith(".tmp") or kept >= KEEP_OLD_GENERATIONS:
            shutil.rmtree(gen, ignore_errors=True)
        else:
            kept += 1


def _load_manifest(gen: Path) -> dict[str, list] | None:
    """What the generation holds (id -> [size, mtime_ns, hash]); None if unreadable or
    written by another format version."""
    try:
        manifest = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("version") != FORMAT_VERSION:
        return None
    if manifest.get("sources") != sources_fingerprint():  # agencies' keys and names changed
        return None
    return manifest.get("docs")


def _write_manifest(gen: Path, docs: dict[str, list]) -> None:
    tmp = gen / f"{MANIFEST}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        manifest = {"version": FORMAT_VERSION, "sources": sources_fingerprint(), "docs": docs}
        json.dump(manifest, f, ensure_ascii=False, separators=(",", ":"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, gen / MANIFEST)


@contextmanager
def _exclusive_lock(index_dir: Path) -> Iterator[None]:
    """One reindex at a time: a second one fails at once instead of waiting."""
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            # A POSIX lock belongs to this process alone: forked writer processes do not
            # inherit it, and it is released when this process dies, however it dies.
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise ReindexError(
                f"another reindex is already running on {index_dir} (pid {holder}); "
                "try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


# --- reindex -----------------------------------------------------------------------------


@dataclass
class ReindexReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (id, reason)
    ignored: int = 0  # files that are not documents (other types, symlinks, hidden)
    documents: int = 0  # in the index after the run
    seconds: float = 0.0
    generation: str = ""

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed

    def summary(self) -> str:
        rate = (self.added + self.updated) / self.seconds if self.seconds else 0.0
        return (
            f"{self.documents} documents indexed: {self.added} added, {self.updated} updated, "
            f"{self.removed} removed, {self.unchanged} unchanged, {len(self.skipped)} skipped, "
            f"{self.ignored} other files ignored; {self.seconds:.1f} s ({rate:.0f} docs/s)"
        )


Progress = Callable[[int, int], None]  # (done, total)


def reindex(
    corpus_dir: Path,
    index_dir: Path,
    *,
    full: bool = False,
    quiet: bool = True,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
) -> ReindexReport:
    """Bring the index in `index_dir` up to date with the files in `corpus_dir`.

    :param full: rebuild from scratch instead of touching only new, changed and removed files.
    :param quiet: do not print skipped files to stderr (they are in the report either way).
    :param progress: called as documents are indexed, for a progress bar.
    :raises ReindexError: the corpus is missing, the index folder is not writable, the disk is
        full, or another reindex is running. The previous index is untouched in every case.
    """
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if warn is None:
        warn = (lambda _msg: None) if quiet else (lambda msg: print(msg, file=sys.stderr))
    if not corpus_dir.is_dir():
        raise ReindexError(f"corpus folder {corpus_dir} does not exist or is not a folder")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(index_dir, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "not writable")
        with _exclusive_lock(index_dir):
            report = _reindex_locked(corpus_dir, index_dir, full, progress, warn)
    except OSError as e:
        reason = os.strerror(e.errno) if e.errno else str(e)
        if e.errno == errno.ENOSPC:
            reason = "the disk is full"
        raise ReindexError(
            f"cannot write the index in {index_dir}: {reason}; the previous index is unchanged"
        ) from e
    report.seconds = time.perf_counter() - started
    return report


def _reindex_locked(
    corpus_dir: Path, index_dir: Path, full: bool, progress: Progress | None, warn
) -> ReindexReport:
    report = ReindexReport()
    live = current_generation(index_dir)
    _clean_old(index_dir, live)
    old = _load_manifest(live) if live is not None and not full else None
    if old is None:  # nothing to build on (older format, damaged manifest): start afresh
        full, old = True, {}
    scan = scan_corpus(corpus_dir)
    report.ignored = len(scan.ignored)
    for path, reason in scan.ignored:  # files the owner meant to index and should hear about
        if reason.startswith(("unreadable", "file name", "folder name")):
            warn(f"ignored {path}: {reason}")

    # Pass 1: find what changed. Size and mtime unchanged means unchanged; otherwise the
    # content hash decides (a file that was only touched is not reindexed).
    manifest: dict[str, list] = {}
    to_index: list[tuple[str, Path]] = []
    for doc_id, path in scan.files.items():
        try:
            st = path.stat()
        except OSError as e:
            _skip(report, warn, doc_id, f"unreadable: {e.strerror or e}", old, manifest)
            continue
        entry = old.get(doc_id)
        if entry and entry[0] == st.st_size and entry[1] == st.st_mtime_ns:
            manifest[doc_id] = entry
            report.unchanged += 1
            continue
        if entry:
            try:
                data = path.read_bytes()
            except OSError:
                data = None  # reported by load_document below
            if data is not None and content_hash(data) == entry[2]:
                manifest[doc_id] = [st.st_size, st.st_mtime_ns, entry[2]]
                report.unchanged += 1
                continue
        to_index.append((doc_id, path))
    removed = [doc_id for doc_id in old if doc_id not in scan.files]

    if live is not None and not full and not to_index and not removed:
        if manifest != old:  # only mtimes moved: remember them so the next run is quick
            _write_manifest(live, manifest)
        report.documents = len(manifest)
        report.generation = live.name
        return report

    number = max((_generation_number(p) for p in index_dir.glob("gen-*")), default=0) + 1
    gen = index_dir / f"gen-{number:06d}.tmp"
    try:
        _build_generation(gen, None if full else live, to_index, removed, old, manifest, report,
                          progress, warn)
        final = gen.with_name(gen.name.removesuffix(".tmp"))
        os.rename(gen, final)
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    _fsync_dir(index_dir)
    _publish(index_dir, final)
    _clean_old(index_dir, final)
    report.documents = len(manifest)
    report.generation = final.name
    return report


def _build_generation(
    gen: Path,
    base: Path | None,
    to_index: list[tuple[str, Path]],
    removed: list[str],
    old: dict[str, list],
    manifest: dict[str, list],
    report: ReindexReport,
    progress: Progress | None,
    warn,
) -> None:
    """Write a complete new generation in `gen`: `base` plus the changes, or from scratch."""
    if base is None:
        gen.mkdir()
        ix = whoosh_index.create_in(gen, make_schema())
    else:
        _link_generation(base, gen)
        ix = whoosh_index.open_dir(gen)
    if len(to_index) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        morph()  # load the dictionaries once, before the writer processes fork
        writer = _ParallelWriter(
            ix, procs=2, multisegment=True, limitmb=WRITER_LIMIT_MB, codec=Codec(),
            compound=False,
        )
    else:
        writer = ix.writer(limitmb=WRITER_LIMIT_MB, codec=Codec(), compound=False)
    indexed_at = _utc_now()
    try:
        for doc_id in removed:
            writer.delete_by_term("id", doc_id)
            report.removed += 1
        for done, (doc_id, path) in enumerate(to_index, 1):
            try:
                st = path.stat()
                doc = load_document(path, doc_id)
            except DocumentError as e:
                _skip(report, warn, doc_id, str(e), old, manifest)
                continue
            except OSError as e:
                _skip(report, warn, doc_id, f"unreadable: {e.strerror or e}", old, manifest)
                continue
            if doc_id in old:
                writer.delete_by_term("id", doc_id)
                report.updated += 1
            else:
                report.added += 1
            writer.add_document(**document_fields(doc, indexed_at))
            manifest[doc_id] = [st.st_size, st.st_mtime_ns, doc.hash]
            if progress:
                progress(done, len(to_index))
    except BaseException:
        writer.cancel()
        ix.close()
        raise
    writer.commit(mergetype=_merge_small)
    ix.close()
    _check_generation(gen, len(manifest))
    _write_manifest(gen, manifest)


def _merge_small(writer: SegmentWriter, segments: list) -> list:
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

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.jobqueue = _WatchedQueue(self.jobqueue, self.tasks)

    def _new_task(self) -> SubWriterTask:
        task = _WriterTask(
            self.storage, self.indexname, self.jobqueue.queue, self.resultqueue,
            self.subargs, self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task

    def commit(self, *args, **kwargs) -> None:
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

    def __init__(self, queue, tasks: list) -> None:
        self.queue = queue
        self.tasks = tasks

    def put(self, item) -> None:
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


def _check_generation(gen: Path, expected: int) -> None:
    """Refuse to publish a generation that lost documents (e.g. a writer process died)."""
    with whoosh_index.open_dir(gen).searcher() as searcher:
        found = searcher.doc_count()
    if found != expected:
        raise ReindexError(f"the new index holds {found} documents instead of {expected}")


def _skip(report: ReindexReport, warn, doc_id: str, reason: str, old: dict, manifest: dict):
    """Report a file that cannot be indexed now; an earlier good version stays searchable."""
    report.skipped.append((doc_id, reason))
    warn(f"skipped {doc_id}: {reason}")
    if doc_id in old:
        manifest[doc_id] = old[doc_id]


def _link_generation(live: Path, gen: Path) -> None:
    """A new generation that shares the live one's (immutable) segment files."""
    gen.mkdir()
    for f in live.iterdir():
        if f.name.startswith(MANIFEST) or f.name.endswith("LOCK"):
            continue
        os.link(f, gen / f.name)


# --- reading -----------------------------------------------------------------------------


@dataclass(eq=False)
class _Opened:
    gen: Path
    searcher: Searcher
    users: int = 0  # requests reading it now


def open_index(index_dir: Path) -> IndexHandle:
    """A handle on the index in `index_dir`; raises IndexMissing when none was built."""
    handle = IndexHandle(index_dir)
    if current_generation(handle.index_dir) is None:
        raise IndexMissing(f"no index in {index_dir}: run reindex first")
    return handle


class IndexHandle:
    """Searchers on the live generation, for many threads, following each new reindex.

    All threads share one searcher per generation (search/storage.py makes that safe). When
    CURRENT names a newer generation, the next `searcher()` call opens it; the older one is
    closed as soon as the last request reading it is done. `close()` (or dropping the handle)
    closes them all.
    """

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._live: _Opened | None = None
        self._retired: list[_Opened] = []  # older generations still being read

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        opened = self._acquire()
        try:
            yield opened.searcher
        finally:
            self._release(opened)

    def _acquire(self) -> _Opened:
        gen = current_generation(self.index_dir)
        if gen is None:
            raise IndexMissing(f"no index in {self.index_dir}: run reindex first")
        with self._lock:
            live = self._live
            # a reader that saw an older CURRENT than another thread keeps the newer searcher
            if live is None or (gen != live.gen and gen.name > live.gen.name):
                live = self._open(gen)
            live.users += 1
            unused = self._unused()
        self._close(unused)
        return live

    def _open(self, gen: Path) -> _Opened:
        if _load_manifest(gen) is None:  # built by another version: terms would not match
            raise IndexMissing(
                f"the index in {self.index_dir} was built by another version: run reindex"
            )
        opened = _Opened(gen, SharedFileStorage(gen).open_index().searcher())
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
            old.searcher.close()
        if unused:
            release_memory()  # their field lengths, norms and columns

    def close(self) -> None:
        """Close the searchers (their files stay open until then)."""
        with self._lock:
            opened, self._retired = self._retired, []
            if self._live is not None:
                opened.append(self._live)
                self._live = None
        for o in opened:
            o.searcher.close()

    def __del__(self) -> None:
        self.close()

    def doc_count(self) -> int:
        with self.searcher() as s:
            return s.doc_count()

    def generation(self) -> str | None:
        gen = current_generation(self.index_dir)
        return gen.name if gen else None
