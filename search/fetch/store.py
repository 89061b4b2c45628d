"""Writing releases into ``<corpus>/<key>/``: names made here, sidecars, atomic renames.

What has been fetched is read back from the sidecars themselves (URLs and content hashes), so
the corpus stays the only record; ``_fetch.json`` beside them only keeps the feeds' ETag and
Last-Modified (and robots.txt copies) for conditional requests.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from anyascii import anyascii

from ..corpus import SIDECAR_SUFFIX
from .feeds import Item

__all__ = [
    "SIDECAR_SUFFIX",
    "STATE_FILE",
    "NotARelease",
    "Release",
    "ReleaseStore",
    "accept_content_type",
    "file_name",
    "release_kind",
    "sidecar_for",
]

STATE_FILE = "_fetch.json"  # "_" names are skipped by the corpus scanner
TEMP_PREFIX = ".orbita-tmp-"  # "." names too; leftovers of a killed run are removed
SLUG_MAX = 60

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Types that may hold a release; the body's first bytes decide between them.
_MAYBE_RELEASE = (
    HTML_TYPES | PDF_TYPES | {DOCX_TYPE, "text/plain", "application/octet-stream",
                              "binary/octet-stream", "application/zip", ""}
)
_MAGIC_NOT_RELEASE = (
    (b"\x89PNG", "image (PNG)"),
    (b"\xff\xd8\xff", "image (JPEG)"),
    (b"GIF8", "image (GIF)"),
    (b"\x1f\x8b", "archive (gzip)"),
    (b"7z\xbc\xaf", "archive (7z)"),
    (b"Rar!", "archive (RAR)"),
    (b"\xd0\xcf\x11\xe0", "old Office file (not DOCX)"),
)


class NotARelease(Exception):
    """A body that is not a release Orbita can index (an image, an archive, ...)."""


@dataclass(frozen=True)
class Release:
    item: Item
    final_url: str
    content_type: str
    body: bytes
    ext: str  # ".html", ".pdf", ".docx", ".txt"


def accept_content_type(content_type: str) -> str | None:
    """Checked before the body is read: why this type is no release, or None."""
    if content_type in _MAYBE_RELEASE:
        return None
    return "not a release"


def release_kind(content_type: str, body: bytes) -> str:
    """The extension a body is stored under, by its first bytes and its content type."""
    if not body.strip():
        raise NotARelease("empty body")
    if body.startswith(b"%PDF-"):
        return ".pdf"
    if body.startswith(b"PK\x03\x04"):
        if _is_docx(body):
            return ".docx"
        raise NotARelease("archive (ZIP, not a DOCX)")
    if body[8:12] == b"WEBP" and body.startswith(b"RIFF"):
        raise NotARelease("image (WebP)")
    for magic, what in _MAGIC_NOT_RELEASE:
        if body.startswith(magic):
            raise NotARelease(what)
    if content_type in PDF_TYPES or content_type == DOCX_TYPE:
        raise NotARelease(f"served as {content_type} but is not one")
    if b"\0" in body[:4096]:
        raise NotARelease("binary data")
    if content_type in HTML_TYPES:
        return ".html"
    if content_type == "text/plain":
        return ".txt"
    head = body[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return ".html"
    raise NotARelease(f"unknown kind of data ({content_type or 'no content type'})")


def _is_docx(body: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]


def file_name(item: Item, ext: str) -> str:
    """``<YYYY-MM-DD>-<slug>-<8 hex of the URL's hash><ext>``; "undated" when no date is
    known. Only [a-z0-9-] and the extension: nothing from the URL can become a path."""
    day = item.date[:10] if item.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item.date[:10]) \
        else "undated"
    slug = _slug(item.title or "") or _slug(_url_words(item.url)) or "release"
    return f"{day}-{slug}-{url_hash(item.url)}{ext}"


def _slug(text: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", anyascii(text).lower()).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_MAX:
            if not slug:  # one very long word: cut it
                slug = word[:SLUG_MAX]
            break
        slug = candidate
    return slug


def _url_words(url: str) -> str:
    path = unquote(urlsplit(url).path)
    parts = [p for p in path.split("/") if p]
    return re.sub(r"\.[A-Za-z0-9]{1,5}$", "", parts[-1]) if parts else ""


class ReleaseStore:
    """One source's folder: what is in it, and writing to it."""

    def __init__(self, corpus: Path, key: str):
        self.folder = Path(corpus) / key
        self.urls: dict[str, str] = {}  # every URL a stored release was found at -> its file
        self.hashes: dict[str, str] = {}  # sha256 of a stored body -> its file
        self.cleaned: list[str] = []  # leftovers of an interrupted run, removed

    def open(self) -> None:
        """Create the folder, remove what a killed run left, read the sidecars."""
        if self.folder.is_symlink():
            raise OSError(f"{self.folder} is a symbolic link; the fetcher writes only into a "
                          "real folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        for entry in sorted(os.scandir(self.folder), key=lambda e: e.name):
            if entry.name.startswith(TEMP_PREFIX) and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                self.cleaned.append(entry.name)
        for entry in sorted(os.scandir(self.folder), key=lambda e: e.name):
            if not entry.name.endswith(SIDECAR_SUFFIX) or entry.name.startswith((".", "_")):
                continue
            document = entry.name[: -len(SIDECAR_SUFFIX)]
            if not (self.folder / document).is_file():
                # killed between the sidecar's rename and the document's: fetch it again
                os.unlink(entry.path)
                self.cleaned.append(entry.name)
                continue
            meta = _read_json(Path(entry.path))
            if meta is None:
                continue
            for key in ("url", "item_url"):
                if isinstance(meta.get(key), str):
                    self.urls.setdefault(meta[key], document)
            for url in meta.get("also_at") or []:
                if isinstance(url, str):
                    self.urls.setdefault(url, document)
            if isinstance(meta.get("sha256"), str):
                self.hashes.setdefault(meta["sha256"], document)

    def write(self, release: Release, meta: dict[str, Any]) -> Path:
        """Sidecar first, document last, each fsync'ed and renamed into place: a document
        that exists is whole and has its sidecar."""
        name = file_name(release.item, release.ext)
        path = self.folder / name
        if path.parent != self.folder or name.startswith((".", "_")):
            raise OSError(f"refusing to write outside {self.folder}: {name!r}")
        sidecar = json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
        self._atomic_write(self.folder / (name + SIDECAR_SUFFIX), sidecar)
        self._atomic_write(path, release.body)
        for url in {release.item.url, release.final_url}:
            self.urls.setdefault(url, name)
        self.hashes.setdefault(meta["sha256"], name)
        return path

    def add_alias(self, document: str, url: str) -> None:
        """Note in a stored release's sidecar that it was also found at `url`, so that URL is
        not downloaded again."""
        sidecar = self.folder / (document + SIDECAR_SUFFIX)
        meta = _read_json(sidecar)
        if meta is None:
            return
        also = [u for u in meta.get("also_at") or [] if isinstance(u, str)]
        if url not in also:
            meta["also_at"] = [*also, url]
            data = json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
            self._atomic_write(sidecar, data)
        self.urls.setdefault(url, document)

    def load_state(self) -> dict[str, Any]:
        state = _read_json(self.folder / STATE_FILE) or {}
        for part in ("feeds", "robots"):
            if not isinstance(state.get(part), dict):
                state[part] = {}
        return state

    def save_state(self, state: dict[str, Any]) -> None:
        data = json.dumps({"version": 1, **state}, ensure_ascii=False, indent=1).encode("utf-8")
        self._atomic_write(self.folder / STATE_FILE, data + b"\n")

    def _atomic_write(self, path: Path, data: bytes) -> None:
        temp = self.folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}"
        try:
            with open(temp, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        _fsync_dir(self.folder)


def sidecar_for(
    release: Release, *, source_key: str, source_name: str, lang: str | None
) -> dict[str, Any]:
    """The provenance sidecar of a release (the format is in the package docstring)."""
    item = release.item
    meta: dict[str, Any] = {
        "url": release.final_url,
        "item_url": item.url if item.url != release.final_url else None,
        "feed_url": item.feed_url,
        "title": item.title,
        "date": item.date,
        "author": item.author,
        "fetched_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "content_type": release.content_type or None,
        "sha256": hashlib.sha256(release.body).hexdigest(),
        "source": source_key,
        "source_name": source_name,
    }
    if lang:
        meta["lang"] = lang
    return meta


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
