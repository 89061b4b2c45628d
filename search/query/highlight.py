"""Highlighting: marks the words of a text that match a query, and picks snippets.

A word matches when it shares a lemma, its exact form or its Snowball stem with a query word
(the same analysis as the index), so «Байтерека» lights up «Байтерек». The words of a phrase
(quoted, or an abbreviation's expansion) are marked only where the phrase stands, as the index
matches it. Everything but our own ``<mark>`` tags is HTML-escaped.

Snippets must be fast on long documents: instead of analysing every word, only the words that
start like a query term (their first four letters) are analysed. They are found by looking for
each of those starts with ``str.find``, a loop in C that skips the text between them, and
keeping the places where a word begins.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from functools import lru_cache
from html import escape

from ..analysis import (
    FORMAT_CHARS,
    FORMAT_CHARS_RE,
    HYPHENS,
    INVISIBLE,
    KAZAKH_LETTERS,
    PLAIN_WORD_RE,
    SERVER_LEMMA_CACHE,
    WORD_RE,
    fold,
    has_kazakh_letters,
    inflections,
    lemmas,
    normalize_word,
    stem,
    terms,
    to_russian_spelling,
    word_parts,
)
from ..caching import register
from .params import DEFAULT_PARAMS
from .parse import Group, Node, Phrase, effective_units

__all__ = ["Highlighter", "highlighter_for"]

FRAGMENTS = 3
FRAGMENT_CHARS = 200
SNIPPET_SCAN_CHARS = 12_000  # long articles: look for fragments in their first part
_LOOKAHEAD = 4  # characters of a term that a candidate word must start with
_SENTENCE_END = re.compile(r"[.!?…]\s+|\n")
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_KAZAKH_CASES = "".join(sorted(KAZAKH_LETTERS))
# what takes a text off the plain path: one scan tells most texts they have neither
_INVISIBLE_OR_KAZAKH_RE = re.compile(f"[{INVISIBLE}{_KAZAKH_CASES}{_KAZAKH_CASES.upper()}]")
# a format character by a joiner of WORD_RE (hyphen, decimal point or comma)
_BY_JOINER_RE = re.compile(f"[{HYPHENS}.,][{FORMAT_CHARS}]|[{FORMAT_CHARS}][{HYPHENS}.,]")
_SPACES = re.compile(r"\s+")
_BOUNDARY = re.compile(r"\b")


class Highlighter:
    def __init__(self, reading_share: float = DEFAULT_PARAMS.reading_share) -> None:
        self._reading_share = reading_share  # a word's readings less likely are not marked
        self._lemmas: set[str] = set()
        self._exact: set[str] = set()
        self._stems: set[str] = set()
        self._prefixes: list[str] = []
        self._starts: set[str] = set()
        self._verdicts: dict[str, bool] = {}
        self._scan: list[str] | None = None  # the starts to look for (see _scan_starts)
        self._kazakh = False  # a Kazakh query word: text words are read as Kazakh too
        self._phrases: list[list[Highlighter]] = []  # a matcher for each part of a phrase

    # What to look for --------------------------------------------------------------------

    def add_word(self, word: str, kazakh: bool = False) -> None:
        """Any form of this word (lemmas, exact form, stem; Kazakh stems, and a Kazakh name
        spelled the Russian way) is marked."""
        forms = terms(word, kazakh, self._reading_share)
        if kazakh:
            self._kazakh = True
            if has_kazakh_letters(word):  # «Байқоңыр» marks «Байконура» too
                forms += tuple(f for s in forms for f in lemmas(to_russian_spelling(s)))
        self._lemmas.update(forms)
        self._exact.add(word)
        self._stems.add(stem(word))
        self._starts.update(k[:_LOOKAHEAD] for k in (*forms, word, stem(word)))
        # the forms of its likeliest lemma that start otherwise: «дня» for «день», «людей» for
        # «человек» (not those of «деть», which «день» may also be read as: «дела»)
        self._starts.update(f[:_LOOKAHEAD] for f in inflections(lemmas(word)[0]))
        self._reset()

    def add_phrase(self, words: list[str], kazakh: bool = False) -> None:
        """The words of a phrase are marked where they stand together in this order (with
        anything but words between them, as the index matches a phrase), never alone: for
        «НАСА», «Национальное управление по аэронавтике…» marks no lone «по» or «и»."""
        parts = []
        for part in (p for w in words for p in word_parts(w)):
            matcher = Highlighter(self._reading_share)
            matcher.add_word(part, kazakh)
            parts.append(matcher)
        if parts:
            self._phrases.append(parts)

    def add_exact(self, word: str) -> None:
        """Only this very word form is marked."""
        self._exact.add(word)
        self._starts.add(word[:_LOOKAHEAD])
        self._reset()

    def add_prefix(self, prefix: str) -> None:
        self._prefixes.append(prefix)
        self._starts.add(prefix[:_LOOKAHEAD])
        self._reset()

    def _reset(self) -> None:
        self._verdicts.clear()
        self._scan = None

    def matches(self, word: str) -> bool:
        """Whether a normalised word of a text matches the query."""
        verdict = self._verdicts.get(word)
        if verdict is None:
            verdict = self._match(word) or any(
                self._match(part) for part in word_parts(word) if part != word
            )
            self._verdicts[word] = verdict
        return verdict

    def _match(self, word: str) -> bool:
        if word in self._exact or any(word.startswith(p) for p in self._prefixes):
            return True
        if not (self._lemmas or self._stems):
            return False
        forms, stems = _readings(word)
        return (
            not self._lemmas.isdisjoint(forms)
            or not self._stems.isdisjoint(stems)
            or (bool(self._lemmas) and self._matches_kazakh(word))
        )

    def _matches_kazakh(self, word: str) -> bool:
        """A word of Kazakh text: by its stems, or by its Russian spelling («Байқоңырда» for
        «Байконур»)."""
        kazakh_letters = has_kazakh_letters(word)
        if not (kazakh_letters or self._kazakh):
            return False
        found = terms(word, True)
        if not self._lemmas.isdisjoint(found):
            return True
        return kazakh_letters and any(to_russian_spelling(s) in self._lemmas for s in found)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the matching words of `text`, in order."""
        if not (self._starts or self._phrases):
            return []
        plain = _INVISIBLE_OR_KAZAKH_RE.search(text) is None
        if not plain and _INVISIBLE_RE.search(text):
            visible, cuts = _without_format_chars(text)
            if _INVISIBLE_RE.search(visible) or _BY_JOINER_RE.search(text):
                # combining marks, or a format character that keeps a hyphen or a decimal
                # point from joining (rare): read every word, and analyse those that start
                # like a query term, as elsewhere
                every = _WordList(
                    [(m.span(), normalize_word(m.group())) for m in WORD_RE.finditer(text)])
                return self._with_phrases(text, every.matching(self), every)
            # soft hyphens and zero-width characters: the words of the text without them
            return [(_origin(s, cuts), _origin(e - 1, cuts) + 1) for s, e in self.spans(visible)]
        found = []
        if self._starts:
            starts = self._candidate_starts(text)
            if self._lemmas and not plain and has_kazakh_letters(text):
                starts = _with_kazakh_words(text, starts)
            for start in starts:
                m = PLAIN_WORD_RE.match(text, start)
                # fold() is normalize_word() for a word without invisible characters
                if m is not None and self.matches(fold(m.group())):
                    found.append(m.span())
        return self._with_phrases(text, found, _WordsAfter(text))

    def _with_phrases(self, text: str, found: list[tuple[int, int]],
                      words: _WordList | _WordsAfter) -> list[tuple[int, int]]:
        """`found` and the words of the phrases where they occur, in order."""
        if not self._phrases:
            return found
        marked = set(found)
        for phrase in self._phrases:
            first = phrase[0]
            for span in words.matching(first):
                parts = word_parts(words.word(span))
                for j, part in enumerate(parts):
                    if first.matches(part):
                        spans = _rest_of_phrase(phrase, span, parts, j + 1, words)
                        if spans:
                            marked.update(spans)
                            break
        return sorted(marked)

    def _scan_starts(self) -> list[str]:
        """The starts to look for in a text: ё written е (texts are looked at so), and none
        that a shorter one begins («люб» finds the words «люба» and «любо» start)."""
        if self._scan is None:
            starts = sorted({s.replace("ё", "е") for s in self._starts if s})
            self._scan = [s for i, s in enumerate(starts)
                          if not any(s.startswith(shorter) for shorter in starts[:i])]
        return self._scan

    def _may_match(self, word: str) -> bool:
        """Whether a normalised word (or a part of it) starts like a query term, or may match
        by its Kazakh spelling: the only words worth analysing."""
        return (bool(_word_starts(word.replace("ё", "е"), self._scan_starts()))
                or (bool(self._lemmas) and has_kazakh_letters(word)))

    def _candidate_starts(self, text: str) -> list[int]:
        lowered = text.lower()
        if len(lowered) != len(text):  # a few letters lowercase to two: keep offsets exact
            lowered = "".join(c.lower()[:1] or c for c in text)
        return _word_starts(lowered.replace("ё", "е"), self._scan_starts())

    # Output ------------------------------------------------------------------------------

    def mark(self, text: str) -> str:
        """The whole text as safe HTML with matches in <mark>."""
        return _render(text, self.spans(text), 0, len(text))

    def snippet(self, text: str, fragments: int = FRAGMENTS, size: int = FRAGMENT_CHARS) -> str:
        """Up to `fragments` pieces of about `size` characters around the matches, cut at
        word boundaries, preferring sentence starts, joined by « … ». Fragments come from
        the first SNIPPET_SCAN_CHARS characters when the words are found there (a release
        says what matters first), else from anywhere."""
        return self._snippet(text, fragments, size, _render, escape)

    def plain_snippet(self, text: str, fragments: int = FRAGMENTS,
                      size: int = FRAGMENT_CHARS) -> str:
        """The fragments :meth:`snippet` picks, as plain text on one line: no marks, nothing
        escaped."""
        return _SPACES.sub(" ", self._snippet(text, fragments, size, _plain, str))

    def _snippet(self, text: str, fragments: int, size: int,
                 render: Callable[[str, list[tuple[int, int]], int, int], str],
                 quote: Callable[[str], str]) -> str:
        found = self.spans(text[:SNIPPET_SCAN_CHARS])
        if not found and len(text) > SNIPPET_SCAN_CHARS:
            found = self.spans(text)
        if not found:
            end = _word_end(text, min(len(text), size))
            return quote(text[:end].strip()) + (" …" if end < len(text) else "")
        starts = [s for s, _ in found]
        ends = [e for _, e in found]
        words = [normalize_word(text[s:e]) for s, e in found]
        windows = []
        for start in starts:
            w_start = _fragment_start(text, start, size)
            w_end = _word_end(text, min(len(text), w_start + size))
            # the matches inside the window: spans are sorted and do not overlap
            lo, hi = bisect_left(starts, w_start), bisect_right(ends, w_end)
            windows.append((len(set(words[lo:hi])), hi - lo, -w_start, w_start, w_end))
        windows.sort(reverse=True)
        chosen: list[tuple[int, int]] = []
        for *_, w_start, w_end in windows:
            if all(w_end <= s or w_start >= e for s, e in chosen):
                chosen.append((w_start, w_end))
                if len(chosen) == fragments:
                    break
        chosen.sort()
        pieces = [_SPACES.sub(" ", render(text, found, s, e)).strip() for s, e in chosen]
        lead = "… " if chosen[0][0] > 0 else ""
        tail = " …" if chosen[-1][1] < len(text.rstrip()) else ""
        return lead + " … ".join(pieces) + tail


