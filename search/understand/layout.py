"""Wrong keyboard layout: text typed with the English layout on when Russian was meant
(``rjcvjlhjv ,fqrjyeh`` → «космодром байконур»), and the other way round (``ифшлщтгк`` →
``baikonur``).

Only the key-to-key mapping lives here; whether a switch is wanted is judged against the
index's vocabulary in search/understand/corrections.py.
"""

from __future__ import annotations

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


__all__ = ["EN_TO_RU", "RU_TO_EN", "script_of", "switch_layout"]
