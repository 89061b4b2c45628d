"""Every cache of the engine: what it holds, its key, how long an entry lives, and its bound.

Process-wide (shared by all threads and index generations):

- **lemmas** (analysis/morphology.py): a normalised word → its index terms; the process;
  500,000 words (50,000 in a server's processes: see ``bound_lemma_cache``).
- **index lemmas** (analysis/morphology.py): the same, unranked, for indexing
  (``index_terms``); the process; 500,000 words (servers never fill it).
- **stems** (analysis/morphology.py): a word or lemma → its Snowball stem, for queries and
  highlighting; the process; 50,000.
- **reading shares** (analysis/morphology.py): a query word → how likely each of its lemmas
  is; the process; 50,000 words.
- **inflections** (analysis/morphology.py): a lemma → every form the dictionary gives it,
  where highlighting looks for a query word's forms; the process; 20,000 lemmas.
- **text word readings** (query/highlight.py): a word of a hit's text → its lemmas and their
  stems, which highlighting matches against the query's; the process; 50,000 words.
- **family keys** (query/families.py): a lemma → the root key of its derivational family;
  the process; 50,000 lemmas.
- **kazakh stems** (analysis/kazakh.py): (a Kazakh word, its lexicon, the rule families) → its
  stems; the process; 300,000 words (50,000 in a server's processes, as the lemmas).
- **recent texts' words** (analysis/tokens.py): a text → its words and offsets, so that the
  title and body of the document being indexed are split once for all the fields that read
  them; until 8 newer texts were split; 8 texts.
- **word hashes** (index/sketches.py): a word → its 64-bit hash for shingles; the process;
  200,000 words.
- **decoding features** (corpus/decode.py): a non-ASCII word of a file → how plausible it
  reads; the process; 8,192 words.
- **agencies table**, **agencies fingerprint** (corpus/agencies.py): search/data/sources.txt
  read once; the process (a change makes the next reindex rebuild); 1 each.
- **synonym dictionaries** (understand/synonyms.py): a file path → its entries; the process;
  4 files.
- **posting arrays** (index/postings.py): (index folder, segment id, field, term) → the
  term's document numbers and frequencies in a segment without a posting arrays file (whose
  postings Whoosh unpickles block by block), or its absence; the process (segments never
  change, and a new generation shares the old one's); 4,000,000 postings (~64 MB), least
  recently used first.
- **phrase documents** (ranking/bm25f.py): (generation folder, its segment ids, field, the
  phrase's terms slot by slot) → the document numbers holding the phrase; the process (a newer
  generation has its own key); 2,000,000 document numbers, an entry's own memory counted
  as 96 of them (~16 MB), least recently used first.

Per index generation (held by its :class:`~search.index.Snapshot`, dropped with it when the
handle has moved to a newer generation and the last request reading it has ended):

- deletion masks and field-length norms per segment, sortable columns and their codes per
  field, the sketch column: one each;
- derived values (the lemmas sharing a Snowball stem or a derivational family; query terms'
  idf; the agencies' names; a release's related releases, as document numbers and scores;
  the archive's overview for the front page): key → value; 100,000 entries.

Per index folder (the newest generation's, built in a child process after a reindex while
the previous generation's answers, and saved beside the generation in
``index/.tables/gen-NNNNNN/`` so that every server process loads what one of them built):

- **correction tables** (understand/tables.py): the vocabulary and its spelling index;
  4 folders.
- **completion tables** (understand/tables.py): completions of words, phrases and titles;
  4 folders.
- **family lemma lists** (query/families.py): the body field's lemmas, sorted, with the
  family key of each, where derivational families are looked up; 4 folders (until a
  generation's list is at hand, its families are read from the segments' term tables).

Each process-wide and per-folder cache is registered here by its name in bold
(:func:`register`), so :func:`stats` reports them all and a test checks that this list names
every one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import gc
import hashlib
import logging
import os
import pickle
import shutil
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Generic, TypeVar

from cachetools import LRUCache

__all__ = [
    "CACHES",
    "TABLES_DIR",
    "GenerationTables",
    "LockedLRU",
    "code_version",
    "map_large_blocks",
    "register",
    "release_memory",
    "stats",
]

C = TypeVar("C")
T = TypeVar("T")
V = TypeVar("V")

CACHES: dict[str, Any] = {}  # name -> the cache object (an LRU, an lru_cache'd function, …)
TABLES_DIR = ".tables"  # in an index folder: the tables built from each generation, saved
_log = logging.getLogger(__name__)


def register(name: str, cache: C) -> C:
    """Record a cache under the name this module's table gives it; returns the cache."""
    CACHES[name] = cache
    return cache


