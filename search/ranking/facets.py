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


def count_facets(snapshot: Snapshot, docnums: np.ndarray) -> dict[str, list[Facet]]:
    """{"source": [...], "year": [...], "month": [...], "lang": [...]} over the given
    documents: agencies and languages by count, years newest first, months oldest first (a
    timeline), the value None last."""
    counts = {name: _count(snapshot, column, docnums)
              for name, column in (("source", "source"), ("date", "date"), ("lang", "lang"))}
    names = source_names(snapshot)
    sources = [Facet(key or None, n, names.get(key, key) if key else None)
               for key, n in counts["source"].items()]
    sources.sort(key=lambda f: (f.value is None, -f.count, (f.label or "").casefold()))
    years = _by_prefix(counts["date"], 4)
    months = _by_prefix(counts["date"], 7)
    order = sorted((y for y in years if y), reverse=True) + ([""] if "" in years else [])
    timeline = sorted(m for m in months if m) + ([""] if "" in months else [])
    langs = [Facet(code, n) for code, n in counts["lang"].items()]
    langs.sort(key=lambda f: (-f.count, f.value or ""))
    return {
        "source": sources,
        "year": [Facet(y or None, years[y]) for y in order],
        "month": [Facet(m or None, months[m]) for m in timeline],
        "lang": langs,
    }


def _by_prefix(dates: dict[str, int], length: int) -> dict[str, int]:
    """Counts per date summed by the date's first `length` characters (4: years, 7: months)."""
    out: dict[str, int] = {}
    for day, n in dates.items():
        out[day[:length]] = out.get(day[:length], 0) + n
    return out


def _count(snapshot: Snapshot, fieldname: str, docnums: np.ndarray) -> dict[str, int]:
    codes, labels = snapshot.column_codes(fieldname)
    per_code = np.bincount(codes[np.asarray(docnums, dtype=np.int64)], minlength=len(labels))
    return {labels[i]: int(per_code[i]) for i in np.flatnonzero(per_code)}


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
