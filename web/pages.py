"""The HTML pages: the search page and the document page."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

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
from .feed import feed_url
from .results import LANGS, doc_data, search_results

__all__ = ["bp", "page_numbers", "ru_plural"]

bp = Blueprint("pages", __name__)

DEFAULT_SORT = "relevance"
FILTER_PARAMS = ("source", "lang", "from", "to", "year")

MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
SORTS = (("relevance", "по релевантности"), ("date", "по дате"))


def ru_plural(n: int, one: str, few: str, many: str) -> str:
    """The noun form for `n`: 1 документ, 2 документа, 5 документов, 21 документ, 11 документов."""
    n = abs(n) % 100
    if 11 <= n <= 14:
        return many
    if n % 10 == 1:
        return one
    if 2 <= n % 10 <= 4:
        return few
    return many


MONTH_NAMES = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)


@bp.app_template_filter("ru_date")
def ru_date(iso: str | None) -> str:
    """'2018-05-14' -> '14 мая 2018', '2018-05' -> 'май 2018'; anything else as it is."""
    try:
        parts = [int(part) for part in (iso or "").split("-")]
        if len(parts) == 2:  # a release dated by its month alone
            return f"{MONTH_NAMES[parts[1] - 1]} {parts[0]}"
        year, month, day = parts
        return f"{day} {MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return iso or ""


@bp.app_template_filter("number")
def number(n: int) -> str:
    """Thousands set apart by a narrow no-break space, as Russian typography does."""
    return f"{n:,}".replace(",", "\u202f")


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
        "sorts": [(key, label, _search_url(q, key, per_page)) for key, label in SORTS],
        "first_rank": (page - 1) * per_page + 1,
        "found_word": ru_plural(data["total"], "документ", "документа", "документов"),
        "api_url": url_for("api.search_json", **_search_args(q, sort, per_page, page)),
        "feed_url": feed_url(q, current_filter_params()),
    }


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
        "langs": [(code, label, code in langs) for code, label in LANGS.items()],
        "any_lang": not langs,
        "from": date_from,
        "to": date_to,
        "active": bool(filters) if filters is not None else True,
    }


@bp.app_template_filter("copies_phrase")
def copies_phrase(n: int) -> str:
    """'ещё 1 копия', 'ещё 3 копии', 'ещё 5 копий'."""
    return f"ещё {n} {ru_plural(n, 'копия', 'копии', 'копий')}"


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
        context["empty_archive"] = get_engine().doc_count() == 0
        return render_template("index.html", **context)
    try:
        data = search_results(request.args)
    except QueryError as e:
        context["error"] = e
        return render_template("index.html", **context), 400
    g.filter_params = {name: value for name, value in data["filters"].items() if value}
    context.update(results=data, nav=_navigation(data, context["sort"]))

    def narrowed(filters: Any) -> str:  # a facet's link: this search with other filters
        args = {k: v for k, v in _search_args(data["query"], context["sort"], data["per_page"])
                .items() if k not in ("source", "lang", "from", "to")}
        return url_for("pages.index", **args, **filter_params(filters))

    context["facets"] = facet_view(data, narrowed)
    context["correction"] = _correction(data, context["sort"])
    headers = {"Link": f'<{context["nav"]["api_url"]}>; rel="alternate"; type="application/json"'}
    return render_template("index.html", **context), 200, headers


@bp.get("/doc/<path:doc_id>")
def document(doc_id: str) -> Any:
    doc = doc_data(doc_id, request.args.get("q"))
    back_url = url_for("pages.index", q=doc["query"]) if doc["query"] else None
    return render_template("doc.html", doc=doc, back_url=back_url, max_chars=MAX_DOCUMENT_CHARS)


@bp.app_template_filter("doc_link")
def doc_link(url: str, q: str) -> str:
    """A hit's link from the results page: the document with the query's words marked."""
    return f"{url}?{urlencode({'q': q})}"
