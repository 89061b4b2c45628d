"""Filters by agency, language and date, and the facet counts that go with them.

Filters come from two places, and both must hold:

- request parameters: ``source`` (repeated or comma-separated), ``lang``, ``from``, ``to``,
  ``year`` — :func:`from_params`;
- the query text: ``source:roscosmos``, ``источник:роскосмос``, ``lang:en``, ``язык:ru``,
  ``date:2018``, ``дата:2018-05..2018-07``, ``date:..2018-06-30``, ``year:2018``/``год:2018``
  — the lexer (search/query/syntax.py) gives them as ``filter`` tokens, which the parser
  skips and :func:`from_tokens` reads.

Several agencies or languages are alternatives; a date range narrows. A date bound is a year,
a month or a day (``2018``, ``2018-05``, ``2018-05-14`` or ``14.05.2018``) and counts whole:
``to=2018-05`` runs to the end of May. A release dated by its month alone ("в мае 2018")
falls in a range that starts on the first of its month or earlier and does not end before it.

A bad value raises :class:`QueryError` with a message in Russian (HTTP 400 on the API).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date as _date
from typing import Any

from whoosh import query as wq

from ..corpus import resolve_source
from ..errors import QueryError
from .syntax import Token, tokenize

__all__ = [
    "PARAMS",
    "Filters",
    "from_params",
    "from_tokens",
    "parse_date_bound",
    "split_query",
]

_LANG_ALIASES = {
    "ru": "ru", "rus": "ru", "russian": "ru", "рус": "ru", "русский": "ru", "орысша": "ru",
    "kk": "kk", "kaz": "kk", "kazakh": "kk", "каз": "kk", "казахский": "kk", "қазақ": "kk",
    "қазақша": "kk", "қаз": "kk",
    "en": "en", "eng": "en", "english": "en", "англ": "en", "английский": "en",
    "ағылшынша": "en",
    "mixed": "mixed", "смешанный": "mixed", "аралас": "mixed",
}
MAX_VALUES = 20  # agencies or languages in one filter
MAX_VALUE_CHARS = 100


_DATE_HELP = "год (2018), месяц (2018-05) или день (2018-05-14, 14.05.2018)"


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to; empty fields do not narrow."""

    sources: tuple[str, ...] = ()  # agency keys (sources.py), any of them
    langs: tuple[str, ...] = ()  # "ru" | "en" | "mixed", any of them
    date_from: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD", inclusive
    date_to: str | None = None  # the same, inclusive of the whole year or month

    def __bool__(self) -> bool:
        return bool(self.sources or self.langs or self.date_from or self.date_to)

    def query(self) -> wq.Query | None:
        """The Whoosh query that keeps only matching documents, or None for no filter."""
        parts: list[wq.Query] = []
        if self.sources:
            parts.append(wq.Or([wq.Term("source", s) for s in self.sources]))
        if self.langs:
            parts.append(wq.Or([wq.Term("lang", lang) for lang in self.langs]))
        if self.date_from or self.date_to:
            parts.append(wq.TermRange(
                "date", _lower(self.date_from), _upper(self.date_to), startexcl=False,
                endexcl=False,
            ))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def combine(self, other: Filters) -> Filters:
        """Both filters at once.

        :raises QueryError: they exclude each other (no agency, language or day in common).
        """
        sources = _both(self.sources, other.sources, "conflicting_sources",
                        "Фильтры по источнику исключают друг друга.")
        langs = _both(self.langs, other.langs, "conflicting_langs",
                      "Фильтры по языку исключают друг друга.")
        return _dates(Filters(sources, langs), self.date_from, self.date_to,
                      other.date_from, other.date_to)

    def to_dict(self) -> dict[str, Any]:
        """For the API: {"source": [...], "lang": [...], "from": ..., "to": ...}."""
        return {
            "source": list(self.sources),
            "lang": list(self.langs),
            "from": self.date_from,
            "to": self.date_to,
        }


def _both(a: tuple[str, ...], b: tuple[str, ...], code: str, message: str) -> tuple[str, ...]:
    if not a or not b:
        return a or b
    common = tuple(x for x in a if x in b)
    if not common:
        raise QueryError(code, message)
    return common


def _lower(bound: str | None) -> str:
    """The smallest stored date a lower bound admits. From the first of a month (or year) on,
    a date known only by its month ("2018-05", which sorts before "2018-05-01") counts too."""
    if not bound:
        return "0"  # above "", the value of undated documents
    if bound.endswith("-01-01"):
        return bound[:4]
    if bound.endswith("-01") and len(bound) == 10:
        return bound[:7]
    return bound


def _upper(bound: str | None) -> str:
    # "~" sorts after digits and "-": "2018-05~" is past every day of May 2018.
    return (bound or "9999") + "~"


def _dates(base: Filters, *bounds: str | None) -> Filters:
    """`base` with the narrowest of the lower and upper bounds given (pairs: from, to, ...)."""
    lowers = [b for b in bounds[0::2] if b]
    uppers = [b for b in bounds[1::2] if b]
    date_from = max(lowers, key=_lower) if lowers else None
    date_to = min(uppers, key=_upper) if uppers else None
    if date_from and date_to and _lower(date_from) > _upper(date_to):
        raise QueryError(
            "bad_date_range",
            f"Диапазон дат пуст: начало ({date_from}) позже конца ({date_to}).",
            start=date_from, end=date_to,
        )
    return replace(base, date_from=date_from, date_to=date_to)


