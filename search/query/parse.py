"""Tokens → the parsed query: groups of units, each unit a list of alternatives.

Anything a person types is valid input: odd quotes, brackets and operators are read as well as
they can be; filters are left to search/query/filters.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis import (
    FUNCTION_PHRASES,
    detect_language,
    has_kazakh_letters,
    is_stop_word,
    word_parts,
    words,
)
from .syntax import Token, tokenize

__all__ = [
    "MAX_NESTING",
    "MAX_QUERY_WORDS",
    "MIN_PREFIX_CHARS",
    "Group",
    "Node",
    "Phrase",
    "Word",
    "effective_units",
    "parse_query",
    "parse_tokens",
]

MAX_NESTING = 8  # brackets deeper than this are ignored
MAX_QUERY_WORDS = 32  # words beyond these are ignored: they cannot change the top results
MIN_PREFIX_CHARS = 2


@dataclass
class Word:
    text: str  # normalised (lowercase, ё-folded, no invisible characters)
    exact: bool = False
    prefix: bool = False
    title_only: bool = False
    boost: float = 1.0  # below 1 for words a query rewrite added (synonyms, transliterations)
    kazakh: bool = False  # analysed as Kazakh (a Kazakh query, or a word with Kazakh letters)
    stand_in: bool = False  # added by a rewrite: ranked below the words as typed
    quoted: bool = False  # typed in quotes: no family relatives

    @property
    def is_stop(self) -> bool:
        """A function word («на», «каком», «было»; «мен», «үшін»): by its form or its most
        likely lemma."""
        if self.exact or self.prefix:
            return False
        return is_stop_word(self.text, self.kazakh)


@dataclass
class Phrase:
    words: list[str]
    title_only: bool = False
    boost: float = 1.0
    kazakh: bool = False
    stand_in: bool = False  # added by a rewrite (a synonym): ranked below the words as typed


@dataclass
class Group:
    """Units joined by juxtaposition; each unit is a list of alternatives (joined by OR)."""

    units: list[list[Node]] = field(default_factory=list)
    excluded: list[Node] = field(default_factory=list)


Node = Word | Phrase | Group


def parse_query(text: str) -> Group:
    """Parse what a person typed (filters in it are skipped); never raises on odd input."""
    return parse_tokens(tokenize(text), kazakh=is_kazakh(text))


def is_kazakh(text: str) -> bool:
    """Whether a query is written in Kazakh (its words are then analysed as Kazakh)."""
    return detect_language(text) == "kk"


def parse_tokens(tokens: list[Token], *, kazakh: bool = False) -> Group:
    """The parsed query; `kazakh`: the query is in Kazakh (a word with Kazakh letters is
    analysed as Kazakh in any query)."""
    pos = 0

    def parse_group(depth: int) -> Group:
        nonlocal pos
        group = Group()
        pending_or = False
        while pos < len(tokens):
            token = tokens[pos]
            pos += 1
            negated = token.negated
            node: Node | None
            if token.kind == "(":
                if depth >= MAX_NESTING:  # deeper brackets group nothing more: ignore them
                    continue
                node = parse_group(depth + 1)
            elif token.kind == ")":
                if depth > 0:
                    return group
                continue  # a stray ")" is ignored
            elif token.kind == "or":
                pending_or = bool(group.units)
                continue
            elif token.kind == "filter":
                continue
            elif token.kind == "phrase":
                node = _phrase(token.text, title_only=token.field == "title", kazakh=kazakh)
            else:
                node = _word(token, kazakh)
            if node is None or (isinstance(node, Group) and not node.units):
                continue
            if negated:
                group.excluded.append(node)
            elif pending_or and group.units:
                group.units[-1].append(node)
            else:
                group.units.append([node])
            pending_or = False
        return group

    return parse_group(0)


def _word(token: Token, kazakh: bool) -> Node | None:
    found = words(token.text.replace("*", " "))
    if not found:
        return None
    title_only = token.field == "title"
    if len(found) > 1:  # punctuation inside a piece (e.g. «Байконур»,) splits it into words
        return Phrase([w for w, _, _ in found], title_only=title_only,
                      kazakh=kazakh or has_kazakh_letters(token.text))
    text = found[0][0]
    prefix = token.prefix and len(text) >= MIN_PREFIX_CHARS
    return Word(text, exact=token.exact, prefix=prefix, title_only=title_only,
                kazakh=kazakh or has_kazakh_letters(text))


def _phrase(text: str, *, title_only: bool, kazakh: bool) -> Node | None:
    found = [w for w, _, _ in words(text)]
    if not found:
        return None
    kazakh = kazakh or has_kazakh_letters(text)
    if len(found) == 1 and len(word_parts(found[0])) == 1:
        return Word(found[0], title_only=title_only, kazakh=kazakh, quoted=True)
    # a quoted «ракеты-носителя» stays strict
    return Phrase(found, title_only=title_only, kazakh=kazakh)


def effective_units(group: Group) -> list[list[Node]]:
    """The units of a top-level query that count: function words and set phrases («в
    целом», «на самом деле») are dropped when there are other words (they would only add
    noise), a repeated word counts once, and very long queries are cut."""
    idiom = _in_function_phrases(group.units)
    units: list[list[Node]] = []
    content: list[list[Node]] = []
    for i, unit in enumerate(group.units):
        if unit not in units:
            units.append(unit)
        function = i in idiom or all(isinstance(n, Word) and n.is_stop for n in unit)
        if not function and unit not in content:
            content.append(unit)
    if content:
        units = content
    return units[:MAX_QUERY_WORDS]


def _in_function_phrases(units: list[list[Node]]) -> set[int]:
    """The positions of the units that form a set phrase of plain Russian words in a row
    (a rewrite's stand-ins beside a word do not count)."""
    typed = [_plain_text(u) for u in units]
    found: set[int] = set()
    for phrase in FUNCTION_PHRASES:
        n = len(phrase)
        for i in range(len(typed) - n + 1):
            if tuple(typed[i:i + n]) == phrase:
                found.update(range(i, i + n))
    return found


def _plain_text(unit: list[Node]) -> str | None:
    """A unit's word as typed, or None when it is not a plain Russian word (operators, quotes,
    a Kazakh word, alternatives typed with «или»)."""
    word, *others = unit
    if not isinstance(word, Word) or any(
        isinstance(node, Group) or not node.stand_in for node in others
    ):
        return None
    if word.kazakh or word.exact or word.prefix or word.quoted or word.title_only:
        return None
    return word.text
