"""search.corpus: files -> Documents (encodings, markup, titles, dates, sources) and the scan."""

from __future__ import annotations

import codecs
import dataclasses
import json
import os
import unicodedata
from pathlib import Path

import pytest

from search.corpus import Document, content_hash, load_document, scan_corpus
from search.corpus import document as document_module
from search.corpus import html as html_module
from search.errors import DocumentError

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "mdai-kz/baikonur-talks-baiterek.txt"
SEED_PATH = REPO_ROOT / "corpus" / SEED_ID
SEED_TITLE = (
    "На космодроме «Байконур» прошли переговоры казахстанских и российских специалистов"
)
SEED_TEXT = SEED_PATH.read_text(encoding="utf-8")
# KOI8-R and CP866 have no «» or en dash: a variant every encoding under test can carry.
SEED_PLAIN = SEED_TEXT.replace("«", '"').replace("»", '"').replace("–", "-")

SENTENCE = "Министр встретился с Генеральным директором Госкорпорации «Роскосмос»."
SENTENCE_EN = "NASA and Roscosmos discussed the next crew rotation to the space station."


def load(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Document:
    """Write a file under tmp_path/corpus and load it with its corpus-relative id."""
    path = tmp_path / "corpus" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return load_document(path, name)


def paragraphs(doc: Document) -> list[str]:
    return doc.body.split("\n\n") if doc.body else []


# --------------------------------------------------------------------------- the seed release


def test_seed_release() -> None:
    doc = load_document(SEED_PATH, SEED_ID)
    assert doc.id == SEED_ID
    assert doc.title == SEED_TITLE
    assert doc.date is None  # "(от 26.12.2016)" deep in the text is not the release date
    assert "(от 26.12.2016)" in doc.body
    assert doc.lang == "ru"
    assert doc.source == "mdai-kz"
    raw = SEED_PATH.read_bytes()
    assert doc.size == len(raw)
    assert doc.hash == content_hash(raw)
    # NBSP inside the text stays as it is.
    assert doc.body.startswith("Министр оборонной и аэрокосмической промышленности РК\u00a0 Бейбут")
    assert SEED_TITLE not in doc.body
    assert "\n\n\n" not in doc.body
    # The NBSP-only lines of the original are paragraph breaks, not paragraphs.
    paras = paragraphs(doc)
    assert all(p.strip() for p in paras)
    assert "О реализации проекта «Байтерек»" in paras
    assert paras[-1].startswith("Для привлечения инвестиций")
    assert len(paras) == 13


def test_content_hash() -> None:
    assert content_hash(b"abc") == content_hash(b"abc")
    assert content_hash(b"abc") != content_hash(b"abd")
    assert len(content_hash(b"")) == 32 and int(content_hash(b"x"), 16) >= 0


def test_document_is_frozen() -> None:
    doc = load_document(SEED_PATH, SEED_ID)
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.title = "x"  # type: ignore[misc]


# --------------------------------------------------------------------------- encodings


def _utf16be_bom(text: str) -> bytes:
    return codecs.BOM_UTF16_BE + text.encode("utf-16-be")


ENCODERS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-sig": lambda t: t.encode("utf-8-sig"),
    "utf-16 (BOM)": lambda t: t.encode("utf-16"),
    "utf-16-be (BOM)": _utf16be_bom,
    "utf-16-le without BOM": lambda t: t.encode("utf-16-le"),
    "utf-16-be without BOM": lambda t: t.encode("utf-16-be"),
    "utf-32 (BOM)": lambda t: t.encode("utf-32"),
    "cp1251": lambda t: t.encode("cp1251"),
    "koi8-r": lambda t: t.encode("koi8_r"),
    "cp866": lambda t: t.encode("cp866"),
}


