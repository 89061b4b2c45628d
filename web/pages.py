"""The HTML pages: the search page (the archive at a glance without a query) and the
document page, in the reader's language (web/i18n.py)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from flask import Blueprint, g, render_template, request, url_for

from search.engine import (
    DEFAULT_PER_PAGE,
    MAX_DOCUMENT_CHARS,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    MAX_RESULTS_WINDOW,
    Filters,
    QueryError,
    SearchRequest,
)

from .access import get_engine
from .errors import query_error_message
from .feed import feed_url
from .i18n import current
from .results import DOC_LANGUAGES, doc_data, overview_data, search_results
from .timeline import timeline

__all__ = ["bp", "page_numbers"]

bp = Blueprint("pages", __name__)

DEFAULT_SORT = "relevance"
FILTER_PARAMS = ("source", "lang", "from", "to", "year")
SORTS = (("relevance", "results.sort_relevance"), ("date", "results.sort_date"))


@bp.app_template_filter("ms")
def ms(took: float) -> str:
    return "<1" if took < 1 else f"{took:.0f}"


def page_numbers(page: int, last: int, around: int = 2) -> list[int | None]:
    """Page numbers to link, None where some are left out: [1, None, 4, 5, 6, 7, 8, None, 20]."""
    wanted = {1, last, *range(max(1, page - around), min(last, page + around) + 1)}
    out: list[int | None] = []
    for p in sorted(wanted):
        if out and p - (out[-1] or 0) > 1:
            out.append(None)
        out.append(p)
    return out


def _search_args(q: str, sort: str, per_page: int, page: int = 1) -> dict[str, Any]:
    """A search's query string, defaults left out."""
    args: dict[str, Any] = {"q": q}
    if sort != DEFAULT_SORT:
        args["sort"] = sort
    if per_page != DEFAULT_PER_PAGE:
        args["per_page"] = per_page
    if page != 1:
        args["page"] = page
    if not _request().correct:  # paging a search of exactly what was typed
        args["noc"] = 1
    args.update(current_filter_params())  # source, lang, from, to: as in effect now
    return args


def _search_url(q: str, sort: str, per_page: int, page: int = 1) -> str:
    return url_for("pages.index", **_search_args(q, sort, per_page, page))


