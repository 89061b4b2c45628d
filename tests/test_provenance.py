"""Where a release came from: the provenance file orbita-fetch writes beside it is read by
reindex, and the original's address reaches the API, the pages and the feed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from search.corpus import load_document, read_provenance, scan_corpus
from search.engine import Engine, SearchRequest
from search.index import reindex
from web import create_app

URL = "https://www.roscosmos.ru/40532/"
TEXT = "Пуск перенесён\n\nПуск ракеты-носителя «Союз-2.1а» с Байконура перенесён на сутки.\n"


def sidecar(**fields: object) -> str:
    meta = {"url": URL, "item_url": None, "feed_url": "https://www.roscosmos.ru/rss/",
            "title": "Пуск «Союза» перенесён", "date": "2024-03-22T21:30:00+03:00",
            "author": "Пресс-служба", "fetched_at": "2024-03-23T08:00:00+00:00",
            "content_type": "text/plain", "sha256": "0" * 64, "source": "roscosmos",
            "source_name": "Роскосмос", **fields}
    return json.dumps(meta, ensure_ascii=False)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "roscosmos").mkdir(parents=True)
    (root / "roscosmos" / "2024-03-22-pusk.txt").write_text(TEXT, encoding="utf-8")
    (root / "roscosmos" / "2024-03-22-pusk.txt.meta.json").write_text(sidecar(), encoding="utf-8")
    (root / "roscosmos" / "hand-dropped.txt").write_text(
        "Заметка\n\nПуск ракеты «Протон» с Байконура.\n", encoding="utf-8")
    return root


def test_the_scan_pairs_a_release_with_its_provenance_and_reports_an_orphan(corpus: Path):
    (corpus / "roscosmos" / "gone.html.meta.json").write_text(sidecar(), encoding="utf-8")
    scan = scan_corpus(corpus)
    assert set(scan.files) == {"roscosmos/2024-03-22-pusk.txt", "roscosmos/hand-dropped.txt"}
    assert set(scan.provenance) == {"roscosmos/2024-03-22-pusk.txt"}
    assert ("roscosmos/gone.html.meta.json", "provenance file without its release") in scan.ignored


def test_the_feeds_date_and_address_go_to_a_release_that_gives_none(corpus: Path):
    path = corpus / "roscosmos" / "2024-03-22-pusk.txt"
    doc = load_document(path, "roscosmos/2024-03-22-pusk.txt",
                        provenance=read_provenance(Path(f"{path}.meta.json")))
    assert (doc.date, doc.url, doc.author) == ("2024-03-22", URL, "Пресс-служба")
    assert doc.fetched_at == "2024-03-23T08:00:00+00:00"
    assert doc.title == "Пуск перенесён"  # the release's own title wins over the feed's
    dated = path.with_name("dated.txt")
    dated.write_text("date: 2024-03-20\n\n" + TEXT, encoding="utf-8")
    doc = load_document(dated, "roscosmos/dated.txt",
                        provenance=read_provenance(Path(f"{path}.meta.json")))
    assert doc.date == "2024-03-20"  # and its own date over the feed's


@pytest.mark.parametrize("broken", [
    "{", "[]", '"just a string"', "{" * 5000 + "}" * 5000,
    json.dumps({"url": "javascript:alert(1)", "date": "soon"}),
    json.dumps({"url": URL, "pad": "x" * 100_000}),
])
def test_a_broken_provenance_file_leaves_the_release_indexed_without_it(
    corpus: Path, tmp_path: Path, broken: str
):
    (corpus / "roscosmos" / "2024-03-22-pusk.txt.meta.json").write_text(broken, encoding="utf-8")
    report = reindex(corpus, tmp_path / "index")
    assert report.added == 2 and not report.skipped
    hit = Engine(tmp_path / "index").search(SearchRequest("перенесён")).hits[0]
    assert hit.source_url is None and hit.date is None


def test_source_url_reaches_the_api_the_pages_and_the_feed(corpus: Path, tmp_path: Path):
    reindex(corpus, tmp_path / "index")
    client = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index"}).test_client()
    hits = client.get("/api/search", query_string={"q": "байконур"}).get_json()["hits"]
    urls = {h["id"]: h["source_url"] for h in hits}
    assert urls == {"roscosmos/2024-03-22-pusk.txt": URL, "roscosmos/hand-dropped.txt": None}
    doc = client.get("/api/doc/roscosmos/2024-03-22-pusk.txt").get_json()
    assert (doc["source_url"], doc["date"], doc["author"]) == (URL, "2024-03-22", "Пресс-служба")
    for page in (client.get("/?q=перенесён"), client.get("/doc/roscosmos/2024-03-22-pusk.txt")):
        links = BeautifulSoup(page.data, "html.parser").select("p.original a")
        assert [(a["href"], a.get_text()) for a in links] == [
            (URL, "Оригинал на сайте агентства")
        ]
    feed = BeautifulSoup(client.get("/feed?q=перенесён").data, "xml")
    assert [link["href"] for link in feed.find_all("link", rel="via")] == [URL]


def test_a_changed_provenance_file_makes_its_release_read_again(corpus: Path, tmp_path: Path):
    reindex(corpus, tmp_path / "index")
    meta = corpus / "roscosmos" / "2024-03-22-pusk.txt.meta.json"
    meta.write_text(sidecar(url="https://www.roscosmos.ru/40533/"), encoding="utf-8")
    stat = meta.stat()
    os.utime(meta, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    report = reindex(corpus, tmp_path / "index")
    assert (report.updated, report.unchanged) == (1, 1)
    hit = Engine(tmp_path / "index").search(SearchRequest("перенесён")).hits[0]
    assert hit.source_url == "https://www.roscosmos.ru/40533/"
    assert reindex(corpus, tmp_path / "index").changed == 0  # and then it is settled
