"""Orbita's web front: the search page, the document page and the JSON API.

    from web import create_app
    app = create_app({"INDEX_DIR": "index"})
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response

from . import access, api, export, feed, i18n, pages
from .errors import register_errors

__all__ = ["create_app"]

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app.

    :param config: overrides; ``INDEX_DIR`` and ``CORPUS_DIR`` default to the ``ORBITA_INDEX``
        and ``ORBITA_CORPUS`` environment variables, else ``index/`` and ``corpus/`` in the
        current directory; ``EXPORT_MAX_ROWS`` caps the exports (10,000, the most).
    """
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("ORBITA_INDEX") or "index",
        CORPUS_DIR=os.environ.get("ORBITA_CORPUS") or "corpus",
        PUBLIC_URL=os.environ.get("ORBITA_PUBLIC_URL") or None,
    )
    if config is not None:
        app.config.from_mapping(config)
    public = app.config.get("PUBLIC_URL")
    if public and not str(public).startswith(("http://", "https://")):
        raise ValueError(f"PUBLIC_URL must be an http(s) address, not {public!r}")
    app.config["INDEX_DIR"] = Path(app.config["INDEX_DIR"]).resolve()
    app.config["CORPUS_DIR"] = Path(app.config["CORPUS_DIR"]).resolve()
    app.debug = False  # never, whatever FLASK_DEBUG says
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.merge_slashes = False  # "/doc//etc/passwd" is a 404, not a redirect

    access.init_app(app)
    i18n.init_app(app)
    register_errors(app)
    app.after_request(_security_headers)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feed.bp)
    app.register_blueprint(export.bp)
    app.jinja_env.globals["export_rows"] = export.export_limit
    return app


def _security_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response
