"""Orbita's web front: the search page, the document page and the JSON API.

    from web import create_app
    app = create_app({"INDEX_DIR": "index"})
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from . import index_access
from .results import NO_INDEX_MESSAGE, RequestError

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

HTTP_MESSAGES = {
    400: ("bad_request", "Неверный запрос."),
    404: ("not_found", "Такой страницы нет."),
    405: ("method_not_allowed", "Этот адрес не принимает такой метод запроса."),
    413: ("too_large", "Запрос слишком большой."),
    414: ("uri_too_long", "Адрес запроса слишком длинный."),
    500: ("internal_error", "Внутренняя ошибка сервера. Попробуйте ещё раз позже."),
    503: ("unavailable", "Сервис временно недоступен."),
}
ERROR_TITLES = {
    404: "Не найдено",
    405: "Метод не поддерживается",
    500: "Ошибка сервера",
    503: "Поиск недоступен",
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app.

    :param config: overrides; ``INDEX_DIR`` and ``CORPUS_DIR`` default to the ``ORBITA_INDEX``
        and ``ORBITA_CORPUS`` environment variables, else ``index/`` and ``corpus/`` in the
        current directory.
    """
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("ORBITA_INDEX") or "index",
        CORPUS_DIR=os.environ.get("ORBITA_CORPUS") or "corpus",
    )
    if config is not None:
        app.config.from_mapping(config)
    app.config["INDEX_DIR"] = Path(app.config["INDEX_DIR"]).resolve()
    app.config["CORPUS_DIR"] = Path(app.config["CORPUS_DIR"]).resolve()
    app.debug = False  # never, whatever FLASK_DEBUG says
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.merge_slashes = False  # "/doc//etc/passwd" is a 404, not a redirect

    index_access.init_app(app)
    _register_errors(app)
    app.after_request(_security_headers)

    from . import api, feed, pages, releases

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(releases.bp)
    app.register_blueprint(feed.bp)
    return app


def _security_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


def _wants_json() -> bool:
    path = request.path
    return path == "/api" or path.startswith("/api/") or path == "/healthz"


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Any:
    """One error, shaped for where it happened: JSON under /api/, an HTML page elsewhere."""
    if _wants_json():
        body = jsonify({"error": {"code": code, "message": message}})
    else:
        title = ERROR_TITLES.get(status, "Ошибка")
        if code == "no_index":
            title = "Индекс ещё не построен"
        body = render_template("error.html", status=status, title=title, message=message)
    return body, status, dict(headers or {})


def _register_errors(app: Flask) -> None:
    @app.errorhandler(RequestError)
    def request_error(e: RequestError) -> Any:
        return error_response(e.status, e.code, e.message)

    @app.errorhandler(index_access.IndexMissing)
    def no_index(_e: Exception) -> Any:
        return error_response(503, "no_index", NO_INDEX_MESSAGE, {"Retry-After": "60"})

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Any:
        status = e.code or 500
        code, message = HTTP_MESSAGES.get(
            status, (e.name.lower().replace(" ", "_"), "Запрос не может быть выполнен.")
        )
        allow = {k: v for k, v in e.get_headers() if k == "Allow"}  # a 405 says what is allowed
        return error_response(status, code, message, allow)

    @app.errorhandler(Exception)
    def unexpected(e: Exception) -> Any:
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, *HTTP_MESSAGES[500])
