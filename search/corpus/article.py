"""A web page -> its article: the release's own text without the page around it, and its metadata.

trafilatura (precision mode) tells where the article starts and where it ends; the text between is
rendered from the page itself, block by block, so that lists, tables and line breaks read as in
the corpus's other readers. Blocks trafilatura left out inside that span come back unless they are
page chrome (menus, teasers, share prompts, cookie notices, by tag, role or class name) or mostly
links. Around the span: a lead paragraph sitting before the first one trafilatura kept (a caption,
key points) is recovered, and non-prose lines at the edges (reading times, credits, fact boxes,
contacts) are dropped.

Metadata follows the rules of the plain HTML reader (html.py): the headline without the site's
name, the date from meta tags, JSON-LD, a `<time>` near the top, a dateline under the headline,
or a "Release date:" label that the page gives once (never a date deep in the text or from a
list of other releases), the agency from `og:site_name` or the JSON-LD publisher.

Work per page is bounded: pages too large or too deep for trafilatura's budget are read by the
tree-less reader of html.py, JSON-LD is read up to a size and a node count, and anything that
still goes wrong is a DocumentError for that page.
"""

from __future__ import annotations

import bisect
import json
import logging
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from ..errors import DocumentError
from .dates import date_line, kazakh_date_end, month_number, parse_date
from .html import (
    BLOCK_TAGS,
    CELL_TAGS,
    CHROME_ROLES,
    CHROME_TAGS,
    DATE_META,
    SKIP_ROLES,
    SKIP_TAGS,
    TIME_MAX_PARAGRAPH,
    flat_extract,
    strip_site_name,
)
from .text import EDGE_CHARS, Parts, clean_title, same_text, short_title

__all__ = ["read_html"]

# trafilatura's cost grows with the elements it scores (about 30 µs each here): the agency pages
# measured have 150-1,400 elements and 1-20 KB of text. Beyond these budgets (about 15x and 50x
# that) a page is read by the linear reader instead.
MAX_ELEMENTS = 20_000
MAX_TEXT_CHARS = 1_000_000
MAX_JSON_LD_CHARS = 1_000_000  # one JSON-LD block; larger ones are data dumps, not page metadata
MAX_JSON_LD_NODES = 10_000  # objects visited over all blocks of a page
_MATCH_WINDOW = 200  # blocks with the same start tried for each paragraph trafilatura returns
_LEAD_BLOCKS = 6  # blocks looked at before the first paragraph trafilatura kept
_TOO_LITTLE = 4  # fall back when the page's main text is this many times what was extracted

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every page it rejects
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def read_html(text: str) -> Parts:
    """Title, article body ("\\n\\n" between paragraphs), date, agency, author and canonical URL.

    Raises DocumentError when the page cannot be read at all.
    """
    try:
        return _read(text)
    except DocumentError:
        raise
    except Exception as err:  # one broken page must never stop the others
        raise DocumentError(f"unreadable HTML ({type(err).__name__}: {err})"[:300]) from err


# --------------------------------------------------------------------------- the page


@dataclass
class _Head:
    """What the page says about itself."""

    title: str = ""
    metas: dict[str, str] = field(default_factory=dict)
    json_ld: list[str] = field(default_factory=list)
    h1s: list[str] = field(default_factory=list)
    canonical: str = ""
    lang: str = ""


@dataclass(slots=True)
class _Block:
    """One paragraph of the page as a reader sees it, with where it stands."""

    text: str
    chrome: bool = False  # inside navigation, a sidebar, share buttons, a footer ...
    links: int = 0  # characters of link text
    heading: bool = False
    container: Any = None  # the innermost <article> or <main> around it
    cell: bool = False  # in a data table: never the edge of the article's prose
    item: bool = False  # a list item


def _read(text: str) -> Parts:
    tree = _parse(text)
    if tree is None:
        return _read_linear(text)
    head = _head_of(tree)
    etree.strip_elements(tree, "script", "style", "noscript", "template", with_tail=False)
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS or sum(map(len, tree.itertext())) > MAX_TEXT_CHARS:
        return _read_linear(text, head)

    sites = _site_names(head)
    ld = _json_ld(head.json_ld)
    headline_el, title = _headline(tree, head, ld, sites)
    body_el = tree.body if tree.body is not None else tree
    _mark_chrome(body_el, headline_el)
    blocks, first_time = _blocks(body_el)
    headline_at = _headline_block(blocks, headline_el, title)

    # Chrome goes before trafilatura sees the page: it copies the tree, we keep the blocks.
    for el in list(body_el.iter()):
        if el.get(_CHROME_MARK) is not None and el.getparent() is not None:
            el.drop_tree()
    paragraphs = _trafilatura_paragraphs(tree)
    body = _article(blocks, paragraphs, headline_at, title, head)

    date = (
        _meta_date(head.metas)
        or ld.date
        or _time_date(first_time, blocks, headline_at)
        or _dateline_after(blocks, headline_at, head.lang)
        or (date_line(body[0]) if body else None)
        or _labelled_date(blocks, head.lang)
    )
    return _parts(head, ld, sites, title, body, date)


