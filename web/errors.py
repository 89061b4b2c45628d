"""Errors on the web: one shape for every error, JSON under /api/ and for the exports, an HTML
page elsewhere, with a code for programs and a message in the interface language
(``{"error": {"code", "message"}}``).

The engine's :class:`QueryError` says its message in Russian; the web says it again in the
reader's language from the catalogue, by the error's code (and its ``reason`` when one code
covers several cases), filled with the values the error carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException

from search.engine import IndexMissing, QueryError

from .i18n import DEFAULT_LANGUAGE, Catalogue, current

__all__ = ["RequestError", "error_response", "query_error_message", "register_errors"]

HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    414: "uri_too_long",
    500: "internal_error",
    503: "unavailable",
}
TITLED = (404, 405, 500, 503)  # statuses with a title of their own; others: "errors.title"
JSON_PATHS = frozenset({"/api", "/healthz", "/export.csv", "/export.jsonl"})


class RequestError(Exception):
    """A request the app answers with an error: the same code, and the catalogue's message
    under `key` (``errors.*``), in HTML and JSON."""

    def __init__(self, status: int, code: str, key: str) -> None:
        super().__init__(key)
        self.status, self.code, self.key = status, code, key


def query_error_message(error: QueryError, cat: Catalogue) -> str:
    """The engine's refusal in the catalogue's language (the engine's own Russian sentence
    for a code the catalogue does not know yet, or a general sentence in other languages)."""
    params: dict[str, Any] = dict(error.params)
    reason = params.pop("reason", None)
    if isinstance(params.get("length"), int):
        params["chars"] = cat.plural("plural.chars", int(params["length"]))
    keys = [f"query_error.{error.code}.{reason}", f"query_error.{error.code}"]
    if reason:
        keys.append(f"query_error.{reason}")
    for key in keys:
        if isinstance(cat.messages.get(key), str):
            return cat.text(key, **params)
    if cat.lang == DEFAULT_LANGUAGE:
        return error.message
    return cat.text("query_error.unknown")


def _wants_json() -> bool:
    return request.path in JSON_PATHS or request.path.startswith("/api/")


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Any:
    """One error, shaped for where it happened: JSON under /api/ and for the exports, an
    HTML page elsewhere."""
    body: Any
    if _wants_json():
        body = jsonify({"error": {"code": code, "message": message}})
    elif request_ctx.url_adapter is None:  # a host the app does not answer: no page to link
        body = Response(f"{message}\n", mimetype="text/plain")
    else:
        cat = current()
        title = cat.text(f"errors.title_{status}" if status in TITLED else "errors.title")
        if code == "no_index":
            title = cat.text("errors.title_no_index")
        body = render_template("error.html", status=status, title=title, message=message)
    return body, status, dict(headers or {})


def register_errors(app: Flask) -> None:
    @app.errorhandler(RequestError)
    def request_error(e: RequestError) -> Any:
        return error_response(e.status, e.code, current().text(e.key))

    @app.errorhandler(QueryError)
    def query_error(e: QueryError) -> Any:
        return error_response(400, e.code, query_error_message(e, current()))

    @app.errorhandler(IndexMissing)
    def no_index(_e: Exception) -> Any:
        return error_response(503, "no_index", current().text("errors.no_index"),
                              {"Retry-After": "60"})

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Any:
        status = e.code or 500
        code = HTTP_CODES.get(status)
        message = current().text(f"errors.{code}" if code else "errors.other")
        allow = {k: v for k, v in e.get_headers() if k == "Allow"}  # a 405 says what is allowed
        return error_response(status, code or e.name.lower().replace(" ", "_"), message, allow)

    @app.errorhandler(Exception)
    def unexpected(e: Exception) -> Any:
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", current().text("errors.internal_error"))