def _navigation(data: dict[str, Any], sort: str) -> dict[str, Any]:
    """Links around the results: pages, sort switch, the same search as JSON."""
    q, page, per_page = data["query"], data["page"], data["per_page"]
    last = max(1, math.ceil(data["total"] / per_page))
    last = max(1, min(last, MAX_RESULTS_WINDOW // per_page))  # deeper pages are refused
    return {
        "pages": [
            (p, _search_url(q, sort, per_page, p) if p else None)
            for p in page_numbers(min(page, last), last)
        ],
        "prev_url": _search_url(q, sort, per_page, min(page - 1, last)) if page > 1 else None,
        "next_url": _search_url(q, sort, per_page, page + 1) if page < last else None,
        "sorts": [(key, current().text(label), _search_url(q, key, per_page))
                  for key, label in SORTS],
        "first_rank": (page - 1) * per_page + 1,
        "api_url": url_for("api.search_json", **_search_args(q, sort, per_page, page)),
        "feed_url": feed_url(q, current_filter_params()),
        "csv_url": url_for("export.csv_export", **_export_args(q, sort)),
        "jsonl_url": url_for("export.jsonl_export", **_export_args(q, sort)),
    }


def _export_args(q: str, sort: str) -> dict[str, Any]:
    """The search's parameters for its exports: all its results, not a page of them."""
    return {k: v for k, v in _search_args(q, sort, DEFAULT_PER_PAGE).items() if k != "page"}


def _correction(data: dict[str, Any], sort: str) -> dict[str, Any] | None:
    """The line above the results when the query was corrected (with a link to search what
    was typed) or a correction is only offered (a link to search it)."""
    correction = data.get("correction")
    if not correction:
        return None
    per_page = data["per_page"]
    if correction["applied"]:
        args = _search_args(correction["original"], sort, per_page)
        args["noc"] = 1
        return {**correction, "url": url_for("pages.index", **args)}
    return {**correction, "url": _search_url(correction["corrected"], sort, per_page)}


def _valid_per_page(text: str) -> bool:
    return re.fullmatch(r"[0-9]{1,3}", text) is not None and 1 <= int(text) <= MAX_PER_PAGE


def _request() -> SearchRequest:
    """This request's search, or a plain one when its parameters are bad (links keep only
    what is valid)."""
    if "search_request" not in g:
        try:
            g.search_request = SearchRequest.from_params(request.args)
        except QueryError:
            g.search_request = SearchRequest(q=request.args.get("q") or "")
    found: SearchRequest = g.search_request
    return found


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
    """The filters in effect for this request's search (its parameters' and those typed in
    its query), as URL parameters; {} before the search ran or when they are bad."""
    found: dict[str, Any] = g.get("filter_params", {})
    return found


def _has_filter_params(args: Mapping[str, Any]) -> bool:
    """Whether the request names any filter (a search of filters alone lists documents)."""
    getlist = getattr(args, "getlist", None)
    for name in FILTER_PARAMS:
        values = getlist(name) if getlist else [args.get(name)]
        if any(isinstance(v, str) and v.strip() for v in values):
            return True
    return False


def facet_view(data: dict[str, Any], url_with: Callable[[Filters], str]) -> list[dict[str, Any]]:
    """The facets beside the results: each value with its count and a link that narrows the
    search to it, or (for the value already chosen) drops that filter."""
    flt = data["filters"]
    chosen = Filters(tuple(flt["source"]), tuple(flt["lang"]), flt["from"], flt["to"])
    view = []
    for name in ("source", "year", "lang"):
        values = []
        for item in data["facets"][name]:
            value = item["value"]
            selected = value is not None and _is_selected(chosen, name, value)
            url = None
            if value is not None:
                url = url_with(_without(chosen, name) if selected else _with(chosen, name, value))
            values.append({**item, "selected": selected, "url": url})
        if values:
            view.append({"name": name, "heading": current().text(f"facets.{name}"),
                         "values": values})
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


def filter_form(args: Mapping[str, Any]) -> dict[str, Any]:
    """The controls under the search box, showing the filters in effect (or, when they are
    bad, what was sent, so that it can be corrected)."""
    try:
        filters: Filters | None = SearchRequest.from_params(args).filters
        assert filters is not None
        sources, langs = set(filters.sources), set(filters.langs)
        date_from, date_to = filters.date_from or "", filters.date_to or ""
    except QueryError:
        getlist = getattr(args, "getlist", lambda name: [args.get(name)])
        sources = {v for v in getlist("source") if v}
        langs = {v for v in getlist("lang") if v}
        date_from, date_to = args.get("from") or "", args.get("to") or ""
        filters = None
    return {
        "sources": [(key, name, key in sources) for key, name in get_engine().sources()],
        "langs": [(code, current().language(code), code in langs) for code in DOC_LANGUAGES],
        "any_lang": not langs,
        "from": date_from,
        "to": date_to,
        "active": bool(filters) if filters is not None else True,
    }


@bp.get("/")
def index() -> Any:
    q = request.args.get("q") or ""
    sort = request.args.get("sort") or DEFAULT_SORT
    per_page = request.args.get("per_page", "").strip()
    context: dict[str, Any] = {
        # The form carries sort and per_page on only when they are valid.
        "q": q,
        "sort": sort if sort in dict(SORTS) else DEFAULT_SORT,
        "per_page": per_page if _valid_per_page(per_page) else "",
        "results": None, "nav": None, "error": None, "max_query_chars": MAX_QUERY_CHARS,
    }
    context["filter_form"] = filter_form(request.args)
    if not q.strip() and not _has_filter_params(request.args):
        context.update(_front_page())
        return render_template("index.html", **context)
    try:
        data = search_results(request.args)
    except QueryError as e:
        context["error"] = {"code": e.code, "message": query_error_message(e, current())}
        return render_template("index.html", **context), 400
    g.filter_params = {name: value for name, value in data["filters"].items() if value}
    context.update(results=data, nav=_navigation(data, context["sort"]))

    def narrowed(filters: Any) -> str:  # a facet's link: this search with other filters
        args = {k: v for k, v in _search_args(data["query"], context["sort"], data["per_page"])
                .items() if k not in ("source", "lang", "from", "to")}
        return url_for("pages.index", **args, **filter_params(filters))

    context["facets"] = facet_view(data, narrowed)
    flt = data["filters"]
    chosen = Filters(tuple(flt["source"]), tuple(flt["lang"]))
    found = timeline(data["facets"]["month"],
                     lambda period: narrowed(Filters(chosen.sources, chosen.langs, period, period)),
                     current())
    context["correction"] = _correction(data, context["sort"])
    applied = context["correction"] and context["correction"]["applied"]
    searched = context["correction"]["corrected"] if applied else data["query"]
    context["timeline"] = _timeline_view(found, "timeline.by", searched)
    headers = {"Link": f'<{context["nav"]["api_url"]}>; rel="alternate"; type="application/json"'}
    return render_template("index.html", **context), 200, headers


def _timeline_view(found: Any, caption: str, query: str | None) -> dict[str, Any] | None:
    """The chart with its caption (``timeline.by_month``, ``…_year``; the archive's are
    ``timeline.archive_by_…``) and, above the results, the query in its title."""
    if found is None:
        return None
    cat = current()
    text = cat.text(f"{caption}_{found.by}")
    title = cat.text("timeline.for_query", caption=text, query=query) if query else text
    return {"chart": found, "caption": text, "title": title}


def _front_page() -> dict[str, Any]:
    """The archive at a glance: counts per agency and language (each a link to its
    listing), the date range, when the index was rebuilt, the chart by month or year, and
    the newest releases; or the message of an empty archive."""
    data = overview_data()
    if not data["total"]:
        return {"empty_archive": True}
    cat = current()
    facets = data["facets"]
    for item in facets["source"]:
        item["url"] = url_for("pages.index", source=item["value"]) if item["value"] else None
    for item in facets["lang"]:
        item["url"] = url_for("pages.index", lang=item["value"]) if item["value"] else None
    chart = timeline(facets["month"],
                     lambda period: url_for("pages.index", **_period(period)),
                     cat)
    updated = data["updated"]
    return {"overview": {
        **data,
        "updated_text": cat.timestamp(datetime.fromisoformat(updated).timestamp())
        if updated else None,
        "timeline": _timeline_view(chart, "timeline.archive_by", None),
    }}


def _period(period: str) -> dict[str, Any]:
    return {"from": period, "to": period}


@bp.get("/doc/<path:doc_id>")
def document(doc_id: str) -> Any:
    doc = doc_data(doc_id, request.args.get("q"))
    back_url = url_for("pages.index", q=doc["query"]) if doc["query"] else None
    return render_template("doc.html", doc=doc, back_url=back_url, max_chars=MAX_DOCUMENT_CHARS)