@pytest.mark.parametrize("encoding", list(ENCODERS))
def test_seed_in_every_encoding_decodes_identically(tmp_path: Path, encoding: str) -> None:
    expected = load(tmp_path, "utf8/seed.txt", SEED_PLAIN)
    doc = load(tmp_path, "enc/seed.txt", ENCODERS[encoding](SEED_PLAIN))
    assert (doc.title, doc.body, doc.lang) == (expected.title, expected.body, "ru")


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16", "utf-8-sig"])
def test_seed_with_guillemets_in_legacy_encodings(tmp_path: Path, encoding: str) -> None:
    doc = load(tmp_path, "seed.txt", SEED_TEXT, encoding=encoding)
    assert doc.title == SEED_TITLE
    assert doc.body == load_document(SEED_PATH, SEED_ID).body


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "cp866"])
@pytest.mark.parametrize(
    "line",
    [
        "Министр встретился с Генеральным директором Роскосмоса.",
        "В ходе встречи стороны обсудили вопросы реализации проекта.",
        "Байтерек",
        "КОСМОДРОМ БАЙКОНУР",  # all capitals: casing gives no clue, letter pairs do
        "ЗАПУСК ПЕРЕНЕСЁН",
        "Андрея",  # one capitalised word: a wrong code page would give "бОДТЕС"
        "Бахрейна",
        "Байден",
        "Продолжается работа по подготовке к подписанию Протокола",
    ],
)
def test_short_russian_one_liners(tmp_path: Path, encoding: str, line: str) -> None:
    doc = load(tmp_path, "short.txt", line, encoding=encoding)
    assert doc.title == line
    assert doc.body == ""


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Ελληνικά κείμενα: η Ελλάδα και η Ρωσία υπέγραψαν συμφωνία.", "cp1253"),
        ("Café, résumé and naïve déjà vu at the Cité de l'espace.", "cp1252"),
        ("Die Straße über Köln führt zum Raumfahrtzentrum.", "cp1252"),
        ("It’s a “quoted” release — with dashes.", "cp1252"),
    ],
)
def test_western_single_byte_text(tmp_path: Path, text: str, encoding: str) -> None:
    doc = load(tmp_path, "west.txt", text, encoding=encoding)
    assert doc.title == text


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\x03binary\x00\xff\xfe\x00" * 20,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 8,
        bytes(range(1, 32)) * 40,  # control characters, no NUL
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 >>\nstream\n\x00\x13\x8f\x02",
        "Текст с NUL\x00 внутри".encode(),
        b"ab\x00cd",  # an odd number of bytes cannot be UTF-16
    ],
)
def test_binary_is_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(DocumentError) as err:
        load(tmp_path, "junk.txt", data)
    assert str(err.value) == "not valid text (binary data)"


def test_undecodable_text_is_refused_not_indexed(tmp_path: Path) -> None:
    # Printable bytes with no plausible reading in any supported encoding.
    data = bytes((i * 37 + 11) % 95 + 160 for i in range(3000))
    with pytest.raises(DocumentError, match=r"^not valid text"):
        load(tmp_path, "junk.txt", data)


# --------------------------------------------------------------------------- refused files


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\t\r\n  ", codecs.BOM_UTF8 + "\u200b\u00a0\n".encode(), b"\xff\xfe"],
)
def test_empty_files(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(DocumentError) as err:
        load(tmp_path, "empty.txt", data)
    assert str(err.value) == "empty"


def test_markup_only_html_is_empty(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"^empty"):
        load(tmp_path, "e.html", "<html><head><script>x()</script></head><body> </body></html>")


def test_too_large_is_checked_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 200)
    monkeypatch.setattr(document_module, "MAX_FILE_BYTES", 100)

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("read a file that is too large")

    monkeypatch.setattr(document_module, "open", no_open, raising=False)
    with pytest.raises(DocumentError) as err:
        load_document(path, "big.txt")
    assert str(err.value) == "too large (200 bytes > 100 bytes)"


def test_too_large_message_in_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:  # sparse: no 31 MB written
        f.truncate(31 * 1024 * 1024)
    with pytest.raises(DocumentError) as err:
        load_document(path, "huge.txt")
    assert str(err.value) == "too large (31.0 MB > 20 MB)"


