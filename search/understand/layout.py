"""Wrong keyboard layout: text typed with the English layout on when Russian was meant
(``rjcvjlhjv ,fqrjyeh`` → «космодром байконур»), and the other way round (``ифшлщтгк`` →
``baikonur``).

Only the key-to-key mapping lives here; whether a switch is wanted is judged against the
index's vocabulary in search/understand/corrections.py.
"""

from __future__ import annotations

from ..analysis import has_kazakh_letters
from ..analysis.kazakh import EN_TO_KK, KK_TO_EN

# The ЙЦУКЕН and QWERTY keys, row by row, unshifted then shifted. The punctuation keys carry
# Russian letters (``,`` is «б», ``;`` is «ж»), so they belong to the word.
_EN = "`qwertyuiop[]asdfghjkl;'zxcvbnm,./" + '~QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>?'
_RU = "ёйцукенгшщзхъфывапролджэячсмитьбю." + "ЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ,"

EN_TO_RU = str.maketrans(_EN, _RU)
# "." and "," are ordinary punctuation on the Russian layout: typed there, they were meant
# as themselves more often than as "/" and "?".
RU_TO_EN = str.maketrans({r: e for e, r in zip(_EN, _RU, strict=True) if r not in ".,"})

_EN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_RU_LETTERS = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


def script_of(text: str) -> str:
    """"en", "ru", "mixed" or "" (no letters) for a piece of typed text."""
    lowered = text.lower()
    en = any(c in _EN_LETTERS for c in lowered)
    ru = any(c in _RU_LETTERS for c in lowered)
    if en and ru:
        return "mixed"
    return "en" if en else "ru" if ru else ""


def switch_layout(piece: str) -> str | None:
    """The piece as the other layout would have typed it, or None when it holds letters of
    both scripts (not a layout slip) or none at all."""
    script = script_of(piece)
    if script == "en":
        return piece.translate(EN_TO_RU)
    if script == "ru":
        return piece.translate(RU_TO_EN)
    return None


def layout_twins(piece: str) -> list[str]:
    """What the piece would be on the other layouts: Russian and Kazakh for text typed on
    QWERTY (the Kazakh layout has its own letters on the digit row: «,fq0j4sh» is
    «байқоңыр»), QWERTY for text typed on either Cyrillic layout."""
    twins = []
    script = script_of(piece)
    if script == "en":
        twins = [piece.translate(EN_TO_RU), piece.translate(EN_TO_KK)]
    elif script == "ru" or (script == "" and has_kazakh_letters(piece)):
        twins = [piece.translate(KK_TO_EN if has_kazakh_letters(piece) else RU_TO_EN)]
    return [t for t in dict.fromkeys(twins) if t != piece]


__all__ = ["EN_TO_RU", "RU_TO_EN", "layout_twins", "script_of", "switch_layout"]
