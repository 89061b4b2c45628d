"""Feeds and sitemaps → the releases they list (`Item`), newest first.

Feeds (RSS 0.9x/2.0, RSS 1.0/RDF, Atom) are read by feedparser; sitemaps (``urlset`` and
``sitemapindex``, plain or gzipped) by defusedxml, which refuses DTDs and entities, so neither
can be made to expand entities without bound. A document that is not what it claims (invalid
XML, an HTML page, an empty body) raises `FeedError`.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import struct_time
from typing import Any
from xml.etree.ElementTree import Element, ParseError
from xml.sax import SAXException

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

__all__ = [
    "MAX_SITEMAP_URLS",
    "FeedError",
    "Item",
    "Sitemap",
    "newest_first",
    "parse_feed",
    "parse_sitemap",
]

MAX_SITEMAP_URLS = 50_000  # the sitemap protocol's own limit per file
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


class FeedError(Exception):
    """A feed or sitemap that cannot be read; str(err) says why."""


@dataclass(frozen=True)
class Item:
    url: str  # the release's link as listed
    title: str | None
    date: str | None  # ISO 8601: "2024-05-01" or "2024-05-01T10:00:00+03:00"
    author: str | None
    feed_url: str


@dataclass(frozen=True)
class Sitemap:
    items: list[Item]
    sitemaps: list[str]  # child sitemaps of a sitemapindex


def parse_feed(body: bytes, url: str, content_type: str = "") -> tuple[str, list[Item]]:
    """The feed's format (feedparser's name, e.g. ``rss20``, ``rss10``, ``atom10``) and items."""
    _require_body(body)
    if _looks_like_html(body):
        raise FeedError("not a feed (an HTML page)")
    parsed = feedparser.parse(
        body, response_headers={"content-location": url, "content-type": content_type or ""}
    )
    if not parsed.version:
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not a feed ({_short(problem) if problem else 'no RSS or Atom root'})")
    items = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link:
            continue
        items.append(
            Item(
                url=link,
                title=_clean(entry.get("title")),
                date=_entry_date(entry),
                author=_clean(entry.get("author")),
                feed_url=url,
            )
        )
    if parsed.bozo and not items and isinstance(parsed.get("bozo_exception"), SAXException):
        raise FeedError(f"malformed feed ({_short(parsed.get('bozo_exception'))})")
    return parsed.version, items


def parse_sitemap(body: bytes, url: str, max_bytes: int) -> Sitemap:
    """A sitemap's pages (``lastmod`` as their date) or, for an index, its child sitemaps."""
    _require_body(body)
    if body[:2] == b"\x1f\x8b":  # a .xml.gz file, not a compressed transfer
        body = _gunzip(body, max_bytes)
        _require_body(body)
    if _looks_like_html(body):
        raise FeedError("not a sitemap (an HTML page)")
    try:
        root = fromstring(body)
    except DefusedXmlException as err:
        raise FeedError(f"not a sitemap (forbidden XML construct: {type(err).__name__})") from None
    except ParseError as err:
        raise FeedError(f"not a sitemap (invalid XML: {err})") from None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise FeedError(f"not a sitemap (root element <{kind}>)")
    entries = []
    for child in root:
        if _local(child.tag) not in ("url", "sitemap"):
            continue
        loc = _text(child, "loc")
        if loc:
            entries.append((loc, _text(child, "lastmod")))
        if len(entries) >= MAX_SITEMAP_URLS:
            break
    if kind == "sitemapindex":
        return Sitemap([], [loc for loc, _ in entries])
    items = [Item(loc, None, _iso(lastmod), None, url) for loc, lastmod in entries]
    return Sitemap(items, [])


def newest_first(items: list[Item]) -> list[Item]:
    """Dated items newest first, then undated ones in the order listed."""
    return sorted(items, key=lambda item: -_timestamp(item.date) if item.date else float("inf"))


def _require_body(body: bytes) -> None:
    if not body.strip():
        raise FeedError("empty body")


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    return head.startswith((b"<!doctype html", b"<html"))


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header
    try:
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as err:
        raise FeedError(f"not a sitemap (broken gzip: {err})") from None
    if len(out) > max_bytes:
        raise FeedError(f"sitemap over {max_bytes} bytes once decompressed")
    return out


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _text(element: Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _entry_date(entry: Any) -> str | None:
    for raw_key, parsed_key in (("published", "published_parsed"), ("updated", "updated_parsed")):
        raw = entry.get(raw_key)
        iso = _iso(raw) if isinstance(raw, str) else None
        if iso:
            return iso
        parsed = entry.get(parsed_key)
        if isinstance(parsed, struct_time):
            return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    return None


def _iso(raw: str | None) -> str | None:
    """ISO 8601 of a feed or sitemap date, keeping its time zone (the agency's local date)."""
    if not raw:
        return None
    raw = raw.strip()
    if _DATE_ONLY.fullmatch(raw):
        try:
            return datetime.strptime(raw, "%Y-%m-%d").date().isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(raw).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _timestamp(iso: str) -> float:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _short(value: Any) -> str:
    text = str(value) or type(value).__name__
    return text if len(text) <= 160 else text[:157] + "..."
