"""The interface in three languages: catalogues, plurals and dates, the choice of language,
every page without a word of another interface language, errors by their code."""

from __future__ import annotations

import re
import string
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup, NavigableString
from conftest import SEED_ID
from releases_corpus import BAIKONUR_2018, BAITEREK_2018
from werkzeug.test import TestResponse

from search.corpus.agencies import SOURCES_FILE
from search.engine import QueryError
from search.index import reindex
from web import create_app
from web.errors import query_error_message
from web.i18n import (
    CATALOGUES,
    COOKIE,
    LANGUAGES,
    PLURAL_FORMS,
    catalogue,
    load,
    plural_index,
)

NNBSP = "\u202f"
WORD = re.compile(r"[^\W\d_]+")
CYRILLIC = re.compile("[а-яёәғқңөұүһі]", re.IGNORECASE)


def vocabulary(lang: str) -> set[str]:
    """Every word the catalogue of `lang` can put on a page."""
    words: set[str] = set()

    def add(value: object) -> None:
        if isinstance(value, str):
            words.update(w.casefold() for w in WORD.findall(re.sub(r"<[^>]+>", " ", value)))
        elif isinstance(value, list):
            for item in value:
                add(item)
        elif isinstance(value, dict):
            for item in value.values():
                add(item)

    for value in CATALOGUES[lang].messages.values():
        add(value)
    return words


VOCABULARY = {lang: vocabulary(lang) for lang in LANGUAGES}


def placeholders(message: object) -> set[str]:
    """The ``{names}`` a message fills (each of its forms, each field of its tables)."""
    texts = message if isinstance(message, list) else [message]
    texts = [v for t in texts for v in (t.values() if isinstance(t, dict) else [t])]
    return {name for text in texts if isinstance(text, str)
            for _, name, _, _ in string.Formatter().parse(text) if name}


# --- the catalogues -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_every_catalogue_has_the_russian_keys_and_no_other(lang: str) -> None:
    # (but agencies' names, given only where they differ from search/data/sources.txt's)
    def keys(lang: str) -> set[str]:
        return {k for k in CATALOGUES[lang].messages if not k.startswith("agencies.")}

    assert keys(lang) == keys("ru")


def test_agencies_are_named_by_the_keys_of_the_agencies_table() -> None:
    known = {line.split("|")[0].strip() for line in SOURCES_FILE.read_text("utf-8").splitlines()
             if line.strip() and not line.startswith("#")}
    for lang in LANGUAGES:
        named = {k.removeprefix("agencies.") for k in CATALOGUES[lang].messages
                 if k.startswith("agencies.")}
        assert named <= known, (lang, named - known)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_messages_have_the_languages_number_of_forms(lang: str) -> None:
    messages = CATALOGUES[lang].messages
    plurals = {k: v for k, v in messages.items() if k.startswith("plural.")}
    assert plurals
    for key, forms in plurals.items():
        assert len(forms) == PLURAL_FORMS[lang], key
        assert all("{n}" in form for form in forms), key
    assert len(messages["months.wide"]) == len(messages["months.genitive"]) == 12


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_placeholders_are_the_same_in_every_language(lang: str) -> None:
    ru, other = CATALOGUES["ru"].messages, CATALOGUES[lang].messages
    for key, message in ru.items():
        if key.startswith(("plural.", "months.", "format.")):
            continue
        assert placeholders(other[key]) == placeholders(message), key
    assert len(other["help.entries"]) == len(ru["help.entries"])


def test_markup_lives_only_under_keys_named_html() -> None:
    for lang in LANGUAGES:
        for key, message in CATALOGUES[lang].messages.items():
            if isinstance(message, str) and not key.endswith("_html"):
                assert "<" not in message, (lang, key)


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_kazakh_and_english_catalogues_hold_no_russian_sentence(lang: str) -> None:
    russian_only = VOCABULARY["ru"] - VOCABULARY[lang]
    leaked = {w for w in VOCABULARY[lang] if w in russian_only}
    assert not leaked
    if lang == "en":  # English: no Cyrillic at all
        assert not [w for w in VOCABULARY["en"] if CYRILLIC.search(w)]


