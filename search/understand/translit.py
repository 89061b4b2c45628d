"""Latin ↔ Cyrillic spellings of one word: ``Baikonur`` ↔ «Байконур», ``Rogozin`` ↔ «Рогозин».

Transliteration is ambiguous in both directions (GOST writes «х» as ``kh``, informal spelling
as ``h``; ``ya``/``ia`` both stand for «я»; ``y`` is «ы», «й» or «и»), so every spelling the
common systems allow is tried, and the search is pruned by a vocabulary: a branch lives only
while its prefix starts some word of the index. What comes out exists in the index.
"""

from __future__ import annotations

from collections.abc import Callable

# Latin chunk -> Cyrillic spellings, for GOST 7.79-B, BGN/PCGN, ISO 9 without diacritics and
# informal spellings. Longer chunks are tried first at each position.
LATIN_TO_CYRILLIC: dict[str, tuple[str, ...]] = {
    "shch": ("щ",), "sch": ("щ", "сх"), "tch": ("ч",),
    "kh": ("х", "кх"), "zh": ("ж", "зх"), "ch": ("ч", "х", "к"), "sh": ("ш", "сх"),
    "ts": ("ц", "тс"), "tz": ("ц",), "ya": ("я", "ья", "йа"), "ia": ("я", "ия", "иа"),
    "yu": ("ю", "ью"), "iu": ("ю", "ию"), "ju": ("ю",), "ja": ("я",), "yo": ("ё", "йо", "ьо"),
    "jo": ("ё",), "ye": ("е", "ье", "йе"), "je": ("е",), "ie": ("ье", "ие"), "yi": ("ый", "ий"),
    "iy": ("ий", "ый"), "ii": ("ий",), "ei": ("ей",), "ai": ("ай",), "oi": ("ой",), "ui": ("уй",),
    "ay": ("ай",), "oy": ("ой",), "ey": ("ей",), "uy": ("уй",), "ou": ("у",), "oo": ("у", "оо"),
    "ck": ("к",), "ph": ("ф",), "th": ("т",), "qu": ("кв",), "x": ("кс", "х"),
    "a": ("а",), "b": ("б",), "c": ("к", "ц", "с"), "d": ("д",), "e": ("е", "э"),
    "f": ("ф",), "g": ("г",), "h": ("х",), "i": ("и", "й", "ий"), "j": ("й", "дж", "ж"),
    "k": ("к",), "l": ("л", "ль"), "m": ("м",), "n": ("н",), "o": ("о",), "p": ("п",),
    "q": ("к",), "r": ("р",), "s": ("с",), "t": ("т",), "u": ("у",), "v": ("в",),
    "w": ("в",), "y": ("ы", "й", "и", "ый", "ий"), "z": ("з",), "'": ("ь",), "`": ("ъ",),
}

# Cyrillic letter -> Latin spellings (ё is folded to е before).
CYRILLIC_TO_LATIN: dict[str, tuple[str, ...]] = {
    "а": ("a",), "б": ("b",), "в": ("v", "w"), "г": ("g",), "д": ("d",), "е": ("e", "ye"),
    "ж": ("zh", "j"), "з": ("z",), "и": ("i", "y"), "й": ("y", "i", "j"), "к": ("k", "c"),
    "л": ("l",), "м": ("m",), "н": ("n",), "о": ("o",), "п": ("p",), "р": ("r",), "с": ("s",),
    "т": ("t",), "у": ("u", "ou"), "ф": ("f",), "х": ("kh", "h"), "ц": ("ts", "c", "tz"),
    "ч": ("ch",), "ш": ("sh",), "щ": ("shch", "sch"), "ъ": ("", "'"), "ы": ("y", "i"),
    "ь": ("", "'"), "э": ("e",), "ю": ("yu", "iu", "ju"), "я": ("ya", "ia", "ja"),
    "кс": ("x", "ks"),
}

MAX_RESULTS = 8
MAX_STEPS = 20_000  # bound on the pruned search, for odd input


def _chunks(table: dict[str, tuple[str, ...]]) -> list[tuple[str, tuple[str, ...]]]:
    return sorted(table.items(), key=lambda kv: -len(kv[0]))


_LAT_CHUNKS = _chunks(LATIN_TO_CYRILLIC)
_CYR_CHUNKS = _chunks(CYRILLIC_TO_LATIN)


def _fold(text: str) -> str:
    return text.replace("ё", "е")


def _spell(
    word: str,
    chunks: list[tuple[str, tuple[str, ...]]],
    has_prefix: Callable[[str], bool],
    exists: Callable[[str], bool],
) -> list[str]:
    found: list[str] = []
    steps = 0

    def walk(pos: int, out: str) -> None:
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS or len(found) >= MAX_RESULTS:
            return
        if pos == len(word):
            if out and out not in found and exists(out):
                found.append(out)
            return
        for chunk, options in chunks:
            if not word.startswith(chunk, pos):
                continue
            for option in options:
                nxt = _fold(out + option)
                if nxt == out or has_prefix(nxt):
                    walk(pos + len(chunk), nxt)

    walk(0, "")
    return found


def to_cyrillic(
    word: str, has_prefix: Callable[[str], bool], exists: Callable[[str], bool]
) -> list[str]:
    """Cyrillic spellings of a lowercased Latin word that the vocabulary holds.

    :param has_prefix: whether some vocabulary word starts with this text.
    :param exists: whether the vocabulary holds this word.
    """
    return _spell(word, _LAT_CHUNKS, has_prefix, exists)


def to_latin(
    word: str, has_prefix: Callable[[str], bool], exists: Callable[[str], bool]
) -> list[str]:
    """Latin spellings of a lowercased Cyrillic word that the vocabulary holds."""
    return _spell(_fold(word), _CYR_CHUNKS, has_prefix, exists)


__all__ = ["CYRILLIC_TO_LATIN", "LATIN_TO_CYRILLIC", "to_cyrillic", "to_latin"]
