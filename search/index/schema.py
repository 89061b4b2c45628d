"""What the index holds of a release: the Whoosh schema, its codec, and a document's fields.

Whoosh pickles the schema (analyzers included) and the codec into the index by their import
paths: moving or renaming a class here, or one in search/analysis/analyzers.py, means raising
``FORMAT_VERSION`` (search/index/generations.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from whoosh import columns, formats
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from ..analysis import (
    exact_analyzer,
    exact_forms,
    folded_analyzer,
    has_kazakh_letters,
    lemma_analyzer,
)
from ..corpus import Document, resolve_source
from .sketches import SKETCH_FIELD, sketch

__all__ = [
    "Codec", "ExactForms", "FoldedForms", "SketchColumn", "document_fields", "make_schema",
    "utc_now",
]


class ExactForms(TEXT):
    """The word forms as written, for `=слово` and the exact-form bonus. Presence only, no
    frequencies or field lengths: it holds the most distinct terms of all fields, and this
    keeps it cheap to write. Its value is the (title, body) pair, whose words the other
    fields have just found (analysis.words remembers them)."""

    def __init__(self) -> None:
        super().__init__(analyzer=exact_analyzer(), phrase=False)
        self.format = formats.Existence()
        self.scorable = False

    def index(self, value: Any, **kwargs: Any) -> Any:
        if isinstance(value, tuple):
            return _present(self.forms(part) for part in value)
        return super().index(value, **kwargs)

    def forms(self, text: str) -> set[str]:
        return exact_forms(text)  # (the analyzer's terms, without its token objects)


class FoldedForms(ExactForms):
    """Kazakh words as Russian spells them (search/analysis/analyzers.py, FoldFilter), for
    the Russian spelling of a name to find the Kazakh one: presence only, like ExactForms."""

    def __init__(self) -> None:
        super().__init__()
        self.analyzer = folded_analyzer()

    def index(self, value: Any, **kwargs: Any) -> Any:
        if isinstance(value, tuple) and not any(map(has_kazakh_letters, value)):
            return iter(())  # the common case: no word of the text has a Kazakh letter
        return super().index(value, **kwargs)

    def forms(self, text: str) -> set[str]:
        return {t.text for t in self.analyzer(text, mode="index")}


def _present(forms: Iterable[set[str]]) -> Iterator[tuple[bytes, int, float, bytes]]:
    """Whoosh's index items of a presence-only field holding these forms."""
    return ((term.encode("utf-8"), 1, 1.0, b"") for term in set().union(*forms))


class SketchColumn(COLUMN):
    """The near-duplicate sketch (search/index/sketches.py) of the (title, body) pair,
    computed by the process that indexes the document."""

    def __init__(self) -> None:
        super().__init__(columns.VarBytesColumn())

    def to_column_value(self, value: Any) -> Any:
        return sketch(*value) if isinstance(value, tuple) else value


class _LengthsInMemory(W3PerDocReader):
    """Whoosh looks up a field length for every posting it writes and every document it
    scores: a file stat each time for a field without lengths, a seek and a read for the
    others. Read each lengths column once instead (a byte per document)."""

    def _cached_reader(self, fieldname: str, column: Any) -> Any:
        if column is not LENGTHS_COLUMN:  # stored fields and vectors stay on disk
            return super()._cached_reader(fieldname, column)
        if fieldname not in self._readers:
            reader = None
            if self.has_column(fieldname):
                reader = list(self.column_reader(fieldname, column))
            self._readers[fieldname] = reader
        return self._readers[fieldname]


class Codec(W3Codec):
    """Whoosh's codec with field lengths held in memory (the codec is saved in the index)."""

    def per_document_reader(self, storage: Any, segment: Any) -> W3PerDocReader:
        return _LengthsInMemory(storage, segment)


def make_schema() -> Schema:
    lemmas = lemma_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=lemmas, stored=True),  # boosted at query time
        body=TEXT(analyzer=lemmas, stored=True),
        exact=ExactForms(),
        folded=FoldedForms(),
        # Filters, facets and the date sort read these columns.
        date=ID(stored=True, sortable=True),  # "YYYY-MM-DD", "YYYY-MM" or ""
        source=ID(stored=True, sortable=True),  # the agency's key (corpus/agencies.py) or ""
        source_name=STORED,  # the agency's name as shown
        lang=ID(stored=True, sortable=True),
        hash=STORED,
        indexed_at=STORED,  # when this version was indexed, UTC: the feed's date if undated
        source_url=STORED,  # the release on its agency's site (fetched releases, web pages)
        author=STORED,
        fetched_at=STORED,  # when orbita-fetch downloaded it, UTC
        **{SKETCH_FIELD: SketchColumn()},  # near-duplicates (sketches.py)
    )


def document_fields(doc: Document, indexed_at: str = "") -> dict[str, str | tuple[str, str]]:
    """What the index holds of one document."""
    source = resolve_source(doc.source)
    return {
        "id": doc.id,
        "title": doc.title,
        "body": doc.body,
        "exact": (doc.title, doc.body),
        "folded": (doc.title, doc.body),
        "date": doc.date or "",
        "source": source.key if source else "",
        "source_name": source.name if source else "",
        "lang": doc.lang,
        "hash": doc.hash,
        "indexed_at": indexed_at or utc_now(),
        "source_url": doc.url or "",
        "author": doc.author or "",
        "fetched_at": doc.fetched_at or "",
        SKETCH_FIELD: (doc.title, doc.body),
    }


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