def test_too_large_data_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_module, "MAX_FILE_BYTES", 10)
    with pytest.raises(DocumentError, match=r"^too large"):
        load_document(Path("x.txt"), "x.txt", data="Байконур".encode())


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root reads files whatever their mode; covered by the simulated case below",
)
def test_unreadable_file_chmod(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Заголовок\n\nТекст", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(DocumentError) as err:
            load_document(path, "locked.txt")
        assert str(err.value) == "unreadable: permission denied"
    finally:
        path.chmod(0o644)


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Заголовок\n\nТекст", encoding="utf-8")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(document_module, "open", denied, raising=False)
    with pytest.raises(DocumentError) as err:
        load_document(path, "locked.txt")
    assert str(err.value) == "unreadable: permission denied"


def test_missing_file_and_unsupported_type(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as err:
        load_document(tmp_path / "gone.txt", "gone.txt")
    assert str(err.value) == "unreadable: file not found"
    (tmp_path / "a.odt").write_bytes(b"PK\x03\x04")
    with pytest.raises(DocumentError) as err:
        load_document(tmp_path / "a.odt", "a.odt")
    assert str(err.value) == "unsupported type .odt"


def test_data_argument_is_used_instead_of_the_file(tmp_path: Path) -> None:
    data = "Заголовок\n\nТекст релиза.".encode("cp1251")
    doc = load_document(tmp_path / "never-written.txt", "agency/x.txt", data=data)
    assert (doc.title, doc.body, doc.size, doc.hash) == (
        "Заголовок", "Текст релиза.", len(data), content_hash(data)
    )
    assert doc.source == "agency"


# --------------------------------------------------------------------------- text normalisation


def test_newlines_nfc_and_paragraphs(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Ёлка и йод")
    text = f"Заголовок\r\n\r\n\r\n\r\nПервый абзац\rвторая строка\r\n\n\n\n{decomposed}\n\n"
    doc = load(tmp_path, "n.txt", text)
    assert doc.title == "Заголовок"
    assert doc.body == "Первый абзац\nвторая строка\n\nЁлка и йод"
    assert unicodedata.is_normalized("NFC", doc.body)


def test_invisibles_stay_in_body_but_leave_the_title(tmp_path: Path) -> None:
    body = "Кос\u00admo\u00adдром и\u200bпробел и\u00a0NBSP"
    doc = load(tmp_path, "i.txt", "\ufeff\u200b  Заголовок релиза \u200b\n\n" + body)
    assert doc.title == "Заголовок релиза"
    assert doc.body == body


def test_overlong_first_line_is_cut_for_the_title_and_kept_in_the_body(tmp_path: Path) -> None:
    line = " ".join([SENTENCE] * 8)
    doc = load(tmp_path, "long.txt", line + "\n\nВторой абзац.")
    assert doc.title.endswith("…") and len(doc.title) <= 201
    assert line.startswith(doc.title[:-1])
    assert doc.body == line + "\n\nВторой абзац."


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (SENTENCE, "ru"),
        (SENTENCE_EN, "en"),
        (SENTENCE + " " + SENTENCE_EN, "mixed"),
        ("абвгдежзий ab", "ru"),  # 10 of 12 letters Cyrillic: 83 %
        ("абвгдежзи abc", "mixed"),  # 9 of 12: 75 %
        ("abcdefghij аб", "en"),
        ("2018 — 42 — 7", "mixed"),  # no letters at all
    ],
)
def test_lang(tmp_path: Path, text: str, lang: str) -> None:
    assert load(tmp_path, "l.txt", text).lang == lang


# --------------------------------------------------------------------------- front matter


def test_fenced_front_matter(tmp_path: Path) -> None:
    text = (
        "---\ntitle: С Байконура стартовал «Союз»\nDate: 14.05.2018\nsource: Роскосмос\n"
        "tags: [space, launch]\nlang: en\n---\nС Байконура стартовал «Союз»\n\nКорабль на орбите.\n"
    )
    doc = load(tmp_path, "roscosmos/x.txt", text)
    assert doc.title == "С Байконура стартовал «Союз»"
    assert doc.body == "Корабль на орбите."  # the repeated title line is dropped
    assert (doc.date, doc.source, doc.lang) == ("2018-05-14", "Роскосмос", "en")


def test_plain_front_matter_with_russian_keys(tmp_path: Path) -> None:
    text = "Дата: 14 мая 2018 г.\nИсточник: Роскосмос\nЗаголовок: Пуск\n\nТекст релиза.\n"
    doc = load(tmp_path, "folder/x.txt", text)
    assert (doc.title, doc.body, doc.date, doc.source) == (
        "Пуск", "Текст релиза.", "2018-05-14", "Роскосмос"
    )


@pytest.mark.parametrize(
    ("text", "title", "body"),
    [
        # Alone, it is the text, not metadata about it.
        ("Источник: ТАСС сообщил о запуске", "Источник: ТАСС сообщил о запуске", ""),
        ("Москва: пуск перенесён\n\nТекст.", "Москва: пуск перенесён", "Текст."),  # not a key
        # A line that is not "key: value" in the block: no front matter at all.
        ("Источник: ТАСС\nПуск перенесён\n\nТекст.", "Источник: ТАСС",
         "Пуск перенесён\n\nТекст."),
        ("---\nПросто линия\n---\nТекст.", "---", "Просто линия\n---\nТекст."),
        ("---\ntitle: без закрывающей черты\nТекст.", "---",
         "title: без закрывающей черты\nТекст."),
    ],
)
def test_text_that_is_not_front_matter(tmp_path: Path, text: str, title: str, body: str) -> None:
    doc = load(tmp_path, "x.txt", text)
    assert (doc.title, doc.body, doc.source, doc.date) == (title, body, None, None)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-05-14", "2018-05-14"),
        ("2018-05-14T10:00:00+03:00", "2018-05-14"),
        ("14.05.2018", "2018-05-14"),
        ("4.5.2018", "2018-05-04"),
        ("14 мая 2018", "2018-05-14"),
        ("14 мая 2018 г.", "2018-05-14"),
        ("14 МАЯ 2018 Г.", "2018-05-14"),
        ("1 января 2019 года", "2019-01-01"),
        ("3 сентябре 2017", "2017-09-03"),
        ("28 февраль 2020", "2020-02-28"),
        ("May 14, 2018", "2018-05-14"),
        ("Sept. 3, 2019", "2019-09-03"),
        ("14 May 2018", "2018-05-14"),
        ("Mon, 14 May 2018 10:00:00 GMT", "2018-05-14"),
        ("31.02.2018", None),
        ("2018-13-01", None),
        ("01.01.1800", None),  # not a press release date
        ("14 мартобря 2018", None),
        ("вчера", None),
        ("2024 жылғы 12 сәуір", "2024-04-12"),  # Kazakh: the year first
        ("12 сәуір 2024 ж.", "2024-04-12"),
        ("2023 ЖЫЛҒЫ 5 ЖЕЛТОҚСАН", "2023-12-05"),
        ("2024 жылдың қаңтарында", "2024-01"),  # in January 2024
        ("2024 жылы шілдеде", "2024-07"),
        ("31 ақпан 2024", None),
        ("2024 жылы 12 адам", None),  # twelve people, no month
    ],
)
def test_front_matter_date_formats(tmp_path: Path, value: str, expected: str | None) -> None:
    doc = load(tmp_path, "d.txt", f"---\ndate: {value}\n---\nЗаголовок\n\nТекст.")
    assert doc.date == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("14 мая 2018 г.", "2018-05-14"),
        ("Байконур, 14 мая 2018 г.", "2018-05-14"),
        ("Москва. 14 мая 2018 года, 10:30 МСК", "2018-05-14"),
        ("May 14, 2018", "2018-05-14"),
        ("WASHINGTON — May 14, 2018", "2018-05-14"),
        ("14 May 2018", "2018-05-14"),
        ("14.05.2018", "2018-05-14"),
        ("31.02.2018", None),
        ("В Москве 14 мая 2018 г. прошла встреча с журналистами.", None),
        ("Иван Петров в зале суда на заседании, 8 июня 2019 года", None),  # a caption
        ("Текст по Концепции (от 26.12.2016) и далее.", None),
        ("Астана, 2024 жылғы 15 наурыз", "2024-03-15"),
        ("2023 жылғы 5 желтоқсан, 10:30", "2023-12-05"),
        ("12 қыркүйек 2022 жыл", "2022-09-12"),
        ("Байқоңыр, 3 қазан 2023 ж.", "2023-10-03"),
        ("2024 жылғы 12 сәуірде Байқоңырдан зымыран ұшырылды.", None),  # a sentence
    ],
)
def test_dateline_after_the_title(tmp_path: Path, line: str, expected: str | None) -> None:
    doc = load(tmp_path, "d.txt", f"Заголовок релиза\n\n{line}\n\nТекст релиза.")
    assert doc.date == expected
    assert doc.title == "Заголовок релиза"
    assert paragraphs(doc)[0] == line  # the dateline stays in the body


