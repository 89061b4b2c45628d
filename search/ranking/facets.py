"""Facets: how many of a search's documents fall under each agency, year, month and language.

Counted over every matching document (copies included, as ``total`` counts them), from the
index's columns: each list sums to the total, with documents that have no agency or no date
under the value None. Release dates are "YYYY-MM-DD", "YYYY-MM" or empty, so every dated
document has its month, and the months of a year add up to that year's count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..index import Snapshot

__all__ = ["FACETS", "Facet", "count_facets", "source_names"]

FACETS = ("source", "year", "month", "lang")


@dataclass
class Facet:
    value: str | None  # an agency key, a year, a "YYYY-MM" month, a language code; None: not given
    count: int
    label: str | None = None  # the agency's name as shown (None for years and languages)

    def as_dict(self) -> dict[str, str | int | None]:
        """The facet as the API shows it (dataclasses.asdict, without its deep copies: a
        search at 100,000 releases returns hundreds of months)."""
        return {"value": self.value, "count": self.count, "label": self.label}


def count_facets(snapshot: Snapshot, docnums: np.ndarray) -> dict[str, list[Facet]]:
    """{"source": [...], "year": [...], "month": [...], "lang": [...]} over the given
    documents: agencies and languages by count, years newest first, months oldest first (a
    timeline), the value None last."""
    docnums = np.asarray(docnums, dtype=np.int64)
    names = source_names(snapshot)
    sources = [Facet(key or None, n, names.get(key, key) if key else None)
               for key, n in _count(snapshot, "source", docnums).items()]
    sources.sort(key=lambda f: (f.value is None, -f.count, (f.label or "").casefold()))
    years = _count(snapshot, "date", docnums, 4)
    months = _count(snapshot, "date", docnums, 7)
    order = sorted((y for y in years if y), reverse=True) + ([""] if "" in years else [])
    timeline = sorted(m for m in months if m) + ([""] if "" in months else [])
    langs = [Facet(code, n) for code, n in _count(snapshot, "lang", docnums).items()]
    langs.sort(key=lambda f: (-f.count, f.value or ""))
    return {
        "source": sources,
        "year": [Facet(y or None, years[y]) for y in order],
        "month": [Facet(m or None, months[m]) for m in timeline],
        "lang": langs,
    }


def _count(snapshot: Snapshot, fieldname: str, docnums: np.ndarray, prefix: int | None = None
           ) -> dict[str, int]:
    """Documents per value of a column, the values cut to their first `prefix` characters
    (dates: 4 for years, 7 for months). Two `bincount`s: documents per column value, then
    column values per cut value (a big archive holds thousands of dates, hundreds of months)."""
    group_of, groups = snapshot.derived(
        ("facet groups", fieldname, prefix), lambda: _groups(snapshot, fieldname, prefix))
    codes, _ = snapshot.column_codes(fieldname)
    per_code = np.bincount(codes[docnums], minlength=len(group_of))
    per_group = np.bincount(group_of, weights=per_code, minlength=len(groups))
    return {groups[i]: int(per_group[i]) for i in np.flatnonzero(per_group)}


def _groups(snapshot: Snapshot, fieldname: str, prefix: int | None
            ) -> tuple[np.ndarray, list[str]]:
    """For each distinct value of the column, the number of its cut value; the cut values."""
    _, values = snapshot.column_codes(fieldname)
    cut = [value[:prefix] for value in values]
    groups = list(dict.fromkeys(cut))
    number = {group: i for i, group in enumerate(groups)}
    return np.array([number[c] for c in cut], dtype=np.int64), groups


def source_names(snapshot: Snapshot) -> dict[str, str]:
    """Every agency of the index: key -> the name stored with its documents."""
    return snapshot.derived(("source names",), lambda: _read_names(snapshot))


def _read_names(snapshot: Snapshot) -> dict[str, str]:
    names = {}
    for key in snapshot.lexicon("source"):
        if not key:
            continue
        docnum = snapshot.document_number(source=key)
        stored = snapshot.stored(docnum) if docnum is not None else {}
        names[key] = stored.get("source_name") or key
    return names
