"""Every error a caller of the engine may catch, in one place.

Each carries one sentence a person can act on; the web answers them with its own status codes
(``QueryError`` → 400, ``IndexMissing`` → 503) and the command lines print them.
"""

from __future__ import annotations

__all__ = ["DocumentError", "IndexMissing", "QueryError", "ReindexError", "SynonymError"]


class QueryError(ValueError):
    """A query that cannot be run; ``message`` says why in plain Russian, ``code`` names it
    for programs (``empty_query``, ``bad_date``, …).

    ``params`` carry what the message says in values, so that an interface can say it in
    another language: ``reason`` tells apart the cases one code covers (``bad_page``:
    ``not_number``, ``too_small``, ``window``), the others fill the sentence (``value``,
    ``max``, ``length``, ``name``, ``start``, ``end``).
    """

    def __init__(self, code: str, message: str, **params: str | int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params: dict[str, str | int] = params


class DocumentError(Exception):
    """A file that cannot become a document; str(err) is one clear, human reason (English)."""


class IndexMissing(Exception):
    """No usable index in this folder yet (never built, or built by another version)."""


class ReindexError(Exception):
    """A reindex that cannot run; the message says why in one sentence."""


class SynonymError(ValueError):
    """A line of the synonym dictionary that cannot be read; the message names the line."""