def test_dateline_before_the_title(tmp_path: Path) -> None:
    doc = load(tmp_path, "d.txt", "14 мая 2018 г.\nС Байконура стартовал «Союз»\n\nТекст.")
    assert doc.date == "2018-05-14"
    assert doc.title == "С Байконура стартовал «Союз»"
    assert doc.body == "14 мая 2018 г.\n\nТекст."


def test_no_date_from_deep_in_the_body(tmp_path: Path) -> None:
    text = "Заголовок\n\nПервый абзац без даты.\n\n14 мая 2018 г.\n\nЕщё текст от 26.12.2016."
    assert load(tmp_path, "d.txt", text).date is None


def test_front_matter_date_wins_over_dateline(tmp_path: Path) -> None:
    text = "---\ndate: 2020-01-02\n---\nЗаголовок\n\n14 мая 2018 г.\n\nТекст."
    assert load(tmp_path, "d.txt", text).date == "2020-01-02"


def test_mtime_is_never_a_date(tmp_path: Path) -> None:
    doc = load(tmp_path, "d.txt", "Заголовок\n\nТекст без даты.")
    assert doc.date is None


# --------------------------------------------------------------------------- sources


@pytest.mark.parametrize(
    ("doc_id", "text", "source"),
    [
        ("roscosmos/2018/x.txt", "Заголовок\n\nТекст.", "roscosmos"),
        ("x.txt", "Заголовок\n\nТекст.", None),
        ("folder/x.txt", "---\nsource: ЕКА\n---\nЗаголовок\n\nТекст.", "ЕКА"),
    ],
)
def test_source(tmp_path: Path, doc_id: str, text: str, source: str | None) -> None:
    assert load(tmp_path, doc_id, text).source == source


