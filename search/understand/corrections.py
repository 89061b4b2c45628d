"""Corrections of what was typed, judged against the index's own vocabulary: a word typed in
the wrong keyboard layout (``rjcvjlhjv`` → «космодром»), in Latin letters when only the
Cyrillic spelling is indexed (``Rogozin`` → «Рогозин»), or misspelled (``космадром``).

Layout and script corrections are sure: the engine searches the corrected text. Spelling
corrections are guesses: applied when the query as typed finds nothing, offered as a link when
it finds only documents lacking that word (search/engine.py decides). A word that the index
holds, a word of the Russian dictionary and a word the synonym dictionary knows are never
corrected; operators, exact forms and prefixes are taken as typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from ..analysis import STOP_WORDS, WORD_RE, has_kazakh_letters, lemmas, morph, normalize_word
from ..index import Snapshot
from ..query import MAX_QUERY_WORDS, Token, tokenize
from .layout import layout_twins, script_of
from .spelling import Suggestion, suggest
from .synonyms import Synonyms
from .tables import Understanding

__all__ = ["KINDS", "Correction", "Edit", "Plan", "all_words_count", "plan_corrections"]

# A word typed in the wrong layout: switched when the word as typed is in no document, or
# in at most FAR_LESS_MAX documents while its twin is in FAR_LESS_RATIO times as many.
FAR_LESS_MAX = 2
FAR_LESS_RATIO = 50
SHORT_PIECE = 3  # «yf» (на), «NFL»: switched only along with a longer word of the query

KINDS = ("layout", "translit", "spelling")


@dataclass
class Correction:
    """What a correction did, as the API reports it."""

    original: str
    corrected: str
    kind: str  # "layout" | "translit" | "spelling"
    applied: bool

    def to_dict(self) -> dict[str, str | bool]:
        return {
            "original": self.original,
            "corrected": self.corrected,
            "kind": self.kind,
            "applied": self.applied,
        }


@dataclass
class Edit:
    start: int
    end: int
    text: str
    kind: str


@dataclass
class Plan:
    """Corrections found for a query: sure ones (layout, script) and guesses (spelling)."""

    original: str
    sure: list[Edit] = field(default_factory=list)
    guesses: list[Edit] = field(default_factory=list)

    def text(self, edits: list[Edit]) -> str:
        out, pos = [], 0
        for e in sorted(edits, key=lambda e: e.start):
            out.append(self.original[pos : e.start])
            out.append(e.text)
            pos = e.end
        out.append(self.original[pos:])
        return "".join(out)

    def kind(self, edits: list[Edit]) -> str:
        return min((e.kind for e in edits), key=KINDS.index)


def plan_corrections(
    q: str, snapshot: Snapshot, u: Understanding, synonyms: Synonyms | None = None
) -> Plan:
    """Find what to correct in the typed text (nothing, most of the time)."""
    tokens = tokenize(q)
    plan = Plan(q)
    layout = _layout_edits(tokens, q, snapshot, u)
    plan.sure.extend(layout)
    taken = [(e.start, e.end) for e in layout]
    guessed: dict[str, Suggestion | None] = {}
    for n, (start, end) in enumerate(_words(tokens, q)):
        if n >= MAX_QUERY_WORDS:
            break  # the engine ignores the words beyond these too
        if any(s <= start < e for s, e in taken):
            continue
        typed = q[start:end]
        word = normalize_word(typed)
        if u.frequency(word, snapshot):
            continue  # a word of the index is never corrected
        if synonyms is not None and synonyms.match_at([word], 0) is not None:
            continue  # found through its synonyms
        forms = u.translit(word, lambda w: snapshot.has_term("body", w))
        if forms:
            plan.sure.append(Edit(start, end, _recase(forms[0], typed), "translit"))
            continue
        if script_of(word) == "ru" and morph().word_is_known(word):
            continue  # a word of the language («насколько») is meant, even if no document has it
        if has_kazakh_letters(word):
            continue  # Kazakh: the spelling index knows Russian and Latin words only
        if word not in guessed:  # a word typed twice is looked up once
            guessed[word] = suggest(word, u.vocab, u.skeletons)
        guess = guessed[word]
        if guess is not None:
            plan.guesses.append(Edit(start, end, _recase(guess.word, typed), "spelling"))
    return plan


def _words(tokens: list[Token], q: str) -> Iterator[tuple[int, int]]:
    """Spans of the words that corrections may touch: those of plain words (in the title too)
    and of phrases, not of exact forms, prefixes, exclusions or filters."""
    for t in tokens:
        if t.negated or not (t.kind == "phrase" or (t.kind == "word" and not (
            t.exact or t.prefix
        ))):
            continue
        for m in WORD_RE.finditer(t.text):
            yield t.text_start + m.start(), t.text_start + m.end()


def _pieces(tokens: list[Token]) -> Iterator[tuple[int, str]]:
    """(start, text) of what was typed as one piece: a word without its operators, or a
    phrase's space-separated parts (a layout slip spans whole pieces, punctuation keys
    included: ``,fqrjyeh`` is «байконур»)."""
    for t in tokens:
        if t.kind == "word":
            pieces = [(t.text_start, t.text)]
        elif t.kind == "phrase":
            pieces = []
            offset = 0
            for part in t.text.split():
                offset = t.text.index(part, offset)
                pieces.append((t.text_start + offset, part))
                offset += len(part)
        else:
            continue
        for start, text in pieces:
            core = text.strip("«»")
            if core:
                yield start + text.index(core), core


def _recase(word: str, typed: str) -> str:
    """The correction written the way the word was typed: Байконур, МКС, байконур."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _layout_edits(tokens: list[Token], q: str, snapshot: Snapshot, u: Understanding
                  ) -> list[Edit]:
    """Pieces typed in the wrong layout, switched word by word."""
    candidates: list[tuple[Edit, bool]] = []  # (edit, short or all-caps)
    content = 0
    for start, core in _pieces(tokens):
        typed = [normalize_word(w.group()) for w in WORD_RE.finditer(core)]
        if not typed or all(w in STOP_WORDS for w in typed):
            continue
        content += 1
        typed_n = min(_held(w, snapshot, u) for w in typed)
        if typed_n > FAR_LESS_MAX:
            continue  # a piece the index holds is no slip, whatever its twin (not looked up)
        twin, twin_n = _best_twin(core, len(typed), snapshot, u)
        if twin is None or twin_n == 0 or (typed_n and twin_n < FAR_LESS_RATIO * typed_n):
            continue
        letters = sum(c.isalpha() for c in core)
        caps = core.isupper() and letters > 1 and script_of(core) == "en"
        weak = letters <= SHORT_PIECE or caps
        candidates.append((Edit(start, start + len(core), twin, "layout"), weak))
    sure = [e for e, weak in candidates if not weak]
    if sure or (candidates and len(candidates) == content):
        return [e for e, _ in candidates]
    return []


