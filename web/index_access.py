"""One index handle per app, one searcher per request.

The handle is opened lazily: an app started before the first `reindex` answers 503 until an
index appears, then picks it up without a restart.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack
from pathlib import Path

from flask import Flask, current_app, g
from whoosh.searching import Searcher

from search.index import IndexHandle, IndexMissing, open_index

EXTENSION = "orbita.index"


class IndexAccess:
    """Opens the index in `index_dir` on first use; thread-safe."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._handle: IndexHandle | None = None
        self._lock = threading.Lock()

    def handle(self) -> IndexHandle:
        """The open handle. :raises IndexMissing: no index has been built yet."""
        if self._handle is None:
            with self._lock:
                if self._handle is None:
                    self._handle = open_index(self.index_dir)
        return self._handle

    def close(self) -> None:
        """Close the handle's searchers (an app that is done with its index)."""
        if self._handle is not None:
            self._handle.close()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = IndexAccess(app.config["INDEX_DIR"])
    app.teardown_appcontext(close_searcher)


def get_handle() -> IndexHandle:
    """The app's index handle. :raises IndexMissing: no index has been built yet."""
    return current_app.extensions[EXTENSION].handle()


def get_searcher() -> Searcher:
    """A searcher on the current index generation, shared by the request and closed after it."""
    if "searcher" not in g:
        stack = ExitStack()
        try:
            g.searcher = stack.enter_context(get_handle().searcher())
        except BaseException:
            stack.close()
            raise
        g.searcher_stack = stack
    return g.searcher


def close_searcher(_exc: BaseException | None = None) -> None:
    g.pop("searcher", None)
    stack = g.pop("searcher_stack", None)
    if stack is not None:
        stack.close()


__all__ = ["IndexAccess", "IndexMissing", "get_handle", "get_searcher", "init_app"]