class _WordsAfter:
    """The words of a text without invisible characters, read on from a position."""

    def __init__(self, text: str) -> None:
        self.text = text

    def matching(self, matcher: Highlighter) -> list[tuple[int, int]]:
        """The spans of the words that `matcher` marks."""
        return matcher.spans(self.text)

    def word(self, span: tuple[int, int]) -> str:
        return fold(self.text[span[0]:span[1]])

    def next(self, end: int) -> tuple[tuple[int, int], str] | None:
        m = PLAIN_WORD_RE.search(self.text, end)
        return None if m is None else (m.span(), fold(m.group()))


class _WordList:
    """Every word of a text, normalised, in order."""

    def __init__(self, every: list[tuple[tuple[int, int], str]]) -> None:
        self.every = every
        self._starts = [span[0] for span, _ in every]

    def matching(self, matcher: Highlighter) -> list[tuple[int, int]]:
        """The spans of the words that `matcher` marks: those that start like one of its
        terms (or may match by a Kazakh spelling) analysed, as on the fast path."""
        if not matcher._starts:
            return []
        return [span for span, word in self.every
                if matcher._may_match(word) and matcher.matches(word)]

    def word(self, span: tuple[int, int]) -> str:
        return self.every[bisect_left(self._starts, span[0])][1]

    def next(self, end: int) -> tuple[tuple[int, int], str] | None:
        i = bisect_left(self._starts, end)
        return self.every[i] if i < len(self.every) else None


