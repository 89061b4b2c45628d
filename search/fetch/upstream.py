"""The only names this package takes from the rest of ``search/``: they are imported here alone,
so that a move of the engine's modules changes one line of the fetcher."""

from __future__ import annotations

from search.documents import MAX_FILE_BYTES
from search.sources import resolve

__all__ = ["MAX_FILE_BYTES", "resolve"]
