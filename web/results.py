"""The result dicts: built once here, rendered by the page (HTML) and the API (JSON) alike."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import url_for

from search.query import QueryError, get_document, highlight_document, search
from search.understand import understood_search

from .index_access import get_searcher
from .releases import add_release_data, query_words, related_data, request_filters, source_label

DEFAULT_PER_PAGE = 10
DEFAULT_SORT = "relevance"
NO_INDEX_MESSAGE = "Индекс ещё не построен — запустите reindex."
DOC_NOT_FOUND_MESSAGE = "Такого документа в индексе нет."


class RequestError(Exception):
    """A request the app answers with an error: the same code and message in HTML and JSON."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _int_arg(args: Mapping[str, str], name: str, default: int, code: str, message: str) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:  # also digits past int()'s length limit
        raise RequestError(400, code, message) from None


def search_params(args: Mapping[str, str]) -> dict[str, Any]:
    """Query parameters as the engine takes them; empty ones mean the default.

    :raises RequestError: page or per_page is not a whole number.
    """
    return {
        "q": args.get("q") or "",
        "page": _int_arg(args, "page", 1, "bad_page", "Номер страницы должен быть целым числом."),
        "per_page": _int_arg(
            args, "per_page", DEFAULT_PER_PAGE, "bad_per_page",
            "Число результатов на странице должно быть целым числом.",
        ),
        "sort": (args.get("sort") or "").strip() or DEFAULT_SORT,
    }


def no_corrections(args: Mapping[str, str]) -> bool:
    """``noc=1``: search exactly what was typed (the link under a corrected query)."""
    return (args.get("noc") or "").strip().lower() in ("1", "true", "yes")


def doc_url(doc_id: str) -> str:
    """The document page's address, the id url-quoted."""
    return url_for("pages.document", doc_id=doc_id)


def search_results(args: Mapping[str, str]) -> dict[str, Any]:
    """Run a search from request arguments: the API's JSON, and what the page renders.

    :raises RequestError: a bad parameter (400).
    :raises IndexMissing: no index has been built yet (503).
    """
    params = search_params(args)
    params.pop("q")
    searcher = get_searcher()
    try:
        # source:/date:/lang: in the query text are filters, never words to correct
        words, filters = request_filters(args)
        if filters and not words.strip():  # filters alone: their documents, newest first
            result = search(searcher, "", filter=filters.query(), **params)
        else:
            result = understood_search(
                searcher, words, correct=not no_corrections(args), filter=filters.query(),
                **params,
            )
    except QueryError as e:
        raise RequestError(400, e.code, e.message) from None
    data = result.to_dict()
    for hit in data["hits"]:
        hit["url"] = doc_url(hit["id"])
    add_release_data(data, filters, searcher)
    return data


# Ids are corpus-relative paths with forward slashes; anything that could climb out of the
# corpus or name another root is refused before the index is asked.
_BAD_ID = re.compile(r"[\x00-\x1f\x7f\\]|^/|^[A-Za-z]:|(^|/)\.\.?(/|$)|//")


def is_plausible_doc_id(doc_id: str) -> bool:
    return bool(doc_id) and len(doc_id) <= 1000 and not _BAD_ID.search(doc_id)


def load_doc(doc_id: str, q: str | None = None) -> dict[str, Any]:
    """One document from the index, with the query's matches highlighted when `q` is given.

    :raises RequestError: unknown or malformed id (404).
    :raises IndexMissing: no index has been built yet (503).
    """
    if not is_plausible_doc_id(doc_id):
        raise RequestError(404, "not_found", DOC_NOT_FOUND_MESSAGE)
    doc = get_document(get_searcher(), doc_id)
    if doc is None:
        raise RequestError(404, "not_found", DOC_NOT_FOUND_MESSAGE)
    q = (q or "").strip() or None
    try:
        title_html, paragraphs_html = highlight_document(doc, query_words(q))
    except QueryError:  # a query the engine refuses still shows the document, unmarked
        q = None
        title_html, paragraphs_html = highlight_document(doc, None)
    releases = related_data(doc.id) or {}
    return {
        "id": doc.id,
        "title": doc.title,
        "title_html": title_html,
        "date": doc.date,
        "source": doc.source,
        "source_label": source_label(get_searcher(), doc.id),
        "lang": doc.lang,
        "query": q,
        "paragraphs_html": paragraphs_html,
        "url": doc_url(doc.id),
        "related": releases.get("related", []),
        "duplicates": releases.get("duplicates", []),
    }