def _read_linear(text: str, head: _Head | None = None) -> Parts:
    """Pages beyond the budgets: the tree-less reader of html.py, then our cleaning."""
    raw = flat_extract(text)
    if head is None:
        head = _Head(title=raw.title, metas=raw.metas, json_ld=raw.json_ld, h1s=[raw.h1])
    ld = _json_ld(head.json_ld)
    sites = _site_names(head)
    title = _choose_title(head, ld, sites, classed=None)
    blocks = [_Block(p) for p in raw.paragraphs]
    body = _clean(blocks, title, head, trim=False)
    date = (
        _meta_date(head.metas)
        or ld.date
        or (parse_date(raw.time) if raw.time else None)
        or (date_line(body[0]) if body else None)
        or _labelled_date(blocks, head.lang)
    )
    return _parts(head, ld, sites, title, body, date)


def _parts(
    head: _Head, ld: _LinkedData, sites: list[str], title: str, body: list[str], date: str | None
) -> Parts:
    if not title and body:
        title, whole = short_title(body[0])
        if whole:
            body = body[1:]
    source = (
        clean_title(head.metas.get("og:site_name", ""))
        or ld.publisher
        or clean_title(head.metas.get("publisher", ""))
        or None
    )
    return Parts(
        title=title,
        body="\n\n".join(body),
        date=date,
        source=source,
        author=_author(head.metas, ld),
        url=_canonical(head),
    )


_PARSER_OPTIONS = dict(
    encoding="utf-8", collect_ids=False, default_doctype=False, remove_comments=True,
    remove_pis=True,
)


def _parse(text: str) -> Any:
    """The page as an lxml tree, or None when the tree would not hold all of it.

    libxml2 stops building at 256 levels of nesting (a page that deep is hostile or broken):
    such pages, and those it cannot parse, go to the tree-less reader.
    """
    parser = lxml_html.HTMLParser(**_PARSER_OPTIONS)
    try:
        tree = lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        return None
    return tree


def _head_of(tree: Any) -> _Head:
    head = _Head(lang=(tree.get("lang") or "").strip().lower())
    for el in tree.iter("title", "meta", "script", "link", "h1"):
        tag = el.tag
        if tag == "title":
            if not head.title and not any(a.tag == "svg" for a in el.iterancestors()):
                head.title = el.text_content()
        elif tag == "meta":
            key = el.get("property") or el.get("name") or el.get("itemprop")
            content = el.get("content")
            if key and content is not None:
                head.metas.setdefault(key.strip().lower(), content)
        elif tag == "script":
            if "ld+json" in (el.get("type") or "").lower() and el.text:
                head.json_ld.append(el.text)
        elif tag == "link":
            if "canonical" in (el.get("rel") or "").lower().split() and not head.canonical:
                head.canonical = el.get("href") or ""
        elif len(head.h1s) < 5 and not _in_semantic_chrome(el):
            head.h1s.append(clean_title(el.text_content()))
    return head


# --------------------------------------------------------------------------- chrome

_CHROME_MARK = "data-orbita-chrome"
# Class and id names of page furniture. Whole words of a name ("nav", "tags"), or parts that only
# furniture uses ("sidebar", "breadcrumbs", "col-right").
_CHROME_NAME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|menus|tags|ads|advert|adverts|pager|pagination"
    r"|rating|likes|toolbar|footer|popup|modal|skip|print)(?:$|[\s_-])"
    r"|sidebar|side-bar|breadcrumb|related|share|sharing|social|teaser|promo|cookie|consent"
    r"|subscri|newsletter|comment|widget|recommend|popular|sr-only|screen-reader|visually-hidden"
    r"|(?:right|left)[-_]?(?:col|column|rail|side|bar)(?![a-z])|col(?:umn)?[-_]?right",
    re.IGNORECASE,
)