# --------------------------------------------------------------------------- markdown


def test_markdown_markup_is_stripped(tmp_path: Path) -> None:
    text = """# Пуск «Союза» **перенесён**

Ракета *«Союз-2.1б»* с __тремя__ спутниками стартует с [Восточного](https://ya.ru "сайт").
![Схема полёта](scheme.png) Подробности в `telemetry_log.txt` и в файле snake_case_name.

> Цитата из заявления
> Роскосмоса

- первый пункт
* второй пункт
1. третий пункт

```python
print("код *как есть*")
```

Раздел
------

<div>Текст в <b>теге</b></div> \\*звёздочки\\* &amp; ~~зачёркнуто~~
[ref]: https://example.com
"""
    doc = load(tmp_path, "x.md", text)
    assert doc.title == "Пуск «Союза» перенесён"
    assert doc.body == (
        "Ракета «Союз-2.1б» с тремя спутниками стартует с Восточного.\n"
        " Подробности в telemetry_log.txt и в файле snake_case_name.\n\n"
        "Цитата из заявления\nРоскосмоса\n\n"
        "первый пункт\nвторой пункт\nтретий пункт\n\n"
        'print("код *как есть*")\n\n'
        "Раздел\n\n"
        "Текст в теге *звёздочки* & зачёркнуто"
    )


@pytest.mark.parametrize(
    ("text", "title", "body", "date"),
    [
        ("Заголовок\n=========\n\nТекст.", "Заголовок", "Текст.", None),
        ("Байконур, 14 мая 2018 г.\n\n# Пуск\n\nТекст.", "Пуск",
         "Байконур, 14 мая 2018 г.\n\nТекст.", "2018-05-14"),
        ("ПРЕСС-РЕЛИЗ\n\n## Пуск\n\nТекст.", "Пуск", "ПРЕСС-РЕЛИЗ\n\nТекст.", None),
        ("Вводный абзац релиза.\n\n## Контакты\n\nТекст.", "Вводный абзац релиза.",
         "Контакты\n\nТекст.", None),
        ("---\ntitle: Из метаданных\n---\n# Из метаданных\n\nТекст.", "Из метаданных",
         "Текст.", None),
    ],
)
def test_markdown_titles(
    tmp_path: Path, text: str, title: str, body: str, date: str | None
) -> None:
    doc = load(tmp_path, "x.md", text)
    assert (doc.title, doc.body, doc.date) == (title, body, date)


# --------------------------------------------------------------------------- HTML


def page(head: str = "", body: str = "", charset: str = "utf-8") -> str:
    return (
        f'<!doctype html><html><head><meta charset="{charset}">{head}</head>'
        f"<body>{body}</body></html>"
    )


