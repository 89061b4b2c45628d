"""Releases as releases on the web: filters from the request, facets, copies, related releases.

The search dict gains ``filters`` (what is in effect), ``facets`` (counts per source, year and
language, each summing to ``total``) and, per hit, ``duplicates`` (copies folded into it). The
page's filter controls and facet links are built here from the same dict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, g, jsonify, request, url_for
from whoosh.searching import Searcher

from search.filters import LANGS, PARAMS, Filters, facet_lists, from_params, source_choices
from search.filters import split_query as split_filters
from search.query import QueryError
from search.related import related

from .index_access import get_searcher

bp = Blueprint("releases", __name__)


def request_filters(args: Mapping[str, Any]) -> tuple[str, Filters]:
    """The query's words and the filters in effect: the parameters' and the query text's.

    :raises QueryError: a bad filter value, or filters that exclude each other.
    """
    words, inline = split_filters(args.get("q") or "")
    return words, from_params(args).combine(inline)


def query_words(q: str | None) -> str | None:
    """The words of a query, without its filters (for marking them in a document)."""
    if not q:
        return q
    try:
        return split_filters(q)[0]
    except QueryError:
        return q


def source_label(searcher: Searcher, doc_id: str) -> str | None:
    """The name of a document's agency as shown."""
    stored = searcher.document(id=doc_id) or {}
    return stored.get("source_name") or stored.get("source") or None


def has_filter_params(args: Mapping[str, Any]) -> bool:
    """Whether the request names any filter (a search of filters alone lists documents)."""
    getlist = getattr(args, "getlist", None)
    for name in PARAMS:
        values = getlist(name) if getlist else [args.get(name)]
        if any(isinstance(v, str) and v.strip() for v in values):
            return True
    return False


def filter_params(filters: Filters) -> dict[str, Any]:
    """Filters as URL parameters (empty ones left out): links keep the filters in effect."""
    params: dict[str, Any] = {}
    if filters.sources:
        params["source"] = list(filters.sources)
    if filters.langs:
        params["lang"] = list(filters.langs)
    if filters.date_from:
        params["from"] = filters.date_from
    if filters.date_to:
        params["to"] = filters.date_to
    return params


def current_filter_params() -> dict[str, Any]:
    """The filters in effect for this request, as URL parameters ({} when they are bad)."""
    if "filter_params" not in g:
        try:
            g.filter_params = filter_params(request_filters(request.args)[1])
        except QueryError:
            g.filter_params = {}
    return g.filter_params


def add_release_data(data: dict[str, Any], filters: Filters, searcher: Searcher) -> None:
    """Filters, facets with labels and copies' links, into a search dict (in place)."""
    data["facets"] = facet_lists(data.get("facets"), searcher)
    data["filters"] = filters.to_dict()
    for hit in data["hits"]:
        hit["duplicates"] = [
            {"id": d, "url": url_for("pages.document", doc_id=d)} for d in hit.get("duplicates", ())
        ]


# --- the page -------------------------------------------------------------------------------

_FACET_HEADINGS = {"source": "Источник", "year": "Год", "lang": "Язык"}


def facet_view(data: dict[str, Any], url_with: Callable[[Filters], str]) -> list[dict[str, Any]]:
    """The facets beside the results: each value with its count and a link that narrows the
    search to it, or (for the value already chosen) drops that filter."""
    flt = data["filters"]
    current = Filters(tuple(flt["source"]), tuple(flt["lang"]), flt["from"], flt["to"])
    view = []
    for name in ("source", "year", "lang"):
        values = []
        for item in data["facets"][name]:
            value = item["value"]
            selected = value is not None and _is_selected(current, name, value)
            url = None
            if value is not None:
                url = url_with(_without(current, name) if selected else _with(current, name, value))
            values.append({**item, "selected": selected, "url": url})
        if values:
            view.append({"name": name, "heading": _FACET_HEADINGS[name], "values": values})
    return view


def _is_selected(f: Filters, name: str, value: str) -> bool:
    if name == "source":
        return value in f.sources
    if name == "lang":
        return value in f.langs
    return f.date_from == value and f.date_to == value


def _with(f: Filters, name: str, value: str) -> Filters:
    if name == "source":
        return Filters((value,), f.langs, f.date_from, f.date_to)
    if name == "lang":
        return Filters(f.sources, (value,), f.date_from, f.date_to)
    return Filters(f.sources, f.langs, value, value)


def _without(f: Filters, name: str) -> Filters:
    if name == "source":
        return Filters((), f.langs, f.date_from, f.date_to)
    if name == "lang":
        return Filters(f.sources, (), f.date_from, f.date_to)
    return Filters(f.sources, f.langs)


def filter_form(args: Mapping[str, Any], searcher: Searcher) -> dict[str, Any]:
    """The controls under the search box, showing the filters in effect (or, when they are
    bad, what was sent, so that it can be corrected)."""
    try:
        _words, filters = request_filters(args)
        sources, langs = set(filters.sources), set(filters.langs)
        date_from, date_to = filters.date_from or "", filters.date_to or ""
    except QueryError:
        getlist = getattr(args, "getlist", lambda name: [args.get(name)])
        sources = {v for v in getlist("source") if v}
        langs = {v for v in getlist("lang") if v}
        date_from, date_to = args.get("from") or "", args.get("to") or ""
        filters = None
    return {
        "sources": [(key, name, key in sources) for key, name in source_choices(searcher)],
        "langs": [(code, label, code in langs) for code, label in LANGS.items()],
        "any_lang": not langs,
        "from": date_from,
        "to": date_to,
        "active": bool(filters) if filters is not None else True,
    }


@bp.app_template_filter("copies_phrase")
def copies_phrase(n: int) -> str:
    """'ещё 1 копия', 'ещё 3 копии', 'ещё 5 копий'."""
    tail = n % 100
    word = "копий" if 11 <= tail <= 14 else (
        "копия" if n % 10 == 1 else "копии" if 2 <= n % 10 <= 4 else "копий"
    )
    return f"ещё {n} {word}"


# --- related releases -------------------------------------------------------------------------


def related_data(doc_id: str) -> dict[str, Any] | None:
    """{"id", "related": [{"id", "title", "date", "source", "source_label", "url", "score"}],
    "duplicates": [{"id", "url"}]}, or None for an unknown id."""
    found = related(get_searcher(), doc_id)
    if found is None:
        return None
    return {
        "id": doc_id,
        "related": [
            {
                "id": r.id,
                "title": r.title,
                "date": r.date,
                "source": r.source,
                "source_label": r.source_label,
                "url": url_for("pages.document", doc_id=r.id),
                "score": r.score,
            }
            for r in found.related
        ],
        "duplicates": [
            {"id": d, "url": url_for("pages.document", doc_id=d)} for d in found.copies
        ],
    }


@bp.get("/api/related/<path:doc_id>")
def related_json(doc_id: str) -> Any:
    from .results import DOC_NOT_FOUND_MESSAGE, RequestError, is_plausible_doc_id

    data = related_data(doc_id) if is_plausible_doc_id(doc_id) else None
    if data is None:
        raise RequestError(404, "not_found", DOC_NOT_FOUND_MESSAGE)
    return jsonify(data)