def _in_semantic_chrome(el: Any) -> bool:
    in_article = False
    chrome_outside = False
    for a in el.iterancestors():
        tag = a.tag
        role = (a.get("role") or "").lower()
        if tag in ("nav", "aside") or role in SKIP_ROLES:
            return True
        if tag == "article":
            in_article = True
        elif tag in CHROME_TAGS or role in CHROME_ROLES:
            chrome_outside = True
    return chrome_outside and not in_article


def _mark_chrome(body: Any, headline_el: Any) -> None:
    """Mark containers named like page furniture, except those holding the article itself.

    A container that holds the headline, or more than half the page's text, is a layout wrapper
    with an unlucky name ("page-with-sidebar"), not furniture.
    """
    total = sum(map(len, body.itertext()))
    keep: set[Any] = set()
    for anchor in (headline_el, _longest_paragraph(body)):
        if anchor is not None:
            keep |= {anchor, *anchor.iterancestors()}
    walker = etree.iterwalk(body, events=("start",))
    for _event, el in walker:
        if not isinstance(el.tag, str) or el is body:
            continue
        names = " ".join(filter(None, (el.get("class"), el.get("id"))))
        if not names or not _CHROME_NAME.search(names) or el in keep:
            continue
        if sum(map(len, el.itertext())) * 2 > total:
            continue
        el.set(_CHROME_MARK, "")
        walker.skip_subtree()


def _longest_paragraph(body: Any) -> Any:
    """The <p> with the most text: release pages hold their longest paragraph in the article."""
    best, size = None, 0
    for p in body.iter("p"):
        n = sum(map(len, p.itertext()))
        if n > size:
            best, size = p, n
    return best


# --------------------------------------------------------------------------- blocks

_NEVER_TEXT = SKIP_TAGS - {"nav", "aside", "form"}  # those three hold text, flagged as chrome
_SEMANTIC_CHROME = frozenset({"nav", "aside", "form"})
_HTML_SPACES = re.compile(r"[ \t\n\r\f]+")
_PRE_SPACES = re.compile(r"[ \t\r\f]+")


class _Collector:
    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self._buf: list[str] = []
        self._links = 0

    def text(self, s: str, pre: bool, link: bool) -> None:
        s = _PRE_SPACES.sub(" ", s) if pre else _HTML_SPACES.sub(" ", s)
        self._buf.append(s)
        if link:
            self._links += len(s.strip())

    def space(self) -> None:
        self._buf.append(" ")

    def brk(self, chrome: bool, heading: bool, container: Any, cell: bool, item: bool) -> None:
        if self._buf:
            s = re.sub(r" *\n *", "\n", "".join(self._buf))
            s = re.sub(" {2,}", " ", s).strip()
            if s.strip(EDGE_CHARS):
                links = min(self._links, len(s))
                self.blocks.append(_Block(s, chrome, links, heading, container, cell, item))
            self._buf.clear()
        self._links = 0


