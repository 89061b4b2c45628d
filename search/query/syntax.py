"""The query language's one lexer: what a person typed, as tokens.

The parser (search/query/parse.py), the filters (search/query/filters.py) and query
understanding (search/understand/) all read a query through :func:`tokenize`, so an operator
is taught in one place and corrections know exactly what is syntax.

==================================  =========  ==============================================
typed                               kind       meaning
==================================  =========  ==============================================
``(`` ``)``                         ( )        grouping
``OR`` ``ИЛИ`` ``НЕМЕСЕ`` ``|``     or         either side
``"фраза"`` ``-"фраза"``            phrase     the words in this order (``-``: without them)
``title:"фраза"``                   phrase     … in the title
``слово`` ``-слово``                word       a word (``-``: without it)
``=слово`` ``!слово``               word       only this form (``exact``)
``косм*``                           word       words starting so (``prefix``)
``title:слово`` ``заголовок:``      word       in the title (``field`` = "title"; also
                                               ``тақырып:``)
``source:roscosmos`` ``date:2018``  filter     a filter (``field`` = source, lang, date, year;
                                               named as in front matter: corpus/fields.py)
==================================  =========  ==============================================

Anything typed is valid input: an unclosed quote runs to the end, a stray bracket is a token
the parser may ignore, and an unknown ``name:value`` is an ordinary word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..corpus.fields import FIELD_BY_NAME, FIELD_NAMES

__all__ = ["FILTER_FIELDS", "OR_WORDS", "QUOTES", "TITLE_FIELDS", "Token", "tokenize"]

QUOTES = "\"“”„"
OR_WORDS = frozenset({"or", "или", "немесе", "|"})
TITLE_FIELDS = frozenset({*FIELD_NAMES["title"], "t"})
# The names of filters, in English, Russian and Kazakh (those of a release's front matter, and
# the year's), and the filter each names.
FILTER_FIELDS = {name: field for name, field in FIELD_BY_NAME.items() if field != "title"} | {
    "year": "year", "год": "year", "жыл": "year",
}

_TOKEN_RE = re.compile(
    rf"""
    (?P<paren>[()]) | (?P<bar>\|)
    | (?P<phrase>(?P<neg>-?)(?:(?P<pfield>[^\W\d_]+):)?[{QUOTES}](?P<ptext>[^{QUOTES}]*)[{QUOTES}]?)
    | (?P<piece>[^\s(){QUOTES}|]+)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "(", ")", "or", "phrase", "word", "filter"
    start: int  # the token's span in the query text, its operators included
    end: int
    text: str = ""  # a word as typed (no operators), a phrase's inside, a filter's value
    text_start: int = 0  # where `text` starts in the query text
    negated: bool = False  # -word, -"phrase"
    exact: bool = False  # =word, !word
    prefix: bool = False  # word*
    field: str | None = None  # "title", or a filter: "source", "lang", "date", "year"

    @property
    def plain(self) -> bool:
        """A word typed with no operator: one that corrections and expansions may touch."""
        return self.kind == "word" and not (
            self.negated or self.exact or self.prefix or self.field
        )


def tokenize(text: str) -> list[Token]:
    """The tokens of a query text, in order; never raises."""
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        start, end = m.span()
        if m.group("paren"):
            tokens.append(Token(m.group(), start, end))
        elif m.group("bar"):
            tokens.append(Token("or", start, end, "|", start))
        elif m.group("phrase") is not None:
            field = (m.group("pfield") or "").lower() or None
            if field is not None and field not in TITLE_FIELDS:
                # «source:"…"» is no syntax: the name is a word, the quotes a phrase
                tokens.append(_piece(text, m.start("pfield"), m.end("pfield") + 1))
                field = None
            tokens.append(Token(
                "phrase", start if field is None else m.start("pfield"), end,
                m.group("ptext"), m.start("ptext"), negated=m.group("neg") == "-",
                field="title" if field else None,
            ))
        else:
            tokens.append(_piece(text, start, end))
    return tokens


def _piece(text: str, start: int, end: int) -> Token:
    """One run of characters without spaces, brackets, bars or quotes."""
    raw = text[start:end]
    if raw.lower() in OR_WORDS:
        return Token("or", start, end, raw, start)
    at = start
    negated = raw.startswith("-") and len(raw) > 1
    if negated:
        at += 1
    head, sep, rest = text[at:end].partition(":")
    name = head.lower()
    if sep and rest and name in FILTER_FIELDS and not negated:
        value_start = at + len(head) + 1
        return Token("filter", start, end, rest, value_start, field=FILTER_FIELDS[name])
    field = None
    if sep and name in TITLE_FIELDS:
        field, at = "title", at + len(head) + 1
    exact = text[at:at + 1] in ("=", "!")
    if exact:
        at += 1
    stop = end
    prefix = text[at:end].endswith("*")
    while stop > at and text[stop - 1] == "*":
        stop -= 1
    return Token("word", start, end, text[at:stop], at, negated=negated, exact=exact,
                 prefix=prefix, field=field)