def test_html_scripts_styles_and_chrome_never_reach_the_body(tmp_path: Path) -> None:
    html = page(
        "<title>Пуск «Союза»</title><style>.x{color:red}</style><script>alert('x')</script>",
        "<header><a href='/'>Главная страница сайта</a></header>"
        "<nav><a>Новости</a><a>Контакты</a></nav>"
        "<div>Ракета стартовала с Байконура.<script>alert('x')</script></div>"
        "<!-- служебный комментарий --><noscript>Включите JavaScript</noscript>"
        "<template><p>Шаблон</p></template><aside>Реклама</aside>"
        "<form><label>Подписка</label><button>OK</button></form>"
        "<footer>© Роскосмос, все права защищены</footer>",
    )
    doc = load(tmp_path, "x.html", html)
    assert doc.title == "Пуск «Союза»"
    assert doc.body == "Ракета стартовала с Байконура."


def test_html_prefers_article_and_keeps_its_header(tmp_path: Path) -> None:
    html = page(
        "<title>Пуск «Союза» | Роскосмос</title>"
        '<meta property="og:site_name" content="Роскосмос">',
        "<div>Лента новостей: другие материалы сайта</div>"
        "<main><article><header><h1>Пуск «Союза»</h1>"
        "<time datetime='2018-05-14T09:00:00+03:00'>14 мая</time></header>"
        "<p>Ракета стартовала с Байконура. Полёт проходит штатно, все системы работают.</p>"
        "<footer>Фото: Роскосмос</footer></article></main>",
    )
    doc = load(tmp_path, "x.html", html)
    assert doc.title == "Пуск «Союза»"  # the site name suffix is dropped
    # The header's <time> dates the release; its bare label «14 мая» and the photo credit
    # closing the article are page furniture, not the release's text.
    assert doc.body == (
        "Ракета стартовала с Байконура. Полёт проходит штатно, все системы работают."
    )
    assert (doc.date, doc.source) == ("2018-05-14", "Роскосмос")


@pytest.mark.parametrize(
    ("head", "body", "title", "first_paragraph"),
    [
        ('<title>Из title</title><meta property="og:title" content="Из og">',
         "<h1>Из h1</h1><p>Текст.</p>", "Из title", "Из h1"),
        ('<meta property="og:title" content="Из og">', "<h1>Из h1</h1><p>Текст.</p>",
         "Из og", "Из h1"),
        ("", "<h1>Из h1</h1><p>Текст.</p>", "Из h1", "Текст."),
        ("<title>Одно и то же</title>", "<h1>Одно и то же</h1><p>Текст.</p>",
         "Одно и то же", "Текст."),
        ("<title>  Пробелы\n  в   заголовке </title>", "<p>Текст.</p>",
         "Пробелы в заголовке", "Текст."),
    ],
)
def test_html_title_priority(
    tmp_path: Path, head: str, body: str, title: str, first_paragraph: str
) -> None:
    doc = load(tmp_path, "x.html", page(head, body))
    assert doc.title == title
    assert paragraphs(doc)[0] == first_paragraph


def _json_ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize(
    ("head", "body", "date"),
    [
        ('<meta property="article:published_time" content="2018-05-14T10:00:00+03:00">',
         "", "2018-05-14"),
        ('<meta name="date" content="14.05.2018">', "", "2018-05-14"),
        ('<meta name="DC.date" content="2018-05-14">', "", "2018-05-14"),
        ('<meta name="pubdate" content="20 июля 2019 г.">', "", "2019-07-20"),
        ("", '<time datetime="2019-07-20">вчера</time><time datetime="2001-01-01">x</time>',
         "2019-07-20"),
        ("", "<time>20 июля 2019</time>", "2019-07-20"),
        (_json_ld({"@type": "NewsArticle", "datePublished": "2021-04-09T08:42:00Z"}), "",
         "2021-04-09"),
        (_json_ld({"@graph": [{"@type": "WebPage"}, {"datePublished": "2021-04-09"}]}), "",
         "2021-04-09"),
        ('<meta name="date" content="31.02.2018">', "", None),
        ("", "<p>Документ от 26.12.2016 упомянут в тексте.</p>", None),
    ],
)
def test_html_dates(tmp_path: Path, head: str, body: str, date: str | None) -> None:
    html = page("<title>Заголовок</title>" + head, "<p>Текст релиза.</p>" + body)
    assert load(tmp_path, "x.html", html).date == date