def _blocks(body: Any) -> tuple[list[_Block], tuple[int, str] | None]:
    """The page's paragraphs in order, chrome flagged, and the first <time> outside chrome."""
    out = _Collector()
    chrome = heading = link = pre = article = data = items = 0
    containers: list[Any] = []
    first_time: tuple[int, str] | None = None
    # per open element: (skipped, block, chrome, heading, link, pre, container, article, data,
    # list item)
    opened: list[tuple[bool, ...]] = []

    def brk() -> None:
        container = containers[-1] if containers else None
        out.brk(chrome > 0, heading > 0, container, data > 0, items > 0)

    walker = etree.iterwalk(body, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            role = (el.get("role") or "").lower()
            if not tag or tag in _NEVER_TEXT or el.get("hidden") is not None:
                opened.append((True,))
                walker.skip_subtree()
                continue
            is_chrome = (
                el.get(_CHROME_MARK) is not None
                or tag in _SEMANTIC_CHROME
                or role in SKIP_ROLES
                or (not article and (tag in CHROME_TAGS or role in CHROME_ROLES))
            )
            is_block = tag in BLOCK_TAGS or is_chrome
            if tag in ("br", "hr") or is_block:
                brk()
            elif tag in CELL_TAGS:
                out.space()
            flags: tuple[Any, ...] = (
                False, is_block, is_chrome, tag in ("h1", "h2", "h3", "h4", "h5", "h6"),
                tag == "a", tag in ("pre", "textarea", "listing", "plaintext"),
                tag in ("article", "main") or role == "main", tag == "article",
                tag == "table" and not _is_layout_table(el), tag == "li",
            )
            opened.append(flags)
            chrome += flags[2]
            heading += flags[3]
            link += flags[4]
            pre += flags[5]
            article += flags[7]
            data += flags[8]
            items += flags[9]
            if flags[6]:
                containers.append(el)
            if tag == "time" and not chrome and first_time is None:
                value = el.get("datetime") or el.text_content()[:200]
                first_time = (len(out.blocks), value)
            if el.text:
                out.text(el.text, pre > 0, link > 0)
        else:
            flags = opened.pop()
            if not flags[0]:
                is_block = flags[1]
                if is_block:
                    brk()
                elif tag in CELL_TAGS:
                    out.space()
                chrome -= flags[2]
                heading -= flags[3]
                link -= flags[4]
                pre -= flags[5]
                article -= flags[7]
                data -= flags[8]
                items -= flags[9]
                if flags[6]:
                    containers.pop()
            if el.tail and el is not body:
                out.text(el.tail, pre > 0, link > 0)
    brk()
    return out.blocks, first_time


_LAYOUT_CONTENT = ("p", "div", "table", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6")


def _is_layout_table(table: Any) -> bool:
    """A table that places blocks of text on the page, not one holding data in its cells."""
    return next(table.iterdescendants(*_LAYOUT_CONTENT), None) is not None


# --------------------------------------------------------------------------- the article


def _key(s: str) -> str:
    return " ".join(s.split()).casefold()


def _trafilatura_paragraphs(tree: Any) -> list[str]:
    doc = trafilatura.bare_extraction(
        tree, favor_precision=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, with_metadata=False, deduplicate=False,
    )
    root = getattr(doc, "body", None)
    if root is None:
        return []
    return [p for p in _xml_paragraphs(root) if p.strip(EDGE_CHARS)]


_TEI_BLOCKS = frozenset({"p", "head", "item", "row", "quote", "code", "list", "table", "note",
                         "div", "body", "graphic"})


def _xml_paragraphs(root: Any) -> Iterator[str]:
    """trafilatura's output tree (p, head, list/item, table/row/cell, lb) as paragraphs."""
    buf: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            if el.tag in _TEI_BLOCKS or el.tag == "lb":
                if buf:
                    yield " ".join("".join(buf).split())
                    buf.clear()
            elif el.tag == "cell":
                buf.append(" ")
            if el.text:
                buf.append(el.text)
        else:
            if el.tag in _TEI_BLOCKS and buf:
                yield " ".join("".join(buf).split())
                buf.clear()
            elif el.tag == "cell":
                buf.append(" ")
            if el.tail and el is not root:
                buf.append(el.tail)
    if buf:
        yield " ".join("".join(buf).split())


def _same_start(a: str, b: str) -> bool:
    n = min(len(a), len(b), 60)
    return n > 0 and a[:n] == b[:n] and (n >= 12 or len(a) == len(b))


def _matched(blocks: list[_Block], paragraphs: list[str]) -> list[int]:
    """Indices of the blocks trafilatura's paragraphs came from, in page order.

    Blocks are looked up by the start of their text (a hash table), so matching stays linear
    however far down the page the article begins.
    """
    keys = [_key(b.text) for b in blocks]
    starts: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if not blocks[i].chrome:
            starts.setdefault(k[:12], []).append(i)
    found: list[int] = []
    at = 0
    for p in paragraphs:
        pk = _key(p)
        candidates = starts.get(pk[:12], [])
        for i in candidates[bisect.bisect_left(candidates, at):][:_MATCH_WINDOW]:
            if _same_start(keys[i], pk):
                found.append(i)
                at = i + 1
                break
    return found


def _article(
    blocks: list[_Block], paragraphs: list[str], headline_at: int | None, title: str, head: _Head
) -> list[str]:
    found = _matched(blocks, paragraphs)
    fallback = _main_text(blocks)
    if found:
        first, last = found[0], found[-1]
        while last + 1 < len(blocks) and _list_goes_on(blocks, last + 1, blocks[last].container):
            last += 1  # a list closing the text, which precision mode tends to leave out
        kept = set(found)
        span = [
            blocks[i]
            for i in range(first, last + 1)
            if i in kept or not (blocks[i].chrome or _link_heavy(blocks[i]))
        ]
        lead = _lead(blocks, first, headline_at)
        shown = _leading_h1(blocks, headline_at, first, title)
        body = _clean(lead + span, title, head, headline=shown)
        main = _prose_chars(b.text for b in fallback if not b.cell)
        if body and _prose_chars(body) * _TOO_LITTLE >= main:
            return body
    return _clean(fallback, title, head)


def _list_goes_on(blocks: list[_Block], i: int, container: Any) -> bool:
    """Block i belongs to a list ending the text: an item, or the line introducing one."""
    b = blocks[i]
    if b.chrome or b.cell or b.heading or _link_heavy(b) or b.container is not container:
        return False
    if b.item:
        return not _is_chrome_line(b.text)
    return (b.text.rstrip().endswith(":") and i + 1 < len(blocks) and blocks[i + 1].item
            and not blocks[i + 1].chrome)


def _link_heavy(block: _Block) -> bool:
    return block.links * 2 > len(block.text)


def _main_text(blocks: list[_Block]) -> list[_Block]:
    """The page's text outside chrome; the longest <article>/<main> when it holds a quarter of it
    (the rule of the plain HTML reader)."""
    own = [b for b in blocks if not b.chrome]
    total = sum(len(b.text) for b in own)
    sizes: dict[int, tuple[int, Any]] = {}
    for b in own:
        if b.container is not None:
            n, _ = sizes.get(id(b.container), (0, None))
            sizes[id(b.container)] = (n + len(b.text), b.container)
    if sizes:
        size, best = max(sizes.values(), key=lambda v: v[0])
        if size * 4 >= total:
            return [b for b in own if _inside(b.container, best)]
    return own


def _inside(container: Any, outer: Any) -> bool:
    if container is None:
        return False
    return container is outer or any(a is outer for a in container.iterancestors())


def _lead(blocks: list[_Block], first: int, headline_at: int | None) -> list[_Block]:
    """Prose right before the first paragraph kept, after the headline: a lead that trafilatura
    took for a caption or a box (key points beside a picture, a video's caption)."""
    container = blocks[first].container
    lead: list[_Block] = []
    stop = headline_at if headline_at is not None and headline_at < first else -1
    looked = 0
    for i in range(first - 1, stop, -1):
        b = blocks[i]
        if b.chrome:
            continue
        looked += 1
        if looked > _LEAD_BLOCKS or b.heading or b.cell or b.container is not container:
            break
        if date_line(b.text):  # a dateline opens the text
            lead.append(b)
            break
        if not _has_sentences(b.text) or _link_heavy(b) or _is_chrome_line(b.text):
            break
        lead.append(b)
    lead.reverse()
    return lead


def _leading_h1(blocks: list[_Block], headline_at: int | None, first: int, title: str) -> str:
    """A headline shown on the page that differs from the title chosen stays in the body."""
    if headline_at is None or headline_at >= first:
        return ""
    text = blocks[headline_at].text
    if same_text(text, title) or title.casefold().startswith(text.casefold()):
        return ""
    return text


# --------------------------------------------------------------------------- cleaning

_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)\]]*$")
_SENTENCE_INSIDE = re.compile(r"[^\W\d_]{2}[.!?…][\"'»”’)\]]*\s+[\"'«“(]?[^\W\d_]")
_WORDS = re.compile(r"[^\W\d_]+")
# Lines that are the page talking about itself: reading times, share and subscribe prompts,
# cookie notices, copyright lines.
_CHROME_LINE = re.compile(
    r"(?:читайте\s+(?:также|тоже|ещё|еще)|смотрите\s+также|см\.\s+также|поделиться"
    r"|поделитесь|подписывайтесь|подпишитесь|подписаться|мы\s+используем\s+(?:файлы\s+)?cookie"
    r"|(?:этот\s+|наш\s+)?сайт\s+использует\s+(?:файлы\s+)?cookie|нашли\s+ошибку"
    r"|все\s+права\s+защищены|при\s+(?:использовании|цитировании|перепечатке)\s+материалов"
    r"|версия\s+для\s+печати|\d+\s*мин(?:ут[аы]?|\.)?\s+(?:на\s+)?чтени[ея]|бөлісу"
    r"|сондай-ақ\s+оқыңыз|read\s+(?:more|also|next)\b|related\s+(?:articles?|stories|news|links"
    r"|content|posts?)\b|share(?:\s+(?:this|on|via)\b|$)|subscribe\b|follow\s+us\b|sign\s+up\b"
    r"|we\s+use\s+cookies|this\s+(?:web)?site\s+uses\s+cookies|all\s+rights\s+reserved"
    r"|page\s+last\s+updated|\d+\s*min(?:ute)?s?\s+read\b|©|\(c\)\s|copyright\b)",
    re.IGNORECASE,
)
# Prompts that make a short line chrome wherever they stand in it.
_CHROME_PROMPT = re.compile(
    r"подпис(?:ывайтесь|итесь)\s+на|subscribe\s+(?:to|now|for)\b|sign\s+up\s+(?:for|to)\b"
    r"|follow\s+us\b|(?:мы\s+)?используе[мт]\s+(?:файлы\s+)?cookie|\buses?\s+cookies"
    r"|все\s+права\s+защищены|all\s+rights\s+reserved",
    re.IGNORECASE,
)
_CHROME_LINE_MAX = 200
# A line announcing links to other articles: it and the teaser titles under it go.
_RELATED = re.compile(
    r"(?:читайте\s+(?:также|тоже|ещё|еще)|смотрите\s+также|другие\s+новости|похожие\s+новости"
    r"|ещё\s+по\s+теме|еще\s+по\s+теме|по\s+теме|вам\s+(?:может\s+быть|будет)\s+интересно"
    r"|сондай-ақ\s+оқыңыз|related(?:\s+\w+)?|more\s+news|read\s+more|you\s+may\s+also\s+like"
    r"|see\s+also)\s*:?",
    re.IGNORECASE,
)


