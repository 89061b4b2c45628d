"""The archive at a glance: how many releases it holds per agency, year, month and language,
the range of their dates and the newest of them.

Counted from the index's columns over every live document (no search runs), once per index
generation: the result is kept on the snapshot (:meth:`Snapshot.derived`) and shared by every
request that reads that generation, so callers must not change it.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from ..index import Snapshot
from .copies import COPIES_LOOKAHEAD, fold_copies
from .facets import Facet, count_facets

__all__ = ["NEWEST", "Overview", "Release", "overview"]

NEWEST = 10  # releases listed as the newest


@dataclass(frozen=True)
class Release:
    """One release as a list shows it."""

    id: str
    title: str
    date: str | None
    source: str | None  # the agency's key
    source_label: str | None  # the agency's name as shown
    lang: str


@dataclass(frozen=True)
class Overview:
    total: int  # live documents, copies included (as a search's total counts them)
    facets: dict[str, tuple[Facet, ...]]  # "source", "year", "month", "lang": as a search's
    first_date: str | None  # the oldest release date ("YYYY-MM-DD" or "YYYY-MM")
    last_date: str | None  # the newest
    undated: int  # releases without a date
    newest: tuple[Release, ...]  # the NEWEST latest releases, copies of one shown once


def overview(snapshot: Snapshot) -> Overview:
    """The archive of this generation at a glance (computed on first use, then kept)."""
    return snapshot.derived(("overview",), lambda: _compute(snapshot))


def _compute(snapshot: Snapshot) -> Overview:
    docnums = np.flatnonzero(snapshot.live())
    facets = {name: tuple(values) for name, values in count_facets(snapshot, docnums).items()}
    codes, labels = snapshot.column_codes("date")
    dates = [labels[c] for c in np.unique(codes[docnums])] if len(docnums) else []
    dated = sorted(d for d in dates if d)
    undated = sum(f.count for f in facets["month"] if f.value is None)
    return Overview(
        total=len(docnums),
        facets=facets,
        first_date=dated[0] if dated else None,
        last_date=dated[-1] if dated else None,
        undated=undated,
        newest=tuple(_newest(snapshot, docnums)),
    )


def _newest(snapshot: Snapshot, docnums: np.ndarray) -> list[Release]:
    """The latest dated releases, newest first (later document numbers first on one day)."""
    dates = snapshot.column_values("date")
    latest = heapq.nlargest(
        NEWEST + COPIES_LOOKAHEAD,
        (int(d) for d in docnums if dates[d]),
        key=lambda d: (dates[d], d),
    )
    releases = []
    for group in fold_copies(snapshot, ((d, 0.0) for d in latest), NEWEST):
        stored = snapshot.stored(group.docnum)
        source = stored.get("source") or None
        releases.append(Release(
            id=stored["id"],
            title=stored["title"],
            date=stored.get("date") or None,
            source=source,
            source_label=stored.get("source_name") or source,
            lang=stored.get("lang", ""),
        ))
    return releases