def test_kazakh_catalogue_is_written_with_kazakh_letters() -> None:
    text = " ".join(str(v) for v in CATALOGUES["kk"].messages.values())
    for letter in "әғқңөұүі":
        assert letter in text, letter
    assert CATALOGUES["kk"].text("search.button") == "Іздеу"


def test_a_catalogue_file_reads_the_same_as_the_loaded_one(tmp_path: Path) -> None:
    assert load("kk").messages == catalogue("kk").messages


# --- plurals, numbers and dates ---------------------------------------------------------------

PLURALS = [
    ("ru", 1, "1 документ"), ("ru", 2, "2 документа"), ("ru", 4, "4 документа"),
    ("ru", 5, "5 документов"), ("ru", 11, "11 документов"), ("ru", 12, "12 документов"),
    ("ru", 21, "21 документ"), ("ru", 22, "22 документа"), ("ru", 111, "111 документов"),
    ("ru", 0, "0 документов"), ("ru", 1001, f"1{NNBSP}001 документ"),
    ("kk", 1, "1 құжат"), ("kk", 2, "2 құжат"), ("kk", 5, "5 құжат"), ("kk", 21, "21 құжат"),
    ("kk", 12345, f"12{NNBSP}345 құжат"),
    ("en", 1, "1 document"), ("en", 0, "0 documents"), ("en", 2, "2 documents"),
    ("en", 21, "21 documents"), ("en", 1001, "1,001 documents"),
]


@pytest.mark.parametrize(("lang", "n", "expected"), PLURALS)
def test_a_count_of_documents_agrees_with_its_number(lang: str, n: int, expected: str) -> None:
    assert catalogue(lang).plural("plural.documents", n) == expected


@pytest.mark.parametrize(("lang", "n", "expected"), [
    ("ru", 1, "ещё 1 копия"), ("ru", 3, "ещё 3 копии"), ("ru", 5, "ещё 5 копий"),
    ("kk", 1, "тағы 1 көшірме"), ("kk", 3, "тағы 3 көшірме"),
    ("en", 1, "1 more copy"), ("en", 3, "3 more copies"),
])
def test_copies_agree_with_their_number(lang: str, n: int, expected: str) -> None:
    assert catalogue(lang).plural("plural.copies", n) == expected


def test_plural_rules_by_language() -> None:
    assert [plural_index("ru", n) for n in (1, 2, 5, 11, 14, 21, 24, 25, 101, 112)] == [
        0, 1, 2, 2, 2, 0, 1, 2, 0, 2]
    assert {plural_index("kk", n) for n in range(200)} == {0}
    assert [plural_index("en", n) for n in (0, 1, 2, 21)] == [1, 0, 1, 1]


DATES = [
    ("2018-05-14", "14 мая 2018", "2018 жылғы 14 мамыр", "14 May 2018"),
    ("2021-01-27", "27 января 2021", "2021 жылғы 27 қаңтар", "27 January 2021"),
    ("2016-12-26", "26 декабря 2016", "2016 жылғы 26 желтоқсан", "26 December 2016"),
    ("2019-03-01", "1 марта 2019", "2019 жылғы 1 наурыз", "1 March 2019"),
    ("2018-05", "май 2018", "2018 жылғы мамыр", "May 2018"),
    ("2020-08", "август 2020", "2020 жылғы тамыз", "August 2020"),
    ("2018-13-01", "2018-13-01", "2018-13-01", "2018-13-01"),  # not a date: as it is
    ("", "", "", ""),
]


@pytest.mark.parametrize(("iso", "ru", "kk", "en"), DATES)
def test_release_dates_in_each_language(iso: str, ru: str, kk: str, en: str) -> None:
    assert [catalogue(lang).date(iso) for lang in ("ru", "kk", "en")] == [ru, kk, en]