def _is_prose(text: str) -> bool:
    """A sentence or more: several words ending with sentence punctuation."""
    return bool(_SENTENCE_END.search(text.rstrip())) and len(_WORDS.findall(text)) >= 5


def _is_chrome_line(text: str) -> bool:
    text = text.strip(EDGE_CHARS)
    return len(text) <= _CHROME_LINE_MAX and bool(
        _CHROME_LINE.match(text) or _CHROME_PROMPT.search(text)
    )


def _has_sentences(text: str) -> bool:
    """Prose, or a longer text holding a full sentence ("... in high resolution. Credits: X")."""
    return _is_prose(text) or (
        len(_WORDS.findall(text)) >= 12 and _SENTENCE_INSIDE.search(text) is not None
    )


def _prose_chars(texts: Iterable[str]) -> int:
    return sum(len(t) for t in texts if _is_prose(t))


def _clean(
    blocks: list[_Block], title: str, head: _Head, headline: str = "", trim: bool = True
) -> list[str]:
    """Drop the headline repeated at the top, the page's lines about itself, teaser titles under
    a "Read also", and (with `trim`) what is not prose at the edges: reading times, bylines,
    credits, fact boxes, link lists, contacts. A dateline opening the text stays, and so does a
    list the text ends with."""
    out: list[_Block] = []
    teasers = False
    for b in blocks:
        if _RELATED.fullmatch(b.text.strip(EDGE_CHARS)):
            teasers = True
            continue
        if teasers and not _is_prose(b.text):
            continue
        teasers = False
        if not _is_chrome_line(b.text):
            out.append(b)
    h1 = head.h1s[0] if head.h1s else ""
    repeats = [title, clean_title(head.metas.get("og:title", ""))]
    if h1 and title.casefold().startswith(h1.casefold()):
        repeats.append(h1)
    for i, b in enumerate(out[:3]):
        if any(same_text(b.text, t) for t in repeats if t):
            del out[i]
            break
    # The text starts at its first paragraph holding a sentence (a lead may end with a credit)
    # and ends with its last one ending like a sentence.
    start = next((i for i, b in enumerate(out) if not b.cell and _has_sentences(b.text)), None)
    prose = [i for i, b in enumerate(out) if not b.cell and _is_prose(b.text)]
    if trim and start is not None and prose:
        end = max(prose[-1], start) + 1
        while end < len(out) and _list_goes_on(out, end, out[end - 1].container):
            end += 1
        out = ([out[0]] if start and date_line(out[0].text) else []) + out[start:end]
    text = [b.text for b in out]
    return [headline, *text] if headline else text


