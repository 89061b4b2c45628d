"""Pieces every format reader shares: what a reader returns, titles, blank lines, paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "EDGE_CHARS", "INVISIBLE", "LANG_VALUES", "MANY_NEWLINES", "Parts", "clean_title", "is_blank",
    "join_lines", "same_text", "short_title",
]

# Invisible characters that may sit at the edges of a title or make a line look non-blank.
INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad"
EDGE_CHARS = INVISIBLE + (
    " \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
)
TITLE_MAX = 300  # a longer first line is a paragraph, not a headline
TITLE_CUT = 200


@dataclass(slots=True)
class Parts:
    """What a format reader finds in a file."""

    title: str
    body: str
    date: str | None = None
    source: str | None = None
    lang: str | None = None
    author: str | None = None
    url: str | None = None  # a web page's canonical address, when it gives one
    # when the file says it was made (PDF and DOCX properties): the weakest evidence of the
    # release's date, taken when neither the text nor its feed gives one
    file_date: str | None = None


LANG_VALUES = {
    "ru": "ru", "rus": "ru", "russian": "ru", "русский": "ru", "ru-ru": "ru",
    "kk": "kk", "kaz": "kk", "kazakh": "kk", "казахский": "kk", "қазақ": "kk", "қазақша": "kk",
    "kk-kz": "kk",
    "en": "en", "eng": "en", "english": "en", "английский": "en", "en-us": "en", "en-gb": "en",
    "mixed": "mixed",
}
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def clean_title(title: str) -> str:
    return _SPACES.sub(" ", title).strip(EDGE_CHARS)


def short_title(line: str) -> tuple[str, bool]:
    """A title from a first line; (title, whole line used). Over-long lines are cut."""
    title = clean_title(line)
    if len(title) <= TITLE_MAX:
        return title, True
    cut = title[:TITLE_CUT]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—–-") + "…", False


def same_text(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return _SPACES.sub(" ", s).strip(EDGE_CHARS + ".").casefold()

    return bool(a) and key(a) == key(b)


def is_blank(line: str) -> bool:
    return not line.strip(EDGE_CHARS)


_TRAILING_SPACE = re.compile(r"[^\S\n]+$", re.MULTILINE)
MANY_NEWLINES = re.compile(r"\n{3,}")


def join_lines(lines: Iterable[str]) -> str:
    """Lines -> body: blank-looking lines are paragraph breaks, at most one blank line."""
    text = "\n".join("" if is_blank(line) else line for line in lines)
    text = _TRAILING_SPACE.sub("", text)
    return MANY_NEWLINES.sub("\n\n", text).strip("\n")
