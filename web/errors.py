"""Errors on the web: one shape for every error, JSON under /api/ and an HTML page elsewhere,
with the engine's code and message (``{"error": {"code", "message"}}``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException

from search.engine import IndexMissing, QueryError

__all__ = [
    "DOC_NOT_FOUND_MESSAGE",
    "NO_INDEX_MESSAGE",
    "RequestError",
    "error_response",
    "register_errors",
]

NO_INDEX_MESSAGE = "Индекс ещё не построен — запустите reindex."
DOC_NOT_FOUND_MESSAGE = "Такого документа в индексе нет."
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


class RequestError(Exception):
    """A request the app answers with an error: the same code and message in HTML and JSON."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _wants_json() -> bool:
    path = request.path
    return path == "/api" or path.startswith("/api/") or path == "/healthz"


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Any:
    """One error, shaped for where it happened: JSON under /api/, an HTML page elsewhere."""
    body: Any
    if _wants_json():
        body = jsonify({"error": {"code": code, "message": message}})
    elif request_ctx.url_adapter is None:  # a host the app does not answer: no page to link
        body = Response(f"{message}\n", mimetype="text/plain")
    else:
        title = ERROR_TITLES.get(status, "Ошибка")
        if code == "no_index":
            title = "Индекс ещё не построен"
        body = render_template("error.html", status=status, title=title, message=message)
    return body, status, dict(headers or {})


def register_errors(app: Flask) -> None:
    @app.errorhandler(RequestError)
    def request_error(e: RequestError) -> Any:
        return error_response(e.status, e.code, e.message)

    @app.errorhandler(QueryError)
    def query_error(e: QueryError) -> Any:
        return error_response(400, e.code, e.message)

    @app.errorhandler(IndexMissing)
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