def _rest_of_phrase(phrase: list[Highlighter], span: tuple[int, int], parts: list[str],
                    j: int, words: _WordList | _WordsAfter) -> list[tuple[int, int]]:
    """The spans of the words holding a phrase whose first part matched part j - 1 of the
    word at `span` (a hyphenated word holds several parts: «ракета-носитель» is two), or
    nothing when the words that follow do not match the phrase's other parts in turn."""
    spans = [span]
    for matcher in phrase[1:]:
        if j == len(parts):
            after = words.next(span[1])
            if after is None:
                return []
            span, word = after
            parts, j = word_parts(word), 0
            spans.append(span)
        if not matcher.matches(parts[j]):
            return []
        j += 1
    return spans


@lru_cache(maxsize=SERVER_LEMMA_CACHE)  # as many words as a server keeps the lemmas of
def _readings(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A text word's lemmas and their Snowball stems: what the query's words are matched
    against (the same words come back in every snippet). Tuples, not sets: a word has one
    to three readings, and a set takes 750 bytes a word, a tuple 125."""
    forms = lemmas(word)
    return forms, tuple(dict.fromkeys(stem(form) for form in forms))


register("text word readings", _readings)


def _with_kazakh_words(text: str, starts: list[int]) -> list[int]:
    """Where to read words in a text with Kazakh letters: at the start of every word holding
    one (it may match by another spelling: «Байқоңырда» for «Байконур»), and at the other
    candidate `starts` that fall outside those words."""
    kazakh = [m.span() for m in PLAIN_WORD_RE.finditer(text) if has_kazakh_letters(m.group())]
    kazakh_starts = [start for start, _ in kazakh]
    outside = []
    for start in starts:
        i = bisect_right(kazakh_starts, start) - 1
        if i < 0 or start >= kazakh[i][1]:
            outside.append(start)
    return sorted(kazakh_starts + outside)


def _word_starts(text: str, starts: list[str]) -> list[int]:
    """Where a word (or a part of a hyphenated one) of a lowercase `text` begins with one of
    `starts` (lowercase; a start that opens with a non-word character may begin anywhere), in
    order; with no starts, every word boundary."""
    if not starts:
        return [m.start() for m in _BOUNDARY.finditer(text)]
    found = set()
    for start in starts:
        anywhere = not _is_word_char(start[0])
        i = text.find(start)
        while i != -1:
            if anywhere or i == 0 or not _is_word_char(text[i - 1]):
                found.add(i)
            i = text.find(start, i + 1)
    return sorted(found)


def _is_word_char(c: str) -> bool:
    """What ``\\w`` matches."""
    return c.isalnum() or c == "_"


def _without_format_chars(text: str) -> tuple[str, list[int]]:
    """The text without its format characters, and where they were cut out: for the k-th
    of them, its index in the text less k (the index in the new text of what followed it)."""
    cuts = [m.start() - k for k, m in enumerate(FORMAT_CHARS_RE.finditer(text))]
    return FORMAT_CHARS_RE.sub("", text), cuts


def _origin(index: int, cuts: list[int]) -> int:
    """Where the character at `index` of the text without format characters is in the
    text."""
    return index + bisect_right(cuts, index)


def _fragment_start(text: str, match_start: int, size: int) -> int:
    """Start a fragment at the sentence holding the match when that is close enough,
    otherwise at a word boundary a little before the match."""
    floor = max(0, match_start - size // 2)
    best = None
    for m in _SENTENCE_END.finditer(text, floor, match_start):
        best = m.end()
    if best is not None:
        return best
    if floor == 0:
        return 0
    space = text.find(" ", floor, match_start)
    return space + 1 if space != -1 else match_start


def _word_end(text: str, end: int) -> int:
    """Move `end` back to just after a whole word."""
    if end >= len(text) or not (text[end].isalnum() and text[end - 1].isalnum()):
        return end
    space = text.rfind(" ", 0, end)
    return space if space > 0 else end


def _render(text: str, found: list[tuple[int, int]], start: int, end: int) -> str:
    out = []
    pos = start
    for s, e in found:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[pos:s]))
        out.append("<mark>" + escape(text[s:e]) + "</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


def _plain(text: str, _found: list[tuple[int, int]], start: int, end: int) -> str:
    return text[start:end]


def highlighter_for(group: Group, reading_share: float = DEFAULT_PARAMS.reading_share
                    ) -> Highlighter:
    """What to mark in titles, snippets and documents for a parsed query (leaving out the
    words' readings less likely than `reading_share`, as the query does)."""
    highlighter = Highlighter(reading_share)

    def collect(node: Node) -> None:
        if isinstance(node, Group):
            for unit in node.units:
                for child in unit:
                    collect(child)
        elif isinstance(node, Phrase):
            highlighter.add_phrase(node.words, node.kazakh)
        elif node.prefix:
            highlighter.add_prefix(node.text)
        elif node.exact:
            highlighter.add_exact(node.text)
        else:
            highlighter.add_word(node.text, node.kazakh)

    for unit in effective_units(group):
        for node in unit:
            collect(node)
    return highlighter
