"""The one place that turns a corpus file into a Document: read, decode, parse by format.

Nothing here guesses silently: a file that cannot be read as text raises DocumentError with a
human reason."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..analysis import LANGUAGES, detect_language
from ..errors import DocumentError
from .article import read_html
from .decode import declared_charset, decode, normalise
from .docx import read_docx
from .pdf import read_pdf
from .plain import parse_plain
from .provenance import Provenance
from .scan import SUPPORTED_SUFFIXES, os_reason
from .text import EDGE_CHARS, Parts

__all__ = ["EMPTY", "MAX_FILE_BYTES", "Document", "content_hash", "load_document"]

MAX_FILE_BYTES = 20 * 1024 * 1024
EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Document:
    id: str  # path relative to the corpus root, '/'-separated (stable id)
    title: str
    body: str  # plain text, paragraphs separated by "\n\n"; the title is not repeated at its start
    lang: str  # "ru" | "en" | "mixed"
    size: int  # bytes of the file
    hash: str  # content_hash(raw bytes)
    date: str | None  # "YYYY-MM-DD" when the document gives it ("YYYY-MM" for a month alone)
    source: str | None  # agency/publisher, else the first folder of the id, else None
    url: str | None = None  # the release on its agency's site, when it was fetched from there
    author: str | None = None
    fetched_at: str | None = None  # UTC, ISO 8601


def content_hash(data: bytes) -> str:
    """Hex digest of a file's bytes, used to tell changed files from touched ones."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def load_document(path: Path, doc_id: str, data: bytes | None = None,
                  provenance: Provenance | None = None) -> Document:
    """Read, decode and parse one file; raises DocumentError with the reason it can't be used.

    :param provenance: where the file came from (its ``.meta.json``), when it was fetched: the
        feed's title and date stand in for what the file does not say.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"unsupported type {suffix or '(no extension)'}")
    raw = _read(path) if data is None else data
    if len(raw) > MAX_FILE_BYTES:
        raise DocumentError(_too_large(len(raw)))
    if not raw:
        raise DocumentError(EMPTY)

    parts: Parts
    if suffix in (".html", ".htm"):
        text = normalise(decode(raw, declared=declared_charset(raw)))
        require_text(text)
        parts = read_html(text)
    elif suffix == ".pdf":  # binary formats: their readers take the bytes
        parts = read_pdf(raw)
    elif suffix == ".docx":
        parts = read_docx(raw)
    else:
        text = normalise(decode(raw))
        require_text(text)
        parts = parse_plain(text, markdown=suffix == ".md")

    fetched = provenance or Provenance()
    title, body = parts.title or fetched.title or "", parts.body
    if not title and not body:
        raise DocumentError("empty (no text outside the markup)")
    source = parts.source or fetched.source
    if not source and "/" in doc_id:
        source = doc_id.split("/", 1)[0]
    lang = parts.lang or detect_language(title + "\n" + body)
    if lang == "mixed" and fetched.lang in LANGUAGES:
        lang = fetched.lang  # the text alone does not tell; its agency's site does
    return Document(
        id=doc_id,
        title=title,
        body=body,
        lang=lang,
        size=len(raw),
        hash=content_hash(raw),
        date=parts.date or fetched.date or parts.file_date,
        source=source,
        url=fetched.url or (parts.url if _is_web_address(parts.url) else None),
        author=parts.author or fetched.author,
        fetched_at=fetched.fetched_at,
    )


def _is_web_address(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("http://", "https://")) and len(str(url)) <= 2000


def _read(path: Path) -> bytes:
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            raise DocumentError("symbolic link (not followed)")
        if not stat.S_ISREG(st.st_mode):
            raise DocumentError("not a regular file")
        if st.st_size > MAX_FILE_BYTES:  # before reading: never pull a huge file into memory
            raise DocumentError(_too_large(st.st_size))
        with open(path, "rb") as f:
            # Read one byte past the limit in case the file grew after stat().
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise DocumentError(f"unreadable: {os_reason(err)}") from err


def _too_large(size: int) -> str:
    return f"too large ({_size_text(size, trim=False)} > {_size_text(MAX_FILE_BYTES, trim=True)})"


def _size_text(n: int, trim: bool) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            number = f"{n / scale:.1f}"
            if trim:
                number = number.removesuffix(".0")
            return f"{number} {unit}"
    return f"{n} bytes"


def require_text(text: str) -> None:
    if not text.strip(EDGE_CHARS):
        raise DocumentError(EMPTY)

