"""Which language a text is written in: ``ru``, ``en`` or ``mixed``, told by its letters."""

from __future__ import annotations

import re

__all__ = ["LANGUAGES", "detect_language"]

LANGUAGES = ("ru", "en", "mixed")

_CYRILLIC_RUN = re.compile("[\u0400-\u052f]+")
_LATIN_RUN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")


def detect_language(text: str) -> str:
    """The language of a document or a query (``mixed`` when no script has four fifths)."""
    cyrillic = sum(map(len, _CYRILLIC_RUN.findall(text)))
    latin = sum(map(len, _LATIN_RUN.findall(text)))
    total = cyrillic + latin
    if not total:
        return "mixed"
    if cyrillic * 5 >= total * 4:
        return "ru"
    if latin * 5 >= total * 4:
        return "en"
    return "mixed"
