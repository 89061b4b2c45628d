"""One engine per app, on the app's index folder.

The engine opens the index lazily: an app started before the first `reindex` answers 503 until
an index appears, then picks it up without a restart.
"""

from __future__ import annotations

from flask import Flask, current_app

from search.engine import Engine

__all__ = ["EXTENSION", "get_engine", "init_app"]

EXTENSION = "orbita.engine"


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Engine(app.config["INDEX_DIR"])


def get_engine() -> Engine:
    """The app's engine."""
    engine: Engine = current_app.extensions[EXTENSION]
    return engine
