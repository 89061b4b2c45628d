"""Hostile input: nasty files in the corpus, fuzzed queries and query strings, path tricks,
and the real server's headers. No stranger's script may ever reach a page, no input may give
an error page (5xx) or tie up the server.

HTML is judged by parsing it (BeautifulSoup: tags and attributes), never by substrings.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from bs4 import BeautifulSoup
from faultkit import (
    REPO_ROOT,
    Server,
    fault_env,
    reindex_cmd,
    write_releases,
)
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from searching import search

from search.engine import Engine
from search.errors import QueryError
from search.index import open_index, reindex
from search.query import highlighter_for, parse_query
from web import create_app

# --- judging HTML --------------------------------------------------------------------------

URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background", "cite",
             "xlink:href", "srcset", "ping", "manifest", "codebase", "longdesc"}
LIVE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
             "img", "video", "audio", "source", "base", "style", "template", "portal", "xml"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


def _own_script(tag) -> bool:
    """The app's own external script: a same-origin file under /static/, nothing inline."""
    src = tag.get("src", "")
    return (
        isinstance(src, str) and re.fullmatch(r"/static/[\w.-]+\.js", src) is not None
        and not tag.get_text() and set(tag.attrs) <= {"src", "defer", "async", "type"}
    )


def live_markup(html: str) -> list[str]:
    """What in a page could run or load a stranger's code: live tags, event handlers, inline
    styles, javascript:/data:/vbscript: URLs, refreshes, forms other than the search box."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(True):
        name = tag.name.lower()
        if name == "script" and _own_script(tag):
            continue
        if name in LIVE_TAGS:
            found.append(f"<{name}>")
        if name == "meta" and str(tag.get("http-equiv", "")).lower() == "refresh":
            found.append("<meta refresh>")
        if name == "form" and "search" not in tag.get("class", []):
            found.append("<form> other than the search box")
        for attr, value in tag.attrs.items():
            attr = attr.lower()
            if attr.startswith("on") or attr == "style" or attr.startswith("xmlns"):
                found.append(f"<{name} {attr}=>")
            if attr in URL_ATTRS:
                url = _INVISIBLE.sub("", " ".join(value) if isinstance(value, list) else value)
                scheme = url.split(":", 1)[0].lower() if ":" in url else ""
                icon = name == "link" and tag.get("rel") == ["icon"] and url == "data:,"
                if scheme in ("javascript", "vbscript", "livescript") or (
                    scheme == "data" and not icon
                ):
                    found.append(f"<{name} {attr}={url[:40]!r}>")
                if name == "link" and tag.get("rel") not in (["icon"], ["stylesheet"],
                                                             ["alternate"]):
                    found.append(f"<link rel={tag.get('rel')}>")
    return found


def marked_only(fragment: str) -> list[str]:
    """A highlighted title or snippet from the API: text and bare <mark> tags, nothing else."""
    soup = BeautifulSoup(fragment, "html.parser")
    return [str(t)[:60] for t in soup.find_all(True) if t.name != "mark" or t.attrs]


# --- hostile documents -------------------------------------------------------------------------

XSS_TEXT = (
    '<script>alert("xss-1")</script> <img src=x onerror=alert("xss-2")> '
    '<a href="javascript:alert(\'xss-3\')">ссылка</a> "><svg onload=alert(4)> '
    "javascript:alert(5) <iframe src=javascript:alert(6)> <body onload=alert(7)> "
    "&lt;script&gt;alert(8)&lt;/script&gt; <style>*{x:expression(alert(9))}</style>"
)
WEIRD_NAME = 'пресс-релиз "с кавычками" и пробелами ..txt'
NESTED = 10_000


def _hostile_files(corpus: Path, outside: Path) -> dict[str, str]:
    """Write the nasty corpus; returns id -> what must happen to it:
    "indexed", "skipped" (a stderr line names it), "either" (indexed or skipped) or "ignored"
    (never a document)."""
    rng = random.Random(5)
    outcome: dict[str, str] = {}

    def put(rel: str, data: bytes, what: str) -> None:
        path = corpus / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        outcome[rel] = what

    put("control/ok.txt", "Контрольный релиз\n\nОбычный текст о космодроме Байконур.".encode(),
        "indexed")
    put("junk/binary.txt", rng.randbytes(16_384), "skipped")
    put("junk/elf.txt", b"\x7fELF\x02\x01\x01" + bytes(2000), "skipped")
    put("junk/empty.txt", b"", "skipped")
    put("junk/blank.md", "\ufeff  \n\n\t\u200b\n".encode(), "skipped")
    huge = corpus / "junk" / "huge.txt"
    with open(huge, "wb") as f:  # 30 MB, sparse: made at once
        f.truncate(30 * 1024 * 1024)
    outcome["junk/huge.txt"] = "skipped"
    put("junk/nul-inside.txt", "Заголовок\n\nТекст\x00с нулём".encode(), "skipped")
    put("enc/bad-utf8.txt", "Битый UTF-8\n\nРакета стартовала ".encode() + b"\xff\xfe\xc0\xaf"
        + " успешно, телеметрия в норме.".encode(), "either")
    put("enc/utf16-no-bom.txt",
        "Спутник на орбите\n\nСпутник «Утфшестнадцать» выведен на орбиту.".encode("utf-16-le"),
        "indexed")
    put("enc/utf16-be-no-bom.txt",
        "Станция на связи\n\nСтанция «Бигэндиан» вышла на связь.".encode("utf-16-be"), "indexed")
    put("enc/mixed-cp1251-utf8.txt", "Смешанная кодировка\n\n".encode()
        + "Ракета-носитель «Виндовс» стартовала.".encode("cp1251") + " Юникод тоже.".encode(),
        "either")
    put("html/nested.html", (
        "<html><head><title>Матрёшка вложенных блоков</title></head><body>"
        + "<div>" * NESTED + "<p>Глубоко вложенный текст про матрёшку." + "</div>" * 17
        + "<p>Незакрытый абзац <b>жирный <i>курсив <table><tr><td>ячейка <ul><li>пункт"
    ).encode(), "indexed")
    put("html/unclosed.html", (
        "<html><head><title>Незакрытые теги</title><body><p>Первый абзац про луноход"
        "<p>Второй <b>абзац <a href='x'>ссылка <div>блок <span>конец"
    ).encode(), "indexed")
    put("html/xss.html", (
        "<!doctype html><html><head><meta charset=utf-8>"
        "<title>&lt;script&gt;alert('title')&lt;/script&gt; Зловредный релиз</title>"
        "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>"
        "<script>document.write('скриптовое содержимое')</script>"
        "<style>body{background:url(javascript:alert(1))}</style></head>"
        "<body onload=alert(1)><h1 onclick=alert(1)>Зловредный релиз</h1>"
        "<p>Текст как текст: &lt;script&gt;alert(1)&lt;/script&gt; и "
        "&lt;img src=x onerror=alert(1)&gt; и javascript:alert(1).</p>"
        "<p><a href=\"javascript:alert('a')\">ссылка javascript</a> "
        "<img src=x onerror=alert(1) alt=картинка> <iframe src=javascript:alert(1)></iframe>"
        "<svg><script>alert(1)</script></svg> <form action=javascript:alert(1)>"
        "<input onfocus=alert(1) autofocus></form></p>"
        "<p>Ещё абзац про зловредный релиз с «кавычками» и 'апострофами'.</p>"
        "</body></html>"
    ).encode(), "indexed")
    put("text/xss.txt", f"<script>alert('title')</script> Заголовок-ловушка\n\n{XSS_TEXT}\n\n"
        "Абзац про ловушку.".encode(), "indexed")
    put("text/xss.md", (
        "# Markdown-ловушка <img src=x onerror=alert(1)>\n\n"
        "[ссылка](javascript:alert(1)) и ![картинка](javascript:alert(2)) и "
        "<a href=\"javascript:alert(3)\">html</a>\n\n" + XSS_TEXT + "\n"
    ).encode(), "indexed")
    put("text/" + WEIRD_NAME, "Странное имя файла\n\nФайл с пробелами, кавычками и точками."
        .encode(), "indexed")
    put("папка с пробелом/две..точки..и 'апостроф'.txt", "Имя с точками\n\nЕщё одно странное "
        "имя файла.".encode(), "indexed")
    put("text/..hidden.txt", "Скрытый\n\nИмя с точки: скрытый файл.".encode(), "ignored")
    put("text/bidi-\u202eтxt.exe.txt", "Бидирекциональное имя\n\nТекст про бидирекциональность."
        .encode(), "indexed")
    put("text/long-word.txt", ("Очень длинное слово\n\n" + "я" * 1_000_000 + " конец.").encode(),
        "either")
    put("text/many-lines.txt", ("Много строк\n\n" + "строка\n\n" * 3_000).encode(), "either")
    # never documents: links out of the corpus, a FIFO (opening it would block for ever)
    (outside / "secret.txt").write_text("Секрет\n\nСекретный текст снаружи.", encoding="utf-8")
    (outside / "dir").mkdir()
    (outside / "dir" / "inner.txt").write_text("Внутри\n\nТекст в чужой папке.", encoding="utf-8")
    for rel, target in (("links/passwd.txt", Path("/etc/passwd")),
                        ("links/secret.txt", outside / "secret.txt"),
                        ("links/dir", outside / "dir"),
                        ("links/dangling.txt", outside / "nope.txt")):
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, corpus / rel)
        outcome[rel] = "ignored"
    outcome["links/dir/inner.txt"] = "ignored"
    os.mkfifo(corpus / "junk" / "pipe.txt")
    outcome["junk/pipe.txt"] = "ignored"
    return outcome


class Hostile:
    def __init__(self, root: Path) -> None:
        self.corpus, self.index, outside = root / "corpus", root / "index", root / "outside"
        outside.mkdir()
        self.outcome = _hostile_files(self.corpus, outside)
        started = time.monotonic()
        self.run = subprocess.run(
            reindex_cmd(self.corpus, self.index), env=fault_env(), cwd=REPO_ROOT,
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        )
        self.seconds = time.monotonic() - started
        with open_index(self.index).snapshot() as snapshot:
            self.stored = {f["id"]: f for f in snapshot.reader.all_stored_fields()}
        self.client = create_app({"TESTING": True, "INDEX_DIR": self.index,
                                  "CORPUS_DIR": self.corpus}).test_client()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Hostile:
    return Hostile(tmp_path_factory.mktemp("hostile"))


def test_hostile_corpus_is_indexed_to_the_end_with_a_line_per_skipped_file(hostile):
    run = hostile.run
    assert run.returncode == 0, run.stderr[-3000:]
    assert hostile.seconds < 60
    assert "Traceback" not in run.stderr
    skipped = dict(re.findall(r"^skipped (.+?): (.+)$", run.stderr, re.M))
    indexed = set(hostile.stored)
    for doc_id, want in hostile.outcome.items():
        if want == "indexed":
            assert doc_id in indexed, (doc_id, skipped.get(doc_id))
        elif want == "skipped":
            assert doc_id not in indexed and doc_id in skipped, doc_id
        elif want == "either":
            assert (doc_id in indexed) != (doc_id in skipped), doc_id
        else:
            assert doc_id not in indexed and doc_id not in skipped, doc_id
    for doc_id, reason in skipped.items():
        assert reason.strip() and "Traceback" not in reason, (doc_id, reason)
    assert indexed <= set(hostile.outcome)  # nothing from outside the corpus
    summary = re.search(r"^(\d+) documents indexed: .* (\d+) skipped, (\d+) other files ignored",
                        run.stderr, re.M)
    assert summary and int(summary[1]) == len(indexed) and int(summary[2]) == len(skipped)
    assert int(summary[3]) >= 5  # four links and the FIFO
    print(f"\nhostile corpus: {len(indexed)} indexed, {len(skipped)} skipped, "
          f"{summary[3]} ignored, {hostile.seconds:.1f} s")


def test_hostile_corpus_reasons_are_plain(hostile):
    skipped = dict(re.findall(r"^skipped (.+?): (.+)$", hostile.run.stderr, re.M))
    assert skipped["junk/empty.txt"].startswith("empty")
    assert skipped["junk/huge.txt"].startswith("too large")
    assert "binary" in skipped["junk/binary.txt"]


@pytest.mark.parametrize(
    ("q", "doc_id"),
    [
        ("Утфшестнадцать", "enc/utf16-no-bom.txt"),
        ("Бигэндиан", "enc/utf16-be-no-bom.txt"),
        ("матрёшку", "html/nested.html"),
        ("ячейка", "html/nested.html"),
        ("луноход", "html/unclosed.html"),
        ("зловредный релиз", "html/xss.html"),
        ("ловушку", "text/xss.txt"),
        ("кавычками точками", "text/" + WEIRD_NAME),
        ("бидирекциональность", "text/bidi-\u202eтxt.exe.txt"),
    ],
)
def test_hostile_documents_that_are_indexed_can_be_found(hostile, q, doc_id):
    data = hostile.client.get("/api/search", query_string={"q": q}).get_json()
    assert doc_id in [h["id"] for h in data["hits"]]


def test_script_inside_html_documents_is_not_indexed(hostile):
    body = hostile.stored["html/xss.html"]["body"]
    assert "скриптовое содержимое" not in body and "expression" not in body
    data = hostile.client.get("/api/search", query_string={"q": "скриптовое"}).get_json()
    assert data["total"] == 0


def _queries_for(hostile: Hostile) -> list[str]:
    words = ["script", "onerror", "javascript", "alert", "img", "svg", "iframe", "onload",
             "ловушка", "зловредный", "кавычками", "матрёшка", "ссылка", "xss"]
    for fields in hostile.stored.values():  # each document by its own title
        title = re.sub(r"[^\w\s-]", " ", fields["title"]).strip()
        if title:
            words.append(" ".join(title.split()[:6]))
    return words


def test_no_script_from_documents_reaches_any_page(hostile):
    client, problems, shown = hostile.client, {}, set()
    pages = []
    for q in _queries_for(hostile):
        for url in (f"/?q={quote(q)}", f"/?q={quote(q)}&sort=date"):
            pages.append(url)
        r = client.get("/api/search", query_string={"q": q, "per_page": 100})
        assert r.status_code == 200 and r.mimetype == "application/json"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        for hit in r.get_json()["hits"]:
            shown.add(hit["id"])
            for key in ("title_html", "snippet_html"):
                bad = marked_only(hit[key])
                if bad:
                    problems[f"/api/search?q={q} {hit['id']} {key}"] = bad
            assert unquote(hit["url"].removeprefix("/doc/")) == hit["id"]
    for doc_id in hostile.stored:
        pages.append("/doc/" + quote(doc_id))
        pages.append("/doc/" + quote(doc_id) + "?q=" + quote("script onerror javascript alert"))
        r = client.get("/api/doc/" + quote(doc_id), query_string={"q": "alert"})
        if r.status_code == 200:
            for fragment in [r.get_json()["title_html"], *r.get_json()["paragraphs_html"]]:
                bad = marked_only(fragment)
                if bad:
                    problems[f"/api/doc/{doc_id}"] = bad
    for url in dict.fromkeys(pages):
        r = client.get(url)
        if r.status_code >= 500 or r.mimetype != "text/html":
            problems[url] = f"HTTP {r.status_code} {r.mimetype}"
            continue
        bad = live_markup(r.get_data(as_text=True))
        if bad:
            problems[url] = bad
    assert not problems, problems
    # every indexed document was rendered by some results page (so all were checked)
    assert shown == set(hostile.stored)


def test_hostile_text_shows_as_text_on_the_document_page(hostile):
    r = hostile.client.get("/doc/text/xss.txt")
    soup = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    article = soup.select_one("article")
    assert "<script>alert('title')</script> Заголовок-ловушка" == article.h1.text
    assert "<img src=x onerror=alert(\"xss-2\")>" in article.text  # visible as text
    assert not live_markup(str(article))


def test_every_listed_document_opens(tmp_path):
    corpus = tmp_path / "corpus"
    names = ["back\\slash.txt", "new\nline.txt", "tab\there.txt", "ok.txt"]
    for n, name in enumerate(names):
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(f"Странный файл номер {n}\n\nСтранный файл.", encoding="utf-8")
    reindex(corpus, tmp_path / "index", full=True)
    client = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index"}).test_client()
    data = client.get("/api/search", query_string={"q": "странный файл"}).get_json()
    listed = {h["id"]: h["url"] for h in data["hits"]}
    assert set(listed) <= set(names) and "ok.txt" in listed
    broken = {doc_id: url for doc_id, url in listed.items() if client.get(url).status_code != 200}
    assert not broken, f"listed but not found: {broken}"


# --- files root cannot read ----------------------------------------------------------------


def _without_dac(cmd: list[str]) -> list[str] | None:
    """`cmd` run as root without the capabilities that let root read any file (so mode 000
    means unreadable, as for anyone else); None where that cannot be done."""
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--", *cmd]


@pytest.fixture
def unreadable_corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    write_releases(corpus, range(3), "ok", paragraphs=1)
    locked = corpus / "locked.txt"
    locked.write_text("Закрытый файл\n\nЕго никто не прочтёт.", encoding="utf-8")
    folder = corpus / "locked-folder"
    write_releases(corpus, range(10, 13), "locked-folder", paragraphs=1)
    locked.chmod(0)
    folder.chmod(0)
    yield corpus
    folder.chmod(0o755)
    locked.chmod(0o644)


def _reindex_without_dac(corpus: Path, index: Path) -> subprocess.CompletedProcess:
    cmd = _without_dac(reindex_cmd(corpus, index))
    if cmd is None:
        pytest.skip("cannot drop root's read-anything capabilities here (no setpriv)")
    r = subprocess.run(cmd, env=fault_env(), cwd=REPO_ROOT, capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    if r.returncode != 0 and "setpriv" in r.stderr:
        pytest.skip(f"setpriv refused: {r.stderr.strip()}")
    return r


def test_unreadable_file_is_skipped_with_a_line_and_the_rest_indexed(unreadable_corpus, tmp_path):
    r = _reindex_without_dac(unreadable_corpus, tmp_path / "index")
    assert r.returncode == 0, r.stderr
    assert "skipped locked.txt: unreadable: permission denied" in r.stderr.splitlines()
    with open_index(tmp_path / "index").snapshot() as snapshot:
        ids = {f["id"] for f in snapshot.reader.all_stored_fields()}
    assert ids == {"ok/00000.txt", "ok/00001.txt", "ok/00002.txt"}


def test_unreadable_folder_is_named_on_stderr(unreadable_corpus, tmp_path):
    r = _reindex_without_dac(unreadable_corpus, tmp_path / "index")
    assert r.returncode == 0, r.stderr
    assert any("locked-folder" in line for line in r.stderr.splitlines()), r.stderr


# --- a 1,000-release index for queries -------------------------------------------------------

# A generous bound for any one request on 1,000 releases (an idle 2-core machine answers the
# worst cases below in under 1 s); ORBITA_REQUEST_SECONDS overrides it on a busy machine.
REQUEST_SECONDS = float(os.environ.get("ORBITA_REQUEST_SECONDS", "2.0"))


@pytest.fixture(scope="module")
def thousand(tmp_path_factory) -> tuple[Path, FlaskClient]:
    root = tmp_path_factory.mktemp("thousand")
    write_releases(root / "corpus", range(1000), "r")
    reindex(root / "corpus", root / "index", full=True)
    app = create_app({"TESTING": True, "INDEX_DIR": root / "index"})
    return root / "index", app.test_client()


def timed_get(client: FlaskClient, url: str, **kwargs):
    started = time.perf_counter()
    r = client.get(url, **kwargs)
    return r, time.perf_counter() - started


def check_answer(r, seconds: float, what: str) -> None:
    """Never a 5xx, never slow, always well-formed JSON or HTML."""
    assert r.status_code < 500, (what, r.status_code, r.get_data(as_text=True)[:300])
    assert seconds < REQUEST_SECONDS, (what, f"{seconds:.2f} s")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    if r.mimetype == "application/json":
        data = r.get_json()
        if "hits" in data:
            assert r.status_code == 200 and data["total"] >= len(data["hits"]), what
        elif "error" in data:
            assert r.status_code >= 400 and set(data["error"]) == {"code", "message"}, what
        elif "suggestions" in data:
            assert r.status_code == 200 and isinstance(data["suggestions"], list), what
        else:
            assert data["status"] == "ok", what  # /healthz
    else:
        assert r.mimetype == "text/html", (what, r.mimetype)
        html = r.get_data(as_text=True)
        assert html.lstrip().startswith("<!doctype html>")
        assert not live_markup(html), (what, live_markup(html))


WORDS = ["байконур", "космодрома", "Байтерек", "Байқоңыр", "ракеты-носителя", "Союз-2.1б", "МС-25",
         "26.12.2016", "инвестиций", "роскосмос", "и", "на", "NASA", "the", "x", "ё", "Ё",
         "спутник", "орбитой", "экипажем", "номер"]
OPERATORS = ["OR", "ИЛИ", "немесе", "or", "|", "-", "*", "=", "!", "title:", "заголовок:",
             "тақырып:", "жыл:", "тіл:", "t:", '"', "“",
             "”", "„", "(", ")", ":", "\\", "%", "&", "?", "#", "+", "~", "^", "[", "]", "{", "}",
             "AND", "NOT", "'", "`", "<", ">", "<script>", "\x00", "\u202e", "\ufeff", "\u0301",
             "\u00ad", "\t", "\n", "\r"]
token = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(OPERATORS),
    st.builds(lambda op, w: op + w, st.sampled_from(["-", "=", "!", "title:", '"', "("]),
              st.sampled_from(WORDS)),
    st.builds(lambda w, n: w[:n] + "*", st.sampled_from(WORDS), st.integers(0, 6)),
    st.text(min_size=1, max_size=8),
)
queries = st.one_of(
    st.lists(token, max_size=8).map(lambda t: " ".join(t)),
    st.lists(token, max_size=8).map(lambda t: "".join(t)),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=1200),
    st.builds(lambda c, n: c * n, st.sampled_from(['"', "(", ")", "-", "*", "|", "=", "а", " "]),
              st.integers(1, 1100)),
)
pages = st.one_of(st.none(), st.integers(-5, 120).map(str), st.sampled_from(
    ["", " ", "abc", "1.5", "1e3", "٣", "１", "0x10", "9" * 400, "%00", "\x00", "-0", "+1"]))
sorts = st.one_of(st.none(), st.sampled_from(["relevance", "date", "", "DATE", "rank", "\x00"]))
FUZZ = settings(max_examples=70, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(q=queries)
def test_fuzzed_queries_parse_and_search_in_bounded_time(thousand, q):
    parse_query(q)
    highlighter_for(parse_query(q))
    engine = Engine(thousand[0])
    started = time.perf_counter()
    try:
        result = search(engine, q)
    except QueryError as e:
        assert e.code and e.message
    else:
        assert result.total >= len(result.hits)
    assert time.perf_counter() - started < REQUEST_SECONDS
    engine.close()


@FUZZ
@given(q=queries, page=pages, per_page=pages, sort=sorts, view=st.sampled_from(["/api/search",
                                                                                "/"]))
def test_fuzzed_search_requests_never_fail(thousand, q, page, per_page, sort, view):
    params = {"q": q, "page": page, "per_page": per_page, "sort": sort}
    params = {k: v for k, v in params.items() if v is not None}
    r, seconds = timed_get(thousand[1], view, query_string=params)
    check_answer(r, seconds, f"{view} {params!r}")
    assert r.status_code in (200, 400), (params, r.status_code)


RAW = ["q=", "q", "&", "=", "%", "%0", "%00", "%zz", "%ff", "%fe%ff", "%c0%ae", "%c0%af",
       "%e0%80%ae", "%ed%a0%80", "%f4%90%80%80", "%2e%2e%2f", "%252e", "%u002e", "+", "%2B", ";",
       "#", "q[]=",
       "page=", "per_page=", "sort=", "page=99999999999999999999", "per_page=-1", "%d0", "%d0%b0",
       "байконур", "ракета*", "%22", "%28", "%29", "a", "q=%E2%80%AE", "q=" + "%28a+" * 5]
raw_queries = st.lists(st.one_of(st.sampled_from(RAW), st.text(
    alphabet="abcxyz019=&%+;.-_*()'\"~!$,/:@", max_size=6)), max_size=14).map("".join)


@FUZZ
@given(q=queries)
def test_fuzzed_suggestions_never_fail(thousand, q):
    r, seconds = timed_get(thousand[1], "/api/suggest", query_string={"q": q})
    check_answer(r, seconds, f"/api/suggest {q[:40]!r}")
    assert r.status_code == 200
    assert all(isinstance(x, str) for x in r.get_json()["suggestions"])


@FUZZ
@given(raw=raw_queries, view=st.sampled_from(["/api/search", "/", "/healthz", "/api/suggest"]))
def test_fuzzed_raw_query_strings_never_fail(thousand, raw, view):
    r, seconds = timed_get(thousand[1], f"{view}?{raw}")
    check_answer(r, seconds, f"{view}?{raw}")


segment = st.one_of(st.sampled_from(
    ["..", ".", "", "%2e%2e", "%252e%252e", "%c0%ae%c0%ae", "%2f", "%5c", "\\", "%00", "etc",
     "passwd", "r", "00001.txt", "%2e", "~", "C:", "%3a", "%0a", "%e2%80%ae", "con", "..%2f",
     ".%2e", "%2e.", "....", "r%2f00001.txt"]), st.text(alphabet="abc.%/\\:", max_size=5))
doc_paths = st.lists(segment, min_size=1, max_size=8).map("/".join)


@FUZZ
@given(path=doc_paths, prefix=st.sampled_from(["/doc/", "/api/doc/"]))
def test_fuzzed_document_paths_are_a_document_or_a_404(thousand, path, prefix):
    r, seconds = timed_get(thousand[1], prefix + path)
    check_answer(r, seconds, prefix + path)
    assert r.status_code in (200, 404), (path, r.status_code)
    if r.status_code == 200:  # only ever a release of the index
        title = (r.get_json()["title"] if prefix == "/api/doc/"
                 else BeautifulSoup(r.get_data(as_text=True), "html.parser").h1.text)
        assert title.startswith("Выпуск ")
    assert b"root:" not in r.data and b"[project]" not in r.data


# Worst cases that must stay cheap: wildcards, operators and repetition up to the length
# limit, deep pages.
WORST_CASES = [
    {"q": "а*"}, {"q": "ко*"}, {"q": "*"}, {"q": "**"}, {"q": "1*"},
    {"q": '"' * 999}, {"q": ")" * 999}, {"q": "-" * 999}, {"q": "OR " * 333},
    {"q": "=" * 999}, {"q": "title:" * 166}, {"q": "я" * 64}, {"q": "я " * 500},
    {"q": "яя " * 333}, {"q": "космдром " * 32}, {"q": ",fqrjyeh " * 32},
    {"q": "1234567890" * 100}, {"q": "26.12.2016 " * 90}, {"q": "ракета-носитель-" * 60},
    {"q": "ракета-носитель* " * 40}, {"q": "=байконура " * 32}, {"q": "title:ко* " * 32},
    {"q": "ко* ба* пр* ра* де* ин* по* на* ст* ре* об* вы*"},
    {"q": "байконур", "page": "20", "per_page": "10"},
    {"q": "байконур", "page": "101", "per_page": "10"},
    {"q": "-байконур"}, {"q": "-" + " -".join(["байконур"] * 100)},
]


@pytest.mark.parametrize("params", WORST_CASES, ids=lambda p: repr(p["q"][:24]) + str(len(p)))
def test_worst_case_queries_answer_in_bounded_time(thousand, params):
    for view in ("/api/search", "/"):
        r, seconds = timed_get(thousand[1], view, query_string=params)
        check_answer(r, seconds, f"{view} {params['q'][:40]!r}")


def test_repeated_words_answer_in_bounded_time(thousand):
    client = thousand[1]
    timed_get(client, "/api/search", query_string={"q": "байконур"})  # warm
    _, once = timed_get(client, "/api/search", query_string={"q": "байконур"})
    r, repeated = timed_get(client, "/api/search", query_string={"q": "байконур " * 32})
    check_answer(r, repeated, "one word 32 times")
    assert repeated < 3 * once + 0.3, f"{repeated:.2f} s for 32 times the word, {once:.2f} s once"
    r, seconds = timed_get(client, "/api/search",
                           query_string={"q": "байконур космодром байтерек комплекс " * 8})
    check_answer(r, seconds, "4 frequent words 8 times")


@pytest.mark.parametrize("params", [
    {"q": "байконур", "page": "100", "per_page": "10"},
    {"q": "байконур", "page": "10", "per_page": "100"},
    {"q": "байконур", "page": "10", "per_page": "100", "sort": "date"},
], ids=["page-100", "page-10-of-100", "page-10-of-100-by-date"])
def test_deep_pages_answer_in_bounded_time(thousand, params):
    """Copy folding looks at every candidate down to the page: it must stay cheap."""
    for view in ("/api/search", "/"):
        r, seconds = timed_get(thousand[1], view, query_string=params)
        check_answer(r, seconds, f"{view} {params}")


def test_one_long_word_answers_in_bounded_time(thousand):
    r, seconds = timed_get(thousand[1], "/api/search", query_string={"q": "я" * 1000})
    check_answer(r, seconds, "a word of 1,000 letters")


@pytest.mark.parametrize("q", ["(" * 999, "(a " * 300, "-(" * 400 + "x"],
                         ids=["999-brackets", "300-nested-groups", "400-nested-exclusions"])
def test_deeply_nested_brackets_are_not_an_error(thousand, q):
    for view in ("/api/search", "/"):
        r, seconds = timed_get(thousand[1], view, query_string={"q": q})
        check_answer(r, seconds, view)


# --- paths ---------------------------------------------------------------------------------

# What tests/test_web.py and tests/test_e2e_browser.py do not try yet.
MORE_PATH_TRICKS = [
    "%252e%252e%252f%252e%252e%252fetc%252fpasswd",  # double encoding
    "%25252e%25252e%25252fetc%25252fpasswd",  # triple
    "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",  # overlong UTF-8 dots
    "%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd",  # overlong dots and slashes
    "%e0%80%ae%e0%80%ae/etc/passwd",  # 3-byte overlong
    "%u002e%u002e/%u002e%u002e/etc/passwd",  # IIS-style
    "..%c0%af..%c0%afetc%c0%afpasswd",
    "..%255c..%255cetc%255cpasswd",
    "%2e%2e%5c%2e%2e%5cetc%5cpasswd",
    "..;/..;/etc/passwd",
    "....//....//etc/passwd",
    "%2F%2Fetc%2Fpasswd",
    "file:///etc/passwd",
    "\\\\server\\share\\x.txt",
    "links/passwd.txt",  # a symlink to /etc/passwd inside the corpus
    "links/secret.txt",
    "links/dir/inner.txt",
    "junk/pipe.txt",
    "r/00001.txt%00.html",
    "r/00001.txt\x00",
    "%0d%0aSet-Cookie:%20x=1",
]


@pytest.mark.parametrize("path", MORE_PATH_TRICKS)
@pytest.mark.parametrize("prefix", ["/doc/", "/api/doc/", "/static/"])
def test_more_path_tricks_are_404(hostile, prefix, path):
    r = hostile.client.get(prefix + path)
    assert r.status_code in (400, 404), (prefix + path, r.status_code)
    body = r.get_data()
    assert b"root:" not in body and "Секретный".encode() not in body
    assert "Set-Cookie" not in r.headers


# --- the real server: headers, banners, no debugger ------------------------------------------


@pytest.fixture(scope="module")
def real_server(hostile, tmp_path_factory):
    with Server(hostile.index, hostile.corpus, tmp_path_factory.mktemp("srv") / "log") as server:
        yield server


RAW_REQUESTS = {  # raw bytes on the socket: waitress answers some of these itself
    "bad start line": b"GARBAGE\r\n\r\n",
    "bad content-length": b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    "bad chunk": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n\r\n",
    "bytes in URI": b"GET /?q=\xd0\xb0\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "overlong in path": b"GET /doc/\xc0\xae\xc0\xae/etc/passwd HTTP/1.1\r\nHost: x\r\n"
                        b"Connection: close\r\n\r\n",
    "absolute URI": b"GET http://example.invalid/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "TRACE": b"TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "huge header": b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 300_000 + b"\r\n\r\n",
}


def _raw(port: int, data: bytes) -> bytes:
    import socket

    out = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        try:
            s.sendall(data)
            while chunk := s.recv(65536):
                out += chunk
        except (ConnectionResetError, BrokenPipeError):
            pass
    return out


def _no_banner(headers: dict[str, str], body: bytes) -> None:
    assert headers.get("server", "orbita") == "orbita"
    for name in ("x-powered-by", "via", "x-runtime", "x-version"):
        assert name not in headers
    text = body.decode("utf-8", "replace").lower()
    for leak in ("waitress", "werkzeug", "flask", "python/", "traceback", "debugger",
                 "__debugger__", "console"):
        assert leak not in text, leak


@pytest.mark.parametrize("name", list(RAW_REQUESTS))
def test_real_server_answers_malformed_requests_without_banner_or_debugger(real_server, name):
    answer = _raw(real_server.port, RAW_REQUESTS[name])
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not answer:  # closing the connection is a fine answer to garbage
        return
    status = int(lines[0].split()[1])
    assert status < 500, lines[0]
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    _no_banner(headers, body)
    assert real_server.get("/healthz").status == 200  # and it still serves


HEADER_PATHS = ["/", "/?q=" + quote("ловушка"), "/doc/text/xss.txt", "/doc/nope.txt",
                "/doc/%252e%252e%252fetc%252fpasswd", "/api/search?q=" + quote("ловушка"),
                "/api/search?q=a&page=x", "/api/doc/text/xss.txt", "/healthz",
                "/static/style.css", "/static/%2e%2e/%2e%2e/pyproject.toml", "/nope"]


@pytest.mark.parametrize("path", HEADER_PATHS)
def test_real_server_sends_the_security_headers_everywhere(real_server, path):
    r = real_server.get(path)
    assert r.status in (200, 400, 404), (path, r.status)
    h = r.headers
    csp = {part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
           for part in h["content-security-policy"].split(";") if part.strip()}
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in h["content-security-policy"]
    assert "unsafe-eval" not in h["content-security-policy"]
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert h["x-frame-options"] == "DENY"
    _no_banner(h, r.body)
    if h["content-type"].startswith("text/html"):
        assert not live_markup(r.body.decode("utf-8"))


def test_real_server_error_on_a_damaged_index_is_plain(tmp_path):
    """A 500 from the production server: no traceback, no debugger, even with FLASK_DEBUG=1."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_releases(corpus, range(5), "r", paragraphs=1)
    reindex(corpus, index, full=True)
    with Server(index, corpus, tmp_path / "log", threads=2) as server:
        assert server.get("/api/search?q=" + quote("спутник")).status == 200
        live = index / (index / "CURRENT").read_text().strip()
        damaged = index / "gen-000099"  # a damaged generation made live under the server
        shutil.copytree(live, damaged)
        for f in damaged.iterdir():
            if f.is_file() and f.name != "manifest.json":
                f.write_bytes(b"\x00garbage" * 10)
        (index / "CURRENT").write_text(damaged.name + "\n")
        for path in ("/api/search?q=" + quote("орбита"), "/?q=" + quote("орбита"), "/healthz"):
            r = server.get(path)
            assert r.status in (500, 503), (path, r.status)
            _no_banner(r.headers, r.body)
            assert r.headers["x-content-type-options"] == "nosniff"
            assert "content-security-policy" in r.headers
        assert "Traceback" in server.log()  # it is logged for the operator instead