# --- values --------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_date_bound(value: str) -> str:
    """A date bound as "YYYY", "YYYY-MM" or "YYYY-MM-DD".

    :raises QueryError: not a year, month or day between 1900 and 2100.
    """
    text = value.strip()
    m = _ISO.fullmatch(text)
    parts: tuple[str | None, ...] | None = m.groups() if m else None
    if parts is None and (m := _DOTTED.fullmatch(text)):
        parts = (m.group(3), m.group(2), m.group(1))
    if parts is not None:
        year, month, day = (int(p) if p else None for p in parts)
        try:
            if year is not None and 1900 <= year <= 2100:
                _date(year, month or 1, day or 1)
                return "-".join(
                    f"{n:02d}" if i else f"{n:04d}"
                    for i, n in enumerate((year, month, day)) if n is not None
                )
        except ValueError:
            pass
    raise QueryError("bad_date", f"Не удалось понять дату «{_short(value)}»: нужен {_DATE_HELP}.",
                     value=_short(value))


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def _source_keys(values: Iterable[str]) -> tuple[str, ...]:
    keys: list[str] = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            source = resolve_source(part) if len(part) <= MAX_VALUE_CHARS else None
            if source is None:
                raise QueryError(
                    "bad_source", f"Источник «{_short(part.strip())}» указан неверно.",
                    reason="unknown", value=_short(part.strip()),
                )
            if source.key not in keys:
                keys.append(source.key)
    if len(keys) > MAX_VALUES:
        raise QueryError("bad_source", f"Можно выбрать не больше {MAX_VALUES} источников.",
                         reason="too_many", max=MAX_VALUES)
    return tuple(keys)


def _lang_codes(values: Iterable[str]) -> tuple[str, ...]:
    codes: list[str] = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            code = _LANG_ALIASES.get(part.strip().casefold())
            if code is None:
                raise QueryError(
                    "bad_lang",
                    f"Язык «{_short(part.strip())}» не поддерживается: "
                    "укажите ru, kk, en или mixed.",
                    value=_short(part.strip()),
                )
            if code not in codes:
                codes.append(code)
    return tuple(codes)


def _year_range(value: str) -> tuple[str, str]:
    year = value.strip()
    if not re.fullmatch(r"\d{4}", year):
        raise QueryError(
            "bad_year", f"Год «{_short(value)}» указан неверно: нужно, например, 2018.",
            reason="unknown", value=_short(value),
        )
    year = parse_date_bound(year)
    return year, year


def _range(value: str) -> tuple[str | None, str | None]:
    """"2018", "2018-05..2018-07", "..2018-06-30", "2018-05.." -> (from, to)."""
    if ".." not in value:
        bound = parse_date_bound(value)
        return bound, bound
    start, _, end = value.partition("..")
    if not start.strip() and not end.strip():
        raise QueryError(
            "bad_date", f"Не удалось понять дату «{_short(value)}»: нужен {_DATE_HELP}.",
            value=_short(value),
        )
    return (
        parse_date_bound(start) if start.strip() else None,
        parse_date_bound(end) if end.strip() else None,
    )


# --- request parameters ----------------------------------------------------------------------

PARAMS = ("source", "lang", "from", "to", "year")


def from_params(args: Mapping[str, Any]) -> Filters:
    """Filters from request parameters (a Werkzeug MultiDict, or a plain dict of strings).

    :raises QueryError: a value that is not an agency, a language or a date.
    """

    def values(name: str) -> list[str]:
        getlist = getattr(args, "getlist", None)
        if getlist is not None:
            return [v for v in getlist(name) if isinstance(v, str)]
        value = args.get(name)
        if isinstance(value, str):
            return [value]
        return [v for v in value or () if isinstance(v, str)]

    def single(name: str) -> str | None:
        found = [v.strip() for v in values(name) if v.strip()]
        if len(found) > 1:
            raise QueryError(f"bad_{name}", f"Параметр {name} можно указать только один раз.",
                             reason="repeated", name=name)
        return found[0] if found else None

    base = Filters(sources=_source_keys(values("source")), langs=_lang_codes(values("lang")))
    date_from = single("from")
    date_to = single("to")
    year = single("year")
    bounds: list[str | None] = [
        parse_date_bound(date_from) if date_from else None,
        parse_date_bound(date_to) if date_to else None,
    ]
    if year:
        bounds += _year_range(year)
    return _dates(base, *bounds)


# --- the query text ----------------------------------------------------------------------------


def from_tokens(tokens: list[Token]) -> Filters:
    """The filters typed in a query (its ``filter`` tokens).

    :raises QueryError: a filter with a bad value.
    """
    sources: list[str] = []
    langs: list[str] = []
    bounds: list[str | None] = []
    for token in tokens:
        if token.kind != "filter":
            continue
        if token.field == "source":
            sources.append(token.text)
        elif token.field == "lang":
            langs.append(token.text)
        elif token.field == "year":
            bounds += _year_range(token.text)
        else:
            bounds += _range(token.text)
    if not (sources or langs or bounds):
        return Filters()
    return _dates(Filters(sources=_source_keys(sources), langs=_lang_codes(langs)), *bounds)


def split_query(text: str) -> tuple[str, Filters]:
    """The query text without its filters (spaces tidied), and the filters it held.

    :raises QueryError: a filter with a bad value.
    """
    tokens = tokenize(text)
    filters = [t for t in tokens if t.kind == "filter"]
    if not filters:
        return text, Filters()
    kept, last = [], 0
    for t in filters:
        kept.append(text[last : t.start])
        last = t.end
    kept.append(text[last:])
    return " ".join("".join(kept).split()), from_tokens(tokens)
