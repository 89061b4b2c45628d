"""Fixture agency sites for the fetcher, served from 127.0.0.1 by threaded ``http.server``s.

`Site` is one host (its own port) with a table of routes and a log of every request it
answered, so tests can count what the fetcher asked for. `build_sites()` lays out the sites
the tests use:

- ``agency``: a Russian/English agency (as «Роскосмос») with an RSS 2.0, an Atom and an RSS 1.0
  (RDF) feed, a sitemap index, release pages with menus, teasers and footers, a PDF and a DOCX,
  robots.txt with wildcards, a redirect inside the site, one release under two URLs, an item
  on another site and one with a hostile title and URL;
- ``hostile``: a site that misbehaves (500, 429 with Retry-After, oversized bodies, a gzip bomb,
  a trickling endpoint, an image where a release is expected, a redirect to another host,
  an HTML page served as a feed, invalid XML, an empty feed, entity expansion in a sitemap);
- ``busy``: a site that answers 429 with a Retry-After of an hour;
- ``elsewhere``: another host, the target of the hostile site's redirect.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import hashlib
import io
import os
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LAST_MODIFIED = "Wed, 01 May 2024 08:00:00 GMT"
MB = 1024 * 1024
LIMIT = 20 * MB  # the corpus limit the fetcher must keep to


# --------------------------------------------------------------------------- server


@dataclass
class Hit:
    path: str  # with the query
    status: int
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived


Handler = Callable[["_RequestHandler"], None]


@dataclass
class Site:
    name: str
    routes: dict[str, Handler] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    pause: float = 0.0  # seconds before answering a release (not robots.txt or a feed)

    def start(self) -> None:
        site = self

        class Bound(_RequestHandler):
            owner = site

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Bound)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def static(self, path: str, body: bytes | str, content_type: str) -> None:
        """A resource with an ETag and a Last-Modified, answering 304 to a matching
        conditional request."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'

        def handle(req: _RequestHandler) -> None:
            if req.headers.get("If-None-Match") == etag or (
                req.headers.get("If-None-Match") is None
                and req.headers.get("If-Modified-Since") == LAST_MODIFIED
            ):
                req.answer(304, b"", {"ETag": etag, "Last-Modified": LAST_MODIFIED})
                return
            req.answer(
                200, data,
                {"Content-Type": content_type, "ETag": etag, "Last-Modified": LAST_MODIFIED},
            )

        self.routes[path] = handle

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def hits_of(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]


class _RequestHandler(BaseHTTPRequestHandler):
    owner: Site
    status_sent = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path.split("?", 1)[0]
        route = self.owner.routes.get(self.path) or self.owner.routes.get(path)
        hit = Hit(self.path, 0, dict(self.headers.items()), time.monotonic())
        self.owner.hits.append(hit)
        if self.owner.pause and not path.endswith((".xml", ".txt")):
            time.sleep(self.owner.pause)
        try:
            if route is None:
                self.answer(404, b"not found", {"Content-Type": "text/plain"})
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher hung up, as it should on an oversized or slow body
        hit.status = self.status_sent

    def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.status_sent = status
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def start_body(self, status: int, headers: dict[str, str]) -> None:
        self.status_sent = status
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


# --------------------------------------------------------------------------- documents


def require_font() -> Path:
    """The DejaVu font for PDFs with Cyrillic text: Debian's fonts-dejavu-core.

    scripts/test.sh installs it where it runs as root, so there a missing font is a failure."""
    if not FONT.is_file():
        message = f"{FONT} missing: install Debian's fonts-dejavu-core"
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            pytest.fail(message)
        pytest.skip(message)
    return FONT