# --------------------------------------------------------------------------- title

_SEPARATOR_CHARS = "|-—–:·/«»~•"
_SEGMENTS = re.compile(r"\s+(?:\||::|—|–|-|·|/|~|•)\s+")
_TITLE_CLASS = re.compile(r"title|headline|heading", re.IGNORECASE)


def _site_names(head: _Head) -> list[str]:
    names = [
        head.metas.get("og:site_name", ""), head.metas.get("application-name", ""),
        head.metas.get("publisher", ""), head.metas.get("twitter:site", "").lstrip("@"),
    ]
    return [n for n in map(clean_title, names) if n]


def _part_of(candidate: str, title: str) -> bool:
    """`title` is `candidate` plus a shorter part after a separator ("X | Site", "Site - X")."""
    c, t = candidate.casefold(), title.casefold()
    if not c or len(c) > len(t):
        return False
    if c == t:
        return True
    if t.startswith(c):
        rest = title[len(candidate):].strip()
    elif t.endswith(c):
        rest = title[: -len(candidate)].strip()
        rest = rest[::-1]  # its separator is at its end
    else:
        return False
    return bool(rest) and rest[0] in _SEPARATOR_CHARS and len(rest) < len(candidate)


def _strip_site(title: str, sites: list[str]) -> str:
    for site in sites:
        stripped = strip_site_name(title, site)
        if stripped != title:
            return stripped
        for sep in (" | ", " — ", " – ", " - ", " :: ", " · ", " / ", ": "):
            head = site + sep
            if len(title) > len(head) and title.casefold().startswith(head.casefold()):
                return title[len(head):].lstrip()
    return title


