"""Index terms of one word: Russian lemmas (pymorphy3), English stems (Snowball), codes as
written; and the function words that queries leave out.

Snowball stems of lemmas are used at query time to find derivations that a lemmatizer keeps
apart (``защита``/``защитный``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

import pymorphy3
import Stemmer

from ..caching import register
from .kazakh import FAMILIES as KAZAKH_RULE_FAMILIES
from .kazakh import STOP_WORDS as KAZAKH_STOP_WORDS
from .kazakh import bound_cache as bound_kazakh_stems
from .kazakh import stems as kazakh_stems
from .tokens import MAX_WORD_CHARS, fold

__all__ = [
    "FUNCTION_PHRASES", "KAZAKH_STOP_WORDS", "STOP_WORDS", "index_terms", "inflections",
    "is_stop_word", "lemmas", "morph", "stem", "terms",
]

_CYRILLIC_RE = re.compile(r"[а-яё]")
_KAZAKH_CYRILLIC_RE = re.compile(r"[а-яёәғқңөұүһі]")
_LATIN_RE = re.compile(r"[a-z]")
_DIGIT_RE = re.compile(r"\d")

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

# Set phrases that are function words together: they say how, not what («… освоились в
# обществе в целом?» is not about целые числа), so a plain query drops them like «на» or «как».
FUNCTION_PHRASES = frozenset(
    tuple(phrase.split())
    for phrase in """
    в целом, в основном, в общем, в частности, в среднем, в принципе, в итоге, по сути,
    в том числе, в первую очередь, в свою очередь, в конце концов, на самом деле,
    по крайней мере, тем не менее, прежде всего, кроме того, к тому же, между тем
    """.split(",")
)


# pymorphy3 dictionaries are loaded once per process; the analyzer object is not picklable,
# so it lives here and never in a filter that Whoosh pickles into the index schema.
_morph: pymorphy3.MorphAnalyzer | None = None


def morph() -> pymorphy3.MorphAnalyzer:
    global _morph
    if _morph is None:
        _morph = pymorphy3.MorphAnalyzer()
    return _morph


_unranked: pymorphy3.MorphAnalyzer | None = None


def _unranked_morph() -> pymorphy3.MorphAnalyzer:
    """:func:`morph` without its estimate of how likely each reading of a word is: the same
    readings, in the dictionary's order. An index keeps every reading, so indexing has no use
    for the estimate, which takes a third of pymorphy3's time per word. Shares morph()'s
    dictionaries (a second load would cost each process 16 MB)."""
    global _unranked
    if _unranked is None:
        ranked = morph()
        unranked = object.__new__(type(ranked))
        unranked.__dict__.update(vars(ranked))
        unranked.prob_estimator = None
        _unranked = unranked
    return _unranked


_en_stemmer = Stemmer.Stemmer("english")
_ru_stemmer = Stemmer.Stemmer("russian")


LEMMA_CACHE = 500_000  # words: an index build meets every form of its archive
SERVER_LEMMA_CACHE = 50_000  # a server's hot words (queries, snippets, related releases)


def lemmas(word: str) -> tuple[str, ...]:
    """Index terms for one normalised word: its distinct normal forms, most likely first.

    Latin words get their English stem; numbers and codes stay as they are. Words pymorphy3
    only guesses at (unknown names such as «Байконыр») keep the word itself too, so that
    index and query agree even when the guess is wrong. Plural-only nouns also give their
    singular-looking stem (переговоры → переговор) so «переговор» meets «переговорах».
    Kept in a cache of LEMMA_CACHE words (see :func:`bound_lemma_cache`).
    """
    return _cached_lemmas(word)


def _lemmas(word: str) -> tuple[str, ...]:
    return _normal_forms(word, morph())


def _index_lemmas(word: str) -> tuple[str, ...]:
    return _normal_forms(word, _unranked_morph())


def _normal_forms(word: str, analyzer: pymorphy3.MorphAnalyzer) -> tuple[str, ...]:
    if len(word) > MAX_WORD_CHARS or _DIGIT_RE.search(word) or not _CYRILLIC_RE.search(word):
        if _LATIN_RE.search(word) and not _DIGIT_RE.search(word) and word.isalpha():
            return (_en_stemmer.stemWord(word),)
        return (word,)
    parses = analyzer.parse(word)
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


def _lemma_cache(words: int) -> Callable[[str], tuple[str, ...]]:
    return register("lemmas", lru_cache(maxsize=words)(_lemmas))


_cached_lemmas = _lemma_cache(LEMMA_CACHE)
# what indexing asks (index_terms); a server never does
_cached_index_lemmas = register("index lemmas", lru_cache(maxsize=LEMMA_CACHE)(_index_lemmas))


def bound_lemma_cache(words: int) -> None:
    """Keep the lemmas, and the Kazakh stems, of at most `words` words from now on (the caches
    start empty). A server calls this before serving: every release page analyses the release
    to find related ones, and with the indexer's bounds the caches would grow with every
    release read, by ~40 MB a process per 1,500 Russian releases (the Kazakh stems' 300,000
    words, ~400 bytes each, by up to ~120 MB), for few hits on words met once."""
    global _cached_lemmas
    _cached_lemmas = _lemma_cache(words)
    bound_kazakh_stems(words)


def _is_dictionary_parse(parse: pymorphy3.analyzer.Parse) -> bool:
    method = type(parse.methods_stack[0][0]).__name__
    return method in ("DictionaryAnalyzer", "HyphenSeparatedParticleAnalyzer") or (
        method == "HyphenatedWordsAnalyzer"
    )


@lru_cache(maxsize=20_000)
def inflections(lemma: str) -> tuple[str, ...]:
    """Every form the dictionary gives a Russian lemma, normalised: «день» → «дня», «днём», …;
    «человек» → «люди», «людей»; «идти» → «шёл», «идущий». () for a word it does not hold as
    a lemma. These are the forms :func:`lemmas` maps back to it, including those that do not
    start like it (a fleeting vowel, another stem)."""
    if len(lemma) > MAX_WORD_CHARS or _DIGIT_RE.search(lemma) or not _CYRILLIC_RE.search(lemma):
        return ()
    forms: dict[str, None] = {}
    for parse in morph().parse(lemma):
        if _is_dictionary_parse(parse) and fold(parse.normal_form) == lemma:
            forms.update((fold(form.word), None) for form in parse.lexeme)
    return tuple(forms)


register("inflections", inflections)


# Only queries and highlighting ask for stems (a server's words): an entry takes ~330 bytes,
# so a bound of 500,000 let each server process grow by ~165 MB over a day of traffic.
@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Snowball stem of one normalised word or lemma (Russian or English)."""
    if len(word) > MAX_WORD_CHARS or _DIGIT_RE.search(word):
        return word
    if _CYRILLIC_RE.search(word):
        return _ru_stemmer.stemWord(word)
    return _en_stemmer.stemWord(word)