def test_html_dateline_after_the_headline(tmp_path: Path) -> None:
    html = page("<title>Пуск</title>", "<h1>Пуск</h1><p>Байконур, 14 мая 2018 г.</p><p>Текст.</p>")
    doc = load(tmp_path, "x.html", html)
    assert (doc.date, doc.body) == ("2018-05-14", "Байконур, 14 мая 2018 г.\n\nТекст.")


@pytest.mark.parametrize(
    ("head", "source"),
    [
        ('<meta property="og:site_name" content="Роскосмос">', "Роскосмос"),
        (_json_ld({"@type": "NewsArticle", "publisher": {"@type": "Organization",
                                                         "name": "NASA"}}), "NASA"),
        ('<meta name="publisher" content="ЕКА">', "ЕКА"),
        ('<meta name="author" content="Иван Петров">', "site"),  # authors are not sources
    ],
)
def test_html_sources(tmp_path: Path, head: str, source: str) -> None:
    html = page("<title>Заголовок</title>" + head, "<p>Текст релиза.</p>")
    assert load(tmp_path, "site/x.html", html).source == source


def test_html_blocks_inline_and_whitespace(tmp_path: Path) -> None:
    html = page(
        "<title>T</title>",
        "<p>Кос<b>мо</b>дром   «Байконур»\n  и&nbsp;город</p>"
        "<p>Строка один<br>строка два<br/>строка три</p>"
        "<ul><li>пункт <i>один</i></li><li>пункт два</li></ul>"
        "<table><tr><td>ячейка</td><td>соседняя</td></tr></table>"
        "<blockquote>цитата</blockquote><pre>код\n  с отступом</pre><p>&nbsp;</p>",
    )
    assert paragraphs(load(tmp_path, "x.html", html)) == [
        "Космодром «Байконур» и\u00a0город",
        "Строка один", "строка два", "строка три",
        "пункт один", "пункт два",
        "ячейка соседняя",
        "цитата",
        "код\nс отступом",
    ]


@pytest.mark.parametrize(
    ("charset", "encoding"),
    [("windows-1251", "cp1251"), ("koi8-r", "koi8_r"), ("cp866", "cp866")],
)
def test_html_meta_charset_is_honoured(tmp_path: Path, charset: str, encoding: str) -> None:
    html = page("<title>ЗАПУСК</title>", "<p>ПУСК ПЕРЕНЕСЁН</p>", charset=charset)
    doc = load(tmp_path, "x.html", html, encoding=encoding)
    assert (doc.title, doc.body) == ("ЗАПУСК", "ПУСК ПЕРЕНЕСЁН")


def test_html_http_equiv_and_wrong_declaration(tmp_path: Path) -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    html = f"<html><head>{head}<title>Пуск</title></head><body><p>{SENTENCE}</p></body></html>"
    assert load(tmp_path, "a.html", html, encoding="cp1251").body == SENTENCE
    # Declared ISO-8859-1 (a common mistake) but written in cp1251: the text decides.
    wrong = html.replace("windows-1251", "iso-8859-1")
    assert load(tmp_path, "b.html", wrong, encoding="cp1251").body == SENTENCE


def test_html_ten_thousand_nested_divs(tmp_path: Path) -> None:
    deep = page("<title>Глубина</title>", "<div>" * 10_000 + "глубокий текст" + "</div>" * 10_000)
    doc = load(tmp_path, "deep.html", deep)
    assert (doc.title, doc.body) == ("Глубина", "глубокий текст")
    unclosed = "<p>" + "<div><span>" * 10_000 + "незакрытые теги"
    assert load(tmp_path, "open.html", unclosed).title == "незакрытые теги"


