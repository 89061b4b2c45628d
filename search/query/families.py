"""Derivational families of Russian lemmas: the words a question and the passage answering it
use for one thing while a lemmatizer keeps them apart.

Two lemmas are of one family when they share a *root key*: the lemma without its reflexive
particle and one inflectional or derivational ending (verb, noun or adjective), its root's
final consonant alternation folded (щ/ч/к/ц → т, ж/г/з → д, ш/х → с, the «л» of вл/бл/пл/мл
dropped), and the о of a secondary imperfective's root restored (рассматривать → рассмотр-).
So aspect pairs (решить / решать, защитить / защищать, рассмотреть / рассматривать, съесть /
съедать), verbs and their nouns and adjectives (защита, защитный, защищать; исследовать,
исследование; порох, пороховой), adjectives and their quality nouns (точный, точность;
безопасный, безопасность; ответственный, ответственность), the -енность nouns of a verb's
participle, which the lemmatizer files under the verb (загруженность, загрузить), agent and
action nouns (создатель, переводчик, строительство, разработка, открытие) meet, from rules
alone; the members are looked up among the index's own lemmas.
The rules overreach at times (a root of three letters is short): members are only ever a
weak alternative of the word typed (search/query/compile.py).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice
from pathlib import Path

from ..caching import GenerationTables, code_version, register
from ..index import Snapshot, Strings, open_generation, prefix_range
from ..index import vocabulary as _vocabulary

__all__ = [
    "MAX_FAMILY_SCAN", "MIN_ROOT", "FamilyLemmas", "family_members", "lemma_lists", "root_key",
]

MIN_ROOT = 3
MAX_FAMILY_SCAN = 400  # index terms looked at per family (alphabetically from its prefix)
_FIELD = "body"

_CYRILLIC_WORD = re.compile(r"^[а-яё]+$")
_REFLEXIVE = ("ся", "сь")
# Endings, longest first; the first leaving a root of MIN_ROOT letters is cut.
_ENDINGS = sorted(
    """
    ирование ирования ировать ывание ивание ывать ивать авать ование овать евать ение ание яние
    ительство ательство ователь итель атель ятель ытие итие тие ство ованность енность ность
    ость тель ник чик ка ованный енный ический ческий ский овый евый овой евой ный ной ний ый ий
    ой ая яя ое ее ать ять еть ить уть ыть оть ти ие ия ье а я о е ь ы и й
    """.split(),
    key=len,
    reverse=True,
)
_VOWELS = frozenset("аеиоуыэюя")
_IMPERFECTIVE = ("ывать", "ивать", "ывание", "ивание")
_FOLD = {"щ": "т", "ч": "т", "к": "т", "ц": "т", "ж": "д", "г": "д", "з": "д", "ш": "с",
         "х": "с"}
_EPENTHETIC_L = ("вл", "бл", "пл", "мл", "фл")


@lru_cache(maxsize=50_000)  # a server's query words and scans; a table build asks each once
def root_key(lemma: str) -> str | None:
    """The key a lemma's family shares, or None for a word the rules do not apply to
    (not Cyrillic, shorter than five letters)."""
    word = lemma.replace("ё", "е")
    if len(word) < 5 or not _CYRILLIC_WORD.match(word):
        return None
    for particle in _REFLEXIVE:
        if word.endswith(particle) and len(word) > len(particle) + 4:
            word = word[: -len(particle)]
            break
    if word.endswith("есть") and len(word) > 5:  # съесть, надоесть: the root is «ед»
        return word[:-4] + "ед"
    root = word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_ROOT:
            root = word[: -len(ending)]
            if ending == "ка" and root[-1] in _VOWELS:  # наука, техника: the к is the root's
                root = word
                continue
            if ending in _IMPERFECTIVE:  # рассматр-ивать: the root's о is back in рассмотр-
                i = root.rfind("а")
                if i > 0:
                    root = root[:i] + "о" + root[i + 1 :]
            break
    if root.endswith(_EPENTHETIC_L) and len(root) > MIN_ROOT:
        root = root[:-1]
    if root.endswith("жд"):
        root = root[:-2] + "д"
    last = _FOLD.get(root[-1])
    if last is not None:
        root = root[:-1] + last
    return root


register("family keys", root_key)


def family_members(snapshot: Snapshot, lemma: str) -> list[str]:
    """The index's lemmas (body field) in the family of `lemma`, itself included when the
    index holds it; [] when the rules do not apply. Kept per index generation."""
    key = root_key(lemma)
    if key is None:
        return []
    return snapshot.derived(("family", key), lambda: _members(snapshot, key))


def _members(snapshot: Snapshot, key: str) -> list[str]:
    # members share the key up to its last two letters (alternations and the restored о
    # change only those); an о there may be written а, and the last letter of a root of
    # three (точн- → тот) stands for what it folds
    stem = key[: max(MIN_ROOT, len(key) - 2)]
    prefixes = {stem, stem[:-1] + "а"} if stem.endswith("о") else {stem}
    if len(stem) == len(key):
        prefixes |= {stem[:-1] + letter for letter, folded in _FOLD.items() if folded == key[-1]}
    table = None if snapshot.gen is None else lemma_lists.ready(snapshot.gen)
    found = []
    for prefix in sorted(prefixes):
        if table is not None:
            lo, hi = prefix_range(table.lemmas, prefix)
            scanned = table.members(key, lo, min(hi, lo + MAX_FAMILY_SCAN))
        else:
            terms = islice(snapshot.expand_prefix(_FIELD, prefix), MAX_FAMILY_SCAN)
            scanned = [term for term in terms if root_key(term) == key]
        for term in scanned:
            if term not in found:
                found.append(term)
    return found


class FamilyLemmas:
    """The body field's lemmas of an index generation, sorted, and which of them share each
    family key: a family is then found in microseconds instead of the root keys of the 400
    lemmas after its prefix being worked out (a millisecond a word the first time)."""

    def __init__(self, lemmas: Iterable[str]) -> None:
        self.lemmas = Strings(sorted(lemmas))
        keyed = sorted((key, i) for i, lemma in enumerate(self.lemmas)
                       if (key := root_key(lemma)) is not None)
        self._order = array("i", (i for _, i in keyed))  # lemma indexes, grouped by key
        starts = [n for n, (key, _) in enumerate(keyed) if not n or key != keyed[n - 1][0]]
        self._keys = Strings(keyed[n][0] for n in starts)  # each key once, sorted
        self._starts = array("i", [*starts, len(keyed)])

    def members(self, key: str, lo: int, hi: int) -> list[str]:
        """The lemmas with this family key among those at indexes [lo, hi), in order."""
        k = bisect_left(self._keys, key)
        if k == len(self._keys) or self._keys[k] != key:
            return []
        indexes = self._order[self._starts[k] : self._starts[k + 1]]
        return [self.lemmas[i] for i in indexes if lo <= i < hi]


def _lemmas_at(gen: Path) -> FamilyLemmas:
    """The body field's lemmas of an index generation and their families: looked up there
    rather than through the segments' term tables (milliseconds)."""
    with open_generation(gen) as snapshot:
        return FamilyLemmas(snapshot.lexicon(_FIELD))


lemma_lists = register("family lemma lists", GenerationTables(
    "family-lemmas", _lemmas_at, code_version(__file__, _vocabulary.__file__)
))
