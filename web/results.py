"""Request → engine → dict: the result dicts, built once here and rendered by the pages (HTML),
the API (JSON) and the feed (Atom) alike. Labels (agencies without a name, dates, months,
languages) are in the interface language of the request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from flask import url_for

from search.engine import RelatedReleases, SearchRequest

from .access import get_engine
from .errors import RequestError
from .i18n import Catalogue, current

__all__ = [
    "DOC_LANGUAGES",
    "doc_data",
    "doc_url",
    "facet_labels",
    "is_plausible_doc_id",
    "overview_data",
    "related_data",
    "search_results",
]

DOC_LANGUAGES = ("ru", "kk", "en", "mixed")  # what the engine labels a document's language


def doc_url(doc_id: str) -> str:
    """The document page's address, the id url-quoted."""
    return url_for("pages.document", doc_id=doc_id)


def search_results(args: Mapping[str, Any]) -> dict[str, Any]:
    """Run a search from request arguments: the API's JSON, and what the page renders.

    :raises QueryError: a bad parameter or query (400).
    :raises IndexMissing: no index has been built yet (503).
    """
    result = get_engine().search(SearchRequest.from_params(args))
    data = result.to_dict()
    for hit in data["hits"]:
        hit["url"] = doc_url(hit["id"])
        hit["duplicates"] = [{"id": d, "url": doc_url(d)} for d in hit["duplicates"]]
    facet_labels(data["facets"], current())
    return data


def facet_labels(facets: Mapping[str, list[dict[str, Any]]], cat: Catalogue) -> None:
    """Every facet value's label as shown: the agency's name, the year or month in words,
    the language's name; the value None as "no source", "undated"."""
    for item in facets.get("source", ()):
        item["label"] = cat.agency(item["value"], item["label"]) or cat.text("facets.no_source")
    for item in facets.get("year", ()):
        item["label"] = item["value"] or cat.text("facets.no_date")
    for item in facets.get("month", ()):
        item["label"] = cat.month(item["value"]) if item["value"] else cat.text("facets.no_date")
    for item in facets.get("lang", ()):
        item["label"] = cat.language(item["value"])


def overview_data() -> dict[str, Any]:
    """The archive at a glance: ``{"total", "first_date", "last_date", "undated", "updated",
    "facets": {"source", "year", "month", "lang"}, "newest": [{"id", "title", "date",
    "source", "source_label", "lang", "url"}]}``; ``updated`` is when the index was last
    rebuilt (UTC, ISO 8601).

    :raises IndexMissing: no index has been built yet (503).
    """
    engine = get_engine()
    found = engine.overview()  # shared by every request of this generation: copied here
    data: dict[str, Any] = {
        "total": found.total,
        "first_date": found.first_date,
        "last_date": found.last_date,
        "undated": found.undated,
        "facets": {name: [{"value": f.value, "count": f.count, "label": f.label}
                          for f in values]
                   for name, values in found.facets.items()},
        "newest": [{**vars(release), "url": doc_url(release.id)} for release in found.newest],
    }
    facet_labels(data["facets"], current())
    updated = engine.generation_time()
    data["updated"] = (datetime.fromtimestamp(updated, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                       if updated is not None else None)
    return data


# Ids are corpus-relative paths with forward slashes; anything that could climb out of the
# corpus or name another root is refused before the index is asked.
_BAD_ID = re.compile(r"[\x00-\x1f\x7f\\]|^/|^[A-Za-z]:|(^|/)\.\.?(/|$)|//")


def is_plausible_doc_id(doc_id: str) -> bool:
    return bool(doc_id) and len(doc_id) <= 1000 and not _BAD_ID.search(doc_id)


def doc_data(doc_id: str, q: str | None = None) -> dict[str, Any]:
    """One document, with the query's matches highlighted when `q` is given.

    :raises RequestError: unknown or malformed id (404).
    :raises IndexMissing: no index has been built yet (503).
    """
    doc = get_engine().document(doc_id, q) if is_plausible_doc_id(doc_id) else None
    if doc is None:
        raise RequestError(404, "not_found", "errors.doc_not_found")
    data = asdict(doc)
    data.update(_related_lists(doc.related), url=doc_url(doc.id))
    return data


def related_data(doc_id: str) -> dict[str, Any]:
    """{"id", "related": [{"id", "title", "date", "source", "source_label", "url", "score"}],
    "duplicates": [{"id", "url"}]}.

    :raises RequestError: unknown or malformed id (404).
    """
    found = get_engine().related(doc_id) if is_plausible_doc_id(doc_id) else None
    if found is None:
        raise RequestError(404, "not_found", "errors.doc_not_found")
    return {"id": doc_id, **_related_lists(found)}


def _related_lists(found: RelatedReleases) -> dict[str, Any]:
    return {
        "related": [
            {"id": r.id, "title": r.title, "date": r.date, "source": r.source,
             "source_label": r.source_label, "url": doc_url(r.id), "score": r.score}
            for r in found.related
        ],
        "duplicates": [{"id": d, "url": doc_url(d)} for d in found.copies],
    }