def test_html_flat_fallback_when_the_tree_recurses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = page(
        "<title>Пуск «Союза»</title><script>alert('x')</script>"
        '<meta property="og:site_name" content="Роскосмос">'
        '<meta property="article:published_time" content="2018-05-14">',
        "<header>Меню сайта</header><nav>Навигация</nav>"
        "<article><h1>Пуск «Союза»</h1><p>Ракета <b>стар</b>товала.<br>Всё штатно.</p>"
        "<style>p{}</style></article><footer>Подвал</footer>",
    )
    expected = load(tmp_path, "a.html", html)

    def recurse(text: str) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(html_module, "_soup_extract", recurse)
    flat = load(tmp_path, "b.html", html)
    assert (flat.title, flat.body, flat.date, flat.source) == (
        "Пуск «Союза»", "Ракета стартовала.\n\nВсё штатно.", "2018-05-14", "Роскосмос"
    )
    assert (expected.title, expected.body) == (flat.title, flat.body)


# --------------------------------------------------------------------------- scan_corpus


def test_scan_corpus_takes_documents_and_explains_the_rest(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("секрет", encoding="utf-8")
    root = tmp_path / "corpus"
    files = [
        "roscosmos/2018/05/launch.txt", "roscosmos/2018/notes.md", "nasa/a.html",
        "nasa/b.HTM", "README.md", "esa/SOURCE.md",
    ]
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("Заголовок\n\nТекст", encoding="utf-8")
    (root / "_meta.tsv").write_text("file\ttitle\n", encoding="utf-8")
    (root / "nasa" / "_drafts").mkdir()
    (root / "nasa" / "_drafts" / "draft.txt").write_text("черновик", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.txt").write_text("x", encoding="utf-8")
    (root / "nasa" / ".hidden.txt").write_text("x", encoding="utf-8")
    (root / "nasa" / "report.odt").write_bytes(b"PK\x03\x04")
    (root / "nasa" / "Makefile").write_text("x", encoding="utf-8")
    (root / "link.txt").symlink_to(outside / "secret.txt")
    (root / "linked-dir").symlink_to(outside, target_is_directory=True)

    scan = scan_corpus(root)
    assert list(scan.files) == sorted(files)
    assert scan.files["roscosmos/2018/05/launch.txt"] == str(root / "roscosmos/2018/05/launch.txt")
    assert dict(scan.ignored) == {
        ".git": "hidden folder",
        "_meta.tsv": "metadata file (name starts with _)",
        "link.txt": "symbolic link (not followed)",
        "linked-dir": "symbolic link (not followed)",
        "nasa/.hidden.txt": "hidden file",
        "nasa/Makefile": "unsupported type (no extension)",
        "nasa/_drafts": "metadata folder (name starts with _)",
        "nasa/report.odt": "unsupported type .odt",
    }
    assert scan.ignored == sorted(scan.ignored)


def test_scan_corpus_refuses_names_with_control_characters_and_takes_other_letters(
        tmp_path: Path) -> None:
    """Unicode's control characters (C0 and C1, category Cc) cannot go in an id's URL; a
    no-break space, a soft hyphen, ё and Kazakh letters can."""
    root = tmp_path / "corpus"
    root.mkdir()
    names = {
        "пуск\x07.txt": False, "запуск\x1f.txt": False, "старт\x7f.txt": False,
        "nasa\x85launch.txt": False, "esa\x9f.txt": False,
        "ёмкость бака.txt": True, "Байқоңыр\u00a0ғарыш.txt": True, "кос\u00adмодром.txt": True,
    }
    for name in names:
        (root / name).write_text("Заголовок\n\nТекст", encoding="utf-8")
    scan = scan_corpus(root)
    assert sorted(scan.files) == sorted(name for name, taken in names.items() if taken)
    assert dict(scan.ignored) == {
        name: "file name with a backslash or a control character"
        for name, taken in names.items() if not taken
    }


def test_scan_corpus_missing_root(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="corpus folder not found"):
        scan_corpus(tmp_path / "nope")
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        scan_corpus(tmp_path / "file.txt")


def test_scan_corpus_lists_every_file_of_a_wide_tree(tmp_path: Path) -> None:
    # 2,000 files in 20 folders; how fast the scan runs is measured in bench/, not here
    root = tmp_path / "corpus"
    for d in range(20):
        folder = root / f"agency{d % 4}" / f"batch{d:03d}"
        folder.mkdir(parents=True)
        for f in range(100):
            os.close(os.open(folder / f"{f:03d}.txt", os.O_CREAT | os.O_WRONLY, 0o644))
    scan = scan_corpus(root)
    assert len(scan.files) == 2_000
    assert len({Path(path).parent for path in scan.files.values()}) == 20