@pytest.mark.parametrize(("lang", "expected"), [
    ("ru", "14 мая 2018, 10:05 UTC"), ("kk", "2018 жылғы 14 мамыр, 10:05 UTC"),
    ("en", "14 May 2018, 10:05 UTC"),
])
def test_the_update_time_in_each_language(lang: str, expected: str) -> None:
    assert catalogue(lang).timestamp(1526292300) == expected  # 2018-05-14 10:05 UTC


@pytest.mark.parametrize(("lang", "names"), [
    ("ru", ["русский", "казахский", "английский"]),
    ("kk", ["орысша", "қазақша", "ағылшынша"]),
    ("en", ["Russian", "Kazakh", "English"]),
])
def test_document_languages_are_named_in_the_interface_language(lang, names) -> None:
    assert [catalogue(lang).language(code) for code in ("ru", "kk", "en")] == names


# --- which language: ?ui=, the cookie, Accept-Language, Russian --------------------------------


def page_lang(r: TestResponse) -> str:
    return BeautifulSoup(r.get_data(as_text=True), "html.parser").html["lang"]


@pytest.mark.parametrize(("header", "expected"), [
    (None, "ru"),
    ("kk-KZ,kk;q=0.9,ru;q=0.8", "kk"),
    ("en-US,en;q=0.9", "en"),
    ("de-DE,de;q=0.9", "ru"),  # none of ours: Russian
    ("de-DE,en;q=0.5,kk;q=0.4", "en"),  # the best of ours by weight
    ("en-GB;q=0.3, kk;q=0.2", "en"),  # a region still counts at its own weight
    ("ru;q=0, kk;q=0.5", "kk"),
    ("KK", "kk"),
])
def test_accept_language_chooses_when_nothing_else_does(rclient, header, expected) -> None:
    headers = {"Accept-Language": header} if header else {}
    r = rclient.get("/?q=Байконур", headers=headers)
    assert page_lang(r) == expected
    assert r.headers["Content-Language"] == expected
    assert "Accept-Language" in r.headers["Vary"] and "Cookie" in r.headers["Vary"]
    assert "Set-Cookie" not in r.headers  # the browser's preference is not a choice


def test_the_parameter_wins_over_cookie_and_header_and_is_remembered(rclient) -> None:
    rclient.set_cookie(COOKIE, "kk")
    r = rclient.get("/?q=Байконур&ui=en", headers={"Accept-Language": "ru"})
    assert page_lang(r) == "en"
    cookie = SimpleCookie(r.headers["Set-Cookie"])[COOKIE]
    assert cookie.value == "en" and cookie["samesite"] == "Lax" and cookie["httponly"]
    assert int(cookie["max-age"]) >= 180 * 24 * 3600
    # the next page without the parameter stays in English
    assert page_lang(rclient.get("/?q=Байконур", headers={"Accept-Language": "kk"})) == "en"


def test_the_cookie_wins_over_the_header(rclient) -> None:
    rclient.set_cookie(COOKIE, "kk")
    assert page_lang(rclient.get("/", headers={"Accept-Language": "en"})) == "kk"


@pytest.mark.parametrize("bad", ["fr", "KZ", "", "../ru", "kk;", "<script>"])
def test_an_unknown_ui_value_is_ignored(rclient, bad) -> None:
    r = rclient.get("/", query_string={"ui": bad}, headers={"Accept-Language": "en"})
    assert page_lang(r) == "en" and "Set-Cookie" not in r.headers


def _switch(r: TestResponse) -> dict[str, str]:
    soup = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    nav = soup.select_one("nav.ui-switch")
    return {a["lang"]: a["href"] for a in nav.select("a")}


def test_the_switch_keeps_the_query_filters_and_sort(rclient) -> None:
    r = rclient.get("/", query_string={"q": "Байконур", "source": "roscosmos", "lang": "ru",
                                       "from": "2018", "to": "2019", "sort": "date", "ui": "kk"})
    links = _switch(r)
    assert set(links) == {"ru", "en"}  # the current one is not a link
    for lang, href in links.items():
        parts = urlsplit(href)
        args = parse_qs(parts.query)
        assert parts.path == "/"
        assert args == {"q": ["Байконур"], "source": ["roscosmos"], "lang": ["ru"],
                        "from": ["2018"], "to": ["2019"], "sort": ["date"], "ui": [lang]}
        again = rclient.get(href)
        assert page_lang(again) == lang
        soup = BeautifulSoup(again.get_data(as_text=True), "html.parser")
        assert soup.select_one("input[name=q]")["value"] == "Байконур"


