"""A small corpus of dated releases from several agencies, with copies, shared by the tests of
filters, facets, feeds and related releases (each module builds its own index of it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from search.index import reindex
from web import create_app

BAIKONUR_2018 = "roscosmos/2018-05-14-soyuz.txt"
BAIKONUR_2018_HTML = "roscosmos/2018-05-14-soyuz.html"  # the same release as a web page
BAIKONUR_2018_REPOST = "mdai-kz/2018-05-15-soyuz-repost.txt"  # republished by another agency
BAITEREK_2018 = "mdai-kz/2018-06-01-baiterek.txt"
BAITEREK_2019 = "mdai-kz/2019-03-20-baiterek.html"
PROGRESS_2018 = "roscosmos/2018-07-10-progress.txt"
MAY_2018 = "roscosmos/2018-05-digest.txt"  # dated by its month alone
TIE_STRONG = "roscosmos/2019-03-20-baikonur-strong.txt"  # same date as TIE_WEAK, more relevant
TIE_WEAK = "roscosmos/2019-03-20-baikonur-weak.txt"
NASA_2018 = "nasa/2018-11-20-baikonur.txt"
ESA_2020 = "partners/esa-2020.md"  # the agency from front matter
UNDATED = "undated-baikonur.txt"  # no date, no agency
SPACE_WALK = "roscosmos/2021-01-27-spacewalk.txt"

_SOYUZ_BODY = (
    "С космодрома Байконур 14 мая 2018 года стартовала ракета-носитель «Союз-ФГ» с "
    "транспортным пилотируемым кораблём «Союз МС-09». На борту корабля экипаж длительной "
    "экспедиции на Международную космическую станцию. Через девять минут после старта корабль "
    "отделился от третьей ступени ракеты и вышел на расчётную орбиту. Сближение со станцией "
    "пройдёт по двухсуточной схеме, стыковка намечена на 16 мая. Пуск стал третьим с "
    "космодрома Байконур в этом году."
)

DOCS: dict[str, str] = {
    BAIKONUR_2018: f"14 мая 2018 г.\n\nС Байконура стартовал «Союз МС-09»\n\n{_SOYUZ_BODY}\n",
    BAIKONUR_2018_HTML: (
        '<!doctype html><html><head><meta charset="utf-8">'
        "<title>С Байконура стартовал «Союз МС-09» | Роскосмос</title>"
        '<meta property="og:site_name" content="Роскосмос">'
        '<meta property="article:published_time" content="2018-05-14T10:00:00+03:00">'
        "</head><body><nav>Главная · Новости</nav><article><h1>С Байконура стартовал «Союз "
        f"МС-09»</h1><p>14 мая 2018 г.</p><p>{_SOYUZ_BODY}</p></article>"
        "<footer>© Роскосмос</footer></body></html>"
    ),
    BAIKONUR_2018_REPOST: (
        "---\ndate: 2018-05-15\n---\nС Байконура стартовал «Союз МС-09»\n\n"
        f"{_SOYUZ_BODY}\n\nИсточник: Роскосмос.\n"
    ),
    BAITEREK_2018: (
        "Байконур, 1 июня 2018 г.\n\nПереговоры по комплексу «Байтерек»\n\n"
        "Стороны обсудили создание космического ракетного комплекса «Байтерек» на космодроме "
        "Байконур и финансирование проекта.\n"
    ),
    BAITEREK_2019: (
        '<!doctype html><html><head><meta charset="utf-8"><title>«Байтерек»: новый этап</title>'
        '<meta name="date" content="20.03.2019"></head><body><h1>«Байтерек»: новый этап</h1>'
        "<p>Проект «Байтерек» переходит на бюджетное финансирование, сообщили в министерстве.</p>"
        "</body></html>"
    ),
    PROGRESS_2018: (
        "---\ndate: 2018-07-10\n---\nГрузовой «Прогресс МС-09» пристыковался к МКС\n\n"
        "Грузовой корабль доставил на станцию топливо, воду и оборудование; пуск прошёл с "
        "космодрома Байконур.\n"
    ),
    MAY_2018: (
        "в мае 2018 года\n\nОбзор месяца\n\nЗа месяц с Байконура прошли два пуска, экипаж "
        "провёл эксперименты на станции.\n"
    ),
    TIE_STRONG: (
        "---\ndate: 2019-03-20\n---\nБайконур: космодром Байконур готовит пуск\n\n"
        "На космодроме Байконур идёт подготовка: Байконур принимает ракету.\n"
    ),
    TIE_WEAK: (
        "---\ndate: 2019-03-20\n---\nПодготовка экипажа\n\n"
        "Экипаж тренируется в Звёздном городке, затем отправится на Байконур.\n"
    ),
    NASA_2018: (
        "---\ndate: 2018-11-20\nlang: en\n---\nNASA astronaut launches from Baikonur\n\n"
        "NASA astronaut Anne McClain launched to the International Space Station from the "
        "Baikonur Cosmodrome in Kazakhstan aboard a Soyuz spacecraft.\n"
    ),
    ESA_2020: (
        "---\ndate: 2020-02-03\nsource: ЕКА\n---\n# Европейский модуль для станции\n\n"
        "ЕКА и Роскосмос обсудили запуск модуля с космодрома Байконур.\n"
    ),
    UNDATED: "Музей космодрома\n\nНа Байконуре открылся музей истории космодрома.\n",
    SPACE_WALK: (
        "---\ndate: 2021-01-27\n---\nВыход в открытый космос\n\nКосмонавты вышли в открытый "
        "космос и установили научную аппаратуру на внешней поверхности станции.\n"
    ),
}


def write_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    for doc_id, text in DOCS.items():
        path = corpus / doc_id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return corpus


def build_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app on a fresh index of the corpus above (for a module-scoped fixture)."""
    root = tmp_path_factory.mktemp("releases")
    corpus = write_corpus(root)
    report = reindex(corpus, root / "index", full=True)
    assert not report.skipped, report.skipped
    return create_app({"TESTING": True, "INDEX_DIR": root / "index", "CORPUS_DIR": corpus})
