"""The JSON API and the health check: the same dicts as the pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request

from search.suggest import MAX_PREFIX_CHARS, suggestions_for

from .index_access import IndexMissing, get_handle
from .results import NO_INDEX_MESSAGE, load_doc, search_results

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search_json() -> Any:
    return jsonify(search_results(request.args))


@bp.get("/api/suggest")
def suggest_json() -> Any:
    """Completions of what is being typed, for the search box: ``{"query", "suggestions"}``.
    The first call after a reindex starts building them and answers an empty list (unless
    the app's ``SUGGEST_WAIT`` is set, as in tests)."""
    q = (request.args.get("q") or "")[:MAX_PREFIX_CHARS]
    found: list[str] = []
    if q.strip():
        wait = bool(current_app.config.get("SUGGEST_WAIT"))
        found = suggestions_for(get_handle(), q, wait=wait)
    return jsonify({"query": q, "suggestions": found})


@bp.get("/api/doc/<path:doc_id>")
def document_json(doc_id: str) -> Any:
    return jsonify(load_doc(doc_id, request.args.get("q")))


@bp.get("/healthz")
def healthz() -> Any:
    try:
        documents = get_handle().doc_count()
    except IndexMissing:
        return jsonify({"status": "no_index", "documents": 0, "message": NO_INDEX_MESSAGE}), 503
    return jsonify({"status": "ok", "documents": documents})
