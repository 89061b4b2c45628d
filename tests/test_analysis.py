"""The analyzer on real Russian: inflection, ё, ambiguity, hyphens, codes, invisible characters."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import (
    PLAIN_WORD_RE,
    WORD_RE,
    exact_analyzer,
    exact_forms,
    index_terms,
    lemma_analyzer,
    lemmas,
    terms,
    words,
)
from search.analysis.analyzers import lemma_positions as index_positions

REPO_ROOT = Path(__file__).resolve().parent.parent


def lemma_positions(text: str) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in lemma_analyzer()(text, positions=True)]


def lemma_set(text: str) -> set[str]:
    return {term for term, _ in lemma_positions(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Космонавты вернулись на Землю", {"космонавт", "вернуться", "на", "земля"}),
        ("на космодроме «Байконур»", {"на", "космодром", "байконур"}),
        ("привлечения инвестиций", {"привлечение", "инвестиция"}),
        ("казахстанских специалистов", {"казахстанский", "специалист"}),
        ("Роскосмоса", {"роскосмос"}),
        ("встретился с Дмитрием Рогозиным", {"встретиться", "с", "дмитрий", "рогозин"}),
    ],
)
def test_inflected_words_index_their_normal_forms(text, expected):
    assert expected <= lemma_set(text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("космодрома Байконур", "на космодроме «Байконур»"),
        ("Байтерека", "Байтерек"),
        ("Атамкуловым", "Атамкулов"),
        ("переговор", "переговорах"),  # plural-only noun meets its singular-looking query
        ("переговоры", "переговор"),
        ("Королёв", "Королев"),
        ("ещё", "еще"),
        ("Байконыр", "Байконыр"),  # an unknown name: index and query agree
    ],
)
def test_query_and_document_forms_share_a_term(a, b):
    assert lemma_set(a) & lemma_set(b) - {"на"}


def test_ambiguous_form_is_indexed_under_every_reading_at_one_position():
    tokens = lemma_positions("стали прочнее")
    assert ("стать", 0) in tokens and ("сталь", 0) in tokens
    # the readings share the position: the next word is at 1
    assert {pos for term, pos in tokens if term not in ("стать", "сталь")} == {1}


def test_yo_folds_to_e_on_both_sides_even_after_lemmatizing():
    # pymorphy3's normal forms keep ё (пришёл -> прийти, but королёв -> королёв)
    assert lemma_set("Королёв пришёл ещё раз") == lemma_set("Королев пришел еще раз")
    assert "королев" in lemma_set("Королёв")
    assert all("ё" not in term for term in lemma_set("Королёв пришёл ещё раз"))


def test_unknown_name_keeps_its_own_form():
    assert "байконыр" in lemmas("байконыр")


def test_a_query_leaves_out_unlikely_readings_but_never_an_unknown_words_guesses():
    # «день» is read as the verb «деть» once in 170 times: a query leaves that reading out
    assert lemmas("день") == ("день", "деть")
    assert terms("день", min_share=0.01) == ("день",)
    assert terms("стали", min_share=0.01) == ("стать", "сталь")  # 2.5 %: kept
    # «Квят» is not in the dictionary: every guess stays, its own form (0.8 %) included, so
    # that the query and the index read it alike
    assert "квят" in terms("квят", min_share=0.01)
    assert terms("квят", min_share=0.01) == lemmas("квят")


@pytest.mark.parametrize(
    ("text", "whole", "parts"),
    [
        ("ракеты-носителя", "ракета-носитель", ["ракета", "носитель"]),
        ("Союз-2.1б", "союз-2.1б", ["союз", "2", "1б"]),
        ("МС-25", "мс-25", ["мс", "25"]),
    ],
)
def test_hyphenated_words_and_codes_are_whole_and_in_parts(text, whole, parts):
    tokens = lemma_positions(text)
    assert (whole, 0) in tokens
    for i, part in enumerate(parts):
        assert (part, i) in tokens


def test_hyphenated_word_parts_follow_each_other_so_phrases_match():
    tokens = lemma_positions("ракеты-носителя «Союз» стартовали")
    assert ("ракета", 0) in tokens and ("носитель", 1) in tokens
    assert ("союз", 2) in tokens


@pytest.mark.parametrize("text", ["243", "26.12.2016", "КРК", "ОАЭ", "МКС", "НАСА"])
def test_numbers_dates_and_abbreviations_are_terms(text):
    assert text.lower() in lemma_set(text)


def test_dates_also_index_their_parts():
    assert {"26", "12", "2016"} <= lemma_set("от 26.12.2016")


def test_dot_between_words_splits_them():
    assert {"оаэ", "следующий"} <= lemma_set("ОАЭ.Следующее")


@pytest.mark.parametrize(
    "text",
    [
        "кос\u00adмо\u00adдром",  # soft hyphens
        "косм\u200bодром",  # zero-width space
        "ко\u0301смодром",  # stress accent
        "\ufeffкосмодром",  # BOM before the word
    ],
)
def test_invisible_characters_neither_split_nor_glue_words(text):
    assert lemma_set(text) == {"космодром"}


def test_non_breaking_space_separates_words():
    assert lemma_set("космодром\u00a0Байконур") == {"космодром", "байконур"}


def test_offsets_point_at_the_original_words():
    text = "На кос\u00adмодроме «Байконур» ракеты-носителя"
    found = {(t.text, text[t.startchar : t.endchar]) for t in lemma_analyzer()(text, chars=True)}
    assert ("космодром", "кос\u00adмодроме") in found
    assert ("байконур", "Байконур") in found
    assert ("носитель", "носителя") in found
    assert ("ракета-носитель", "ракеты-носителя") in found


def test_english_words_are_stemmed():
    assert lemma_set("launches") == lemma_set("launch") == {"launch"}
    assert "spacecraft" in lemma_set("Spacecraft")


def test_exact_field_keeps_forms_as_written_lowercased_and_yo_folded():
    terms = {t.text for t in exact_analyzer()("Королёв на космодроме «Байконур»")}
    assert {"королев", "космодроме", "байконур"} <= terms
    assert "космодром" not in terms
    assert "на" not in terms  # function words are left out of the exact field


def test_words_gives_spans_of_the_text():
    text = "Союз-2.1б стартовал 26.12.2016"
    assert [text[s:e] for _, s, e in words(text)] == ["Союз-2.1б", "стартовал", "26.12.2016"]


MIXED_TEXTS = [
    (REPO_ROOT / "corpus" / "mdai-kz" / "baikonur-talks-baiterek.txt").read_text(encoding="utf-8"),
    "Ракета-носитель «Союз-2.1б» стартовала 26.12.2016 с космодрома Восточный; на орбиту "
    "выведены спутники «Гонец-М» и ОАЭ.Следующее — МКС-65, МС-25, Прогресс МС-1.",
    "Ко\u0301смос, ра\u00adкета, \u200bСША, Королёв и Гагарин-Гагарин-Гагарин: 1,5 тонны.",
    "Байқоңыр ғарыш айлағынан «Бәйтерек» кешенінің құрылысы туралы келіссөздер жүргізілді. "
    "Глава Казкосмоса Атамқұлов посетил Бәйтерек. Елбасы Қазақстан-Ресей ынтымақтастығы "
    "жөнінде айтты. NASA and Roscosmos signed the agreement on space-station crews.",
    "x" * 70 + "-" + "y" * 3 + " а-б-в-г-д е\u2011ж 2-3-4",
]


@pytest.mark.parametrize("text", MIXED_TEXTS)
def test_lemma_positions_for_indexing_agree_with_the_analyzer(text):
    """The writer's one-pass lemma_positions gives the index exactly the analyzer's terms."""
    expected: dict[str, list[int]] = {}
    for term, pos in lemma_positions(text):
        expected.setdefault(term, []).append(pos)
    assert index_positions(text) == expected


# words with several readings, whose likeliest is not the dictionary's first
RANKED_READINGS = {"дела": "дело", "день": "день", "мир": "мир"}


def test_indexing_keeps_every_reading_that_ranking_orders():
    """index_terms skips pymorphy3's estimate of each reading's likelihood: the same terms as
    terms(), the likeliest not necessarily first (queries rank them; an index keeps them
    all)."""
    for word, likeliest in RANKED_READINGS.items():
        assert terms(word)[0] == likeliest
        assert set(index_terms(word)) == set(terms(word))
        assert len(terms(word)) > 1
    assert [index_terms(w)[0] for w in RANKED_READINGS] != list(RANKED_READINGS.values())
    text = "\n".join(MIXED_TEXTS + PLAIN_TEXTS) + (REPO_ROOT / "corpus").joinpath(
        "mdai-kz", "baikonur-talks-baiterek.txt").read_text(encoding="utf-8")
    for word, _start, _end in words(text):
        for kazakh in (False, True):
            assert sorted(index_terms(word, kazakh)) == sorted(terms(word, kazakh)), word


@pytest.mark.parametrize("text", MIXED_TEXTS)
def test_exact_forms_for_indexing_agree_with_the_analyzer(text):
    """The writer's one-pass exact_forms gives the exact field exactly the analyzer's terms."""
    assert exact_forms(text) == {t.text for t in exact_analyzer()(text, mode="index")}


PLAIN_TEXTS = [
    "Ракета-носитель «Союз-2.1б» стартовала 26.12.2016 в 09:48 с космодрома «Восточный».",
    "Госкорпорация «Роскосмос» и ОАЭ.Следующее соглашение — 3,5 млрд руб. до 2030 г.",
    "Ёмкость бака МС-25 – 1,2 т; «Байқоңыр» ғарыш айлағынан ұшырылды (Kazakhstan, 2024).",
    "Объект ‐ неразрывный дефис‑тоже, а «1.5-метровый» и 7.-8. нет; _подчёркивание_ 42_43",
]


@pytest.mark.parametrize("text", PLAIN_TEXTS)
def test_plain_word_pattern_splits_words_as_the_word_pattern(text: str) -> None:
    """Snippets read text without invisible characters with PLAIN_WORD_RE: the same words."""
    assert [m.span() for m in PLAIN_WORD_RE.finditer(text)] == [
        m.span() for m in WORD_RE.finditer(text)
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="аёбКЖ-‐‑.,_ 0129«»–\nәқ", max_size=40))
def test_plain_word_pattern_agrees_on_any_text_without_invisible_characters(text: str) -> None:
    assert [m.span() for m in PLAIN_WORD_RE.finditer(text)] == [
        m.span() for m in WORD_RE.finditer(text)
    ]