def stats() -> dict[str, tuple[int, int | float]]:
    """{name: (current size, bound)} of every registered cache."""
    out: dict[str, tuple[int, int | float]] = {}
    for name, cache in CACHES.items():
        info = getattr(cache, "cache_info", None)
        if info is not None:  # functools.lru_cache
            i = info()
            out[name] = (i.currsize, i.maxsize or 0)
        elif isinstance(cache, LockedLRU | LRUCache):
            out[name] = (int(cache.currsize), cache.maxsize)
        elif isinstance(cache, GenerationTables):
            out[name] = (len(cache), GenerationTables.MAX_INDEXES)
    return out


class LockedLRU(LRUCache[Any, Any]):
    """A least-recently-used cache that many threads may share (cachetools' own is not
    thread-safe): ``get`` and ``put`` hold a lock."""

    def __init__(self, maxsize: float, getsizeof: Callable[[Any], float] | None = None) -> None:
        super().__init__(maxsize, getsizeof)
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            return super().get(key, default)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            if key not in self:
                self[key] = value


def _libc_function(name: str) -> Callable[..., int] | None:
    """A function of the C library (glibc's malloc_trim, mallopt); None where it has none."""
    try:
        found: Callable[..., int] = getattr(ctypes.CDLL(ctypes.util.find_library("c") or None),
                                            name)
        return found
    except (AttributeError, OSError):
        return None


_trim = _libc_function("malloc_trim")
_mallopt = _libc_function("mallopt")
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
LARGE_BLOCK = 128 * 1024  # glibc's initial threshold


def map_large_blocks() -> bool:
    """Have the C library map each block of LARGE_BLOCK bytes or more on its own, and unmap
    it when it is freed. glibc raises that threshold whenever a mapped block is freed (up to
    32 MB): once a generation's tables (blocks of a few MB) were let go, the next ones came
    from the heap, where the holes they leave stay in the process, and a server reindexed
    every minute grew by about 10 MB a minute. False where the C library has no mallopt."""
    return _mallopt is not None and bool(_mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK))


