"""The one Russian+English analyzer: used for indexing, for queries and for highlighting.

A pipe of one-job steps, as in Whoosh: ``WordTokenizer`` finds words in the original text
(offsets exact), ``CompoundFilter`` adds the parts of hyphenated words and codes, and one of
``LemmaFilter`` / ``ExactFilter`` / ``StemFilter`` turns each word into its index terms.

Two kinds of terms come out of one text:

- lemmas (``title``/``body`` fields): pymorphy3 normal forms for Russian, every reading of an
  ambiguous form at the same position; Snowball English stems for Latin words;
- exact forms (``exact`` field): the word as written, lowercased and ``ё``-folded.

Snowball stems of lemmas are used at query time to find derivations that a lemmatizer keeps
apart (``защита``/``защитный``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import pymorphy3
import Stemmer
from whoosh.analysis import Composable, Filter, Token, Tokenizer

# Invisible characters of web text: soft hyphen, zero-width space/joiners, word joiner, BOM,
# and combining marks (stress accents). Inside a word they neither split nor glue it.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u0300-\u036f"
_ALNUM = r"[^\W_]"
_SEGMENT = rf"{_ALNUM}(?:[{INVISIBLE}]*{_ALNUM})*"
# Hyphens join any segments (ракеты-носителя, МС-25); a dot or comma joins digits only
# (26.12.2016, Союз-2.1б), so "ОАЭ.Следующее" still splits into two words.
_JOINER = rf"(?:[-\u2010\u2011]|(?<=\d)[.,](?=[{INVISIBLE}]*\d))"
WORD_RE = re.compile(rf"{_SEGMENT}(?:{_JOINER}{_SEGMENT})*")
_PART_RE = re.compile(_SEGMENT)
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_FORMAT_CHARS_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_CYRILLIC_RE = re.compile(r"[а-яё]")
_LATIN_RE = re.compile(r"[a-z]")
_DIGIT_RE = re.compile(r"\d")

MAX_WORD_CHARS = 64  # longer "words" (hashes, base64) are kept whole but not analysed

# Function words: indexed (so phrases such as «на космодроме» match) but dropped from plain
# queries, where they would only add noise to the ranking.
STOP_WORDS = frozenset(
    """
    а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже
    для до его ее ей если есть еще же за здесь и из или им их к как какая какие каким какой
    каков когда кого ком кому кто ли либо между меня мне много может можно мой мы на над надо
    наш не него нее нет ни них но ну о об однако он она они оно от очень по под после при про
    раз с со так также такой там те тем то того тоже той только том тот ты у уже хотя чего чей
    чем что чтобы чье чья эта эти это этот я являться который сколько почему зачем откуда куда
    a an and are as at be been but by for from has have he her his how i if in into is it its
    of on or she that the their them there they this to was we were what when where which who
    whom why will with you
    """.split()
)


def fold(text: str) -> str:
    """Lowercase and fold ё to е: the normal spelling of every term."""
    return text.lower().replace("ё", "е")


def normalize_word(raw: str) -> str:
    """A word as written, with invisible characters removed, lowercased and ё-folded."""
    if _INVISIBLE_RE.search(raw):
        # Drop soft hyphens and zero-width characters, compose (и + breve = й), then drop the
        # combining marks that are left (stress accents).
        raw = unicodedata.normalize("NFC", _FORMAT_CHARS_RE.sub("", raw))
        raw = _INVISIBLE_RE.sub("", raw)
    return fold(raw)


class WordTokenizer(Tokenizer):
    """Yields words (hyphenated words and codes whole) with exact character offsets."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for text, start, end in words(value):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t
            pos += 1


