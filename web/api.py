"""The JSON API and the health check: the same dicts as the pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request

from search.engine import IndexMissing

from .access import get_engine
from .i18n import current
from .results import doc_data, overview_data, related_data, search_results

__all__ = ["MAX_SUGGEST_CHARS", "bp"]

bp = Blueprint("api", __name__)

MAX_SUGGEST_CHARS = 100  # what a keystroke sends beyond this is not looked at


@bp.get("/api/search")
def search_json() -> Any:
    return jsonify(search_results(request.args))


@bp.get("/api/overview")
def overview_json() -> Any:
    """The archive at a glance, as the front page shows it (web/results.py overview_data)."""
    return jsonify(overview_data())


@bp.get("/api/suggest")
def suggest_json() -> Any:
    """Completions of what is being typed, for the search box: ``{"query", "suggestions"}``.
    The first call after a reindex starts building them and answers an empty list (unless
    the app's ``SUGGEST_WAIT`` is set, as in tests)."""
    q = (request.args.get("q") or "")[:MAX_SUGGEST_CHARS]
    found: list[str] = []
    if q.strip():
        found = get_engine().suggest(q, wait=bool(current_app.config.get("SUGGEST_WAIT")))
    return jsonify({"query": q, "suggestions": found})


@bp.get("/api/doc/<path:doc_id>")
def document_json(doc_id: str) -> Any:
    return jsonify(doc_data(doc_id, request.args.get("q")))


@bp.get("/api/related/<path:doc_id>")
def related_json(doc_id: str) -> Any:
    return jsonify(related_data(doc_id))


@bp.get("/healthz")
def healthz() -> Any:
    try:
        documents = get_engine().doc_count()
    except IndexMissing:
        return jsonify({"status": "no_index", "documents": 0,
                        "message": current().text("errors.no_index")}), 503
    return jsonify({"status": "ok", "documents": documents})
