"""The names a release's fields go by, in English, Russian and Kazakh. A release's front matter
(:mod:`.plain`) and a query's field and filters (search/query/syntax.py) read the same words:
what a release is labelled with is what a search narrows it by."""

from __future__ import annotations

__all__ = ["FIELD_BY_NAME", "FIELD_NAMES"]

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "date": ("date", "published", "дата", "күні"),
    "source": ("source", "agency", "publisher", "источник", "агентство", "дереккөз", "агенттік"),
    "title": ("title", "заголовок", "тақырып"),
    "lang": ("lang", "language", "язык", "тіл"),
}
FIELD_BY_NAME = {name: field for field, names in FIELD_NAMES.items() for name in names}
