"""Listing the documents of a corpus folder: no symlinks followed, hidden and ``_`` names
skipped."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .provenance import SIDECAR_SUFFIX

__all__ = ["SUPPORTED_SUFFIXES", "CorpusScan", "default_corpus", "os_reason", "scan_corpus"]

SUPPORTED_SUFFIXES = frozenset({".txt", ".html", ".htm", ".md", ".pdf", ".docx"})


@dataclass
class CorpusScan:
    # doc id -> its file's path, sorted by id (a string: a Path for each of 100,000 files
    # would cost a second of an unchanged reindex)
    files: dict[str, str] = field(default_factory=dict)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (relative path, reason)
    provenance: dict[str, Path] = field(default_factory=dict)  # doc id -> its .meta.json


def default_corpus() -> Path:
    """The corpus folder of the command lines: ``$ORBITA_CORPUS``, else ``corpus/``."""
    return Path(os.environ.get("ORBITA_CORPUS") or "corpus")


def scan_corpus(root: Path) -> CorpusScan:
    """List the documents under `root` (no symlinks followed, hidden and `_` names skipped)."""
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise NotADirectoryError(f"corpus path is not a folder: {root}")
    found: list[tuple[str, str]] = []
    sidecars: dict[str, Path] = {}  # doc id -> provenance file
    ignored: list[tuple[str, str]] = []
    stack: list[tuple[str, str]] = [("", os.fspath(root))]
    while stack:
        prefix, folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as err:
            ignored.append((prefix.rstrip("/") or ".", f"unreadable folder: {os_reason(err)}"))
            continue
        for entry in entries:
            name = entry.name
            rel = prefix + name
            try:
                if entry.is_symlink():  # never leave the corpus, whatever the link points to
                    ignored.append((rel, "symbolic link (not followed)"))
                    continue
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and entry.is_file(follow_symlinks=False)
            except OSError as err:
                ignored.append((rel, f"unreadable: {os_reason(err)}"))
                continue
            kind = "folder" if is_dir else "file"
            if name.startswith("."):
                ignored.append((rel, f"hidden {kind}"))
            elif name.startswith("_"):
                ignored.append((rel, f"metadata {kind} (name starts with _)"))
            elif not _is_utf8_name(rel):
                ignored.append((rel, "file name is not valid UTF-8"))
            elif "\\" in name or _CONTROL.search(name):
                # such ids cannot be written in a URL path reliably: rename the file
                ignored.append((rel, f"{kind} name with a backslash or a control character"))
            elif is_dir:
                stack.append((rel + "/", entry.path))
            elif not is_file:
                ignored.append((rel, "not a regular file"))
            else:
                suffix = os.path.splitext(name)[1].lower()
                if name.endswith(SIDECAR_SUFFIX):
                    sidecars[rel[: -len(SIDECAR_SUFFIX)]] = Path(entry.path)
                elif suffix in SUPPORTED_SUFFIXES:
                    found.append((rel, entry.path))
                elif suffix:
                    ignored.append((rel, f"unsupported type {suffix}"))
                else:
                    ignored.append((rel, "unsupported type (no extension)"))
    found.sort()
    files = dict(found)
    provenance = {doc_id: path for doc_id, path in sidecars.items() if doc_id in files}
    ignored += [(doc_id + SIDECAR_SUFFIX, "provenance file without its release")
                for doc_id in sidecars if doc_id not in files]
    ignored.sort()
    return CorpusScan(files=files, ignored=ignored, provenance=provenance)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode's control characters (category Cc)


def _is_utf8_name(rel: str) -> bool:
    # Undecodable names come back with surrogate escapes; such an id could not be stored.
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def os_reason(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, FileNotFoundError):
        return "file not found"
    if isinstance(err, IsADirectoryError):
        return "is a folder"
    return (err.strerror or str(err)).lower()
