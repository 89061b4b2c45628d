"""Dates of releases: in metadata values and in datelines («14 мая 2018 г.», «Байконур, 14.05.2018»,
«May 14, 2018», «Астана, 2024 жылғы 12 сәуір»); a month alone gives ``YYYY-MM``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date as _date

from .text import EDGE_CHARS

__all__ = ["date_line", "kazakh_date_end", "month_number", "parse_date"]

_RU_MONTH_STEMS = (
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("июн", 6), ("июл", 7),
    ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
)
# январь, января, январе, январю, январём; март, марта, марте, марту, мартом
_RU_MONTH_ENDINGS = frozenset({"", "ь", "я", "е", "ю", "ем", "ём", "а", "у", "ом"})
_KK_MONTH_STEMS = (
    ("қаңтар", 1), ("ақпан", 2), ("наурыз", 3), ("сәуір", 4), ("мамыр", 5), ("маусым", 6),
    ("шілде", 7), ("тамыз", 8), ("қыркүйек", 9), ("қазан", 10), ("қараша", 11),
    ("желтоқсан", 12),
)
# сәуір, сәуірде, сәуірдің, сәуірінде, сәуірдегі; шілде, шілдеде, шілдесінде; the endings of
# both vowel classes for every month (a form of the wrong class never occurs in real text)
_KK_MONTH_ENDINGS = frozenset(
    possessive + case
    for possessive in ("", "ы", "і", "сы", "сі")
    for case in ("", "да", "де", "та", "те", "нда", "нде", "дағы", "дегі", "тағы", "тегі",
                 "ндағы", "ндегі", "дың", "дің", "тың", "тің", "ның", "нің", "ға", "ге",
                 "қа", "ке", "на", "не", "нан", "нен", "дан", "ден", "тан", "тен")
)
_MONTH_WORDS = {
    "май": 5, "мая": 5, "мае": 5, "маю": 5, "маем": 5,
    "янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "авг": 8, "сен": 9, "сент": 9,
    "окт": 10, "ноя": 11, "нояб": 11, "дек": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}


def month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if word in _MONTH_WORDS:
        return _MONTH_WORDS[word]
    for stem, number in _RU_MONTH_STEMS:
        if word.startswith(stem) and word[len(stem) :] in _RU_MONTH_ENDINGS:
            return number
    for stem, number in _KK_MONTH_STEMS:
        if word.startswith(stem) and word[len(stem) :] in _KK_MONTH_ENDINGS:
            return number
    return None


_KK_YEAR = r"(?i:жылғы|жылы|жылдың|ж\.)"  # "2024 жылғы": of the year 2024
# Kazakh dates open with the year: "2024 жылғы 12 сәуір", "2024 жылы шілдеде"
_KK_DATE = re.compile(rf"(?<!\d)(\d{{4}})\s*{_KK_YEAR}\s*(\d{{1,2}})\s+([^\W\d_]{{3,}})")
_KK_MONTH = re.compile(rf"(?<!\d)(\d{{4}})\s*{_KK_YEAR}\s+([^\W\d_]{{3,}})")
_DATE_PATTERNS = (
    # (regex, group order as (year, month, day) indexes; month may be a word; no day: a month)
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), (1, 2, 3)),
    (re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)"), (3, 2, 1)),
    (re.compile(r"(?<!\d)(\d{1,2})\s+([^\W\d_]{3,})\.?,?\s+(\d{4})(?!\d)"), (3, 2, 1)),
    (re.compile(r"\b([A-Za-z]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)"), (3, 1, 2)),
    (_KK_DATE, (1, 3, 2)),
    # Only when no full date is there: "в мае 2018", "May 2018", "2024 жылғы сәуір", "2018-05".
    (re.compile(r"(?<!\w)(?:(?:[вВ]|[Ii]n)\s+)?([^\W\d_]{3,})\.?,?\s+(\d{4})(?!\d)"), (2, 1, 0)),
    (_KK_MONTH, (1, 2, 0)),
    (re.compile(r"(?<![\d-])(\d{4})-(\d{2})(?![\d-])"), (1, 2, 0)),
)
# Before a dateline's date: a place or a weekday ("Байконур, ", "WASHINGTON — "), at most four
# words; a longer lead-in is a sentence or a photo caption, not a dateline.
_PLACE = re.compile(r"(?=.{0,50}$)[«\"„]?[^\W\d_][^\s\d]*(?:\s+[^\s\d]+){0,3}?\s*[,.:;|—–-]\s*")
_DATE_TAIL = re.compile(
    r"\s*(?i:г\.?|года|ж\.?|жыл(?:ы|ғы)?)?"
    r"(?:\s*[,.;]?\s*\d{1,2}[:.]\d{2}(?:\s*[^\W\d_]{2,4})?)?"
    r"(?:\s*[,;—–-]\s*[^\W\d_][^\d]{0,40}?)?"
    r"\s*[.,;:]?"
)


def _iter_dates(text: str) -> Iterator[tuple[re.Match[str], str]]:
    for pattern, (yi, mi, di) in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            month_text = m.group(mi)
            month = int(month_text) if month_text.isdigit() else month_number(month_text)
            if month is None:
                continue
            year = int(m.group(yi))
            if not 1900 <= year <= 2100:
                continue
            if not di:
                # A month alone, unless a day stands before it ("31 февраля 2018" is no date).
                if 1 <= month <= 12 and not text[: m.start()].rstrip()[-1:].isdigit():
                    yield m, f"{year:04d}-{month:02d}"
                continue
            day = int(m.group(di))
            try:
                yield m, _date(year, month, day).isoformat()
            except ValueError:  # 31.02.2018 is not a date
                continue


def kazakh_date_end(text: str, at: int) -> int | None:
    """Where a Kazakh date that opens with its year at `at` ends, with its month: «2024 жылғы
    12 сәуір, 10:00» (the other dates end with their year)."""
    m = _KK_DATE.match(text, at) or _KK_MONTH.match(text, at)
    return m.end() if m else None


def parse_date(value: str | None) -> str | None:
    """The first valid date in a metadata value, as YYYY-MM-DD (YYYY-MM for a month alone)."""
    if not value:
        return None
    for _m, iso in _iter_dates(value[:200]):
        return iso
    return None


def date_line(line: str) -> str | None:
    """The date of a line that is only a date (optionally with a place), e.g. a dateline."""
    line = line.strip(EDGE_CHARS)
    if not line or len(line) > 80:
        return None
    for m, iso in _iter_dates(line):
        before, after = line[: m.start()], line[m.end():]
        if (not before or _PLACE.fullmatch(before)) and _DATE_TAIL.fullmatch(after):
            return iso
    return None