def _choose_title(head: _Head, ld: _LinkedData, sites: list[str], classed: Any) -> str:
    """The headline: the part of <title> that the page's <h1>, og:title or JSON-LD headline
    repeats; else <title> without the site's name; else a title-classed element that shares a
    part with a <title> made of parts ("Site :: Section :: Object :: Date"); else <title>,
    og:title, <h1> in that order (the rule of the plain HTML reader)."""
    page_title = clean_title(head.title)
    og = clean_title(head.metas.get("og:title", ""))
    candidates = [*head.h1s, og, ld.headline]
    for c in candidates:
        if c and page_title and _part_of(c, page_title):
            return c
    stripped = _strip_site(page_title, sites)
    if stripped != page_title:
        return stripped
    if classed is not None:
        return clean_title(classed.text_content())
    return page_title or og or next((h for h in head.h1s if h), "") or ld.headline


def _headline(tree: Any, head: _Head, ld: _LinkedData, sites: list[str]) -> tuple[Any, str]:
    """(the headline's element or None, the title)."""
    classed = None
    page_title = clean_title(head.title)
    parts = [s for s in _SEGMENTS.split(page_title) if len(s) >= 3 and not parse_date(s)
             and s.casefold() not in {n.casefold() for n in sites}]
    if len(parts) >= 2 and not any(head.h1s) and not head.metas.get("og:title"):
        classed = _title_classed(tree, parts, page_title)
    title = _choose_title(head, ld, sites, classed)
    if classed is not None and same_text(classed.text_content(), title):
        return classed, title
    for el in tree.iter("h1"):
        if same_text(el.text_content(), title) and not _in_semantic_chrome(el):
            return el, title
    for el in tree.iter("h1"):
        if not _in_semantic_chrome(el):
            return el, title
    return None, title


def _title_classed(tree: Any, parts: list[str], page_title: str) -> Any:
    body = tree.body
    if body is None:
        return None
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        names = " ".join(filter(None, (el.get("class"), el.get("id"))))
        if not names or not _TITLE_CLASS.search(names):
            continue
        text = clean_title(el.text_content())
        if not 10 <= len(text) <= 300 or same_text(text, page_title):
            continue
        if any(p.casefold() in text.casefold() for p in parts) and not _in_semantic_chrome(el):
            return el
    return None


def _headline_block(blocks: list[_Block], headline_el: Any, title: str) -> int | None:
    if headline_el is None:
        return None
    target = _key(clean_title(headline_el.text_content()))
    for i, b in enumerate(blocks):
        if not b.chrome and _key(b.text) == target:
            return i
    return None


# --------------------------------------------------------------------------- dates


def _meta_date(metas: dict[str, str]) -> str | None:
    return next((d for d in (parse_date(metas.get(k)) for k in DATE_META) if d), None)


def _time_date(
    first_time: tuple[int, str] | None, blocks: list[_Block], headline_at: int | None
) -> str | None:
    """A <time> dates the release only near the top of its text (the old HTML reader's rule)."""
    if first_time is None:
        return None
    at, value = first_time
    start = headline_at + 1 if headline_at is not None else 0
    before = sum(1 for b in blocks[start:at] if not b.chrome)
    if at >= start and before <= TIME_MAX_PARAGRAPH:
        return parse_date(value)
    if headline_at is not None and at < headline_at:
        # in the article's own header, just above its headline
        return parse_date(value) if headline_at - at <= 1 else None
    return None


_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_YEAR = re.compile(r"(?<!\d)(?:19\d\d|20\d\d|2100)(?!\d)")
_ISO_START = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?!\d)")