def _held(word: str, snapshot: Snapshot, u: Understanding) -> int:
    """Documents holding a word of a piece that may be a layout slip: a word with digits is
    no code here (the Kazakh layout has letters on the digit row: «,fq0j4sh»)."""
    return u.frequency(word, snapshot) if word.isalpha() else u.vocab.count(word)


def _best_twin(core: str, typed_words: int, snapshot: Snapshot, u: Understanding
               ) -> tuple[str | None, int]:
    """The piece on another keyboard layout that the index holds most (with its frequency)."""
    best: tuple[str | None, int] = (None, 0)
    for twin in layout_twins(core):
        switched = [normalize_word(w.group()) for w in WORD_RE.finditer(twin)]
        if not switched or len(switched) > typed_words or any(
            len(w) < 2 and w not in STOP_WORDS for w in switched
        ):
            continue  # «хабл» is not «[f,k»: a twin that falls apart into letters is no word
        twin_n = min(_held(w, snapshot, u) for w in switched)
        if twin_n == 0 and len(switched) == 1:
            # «ифшлщтгк» is «baikonur», which the index may hold only as «байконур»
            forms = u.translit(switched[0])
            if forms:
                twin, twin_n = forms[0], u.frequency(forms[0], snapshot)
        if twin_n > best[1]:
            best = (twin, twin_n)
    return best


def all_words_count(snapshot: Snapshot, text: str) -> int:
    """Documents that hold every content word of the text (in any inflection)."""
    docs: np.ndarray | None = None
    for m in WORD_RE.finditer(text):
        word = normalize_word(m.group())
        if word in STOP_WORDS:
            continue
        found = np.unique(np.concatenate([
            snapshot.doc_ids(f, form) for f in ("title", "body") for form in lemmas(word)
        ]))
        docs = found if docs is None else np.intersect1d(docs, found)
        if not len(docs):
            return 0
    return 0 if docs is None else len(docs)
