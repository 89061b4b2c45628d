"""The analyzers Whoosh pickles into the index schema, as a pipe of one-job steps:
``WordTokenizer`` finds words in the original text (offsets exact), ``CompoundFilter`` adds the
parts of hyphenated words and codes, and ``LemmaFilter`` turns each word into its index terms.

Two kinds of terms come out of one text:

- lemmas (``title``/``body`` fields): pymorphy3 normal forms for Russian, every reading of an
  ambiguous form at the same position; Snowball English stems for Latin words;
- exact forms (``exact`` field): the word as written, lowercased and ``ё``-folded.

Whoosh stores these classes by their import path: moving or renaming one means raising
``FORMAT_VERSION`` (search/index/generations.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Composable, CompositeAnalyzer, Filter, Token, Tokenizer

from .kazakh import has_kazakh_letters, to_russian_spelling
from .language import kazakh_spans
from .morphology import STOP_WORDS, index_terms, terms
from .tokens import MAX_WORD_CHARS, PART_RE, words

__all__ = [
    "CompoundFilter", "DropStopWordsFilter", "FoldFilter", "LemmaFilter", "WordTokenizer",
    "exact_analyzer", "exact_forms", "folded_analyzer", "is_lemma_analyzer", "lemma_analyzer",
    "lemma_positions",
]

class WordTokenizer(Tokenizer):
    """Yields words (hyphenated words and codes whole) with exact character offsets, each
    marked ``kazakh`` when it stands in a Kazakh sentence (search/analysis/language.py)."""

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
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        spans = kazakh_spans(value)
        starts = [start for start, _ in spans]
        for text, start, end in words(value):
            i = bisect_right(starts, start) - 1
            t.kazakh = i >= 0 and start < spans[i][1]
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
            parts = [(m.group(), m.start(), m.end()) for m in PART_RE.finditer(text)]
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


class LemmaFilter(Filter):
    """Replaces each word by its index terms (Russian lemmas, English stems, Kazakh stems in
    Kazakh sentences), all at the word's position."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            forms = terms(t.text, getattr(t, "kazakh", False))
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


def is_lemma_analyzer(analyzer: Any) -> bool:
    """Whether `analyzer` is :func:`lemma_analyzer`'s pipe (as unpickled from an index)."""
    return isinstance(analyzer, CompositeAnalyzer) and [type(a) for a in analyzer.items] == [
        WordTokenizer, CompoundFilter, LemmaFilter
    ]


def lemma_positions(text: str) -> dict[str, list[int]]:
    """The terms :func:`lemma_analyzer` finds in `text`, each with its positions: what
    indexing needs, without a token object passed through three generators for every word,
    and with the readings of a word unranked (:func:`index_terms`). tests/test_analysis.py
    checks the two agree."""
    found: dict[str, list[int]] = {}
    spans = kazakh_spans(text)
    starts = [start for start, _ in spans]
    pos = 0
    for word, start, _end in words(text):
        i = bisect_right(starts, start) - 1
        kazakh = i >= 0 and start < spans[i][1]
        for form in index_terms(word, kazakh):
            found.setdefault(form, []).append(pos)
        if word.isalnum() or len(word) > MAX_WORD_CHARS:
            pos += 1
            continue
        parts = PART_RE.findall(word)  # as CompoundFilter: the parts follow the whole word
        for n, part in enumerate(parts):
            for form in index_terms(part, kazakh):
                found.setdefault(form, []).append(pos + n)
        pos += len(parts)
    return found


def exact_forms(text: str) -> set[str]:
    """The terms :func:`exact_analyzer` finds in `text`, without its token objects (as
    :func:`lemma_positions` for the lemmas): the forms as written but function words, and
    the parts of hyphenated words and codes. tests/test_analysis.py checks the two agree."""
    found = set()
    for word, _start, _end in words(text):
        if word in STOP_WORDS:
            continue
        found.add(word)
        if not (word.isalnum() or len(word) > MAX_WORD_CHARS):
            found.update(PART_RE.findall(word))  # as CompoundFilter
    return found


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


class FoldFilter(Filter):
    """Keeps only words with Kazakh letters, as Russian spells their stems: «Байқоңырда» →
    «байконур», «Бәйтерегі» → «байтерек», so that the Russian spelling of a name finds the
    Kazakh one. (A field of their own: folding also merges Kazakh words — «көл» 'lake' and
    «қол» 'hand' are both «кол» — so these terms only ever count as a weaker alternative.)"""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not has_kazakh_letters(t.text):
                continue
            for form in dict.fromkeys(to_russian_spelling(s) for s in terms(t.text, True)):
                t.text = form
                yield t


def folded_analyzer() -> Composable:
    """Analyzer of the ``folded`` field: Kazakh words as Russian spells them."""
    return WordTokenizer() | CompoundFilter() | FoldFilter()
