"""Index generations on disk: which one is live, their manifests, the reindex lock.

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

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..corpus import sources_fingerprint
from ..errors import ReindexError

__all__ = [
    "CURRENT",
    "FORMAT_VERSION",
    "LOCK",
    "MANIFEST",
    "clean_old",
    "current_generation",
    "exclusive_lock",
    "fsync_dir",
    "generation_number",
    "link_generation",
    "load_manifest",
    "publish",
    "write_manifest",
]

CURRENT = "CURRENT"
LOCK = ".reindex.lock"
MANIFEST = "manifest.json"
# Raise FORMAT_VERSION whenever the schema or the analysis changes, and whenever a class that
# Whoosh pickles into the index (the analyzers in search/analysis/analyzers.py; the codec,
# ExactForms and SketchColumn in search/index/schema.py) moves to another module or is renamed,
# and whenever the files a segment is written with change (search/index/arrays.py), in the same
# commit. The next reindex then rebuilds from scratch, and until then readers refuse
# the old index with "run reindex" (old terms would not match new queries, and an old pickle
# would not load).
FORMAT_VERSION = 14
KEEP_OLD_GENERATIONS = 2  # readers that opened an older generation keep working for a while


def current_generation(index_dir: Path) -> Path | None:
    """The live generation's folder, or None when no index was built yet."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    gen = index_dir / name
    return gen if name.startswith("gen-") and gen.is_dir() else None


def generation_number(path: Path) -> int:
    try:
        return int(path.name.removeprefix("gen-").removesuffix(".tmp"))
    except ValueError:
        return -1


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(index_dir: Path, gen: Path) -> None:
    """Atomically make `gen` the live generation."""
    tmp = index_dir / f"{CURRENT}.tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(gen.name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / CURRENT)
    fsync_dir(index_dir)


def clean_old(index_dir: Path, live: Path | None) -> None:
    """Remove unfinished generations and all but the newest few finished ones."""
    gens = sorted(
        (p for p in index_dir.glob("gen-*") if p.is_dir()), key=generation_number, reverse=True
    )
    kept = 0
    for gen in gens:
        if gen == live:
            continue
        if gen.name.endswith(".tmp") or kept >= KEEP_OLD_GENERATIONS:
            shutil.rmtree(gen, ignore_errors=True)
        else:
            kept += 1


def load_manifest(gen: Path) -> dict[str, list[Any]] | None:
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
    docs = manifest.get("docs")
    return docs if isinstance(docs, dict) else None


def write_manifest(gen: Path, docs: dict[str, list[Any]]) -> None:
    tmp = gen / f"{MANIFEST}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        manifest = {"version": FORMAT_VERSION, "sources": sources_fingerprint(), "docs": docs}
        json.dump(manifest, f, ensure_ascii=False, separators=(",", ":"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, gen / MANIFEST)


@contextmanager
def exclusive_lock(index_dir: Path) -> Iterator[None]:
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


def link_generation(live: Path, gen: Path) -> None:
    """A new generation that shares the live one's (immutable) segment files."""
    gen.mkdir()
    for f in live.iterdir():
        if f.name.startswith(MANIFEST) or f.name.endswith("LOCK"):
            continue
        os.link(f, gen / f.name)
