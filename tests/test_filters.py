"""Filters, facets, the date sort and copies of one release, on the page and in the API."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import asdict
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from releases_corpus import (
    BAIKONUR_2018,
    BAIKONUR_2018_HTML,
    BAIKONUR_2018_REPOST,
    BAITEREK_2018,
    BAITEREK_2019,
    DOCS,
    MAY_2018,
    NASA_2018,
    PROGRESS_2018,
    TIE_STRONG,
    TIE_WEAK,
    UNDATED,
)
from searching import search

from search.analysis import words
from search.engine import Engine
from search.errors import QueryError
from search.index import is_copy, sketch
from search.query import Filters, from_params, split_query

SOYUZ_COPIES = {BAIKONUR_2018, BAIKONUR_2018_HTML, BAIKONUR_2018_REPOST}
DOCS_BODY = DOCS[BAIKONUR_2018].split("\n\n", 2)[2]


def api(client, **params) -> dict:
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def all_ids(data: dict) -> set[str]:
    """The hits and the copies folded into them."""
    return {h["id"] for h in data["hits"]} | {d["id"] for h in data["hits"]
                                              for d in h["duplicates"]}


# --- reading filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"source": ["roscosmos", "nasa"], "from": "2018-01-01", "to": "2018-12-31", "lang": "ru"},
         Filters(("roscosmos", "nasa"), ("ru",), "2018-01-01", "2018-12-31")),
        ({"source": "Роскосмос,ЕКА"}, Filters(("roscosmos", "esa"))),
        ({"year": "2018"}, Filters(date_from="2018", date_to="2018")),
        ({"year": "2018", "from": "2018-05"}, Filters(date_from="2018-05", date_to="2018")),
        ({"from": "14.05.2018"}, Filters(date_from="2018-05-14")),
        ({"lang": "русский"}, Filters(langs=("ru",))),
        ({"source": "", "lang": "", "from": " "}, Filters()),
    ],
)
def test_filters_from_parameters(params: dict, expected: Filters) -> None:
    assert from_params(params) == expected


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        ("байконур source:roscosmos date:2018", "байконур",
         Filters(("roscosmos",), date_from="2018", date_to="2018")),
        ("источник:Роскосмос год:2018 пуск", "пуск",
         Filters(("roscosmos",), date_from="2018", date_to="2018")),
        ("date:2018-05..2018-07 союз", "союз", Filters(date_from="2018-05", date_to="2018-07")),
        ("date:..2018-06-30 союз", "союз", Filters(date_to="2018-06-30")),
        ("союз lang:en source:nasa source:esa", "союз", Filters(("nasa", "esa"), ("en",))),
        ('"source:roscosmos" title:союз', '"source:roscosmos" title:союз', Filters()),
        ("(союз OR прогресс) дата:2018", "(союз OR прогресс)",
         Filters(date_from="2018", date_to="2018")),
        # named in Kazakh
        ("Байқоңыр дереккөз:Қазғарыш жыл:2023", "Байқоңыр",
         Filters(("kazcosmos",), date_from="2023", date_to="2023")),
        ("ұшыру тіл:kk күні:2024-04", "ұшыру",
         Filters(langs=("kk",), date_from="2024-04", date_to="2024-04")),
        ("агенттік:roscosmos Байқоңыр", "Байқоңыр", Filters(("roscosmos",))),
        # every name a release's front matter reads (search/corpus/fields.py)
        ("запуск «Союза» agency:Роскосмос language:ru published:2018-05", "запуск «Союза»",
         Filters(("roscosmos",), ("ru",), date_from="2018-05", date_to="2018-05")),
    ],
)
def test_filters_in_the_query_text(text: str, words: str, expected: Filters) -> None:
    assert split_query(text) == (words, expected)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2018-13-01"}, "bad_date"),
        ({"to": "31.02.2018"}, "bad_date"),
        ({"from": "вчера"}, "bad_date"),
        ({"from": "2019", "to": "2018"}, "bad_date_range"),
        ({"year": "18"}, "bad_year"),
        ({"lang": "fr"}, "bad_lang"),
        ({"source": "«»"}, "bad_source"),
        ({"q": "союз date:2018..2017"}, "bad_date_range"),
        ({"q": "союз date:потом"}, "bad_date"),
        ({"q": "союз source:nasa", "source": "roscosmos"}, "conflicting_sources"),
        ({"q": "союз", "from": ["2018", "2019"]}, "bad_from"),
    ],
)
def test_bad_filter_is_400_with_a_russian_message(rclient, params: dict, code: str) -> None:
    params.setdefault("q", "союз")
    r = rclient.get("/api/search", query_string=params)
    assert r.status_code == 400
    error = r.get_json()["error"]
    assert error["code"] == code
    assert any("а" <= c <= "я" for c in error["message"].lower())
    page = rclient.get("/", query_string=params)
    assert page.status_code == 400
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.select_one(".error")["data-code"] == code


# --- filtering ---------------------------------------------------------------------------------


def test_filters_narrow_the_results(rclient) -> None:
    data = api(rclient, q="Байконур", source=["roscosmos", "nasa"], **{"from": "2018-01-01"},
               to="2018-12-31", lang="ru")
    ids = all_ids(data)
    assert ids == {BAIKONUR_2018, BAIKONUR_2018_HTML, PROGRESS_2018, MAY_2018}
    assert data["filters"] == {"source": ["roscosmos", "nasa"], "lang": ["ru"],
                               "from": "2018-01-01", "to": "2018-12-31"}


def test_query_language_and_parameters_agree(rclient) -> None:
    typed = api(rclient, q="Байконур source:roscosmos date:2018")
    given = api(rclient, q="Байконур", source="roscosmos", year="2018")
    assert typed["query"] == given["query"] == "Байконур"
    assert typed["total"] == given["total"]
    assert [h["id"] for h in typed["hits"]] == [h["id"] for h in given["hits"]]
    assert typed["filters"] == given["filters"]


@pytest.mark.parametrize(
    ("bounds", "included"),
    [
        ({"from": "2018-05-01", "to": "2018-05-31"}, True),
        ({"year": "2018"}, True),
        ({"from": "2018-05", "to": "2018-05"}, True),
        ({"from": "2018-05-10"}, False),  # the day is unknown
        ({"to": "2018-04-30"}, False),
    ],
)
def test_release_dated_by_month(rclient, bounds: dict, included: bool) -> None:
    assert (MAY_2018 in all_ids(api(rclient, q="Байконур", per_page=50, **bounds))) == included


def test_undated_releases_are_left_out_by_any_date_filter(rclient) -> None:
    assert UNDATED in all_ids(api(rclient, q="Байконур", per_page=50))
    assert UNDATED not in all_ids(api(rclient, q="Байконур", per_page=50, to="2030"))


def test_filters_alone_list_their_documents_newest_first(rclient) -> None:
    by_text = api(rclient, q="source:mdai-kz")
    by_params = api(rclient, source="mdai-kz")
    assert [h["id"] for h in by_text["hits"]] == [h["id"] for h in by_params["hits"]] == [
        BAITEREK_2019, BAITEREK_2018, BAIKONUR_2018_REPOST,
    ]
    page = rclient.get("/", query_string={"source": "mdai-kz"})
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert len(soup.select("li.hit")) == 3


# --- facets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Байконур"},
        {"q": "Байконур", "sort": "date"},
        {"q": "Байконур", "year": "2018"},
        {"q": "Байконур", "source": "roscosmos", "lang": "ru"},
        {"q": "Байтерек OR Союз"},
        {"q": "нетакогослова"},
        {"source": "roscosmos"},
    ],
)
def test_facets_agree_with_each_other_and_with_the_total(rclient, params: dict) -> None:
    data = api(rclient, **params)
    for name in ("source", "year", "lang"):
        assert sum(f["count"] for f in data["facets"][name]) == data["total"], name
        assert all(set(f) == {"value", "label", "count"} for f in data["facets"][name])
    # choosing a value finds exactly as many documents as the facet said
    for name, param in (("source", "source"), ("year", "year"), ("lang", "lang")):
        for f in data["facets"][name]:
            if f["value"] is not None:
                narrowed = api(rclient, **{**params, param: f["value"]})
                assert narrowed["total"] == f["count"], (name, f)


def test_facet_values_and_labels(rclient) -> None:
    facets = api(rclient, q="Байконур")["facets"]
    sources = {f["value"]: (f["label"], f["count"]) for f in facets["source"]}
    assert sources["roscosmos"] == ("Роскосмос", 6)
    assert sources["esa"] == ("ЕКА", 1)
    assert sources[None] == ("Источник не указан", 1)
    assert [f["value"] for f in facets["year"]] == ["2020", "2019", "2018", None]
    assert {f["value"] for f in facets["lang"]} <= {"ru", "en"}


def test_page_shows_facets_that_link_to_narrowed_searches(rclient) -> None:
    data = api(rclient, q="Байконур")
    soup = BeautifulSoup(
        rclient.get("/", query_string={"q": "Байконур"}).get_data(as_text=True), "html.parser"
    )
    shown = {
        section["data-facet"]: [
            (li.select_one("a, span").text, int(li.select_one(".count").text.replace("\u202f", "")))
            for li in section.select("li")
        ]
        for section in soup.select("aside.facets section")
    }
    for name in ("source", "year", "lang"):
        assert shown[name] == [(f["label"], f["count"]) for f in data["facets"][name]]
    link = soup.select_one('section[data-facet="source"] a')
    narrowed = BeautifulSoup(rclient.get(link["href"]).get_data(as_text=True), "html.parser")
    chosen = narrowed.select_one('section[data-facet="source"] li.selected')
    assert chosen is not None and chosen.select_one("a")["aria-current"] == "true"
    assert parse_qs(urlsplit(link["href"]).query) == {"q": ["Байконур"], "source": ["roscosmos"]}


def test_page_and_api_agree_with_filters(rclient) -> None:
    params = {"q": "Байконур", "source": "roscosmos", "sort": "date"}
    data = api(rclient, **params)
    soup = BeautifulSoup(rclient.get("/", query_string=params).get_data(as_text=True),
                         "html.parser")
    ids = [a["href"].split("?")[0].removeprefix("/doc/") for a in soup.select("li.hit h2 a")]
    assert ids == [h["id"] for h in data["hits"]]
    checked = [i["value"] for i in soup.select('details.filters input[name="source"][checked]')]
    assert checked == ["roscosmos"]


def test_paging_and_sort_links_keep_the_filters(rclient) -> None:
    soup = BeautifulSoup(
        rclient.get("/", query_string={"q": "Байконур source:roscosmos", "per_page": 2})
        .get_data(as_text=True), "html.parser",
    )
    for a in soup.select("nav.pager a, p.sort a"):
        assert parse_qs(urlsplit(a["href"]).query)["source"] == ["roscosmos"]


# --- sorting -----------------------------------------------------------------------------------


def test_date_sort_is_newest_first_ties_by_relevance(rclient) -> None:
    hits = api(rclient, q="Байконур", sort="date", per_page=50)["hits"]
    dates = [h["date"] for h in hits]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    assert dates[-1] is None  # undated last
    ids = [h["id"] for h in hits]
    assert ids.index(TIE_STRONG) < ids.index(TIE_WEAK)  # same day: the more relevant first
    strong, weak = (next(h for h in hits if h["id"] == i) for i in (TIE_STRONG, TIE_WEAK))
    assert strong["score"] > weak["score"]


# --- copies ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_copies_of_a_release_are_one_hit(rclient, sort: str) -> None:
    data = api(rclient, q="Союз МС-09 стартовал", sort=sort)
    [hit] = [h for h in data["hits"] if h["id"] in SOYUZ_COPIES]
    assert {hit["id"]} | {d["id"] for d in hit["duplicates"]} == SOYUZ_COPIES
    assert all(d["url"] == "/doc/" + d["id"] for d in hit["duplicates"])
    assert data["total"] >= 3  # total counts every matching document, copies included
    assert all(h["duplicates"] == [] for h in data["hits"] if h is not hit)


def test_a_hit_as_the_api_shows_it(releases_app) -> None:
    result = search(Engine(releases_app.config["INDEX_DIR"]), "Союз МС-09 стартовал")
    [hit] = [h for h in result.hits if h.id in SOYUZ_COPIES]
    shown = hit.as_dict()
    assert shown == asdict(hit) and len(shown["duplicates"]) == 2
    assert shown["duplicates"] is not hit.duplicates  # the page's own list to rewrite


def test_page_says_how_many_copies(rclient) -> None:
    soup = BeautifulSoup(
        rclient.get("/", query_string={"q": "Союз МС-09 стартовал"}).get_data(as_text=True),
        "html.parser",
    )
    copies = soup.select_one("li.hit .copies")
    assert copies.text.strip().startswith("ещё 2 копии")
    assert len(copies.select("a")) == 2


def test_similar_but_different_releases_are_not_copies(rclient) -> None:
    data = api(rclient, q="Байтерек")
    assert {h["id"] for h in data["hits"]} == {BAITEREK_2018, BAITEREK_2019}
    assert all(h["duplicates"] == [] for h in data["hits"])


_ADVISORY = (
    "NASA's DC-8 aircraft will fly at low altitude over {city} on {day} as part of an air "
    "quality study. Residents may see the aircraft flying as low as 1,000 feet above the "
    "ground for about two hours. The flights are part of a NASA airborne science campaign that "
    "measures pollution, and the public is invited to learn more at a science event nearby. "
    "Media interested in covering the flights should contact the Armstrong Flight Research "
    "Center newsroom for details about times, places and interviews with mission scientists."
)


@pytest.mark.parametrize(
    ("a", "b", "copies"),
    [
        (("Пуск", DOCS_BODY), ("Пуск", DOCS_BODY), True),
        (("Пуск «Союза»", DOCS_BODY), ("Пуск «Союза» | Роскосмос", DOCS_BODY), True),
        (("Пуск «Союза»", DOCS_BODY), ("Пуск «Союза»", DOCS_BODY + " Фото: Роскосмос."), True),
        (("Пуск «Союза»", DOCS_BODY), ("Роскосмос сообщает", DOCS_BODY), True),
        # a templated release about another place and day is another release
        (("DC-8 to Fly Low Over Pocatello", _ADVISORY.format(city="Pocatello", day="May 21")),
         ("DC-8 to Fly Low Over San Jose", _ADVISORY.format(city="San Jose", day="May 24")),
         False),
        (("Пуск ракеты номер 1", "Проведён пуск ракеты номер 1. Системы штатно."),
         ("Пуск ракеты номер 2", "Проведён пуск ракеты номер 2. Системы штатно."), False),
        # boilerplate under different headlines: two releases
        (("Фото: МКС с борта «Союза»", "Фото: Роскосмос."), ("Фото: Байконур", "Фото: Роскосмос."),
         False),
        (("Пуск", ""), ("Пуск", ""), True),
        (("", ""), ("", ""), False),  # nothing to compare
    ],
)
def test_copies_of_a_release(a: tuple[str, str], b: tuple[str, str], copies: bool) -> None:
    assert is_copy(sketch(*a), sketch(*b)) == copies


def _reference_sketch(title: str, body: str) -> list[int]:
    """The sketch as its docstring defines it, one shingle at a time in Python integers:
    the headline's hash, then the 64 smallest hashes of the text's three-word shingles."""
    def hashed(text: str) -> int:
        return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")

    def mixed(a: int, b: int, c: int) -> int:
        mask = (1 << 64) - 1
        x = (a * 0x9E3779B97F4A7C15 + b * 0xC2B2AE3D27D4EB4F + c) & mask
        x = ((x ^ (x >> 31)) * 0xBF58476D1CE4E5B9) & mask
        return x ^ (x >> 29)

    headline = [w for w, _, _ in words(title)]
    hashes = [hashed(w) for w in [w for w, _, _ in words(body)] or headline]
    if 0 < len(hashes) < 3:
        hashes += [0] * (3 - len(hashes))
    shingles = {mixed(*hashes[i : i + 3]) for i in range(len(hashes) - 2)}
    return [hashed(" ".join(headline)), *sorted(shingles)[:64]]


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Ёмкость бака", " ".join(DOCS.values())),  # more than 64 shingles
        ("Пуск «Союза-2.1б»", "Пуск ракеты-носителя «Союз-2.1б» с космодрома Восточный."),
        ("Байконур", ""),  # no body: the headline's words
        ("", "Пуск перенесён"),  # fewer words than a shingle
        ("", ""),
    ],
)
def test_a_sketch_holds_the_smallest_hashes_of_the_three_word_shingles(title, body) -> None:
    data = sketch(title, body)
    assert list(struct.unpack(f">{len(data) // 8}Q", data)) == _reference_sketch(title, body)


def test_engine_search_reads_filters_from_the_text(releases_app) -> None:
    engine = Engine(releases_app.config["INDEX_DIR"])
    result = search(engine, "Baikonur lang:en")
    assert [h.id for h in result.hits] == [NASA_2018]
    assert result.facets["lang"] == [{"value": "en", "count": 1, "label": None}]
    with pytest.raises(QueryError):
        search(engine, "союз date:2018-02-30")


def test_corpus_is_what_the_tests_expect() -> None:
    assert len(DOCS) == 13