class CompoundFilter(Filter):
    """After a hyphenated word or code, yields its parts: «ракеты-носителя» gives the whole
    word and «ракеты», «носителя»; «Союз-2.1б» gives «союз», «2», «1б».

    The whole word shares the position of its first part, the parts are consecutive, so the
    phrase «ракеты носителя» matches the hyphenated spelling too.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        shift = 0
        for t in tokens:
            if t.positions:
                t.pos += shift
            text = t.text
            if text.isalnum() or len(text) > MAX_WORD_CHARS:
                yield t
                continue
            parts = [(m.group(), m.start(), m.end()) for m in _PART_RE.finditer(text)]
            yield t
            # The text of a token was normalised, so map part offsets from the original only
            # when no invisible characters changed its length.
            startchar = getattr(t, "startchar", 0)
            same_length = t.chars and (t.endchar - startchar) == len(text)
            base_pos = t.pos if t.positions else 0
            for i, (part, start, end) in enumerate(parts):
                t.text = part
                if t.positions:
                    t.pos = base_pos + i
                if same_length:
                    t.startchar = startchar + start
                    t.endchar = startchar + end
                yield t
            shift += len(parts) - 1


# pymorphy3 dictionaries are loaded once per process; the analyzer object is not picklable,
# so it lives here and never in a filter that Whoosh pickles into the index schema.
_morph: pymorphy3.MorphAnalyzer | None = None


def morph() -> pymorphy3.MorphAnalyzer:
    global _morph
    if _morph is None:
        _morph = pymorphy3.MorphAnalyzer()
    return _morph


_en_stemmer = Stemmer.Stemmer("english")
_ru_stemmer = Stemmer.Stemmer("russian")


@lru_cache(maxsize=500_000)
def lemmas(word: str) -> tuple[str, ...]:
    """Index terms for one normalised word: its distinct normal forms, most likely first.

    Latin words get their English stem; numbers and codes stay as they are. Words pymorphy3
    only guesses at (unknown names such as «Байконыр») keep the word itself too, so that
    index and query agree even when the guess is wrong. Plural-only nouns also give their
    singular-looking stem (переговоры → переговор) so «переговор» meets «переговорах».
    """
    if len(word) > MAX_WORD_CHARS or _DIGIT_RE.search(word) or not _CYRILLIC_RE.search(word):
        if _LATIN_RE.search(word) and not _DIGIT_RE.search(word) and word.isalpha():
            return (_en_stemmer.stemWord(word),)
        return (word,)
    parses = morph().parse(word)
    known = [p for p in parses if _is_dictionary_parse(p)]
    forms: list[str] = []
    for p in known or parses:
        normal = fold(p.normal_form)
        if normal not in forms:
            forms.append(normal)
        tag = p.tag
        if "Pltm" in tag and tag.POS == "NOUN" and normal[-1:] in ("ы", "и") and len(normal) > 3:
            singular = normal[:-1]
            if singular not in forms:
                forms.append(singular)
    if not known and word not in forms:
        forms.append(word)
    return tuple(forms)


def _is_dictionary_parse(parse: pymorphy3.analyzer.Parse) -> bool:
    method = type(parse.methods_stack[0][0]).__name__
    return method in ("DictionaryAnalyzer", "HyphenSeparatedParticleAnalyzer") or (
        method == "HyphenatedWordsAnalyzer"
    )


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """Snowball stem of one normalised word or lemma (Russian or English)."""
    if len(word) > MAX_WORD_CHARS or _DIGIT_RE.search(word):
        return word
    if _CYRILLIC_RE.search(word):
        return _ru_stemmer.stemWord(word)
    return _en_stemmer.stemWord(word)


class LemmaFilter(Filter):
    """Replaces each word by its lemmas, all at the word's position."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            forms = lemmas(t.text)
            if len(forms) == 1:
                t.text = forms[0]
                yield t
                continue
            for form in forms:
                t.text = form
                yield t


def lemma_analyzer() -> Composable:
    """Analyzer of the ``title`` and ``body`` fields."""
    return WordTokenizer() | CompoundFilter() | LemmaFilter()


class DropStopWordsFilter(Filter):
    """Drops function words: an exact-form search for «на» is no better than a lemma one,
    and leaving them out of the ``exact`` field saves a third of its postings."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if t.text not in STOP_WORDS:
                yield t


def exact_analyzer() -> Composable:
    """Analyzer of the ``exact`` field: the word forms as written."""
    return WordTokenizer() | DropStopWordsFilter() | CompoundFilter()


def words(text: str) -> list[tuple[str, int, int]]:
    """Normalised words of a text with their character spans, hyphenated words whole.

    A document's text is analysed for several fields and its duplicate sketch: the last few
    results are kept."""
    found = _recent_words.get(text)
    if found is None:
        if len(_recent_words) >= 8:
            _recent_words.clear()
        found = _recent_words[text] = _split_words(text)
    return found


_recent_words: dict[str, list[tuple[str, int, int]]] = {}


def _split_words(text: str) -> list[tuple[str, int, int]]:
    spans = [m.span() for m in WORD_RE.finditer(text)]
    folded = fold(text)
    if len(folded) == len(text) and not _INVISIBLE_RE.search(text):
        # the common case: fold the whole text once and slice it
        return [(folded[start:end], start, end) for start, end in spans]
    return [(normalize_word(text[start:end]), start, end) for start, end in spans]


def word_parts(word: str) -> list[str]:
    """The parts of a hyphenated word or code (the word itself when it has none)."""
    return _PART_RE.findall(word) or [word]
