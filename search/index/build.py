"""``reindex``: bring an index up to date with a corpus folder, crash-safely.

A run builds a new generation beside the live one (search/index/generations.py) and publishes
it atomically; only new, changed and removed files are touched unless a full rebuild is asked
for. What goes wrong reading one file is that file's failure, reported and skipped.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from ..corpus import content_hash, load_document, read_provenance, scan_corpus
from ..errors import DocumentError, ReindexError
from . import generations as gens
from .schema import document_fields, make_schema, utc_now
from .writers import merge_small, open_writer

__all__ = ["Progress", "ReindexReport", "reindex"]

Progress = Callable[[int, int], None]  # (done, total)
Warn = Callable[[str], None]
# id -> [size, mtime_ns, content hash, signature of its provenance file ("" when none)]
Manifest = dict[str, list[Any]]


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


def reindex(
    corpus_dir: Path,
    index_dir: Path,
    *,
    full: bool = False,
    quiet: bool = True,
    progress: Progress | None = None,
    warn: Warn | None = None,
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
        with gens.exclusive_lock(index_dir):
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
    corpus_dir: Path, index_dir: Path, full: bool, progress: Progress | None, warn: Warn
) -> ReindexReport:
    report = ReindexReport()
    live = gens.current_generation(index_dir)
    gens.clean_old(index_dir, live)
    old = gens.load_manifest(live) if live is not None and not full else None
    if old is None:  # nothing to build on (older format, damaged manifest): start afresh
        full, old = True, {}
    scan = scan_corpus(corpus_dir)
    report.ignored = len(scan.ignored)
    for name, reason in scan.ignored:  # files the owner meant to index and should hear about
        if reason.startswith(("unreadable", "file name", "folder name")):
            warn(f"ignored {name}: {reason}")

    # Pass 1: find what changed. Size and mtime unchanged means unchanged; otherwise the
    # content hash decides (a file that was only touched is not reindexed). A release whose
    # provenance file changed is read again too.
    manifest: Manifest = {}
    to_index: list[tuple[str, Path]] = []
    for doc_id, file in scan.files.items():
        try:
            st = os.stat(file)
        except OSError as e:
            _skip(report, warn, doc_id, f"unreadable: {e.strerror or e}", old, manifest)
            continue
        entry = old.get(doc_id)
        provenance = _signature(scan.provenance.get(doc_id))
        if entry and entry[3:] != [provenance]:
            entry = None  # its provenance file came, went or changed: read it again
        if entry and entry[0] == st.st_size and entry[1] == st.st_mtime_ns:
            manifest[doc_id] = entry
            report.unchanged += 1
            continue
        path = Path(file)
        if entry:
            try:
                data = path.read_bytes()
            except OSError:
                data = None  # reported by load_document below
            if data is not None and content_hash(data) == entry[2]:
                manifest[doc_id] = [st.st_size, st.st_mtime_ns, entry[2], provenance]
                report.unchanged += 1
                continue
        to_index.append((doc_id, path))
    removed = [doc_id for doc_id in old if doc_id not in scan.files]

    if live is not None and not full and not to_index and not removed:
        if manifest != old:  # only mtimes moved: remember them so the next run is quick
            gens.write_manifest(live, manifest)
        report.documents = len(manifest)
        report.generation = live.name
        return report

    number = max((gens.generation_number(p) for p in index_dir.glob("gen-*")), default=0) + 1
    gen = index_dir / f"gen-{number:06d}.tmp"
    try:
        _build_generation(gen, None if full else live, to_index, scan.provenance, removed, old,
                          manifest, report, progress, warn)
        final = gen.with_name(gen.name.removesuffix(".tmp"))
        os.rename(gen, final)
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    gens.fsync_dir(index_dir)
    gens.publish(index_dir, final)
    gens.clean_old(index_dir, final)
    report.documents = len(manifest)
    report.generation = final.name
    return report


def _build_generation(
    gen: Path,
    base: Path | None,
    to_index: list[tuple[str, Path]],
    provenance: dict[str, Path],
    removed: list[str],
    old: Manifest,
    manifest: Manifest,
    report: ReindexReport,
    progress: Progress | None,
    warn: Warn,
) -> None:
    """Write a complete new generation in `gen`: `base` plus the changes, or from scratch."""
    if base is None:
        gen.mkdir()
        ix = whoosh_index.create_in(gen, make_schema())
    else:
        gens.link_generation(base, gen)
        ix = whoosh_index.open_dir(gen)
    writer = open_writer(ix, len(to_index))
    indexed_at = utc_now()
    try:
        for doc_id in removed:
            writer.delete_by_term("id", doc_id)
            report.removed += 1
        for done, (doc_id, path) in enumerate(to_index, 1):
            sidecar = provenance.get(doc_id)
            try:
                st = path.stat()
                doc = load_document(
                    path, doc_id, provenance=read_provenance(sidecar) if sidecar else None
                )
            except DocumentError as e:
                _skip(report, warn, doc_id, str(e), old, manifest)
                continue
            except OSError as e:
                _skip(report, warn, doc_id, f"unreadable: {e.strerror or e}", old, manifest)
                continue
            except Exception as e:  # whatever else goes wrong reading one file is its failure
                _skip(report, warn, doc_id, f"could not be read ({_describe(e)})", old, manifest)
                continue
            if doc_id in old:
                writer.delete_by_term("id", doc_id)
                report.updated += 1
            else:
                report.added += 1
            writer.add_document(**document_fields(doc, indexed_at))
            manifest[doc_id] = [st.st_size, st.st_mtime_ns, doc.hash, _signature(sidecar)]
            if progress:
                progress(done, len(to_index))
    except BaseException:
        writer.cancel()
        ix.close()
        raise
    writer.commit(mergetype=merge_small)
    ix.close()
    check_generation(gen, len(manifest))
    gens.write_manifest(gen, manifest)


def check_generation(gen: Path, expected: int) -> None:
    """Refuse to publish a generation that lost documents (e.g. a writer process died)."""
    with whoosh_index.open_dir(gen).searcher() as searcher:
        found = searcher.doc_count()
    if found != expected:
        raise ReindexError(f"the new index holds {found} documents instead of {expected}")


def _signature(path: Path | None) -> str:
    """Size and time of a release's provenance file: a change makes the release read again."""
    if path is None:
        return ""
    try:
        st = path.stat()
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}"


def _describe(error: Exception) -> str:
    """An unexpected error in a few words: its kind and the start of its message."""
    text = " ".join(str(error).split())
    text = text if len(text) <= 120 else text[:120] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _skip(report: ReindexReport, warn: Warn, doc_id: str, reason: str, old: Manifest,
          manifest: Manifest) -> None:
    """Report a file that cannot be indexed now; an earlier good version stays searchable."""
    report.skipped.append((doc_id, reason))
    warn(f"skipped {doc_id}: {reason}")
    if doc_id in old:
        manifest[doc_id] = old[doc_id]
