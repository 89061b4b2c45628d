"""The plain HTML reader: a page's text without its scripts, navigation and (semantic) chrome,
its title, date and agency; and the tree-less reader for pages too deep for a parse tree.
search/corpus/article.py reads pages down to their article with it."""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from .dates import date_line, parse_date
from .text import MANY_NEWLINES, Parts, clean_title, is_blank, same_text, short_title

__all__ = [
    "BLOCK_TAGS", "CELL_TAGS", "CHROME_ROLES", "CHROME_TAGS", "DATE_META", "SKIP_ROLES",
    "SKIP_TAGS", "TIME_MAX_PARAGRAPH", "flat_extract", "parse_html", "strip_site_name",
]

SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "nav", "aside", "form", "head", "title",
    "iframe", "object", "svg", "math", "canvas", "video", "audio", "select", "button",
    "textarea", "dialog", "map",
})
CHROME_TAGS = frozenset({"header", "footer"})  # site chrome, unless part of an <article>
SKIP_ROLES = frozenset({"navigation", "complementary", "search", "menu", "menubar"})
CHROME_ROLES = frozenset({"banner", "contentinfo"})
BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "section", "article",
    "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot",
    "caption", "figure", "figcaption", "header", "footer", "main", "address", "hr", "fieldset",
    "legend", "details", "summary", "center", "hgroup", "body", "html", "menu",
})
CELL_TAGS = frozenset({"td", "th"})
_VOID_TAGS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "param", "keygen",
})
_HTML_SPACES = re.compile(r"[ \t\n\r\f]+")
_PRE_SPACES = re.compile(r"[ \t\r\f]+")
DATE_META = (
    "article:published_time", "og:published_time", "date", "dc.date", "dc.date.issued",
    "dcterms.date", "dcterms.issued", "dcterms.created", "pubdate", "publishdate",
    "publish-date", "publish_date", "datepublished", "sailthru.date", "parsely-pub-date",
)
TIME_MAX_PARAGRAPH = 2  # a <time> after more paragraphs than this is not the release's date
_TITLE_SEPARATORS = (" | ", " — ", " – ", " - ", " :: ", " · ", " / ", " « ")


@dataclass
class _HtmlRaw:
    """What both HTML readers collect: metadata and paragraphs in page order."""

    title: str = ""
    og_title: str = ""
    h1: str = ""
    metas: dict[str, str] = field(default_factory=dict)
    json_ld: list[str] = field(default_factory=list)
    time: str = ""
    paragraphs: list[str] = field(default_factory=list)