def test_the_switch_on_a_document_keeps_the_document_and_its_marks(rclient) -> None:
    links = _switch(rclient.get(f"/doc/{BAIKONUR_2018}", query_string={"q": "Байконур"}))
    for lang, href in links.items():
        parts = urlsplit(href)
        assert parts.path == f"/doc/{BAIKONUR_2018}"
        assert parse_qs(parts.query) == {"q": ["Байконур"], "ui": [lang]}


def test_the_switch_copies_no_other_parameter(rclient) -> None:
    href = _switch(rclient.get("/?q=Байконур&_external=1&endpoint=x&evil=1"))["en"]
    assert parse_qs(urlsplit(href).query) == {"q": ["Байконур"], "ui": ["en"]}
    assert href.startswith("/")


def test_links_carry_a_chosen_language_and_not_a_guessed_one(rclient) -> None:
    chosen = rclient.get("/?q=Байконур&ui=en").get_data(as_text=True)
    soup = BeautifulSoup(chosen, "html.parser")
    hrefs = [a["href"] for a in soup.select("ol.hits a, aside.facets a, nav.pager a, "
                                            "figure.timeline a, p.export a")]
    assert hrefs and all("ui=en" in h for h in hrefs)
    assert soup.select_one("form.search input[name=ui]")["value"] == "en"
    assert "?" not in soup.select_one("input[name=q]")["data-suggest"]  # the script adds ?q=

    rclient.delete_cookie(COOKIE)
    guessed = rclient.get("/?q=Байконур", headers={"Accept-Language": "en"})
    soup = BeautifulSoup(guessed.get_data(as_text=True), "html.parser")
    assert page_lang(guessed) == "en"
    assert not any("ui=" in a["href"] for a in soup.select("ol.hits a, aside.facets a"))
    assert soup.select_one("form.search input[name=ui]") is None


# --- every page in every language ------------------------------------------------------------

PAGES = [
    "/",
    "/?q=Байконур",
    "/?q=Байконур&source=roscosmos&lang=ru&from=2018&sort=date",
    "/?q=Байконур&page=2",
    "/?q=Байконур&page=9",  # past the last page
    "/?q=Байконр",  # corrected
    "/?q=ксмодром",  # found nothing, or corrected
    "/?q=несуществующееслово",
    "/?source=mdai-kz",
    "/?q=Байконур&from=2018-13",  # a bad date: an error on the page
    f"/doc/{BAIKONUR_2018}?q=Байконур",
    f"/doc/{BAITEREK_2018}",
    "/doc/no-such-release.txt",
    "/no-such-page",
]


def _is_interface(element, lang: str) -> bool:
    """Whether text in `element` is the interface's: the page marks a release's text with
    the release's language (a hit, the document), and the interface's words inside it (its
    date line, its links) with the page's language again."""
    marked = [e for e in [element, *element.parents]
              if e.name not in ("html", "[document]") and e.has_attr("lang")]
    if not marked:
        return True
    return marked[0]["lang"] == lang and len(marked) > 1


