"""The search page, the document page and the JSON API: one result dict, two views."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import (
    EXTRA_DOCS,
    NASA_ID,
    ROSCOSMOS_2018_ID,
    ROSCOSMOS_2021_ID,
    SEED_ID,
    SEED_TITLE,
    SHIPPED_CORPUS,
    TAGS_TXT_ID,
    XSS_HTML_ID,
    copy_corpus,
    write_docs,
)
from flask import Flask
from flask.testing import FlaskClient

from search.index import reindex
from web import create_app
from web.i18n import ru_plural
from web.pages import page_numbers
from web.serve import parse_args

SEED_URL = "/doc/" + quote(SEED_ID)
TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"
XSS = "<script>alert(1)</script>"


# --- reading both views the same way ----------------------------------------------------


@dataclass
class Answer:
    """What a search answered, read from the page's HTML or from the API's JSON."""

    status: int
    total: int | None = None
    ids: list[str] = field(default_factory=list)
    hits_html: dict[str, str] = field(default_factory=dict)  # id -> title + snippet HTML
    dates: list[str | None] = field(default_factory=list)
    error_code: str | None = None
    error_message: str | None = None


def _id_from_href(href: str) -> str:
    path = urlsplit(href).path
    assert path.startswith("/doc/"), href
    return unquote(path.removeprefix("/doc/"))


def ask(client: FlaskClient, view: str, params: dict[str, str]) -> Answer:
    if view == "api":
        r = client.get("/api/search", query_string=params)
        data = r.get_json()
        if "error" in data:
            err = data["error"]
            assert set(err) == {"code", "message"}
            return Answer(r.status_code, error_code=err["code"], error_message=err["message"])
        hits = data["hits"]
        return Answer(
            r.status_code,
            total=data["total"],
            ids=[h["id"] for h in hits],
            hits_html={h["id"]: h["title_html"] + " " + h["snippet_html"] for h in hits},
            dates=[h["date"] for h in hits],
        )
    r = client.get("/", query_string=params)
    assert r.mimetype == "text/html"
    soup = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    error = soup.select_one(".error")
    if error is not None:
        return Answer(r.status_code, error_code=error["data-code"], error_message=error.text)
    found = soup.select_one(".found")
    total = int(re.search(r"Найдено: ([\d\u202f]+)", found.text)[1].replace("\u202f", ""))
    ids, hits_html, dates = [], {}, []
    for li in soup.select("ol.hits li.hit"):
        link = li.select_one("h2 a")
        doc_id = _id_from_href(link["href"])
        ids.append(doc_id)
        snippet = li.select_one(".snippet").decode_contents()
        hits_html[doc_id] = link.decode_contents() + " " + snippet
        time = li.select_one("time")
        dates.append(time["datetime"] if time else None)
    return Answer(r.status_code, total=total, ids=ids, hits_html=hits_html, dates=dates)


VIEWS = pytest.mark.parametrize("view", ["page", "api"])


def html(client: FlaskClient, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code)
    assert r.mimetype == "text/html"
    return r.get_data(as_text=True)


# --- finding the seed release -------------------------------------------------------------

SEED_QUERIES = [
    ("Байтерека", ["Байтерек"]),
    ("космодрома Байконур", ["космодроме", "Байконур"]),
    ("привлечении инвестиций", ["привлечении", "инвестиций"]),
    ("казахстанские специалисты", ["казахстанских", "специалистов"]),
]


@VIEWS
@pytest.mark.parametrize(("q", "marked"), SEED_QUERIES)
def test_query_in_other_forms_finds_the_seed_with_marks(client, view, q, marked):
    answer = ask(client, view, {"q": q})
    assert answer.status == 200
    assert answer.ids[0] == SEED_ID
    for word in marked:
        assert f"<mark>{word}</mark>" in answer.hits_html[SEED_ID]


@pytest.mark.parametrize(("q", "marked"), SEED_QUERIES)
def test_page_and_api_agree(client, q, marked):
    page, api = ask(client, "page", {"q": q}), ask(client, "api", {"q": q})
    assert (page.total, page.ids, page.dates) == (api.total, api.ids, api.dates)


def test_seed_title_is_shown_highlighted_and_links_to_the_document_with_the_query(client):
    soup = BeautifulSoup(html(client, "/?q=космодрома+Байконур"), "html.parser")
    link = soup.select_one("ol.hits li.hit h2 a")
    assert link.text == SEED_TITLE
    assert urlsplit(link["href"]).path == SEED_URL
    assert parse_qs(urlsplit(link["href"]).query) == {"q": ["космодрома Байконур"]}
    assert [m.text for m in link.select("mark")] == ["космодроме", "Байконур"]


def test_api_shape(client):
    r = client.get("/api/search", query_string={"q": "Байтерека"})
    assert r.status_code == 200
    assert r.mimetype == "application/json"
    assert "Байтерек".encode() in r.data  # readable UTF-8, not \u escapes
    data = r.get_json()
    assert list(data) == [
        "query", "total", "page", "per_page", "took_ms", "hits", "facets", "filters",
    ]
    assert data["query"] == "Байтерека"
    assert (data["page"], data["per_page"]) == (1, 10)
    assert isinstance(data["total"], int) and data["total"] >= 1
    assert isinstance(data["took_ms"], float)
    hit = data["hits"][0]
    assert set(hit) == {
        "id", "title", "title_html", "snippet_html", "date", "source", "lang", "score",
        "source_label", "duplicates", "url", "indexed_at", "source_url",
    }
    assert hit["id"] == SEED_ID
    assert hit["title"] == SEED_TITLE
    assert hit["url"] == SEED_URL
    assert hit["lang"] == "ru"
    assert isinstance(hit["score"], float)


def test_every_hit_url_opens_its_document(client):
    q = "Байконур OR ракета OR телескоп"
    data = client.get("/api/search", query_string={"q": q}).get_json()
    assert len(data["hits"]) == 10
    for hit in data["hits"]:
        assert hit["url"] == "/doc/" + quote(hit["id"])
        soup = BeautifulSoup(html(client, hit["url"]), "html.parser")
        assert soup.select_one("article h1").text == hit["title"]


def test_english_release_is_found_with_its_metadata(client):
    data = client.get("/api/search", query_string={"q": "Artemis rocket"}).get_json()
    hit = data["hits"][0]
    assert (hit["id"], hit["date"], hit["source"], hit["lang"]) == (
        NASA_ID, "2022-11-16", "nasa", "en",
    )
    page = html(client, "/?q=Artemis+rocket")
    assert '<time datetime="2022-11-16">16 ноября 2022</time>' in page
    assert '<span class="source" translate="no">NASA</span>' in page  # the name (sources.txt)


# --- bad parameters -----------------------------------------------------------------------

BAD_PARAMS = [
    ({"q": "x" * 1001}, "query_too_long"),
    ({"q": "Байконур", "page": "abc"}, "bad_page"),
    ({"q": "Байконур", "page": "1.5"}, "bad_page"),
    ({"q": "Байконур", "page": "0"}, "bad_page"),
    ({"q": "Байконур", "page": "-1"}, "bad_page"),
    ({"q": "Байконур", "page": "100000"}, "bad_page"),
    ({"q": "Байконур", "page": "9" * 5000}, "bad_page"),
    ({"q": "Байконур", "per_page": "ten"}, "bad_per_page"),
    ({"q": "Байконур", "per_page": "0"}, "bad_per_page"),
    ({"q": "Байконур", "per_page": "101"}, "bad_per_page"),
    ({"q": "Байконур", "sort": "name"}, "bad_sort"),
    ({"q": "Байконур", "sort": "<b>date</b>"}, "bad_sort"),
]


@VIEWS
@pytest.mark.parametrize(("params", "code"), BAD_PARAMS)
def test_bad_parameter_is_400_with_a_plain_russian_message(client, view, params, code):
    answer = ask(client, view, params)
    assert (answer.status, answer.error_code) == (400, code)
    assert re.search("[а-яА-Я]", answer.error_message)
    assert "Traceback" not in answer.error_message


@pytest.mark.parametrize(("params", "code"), BAD_PARAMS)
def test_page_and_api_give_the_same_error_message(client, params, code):
    assert ask(client, "page", params).error_message == ask(client, "api", params).error_message


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}])
def test_api_without_query_is_400_empty_query(client, params):
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "empty_query"


@pytest.mark.parametrize("url", ["/", "/?q=", "/?q=+++"])
def test_page_without_query_is_the_search_form(client, url):
    page = html(client, url)
    soup = BeautifulSoup(page, "html.parser")
    box = soup.select_one("form.search input[name=q]")
    assert box.has_attr("autofocus")
    assert soup.select_one(".error") is None and soup.select_one("ol.hits") is None
    assert "ИЛИ" in soup.select_one("details.help").text


@VIEWS
def test_empty_page_and_per_page_mean_the_defaults(client, view):
    answer = ask(client, view, {"q": "Байконур", "page": "", "per_page": "", "sort": ""})
    assert answer.status == 200 and answer.ids


def test_bad_parameter_page_keeps_the_query_in_the_box(client):
    soup = BeautifulSoup(html(client, "/?q=Байконур&page=abc", 400), "html.parser")
    assert soup.select_one("input[name=q]")["value"] == "Байконур"


# --- errors outside search ----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/nope", "/api/", "/api", "/api/search/extra"])
def test_unknown_api_path_is_404_json(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert r.get_json() == {"error": {"code": "not_found", "message": "Такой страницы нет."}}


@pytest.mark.parametrize("url", ["/nope", "/doc/", "/search", "/static/nope.css"])
def test_unknown_page_is_404_html_in_russian(client, url):
    page = html(client, url, 404)
    assert '<html lang="ru">' in page and "Такой страницы нет." in page


@pytest.mark.parametrize(
    ("view", "url"), [("api", f"/api/doc/{SEED_ID}x"), ("page", f"/doc/{SEED_ID}x")]
)
def test_unknown_doc_is_404_in_html_and_json(client, view, url):
    r = client.get(url)
    assert r.status_code == 404
    if view == "api":
        assert r.get_json()["error"]["code"] == "not_found"
    else:
        assert "Такого документа в индексе нет." in r.get_data(as_text=True)


def test_wrong_method_is_405_json_under_api_and_html_elsewhere(client):
    r = client.post("/api/search", data={"q": "x"})
    assert r.status_code == 405
    assert r.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in r.headers["Allow"]
    r = client.post("/")
    assert r.status_code == 405 and r.mimetype == "text/html"
    assert "Метод не поддерживается" in r.get_data(as_text=True)


def test_unexpected_error_is_500_without_traceback_and_is_logged(index_dir, caplog):
    app = create_app({"INDEX_DIR": index_dir})

    def boom():
        raise RuntimeError("secret detail")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/boom", "api_boom", boom)
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        page, api = client.get("/boom"), client.get("/api/boom")
    assert (page.status_code, api.status_code) == (500, 500)
    assert api.get_json()["error"]["code"] == "internal_error"
    for r in (page, api):
        body = r.get_data(as_text=True)
        assert "secret detail" not in body and "Traceback" not in body
    assert "Ошибка сервера" in page.get_data(as_text=True)
    assert "secret detail" in caplog.text


# --- the document page --------------------------------------------------------------------


def test_document_page_shows_the_whole_release_with_paragraphs(client):
    soup = BeautifulSoup(html(client, SEED_URL), "html.parser")
    article = soup.select_one("article.document")
    assert article.h1.text == SEED_TITLE
    paragraphs = [p.text for p in article.select("p:not(.meta)")]
    assert len(paragraphs) >= 10
    assert paragraphs[-1].endswith("Казахстан – Россия – ОАЭ.")
    assert not article.select("mark")
    assert soup.select_one("nav.back a")["href"] == "/"


def test_document_page_highlights_the_query_and_links_back(client):
    soup = BeautifulSoup(html(client, SEED_URL + "?q=Байтерека"), "html.parser")
    marks = {m.text for m in soup.select("article mark")}
    assert marks == {"Байтерек"}
    back = soup.select_one("nav.back a")["href"]
    assert urlsplit(back).path == "/"
    assert parse_qs(urlsplit(back).query) == {"q": ["Байтерека"]}


def test_document_api_agrees_with_the_page(client):
    data = client.get(f"/api/doc/{SEED_ID}", query_string={"q": "инвестиций"}).get_json()
    assert (data["id"], data["title"], data["url"]) == (SEED_ID, SEED_TITLE, SEED_URL)
    soup = BeautifulSoup(html(client, SEED_URL + "?q=инвестиций"), "html.parser")
    page_paragraphs = [p.decode_contents() for p in soup.select("article p:not(.meta)")]
    assert page_paragraphs == data["paragraphs_html"]
    assert "<mark>инвестиций</mark>" in " ".join(data["paragraphs_html"])


def test_document_with_a_query_the_engine_refuses_is_shown_unmarked(client):
    page = html(client, SEED_URL + "?q=" + "Байтерек " * 200)
    assert "<mark>" not in page and SEED_TITLE.split()[0] in page


TRAVERSALS = [
    "../pyproject.toml",
    "../../../../etc/passwd",
    "..%2fpyproject.toml",
    "%2e%2e%2fpyproject.toml",
    "%2e%2e/%2e%2e/etc/passwd",
    "mdai-kz/../mdai-kz/baikonur-talks-baiterek.txt",
    "./mdai-kz/baikonur-talks-baiterek.txt",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "..%5cpyproject.toml",
    "mdai-kz%5cbaikonur-talks-baiterek.txt",
    "mdai-kz\\baikonur-talks-baiterek.txt",
    "mdai-kz/baikonur-talks-baiterek.txt%00",
    "%00",
    "C:/Windows/win.ini",
    "mdai-kz//baikonur-talks-baiterek.txt",
    str(SHIPPED_CORPUS / SEED_ID),
]


@pytest.mark.parametrize("doc_id", TRAVERSALS)
@pytest.mark.parametrize("prefix", ["/doc/", "/api/doc/"])
def test_path_tricks_in_document_ids_are_404(client, prefix, doc_id):
    r = client.get(prefix + doc_id)
    assert r.status_code == 404
    body = r.get_data(as_text=True)
    assert "Министр оборонной" not in body and "[project]" not in body and "root:" not in body
    if prefix == "/api/doc/":
        assert r.get_json()["error"]["code"] == "not_found"
    else:
        assert r.mimetype == "text/html"


# --- escaping -----------------------------------------------------------------------------

OWN_SCRIPTS = {"/static/suggest.js"}  # external, deferred: the CSP forbids inline scripts


def without_own_scripts(page: str) -> str:
    """The page with our own external script tags removed (they must be empty)."""
    for src in OWN_SCRIPTS:
        page = page.replace(f'<script src="{src}" defer></script>', "")
    return page


PAGES_WITH_USER_TEXT = [
    "/?q=телескоп+снимки",
    "/?q=onerror",
    "/?q=обсерватория+метеоры",
    "/doc/" + XSS_HTML_ID + "?q=onerror",
    "/doc/" + TAGS_TXT_ID + "?q=script",
    "/?q=" + quote(XSS),
    "/?q=" + quote('"><img src=x onerror=alert(1)>'),
]


@pytest.mark.parametrize("url", PAGES_WITH_USER_TEXT)
def test_no_markup_from_documents_or_queries_gets_through(client, url):
    page = without_own_scripts(html(client, url))
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.select("script, img, iframe, object, svg")
    assert not [a for tag in soup.find_all(True) for a in tag.attrs if a.startswith("on")]
    assert "style=" not in page  # CSP allows no inline styles either


def test_document_text_is_escaped_on_the_document_page(client):
    page = html(client, "/doc/" + TAGS_TXT_ID)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Обсерватория &amp; &lt;b&gt;метеоры&lt;/b&gt;" in page
    page = html(client, "/doc/" + XSS_HTML_ID)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_document_text_is_escaped_in_snippets(client):
    data = client.get("/api/search", query_string={"q": "onerror"}).get_json()
    assert {h["id"] for h in data["hits"]} == {XSS_HTML_ID, TAGS_TXT_ID}
    for hit in data["hits"]:
        assert "&lt;img src=x <mark>onerror</mark>=alert(1)&gt;" in hit["snippet_html"]
        assert "<img" not in hit["snippet_html"]


def test_echoed_query_is_escaped_in_the_box_and_the_title(client):
    page = html(client, "/?q=" + quote(XSS))
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("input[name=q]")["value"] == XSS
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; — Орбита</title>" in page


def test_quote_in_the_query_cannot_leave_the_value_attribute(client):
    q = '" autofocus onfocus="alert(1)'
    soup = BeautifulSoup(html(client, "/?q=" + quote(q)), "html.parser")
    box = soup.select_one("input[name=q]")
    assert box["value"] == q
    assert not box.has_attr("onfocus")


@pytest.fixture(scope="module")
def seed_only_client(tmp_path_factory) -> FlaskClient:
    """An app over the seed release alone, where odd queries find nothing."""
    root = tmp_path_factory.mktemp("seed-only")
    corpus = copy_corpus(SHIPPED_CORPUS, root / "corpus")
    reindex(corpus, root / "index", full=True)
    return create_app({"TESTING": True, "INDEX_DIR": root / "index"}).test_client()


def test_empty_state_echoes_the_query_as_text_and_gives_advice(seed_only_client):
    page = html(seed_only_client, "/?q=" + quote(XSS))
    soup = BeautifulSoup(page, "html.parser")
    empty = soup.select_one("section.empty")
    assert empty.select_one(".echo").text == XSS
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in empty.decode_contents()
    assert "Ничего не найдено" in empty.text
    assert "меньше слов" in empty.text or "убрать часть слов" in empty.text
    assert "написание" in empty.text
    assert "Найдено: 0 документов" in page
    assert "<script" not in without_own_scripts(page)


def test_safe_is_used_only_on_the_engines_html(client):
    allowed = {"hit.title_html", "hit.snippet_html", "doc.title_html", "paragraph"}
    used = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"\{\{\s*([\w.]+)\s*\|\s*safe\s*\}\}", text))
        assert text.count("|safe") == len(re.findall(r"\{\{\s*[\w.]+\s*\|\s*safe\s*\}\}", text))
    assert used <= allowed


# --- security headers ---------------------------------------------------------------------

HEADER_URLS = [
    "/",
    "/?q=Байконур",
    "/?q=Байконур&page=abc",
    SEED_URL,
    "/doc/../etc/passwd",
    "/nope",
    "/api/search?q=Байконур",
    "/api/search",
    "/api/nope",
    "/healthz",
    "/static/style.css",
]


@pytest.mark.parametrize("url", HEADER_URLS)
def test_security_headers_on_every_response(client, url):
    r = client.get(url)
    r.close()
    csp = {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in r.headers["Content-Security-Policy"].split(";")
    }
    assert csp["default-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert "script-src" not in csp and "unsafe" not in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin"}
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "Server" not in r.headers


@pytest.mark.parametrize("url", ["/", "/?q=Байконур", SEED_URL, "/nope"])
def test_pages_are_plain_html_for_phones_and_desktops(client, url):
    r = client.get(url)
    soup = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    assert soup.html["lang"] == "ru"
    viewport = soup.select_one('meta[name="viewport"]')["content"]
    assert viewport == "width=device-width, initial-scale=1"
    assert [link["href"] for link in soup.select('link[rel="stylesheet"]')] == ["/static/style.css"]
    scripts = soup.select("script")
    assert {s.get("src") for s in scripts} <= OWN_SCRIPTS and not any(s.string for s in scripts)
    assert not soup.select("[style]")


def test_results_page_links_its_json(client):
    r = client.get("/?q=Байконур&sort=date")
    assert r.headers["Link"] == (
        '</api/search?q=%D0%91%D0%B0%D0%B9%D0%BA%D0%BE%D0%BD%D1%83%D1%80&sort=date>; '
        'rel="alternate"; type="application/json"'
    )


# --- counting, paging and sorting -----------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (0, "документов"), (1, "документ"), (2, "документа"), (4, "документа"),
        (5, "документов"), (11, "документов"), (12, "документов"), (14, "документов"),
        (21, "документ"), (22, "документа"), (25, "документов"), (101, "документ"),
        (111, "документов"), (1004, "документа"),
    ],
)
def test_russian_plural_of_documents(n, word):
    assert ru_plural(n, "документ", "документа", "документов") == word


@pytest.mark.parametrize(
    ("q", "found"),
    [("Байтерека", "Найдено: 1 документ ·"), ("ракета", "Найдено: 15 документов ·"),
     ("Союз", "Найдено: 2 документа ·")],
)
def test_found_line_counts_in_proper_russian(client, q, found):
    page = html(client, "/?q=" + quote(q))
    assert re.search(re.escape(found) + r" (&lt;1|\d+) мс", page)


@pytest.mark.parametrize(
    ("page", "last", "expected"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 20, [1, 2, 3, None, 20]),
        (5, 20, [1, None, 3, 4, 5, 6, 7, None, 20]),
        (4, 20, [1, 2, 3, 4, 5, 6, None, 20]),
        (20, 20, [1, None, 18, 19, 20]),
    ],
)
def test_page_numbers_around_the_current_page(page, last, expected):
    assert page_numbers(page, last) == expected


def test_api_pages_split_the_results_without_overlap(client):
    def ids(page, per_page):
        params = {"q": "ракета", "page": page, "per_page": per_page}
        return [h["id"] for h in client.get("/api/search", query_string=params).get_json()["hits"]]

    first, second, third = ids(1, 5), ids(2, 5), ids(3, 5)
    assert (len(first), len(second), len(third)) == (5, 5, 5)
    assert first + second + third == ids(1, 15)


@VIEWS
def test_second_page_of_a_query(client, view):
    first = ask(client, view, {"q": "ракета"})
    second = ask(client, view, {"q": "ракета", "page": "2"})
    assert first.total == second.total == 15  # the Байтерек rocket complex too
    assert (len(first.ids), len(second.ids)) == (10, 5)
    assert not set(first.ids) & set(second.ids)


def test_pager_links_keep_the_query_and_sort(client):
    soup = BeautifulSoup(html(client, "/?q=ракета&sort=date&page=2"), "html.parser")
    pager = soup.select_one("nav.pager")
    assert pager.select_one("[aria-current=page]").text == "2"
    links = {a.text.strip(): parse_qs(urlsplit(a["href"]).query) for a in pager.select("a")}
    assert links["1"] == {"q": ["ракета"], "sort": ["date"]}
    assert links["← Назад"] == links["1"]
    assert "Вперёд →" not in links
    box = soup.select_one("form.search")
    assert box.select_one("input[name=sort]")["value"] == "date"


def test_sort_switch_keeps_the_query_and_goes_back_to_page_one(client):
    soup = BeautifulSoup(html(client, "/?q=ракета&page=2"), "html.parser")
    switch = soup.select_one(".sort")
    assert switch.select_one("[aria-current]").text == "по релевантности"
    link = switch.select_one("a")
    assert link.text == "по дате"
    assert parse_qs(urlsplit(link["href"]).query) == {"q": ["ракета"], "sort": ["date"]}


def test_page_past_the_last_says_so(client):
    soup = BeautifulSoup(html(client, "/?q=Байтерека&page=3"), "html.parser")
    assert "результатов уже нет" in soup.select_one(".empty").text
    assert parse_qs(urlsplit(soup.select_one(".empty a")["href"]).query) == {"q": ["Байтерека"]}


@VIEWS
def test_sort_by_date_puts_dated_documents_first_newest_first(client, view):
    answer = ask(client, view, {"q": "Байконур", "sort": "date"})
    assert answer.status == 200
    assert answer.ids[:2] == [ROSCOSMOS_2021_ID, ROSCOSMOS_2018_ID]
    assert SEED_ID in answer.ids[2:]
    dated = [d for d in answer.dates if d]
    assert dated == sorted(dated, reverse=True)
    assert answer.dates == dated + [None] * (len(answer.dates) - len(dated))


def test_sort_by_date_and_by_relevance_find_the_same_documents(client):
    by_date = ask(client, "api", {"q": "Байконур", "sort": "date"})
    by_relevance = ask(client, "api", {"q": "Байконур"})
    assert by_date.total == by_relevance.total
    assert set(by_date.ids) == set(by_relevance.ids)


# --- health, the index and the app factory ------------------------------------------------


def test_healthz_counts_documents(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok", "documents": 1 + len(EXTRA_DOCS)}


@pytest.mark.parametrize(
    ("url", "json"),
    [("/", False), ("/?q=Байконур", False), (SEED_URL, False),
     ("/api/search?q=Байконур", True), (f"/api/doc/{SEED_ID}", True)],
)
def test_without_an_index_every_view_says_to_run_reindex_with_503(no_index_app, url, json):
    r = no_index_app.test_client().get(url)
    assert r.status_code == 503
    if json:
        assert r.get_json()["error"]["code"] == "no_index"
        assert "reindex" in r.get_json()["error"]["message"]
    else:
        assert "Индекс ещё не построен — запустите reindex" in r.get_data(as_text=True)


def test_healthz_without_an_index_is_503_no_index(no_index_app):
    r = no_index_app.test_client().get("/healthz")
    assert r.status_code == 503
    assert r.get_json()["status"] == "no_index"


def test_app_picks_up_a_new_index_without_a_restart(tmp_path):
    corpus, index = copy_corpus(SHIPPED_CORPUS, tmp_path / "corpus"), tmp_path / "index"
    client = create_app({"TESTING": True, "INDEX_DIR": index}).test_client()
    assert client.get("/healthz").status_code == 503  # started before the first reindex

    reindex(corpus, index, full=True)
    assert client.get("/healthz").get_json() == {"status": "ok", "documents": 1}
    assert ask(client, "api", {"q": "Гагарин"}).total == 0

    write_docs(corpus, {"roscosmos/gagarin.txt": "Гагарин открыл дорогу в космос\n\n"
                        "Юрий Гагарин первым облетел Землю.\n"})
    reindex(corpus, index)
    for view in ("api", "page"):
        answer = ask(client, view, {"q": "Гагарина"})
        assert answer.ids == ["roscosmos/gagarin.txt"]
        assert "<mark>Гагарин</mark>" in answer.hits_html["roscosmos/gagarin.txt"]
    assert client.get("/doc/roscosmos/gagarin.txt").status_code == 200
    assert client.get("/healthz").get_json()["documents"] == 2


def test_config_comes_from_the_mapping_then_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ORBITA_INDEX", str(tmp_path / "env-index"))
    monkeypatch.setenv("ORBITA_CORPUS", str(tmp_path / "env-corpus"))
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app()
    assert app.config["INDEX_DIR"] == tmp_path / "env-index"
    assert app.config["CORPUS_DIR"] == tmp_path / "env-corpus"
    assert not app.debug
    app = create_app({"INDEX_DIR": tmp_path / "given"})
    assert app.config["INDEX_DIR"] == tmp_path / "given"
    monkeypatch.delenv("ORBITA_INDEX")
    monkeypatch.chdir(tmp_path)
    assert create_app().config["INDEX_DIR"] == tmp_path / "index"


def test_app_factory_gives_independent_apps(app: Flask, index_dir):
    other = create_app({"INDEX_DIR": index_dir})
    assert other is not app and other.extensions is not app.extensions


def test_serve_options_default_to_localhost_8000_and_a_worker_per_core():
    args = parse_args([])
    assert (args.host, args.port, args.workers, args.threads, args.dev) == (
        "127.0.0.1", 8000, os.cpu_count() or 1, 4, False)
    args = parse_args(["--host", "0.0.0.0", "--port", "9000", "--index", "ix", "--corpus", "c",
                       "--workers", "3", "--threads", "2", "--public-url",
                       "https://orbita.example.org", "--dev"])
    assert (args.host, args.port, args.index, args.corpus, args.workers, args.threads,
            args.public_url, args.dev) == (
        "0.0.0.0", 9000, "ix", "c", 3, 2, "https://orbita.example.org", True,
    )


@pytest.mark.parametrize(
    ("url", "hidden"),
    [
        ("/?q=ракета&sort=date&per_page=5", {"sort": "date", "per_page": "5"}),
        ("/?q=ракета&sort=relevance&per_page=10", {"per_page": "10"}),
        ("/?q=ракета&sort=bogus&per_page=ten", {}),
        ("/?q=ракета&per_page=500", {}),
        ("/?q=ракета&per_page=²", {}),
    ],
)
def test_search_form_carries_only_valid_sort_and_per_page(client, url, hidden):
    soup = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    fields = {i["name"]: i["value"] for i in soup.select("form.search input[type=hidden]")}
    assert fields == hidden


def test_json_link_is_built_from_the_search_not_copied_from_the_request(client):
    r = client.get("/?q=ракета&page=2&_external=1&_scheme=javascript&_anchor=x&extra=1")
    assert r.status_code == 200
    assert r.headers["Link"].startswith(
        "</api/search?q=%D1%80%D0%B0%D0%BA%D0%B5%D1%82%D0%B0&page=2>; "
    )
