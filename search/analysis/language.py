"""The language of a text: Kazakh, Russian, English, or a mix of them.

Letters tell the scripts apart: Latin letters count for English, Cyrillic letters for Russian
or Kazakh. Russian and Kazakh share the Cyrillic alphabet, so each sentence is judged by its
words. For Kazakh: a word with a letter Russian does not have (ә ғ қ ң ө ұ ү һ і; half as
much for a capitalised word inside a sentence, likely a name), or a common Kazakh word that
has none of them («мен», «деп», «болып», «жылы»). For Russian: a common Russian word («и»,
«в», «что») or a Russian inflectional ending («-ого», «-ться», «-ил»).
The side with more evidence takes the sentence's letters; a sentence with none, or a tie,
follows the whole text's evidence (Russian when that is tied too). So a Russian sentence
with a Kazakh name in it stays Russian, and a Kazakh sentence that happens to have none of
the Kazakh letters goes with the Kazakh around it.

A text is in one language when that language holds at least 80% of its letters; otherwise,
and when it has no letters at all, it is "mixed": a release half in Kazakh and half in
Russian, or with a long English quotation.
"""

from __future__ import annotations

import re

from .kazakh import has_kazakh_letters

__all__ = ["KAZAKH_WORDS", "LANGUAGES", "RUSSIAN_WORDS", "detect_language", "kazakh_spans"]

LANGUAGES = ("ru", "kk", "en", "mixed")
# Common Kazakh words without Kazakh letters that Russian does not use as words.
KAZAKH_WORDS = frozenset(
    """
    мен бен пен де ол олар оны одан онда осы сол сонда содан осында деп деген дейді болып
    болады болды болған болатын бола бойынша туралы жылы жылдары емес екен тек арасында
    ал кезде немен нені неше неден неде
    """.split()
)
# Common Russian words that are not Kazakh words («он» is Kazakh 'ten', «не» 'what').
RUSSIAN_WORDS = frozenset(
    """
    и в во на с со что по к ко о об от из для это как она они оно его её ее их был была
    были было быть также который которая которые которого которой при за до так же бы
    или но а уже только под над после чтобы если когда где все всё этот эта эти этого
    году года между более может можно нет есть ли чем через себя свой своей своих ещё еще
    """.split()
)
_RUSSIAN_ENDINGS = (
    "ого", "его", "ому", "ему", "ыми", "ими", "ться", "тся", "ая", "яя", "ое", "ые", "ых",
    "ую", "юю", "ение", "ания", "ость", "ости", "ство", "ства", "ует", "ают", "ил", "ила",
    "или", "ило",
)

# The same letter ranges as the document reader uses.
_CYRILLIC_RUN = re.compile("[\u0400-\u052f]+")
_LATIN_RUN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
_SENTENCE = re.compile(r"[^.!?…;\n]+")

ONE_LANGUAGE_SHARE = 0.8
MAX_CHARS = 1_000_000  # a megabyte of text decides; the rest of a huge file is not read


def detect_language(text: str) -> str:
    """"kk", "ru", "en" or "mixed" for a document or a query."""
    text = text[:MAX_CHARS]
    cyrillic = _CYRILLIC_RUN.findall(text)
    if not has_kazakh_letters(text) and KAZAKH_WORDS.isdisjoint(map(str.lower, cyrillic)):
        # no Kazakh evidence anywhere (most documents): every Cyrillic letter is Russian,
        # sentence by sentence or not
        latin = sum(map(len, _LATIN_RUN.findall(text)))
        return _language({"kk": 0, "ru": sum(map(len, cyrillic)), "en": latin})
    letters = {"kk": 0, "ru": 0, "en": 0}
    undecided = 0
    evidence = {"kk": 0.0, "ru": 0.0}
    for sentence in _SENTENCE.findall(text):
        letters["en"] += sum(map(len, _LATIN_RUN.findall(sentence)))
        words = _CYRILLIC_RUN.findall(sentence)
        if not words:
            continue
        kk, ru = _evidence(words)
        evidence["kk"] += kk
        evidence["ru"] += ru
        count = sum(map(len, words))
        if kk > ru:
            letters["kk"] += count
        elif ru > kk:
            letters["ru"] += count
        else:
            undecided += count
    letters["kk" if evidence["kk"] > evidence["ru"] else "ru"] += undecided
    return _language(letters)


def _language(letters: dict[str, int]) -> str:
    """The language holding ONE_LANGUAGE_SHARE of the letters (the first of a tie, in the
    order kk, ru, en), else "mixed"."""
    total = sum(letters.values())
    if not total:
        return "mixed"
    language, most = max(letters.items(), key=lambda kv: kv[1])
    return language if most >= total * ONE_LANGUAGE_SHARE else "mixed"


def kazakh_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text` written in Kazakh, by the same evidence as
    :func:`detect_language` (a sentence with none goes with the whole text's). A text without
    a single Kazakh letter has none: no document is written in Kazakh without them."""
    if not has_kazakh_letters(text[:MAX_CHARS]):
        return []
    judged: list[tuple[int, int, float, float]] = []
    evidence = {"kk": 0.0, "ru": 0.0}
    for m in _SENTENCE.finditer(text, 0, MAX_CHARS):
        words = _CYRILLIC_RUN.findall(m.group())
        if not words:
            continue
        kk, ru = _evidence(words)
        evidence["kk"] += kk
        evidence["ru"] += ru
        judged.append((m.start(), m.end(), kk, ru))
    kazakh_text = evidence["kk"] > evidence["ru"]
    spans: list[tuple[int, int]] = []
    for start, end, kk, ru in judged:
        if kk > ru or (kk == ru and kazakh_text):
            if spans and spans[-1][1] >= start - 2:  # neighbouring sentences: one span
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


def _evidence(words: list[str]) -> tuple[float, float]:
    """(Kazakh, Russian) evidence in a sentence's Cyrillic words. A capitalised word inside
    the sentence is likely a name, which Russian text may spell the Kazakh way: it counts
    half («Глава Казкосмоса Атамқұлов посетил Бәйтерек»)."""
    kk = ru = 0.0
    for i, word in enumerate(words):
        lower = word.lower()
        if has_kazakh_letters(word):
            kk += 0.5 if i and word[0].isupper() else 1.0
        elif lower in KAZAKH_WORDS:
            kk += 1
        elif lower in RUSSIAN_WORDS or (len(lower) >= 4 and lower.endswith(_RUSSIAN_ENDINGS)):
            ru += 1
    return kk, ru



