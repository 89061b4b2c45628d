"""Releases like this one: never the release itself or its copies, the same on page and API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from releases_corpus import (
    BAIKONUR_2018,
    BAIKONUR_2018_HTML,
    BAIKONUR_2018_REPOST,
    BAITEREK_2018,
    BAITEREK_2019,
    DOCS,
    PROGRESS_2018,
    write_corpus,
)

from search.index import Snapshot, current_generation, open_generation, reindex, writers
from search.ranking.related import RELATED_LIMIT, key_terms
from search.ranking.related import related as related_releases

SOYUZ_COPIES = {BAIKONUR_2018, BAIKONUR_2018_HTML, BAIKONUR_2018_REPOST}


def related(client: FlaskClient, doc_id: str) -> dict:
    r = client.get(f"/api/related/{doc_id}")
    assert r.status_code == 200
    return r.get_json()


def test_api_shape(rclient) -> None:
    data = related(rclient, BAITEREK_2018)
    assert list(data) == ["id", "related", "duplicates"]
    assert data["id"] == BAITEREK_2018
    assert 1 <= len(data["related"]) <= 5
    for item in data["related"]:
        assert list(item) == ["id", "title", "date", "source", "source_label", "url", "score"]
        assert item["url"] == "/doc/" + item["id"]
        assert isinstance(item["score"], float) and item["score"] > 0
    scores = [item["score"] for item in data["related"]]
    assert scores == sorted(scores, reverse=True)
    assert data["related"][0]["id"] == BAITEREK_2019  # the other «Байтерек» release


@pytest.mark.parametrize("doc_id", sorted(DOCS))
def test_never_the_release_itself_nor_its_copies(rclient, doc_id: str) -> None:
    data = related(rclient, doc_id)
    ids = [item["id"] for item in data["related"]]
    assert doc_id not in ids
    assert len(ids) == len(set(ids)) <= 5
    if doc_id in SOYUZ_COPIES:
        assert not SOYUZ_COPIES & set(ids)
        assert {d["id"] for d in data["duplicates"]} == SOYUZ_COPIES - {doc_id}
    else:
        assert len(SOYUZ_COPIES & set(ids)) <= 1  # another release's copies count once
        assert data["duplicates"] == []


def test_related_found_for_a_release_about_the_same_launch_site(rclient) -> None:
    ids = [item["id"] for item in related(rclient, PROGRESS_2018)["related"]]
    assert SOYUZ_COPIES & set(ids)


@pytest.mark.parametrize("doc_id", ["nope.txt", "../etc/passwd", "roscosmos//x.txt"])
def test_unknown_id_is_404_json(rclient, doc_id: str) -> None:
    r = rclient.get(f"/api/related/{doc_id}")
    assert r.status_code == 404
    assert r.get_json() == {"error": {"code": "not_found",
                                      "message": "Такого документа в индексе нет."}}


def test_document_page_and_api_agree(rclient) -> None:
    data = related(rclient, BAIKONUR_2018)
    soup = BeautifulSoup(rclient.get(f"/doc/{BAIKONUR_2018}").get_data(as_text=True),
                         "html.parser")
    assert [a["href"] for a in soup.select("aside.related a")] == [
        item["url"] for item in data["related"]
    ]
    assert [a.text for a in soup.select("aside.copies a")] == [
        d["id"] for d in data["duplicates"]
    ]
    doc = rclient.get(f"/api/doc/{BAIKONUR_2018}").get_json()
    assert doc["related"] == data["related"] and doc["duplicates"] == data["duplicates"]
    assert doc["source_label"] == "Роскосмос"


def test_key_terms_are_whooshs_from_the_posting_arrays(tmp_path: Path, monkeypatch) -> None:
    """The key terms of every release equal Whoosh's key_terms_from_text, over two segments
    (one with a deleted release), read from the posting arrays or from the segments alone."""
    corpus = write_corpus(tmp_path / "corpus")
    monkeypatch.setattr(writers, "SMALL_SEGMENT_DOCS", 1)  # each run keeps its own segment
    reindex(corpus, tmp_path / "index", quiet=True)
    changed = corpus / PROGRESS_2018
    changed.write_text(changed.read_text("utf-8") + "\n\nПуск перенесён на сутки.", "utf-8")
    reindex(corpus, tmp_path / "index", quiet=True)  # the old version deleted, not yet gone
    with open_generation(current_generation(tmp_path / "index")) as snapshot:
        assert len(snapshot.leaves) == 2 and snapshot.doc_count() < snapshot.size
        samples = [(field, snapshot.stored(n).get(field) or "")
                   for n in range(snapshot.size) for field in ("body", "title")]

        def ours() -> list[list[tuple[str, float]]]:
            return [key_terms(snapshot, field, text, 10) for field, text in samples]

        whooshs = [snapshot.searcher.key_terms_from_text(field, text, numterms=10)
                   for field, text in samples]
        assert ours() == whooshs
        assert sum(len(terms) == 10 for terms in whooshs) >= 5  # long enough to choose
        monkeypatch.setattr(Snapshot, "_arrays_in", lambda self, leaf: None)
        assert ours() == whooshs


def test_a_generation_keeps_numbers_not_titles(tmp_path: Path, monkeypatch) -> None:
    """A generation keeps each release's related list as document numbers and scores (a
    crawler reads every release page), and not its key terms' idf; the titles and ids are
    read again on each call."""
    corpus = write_corpus(tmp_path / "corpus")
    reindex(corpus, tmp_path / "index", quiet=True)
    kept: list[str] = []
    derived = Snapshot.derived

    def recorded(self: Snapshot, key: tuple, compute: Callable[[], Any]) -> Any:
        kept.append(key[0])
        return derived(self, key, compute)

    monkeypatch.setattr(Snapshot, "derived", recorded)
    with open_generation(current_generation(tmp_path / "index")) as snapshot:
        first = related_releases(snapshot, BAIKONUR_2018)
        assert kept == ["related"]
        assert first is not None and first.related
        assert set(first.copies) == SOYUZ_COPIES - {BAIKONUR_2018}

        def never() -> None:
            raise AssertionError("the related list was not kept")

        hits, copies = snapshot.derived(("related", BAIKONUR_2018, RELATED_LIMIT), never)
        assert len(hits) == len(first.related) and len(copies) == len(first.copies)
        assert all(type(n) is int and type(s) is float for n, s in hits)
        assert all(type(n) is int for n in copies)
        assert [snapshot.stored(n)["title"] for n, _ in hits] == [
            r.title for r in first.related]
        assert related_releases(snapshot, BAIKONUR_2018) == first
        assert related_releases(snapshot, "nope.txt") is None
