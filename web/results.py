"""Request → engine → dict: the result dicts, built once here and rendered by the pages (HTML),
the API (JSON) and the feed (Atom) alike."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from flask import url_for

from search.engine import RelatedReleases, SearchRequest

from .access import get_engine
from .errors import DOC_NOT_FOUND_MESSAGE, RequestError

__all__ = [
    "LANGS",
    "NO_DATE_LABEL",
    "NO_SOURCE_LABEL",
    "doc_data",
    "doc_url",
    "is_plausible_doc_id",
    "related_data",
    "search_results",
]

LANGS = {"ru": "русский", "kk": "казахский", "en": "английский", "mixed": "смешанный"}
NO_SOURCE_LABEL = "Источник не указан"
NO_DATE_LABEL = "Без даты"


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
    for item in data["facets"]["source"]:
        item["label"] = item["label"] or NO_SOURCE_LABEL
    for item in data["facets"]["year"]:
        item["label"] = item["value"] or NO_DATE_LABEL
    for item in data["facets"]["lang"]:
        item["label"] = LANGS.get(item["value"], item["value"])
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
        raise RequestError(404, "not_found", DOC_NOT_FOUND_MESSAGE)
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
        raise RequestError(404, "not_found", DOC_NOT_FOUND_MESSAGE)
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
