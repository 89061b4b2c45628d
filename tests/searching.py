"""Searching in tests: the engine's one entry point, called the way tests need it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from search.engine import Engine, SearchRequest, SearchResult
from search.index import Snapshot
from search.understand import Synonyms


def search(engine: Engine, q: str = "", *, snapshot: Snapshot | None = None,
           **params: Any) -> SearchResult:
    """`q` searched exactly as typed (no corrections) unless ``correct=True`` is given."""
    params.setdefault("correct", False)
    return engine.search(SearchRequest(q, **params), snapshot=snapshot)


def plain_engine(index_dir: Path) -> Engine:
    """An engine without synonyms: the query language and ranking alone."""
    return Engine(index_dir, synonyms=Synonyms([]))
