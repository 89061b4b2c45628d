"""Searching Kazakh releases in Kazakh: inflection, function words, phrases, exact forms, the
Kazakh keyboard, completions and highlighting; and the Kazakh and Russian releases about one
event found by either spelling of a name (Байқоңыр / Байконур, Бәйтерек / Байтерек,
Атамқұлов / Атамкулов), Latin spellings reaching both, the form typed ranked first."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from search.corpus import load_document
from search.engine import Engine, SearchRequest, SearchResult
from search.index import reindex
from web import create_app

KK = "mdai-kz/2024-05-14-kk.txt"
RU = "mdai-kz/2024-05-14-ru.txt"
EN = "mdai-kz/2024-05-14-en.txt"
MIXED = "mdai-kz/2024-06-01-mixed.txt"
OTHER_KK = "mdai-kz/2024-07-02-kk-sputnik.txt"

DOCS = {
    KK: "Байқоңыр ғарыш айлағында «Бәйтерек» жобасы бойынша келіссөздер өтті\n\n"
        "2024 жылғы 14 мамырда Байқоңыр ғарыш айлағында Қазақстан мен Ресей мамандарының "
        "келіссөздері өтті. Тараптар «Бәйтерек» ғарыш зымыран кешенін салу жобасын талқылады. "
        "Келіссөздерге министрліктің өкілі Атамқұлов қатысты.\n",
    RU: "На космодроме «Байконур» прошли переговоры по проекту «Байтерек»\n\n"
        "14 мая 2024 года на космодроме «Байконур» прошли переговоры казахстанских и российских "
        "специалистов. Стороны обсудили строительство космического ракетного комплекса "
        "«Байтерек». В переговорах участвовал представитель министерства Атамкулов.\n",
    EN: "Talks on the Baiterek project held at Baikonur\n\n"
        "On 14 May 2024 Kazakh and Russian specialists held talks at the Baikonur cosmodrome "
        "about the Baiterek space rocket complex.\n",
    MIXED: "Спутник связи: итоги года / Байланыс серігі: жыл қорытындысы\n\n"
           "Спутник связи отработал год на орбите без сбоев.\n\n"
           "Байланыс серігі орбитада бір жыл бойы ақаусыз жұмыс істеді.\n",
    OTHER_KK: "Жаңа серік орбитаға шығарылды\n\n"
              "Қазақстанның жаңа серігі зымыранмен орбитаға сәтті шығарылды. Серіктің "
              "кешені жерден басқарылады.\n",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kazakh")
    for doc_id, text in DOCS.items():
        path = root / "corpus" / doc_id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    report = reindex(root / "corpus", root / "index")
    assert not report.skipped
    return root / "index"


@pytest.fixture(scope="module")
def engine(index: Path) -> Engine:
    return Engine(index)


def search(engine: Engine, q: str, **params: object) -> SearchResult:
    return engine.search(SearchRequest(q, **params))  # type: ignore[arg-type]


def ids(engine: Engine, q: str) -> list[str]:
    return [h.id for h in search(engine, q).hits]


@pytest.mark.parametrize(("doc_id", "lang"), [(KK, "kk"), (RU, "ru"), (EN, "en"),
                                              (OTHER_KK, "kk"), (MIXED, "mixed")])
def test_documents_are_labelled_by_their_language(tmp_path: Path, doc_id: str, lang: str):
    path = tmp_path / "doc.txt"
    path.write_text(DOCS[doc_id], encoding="utf-8")
    assert load_document(path, "doc.txt").lang == lang


@pytest.mark.parametrize(("typed", "found"), [
    ("Байқоңырда", KK), ("Байқоңырдың", KK),  # the cosmodrome's name in any case
    ("кешенін", KK), ("кешені", OTHER_KK),  # accusative and possessive meet at «кешен»
    ("серіктің", OTHER_KK), ("серікті", OTHER_KK), ("серігі", MIXED),  # к/г alternation
    ("Бәйтерегі", KK), ("келіссөздерге", KK), ("мамандары", KK),
])
def test_a_kazakh_word_finds_its_other_forms(engine: Engine, typed: str, found: str):
    assert found in ids(engine, typed)


@pytest.mark.parametrize(("typed", "first", "also"), [
    ("Байқоңыр", KK, RU), ("Байконур", RU, KK),
    ("Бәйтерек", KK, RU), ("Байтерек", RU, KK),
    ("Атамқұлов", KK, RU), ("Атамкулов", RU, KK),
])
def test_a_name_finds_both_spellings_and_the_one_typed_ranks_first(
    engine: Engine, typed: str, first: str, also: str
):
    found = ids(engine, typed)
    assert found[0] == first and also in found


@pytest.mark.parametrize("typed", ["Baikonur", "Baiterek"])
def test_a_latin_spelling_reaches_the_kazakh_and_the_russian_release(engine: Engine, typed: str):
    found = ids(engine, typed)
    assert found[0] == EN and {KK, RU} <= set(found)


def test_kazakh_function_words_do_not_decide_the_ranking(engine: Engine):
    plain = search(engine, "Қазақстан Ресей")
    with_words = search(engine, "Қазақстан мен Ресей үшін")
    assert [h.id for h in with_words.hits] == [h.id for h in plain.hits]
    assert [h.score for h in with_words.hits] == [h.score for h in plain.hits]


def test_a_phrase_matches_across_kazakh_inflection(engine: Engine):
    assert ids(engine, '"ғарыш айлағы"') == [KK]  # «ғарыш айлағында» in the release
    assert ids(engine, '"айлағы ғарыш"') == []  # the order counts


def test_an_exact_form_finds_that_form_only(engine: Engine):
    assert ids(engine, "=кешенін") == [KK]
    assert ids(engine, "=кешені") == [OTHER_KK]


def test_the_lang_filter_takes_kazakh(engine: Engine):
    assert set(ids(engine, "орбита lang:kk")) == {OTHER_KK}
    assert search(engine, "орбита", filters=_filters(lang="kk")).total == 1
    assert set(ids(engine, "Байконур язык:қазақша")) == {KK}


def _filters(**params: str):  # type: ignore[no-untyped-def]
    from search.engine import SearchRequest as Request

    return Request.from_params(params).filters


def test_a_mixed_release_is_found_by_either_language(engine: Engine):
    assert MIXED in ids(engine, "спутник связи")
    assert MIXED in ids(engine, "байланыс серігі")


def test_text_typed_on_the_wrong_keyboard_is_read_on_the_kazakh_one(engine: Engine):
    result = search(engine, ",fq0j4sh")  # «байқоңыр» with the QWERTY layout on
    assert result.correction is not None and result.correction.corrected == "байқоңыр"
    assert result.hits[0].id == KK


@pytest.mark.parametrize("typed", ["кешенін", "серіктің", "келіссөздерге", "мамандары"])
def test_kazakh_words_are_never_corrected(engine: Engine, typed: str):
    assert search(engine, typed).correction is None


def test_completions_complete_kazakh_words_and_titles(engine: Engine):
    assert "серігі" in engine.suggest("серіг", wait=True)  # a form two releases hold
    assert engine.suggest("жаңа сер", wait=True) == ["Жаңа серік орбитаға шығарылды"]


def test_kazakh_words_are_marked_as_written(engine: Engine):
    hit = next(h for h in search(engine, "Байқоңырдың кешені").hits if h.id == KK)
    soup = BeautifulSoup(hit.snippet_html, "html.parser")
    assert {m.get_text() for m in soup.find_all("mark")} >= {"Байқоңыр", "кешенін"}
    hit = next(h for h in search(engine, "Байконур").hits if h.id == KK)
    assert "<mark>Байқоңыр</mark>" in hit.snippet_html  # found by its Russian spelling


def test_the_page_and_the_api_show_kazakh_releases(index: Path):
    client = create_app({"TESTING": True, "INDEX_DIR": index}).test_client()
    data = client.get("/api/search", query_string={"q": "Бәйтерек"}).get_json()
    assert data["hits"][0]["id"] == KK and data["hits"][0]["lang"] == "kk"
    langs = {f["value"]: f["label"] for f in data["facets"]["lang"]}
    assert "kk" in langs
    page = client.get("/", query_string={"q": "Бәйтерек"}).get_data(as_text=True)
    assert 'lang="kk"' in page
