"""Agencies: one key and one display name per publisher, however its releases spell it.

A release names its source in many ways: a corpus folder (``roscosmos``), a site name
(«Роскосмос»), a publisher in JSON-LD («Госкорпорация «Роскосмос»»). ``data/sources.txt`` maps
such names to one key (used in filters, facets and URLs) and one name to show. A source that is
not in the file keeps its own name, and its key is that name in lower case with words joined by
``-``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..caching import register

__all__ = ["SOURCES_FILE", "Source", "resolve_source", "sources_fingerprint"]

SOURCES_FILE = Path(__file__).resolve().parent.parent / "data" / "sources.txt"

_QUOTES = re.compile("[«»\"„“”‘’'`]")
_NOT_KEY = re.compile(r"[^\w.]+")


@dataclass(frozen=True, slots=True)
class Source:
    key: str  # lower case, no spaces: "roscosmos", "mdai-kz", "ека"
    name: str  # as shown: "Роскосмос"


def _match_key(text: str) -> str:
    """What names are compared by: case, ё, quotes and spacing do not matter."""
    return " ".join(_QUOTES.sub(" ", text).casefold().replace("ё", "е").split())


def _slug(text: str) -> str:
    return _NOT_KEY.sub("-", _match_key(text)).strip("-.")


@lru_cache(maxsize=1)
def _table() -> dict[str, Source]:
    """Every known name (and key), compared as by `_match_key`, -> its agency."""
    table: dict[str, Source] = {}
    for line in SOURCES_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, name, *aliases = (part.strip() for part in line.split("|"))
        source = Source(key, name)
        for alias in (key, name, *aliases):
            table.setdefault(_match_key(alias), source)
    return table


def resolve_source(raw: str | None) -> Source | None:
    """The agency for a source as a release gives it; None when there is nothing to go by."""
    if not raw or not raw.strip():
        return None
    known = _table().get(_match_key(raw))
    if known is not None:
        return known
    key = _slug(raw)
    if not key:
        return None
    return Source(key, " ".join(raw.split()))


@lru_cache(maxsize=1)
def sources_fingerprint() -> str:
    """Changes whenever the mapping file does: the index is then rebuilt from scratch."""
    return hashlib.blake2b(SOURCES_FILE.read_bytes(), digest_size=8).hexdigest()


register("agencies table", _table)
register("agencies fingerprint", sources_fingerprint)
