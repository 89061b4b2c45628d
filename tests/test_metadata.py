"""A release's date, agency and language, from every kind of source, traps included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.corpus import Document, load_document
from search.corpus import resolve_source as resolve


def load(tmp_path: Path, doc_id: str, text: str) -> Document:
    path = tmp_path / doc_id
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_document(path, doc_id)


def page(head: str, body: str) -> str:
    return f"<!doctype html><html><head><title>Пуск</title>{head}</head><body>{body}</body></html>"


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


TEXT = "<p>С космодрома Байконур стартовала ракета.</p><p>Корабль выведен на орбиту.</p>"


# --------------------------------------------------------------------------- HTML


@pytest.mark.parametrize(
    ("head", "body", "date"),
    [
        ('<meta property="article:published_time" content="2018-05-14T09:30:00+03:00">', TEXT,
         "2018-05-14"),
        ('<meta name="date" content="14.05.2018">', TEXT, "2018-05-14"),
        ("", '<article><header><h1>Пуск</h1><time datetime="2018-05-14">14 мая</time></header>'
         + TEXT + "</article>", "2018-05-14"),
        ("", "<p><time>14 мая 2018 г.</time></p>" + TEXT, "2018-05-14"),
        (ld({"@type": "NewsArticle", "datePublished": "2018-05-14"}), TEXT, "2018-05-14"),
        ("", "<p>Байконур, 14 мая 2018 г.</p>" + TEXT, "2018-05-14"),
        # a <time> in a sidebar, the site's header or the footer dates something else
        ("", f"<main>{TEXT}</main><aside><h2>Ещё новости</h2>"
         '<time datetime="2001-01-01">1 января</time></aside>', None),
        ("", '<header>Сегодня <time datetime="2024-06-01">1 июня</time></header>'
         f"<main>{TEXT}</main>", None),
        ("", f"<main>{TEXT}</main><footer><time datetime='2020-01-01'>2020</time></footer>", None),
        # ... and so does one deep in the text
        ("", "<article>" + TEXT * 3 + '<p>Следующий пуск — <time datetime="2030-01-01">'
         "1 января 2030</time>.</p></article>", None),
        # other articles listed in the page's JSON-LD are not this one
        (ld({"@type": "ItemList", "itemListElement": [
            {"@type": "NewsArticle", "datePublished": "2001-01-01"}]}), TEXT, None),
        (ld({"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle",
                                               "datePublished": "2019-03-01"}]}), TEXT,
         "2019-03-01"),
        ('<meta property="article:modified_time" content="2019-01-01">', TEXT, None),
        ("", TEXT + "<p>Соглашение от 14.05.2018 продлено.</p>", None),
    ],
)
def test_html_dates(tmp_path: Path, head: str, body: str, date: str | None) -> None:
    assert load(tmp_path, "x.html", page(head, body)).date == date


@pytest.mark.parametrize(
    ("head", "source"),
    [
        ('<meta property="og:site_name" content="Роскосмос">', "Роскосмос"),
        (ld({"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "NASA"}}),
         "NASA"),
        ("", "roscosmos"),  # the folder
    ],
)
def test_html_sources(tmp_path: Path, head: str, source: str) -> None:
    assert load(tmp_path, "roscosmos/x.html", page(head, TEXT)).source == source


# --------------------------------------------------------------------------- .txt and .md


@pytest.mark.parametrize(
    ("first_line", "date"),
    [
        ("14 мая 2018 г.", "2018-05-14"),
        ("May 14, 2018", "2018-05-14"),
        ("14.05.2018", "2018-05-14"),
        ("Москва, 14 мая 2018 года", "2018-05-14"),
        # Russian month names in any case
        ("1 января 2019 г.", "2019-01-01"),
        ("3 марте 2019", "2019-03-03"),
        ("в мае 2018 года", "2018-05"),  # a month alone stays a month
        ("Май 2018", "2018-05"),
        ("Science in Space: May 2024", "2024-05"),
        # traps
        ("14 мая", None),  # no year
        ("31 февраля 2018 г.", None),  # no such day, and not "February" either
        ("В мае 2018 года на Байконуре стартовал «Союз».", None),  # a sentence
        ("05/14/2018", None),  # ambiguous order
    ],
)
def test_dated_first_line(tmp_path: Path, first_line: str, date: str | None) -> None:
    doc = load(tmp_path, "x.txt", f"{first_line}\n\nПуск «Союза»\n\nТекст релиза.")
    assert doc.date == date


@pytest.mark.parametrize(
    ("text", "date", "source"),
    [
        ("---\ndate: 2018-05-14\nsource: Роскосмос\n---\nПуск\n\nТекст.", "2018-05-14",
         "Роскосмос"),
        ("Дата: 14.05.2018\nИсточник: ЕКА\n\nПуск\n\nТекст.", "2018-05-14", "ЕКА"),
        ("---\ndate: май 2018\n---\nПуск\n\nТекст.", "2018-05", "agency"),
    ],
)
def test_front_matter(tmp_path: Path, text: str, date: str, source: str) -> None:
    doc = load(tmp_path, "agency/x.md", text)
    assert (doc.date, doc.source) == (date, source)


def test_never_a_date_from_deep_in_the_body(tmp_path: Path) -> None:
    text = "Пуск «Союза»\n\nПервый абзац.\n\n14 мая 2018 г.\n\nВ мае 2018 года и 14.05.2018."
    assert load(tmp_path, "x.txt", text).date is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Пуск\n\nС космодрома Байконур стартовала ракета «Союз».", "ru"),
        ("Launch\n\nNASA's rocket lifted off from Kennedy Space Center.", "en"),
        ("Запуск\n\nNASA и Роскосмос: joint crew flight, совместный полёт.", "mixed"),
    ],
)
def test_lang_from_the_text(tmp_path: Path, text: str, lang: str) -> None:
    assert load(tmp_path, "x.txt", text).lang == lang


# --------------------------------------------------------------------------- agencies


@pytest.mark.parametrize(
    ("raw", "key", "name"),
    [
        ("roscosmos", "roscosmos", "Роскосмос"),
        ("Роскосмос", "roscosmos", "Роскосмос"),
        ("Госкорпорация «Роскосмос»", "roscosmos", "Роскосмос"),
        ("ГОСКОРПОРАЦИЯ   \"РОСКОСМОС\"", "roscosmos", "Роскосмос"),
        ("ЕКА", "esa", "ЕКА"),
        ("nasa", "nasa", "NASA"),
        ("mdai-kz", "mdai-kz", "МЦРИАП РК"),
        ("ҚР ЦДИАӨМ Аэроғарыш комитеті", "mdai-kz", "МЦРИАП РК"),  # Kazakh names
        ("Қазақстан Республикасы Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі "
         "министрлігі", "mdai-kz", "МЦРИАП РК"),
        ("«ҚАЗҒАРЫШ»", "kazcosmos", "Казкосмос"),
        ("Байконур-Информ", "байконур-информ", "Байконур-Информ"),  # unknown: its own name
        ("Central  Bank of Russia", "central-bank-of-russia", "Central Bank of Russia"),
    ],
)
def test_sources_have_one_key_and_one_name(raw: str, key: str, name: str) -> None:
    source = resolve(raw)
    assert source is not None and (source.key, source.name) == (key, name)


@pytest.mark.parametrize("raw", [None, "", "  ", "«»"])
def test_no_source(raw: str | None) -> None:
    assert resolve(raw) is None


def test_a_kazakh_release_names_its_date_agency_and_language_in_kazakh(tmp_path: Path) -> None:
    doc = load(tmp_path, "kk/launch.txt",
               "---\nкүні: 2024 жылғы 12 сәуір\nдереккөз: Қазғарыш\nтіл: kk\n"
               "тақырып: Байқоңырдан «Союз МС-25» ұшырылды\n---\n"
               "Байқоңыр ғарыш айлағынан зымыран сәтті ұшырылды.")
    assert (doc.date, doc.lang) == ("2024-04-12", "kk")
    agency = resolve(doc.source)
    assert agency is not None and (agency.key, agency.name) == ("kazcosmos", "Казкосмос")
    assert doc.title == "Байқоңырдан «Союз МС-25» ұшырылды"


def test_a_russian_release_names_its_agency_in_its_front_matter_as_a_query_would(
        tmp_path: Path) -> None:
    doc = load(tmp_path, "launch.txt", "---\nагентство: Госкорпорация «Роскосмос»\n"
               "дата: 14 мая 2018 г.\nязык: ru\n---\nС Байконура стартовал «Союз МС-09»\n\n"
               "Ракета-носитель «Союз-ФГ» стартовала с космодрома Байконур.")
    agency = resolve(doc.source)
    assert agency is not None and agency.key == "roscosmos"
    assert (doc.date, doc.lang) == ("2018-05-14", "ru")
