"""The interface in the reader's language: Russian (the default), Kazakh and English.

Every string the web shows is in one catalogue per language, ``web/messages/<lang>.toml``,
under the same keys in each (tests/test_i18n.py checks that keys, plural forms and
placeholders agree). A value is a string with ``{name}`` placeholders, or, for a phrase with
a number, the list of its plural forms (Russian three: 1 документ, 2 документа, 5 документов;
English two; Kazakh one, as its nouns do not agree with numerals: 5 құжат). Keys ending in
``_html`` hold markup (``<code>``); every other string is text and is escaped where it is
shown. Placeholder values are always escaped.

The language of a request: ``?ui=kk|ru|en`` (remembered in a cookie for a year), else that
cookie, else the best of the browser's ``Accept-Language`` (by its weights), else Russian.
Links made with ``url_for`` carry ``ui=`` while the reader's own choice (the parameter or the
cookie) is in effect, so a shared link opens in the language it was seen in.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, has_request_context, request, url_for
from markupsafe import Markup, escape

__all__ = [
    "COOKIE",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "PARAM",
    "Catalogue",
    "catalogue",
    "current",
    "doc_lang",
    "init_app",
    "plural_index",
    "ru_plural",
    "switch_links",
]

LANGUAGES = ("ru", "kk", "en")  # in the order the switch shows them
DEFAULT_LANGUAGE = "ru"
PARAM = "ui"
COOKIE = "orbita_ui"
COOKIE_SECONDS = 365 * 24 * 3600
MESSAGES = Path(__file__).resolve().parent / "messages"
PLURAL_FORMS = {"ru": 3, "kk": 1, "en": 2}
# The parameters of the pages a language switch keeps (nothing else is copied into a link).
KEPT_PARAMS = ("q", "page", "per_page", "sort", "noc", "source", "lang", "from", "to", "year")


def ru_plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for `n`: 1 документ, 2 документа, 5 документов, 21 документ,
    11 документов."""
    return (one, few, many)[plural_index("ru", n)]


def plural_index(lang: str, n: int) -> int:
    """Which of a language's plural forms goes with `n`."""
    if lang == "ru":
        n = abs(n) % 100
        if 11 <= n <= 14:
            return 2
        if n % 10 == 1:
            return 0
        return 1 if 2 <= n % 10 <= 4 else 2
    if lang == "en":
        return 0 if n == 1 else 1
    return 0  # Kazakh: one form after any numeral


