"""Web pages read down to their article; PDF and DOCX releases; hostile inputs stay bounded.

Every page here is written for this file: agency-style releases with the furniture real sites put
around them (menus, teasers, share prompts, cookie notices, footers), in <div>s with class names
as well as in semantic tags.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from PIL import Image

from search.corpus import Document, load_document
from search.corpus.article import read_html
from search.corpus.docx import read_docx
from search.corpus.pdf import read_pdf
from search.errors import DocumentError
from search.index import reindex
from web import create_app

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_font = pytest.mark.skipif(not FONT.exists(), reason="fonts-dejavu-core is not installed")

# --------------------------------------------------------------------------- the pages

HEADLINE = "На Байконуре завершили подготовку «Союза-2.1а»"
LEAD = (
    "Специалисты предприятий ракетно-космической отрасли завершили на космодроме Байконур "
    "подготовку ракеты-носителя «Союз-2.1а» к пуску с транспортным пилотируемым кораблём "
    "«Союз МС-09»."
)
MIDDLE = (
    "В монтажно-испытательном корпусе прошла общая сборка ракеты, после чего её вывезли на "
    "стартовый комплекс. Пуск запланирован на 6 июня в 14:12 по московскому времени."
)
LAST = (
    "В состав экипажа вошли космонавт Роскосмоса Сергей Прокопьев, астронавт ЕКА Александр "
    "Герст и астронавт НАСА Серина Ауньён-Чанселлор."
)
ARTICLE = (
    f"<h1>{HEADLINE}</h1><div class='date'>Байконур, 14 мая 2018 г.</div>"
    f"<p>{LEAD}</p><p>{MIDDLE}</p>"
    "<p>Читайте также: <a href='/news/1'>Экипаж МКС-56 сдал экзамены</a></p>"
    f"<p>{LAST}</p>"
)
SHARE = (
    "<div class='share'><span>Поделиться:</span> <a>ВКонтакте</a> <a>Telegram</a></div>"
    "<p class='subscribe'>Подписывайтесь на наш канал в Telegram, чтобы первыми узнавать "
    "новости космонавтики.</p>"
)
# «Ангара-А5» is named only here, in the teasers of other releases.
TEASERS = (
    "<h3>Другие новости</h3>"
    "<div class='teaser'><a href='/news/2'>Ракета «Ангара-А5» доставлена на Восточный</a>"
    "<p>На космодром Восточный по железной дороге доставлены блоки тяжёлой ракеты «Ангара-А5» "
    "для второго пуска.</p><span>Опубликовано: 12.05.2018</span></div>"
    "<div class='teaser'><a href='/news/3'>«Прогресс МС-08» отстыковался от станции</a>"
    "<p>Грузовой корабль завершил миссию и будет сведён с орбиты в расчётном районе Тихого "
    "океана.</p><span>Опубликовано: 10.05.2018</span></div>"
)
COOKIE = (
    "<div class='cookie-banner'>Мы используем файлы cookie, чтобы сайт работал лучше. "
    "Продолжая пользоваться сайтом, вы соглашаетесь с этим.</div>"
)
MENU = "<a href='/'>Главная</a> <a href='/news'>Новости</a> <a href='/contacts'>Контакты</a>"
FOOTER = (
    "© 2018 Госкорпорация «Роскосмос». 107996, Москва, ул. Щепкина, 42. Все права защищены. "
    "При использовании материалов ссылка на сайт обязательна."
)
HEAD = (
    "<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
    f"<title>{HEADLINE} — Роскосмос</title><meta property='og:site_name' content='Роскосмос'>"
    "</head><body>"
)
DIV_PAGE = (
    HEAD + COOKIE + f"<div class='top-menu'>{MENU}</div><div class='container'>"
    f"<div class='col-left'>{ARTICLE}{SHARE}</div><div class='col-right'>{TEASERS}</div></div>"
    "<div class='related'><h3>Читайте также</h3><ul><li><a>Космонавты провели выход в "
    f"открытый космос</a></li></ul></div><div class='footer'>{FOOTER}</div></body></html>"
)
SEMANTIC_PAGE = (
    HEAD + COOKIE + f"<header><nav>{MENU}</nav></header><main><article>{ARTICLE}{SHARE}"
    f"</article><aside>{TEASERS}</aside></main><footer>{FOOTER}</footer></body></html>"
)
SIDEBAR_NAMES = ("sidebar", "related-news", "b-share", "widget-popular", "rightcol")


def page_with_sidebar(class_name: str) -> str:
    return (HEAD + f"<div class='{class_name}'>{TEASERS}</div><div class='content'>{ARTICLE}</div>"
            "</body></html>")


# --------------------------------------------------------------------------- HTML: the article


@pytest.mark.parametrize("html", [DIV_PAGE, SEMANTIC_PAGE], ids=["divs", "semantic"])
def test_release_page_keeps_only_its_article(html: str) -> None:
    parts = read_html(html)
    assert parts.title == HEADLINE
    assert parts.body.split("\n\n") == ["Байконур, 14 мая 2018 г.", LEAD, MIDDLE, LAST]
    assert (parts.date, parts.source) == ("2018-05-14", "Роскосмос")


@pytest.mark.parametrize("html", [DIV_PAGE, SEMANTIC_PAGE], ids=["divs", "semantic"])
@pytest.mark.parametrize(
    "chrome",
    ["Ангара", "Прогресс МС-08", "Читайте также", "Поделиться", "Подписывайтесь", "cookie",
     "Щепкина", "Главная", "Космонавты провели выход", "Опубликовано"],
)
def test_page_furniture_never_reaches_the_body(html: str, chrome: str) -> None:
    assert chrome not in read_html(html).body


@pytest.mark.parametrize("class_name", SIDEBAR_NAMES)
def test_teasers_in_a_div_named_like_a_sidebar_are_dropped(class_name: str) -> None:
    parts = read_html(page_with_sidebar(class_name))
    assert "Ангара" not in parts.body
    assert LEAD in parts.body and LAST in parts.body


def test_a_wrapper_named_like_a_sidebar_that_holds_the_article_is_kept() -> None:
    html = HEAD + f"<div class='layout-with-sidebar'>{ARTICLE}</div></body></html>"
    assert read_html(html).body.split("\n\n")[-1] == LAST


def test_rocket_named_only_in_a_teaser_does_not_find_the_release(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "roscosmos").mkdir(parents=True)
    (corpus / "roscosmos" / "soyuz.html").write_text(DIV_PAGE, encoding="utf-8")
    report = reindex(corpus, tmp_path / "index", full=True)
    assert not report.skipped
    app = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index", "CORPUS_DIR": corpus})
    with app.test_client() as client:
        def hits(q: str) -> list[str]:
            data = client.get("/api/search", query_string={"q": q}).get_json()
            return [h["id"] for h in data["hits"]]

        assert hits("«Союз-2.1а» Байконур") == ["roscosmos/soyuz.html"]
        assert hits("Ангара-А5") == []
        assert hits("Щепкина") == []


def test_lead_before_a_pull_quote_is_kept() -> None:
    quote = ("«Это важнейший этап подготовки всей экспедиции к полёту», — отметил руководитель "
             "полёта.")
    html = (
        HEAD + "<article><h1>Экспедиция готова</h1><div class='wp-caption'><p>Экипаж экспедиции "
        "МКС-57 провёл последнюю тренировку в Звёздном городке перед вылетом на Байконур. "
        "Фото: Роскосмос</p></div>"
        f"<blockquote>{quote}</blockquote><p>{MIDDLE}</p><p>{LAST}</p></article></body></html>"
    )
    body = read_html(html).body
    assert body.startswith("Экипаж экспедиции МКС-57 провёл последнюю тренировку")
    assert quote in body and body.endswith(LAST)


def test_reading_time_credit_and_related_links_at_the_edges_are_dropped() -> None:
    html = (
        "<html><head><title>Spacewalk Completed - NASA</title>"
        "<meta property='og:site_name' content='NASA'></head><body><article>"
        "<h1>Spacewalk Completed</h1><p>3 min read</p>"
        "<p>Two astronauts completed a six-hour spacewalk outside the International Space "
        "Station on Tuesday to install new solar arrays.</p>"
        "<p>The crew will prepare for the arrival of a cargo spacecraft later this month.</p>"
        "<p>Photo Credit: NASA/Josh Valcarcel</p>"
        "<p>Related Articles</p><p><a href='/a'>Station Crew Prepares for Cargo Ship</a></p>"
        "<p>Share this page</p></article></body></html>"
    )
    parts = read_html(html)
    assert parts.title == "Spacewalk Completed"
    assert parts.body.split("\n\n") == [
        "Two astronauts completed a six-hour spacewalk outside the International Space Station "
        "on Tuesday to install new solar arrays.",
        "The crew will prepare for the arrival of a cargo spacecraft later this month.",
    ]


def test_a_list_that_ends_the_release_is_kept() -> None:
    html = (
        HEAD + f"<article><h1>{HEADLINE}</h1><p>{LEAD}</p><p>На орбиту выведены спутники:</p>"
        "<ul><li>«Гонец-М» № 24</li><li>«Гонец-М» № 25</li><li>«Блиц-М»</li></ul>"
        "</article></body></html>"
    )
    assert read_html(html).body.split("\n\n")[-3:] == ["«Гонец-М» № 24", "«Гонец-М» № 25",
                                                       "«Блиц-М»"]


# --------------------------------------------------------------------------- HTML: metadata


@pytest.mark.parametrize(
    ("title_tag", "meta", "h1", "title"),
    [
        ("Пуск «Прогресса МС-09» — Роскосмос", "<meta property='og:site_name' content='Роскосмос'>",
         "", "Пуск «Прогресса МС-09»"),
        ("Роскосмос | Пуск «Прогресса МС-09»", "<meta property='og:site_name' content='Роскосмос'>",
         "", "Пуск «Прогресса МС-09»"),
        ("ESA - Juice flies past the Moon", "", "Juice flies past the Moon",
         "Juice flies past the Moon"),
        ("Webb Finds Water Vapor | NOIRLab", "<meta property='og:site_name' content='noirlab.edu'>",
         "Webb Finds Water Vapor", "Webb Finds Water Vapor"),
        ("Artemis II Crew Named - NASA", "<meta property='og:site_name' content='NASA'>",
         "Artemis II Crew Named", "Artemis II Crew Named"),
        # the site's name alone in <h1> (a logo) is not the headline
        ("Роскосмос — Пуск «Прогресса МС-09»", "", "Роскосмос",
         "Роскосмос — Пуск «Прогресса МС-09»"),
    ],
)
def test_headline_without_the_site_name(title_tag: str, meta: str, h1: str, title: str) -> None:
    html = (f"<html><head><title>{title_tag}</title>{meta}</head><body>"
            + (f"<h1>{h1}</h1>" if h1 else "") + f"<p>{LEAD}</p><p>{MIDDLE}</p></body></html>")
    assert read_html(html).title == title


def test_headline_from_a_title_classed_element_when_title_is_a_breadcrumb() -> None:
    html = (
        "<html><head><title>Архив :: Фотоальбом :: Байтерек :: 26.12.2016</title></head><body>"
        "<div class='side-title'>Разделы сайта</div>"
        "<div id='page_title'>Байтерек: переговоры на Байконуре</div>"
        f"<p>{LEAD}</p><p>{MIDDLE}</p></body></html>"
    )
    assert read_html(html).title == "Байтерек: переговоры на Байконуре"


@pytest.mark.parametrize(
    ("under_headline", "date"),
    [
        ("Байконур, 14 мая 2018 г.", "2018-05-14"),
        ("Байконур, 14.05.2018", "2018-05-14"),
        ("14 мая 2018, 10:30 — Пресс-служба", "2018-05-14"),
        ("Звёздный городок, май 2018 г.", "2018-05"),
        ("16/07/2022 20 просмотров", "2022-07-16"),
        ("Астана, 26 желтоқсан 2016", "2016-12-26"),
        ("Астана, 2024 жылғы 12 сәуір, 10:00", "2024-04-12"),  # Kazakh: the year first
    ],
)
def test_dateline_under_the_headline(under_headline: str, date: str | None) -> None:
    html = (f"<html><head><title>Пуск</title></head><body><h1>Пуск</h1><div>{under_headline}"
            f"</div><p>{LEAD}</p><p>{MIDDLE}</p></body></html>")
    assert read_html(html).date == date


@pytest.mark.parametrize(
    ("body", "date"),
    [
        ("<table><tr><td>Дата публикации:</td><td>14 мая 2018 г., 12:00</td></tr></table>",
         "2018-05-14"),
        ("<h3>Release Date</h3> March 9, 2018 10:00AM (EST)", "2018-03-09"),
        ("<p>Опубликовано: 14.05.2018</p>", "2018-05-14"),
        ("<p>Жарияланған күні: 2024 жылғы 12 сәуір</p>", "2024-04-12"),  # Kazakh
        # two different labelled dates are a list of other releases, not this one's
        ("<p>Опубликовано: 14.05.2018</p><p>Опубликовано: 01.02.2017</p>", None),
        ("<p>Дата запуска назначена: 14.05.2018</p>", None),  # not a label of the release
    ],
)
def test_labelled_release_date(body: str, date: str | None) -> None:
    html = (f"<html><head><title>Пуск</title></head><body><h1>Пуск</h1><p>{LEAD}</p>"
            f"<p>{MIDDLE}</p>{body}</body></html>")
    assert read_html(html).date == date


def test_dates_in_teasers_and_deep_in_the_text_are_not_taken() -> None:
    html = (HEAD + f"<div class='content'><h1>{HEADLINE}</h1><p>{LEAD}</p><p>{MIDDLE}</p>"
            f"<p>{LAST}</p><p>Следующий пуск — <time datetime='2030-01-01'>1 января 2030</time>."
            "</p></div>"
            f"<div class='col-right'><time datetime='2001-01-01'>1 января</time>{TEASERS}</div>"
            "</body></html>")
    assert read_html(html).date is None


def test_author_and_canonical_address() -> None:
    html = (
        "<html><head><title>Пуск</title><link rel='canonical' href='https://www.roscosmos.ru/"
        "24000/'><script type='application/ld+json'>" + json.dumps(
            {"@type": "NewsArticle", "datePublished": "2018-05-14T09:00:00+03:00",
             "author": {"@type": "Person", "name": "Пресс-служба"},
             "publisher": {"@type": "Organization", "name": "Роскосмос"}}, ensure_ascii=False)
        + f"</script></head><body><p>{LEAD}</p></body></html>"
    )
    parts = read_html(html)
    assert (parts.author, parts.url, parts.date, parts.source) == (
        "Пресс-служба", "https://www.roscosmos.ru/24000/", "2018-05-14", "Роскосмос")


# --------------------------------------------------------------------------- HTML: hostile


def timed(fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        result = fn(*args)
    except DocumentError as err:
        result = err
    return result, time.perf_counter() - started


def test_huge_json_ld_array_is_bounded() -> None:
    blob = json.dumps([{"@type": "Thing", "name": "x"}] * 1_000_000)
    html = (f"<html><head><title>Пуск</title><script type='application/ld+json'>{blob}</script>"
            f"</head><body><p>{LEAD}</p></body></html>")
    result, seconds = timed(read_html, html)
    assert seconds < 10
    assert not isinstance(result, DocumentError) and LEAD in result.body


def test_deep_json_ld_nesting_is_bounded() -> None:
    blob = '{"a":' * 100_000 + "1" + "}" * 100_000
    html = (f"<html><head><title>Пуск</title><script type='application/ld+json'>{blob}</script>"
            f"</head><body><p>{LEAD}</p></body></html>")
    result, seconds = timed(read_html, html)
    assert seconds < 5 and not isinstance(result, DocumentError) and result.title == "Пуск"


@pytest.mark.parametrize("tag", ["div", "blockquote", "article", "b"])
def test_three_thousand_deep_nesting_is_bounded(tag: str) -> None:
    html = (f"<html><head><title>Глубина</title></head><body><p>{LEAD}</p>" + f"<{tag}>" * 3000
            + "<p>Глубоко вложенный текст про матрёшку.</p>" + f"</{tag}>" * 3000
            + "</body></html>")
    result, seconds = timed(read_html, html)
    assert seconds < 10
    assert not isinstance(result, DocumentError)
    assert "матрёшку" in result.body and LEAD in result.body


def test_large_page_is_bounded() -> None:
    teaser = ("<div class='item'><a href='/x'>Ссылка на новость</a><p>Ракета-носитель «Союз-2.1б» "
              "стартовала с космодрома Восточный, на борту 36 спутников связи.</p></div>\n")
    html = (f"<html><head><title>Лента</title></head><body><p>{LEAD}</p>"
            + teaser * (3_000_000 // len(teaser)) + "</body></html>")
    result, seconds = timed(read_html, html)
    assert seconds < 30 and not isinstance(result, DocumentError) and LEAD in result.body


def test_undefined_meta_charset_with_cp1251_bytes(tmp_path: Path) -> None:
    html = (f"<html><head><meta charset='undefined'><title>{HEADLINE}</title></head><body>"
            f"<p>{LEAD}</p><p>{MIDDLE}</p></body></html>")
    path = tmp_path / "x.html"
    path.write_bytes(html.encode("cp1251"))
    doc, seconds = timed(load_document, path, "x.html")
    assert seconds < 5 and isinstance(doc, Document)
    assert (doc.title, doc.body) == (HEADLINE, f"{LEAD}\n\n{MIDDLE}")


@pytest.mark.parametrize("html", ["<html><body></body></html>", "<!-- x -->", "\x00\x01<p>"])
def test_empty_or_odd_pages_give_a_result_or_a_document_error(html: str) -> None:
    result, seconds = timed(read_html, html)
    assert seconds < 2 and (isinstance(result, DocumentError) or not result.body.strip("\x00\x01"))


# --------------------------------------------------------------------------- PDF


def make_pdf(*, title: str | None = None, created: dt.datetime | None = None,
             kicker: bool = True, password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.add_page()
    if title is not None:
        pdf.set_title(title)
    if created is not None:
        pdf.set_creation_date(created)

    def line(text: str, size: int, height: int, gap: int = 0) -> None:
        pdf.set_font("DejaVu", size=size)
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    if kicker:
        line("ПРЕСС-РЕЛИЗ", 10, 6)
        line("Байконур, 14 мая 2018 г.", 10, 6, 4)
    line(HEADLINE, 18, 9, 4)
    for text in (LEAD, MIDDLE, LAST):
        line(text, 11, 6, 4)
    if password is not None:
        pdf.set_encryption(owner_password="owner", user_password=password)
    return bytes(pdf.output())


@needs_font
def test_pdf_paragraphs_headline_and_dateline() -> None:
    parts = read_pdf(make_pdf(title="Microsoft Word - релиз_14-05.docx"))
    assert parts.title == HEADLINE  # the largest type, not the program's title
    assert parts.body.split("\n\n") == [
        "ПРЕСС-РЕЛИЗ", "Байконур, 14 мая 2018 г.", LEAD, MIDDLE, LAST]
    assert parts.date == "2018-05-14"


@needs_font
def test_pdf_title_from_its_properties_and_date_from_its_creation() -> None:
    created = dt.datetime(2019, 7, 20, 10, 0, tzinfo=dt.UTC)
    parts = read_pdf(make_pdf(title="Подготовка «Союза-2.1а»", created=created, kicker=False))
    assert (parts.title, parts.date, parts.file_date) == (
        "Подготовка «Союза-2.1а»", None, "2019-07-20")
    assert parts.body.split("\n\n") == [HEADLINE, LEAD, MIDDLE, LAST]


@needs_font
def test_pdf_through_load_document(tmp_path: Path) -> None:
    path = tmp_path / "roscosmos" / "release.pdf"
    path.parent.mkdir()
    path.write_bytes(make_pdf())
    doc = load_document(path, "roscosmos/release.pdf")
    assert (doc.title, doc.lang, doc.source, doc.date) == (
        HEADLINE, "ru", "roscosmos", "2018-05-14")


def test_pdf_without_a_text_layer_is_refused() -> None:
    pdf = FPDF()
    pdf.add_page()
    picture = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(picture, format="PNG")
    pdf.image(picture, x=10, y=10, w=100)
    with pytest.raises(DocumentError, match=r"no text layer \(a scanned document\?\)"):
        read_pdf(bytes(pdf.output()))


@needs_font
def test_encrypted_pdf_is_refused_with_the_reason() -> None:
    with pytest.raises(DocumentError, match="encrypted PDF"):
        read_pdf(make_pdf(password="baikonur"))


@needs_font
def test_pdf_with_only_an_owner_password_is_read() -> None:
    assert read_pdf(make_pdf(password="")).title == HEADLINE


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EO", "broken PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not a PDF"),
        (b"%PDF-1.7\n" + b"\xff" * 5000, "broken PDF"),
    ],
)
def test_broken_pdf_is_a_document_error(data: bytes, reason: str) -> None:
    result, seconds = timed(read_pdf, data)
    assert isinstance(result, DocumentError) and str(result).startswith(reason)
    assert seconds < 5


@needs_font
def test_truncated_pdf_is_a_document_error() -> None:
    data = make_pdf()
    with pytest.raises(DocumentError):
        read_pdf(data[: len(data) // 3])


# --------------------------------------------------------------------------- DOCX


def make_docx(*, title: str | None = None, heading: bool = True,
              created: dt.datetime | None = None) -> bytes:
    document = docx.Document()
    document.add_paragraph("ПРЕСС-РЕЛИЗ")
    document.add_paragraph("Астана, 26.12.2016")
    if heading:
        document.add_heading("Переговоры по комплексу «Байтерек» прошли на Байконуре", level=1)
    document.add_paragraph(LEAD)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Ракета", "«Зенит-М»"
    table.cell(1, 0).text, table.cell(1, 1).text = "Космодром", "Байконур"
    document.add_paragraph(LAST)
    if title is not None:
        document.core_properties.title = title
    if created is not None:
        document.core_properties.created = created
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_title_from_its_first_heading_with_tables_and_dateline() -> None:
    parts = read_docx(make_docx())
    assert parts.title == "Переговоры по комплексу «Байтерек» прошли на Байконуре"
    assert parts.body.split("\n\n") == [
        "ПРЕСС-РЕЛИЗ", "Астана, 26.12.2016", LEAD, "Ракета «Зенит-М»", "Космодром Байконур", LAST]
    assert parts.date == "2016-12-26"


def test_docx_title_from_its_properties() -> None:
    parts = read_docx(make_docx(title="Соглашение о «Байтереке»"))
    assert parts.title == "Соглашение о «Байтереке»"
    assert "Переговоры по комплексу «Байтерек» прошли на Байконуре" in parts.body.split("\n\n")


def test_docx_without_heading_or_title_takes_its_first_line_and_creation_date() -> None:
    document = docx.Document()
    document.add_paragraph("Экипаж МКС-57 сдал экзамены")
    document.add_paragraph(LEAD)
    document.core_properties.created = dt.datetime(2018, 9, 20, 12, 0)
    out = io.BytesIO()
    document.save(out)
    parts = read_docx(out.getvalue())
    assert (parts.title, parts.body, parts.date, parts.file_date) == (
        "Экипаж МКС-57 сдал экзамены", LEAD, None, "2018-09-20")


def test_docx_through_load_document(tmp_path: Path) -> None:
    path = tmp_path / "mdai-kz" / "baiterek.docx"
    path.parent.mkdir()
    path.write_bytes(make_docx())
    doc = load_document(path, "mdai-kz/baiterek.docx")
    assert (doc.lang, doc.source, doc.date) == ("ru", "mdai-kz", "2016-12-26")


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not really a zip", b"plain text, not a DOCX", b""],
    ids=["bad-zip", "text", "empty"],
)
def test_broken_docx_is_a_document_error(data: bytes) -> None:
    with pytest.raises(DocumentError, match="broken DOCX"):
        read_docx(data)


def test_zip_without_a_document_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "не документ")
    with pytest.raises(DocumentError, match="no word/document.xml"):
        read_docx(out.getvalue())


def test_docx_zip_bomb_is_refused_before_unpacking() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>" + b" " * (60 * 1024 * 1024))
    result, seconds = timed(read_docx, out.getvalue())
    assert isinstance(result, DocumentError)
    assert str(result).startswith(("too large unpacked", "suspicious compression"))
    assert seconds < 5