def make_pdf(title: str, paragraphs: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(require_font()))
    pdf.set_font("DejaVu", size=16)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 7, paragraph, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_docx(title: str, paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def page(title: str, lang: str, paragraphs: list[str], *, date: str) -> str:
    """A release page as agencies make them: a menu and a search form in <div>s, a <nav>,
    teasers of other releases, the release in <main>/<article>, a footer twice over."""
    body = "\n".join(f"    <p>{p}</p>" for p in paragraphs)
    menu = "Новости · Пресс-релизы · Фото · Контакты" if lang == "ru" else \
        "News · Press releases · Images · Contacts"
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{date}">
<style>.menu {{ display: flex }}</style><script>var track = 1;</script></head>
<body>
<div class="menu top-menu">{menu}</div>
<nav class="breadcrumbs"><a href="/">{'Главная' if lang == 'ru' else 'Home'}</a></nav>
<main>
  <article>
    <h1>{title}</h1>
    <time datetime="{date}">{date}</time>
{body}
  </article>
  <div class="teasers">
    <div class="teaser"><a href="/news/older.html">{'Читайте также' if lang == 'ru' else
        'Read also'}</a></div>
  </div>
</main>
<div class="footer">© 2024 {'Госкорпорация «Роскосмос»' if lang == 'ru' else 'Agency'}</div>
<footer>{'Все права защищены' if lang == 'ru' else 'All rights reserved'}</footer>
</body></html>
"""


# --------------------------------------------------------------------------- the agency


@dataclass
class Release:
    path: str  # on the agency site
    title: str
    date: str  # as the feed gives it
    expected_name: str  # file name without the hash and extension: "<date>-<slug>"
    ext: str
    body: bytes = b""
    link: str = ""  # the path the feed links to, when it is not `path` (a redirect)


SOYUZ = Release(
    "/news/2024-04-11-soyuz-ms-25.html", "«Союз МС-25» доставил экипаж на МКС",
    "Thu, 11 Apr 2024 21:30:00 +0300", "2024-04-11-soyuz-ms-25-dostavil-ekipazh-na-mks", ".html",
)
PROGRESS = Release(
    "/news/2024-03-21-progress-ms-26.html",
    "Грузовой корабль «Прогресс МС-26» пристыковался к станции",
    "Thu, 21 Mar 2024 11:05:00 +0300",
    "2024-03-21-gruzovoy-korabl-progress-ms-26-pristykovalsya-k-stantsii", ".html",
    link="/go/progress-ms-26",
)
REPORT_PDF = Release(
    "/docs/2024-04-05-baikonur-report.pdf",
    "Отчёт о подготовке космодрома Байконур к запуску",
    "Fri, 05 Apr 2024 10:00:00 +0300",
    "2024-04-05-otchet-o-podgotovke-kosmodroma-baykonur-k-zapusku", ".pdf",
)
STATEMENT_DOCX = Release(
    "/docs/2024-03-30-statement.docx", "Заявление пресс-службы о переносе пуска",
    "Sat, 30 Mar 2024 09:00:00 +0300",
    "2024-03-30-zayavlenie-press-sluzhby-o-perenose-puska", ".docx",
)
EXPRESS = Release(
    "/news/2024-01-25-ekspress-amu3.html", "Спутник «Экспресс-АМУ3» выведен на орбиту",
    "2024-01-25", "2024-01-25-sputnik-ekspress-amu3-vyveden-na-orbitu", ".html",
)
GATEWAY = Release(
    "/en/news/2024-02-14-lunar-gateway.html",
    "Roscosmos and partners discuss the Lunar Gateway",
    "2024-02-14T16:00:00+03:00", "2024-02-14-roscosmos-and-partners-discuss-the-lunar-gateway",
    ".html",
)
BAIKONUR_EN = Release(
    "/en/news/2024-04-12-baikonur-cosmonautics-day.html",
    "Cosmonautics Day at Baikonur: Soyuz-2.1a ready for launch",
    "2024-04-12T09:00:00+03:00",
    "2024-04-12-cosmonautics-day-at-baikonur-soyuz-2-1a-ready-for-launch", ".html",
)
ANGARA = Release(  # listed only in the sitemap: no title, the date from <lastmod>
    "/news/angara-a5-vostochny.html", "Ракета «Ангара-А5» стартовала с Восточного",
    "2024-04-11", "2024-04-11-angara-a5-vostochny", ".html",
)
HOSTILE_TITLE = "../../../etc/passwd\x00 <script>alert(1)</script> /корень/..\\..\\"
HOSTILE_PATH = "/news/..%2F..%2F_fetch.json%00.html"
HOSTILE = Release(
    HOSTILE_PATH, HOSTILE_TITLE, "Mon, 01 Apr 2024 12:00:00 +0300",
    "2024-04-01-etc-passwd-script-alert-1-script-koren", ".html",
)
REDIRECT_PATH = PROGRESS.link  # 301 to PROGRESS.path
ALIAS_PATH = "/press/soyuz-ms-25"  # the same bytes as SOYUZ
DISALLOWED = ["/news/2024-04-02-print.html?print=1", "/drafts/angara-draft.html"]

AGENCY_RELEASES = [SOYUZ, PROGRESS, REPORT_PDF, STATEMENT_DOCX, EXPRESS, GATEWAY, BAIKONUR_EN,
                   ANGARA, HOSTILE]

ROBOTS = """# robots.txt of the fixture agency
User-agent: *
Disallow: /*?print=
Disallow: /drafts/*-draft.html$
Allow: /

User-agent: SomeOtherBot
Disallow: /
"""


def _rss(site: Site, elsewhere: Site) -> str:
    def item(title: str, link: str, date: str, extra: str = "") -> str:
        from xml.sax.saxutils import escape

        return (f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
                f"<pubDate>{date}</pubDate>{extra}</item>")

    items = [
        item(SOYUZ.title, site.url(SOYUZ.path), SOYUZ.date,
             "<description>Экипаж прибыл на станцию.</description>"),
        item(PROGRESS.title, site.url(REDIRECT_PATH), PROGRESS.date),
        item(REPORT_PDF.title, site.url(REPORT_PDF.path), REPORT_PDF.date),
        item(STATEMENT_DOCX.title, site.url(STATEMENT_DOCX.path), STATEMENT_DOCX.date),
        item("Версия для печати", site.url(DISALLOWED[0]), "Tue, 02 Apr 2024 10:00:00 +0300"),
        item("Черновик", site.url(DISALLOWED[1]), "Tue, 02 Apr 2024 11:00:00 +0300"),
        item("Перепечатка на другом сайте", elsewhere.url("/reprint.html"),
             "Wed, 03 Apr 2024 10:00:00 +0300"),
        item(HOSTILE.title.replace("\x00", ""), site.url(HOSTILE.path), HOSTILE.date),
    ]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Роскосмос: новости</title><link>{site.url('/')}</link>
<description>Пресс-релизы</description><language>ru</language>
{''.join(items)}
</channel></rss>
"""


def _atom(site: Site) -> str:
    entries = "".join(
        f"""<entry><title>{r.title}</title><link rel="alternate" href="{site.url(r.path)}"/>
<id>tag:agency.test,2024:{r.path}</id><published>{r.date}</published><updated>{r.date}</updated>
<author><name>Press service</name></author></entry>
"""
        for r in (GATEWAY, BAIKONUR_EN)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Roscosmos news in English</title>
<id>tag:agency.test,2024:en</id><updated>2024-04-12T09:00:00+03:00</updated>
<link rel="self" href="{site.url('/en/atom.xml')}"/>
{entries}</feed>
"""


def _rdf(site: Site) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{site.url('/rdf.xml')}"><title>Роскосмос (RDF)</title>
<link>{site.url('/')}</link><description>Новости</description>
<items><rdf:Seq><rdf:li rdf:resource="{site.url(EXPRESS.path)}"/>
<rdf:li rdf:resource="{site.url(ALIAS_PATH)}"/></rdf:Seq></items></channel>
<item rdf:about="{site.url(EXPRESS.path)}"><title>{EXPRESS.title}</title>
<link>{site.url(EXPRESS.path)}</link><dc:date>{EXPRESS.date}</dc:date>
<dc:creator>Пресс-служба</dc:creator></item>
<item rdf:about="{site.url(ALIAS_PATH)}"><title>{SOYUZ.title} (перепечатка)</title>
<link>{site.url(ALIAS_PATH)}</link><dc:date>2024-04-11</dc:date></item>
</rdf:RDF>
"""


def _sitemaps(site: Site) -> tuple[str, str]:
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{site.url('/sitemap-news.xml')}</loc><lastmod>2024-04-11</lastmod></sitemap>
</sitemapindex>
"""
    news = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{site.url(SOYUZ.path)}</loc><lastmod>2024-04-11</lastmod></url>
<url><loc>{site.url(ANGARA.path)}</loc><lastmod>{ANGARA.date}</lastmod></url>
</urlset>
"""
    return index, news


def build_agency(site: Site, elsewhere: Site) -> None:
    ru = [
        "С космодрома Байконур 23 марта 2024 г. стартовала ракета-носитель «Союз-2.1а».",
        "Экипаж в составе Олега Новицкого, Марины Василевской и Трейси Дайсон прибыл на МКС.",
    ]
    for release in (SOYUZ, PROGRESS, EXPRESS, ANGARA, HOSTILE):
        title = release.title.replace("\x00", "")
        release.body = page(title, "ru", ru, date=release.date).encode("utf-8")
    en = [
        "On 12 April the Soyuz-2.1a rocket was rolled out to Site 31 of the Baikonur Cosmodrome.",
        "NASA, ESA and JAXA representatives attended the ceremony.",
    ]
    for release in (GATEWAY, BAIKONUR_EN):
        release.body = page(release.title, "en", en, date=release.date).encode("utf-8")
    REPORT_PDF.body = make_pdf(REPORT_PDF.title, [
        "Космодром Байконур готов к запуску корабля «Союз МС-25» 21 марта 2024 г.",
        "Стартовый комплекс «Гагаринский старт» прошёл проверку.",
    ])
    STATEMENT_DOCX.body = make_docx(STATEMENT_DOCX.title, [
        "Пуск ракеты-носителя «Союз-2.1а» перенесён на 23 марта 2024 г.",
        "Қазақстан тарапы «Бәйтерек» жобасы бойынша ақпарат берді.",
    ])
    for release in AGENCY_RELEASES:
        kind = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf",
                ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                }[release.ext]
        site.static(release.path, release.body, kind)
    site.static(ALIAS_PATH, SOYUZ.body, "text/html; charset=utf-8")
    for path in DISALLOWED:
        site.static(path.split("?")[0], page("Черновик", "ru", ["Не для публикации."],
                                             date="2024-04-02"), "text/html")
    site.routes[REDIRECT_PATH] = lambda req: req.answer(
        301, b"", {"Location": PROGRESS.path}
    )
    site.static("/robots.txt", ROBOTS, "text/plain")
    site.static("/rss.xml", _rss(site, elsewhere), "application/rss+xml; charset=utf-8")
    site.static("/en/atom.xml", _atom(site), "application/atom+xml")
    site.static("/rdf.xml", _rdf(site), "application/rdf+xml")
    index, news = _sitemaps(site)
    site.static("/sitemap.xml", index, "application/xml")
    site.static("/sitemap-news.xml", news, "application/xml")
    elsewhere.static("/reprint.html", page("Перепечатка", "ru", ["Текст."], date="2024-04-03"),
                     "text/html")


# --------------------------------------------------------------------------- the hostile site

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass(frozen=True)
class HostileItem:
    path: str
    title: str
    reason: str  # the summary's reason the fetcher must give


HOSTILE_ITEMS = [
    HostileItem("/h/server-error", "Server error", "HTTP 500"),
    HostileItem("/h/retry-after", "Busy for a second", ""),  # fetched after one retry
    HostileItem("/h/declared-huge", "Declared 21 MB", "too large"),
    HostileItem("/h/endless", "Streams past 20 MB", "too large"),
    HostileItem("/h/bomb", "Gzip bomb", "too large"),
    HostileItem("/h/slow", "Trickles bytes", "timed out"),
    HostileItem("/h/photo", "Photo served as a release", "not a release"),
    HostileItem("/h/disguised", "PNG served as text/html", "not a release"),
    HostileItem("/h/away", "Redirect to another host", "redirect to another site refused"),
]
RETRY_PAGE = page("Solar Orbiter passes the Sun", "en", ["A release served after a 429."],
                  date="2024-03-01")
SLOW_SECONDS = 6.0


@functools.lru_cache(maxsize=1)
def gzip_bomb(megabytes: int) -> bytes:
    """`megabytes` of zeros as one gzip stream (about 1 KB per MB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * MB
    return b"".join([compressor.compress(block) for _ in range(megabytes)]) + compressor.flush()


def build_hostile(site: Site, elsewhere: Site) -> None:
    from xml.sax.saxutils import escape

    items = "".join(
        f"<item><title>{escape(h.title)}</title><link>{site.url(h.path)}</link>"
        f"<pubDate>{email.utils.format_datetime(_day(n))}</pubDate></item>"
        for n, h in enumerate(HOSTILE_ITEMS)
    )
    site.static("/feed.xml", f"""<?xml version="1.0"?><rss version="2.0"><channel>
<title>Hostile agency</title><link>{site.url('/')}</link><description>-</description>
{items}</channel></rss>""", "application/rss+xml")
    site.static("/page-as-feed", page("Our news", "en", ["Not a feed."], date="2024-01-01"),
                "application/rss+xml")
    site.static("/broken.xml", '<?xml version="1.0"?><rss version="2.0"><channel><item>'
                "<title>Unclosed", "application/rss+xml")
    site.static("/empty.xml", b"", "application/rss+xml")
    site.static("/laughs.xml", """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol3;</loc></url></urlset>
""", "application/xml")

    site.routes["/h/server-error"] = lambda req: req.answer(500, b"oops", {})
    calls = {"n": 0}

    def retry_after(req: _RequestHandler) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            req.answer(429, b"slow down", {"Retry-After": "1"})
        else:
            req.answer(200, RETRY_PAGE.encode(), {"Content-Type": "text/html"})

    site.routes["/h/retry-after"] = retry_after

    def declared_huge(req: _RequestHandler) -> None:
        req.start_body(200, {"Content-Type": "text/html", "Content-Length": str(LIMIT + MB)})
        req.wfile.write(b"<html>" + b" " * 65536)

    site.routes["/h/declared-huge"] = declared_huge

    def endless(req: _RequestHandler) -> None:  # no Content-Length: the body ends at close
        req.start_body(200, {"Content-Type": "text/html"})
        block = b"<p>" + b"x" * (MB - 3)
        for _ in range(LIMIT // MB + 5):
            req.wfile.write(block)

    site.routes["/h/endless"] = endless
    bomb = gzip_bomb(200)

    def bomb_route(req: _RequestHandler) -> None:
        req.start_body(200, {"Content-Type": "text/html", "Content-Encoding": "gzip",
                             "Content-Length": str(len(bomb))})
        req.wfile.write(bomb)

    site.routes["/h/bomb"] = bomb_route

    def slow(req: _RequestHandler) -> None:
        req.start_body(200, {"Content-Type": "text/html"})
        end = time.monotonic() + SLOW_SECONDS
        req.wfile.write(b"<html><p>")
        while time.monotonic() < end:
            req.wfile.write(b"x")
            req.wfile.flush()
            time.sleep(0.05)

    site.routes["/h/slow"] = slow

    def photo(req: _RequestHandler) -> None:
        # An endless image: read, it would run into the deadline instead of being refused.
        req.start_body(200, {"Content-Type": "image/png"})
        req.wfile.write(PNG)
        end = time.monotonic() + SLOW_SECONDS
        while time.monotonic() < end:
            req.wfile.write(b"\0")
            req.wfile.flush()
            time.sleep(0.05)

    site.routes["/h/photo"] = photo
    site.static("/h/disguised", PNG, "text/html")
    site.routes["/h/away"] = lambda req: req.answer(
        302, b"", {"Location": elsewhere.url("/stolen.html")}
    )
    elsewhere.static("/stolen.html", page("Elsewhere", "en", ["Not ours."], date="2024-01-01"),
                     "text/html")


def _day(n: int) -> Any:
    from datetime import UTC, datetime, timedelta

    return datetime(2024, 3, 20, 12, 0, tzinfo=UTC) - timedelta(days=n)


def build_busy(site: Site) -> None:
    site.static("/feed.xml", f"""<?xml version="1.0"?><rss version="2.0"><channel>
<title>Busy</title><link>{site.url('/')}</link><description>-</description>
<item><title>First</title><link>{site.url('/a.html')}</link>
<pubDate>Mon, 01 Apr 2024 10:00:00 GMT</pubDate></item>
<item><title>Second</title><link>{site.url('/b.html')}</link>
<pubDate>Sun, 31 Mar 2024 10:00:00 GMT</pubDate></item>
</channel></rss>""", "application/rss+xml")
    for path in ("/a.html", "/b.html"):
        site.routes[path] = lambda req: req.answer(429, b"busy", {"Retry-After": "3600"})


# --------------------------------------------------------------------------- all of it


@dataclass
class Sites:
    agency: Site
    hostile: Site
    busy: Site
    elsewhere: Site

    def all(self) -> list[Site]:
        return [self.agency, self.hostile, self.busy, self.elsewhere]

    def stop(self) -> None:
        for site in self.all():
            site.stop()

    def reset_hits(self) -> None:
        for site in self.all():
            site.hits.clear()

    def sources_toml(self, *, settings: str = "") -> str:
        a, h, b = self.agency, self.hostile, self.busy
        return f"""[fetch]
contact = "mailto:press@orbita.test"
connect_timeout = 2
read_timeout = 1
deadline = 1.5
max_retry_after = 5
retries = 2
{settings}
[[source]]
key = "roscosmos"
name = "Роскосмос"
lang = "ru"
feeds = ["{a.url('/rss.xml')}", "{a.url('/en/atom.xml')}", "{a.url('/rdf.xml')}"]
sitemaps = ["{a.url('/sitemap.xml')}"]

[[source]]
key = "esa"
name = "European Space Agency"
lang = "en"
feeds = ["{h.url('/feed.xml')}", "{h.url('/page-as-feed')}", "{h.url('/broken.xml')}",
         "{h.url('/empty.xml')}"]
sitemaps = ["{h.url('/laughs.xml')}"]

[[source]]
key = "jaxa"
name = "JAXA"
feeds = ["{b.url('/feed.xml')}"]
"""


def build_sites() -> Sites:
    sites = Sites(Site("agency"), Site("hostile"), Site("busy"), Site("elsewhere"))
    for site in sites.all():
        site.start()
    build_agency(sites.agency, sites.elsewhere)
    build_hostile(sites.hostile, sites.elsewhere)
    build_busy(sites.busy)
    return sites


def gzip_text(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"))
