"""Where a release came from: the provenance file that ``orbita-fetch`` writes beside each
release it fetched (``<file>.meta.json``; its fields are documented in search/fetch/__init__.py).

The corpus loader takes from it the original URL, the feed's title, date and author, and when it
was fetched; the feed's date is the release's date when the page gives none. A provenance file
that cannot be read leaves the release as a hand-dropped one, never unindexed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .dates import parse_date

__all__ = ["MAX_SIDECAR_BYTES", "SIDECAR_SUFFIX", "Provenance", "read_provenance"]

SIDECAR_SUFFIX = ".meta.json"
MAX_SIDECAR_BYTES = 64 * 1024  # a few fields; anything larger is not one of ours


@dataclass(frozen=True, slots=True)
class Provenance:
    url: str | None = None  # the release's address on the agency's site
    title: str | None = None  # its title in the feed
    date: str | None = None  # "YYYY-MM-DD" from the feed
    author: str | None = None
    fetched_at: str | None = None  # UTC, ISO 8601
    source: str | None = None  # the agency's key
    lang: str | None = None  # the source's language, when its sources file gives one


def read_provenance(path: Path) -> Provenance | None:
    """The provenance file at `path`; None when it is missing, too large or not one."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SIDECAR_BYTES + 1)
        meta = json.loads(data) if len(data) <= MAX_SIDECAR_BYTES else None
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(meta, dict):
        return None
    url = _text(meta, "url")
    return Provenance(
        url=url if url and url.startswith(("http://", "https://")) else None,
        title=_text(meta, "title"),
        date=parse_date(_text(meta, "date")),
        author=_text(meta, "author"),
        fetched_at=_text(meta, "fetched_at"),
        source=_text(meta, "source"),
        lang=_text(meta, "lang"),
    )


def _text(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())[:2000]
    return value or None