def _date_opening(value: str, lang: str) -> str | None:
    """The date a short value starts with: "April 5, 2023, noon", "16/07/2022 20 views",
    "Байконур, 14.05.2018, 10:00"."""
    value = value.strip(EDGE_CHARS)[:120]
    m = _SLASH_DATE.match(value)
    if m:
        a, b, year = (int(g) for g in m.groups())
        # Day first (Europe, Russia) unless it cannot be, or the page says it is American.
        month_first = a <= 12 and (b > 12 or lang == "en-us")
        day, month = (b, a) if month_first else (a, b)
        return parse_date(f"{year:04d}-{month:02d}-{day:02d}")
    if _ISO_START.match(value):
        return parse_date(value[:10])
    m = _YEAR.search(value)
    if not m:
        return None
    end = kazakh_date_end(value, m.start()) or m.end()  # with its month: «2024 жылғы 12 сәуір»
    return date_line(value[:end])


def _dateline_after(blocks: list[_Block], headline_at: int | None, lang: str) -> str | None:
    """A short line that opens with a date right under the headline (a byline, a dateline)."""
    if headline_at is None:
        return None
    looked = 0
    for b in blocks[headline_at + 1:]:
        if b.chrome:
            continue
        if _is_prose(b.text) or looked >= 3:
            return None
        looked += 1
        if len(b.text) <= 80 and (date := _date_opening(b.text, lang)):
            return date
    return None


_LABEL = re.compile(
    r"(release\s+date|date\s+released|publication\s+date|date\s+of\s+publication"
    r"|date\s+published|published\s+on|published|posted\s+on|posted|released|date"
    r"|дата\s+публикации|дата\s+выпуска|дата\s+релиза|дата|опубликовано|размещено"
    r"|жарияланған\s+күні|жарияланды)(?:\s*:\s*|\s+|$)(.*)",
    re.IGNORECASE | re.DOTALL,
)


def _labelled_date(blocks: list[_Block], lang: str) -> str | None:
    """The date a label calls the release's ("Release date: April 5, 2023"), when the page gives
    one such date: several different ones are a list of other releases."""
    found: dict[bool, set[str]] = {False: set(), True: set()}
    for i, b in enumerate(blocks):
        m = _LABEL.fullmatch(b.text.strip(EDGE_CHARS))
        if not m:
            continue
        value = m.group(2)
        if not value and i + 1 < len(blocks):
            value = blocks[i + 1].text
        elif value and ":" not in b.text[: m.start(2)]:
            word = value.split(maxsplit=1)[0]
            if not (word[0].isdigit() or month_number(word)):
                continue  # "Date of launch ..." is not a label and its value
        if value and len(value) <= 80 and (date := _date_opening(value, lang)):
            found[b.chrome].add(date)
    for dates in (found[False], found[True]):
        if dates:
            return dates.pop() if len(dates) == 1 else None
    return None


# --------------------------------------------------------------------------- JSON-LD


@dataclass(slots=True)
class _LinkedData:
    date: str | None = None
    publisher: str | None = None
    author: str | None = None
    headline: str = ""


def _name(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip():
        return clean_title(value)[:200]
    return None


def _json_ld(blobs: list[str]) -> _LinkedData:
    """datePublished, publisher, author and headline of the page's own JSON-LD objects (top
    level, @graph, mainEntity; not the articles a page lists), first found wins. Bounded: blocks
    over MAX_JSON_LD_CHARS are skipped, at most MAX_JSON_LD_NODES objects are looked at, and
    nesting too deep for the parser makes a block unreadable, not the page."""
    ld = _LinkedData()
    budget = MAX_JSON_LD_NODES
    for blob in blobs:
        if len(blob) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(blob, strict=False)
        except (ValueError, RecursionError):
            continue
        queue: deque[Any] = deque([data])
        while queue and budget > 0:
            item = queue.popleft()
            budget -= 1
            if isinstance(item, list):
                queue.extend(item[:budget])
                continue
            if not isinstance(item, dict):
                continue
            if ld.date is None and isinstance(item.get("datePublished"), str):
                ld.date = parse_date(item["datePublished"])
            if ld.publisher is None:
                ld.publisher = _name(item.get("publisher"))
            if ld.author is None:
                ld.author = _name(item.get("author"))
            if not ld.headline and isinstance(item.get("headline"), str):
                ld.headline = clean_title(item["headline"])[:300]
            for key in ("@graph", "mainEntity"):
                if key in item:
                    queue.append(item[key])
    return ld


def _author(metas: dict[str, str], ld: _LinkedData) -> str | None:
    for key in ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author"):
        value = clean_title(metas.get(key, ""))
        if value and not value.startswith(("http://", "https://")):
            return value[:200]
    return ld.author


def _canonical(head: _Head) -> str | None:
    for value in (head.canonical, head.metas.get("og:url", "")):
        value = value.strip()
        if value.startswith(("http://", "https://")) and len(value) <= 2048 and " " not in value:
            return value
    return None
