"""Synonyms and abbreviations of the space domain, read from ``search/data/synonyms.txt``.

An entry is a set of variants (``МКС = Международная космическая станция = ISS``). Query
words are matched to a variant by lemma, so «МКС», «Международной космической станции» and
«международная космическая станция» all name the same entry; the other variants are then
searched too (see search/understand/expansion.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..analysis import lemmas, normalize_word, words
from ..caching import register
from ..errors import SynonymError

__all__ = [
    "DEFAULT_PATH", "Entry", "Match", "SynonymError", "Synonyms", "load_synonyms", "parse_entries",
]

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "synonyms.txt"
SEPARATOR = "="
MAX_VARIANT_WORDS = 8


@dataclass(frozen=True)
class Entry:
    line: int
    variants: tuple[tuple[str, ...], ...]  # each variant as normalised words
    # words written in capitals (МКС, РАН): matched as written, never by lemma, so that
    # «раны» (wounds) does not name the Academy of Sciences
    abbreviations: frozenset[str] = frozenset()

    def __str__(self) -> str:
        return " = ".join(" ".join(v) for v in self.variants)


@dataclass(frozen=True)
class Match:
    start: int  # index of the first matched query word
    end: int  # one past the last
    entry: Entry
    variant: int  # which variant the query words spelled


def parse_entries(text: str) -> list[Entry]:
    """Entries of a dictionary text: one per line, variants joined by ``=``, ``#`` comments.

    :raises SynonymError: a line with fewer than two variants.
    """
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        variants: list[tuple[str, ...]] = []
        capitals: set[str] = set()
        for part in line.split(SEPARATOR):
            found = words(part)
            capitals.update(w for w, s, e in found if len(w) > 1 and part[s:e].isupper())
            variant = tuple(w for w, _, _ in found)[:MAX_VARIANT_WORDS]
            if variant and variant not in variants:
                variants.append(variant)
        if len(variants) < 2:
            raise SynonymError(f"line {number}: an entry needs two variants joined by '='")
        entries.append(Entry(number, tuple(variants), frozenset(capitals)))
    return entries


def _keys(word: str) -> frozenset[str]:
    """What a word is matched by: its form and its lemmas."""
    word = normalize_word(word)
    return frozenset((word, *lemmas(word)))


class Synonyms:
    """A dictionary of entries, looked up by the lemmas of the first word of each variant."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._first: dict[str, list[tuple[Entry, int, tuple[frozenset[str], ...]]]] = {}
        for entry in entries:
            for n, variant in enumerate(entry.variants):
                keys = tuple(
                    frozenset((w,)) if w in entry.abbreviations else _keys(w) for w in variant
                )
                for key in keys[0]:
                    self._first.setdefault(key, []).append((entry, n, keys))

    def __len__(self) -> int:
        return len(self.entries)

    def match_at(self, query_words: list[str], start: int) -> Match | None:
        """The longest variant that the query words spell from `start` on."""
        best: Match | None = None
        candidates: list[tuple[Entry, int, tuple[frozenset[str], ...]]] = []
        for key in _keys(query_words[start]):
            candidates.extend(self._first.get(key, ()))
        for entry, n, keys in candidates:
            end = start + len(keys)
            if end > len(query_words) or (best is not None and end <= best.end):
                continue
            if all(keys[i] & _keys(query_words[start + i]) for i in range(len(keys))):
                best = Match(start, end, entry, n)
        return best

    def matches(self, query_words: list[str]) -> list[Match]:
        """Non-overlapping matches, longest first from left to right."""
        found, i = [], 0
        while i < len(query_words):
            m = self.match_at(query_words, i)
            if m is None:
                i += 1
            else:
                found.append(m)
                i = m.end
        return found


@lru_cache(maxsize=4)
def load_synonyms(path: Path = DEFAULT_PATH) -> Synonyms:
    """The dictionary at `path` (read once per process)."""
    return Synonyms(parse_entries(Path(path).read_text(encoding="utf-8")))



register("synonym dictionaries", load_synonyms)