def code_version(*files: str | None) -> str:
    """A digest of the source files that build and hold a table (a :class:`GenerationTables`
    version): a change of any of them keeps an older saved table from being loaded."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(Path(file or "").read_bytes())
    return digest.hexdigest()[:12]


def release_memory() -> None:
    """Collect garbage and return free heap pages to the system, after dropping big tables:
    glibc keeps freed pages for reuse, so without this a server would grow by the peak of each
    rebuild. A no-op where the C library has no ``malloc_trim``."""
    gc.collect()
    if _trim is not None:
        _trim(0)


class GenerationTables(Generic[T]):
    """A table built from an index generation (correction and completion tables), kept for the
    newest generation of each index folder.

    After a reindex the previous generation's table goes on answering while the new one is
    built in a child process (so only the finished, compact table enters this process: the
    build's short-lived peak stays in the child); it then replaces the old one. No request waits
    seconds for a rebuild, and memory holds one table per index rather than one per generation.

    A table is built once per generation, not once per server process: the builder saves it in
    ``index/.tables/<generation>/<name>-<version>.pickle`` under a file lock, and the other
    processes wait for that lock and load the file. An index folder the server may not write
    to gets its tables built in each process, as without the files.

    :param build: a module-level function ``build(generation folder) -> table`` (the child
        process imports it by name, and the table comes back pickled).
    :param version: part of the saved file's name; a change of the code that builds or holds
        the table must change it, so that an older file is never loaded.
    """

    MAX_INDEXES = 4  # index folders whose tables are kept (a server reads one)
    BUILD_TIMEOUT = 600.0

    def __init__(self, name: str, build: Callable[[Path], T], version: str = "") -> None:
        self.name = name
        self._build = build
        self.version = version
        self._latest: dict[Path, tuple[str, T]] = {}  # index folder -> (generation, table)
        self._lock = threading.Lock()
        self._building: dict[Path, threading.Lock] = {}  # generation -> its build's lock
        self._background: dict[Path, threading.Thread] = {}

    def __len__(self) -> int:
        return len(self._latest)

    def get(self, gen: Path, *, exact: bool = False) -> T:
        """The table for the index whose live generation is `gen`.

        :param exact: built from this very generation (waiting for it if need be), never an
            older one's while a newer one is built.
        """
        place = gen.parent
        found = self._latest.get(place)
        if found is not None and found[0] == gen.name:
            return found[1]
        if found is not None and not exact:
            if gen.name > found[0]:
                self._refresh(gen)
            return found[1]
        return self._build_here(gen)

    def get_soon(self, gen: Path, wait: float) -> T | None:
        """Like :meth:`get`, but a first build happens in the background: waits up to `wait`
        seconds for it, then gives up with None (a keystroke is not kept waiting)."""
        if gen.parent in self._latest:
            return self.get(gen)
        self._refresh(gen).join(wait)
        found = self._latest.get(gen.parent)
        return found[1] if found is not None else None

    def ready(self, gen: Path) -> T | None:
        """The table of this very generation when it is at hand, else None, for a caller that
        can do without it: when an older generation's is at hand, this one's is built (or
        loaded) in the background meanwhile; a first table comes from :meth:`get` alone (a
        server's warm-up)."""
        found = self._latest.get(gen.parent)
        if found is None:
            return None
        if found[0] != gen.name:
            if gen.name > found[0]:
                self._refresh(gen)
            return None
        return found[1]

    def build_in_child(self, gen: Path) -> T:
        """Build the table for `gen` in a fresh child process (standard library pool, one task
        per child, started by spawning: safe in a threaded server).

        :raises Exception: whatever the build raised in the child.
        """
        with ProcessPoolExecutor(max_workers=1, max_tasks_per_child=1) as pool:
            return pool.submit(self._build, gen).result(timeout=self.BUILD_TIMEOUT)

    def save(self, gen: Path) -> None:
        """Build (in a child process) and save the table for `gen` unless another process
        did; keep nothing here. A server's master process does this before forking: its
        workers then load the file at once instead of each building it, and the master does
        not grow by the build's garbage, which its workers would inherit."""
        self._produce(gen, in_child=True)

    def path(self, gen: Path) -> Path:
        """Where the table built from `gen` is saved."""
        return gen.parent / TABLES_DIR / gen.name / f"{self.name}-{self.version}.pickle"

    def _produce(self, gen: Path, *, in_child: bool) -> T:
        """The table for `gen`: its saved file, else built (in a child or here) and saved,
        by one process while the others wait for it."""
        path = self.path(gen)
        table = _load(path)
        if table is not None:
            return table
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # one lock per table: the correction and completion tables build side by side
            fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                         0o644)
        except OSError:  # a read-only index folder: each process builds its own
            return self.build_in_child(gen) if in_child else self._build(gen)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd closes, or the process dies
            table = _load(path)
            if table is None:
                if in_child:
                    with ProcessPoolExecutor(max_workers=1, max_tasks_per_child=1) as pool:
                        pool.submit(_build_and_save, self._build, gen, path).result(
                            timeout=self.BUILD_TIMEOUT)
                    table = _load(path)
                    if table is None:
                        raise OSError(f"the child process did not save {path}")
                else:
                    table = self._build(gen)
                    _save(table, path)
        finally:
            os.close(fd)
        _prune(gen.parent)
        return table

    def _build_here(self, gen: Path) -> T:
        with self._lock:
            lock = self._building.setdefault(gen, threading.Lock())
        with lock:  # one thread builds, the others wait for it
            found = self._latest.get(gen.parent)
            if found is not None and found[0] == gen.name:
                return found[1]
            table = self._produce(gen, in_child=False)
            self._store(gen, table)
            return table

    def _store(self, gen: Path, table: T) -> None:
        with self._lock:
            found = self._latest.get(gen.parent)
            if found is None or gen.name > found[0]:
                self._latest.pop(gen.parent, None)
                self._latest[gen.parent] = (gen.name, table)  # the most recent folder last
                while len(self._latest) > self.MAX_INDEXES:  # folders no longer read
                    del self._latest[next(iter(self._latest))]
            self._building.pop(gen, None)

    def _refresh(self, gen: Path) -> threading.Thread:
        with self._lock:
            thread = self._background.get(gen)
            if thread is not None:
                return thread

            def build() -> None:
                try:
                    self._store(gen, self._produce(gen, in_child=True))
                except Exception:  # built here instead; if the generation vanished meanwhile,
                    try:  # a later request retries with the newer one
                        self._build_here(gen)
                    except Exception:
                        pass
                finally:
                    with self._lock:
                        self._background.pop(gen, None)
                release_memory()  # the previous generation's table

            thread = threading.Thread(target=build, name=f"{self.name}-{gen.name}", daemon=True)
            self._background[gen] = thread
            thread.start()  # under the lock: another caller may join it as soon as it is listed
        return thread


def _build_and_save(build: Callable[[Path], Any], gen: Path, path: Path) -> None:
    """In a child process: build a table and save it (the parent loads the file)."""
    _save(build(gen), path)


def _save(table: Any, path: Path) -> None:
    """Write the table's file whole or not at all (readers never see half a file)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            pickle.dump(table, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a full disk: this process keeps its table, the next one rebuilds
        _log.warning("could not save %s", path, exc_info=True)
        tmp.unlink(missing_ok=True)


def _load(path: Path) -> Any:
    """A saved table, or None when there is none (or it cannot be read: it is rebuilt)."""
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged file is rebuilt, not served
        _log.warning("ignoring the unreadable table %s", path, exc_info=True)
        return None


def _prune(index_dir: Path) -> None:
    """Remove the saved tables of generations that reindex has removed."""
    try:
        for folder in (index_dir / TABLES_DIR).iterdir():
            if not (index_dir / folder.name).is_dir():
                shutil.rmtree(folder, ignore_errors=True)
    except OSError:
        pass