@dataclass(frozen=True)
class Catalogue:
    """One language's strings, and its way of writing numbers and dates."""

    lang: str
    messages: Mapping[str, Any] = field(hash=False, compare=False)  # "results.found" -> …

    def text(self, key: str, **params: Any) -> str:
        """A string as plain text, its placeholders filled (numbers written the language's
        way)."""
        message = self.messages[key]
        if not isinstance(message, str) or key.endswith("_html"):
            raise KeyError(f"{key} is not a text message")
        return message.format_map(self._values(params))

    def html(self, key: str, **params: Any) -> Markup:
        """A string as safe HTML: a ``_html`` message as written, any other escaped; the
        placeholders' values escaped unless they are Markup already."""
        message = self.messages[key]
        if not isinstance(message, str):
            raise KeyError(f"{key} is not a single message")
        template = Markup(message) if key.endswith("_html") else escape(message)
        return template.format_map(self._values(params))

    def plural(self, key: str, n: int) -> str:
        """The form of a phrase for the number `n`, with `n` written in: "5 документов"."""
        forms = self.messages[key]
        if not isinstance(forms, list):
            raise KeyError(f"{key} is not a plural message")
        return str(forms[plural_index(self.lang, n)]).format(n=self.number(n))

    def entries(self, key: str) -> list[dict[str, Any]]:
        """A list of tables (the search help's examples), its ``_html`` fields as Markup and
        the others as text."""
        return [{k: Markup(v) if k.endswith("_html") else v for k, v in item.items()}
                for item in self.messages[key]]

    def number(self, n: int | float) -> str:
        """A whole number with its thousands set apart: "12 345" (a narrow no-break space in
        Russian and Kazakh), "12,345" in English."""
        return f"{int(n):,}".replace(",", self.messages["format.thousands"])

    def date(self, iso: str | None) -> str:
        """A release date: "2018-05-14" → «14 мая 2018», «2018 жылғы 14 мамыр», "14 May 2018";
        "2018-05" → its month (:meth:`month`); anything else as it is."""
        try:
            parts = [int(part) for part in (iso or "").split("-")]
            if len(parts) == 2:
                return self.month(iso or "")
            year, month, day = parts
            if not 1 <= month <= 12:
                raise ValueError(iso)
            return self.messages["format.day"].format(
                day=day, year=year, month=self.messages["months.wide"][month - 1],
                month_genitive=self.messages["months.genitive"][month - 1],
            )
        except (ValueError, IndexError):
            return iso or ""

    def month(self, value: str) -> str:
        """"2018-05" → «май 2018», «2018 жылғы мамыр», "May 2018"; anything else as it is."""
        return _month(self, value)

    def timestamp(self, seconds: float) -> str:
        """A moment (seconds since the epoch) as its UTC date and time:
        «14 мая 2018, 10:05 UTC»."""
        moment = datetime.fromtimestamp(seconds, UTC)
        return self.messages["format.timestamp"].format(
            date=self.date(moment.date().isoformat()), time=moment.strftime("%H:%M")
        )

    def language(self, code: str | None) -> str:
        """A document language's name: kk → «казахский», «қазақша», "Kazakh"."""
        key = f"languages.{code}"
        return str(self.messages[key]) if code and key in self.messages else code or ""

    def agency(self, key: str | None, name: str | None = None) -> str:
        """An agency's name in this language (``[agencies]``: only where it differs from the
        name search/data/sources.txt gives, `name`): roscosmos → "Roscosmos" in English."""
        found = self.messages.get(f"agencies.{key}") if key else None
        return str(found or name or key or "")

    def _values(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {k: self.number(v) if isinstance(v, int) and not isinstance(v, bool) else v
                for k, v in params.items()}


@lru_cache(maxsize=4096)  # a few hundred months per language: the timelines' labels
def _month(cat: Catalogue, value: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value or "")
    if not match or not 1 <= int(match[2]) <= 12:
        return value or ""
    return str(cat.messages["format.month"]).format(
        year=int(match[1]), month=cat.messages["months.wide"][int(match[2]) - 1]
    )


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def load(lang: str, folder: Path = MESSAGES) -> Catalogue:
    with (folder / f"{lang}.toml").open("rb") as f:
        return Catalogue(lang, _flatten(tomllib.load(f)))


CATALOGUES = {lang: load(lang) for lang in LANGUAGES}


def catalogue(lang: str) -> Catalogue:
    return CATALOGUES[lang]


# --- the language of a request -----------------------------------------------------------


def _requested() -> tuple[str, bool]:
    """(language, whether the reader chose it: parameter or cookie)."""
    asked = (request.args.get(PARAM) or "").strip().lower()
    if asked in LANGUAGES:
        return asked, True
    remembered = (request.cookies.get(COOKIE) or "").strip().lower()
    if remembered in LANGUAGES:
        return remembered, True
    for value, _quality in request.accept_languages:  # best first; q=0 is left out
        primary = value.split("-")[0].strip().lower()
        if primary in LANGUAGES:
            return primary, False
        if primary == "*":
            break
    return DEFAULT_LANGUAGE, False


def current() -> Catalogue:
    """This request's catalogue (Russian outside a request)."""
    if not has_request_context():
        return CATALOGUES[DEFAULT_LANGUAGE]
    if "ui" not in g:
        g.ui, g.ui_chosen = _requested()
    return CATALOGUES[g.ui]


def _choose() -> None:
    current()


def switch_links() -> list[dict[str, Any]]:
    """The language switch: this page in each language, its search and filters kept."""
    endpoint = request.endpoint if request.url_rule is not None else None
    view_args = dict(request.view_args or {}) if endpoint else {}
    if endpoint is None or endpoint.startswith(("api.", "static")):
        endpoint, view_args = "pages.index", {}
    args: dict[str, Any] = {k: request.args.getlist(k) for k in KEPT_PARAMS if k in request.args}
    here = current().lang
    links = []
    for lang in LANGUAGES:
        own = CATALOGUES[lang]
        links.append({
            "lang": lang,
            "label": own.text("language.switch"),
            "name": own.text("language.name"),
            "url": url_for(endpoint, **view_args, **args, **_ui(lang)),
            "current": lang == here,
        })
    return links


def doc_lang(code: str | None) -> str:
    """A document's language as an HTML ``lang`` value: "" (unknown) for mixed text."""
    return code if code in LANGUAGES else ""


def _ui(lang: str) -> dict[str, Any]:
    return {PARAM: lang}


def _keep_in_links(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint != "static" and has_request_context() and g.get("ui_chosen") \
            and PARAM not in values:
        values[PARAM] = g.ui


def _remember(response: Response) -> Response:
    cat = current()
    asked = (request.args.get(PARAM) or "").strip().lower()
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_SECONDS, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    response.headers.setdefault("Content-Language", cat.lang)
    return response


def init_app(app: Flask) -> None:
    app.before_request(_choose)
    app.after_request(_remember)
    app.url_defaults(_keep_in_links)

    def t(key: str, **params: Any) -> Markup:
        return current().html(key, **params)

    def tn(key: str, n: int) -> str:
        return current().plural(key, n)

    def ui_chosen() -> bool:
        current()
        return bool(g.get("ui_chosen"))

    app.jinja_env.globals.update(t=t, tn=tn, ui=current, ui_chosen=ui_chosen,
                                 switch_links=switch_links)
    app.jinja_env.filters.update(
        doc_lang=doc_lang,
        date=lambda iso: current().date(iso),
        month=lambda value: current().month(value),
        number=lambda n: current().number(n),
        language=lambda code: current().language(code),
        agency=lambda key, name=None: current().agency(key, name),
    )
