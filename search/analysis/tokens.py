"""Words: where they are in a text and how they are written.

One tokenizer serves indexing, queries and highlighting: hyphenated words and codes are found
whole (``ракеты-носителя``, ``Союз-2.1б``, ``26.12.2016``), invisible characters of web text
neither split nor glue a word, and offsets are exact, so highlighting slices the original.
"""

from __future__ import annotations

import re
import unicodedata

from ..caching import LockedLRU, register

__all__ = [
    "FORMAT_CHARS", "FORMAT_CHARS_RE", "HYPHENS", "INVISIBLE", "MAX_WORD_CHARS", "PART_RE",
    "PLAIN_WORD_RE", "WORD_RE", "fold", "normalize_word", "word_parts", "words",
]

# Invisible characters of web text: soft hyphen, zero-width space/joiners, word joiner, BOM,
# and combining marks (stress accents). Inside a word they neither split nor glue it.
FORMAT_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
INVISIBLE = FORMAT_CHARS + "\u0300-\u036f"
_ALNUM = r"[^\W_]"
_SEGMENT = rf"{_ALNUM}(?:[{INVISIBLE}]*{_ALNUM})*"
# Hyphens join any segments (ракеты-носителя, МС-25); a dot or comma joins digits only
# (26.12.2016, Союз-2.1б), so "ОАЭ.Следующее" still splits into two words.
HYPHENS = "-\u2010\u2011"  # hyphen-minus, hyphen, non-breaking hyphen
_JOINER = rf"(?:[{HYPHENS}]|(?<=\d)[.,](?=[{INVISIBLE}]*\d))"
WORD_RE = re.compile(rf"{_SEGMENT}(?:{_JOINER}{_SEGMENT})*")
# WORD_RE for a text without INVISIBLE characters (the usual case: check first): the same
# words, matched much faster, as its segments are then plain runs of letters and digits.
PLAIN_WORD_RE = re.compile(rf"{_ALNUM}+(?:(?:[{HYPHENS}]|(?<=\d)[.,](?=\d)){_ALNUM}+)*")
PART_RE = re.compile(_SEGMENT)  # one part of a hyphenated word or code
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
FORMAT_CHARS_RE = re.compile(f"[{FORMAT_CHARS}]")
_CYRILLIC_RE = re.compile(r"[а-яё]")
_LATIN_RE = re.compile(r"[a-z]")
_DIGIT_RE = re.compile(r"\d")

MAX_WORD_CHARS = 64  # longer "words" (hashes, base64) are kept whole but not analysed


def fold(text: str) -> str:
    """Lowercase and fold ё to е: the normal spelling of every term."""
    return text.lower().replace("ё", "е")


def normalize_word(raw: str) -> str:
    """A word as written, with invisible characters removed, lowercased and ё-folded."""
    if _INVISIBLE_RE.search(raw):
        # Drop soft hyphens and zero-width characters, compose (и + breve = й), then drop the
        # combining marks that are left (stress accents).
        raw = unicodedata.normalize("NFC", FORMAT_CHARS_RE.sub("", raw))
        raw = _INVISIBLE_RE.sub("", raw)
    return fold(raw)


def words(text: str) -> list[tuple[str, int, int]]:
    """Normalised words of a text with their character spans, hyphenated words whole.

    A document's text is analysed for several fields and its duplicate sketch: the last few
    results are kept (under a lock: a server's threads split queries here too)."""
    found: list[tuple[str, int, int]] | None = _recent_words.get(text)
    if found is None:
        found = _split_words(text)
        _recent_words.put(text, found)
    return found


# The title and body of the document being indexed are split once for all the fields that
# read them (title, body, exact forms, the duplicate sketch); see search/caching.py.
_recent_words: LockedLRU = register(
    "recent texts' words", LockedLRU(maxsize=8)
)


def _split_words(text: str) -> list[tuple[str, int, int]]:
    spans = [m.span() for m in WORD_RE.finditer(text)]
    folded = fold(text)
    if len(folded) == len(text) and not _INVISIBLE_RE.search(text):
        # the common case: fold the whole text once and slice it
        return [(folded[start:end], start, end) for start, end in spans]
    return [(normalize_word(text[start:end]), start, end) for start, end in spans]


def word_parts(word: str) -> list[str]:
    """The parts of a hyphenated word or code (the word itself when it has none)."""
    return PART_RE.findall(word) or [word]
