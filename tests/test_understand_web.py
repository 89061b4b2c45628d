"""Corrections and autocomplete on the page and in the API (the same result dict)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from understand_corpus import BAIKONUR, ROGOZIN, build

from web import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    index_dir = build(tmp_path_factory.mktemp("understand-web"))
    app = create_app({"INDEX_DIR": index_dir, "TESTING": True, "SUGGEST_WAIT": True})
    return app.test_client()


def page(client, **args) -> BeautifulSoup:
    r = client.get("/", query_string=args)
    assert r.status_code == 200
    return BeautifulSoup(r.get_data(as_text=True), "html.parser")


def test_api_says_what_was_corrected(client):
    data = client.get("/api/search", query_string={"q": "rjcvjlhjv ,fqrjyeh"}).get_json()
    assert data["query"] == "rjcvjlhjv ,fqrjyeh"
    assert data["correction"] == {
        "original": "rjcvjlhjv ,fqrjyeh", "corrected": "космодром байконур",
        "kind": "layout", "applied": True,
    }
    assert BAIKONUR in [h["id"] for h in data["hits"]]


def test_api_without_corrections_searches_what_was_typed(client):
    data = client.get("/api/search", query_string={"q": "Rogozin", "noc": "1"}).get_json()
    assert data["total"] == 0 and "correction" not in data
    data = client.get("/api/search", query_string={"q": "Rogozin"}).get_json()
    assert [h["id"] for h in data["hits"]] == [ROGOZIN]
    assert data["correction"]["kind"] == "translit"


def test_api_has_no_correction_for_a_query_fine_as_typed(client):
    data = client.get("/api/search", query_string={"q": "NASA"}).get_json()
    assert "correction" not in data and data["total"] == 1


def test_page_shows_the_corrected_query_and_links_the_typed_one(client):
    soup = page(client, q="космадром")
    line = soup.select_one("p.correction")
    assert line["data-kind"] == "spelling"
    assert line.text.strip() == (
        "Показаны результаты по запросу «космодром». Искать «космадром»?"
    )
    link = line.select_one("a")
    assert parse_qs(urlsplit(link["href"]).query) == {"q": ["космадром"], "noc": ["1"]}
    assert soup.select("ol.hits li.hit")
    # the hits open with the corrected words marked
    href = soup.select_one("ol.hits li.hit h2 a")["href"]
    assert parse_qs(urlsplit(href).query) == {"q": ["космодром"]}


def test_following_the_link_searches_exactly_what_was_typed(client):
    soup = page(client, q="космадром", noc="1")
    assert soup.select_one("p.correction") is None
    assert soup.select_one("section.empty") is not None


def test_page_offers_a_correction_as_a_link(client):
    soup = page(client, q="космадром байконур")
    line = soup.select_one("p.correction")
    assert line.text.strip() == "Возможно, вы искали: «космодром байконур»?"
    href = line.select_one("a")["href"]
    assert parse_qs(urlsplit(href).query) == {"q": ["космодром байконур"]}


def test_paging_a_search_without_corrections_keeps_it_so(client):
    soup = page(client, q="ракета", noc="1", per_page="1")
    next_link = soup.select_one("nav.pager a.next")
    assert next_link is not None
    assert parse_qs(urlsplit(next_link["href"]).query)["noc"] == ["1"]


def test_suggest_api(client):
    data = client.get("/api/suggest", query_string={"q": "косм"}).get_json()
    assert data["query"] == "косм"
    assert 0 < len(data["suggestions"]) <= 10
    assert all(s.lower().startswith("косм") for s in data["suggestions"])
    assert client.get("/api/suggest").get_json() == {"query": "", "suggestions": []}


def test_search_box_uses_suggestions_without_needing_them(client):
    soup = page(client)
    box = soup.select_one("input#q")
    assert box["data-suggest"] == "/api/suggest"
    assert not box.has_attr("list")  # the script connects the list: without it, a plain box
    assert soup.select_one("datalist#q-suggestions") is not None
    script = soup.select_one("script")
    assert script["src"] == "/static/suggest.js" and script.has_attr("defer")
    assert not script.string  # external only: the CSP allows no inline script
    r = client.get("/static/suggest.js")
    assert r.status_code == 200 and b"dataset.suggest" in r.data  # the URL comes from the page
    r.close()
