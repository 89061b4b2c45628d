"""Autocomplete: completions of what is being typed, from the index's own words, the phrases
that recur in its titles, and the titles themselves.

Everything is built once per index generation (about 3 s for 10,000 documents) into one
sorted list of keys; a keystroke is then a binary search plus a pick of the heaviest few
keys in the range, or a precomputed pick for the short prefixes that match thousands.
"""

from __future__ import annotations

import heapq
import re
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable

import numpy as np

from ..analysis import STOP_WORDS, normalize_word, words
from ..index import Snapshot, Strings, read_vocabulary

__all__ = ["LIMIT", "MAX_PREFIX_CHARS", "Suggester", "build_suggester", "key_of"]

LIMIT = 10
MAX_PREFIX_CHARS = 100
MIN_WORD_DOCS = 2  # a form in one document only is more likely a typo than a useful completion
MIN_PHRASE_TITLES = 2
PHRASE_WORDS = (2, 3)
MIN_LEAD_DOCS = 3
LEAD_CHARS = 800  # word pairs are also taken from each document's lead, where key phrases are
PHRASE_WEIGHT = 3.0  # a phrase recurring in titles outranks a word in as many documents
TITLE_WEIGHT = 0.5
PRECOMPUTED_PREFIX_CHARS = 3
SCAN_LIMIT = 2000  # ranges larger than this are answered from the precomputed picks
_SPACES = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def key_of(text: str) -> str:
    """What completions are matched by: normalised words joined by single spaces."""
    key = " ".join(w for w, _, _ in words(text))
    if key and text[-1:].isspace():
        key += " "  # «космодром » completes the next word
    return key


class Suggester:
    """Completions by prefix over weighted (key, display) pairs."""

    def __init__(self, items: Iterable[tuple[str, str, float]]) -> None:
        best: dict[str, tuple[float, str]] = {}
        for key, display, weight in items:
            if key and (key not in best or weight > best[key][0]):
                best[key] = (weight, display)
        keys = sorted(best)
        self.keys = Strings(keys)
        self.displays = Strings(best[k][1] for k in keys)
        self.weights = array("f", (best[k][0] for k in keys))
        del best, keys
        self._top: dict[str, list[int]] = {}
        self._precompute()

    def __len__(self) -> int:
        return len(self.keys)

    def _precompute(self) -> None:
        for length in range(1, PRECOMPUTED_PREFIX_CHARS + 1):
            start = 0
            while start < len(self.keys):
                prefix = self.keys[start][:length]
                end = bisect_left(self.keys, prefix + "\uffff", start)
                if len(prefix) == length and end - start > SCAN_LIMIT:
                    self._top[prefix] = self._heaviest(start, end, LIMIT * 3)
                start = max(end, start + 1)

    def _heaviest(self, lo: int, hi: int, n: int) -> list[int]:
        return heapq.nlargest(n, range(lo, hi), key=self.weights.__getitem__)

    def _range(self, prefix: str) -> tuple[int, int]:
        lo = bisect_left(self.keys, prefix)
        return lo, bisect_left(self.keys, prefix + "\uffff", lo)

    def _complete_key(self, prefix: str, limit: int) -> list[int]:
        lo, hi = self._range(prefix)
        if hi - lo <= SCAN_LIMIT:
            return self._heaviest(lo, hi, limit)
        top = self._top.get(prefix)
        if top is not None:
            return top[:limit]
        # a long prefix that still matches thousands (rare): sample the range's start
        return self._heaviest(lo, lo + SCAN_LIMIT, limit)

    def complete(self, text: str, limit: int = LIMIT) -> list[str]:
        """Up to `limit` completions of typed text, the most used first."""
        prefix = key_of(text[:MAX_PREFIX_CHARS])
        if not prefix.strip():
            return []
        out: list[str] = []
        for i in self._complete_key(prefix, limit):
            if self.displays[i] not in out:
                out.append(self.displays[i])
        if not out and prefix.endswith(" "):  # nothing follows these words: complete them
            return self.complete(text.rstrip(), limit)
        return out[:limit]


def build_suggester(snapshot: Snapshot) -> Suggester:
    """Read what completions are made of from the index."""
    items: list[tuple[str, str, float]] = []
    vocab = read_vocabulary(snapshot)
    for word, n in vocab.items():
        if n >= MIN_WORD_DOCS and len(word) > 1 and word not in STOP_WORDS and _wordlike(word):
            items.append((word, word, float(n)))
    phrases: Counter[str] = Counter()
    # word pairs of the leads, counted as numbers (a pair of word ids): there are about a
    # million, and as strings in a Counter they would take ten times the memory
    word_ids: dict[str, int] = {}
    lead_pairs = array("q")
    for fields in snapshot.reader.all_stored_fields():
        title = _SPACES.sub(" ", _INVISIBLE.sub("", fields.get("title") or "")).strip()
        found = [normalize_word(w) for w, _, _ in words(title)]
        if not found:
            continue
        items.append((" ".join(found), title, TITLE_WEIGHT))
        seen = set()
        for size in PHRASE_WORDS:
            for i in range(len(found) - size + 1):
                gram = found[i : i + size]
                if gram[0] in STOP_WORDS or gram[-1] in STOP_WORDS:
                    continue
                seen.add(" ".join(gram))
        phrases.update(seen)  # titles holding the phrase, not occurrences
        lead = [normalize_word(w) for w, _, _ in words((fields.get("body") or "")[:LEAD_CHARS])]
        ids = [word_ids.setdefault(w, len(word_ids)) for w in lead]
        lead_pairs.extend({  # documents holding the pair, not occurrences
            x << 32 | y for a, b, x, y in zip(lead, lead[1:], ids, ids[1:], strict=False)
            if a not in STOP_WORDS and b not in STOP_WORDS and len(a) > 2 and _wordlike(b)
        })
    for phrase, n in phrases.items():
        if n >= MIN_PHRASE_TITLES:
            items.append((phrase, phrase, PHRASE_WEIGHT * n))
    pairs, counts = np.unique(np.frombuffer(lead_pairs, dtype=np.int64), return_counts=True)
    frequent = counts >= MIN_LEAD_DOCS
    words_by_id = list(word_ids)
    for pair, n in zip(pairs[frequent].tolist(), counts[frequent].tolist(), strict=True):
        phrase = f"{words_by_id[pair >> 32]} {words_by_id[pair & 0xFFFFFFFF]}"
        items.append((phrase, phrase, float(n)))
    return Suggester(items)


def _wordlike(word: str) -> bool:
    return any(c.isalpha() for c in word) and not word[:1].isdigit()