class _Paragraphs:
    """Collects text into paragraphs; whitespace collapses, <pre> keeps its line breaks."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self._buf: list[str] = []

    def text(self, s: str, pre: bool = False) -> None:
        self._buf.append(_PRE_SPACES.sub(" ", s) if pre else _HTML_SPACES.sub(" ", s))

    def space(self) -> None:
        self._buf.append(" ")

    def brk(self) -> None:
        if self._buf:
            s = re.sub(r" *\n *", "\n", "".join(self._buf))
            s = re.sub(" {2,}", " ", s).strip()
            self._buf.clear()
            if not is_blank(s):
                self.paragraphs.append(s)


def _element_skipped(tag: Tag, in_article: bool) -> bool:
    name = tag.name
    if name in SKIP_TAGS or tag.has_attr("hidden"):
        return True
    role = tag.get("role")
    if isinstance(role, str) and role.lower() in SKIP_ROLES:
        return True
    if not in_article and (
        name in CHROME_TAGS or (isinstance(role, str) and role.lower() in CHROME_ROLES)
    ):
        return True
    return False


def _soup_paragraphs(root: Tag, times: list[tuple[int, str]] | None = None) -> list[str]:
    """Paragraphs under `root`, walked with an explicit stack (pages nest arbitrarily deep).

    The first `<time>` outside skipped parts goes into `times` as (paragraphs before it, value).
    """
    out = _Paragraphs()
    in_article = root.name == "article" or root.find_parent("article") is not None
    # (node, inside an <article>, inside <pre>) or (None, closing tag name, ...)
    stack: list[tuple[Any, Any, bool]] = [(root, in_article, False)]
    while stack:
        node, state, pre = stack.pop()
        if node is None:
            if state in CELL_TAGS:
                out.space()
            else:
                out.brk()
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA
                out.text(str(node), pre)
            continue
        if not isinstance(node, Tag) or (node is not root and _element_skipped(node, state)):
            continue
        name = node.name
        if name == "time" and times is not None and not times:
            value = node.get("datetime")
            value = value if isinstance(value, str) else node.get_text(" ")
            times.append((len(out.paragraphs), value))
        if name in BLOCK_TAGS:
            out.brk()
            stack.append((None, name, pre))
        elif name in CELL_TAGS:
            out.space()
            stack.append((None, name, pre))
        child_state = state or name == "article"
        child_pre = pre or name in ("pre", "textarea", "listing", "plaintext")
        stack.extend((child, child_state, child_pre) for child in reversed(node.contents))
    out.brk()
    return out.paragraphs


def _text_length(paragraphs: list[str]) -> int:
    return sum(map(len, paragraphs))


def _soup_extract(text: str) -> _HtmlRaw:
    soup = BeautifulSoup(text, "html.parser")
    raw = _HtmlRaw()
    for tag in soup.find_all("title"):
        if tag.find_parent("svg") is None:
            raw.title = tag.get_text()
            break
    for meta in soup.find_all("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if isinstance(key, str) and isinstance(content, str):
            raw.metas.setdefault(key.strip().lower(), content)
    for script in soup.find_all("script"):
        kind = script.get("type")
        if isinstance(kind, str) and "ld+json" in kind.lower():
            raw.json_ld.append(script.get_text())
    h1 = soup.find("h1")
    if h1 is not None:
        raw.h1 = h1.get_text(" ")

    body = soup.body or soup
    body_times: list[tuple[int, str]] = []
    full = _soup_paragraphs(body, body_times)
    # Prefer the article (the longest, if several) or <main>, unless it holds only a sliver of
    # the page's text, which means the page uses the tag for a teaser rather than its content.
    chosen, times = full, body_times
    candidates = list(soup.find_all("article"))
    main = soup.find("main") or soup.find(True, attrs={"role": "main"})
    for group in (candidates, [main] if isinstance(main, Tag) else []):
        best: tuple[int, list[str], list[tuple[int, str]]] | None = None
        for tag in group:
            tag_times: list[tuple[int, str]] = []
            paras = _soup_paragraphs(tag, tag_times)
            length = _text_length(paras)
            if best is None or length > best[0]:
                best = (length, paras, tag_times)
        if best and best[0] and best[0] * 4 >= _text_length(full):
            chosen, times = best[1], best[2]
            break
    raw.paragraphs = chosen
    # A <time> dates the release only near the top of its text: one in a sidebar, the site's
    # header or deep in the body belongs to something else.
    for found in (times, body_times):
        if found and found[0][0] <= TIME_MAX_PARAGRAPH:
            raw.time = found[0][1]
            break
    return raw


class _FlatHtml(HTMLParser):
    """A tree-less reader for pages too deeply nested for a parse tree."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.raw = _HtmlRaw()
        self.out = _Paragraphs()
        self._skip: list[str] = []
        self._article = 0
        self._pre = 0
        self._title: list[str] | None = None
        self._h1: list[str] | None = None
        self._json_ld: list[str] | None = None
        self._time = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = a.get("property") or a.get("name") or a.get("itemprop")
            if key and "content" in a:
                self.raw.metas.setdefault(key.strip().lower(), a["content"])
            return
        if tag == "title" and not self.raw.title and self._title is None:
            self._title = []
        if tag == "script" and "ld+json" in a.get("type", "").lower():
            self._json_ld = []
        if (tag == "time" and not self.raw.time and not self._skip
                and len(self.out.paragraphs) <= TIME_MAX_PARAGRAPH):
            if a.get("datetime"):
                self.raw.time = a["datetime"]
            else:
                self._time = True
        if tag == "h1" and not self.raw.h1 and self._h1 is None:
            self._h1 = []
        if tag in _VOID_TAGS:
            if tag in ("br", "hr"):
                self.out.brk()
            return
        role = a.get("role", "").lower()
        if self._skip or tag in SKIP_TAGS or "hidden" in a or role in SKIP_ROLES or (
            not self._article and (tag in CHROME_TAGS or role in CHROME_ROLES)
        ):
            self._skip.append(tag)
            return
        if tag == "article":
            self._article += 1
        if tag == "pre":
            self._pre += 1
        if tag in BLOCK_TAGS:
            self.out.brk()
        elif tag in CELL_TAGS:
            self.out.space()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title is not None:
            self.raw.title, self._title = "".join(self._title), None
        if tag == "script" and self._json_ld is not None:
            self.raw.json_ld.append("".join(self._json_ld))
            self._json_ld = None
        if tag == "h1" and self._h1 is not None:
            self.raw.h1, self._h1 = " ".join(self._h1), None
        self._time = False
        if self._skip:
            if tag in self._skip:  # close up to the matching tag, tolerating unclosed ones
                while self._skip.pop() != tag:
                    pass
            return
        if tag == "article" and self._article:
            self._article -= 1
        if tag == "pre" and self._pre:
            self._pre -= 1
        if tag in BLOCK_TAGS:
            self.out.brk()
        elif tag in CELL_TAGS:
            self.out.space()

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
        if self._json_ld is not None:
            self._json_ld.append(data)
        if self._h1 is not None:
            self._h1.append(data)
        if self._time:
            self.raw.time += data
        if not self._skip:
            self.out.text(data, pre=self._pre > 0)

    def result(self) -> _HtmlRaw:
        self.close()
        self.out.brk()
        self.raw.paragraphs = self.out.paragraphs
        return self.raw


