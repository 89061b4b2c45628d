"""Did-you-mean for one word: the likeliest word form of the index's vocabulary within a
small, typo-weighted edit distance (``космадром`` → «космодром», ``байкнур`` → «байконур»).

Candidates come from two places: every form one edit away (delete, transpose, replace,
insert), and every form with the same vowel skeleton, so that several vowel slips
(``раскасмос``) cost little. They are ranked by distance, then by document frequency, then
by how much of the typed ending they keep, so the typed inflection survives.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..index import Strings, Vocabulary

CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
LATIN = "abcdefghijklmnopqrstuvwxyz"
MIN_CHARS = 4  # shorter words have too many neighbours to guess from
MAX_CHARS = 32  # the longest Russian words have about 30 letters
# Vowels that sound alike in unstressed syllables, and letters that are often doubled or
# dropped: a slip between them costs less than an arbitrary one.
_VOWEL_CLASS = {
    "о": "а", "а": "а", "е": "и", "и": "и", "я": "и", "э": "и", "ы": "и", "ю": "у", "у": "у",
    "ё": "и", "a": "a", "o": "a", "e": "i", "i": "i", "y": "i", "u": "u",
}
_CHEAP_DROPS = frozenset("ьъйh")
_CONSONANT_PAIRS = {frozenset(p) for p in ("дт", "зс", "бп", "гк", "вф", "жш", "цс", "шщ")}


@dataclass(frozen=True)
class Suggestion:
    word: str
    distance: float
    frequency: int


def max_distance(word: str) -> float:
    """Longer words may be further off; a "word" longer than any real one is not corrected
    (its single edits alone would number tens of thousands)."""
    if len(word) < MIN_CHARS or len(word) > MAX_CHARS:
        return 0.0
    if len(word) <= 5:
        return 1.0
    if len(word) <= 8:
        return 1.5
    return 2.0


def skeleton(word: str) -> str:
    """The word with vowels reduced to their class, doubled letters single, signs dropped."""
    out: list[str] = []
    for c in word:
        c = _VOWEL_CLASS.get(c, c)
        if c in "ьъ" or (out and out[-1] == c):
            continue
        out.append(c)
    return "".join(out)


class SkeletonIndex:
    """Vocabulary forms grouped by skeleton, built once per vocabulary."""

    def __init__(self, vocab: Vocabulary) -> None:
        pairs = sorted(
            (skeleton(word), i)
            for i, (word, n) in enumerate(vocab.items())
            if len(word) >= MIN_CHARS and word.isalpha() and n > 0
        )
        self._keys = Strings(key for key, _ in pairs)  # sorted: a skeleton's forms are a range
        self._forms = array("q", (i for _, i in pairs))
        self._words = vocab.words

    def get(self, key: str) -> list[str]:
        lo = bisect_left(self._keys, key)
        hi = bisect_right(self._keys, key, lo)
        return [self._words[self._forms[j]] for j in range(lo, hi)]


def _substitution_cost(a: str, b: str) -> float:
    if _VOWEL_CLASS.get(a, a) == _VOWEL_CLASS.get(b, b) and a in _VOWEL_CLASS:
        return 0.5
    if frozenset((a, b)) in _CONSONANT_PAIRS:
        return 0.7
    return 1.0


def _indel_cost(word: str, i: int) -> float:
    """Dropping or adding word[i]: cheap for a sign or a doubled letter."""
    c = word[i]
    if c in _CHEAP_DROPS:
        return 0.5
    if (i > 0 and word[i - 1] == c) or (i + 1 < len(word) and word[i + 1] == c):
        return 0.5
    return 1.0


def distance(a: str, b: str, limit: float = 3.0) -> float:
    """Weighted Damerau-Levenshtein distance (optimal string alignment)."""
    if a == b:
        return 0.0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[float] = []
    prev = [0.0]
    for j in range(1, len(b) + 1):
        prev.append(prev[-1] + _indel_cost(b, j - 1))
    for i in range(1, len(a) + 1):
        cur = [prev[0] + _indel_cost(a, i - 1)]
        for j in range(1, len(b) + 1):
            sub = 0.0 if a[i - 1] == b[j - 1] else _substitution_cost(a[i - 1], b[j - 1])
            best = min(
                prev[j] + _indel_cost(a, i - 1),
                cur[j - 1] + _indel_cost(b, j - 1),
                prev[j - 1] + sub,
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, prev2[j - 2] + 1.0)
            cur.append(best)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def edits1(word: str, alphabet: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in alphabet}
    inserts = {a + c + b for a, b in splits for c in alphabet}
    return deletes | transposes | replaces | inserts


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def suggest(word: str, vocab: Vocabulary, skeletons: SkeletonIndex) -> Suggestion | None:
    """The best correction of a word the index does not hold, or None."""
    limit = max_distance(word)
    if not limit or not word.isalpha():
        return None
    alphabet = LATIN if word.isascii() else CYRILLIC
    near = edits1(word, alphabet)
    candidates = {w for w in near if vocab.count(w) > 0}
    candidates.update(skeletons.get(skeleton(word)))
    if len(word) >= 6:  # one slip on top of vowel slips
        for w in near:
            candidates.update(skeletons.get(skeleton(w)))
    best: tuple[float, ...] | None = None
    found: Suggestion | None = None
    for cand in candidates:
        if cand == word:
            continue
        d = distance(word, cand, limit)
        if d > limit:
            continue
        n = vocab.count(cand)
        # distance first; among equals the frequent form, then the one keeping the ending
        rank = (d - 0.25 * math.log10(n + 1), -_common_suffix(word, cand), -n)
        if best is None or rank < best:
            best, found = rank, Suggestion(cand, d, n)
    return found


__all__ = ["SkeletonIndex", "Suggestion", "distance", "skeleton", "suggest"]
