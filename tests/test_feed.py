"""The Atom feed of a search: valid, newest first, stable ids, cheap to poll."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from releases_corpus import (
    BAIKONUR_2018,
    BAIKONUR_2018_HTML,
    BAIKONUR_2018_REPOST,
    BAITEREK_2018,
    BAITEREK_2019,
    UNDATED,
    write_corpus,
)

from search.index import reindex
from web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


def fetch(client: FlaskClient, **params) -> feedparser.FeedParserDict:
    r = client.get("/feed", query_string=params)
    assert r.status_code == 200
    assert r.mimetype == "application/atom+xml"
    ET.fromstring(r.data)  # well-formed XML
    parsed = feedparser.parse(r.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def doc_id(entry: feedparser.FeedParserDict) -> str:
    return urlsplit(entry.link).path.removeprefix("/doc/")


def test_feed_is_valid_atom_with_what_a_reader_needs(rclient) -> None:
    feed = fetch(rclient, q="Байтерек")
    assert feed.feed.title == "Орбита: «Байтерек»"
    assert feed.feed.id.startswith("tag:")
    assert feed.feed.updated == "2019-03-20T00:00:00Z"  # the newest entry
    links = {link.rel: link.href for link in feed.feed.links}
    assert parse_qs(urlsplit(links["self"]).query) == {"q": ["Байтерек"]}
    assert urlsplit(links["alternate"]).path == "/"
    assert [doc_id(e) for e in feed.entries] == [BAITEREK_2019, BAITEREK_2018]
    newest = feed.entries[0]
    assert newest.title == "«Байтерек»: новый этап"
    assert newest.link == f"http://localhost/doc/{BAITEREK_2019}"
    assert newest.published == newest.updated == "2019-03-20T00:00:00Z"
    assert newest.id == f"tag:orbita,2024:doc/{BAITEREK_2019}"
    assert newest.summary_detail.type == "text/html"
    raw = ET.fromstring(rclient.get("/feed", query_string={"q": "Байтерек"}).data)
    summary = raw.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == (
        "Проект «<mark>Байтерек</mark>» переходит на бюджетное финансирование, сообщили в "
        "министерстве."
    )
    assert newest.author == "МЦРИАП РК"
    assert newest.tags[0].term == "mdai-kz"


def test_entries_are_newest_first_and_undated_ones_use_the_index_time(rclient) -> None:
    feed = fetch(rclient, q="Байконур")
    ids = [doc_id(e) for e in feed.entries]
    dated = [e.updated for e in feed.entries if "published" in e]
    assert dated == sorted(dated, reverse=True)
    undated = feed.entries[ids.index(UNDATED)]
    assert "published" not in undated
    assert undated.updated.endswith("Z") and undated.updated[:4] >= "2024"


def test_entry_ids_are_stable_and_copies_are_one_entry(rclient) -> None:
    first = {doc_id(e): e.id for e in fetch(rclient, q="Союз МС-09").entries}
    again = {doc_id(e): e.id for e in fetch(rclient, q="Союз МС-09 стартовал").entries}
    common = first.keys() & again.keys()
    assert common and all(first[i] == again[i] for i in common)
    soyuz = {BAIKONUR_2018, BAIKONUR_2018_HTML, BAIKONUR_2018_REPOST}
    assert len(soyuz & first.keys()) == 1


def test_feed_takes_the_search_filters(rclient) -> None:
    feed = fetch(rclient, q="Байконур", source="mdai-kz", year="2018")
    assert {doc_id(e) for e in feed.entries} <= {BAITEREK_2018, BAIKONUR_2018_REPOST}
    assert feed.feed.title == "Орбита: «Байконур» · МЦРИАП РК · 2018"
    by_text = fetch(rclient, q="Байконур source:mdai-kz date:2018")
    assert [e.id for e in by_text.entries] == [e.id for e in feed.entries]
    assert rclient.get("/feed", query_string={"q": "Байконур", "from": "вчера"}).status_code == 400


def test_results_page_links_its_feed(rclient) -> None:
    r = rclient.get("/", query_string={"q": "Байконур source:roscosmos"})
    soup = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    link = soup.select_one('link[rel="alternate"][type="application/atom+xml"]')
    visible = soup.select_one('a[type="application/atom+xml"]')
    assert link["href"] == visible["href"]
    url = urlsplit(link["href"])
    assert url.path == "/feed"
    assert parse_qs(url.query) == {"q": ["Байконур"], "source": ["roscosmos"]}
    assert fetch(rclient, **{k: v[0] for k, v in parse_qs(url.query).items()}).entries


def test_conditional_requests_are_304_without_searching(rclient, monkeypatch) -> None:
    r = rclient.get("/feed", query_string={"q": "Байконур"})
    etag, modified = r.headers["ETag"], r.headers["Last-Modified"]
    other = rclient.get("/feed", query_string={"q": "Байтерек"}, headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag  # each search its own

    def no_search(*_args, **_kwargs):
        raise AssertionError("a conditional request must not run the search")

    monkeypatch.setattr("web.feed.search_results", no_search)
    monkeypatch.setattr("web.feed.build_feed", no_search)
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        again = rclient.get("/feed", query_string={"q": "Байконур"}, headers=headers)
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == etag


def test_a_reindex_changes_the_etag_and_brings_the_new_release(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path)
    reindex(corpus, tmp_path / "index", full=True)
    app = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index", "CORPUS_DIR": corpus})
    client = app.test_client()
    r = client.get("/feed", query_string={"q": "Байтерек"})
    etag = r.headers["ETag"]
    new = corpus / "mdai-kz" / "2024-01-10-baiterek.txt"
    new.write_text("10 января 2024 г.\n\nБайтерек: первый пуск назначен\n\nКомплекс «Байтерек» "
                   "готов к первому пуску.\n", encoding="utf-8")
    reindex(corpus, tmp_path / "index")
    r2 = client.get("/feed", query_string={"q": "Байтерек"}, headers={"If-None-Match": etag})
    assert r2.status_code == 200 and r2.headers["ETag"] != etag
    feed = feedparser.parse(r2.data)
    assert doc_id(feed.entries[0]) == "mdai-kz/2024-01-10-baiterek.txt"


def test_markup_and_control_characters_in_releases_stay_valid_xml(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "lab").mkdir(parents=True)
    (corpus / "lab" / "odd.txt").write_text(
        "Телескоп & <script>alert(1)</script> ]]> \x0b «Спектр»\n\nТелескоп передал снимки: "
        "<b>жирный</b> & \x0c ]]> конец.\n", encoding="utf-8",
    )
    reindex(corpus, tmp_path / "index", full=True)
    app = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index", "CORPUS_DIR": corpus})
    client = app.test_client()
    fetch(client, q="телескоп")  # parses cleanly
    entry = ET.fromstring(client.get("/feed", query_string={"q": "телескоп"}).data).find(
        f"{ATOM}entry"
    )
    assert entry.find(f"{ATOM}title").text == "Телескоп & <script>alert(1)</script> ]]> «Спектр»"
    summary = entry.find(f"{ATOM}summary").text
    assert "&lt;b&gt;жирный&lt;/b&gt; &amp;" in summary  # the snippet's HTML escapes the text
    assert "\x0b" not in summary and "\x0c" not in summary


@pytest.mark.parametrize("value", ["\uffff", "\ufffe", "байтерек\uffff", "\x01", "\ud800"])
@pytest.mark.parametrize("param", ["q", "source"])
def test_characters_xml_cannot_carry_never_reach_the_feed(rclient, param: str, value: str):
    # they came from the URL into the self link, the title and the id
    r = rclient.get("/feed?" + urlencode({param: value}, encoding="utf-8", errors="surrogatepass"))
    assert r.status_code in (200, 400)
    if r.status_code == 200:
        ET.fromstring(r.data)
        assert not feedparser.parse(r.data).bozo


def links_of(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return [link.get("href") for link in root.iter(f"{ATOM}link")]


def test_links_never_come_from_a_host_header_anyone_may_send(rclient) -> None:
    r = rclient.get("/feed", query_string={"q": "Байтерек"}, headers={"Host": "evil.example"})
    assert r.status_code == 200
    assert b"evil.example" not in r.data
    assert all(href.startswith("/") for href in links_of(r.data))  # relative instead


def test_links_come_from_the_configured_public_url(releases_app) -> None:
    app = create_app({**releases_app.config, "PUBLIC_URL": "https://orbita.example.org/"})
    r = app.test_client().get("/feed", query_string={"q": "Байтерек"},
                              headers={"Host": "evil.example"})
    hrefs = links_of(r.data)
    assert hrefs and all(h.startswith("https://orbita.example.org/") for h in hrefs)
    assert b"evil.example" not in r.data


def test_a_trusted_host_gives_absolute_links(releases_app) -> None:
    app = create_app({**releases_app.config, "TRUSTED_HOSTS": ["orbita.example.org"]})
    client = app.test_client()
    r = client.get("/feed", query_string={"q": "Байтерек"},
                   headers={"Host": "orbita.example.org"})
    assert all(h.startswith("http://orbita.example.org/") for h in links_of(r.data))
    assert client.get("/feed", headers={"Host": "evil.example"}).status_code == 400


def test_a_public_url_that_is_not_http_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        create_app({"INDEX_DIR": tmp_path, "PUBLIC_URL": "javascript:alert(1)"})
