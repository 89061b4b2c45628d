"""Atom feeds (RFC 4287): the newest releases for any search, for feed readers.

``/feed?q=байтерек&source=roscosmos`` takes the same parameters as the search page (the same
search runs, newest first) and answers with the FEED_SIZE newest matching releases. Entries
link to the document pages, carry the highlighted snippet as their summary, the release date
as ``published``/``updated`` (the time the release was indexed when it is undated), and ids
that never change (``tag:`` URIs built from the document id).

Readers poll cheaply: the ETag and Last-Modified come from the index generation alone, so a
conditional request is answered 304 without running the search.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.http import is_resource_modified

from .access import get_engine
from .i18n import current
from .links import absolute
from .results import search_results

__all__ = ["FEED_SIZE", "bp", "build_feed", "feed_url"]

bp = Blueprint("feed", __name__)

FEED_SIZE = 20
FEED_FORMAT = "1"  # part of every ETag: change it when the feed's content changes shape
TAG_DATE = "2024"  # the date part of the tag: URIs; never change it (ids would change)
DEFAULT_TAG_AUTHORITY = "orbita"  # config FEED_TAG_AUTHORITY: your domain, set once
ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)

# XML 1.0 cannot carry these at all, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def feed_url(q: str, filter_params: dict[str, Any]) -> str:
    """The feed of a search: its words and filters (sort and paging do not apply)."""
    args: dict[str, Any] = {"q": q} if q else {}
    return url_for("feed.atom", **args, **filter_params)


def _tag(specific: str) -> str:
    authority = current_app.config.get("FEED_TAG_AUTHORITY") or DEFAULT_TAG_AUTHORITY
    return f"tag:{authority},{TAG_DATE}:{specific}"


def _rfc3339(value: str | None) -> str | None:
    """A release date ("2018-05-14", "2018-05") or an index time as an Atom date."""
    if not value:
        return None
    if "T" in value:
        return value
    parts = value.split("-") + ["01"] * (3 - len(value.split("-")))
    return "-".join(parts[:3]) + "T00:00:00Z"


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _generation_time() -> datetime:
    """When the live generation was written: the feed's Last-Modified."""
    return datetime.fromtimestamp(int(get_engine().generation_time() or 0), UTC)


@bp.get("/feed")
def atom() -> Any:
    gen = get_engine().generation() or ""
    etag = hashlib.blake2b(
        f"{FEED_FORMAT}\n{gen}\n{current().lang}\n{request.url}".encode(), digest_size=12
    ).hexdigest()
    last_modified = _generation_time()
    headers = {"Cache-Control": "no-cache"}  # revalidate every time: a 304 costs nothing
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(status=304, headers=headers)
        response.set_etag(etag)
        response.last_modified = last_modified
        return response

    args = MultiDict(request.args)
    args.setlist("sort", ["date"])
    args.setlist("page", ["1"])
    args.setlist("per_page", [str(FEED_SIZE)])
    data = search_results(args)
    body = build_feed(data, last_modified)
    response = Response(body, mimetype="application/atom+xml", headers=headers)
    response.set_etag(etag)
    response.last_modified = last_modified
    return response


def build_feed(data: dict[str, Any], generated: datetime) -> bytes:
    """The Atom document for a search dict (web/results.py), newest first."""
    q = data["query"]
    filters = {k: v for k, v in data["filters"].items() if v}
    labels = {f["value"]: f["label"] for f in data["facets"]["source"] if f["value"]}

    cat = current()
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": cat.lang})
    canonical = urlencode(
        [("q", q)] + [(k, x) for k, v in sorted(filters.items())
                      for x in (v if isinstance(v, list) else [v])]
    )
    _add(feed, "id", _tag(f"search?{canonical}"))
    _add(feed, "title", _feed_title(q, filters, labels))
    _add(feed, "subtitle", cat.text("feed.subtitle"))
    entries = []
    newest = generated.strftime("%Y-%m-%dT%H:%M:%SZ")
    for hit in data["hits"]:
        updated = _rfc3339(hit["date"]) or _rfc3339(hit.get("indexed_at")) or newest
        entries.append((hit, updated))
    if entries:
        newest = max(updated for _hit, updated in entries)
    _add(feed, "updated", newest)
    author = _add(feed, "author")
    _add(author, "name", cat.text("site.name"))
    _add(feed, "generator", cat.text("site.name"))
    _add(feed, "link", rel="self", type="application/atom+xml",
         href=absolute(request.full_path.rstrip("?")))
    page_args = {"q": q, **filters} if q else dict(filters)
    _add(feed, "link", rel="alternate", type="text/html",
         href=absolute(url_for("pages.index", **page_args, sort="date")))

    for hit, updated in entries:
        entry = _add(feed, "entry")
        _add(entry, "id", _tag("doc/" + quote(hit["id"], safe="/")))
        _add(entry, "title", _text(hit["title"]) or hit["id"])
        _add(entry, "updated", updated)
        if hit["date"]:
            _add(entry, "published", _rfc3339(hit["date"]))
        _add(entry, "link", rel="alternate", type="text/html",
             href=absolute(url_for("pages.document", doc_id=hit["id"])))
        if hit.get("source_url"):  # the release on its agency's site
            _add(entry, "link", rel="via", href=_text(hit["source_url"]))
        if hit.get("source"):
            label = cat.agency(hit["source"], hit.get("source_label"))
            _add(_add(entry, "author"), "name", _text(label))
            _add(entry, "category", term=hit["source"], label=_text(label))
        _add(entry, "summary", _text(hit["snippet_html"]), type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _add(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    """An Atom element; every string written into the feed is made XML-legal here."""
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}",
                            {key: _text(value) for key, value in attrs.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _feed_title(q: str, filters: dict[str, Any], labels: dict[str, str]) -> str:
    cat = current()
    parts = [cat.text("feed.query", query=_text(q))] if q else []
    if filters.get("source"):
        parts.append(", ".join(labels.get(s, s) for s in filters["source"]))
    if filters.get("from") or filters.get("to"):
        start, end = filters.get("from"), filters.get("to")
        parts.append(str(start) if start == end else f"{start or '…'} — {end or '…'}")
    if filters.get("lang"):
        parts.append(", ".join(cat.language(code) for code in filters["lang"]))
    return cat.text("feed.title", parts=" · ".join(parts) or cat.text("feed.new_releases"))