def flat_extract(text: str) -> _HtmlRaw:
    parser = _FlatHtml()
    parser.feed(text)
    return parser.result()


MAX_JSON_LD_ITEMS = 10_000  # JSON-LD items looked at per page


def _json_ld_fields(blobs: list[str]) -> tuple[str | None, str | None]:
    """(datePublished, publisher name) from JSON-LD blocks, first found wins.

    Only the page's own objects count (top level, `@graph`, `mainEntity`), not the other
    articles a page lists inside them (an ItemList of news, `hasPart`, `relatedLink`).
    """
    date: str | None = None
    publisher: str | None = None
    budget = MAX_JSON_LD_ITEMS  # the page's own objects come first; the rest is not read
    for blob in blobs:
        try:
            stack: deque[Any] = deque([json.loads(blob, strict=False)])
        except (ValueError, RecursionError):  # broken, or nested deeper than JSON can say
            continue
        while stack and (date is None or publisher is None) and budget > 0:
            item = stack.popleft()
            budget -= 1
            if isinstance(item, list):
                stack.extendleft(reversed(item))
                continue
            if not isinstance(item, dict):
                continue
            if date is None and isinstance(item.get("datePublished"), str):
                date = parse_date(item["datePublished"])
            pub = item.get("publisher")
            if isinstance(pub, list) and pub:
                pub = pub[0]
            if isinstance(pub, dict):
                pub = pub.get("name")
            if publisher is None and isinstance(pub, str) and pub.strip():
                publisher = pub.strip()
            stack.extend(item[k] for k in ("@graph", "mainEntity") if k in item)
    return date, publisher


def strip_site_name(title: str, site: str | None) -> str:
    if not site:
        return title
    for sep in _TITLE_SEPARATORS:
        tail = sep + site
        if len(title) > len(tail) and title.casefold().endswith(tail.casefold()):
            return title[: -len(tail)].rstrip()
    return title


def parse_html(text: str) -> Parts:
    try:
        raw = _soup_extract(text)
    except RecursionError:
        raw = flat_extract(text)
    metas = raw.metas
    ld_date, ld_publisher = _json_ld_fields(raw.json_ld)
    site = clean_title(metas.get("og:site_name", "")) or None
    source = site or ld_publisher or clean_title(metas.get("publisher", "")) or None

    og_title = clean_title(metas.get("og:title", ""))
    h1 = clean_title(raw.h1)
    title = strip_site_name(clean_title(raw.title), site) or og_title or h1
    paragraphs = raw.paragraphs
    # The headline usually opens the content too; keep it only as the title.
    for i, para in enumerate(paragraphs[:3]):
        if any(same_text(para, t) for t in (title, og_title)) or (
            same_text(para, h1) and title.casefold().startswith(h1.casefold())
        ):
            paragraphs = paragraphs[:i] + paragraphs[i + 1 :]
            break
    if not title and paragraphs:
        title, whole = short_title(paragraphs[0])
        if whole:
            paragraphs = paragraphs[1:]

    date = next((d for d in (parse_date(metas.get(k)) for k in DATE_META) if d), None)
    date = date or ld_date or parse_date(raw.time)
    if date is None and paragraphs:
        date = date_line(paragraphs[0])
    body = MANY_NEWLINES.sub("\n\n", "\n\n".join(paragraphs))
    return Parts(title=title, body=body, date=date, source=source)