register("stems", stem)


# The Kazakh rule families in use: all (bench.kazakh switches them off one by one to measure
# what each adds).
KAZAKH_FAMILIES = KAZAKH_RULE_FAMILIES


def terms(word: str, kazakh: bool = False, min_share: float = 0.0) -> tuple[str, ...]:
    """Index terms of one normalised word: its Kazakh stems when it stands in Kazakh text
    (search/analysis/kazakh.py), else its :func:`lemmas`.

    A query word passes `min_share`: its readings that pymorphy3 finds less likely than that
    are left out (never the likeliest). «день» is then not also read as the verb «деть»
    (0.6 %), whose «дела» and «дел» a search for «день» would find.
    """
    if kazakh and _is_kazakh_word(word):
        return kazakh_stems(word, families=KAZAKH_FAMILIES)
    found = lemmas(word)
    if min_share > 0 and len(found) > 1:
        shares = _lemma_shares(word)
        found = found[:1] + tuple(t for t in found[1:] if shares.get(t, 1.0) >= min_share)
    return found


def index_terms(word: str, kazakh: bool = False) -> tuple[str, ...]:
    """The terms :func:`terms` gives `word` (`min_share` 0), in no particular order: what an
    index holds, found faster (see :func:`_unranked_morph`)."""
    if kazakh and _is_kazakh_word(word):
        return kazakh_stems(word, families=KAZAKH_FAMILIES)
    return _cached_index_lemmas(word)


def _is_kazakh_word(word: str) -> bool:
    return (len(word) <= MAX_WORD_CHARS and _KAZAKH_CYRILLIC_RE.search(word) is not None
            and not _DIGIT_RE.search(word))


@lru_cache(maxsize=50_000)
def _lemma_shares(word: str) -> Mapping[str, float]:
    """How likely each lemma of a word is, as pymorphy3 estimates it (its readings as
    :func:`lemmas` counts them); empty for a word the dictionary does not hold, whose guesses
    all stay. (Cached: read, never change.)"""
    counted = [p for p in morph().parse(word) if _is_dictionary_parse(p)]
    total = sum(p.score for p in counted) or 1.0
    shares: dict[str, float] = {}
    for p in counted:
        lemma = fold(p.normal_form)
        shares[lemma] = shares.get(lemma, 0.0) + p.score / total
    return shares


register("reading shares", _lemma_shares)


def is_stop_word(word: str, kazakh: bool = False) -> bool:
    """A function word of the word's language («на», «каком»; «мен», «үшін»)."""
    if kazakh:
        return word in KAZAKH_STOP_WORDS
    return word in STOP_WORDS or lemmas(word)[0] in STOP_WORDS
