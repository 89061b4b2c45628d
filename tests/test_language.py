"""Language of documents and queries: Kazakh, Russian, English or mixed."""

from __future__ import annotations

import pytest

from search.analysis import detect_language

KAZAKH = (
    "Байқоңыр ғарыш айлағынан «Союз МС-25» зымыраны сәтті ұшырылды. Экипаж құрамында "
    "үш ғарышкер бар. Қазақстан Республикасының Аэроғарыш комитеті бұл туралы хабарлады."
)
RUSSIAN = (
    "С космодрома Байконур стартовала ракета «Союз-2.1а» с кораблём «Союз МС-25». "
    "Экипаж из трёх человек отправился на Международную космическую станцию."
)
ENGLISH = "NASA and Roscosmos discussed the next crew rotation to the space station."


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # short queries
        ("Байқоңыр ғарыш айлағы", "kk"),
        ("Бәйтерек жобасы", "kk"),
        ("зымыран ұшыру", "kk"),
        ("космодром байконур", "ru"),
        ("запуск ракеты", "ru"),
        ("baikonur launch", "en"),
        # Kazakh without any of the Kazakh letters, told by its common words
        ("ракета мен спутник", "kk"),
        ("ол жерде тек бір адам бар", "kk"),
        ("Байтерек жобасы туралы", "kk"),
    ],
)
def test_short_queries(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_kazakh_document() -> None:
    assert detect_language(KAZAKH) == "kk"


def test_russian_document_with_a_kazakh_name_stays_russian() -> None:
    text = "С космодрома Байқоңыр стартовала ракета «Союз». Её вывели на орбиту."
    assert detect_language(text) == "ru"
    assert detect_language("Глава Казкосмоса Атамқұлов посетил Бәйтерек.") == "ru"


def test_a_kazakh_sentence_without_kazakh_letters_goes_with_the_text_around_it() -> None:
    plain = "Ракета мен спутник орбитада."  # no ә ғ қ ң ө ұ ү һ і
    assert detect_language(plain) == "kk"
    assert detect_language(KAZAKH + " Ракета орбитада. " + KAZAKH) == "kk"


def test_a_russian_quotation_in_a_kazakh_release_keeps_it_kazakh() -> None:
    text = " ".join([KAZAKH] * 4) + " «Пуск прошёл штатно», — сказал он."
    assert detect_language(text) == "kk"


def test_half_kazakh_half_russian_is_mixed() -> None:
    assert detect_language(KAZAKH + "\n\n" + RUSSIAN) == "mixed"


def test_kazakh_and_english_is_mixed() -> None:
    assert detect_language(KAZAKH + "\n\n" + ENGLISH + " " + ENGLISH) == "mixed"


def test_a_query_in_two_scripts_is_mixed() -> None:
    assert detect_language("NASA ұшырды") == "mixed"


# The document reader's cases (tests/test_documents.py, tests/test_metadata.py) answer as
# before: 80% of the letters in one script, else mixed.
SENTENCE = "Министр встретился с Генеральным директором Госкорпорации «Роскосмос»."


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (SENTENCE, "ru"),
        (ENGLISH, "en"),
        (SENTENCE + " " + ENGLISH, "mixed"),
        ("абвгдежзий ab", "ru"),  # 10 of 12 letters Cyrillic: 83 %
        ("абвгдежзи abc", "mixed"),  # 9 of 12: 75 %
        ("abcdefghij аб", "en"),
        ("2018 — 42 — 7", "mixed"),  # no letters at all
        ("", "mixed"),
        ("Пуск\n\nС космодрома Байконур стартовала ракета «Союз».", "ru"),
        ("Launch\n\nNASA's rocket lifted off from Kennedy Space Center.", "en"),
        ("Запуск\n\nNASA и Роскосмос: joint crew flight, совместный полёт.", "mixed"),
        # a word Kazakh shares with Russian names («де») makes the text weighed sentence by
        # sentence; the Russian around it still decides
        ("Генерал де Голль посетил Байконур. Он осмотрел стартовый комплекс.", "ru"),
    ],
)
def test_russian_english_and_mixed_as_before(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_a_huge_text_is_judged_by_its_beginning() -> None:
    text = KAZAKH * 20_000 + RUSSIAN * 20_000  # ~6 MB
    assert detect_language(text) == "kk"