def interface_words(html: str, lang: str) -> list[str]:
    """The words of a page that the interface wrote: not the releases' own text, not names
    kept as they are (translate="no"), not the links to documents (their titles and ids),
    not the query echoed back."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    query = soup.select_one("input[name=q]")
    typed = {w.casefold() for w in WORD.findall(query["value"] if query else "")}
    for kept in soup.select(".correction [translate=no]"):  # the query as corrected
        typed |= {w.casefold() for w in WORD.findall(kept.text)}
    found: list[str] = []
    for text in soup.find_all(string=True):
        if not isinstance(text, NavigableString) or not text.strip():
            continue
        element = text.parent
        if not _is_interface(element, lang):
            continue
        if element.find_parent(attrs={"translate": "no"}) or element.get("translate") == "no":
            continue
        link = element if element.name == "a" else element.find_parent("a")
        if link is not None and str(link.get("href", "")).startswith("/doc/"):
            continue
        found += [w for w in WORD.findall(text) if w.casefold() not in typed]
    for tag in soup.find_all(attrs={"aria-label": True}):
        if _is_interface(tag, lang):
            found += [w for w in WORD.findall(tag["aria-label"]) if w.casefold() not in typed]
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_speaks_only_the_interface_language(rclient, path, lang) -> None:
    r = rclient.get(path + ("&" if "?" in path else "?") + f"ui={lang}")
    assert r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert page_lang(r) == lang
    words = interface_words(html, lang)
    assert words  # the page has an interface at all
    strangers = sorted({w for w in words if w.casefold() not in VOCABULARY[lang]})
    assert not strangers, strangers
    if lang == "en":
        assert not [w for w in words if CYRILLIC.search(w)]


@pytest.mark.parametrize(("lang", "found", "sort"), [
    ("ru", "Найдено: 11 документов", "по релевантности"),
    ("kk", "Табылды: 11 құжат", "сәйкестігі бойынша"),
    ("en", "Found: 11 documents", "by relevance"),
])
def test_the_results_line_in_each_language(rclient, lang, found, sort) -> None:
    soup = BeautifulSoup(rclient.get(f"/?q=Байконур&ui={lang}").get_data(as_text=True),
                         "html.parser")
    assert soup.select_one(".found").text.startswith(found + " · ")
    assert sort in soup.select_one(".sort").text
    assert soup.select_one("form.search button").text == CATALOGUES[lang].text("search.button")


@pytest.mark.parametrize(("lang", "date", "month", "language"), [
    ("ru", "1 июня 2018", "май 2018", "русский"),
    ("kk", "2018 жылғы 1 маусым", "2018 жылғы мамыр", "орысша"),
    ("en", "1 June 2018", "May 2018", "Russian"),
])
def test_hits_and_facets_show_dates_and_languages_in_the_interface_language(
        rclient, lang, date, month, language) -> None:
    soup = BeautifulSoup(rclient.get(f"/?q=Байконур&per_page=20&ui={lang}")
                         .get_data(as_text=True), "html.parser")
    times = {t["datetime"]: t.text for t in soup.select("ol.hits time")}
    assert times["2018-06-01"] == date and times["2018-05"] == month
    langs = [a.text for a in soup.select("aside.facets [data-facet=lang] a")]
    assert language in langs


@pytest.mark.parametrize(("lang", "roscosmos", "esa"), [
    ("ru", "Роскосмос", "ЕКА"),
    ("kk", "Роскосмос", "ESA"),
    ("en", "Roscosmos", "ESA"),
])
def test_agencies_are_named_in_the_interface_language(rclient, lang, roscosmos, esa) -> None:
    soup = BeautifulSoup(rclient.get(f"/?q=Байконур OR станции&per_page=20&ui={lang}")
                         .get_data(as_text=True), "html.parser")
    hits = {s.text for s in soup.select("ol.hits .source")}
    facet = {a.text for a in soup.select("aside.facets [data-facet=source] a")}
    form = {s.text for s in soup.select("fieldset.sources label span")}
    for shown in (hits, facet, form):
        assert {roscosmos, esa} <= shown, shown
    assert CATALOGUES[lang].agency("kazcosmos", "Казкосмос") == {
        "ru": "Казкосмос", "kk": "Қазғарыш", "en": "KazCosmos"}[lang]
    feed = rclient.get(f"/feed?q=Байконур&ui={lang}").get_data(as_text=True)
    assert f'term="roscosmos" label="{roscosmos}"' in feed
    page = BeautifulSoup(rclient.get(f"/doc/{BAIKONUR_2018}?ui={lang}").get_data(as_text=True),
                         "html.parser")
    assert page.select_one("p.meta .source").text == roscosmos
    related = {s.text for s in page.select("aside li .meta span[translate=no]")}
    assert {roscosmos, esa} <= related, related


# --- errors in the interface language, by their code -----------------------------------------

QUERY_ERRORS = [
    ({"q": ""}, "empty_query", None),
    ({"q": "б" * 1001}, "query_too_long", None),
    ({"q": "Байконур", "sort": "abc"}, "bad_sort", None),
    ({"q": "Байконур", "per_page": "x"}, "bad_per_page", None),
    ({"q": "Байконур", "per_page": "500"}, "bad_per_page", None),
    ({"q": "Байконур", "page": "x"}, "bad_page", None),
    ({"q": "Байконур", "page": "0"}, "bad_page", None),
    ({"q": "Байконур", "page": "200"}, "bad_page", None),
    ({"q": "-Байконур"}, "only_exclusions", None),
    ({"q": "Байконур", "from": "2018-13"}, "bad_date", "2018-13"),
    ({"q": "Байконур", "from": "2019", "to": "2018"}, "bad_date_range", "2019"),
    ({"q": "source:nasa", "source": "roscosmos"}, "conflicting_sources", None),
    ({"q": "lang:en", "lang": "ru"}, "conflicting_langs", None),
    ({"q": "Байконур", "source": "x" * 101}, "bad_source", "x" * 40),
    ({"q": "Байконур", "lang": "fr"}, "bad_lang", "fr"),
    ({"q": "Байконур", "year": "18"}, "bad_year", "18"),
    ({"q": "Байконур", "from": ["2018", "2019"]}, "bad_from", "from"),
]


@pytest.mark.parametrize(("params", "code", "echo"), QUERY_ERRORS)
def test_an_api_error_keeps_its_code_and_speaks_the_interface_language(
        rclient, params, code, echo) -> None:
    messages = {}
    for lang in LANGUAGES:
        r = rclient.get("/api/search", query_string={**params, "ui": lang})
        assert r.status_code == 400
        error = r.get_json()["error"]
        assert set(error) == {"code", "message"} and error["code"] == code
        messages[lang] = error["message"]
        if echo:
            assert echo in error["message"]
        generic = CATALOGUES[lang].text("query_error.unknown")
        assert error["message"] != generic  # every code has its own sentence
    assert len(set(messages.values())) == 3
    assert not CYRILLIC.search(re.sub(r"б+|Байконур", "", messages["en"]))
    kk_words = {w.casefold() for w in WORD.findall(messages["kk"])}
    assert kk_words - {w.casefold() for w in WORD.findall(str(echo))} <= VOCABULARY["kk"]


def test_the_page_shows_the_error_in_its_language(rclient) -> None:
    r = rclient.get("/?q=Байконур&from=2018-13&ui=kk")
    assert r.status_code == 400
    error = BeautifulSoup(r.get_data(as_text=True), "html.parser").select_one(".error")
    assert error["data-code"] == "bad_date"
    assert error.text.startswith("«2018-13» күнін түсіну мүмкін болмады")


@pytest.mark.parametrize(("length", "ru", "en"), [
    (1001, f"Запрос слишком длинный (1{NNBSP}001 символ); максимум 1{NNBSP}000.",
     "The query is too long (1,001 characters); the limit is 1,000."),
    (1003, f"Запрос слишком длинный (1{NNBSP}003 символа); максимум 1{NNBSP}000.",
     "The query is too long (1,003 characters); the limit is 1,000."),
])
def test_numbers_in_error_messages_are_written_the_languages_way(length, ru, en) -> None:
    error = QueryError("query_too_long", "…", length=length, max=1000)
    assert query_error_message(error, catalogue("ru")) == ru
    assert query_error_message(error, catalogue("en")) == en
    assert query_error_message(error, catalogue("kk")) == (
        f"Сұраныс тым ұзын (1{NNBSP}{str(length)[1:]} таңба); ең көбі — 1{NNBSP}000.")


def test_a_code_the_catalogue_does_not_know_falls_back_per_language() -> None:
    error = QueryError("brand_new", "Новое сообщение движка.")
    assert query_error_message(error, catalogue("ru")) == "Новое сообщение движка."
    assert query_error_message(error, catalogue("en")) == "The request cannot be completed."
    too_many = QueryError("bad_source", "…", reason="too_many", max=20)
    assert query_error_message(too_many, catalogue("kk")) == "Ең көбі 20 дереккөз таңдауға болады."


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/api/doc/no-such.txt", 404, "not_found"),
    ("/api/related/no-such.txt", 404, "not_found"),
    ("/api/nothing-here", 404, "not_found"),
])
def test_web_errors_speak_the_interface_language(rclient, path, status, code) -> None:
    seen = set()
    for lang in LANGUAGES:
        r = rclient.get(path, query_string={"ui": lang})
        assert r.status_code == status
        error = r.get_json()["error"]
        assert error["code"] == code
        seen.add(error["message"])
    assert len(seen) == 3


@pytest.mark.parametrize(("lang", "title", "message"), [
    ("ru", "Индекс ещё не построен", "Индекс ещё не построен — запустите reindex."),
    ("kk", "Индекс әлі құрылмаған", "Индекс әлі құрылмаған — reindex командасын іске қосыңыз."),
    ("en", "The index has not been built yet", "The index has not been built yet: run reindex."),
])
def test_no_index_is_said_in_each_language(no_index_app, lang, title, message) -> None:
    client = no_index_app.test_client()
    page = client.get("/", query_string={"q": "Байконур", "ui": lang})
    assert page.status_code == 503
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.h1.text == title and message in soup.text
    api = client.get("/api/search", query_string={"q": "Байконур", "ui": lang})
    assert api.get_json()["error"] == {"code": "no_index", "message": message}
    health = client.get("/healthz", query_string={"ui": lang}).get_json()
    assert health["message"] == message


@pytest.mark.parametrize(("lang", "heading", "phrase"), [
    ("ru", "Архив пока пуст", "затем запустите"),
    ("kk", "Мұрағат әзірге бос", "командасын іске қосыңыз"),
    ("en", "The archive is empty", "then run"),
])
def test_an_empty_archive_says_how_to_fill_it_in_each_language(tmp_path, lang, heading,
                                                               phrase) -> None:
    (tmp_path / "corpus").mkdir()
    reindex(tmp_path / "corpus", tmp_path / "index")
    client = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index"}).test_client()
    soup = BeautifulSoup(client.get(f"/?ui={lang}").get_data(as_text=True), "html.parser")
    section = soup.select_one(".empty-archive")
    assert section.h2.text == heading and phrase in section.text
    assert "orbita-fetch" in section.text and "corpus/" in section.text


@pytest.mark.parametrize(("lang", "title", "subtitle_word"), [
    ("ru", "Орбита: «Байконур»", "пресс-релизы"),
    ("kk", "Орбита: «Байконур»", "релиздері"),
    ("en", "Orbita: “Байконур”", "press releases"),
])
def test_the_feed_follows_the_interface_language(rclient, lang, title, subtitle_word) -> None:
    r = rclient.get("/feed", query_string={"q": "Байконур", "ui": lang})
    soup = BeautifulSoup(r.get_data(as_text=True), "xml")
    assert soup.feed["xml:lang"] == lang
    assert soup.feed.find("title", recursive=False).text == title
    assert subtitle_word in soup.feed.subtitle.text
    other_lang = "ru" if lang != "ru" else "en"
    other = rclient.get("/feed", query_string={"q": "Байконур", "ui": other_lang})
    assert other.headers["ETag"] != r.headers["ETag"]  # one ETag per language


def test_the_session_seed_document_page_in_kazakh(client) -> None:
    r = client.get(f"/doc/{SEED_ID}", query_string={"q": "Байтерек", "ui": "kk"})
    soup = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    assert soup.select_one("nav.back a").text == "← Іздеу нәтижелеріне"
    assert soup.select_one("article.document")["lang"] == "ru"  # the release keeps its own
