"""Taking a search away: ``/export.csv`` and ``/export.jsonl``.

Both take the parameters of ``/api/search`` (``q``, ``sort``, ``noc``, the filters; ``page`` and
``per_page`` do not apply) and give the search's hits in rank order, copies folded as on the
page, at most EXPORT_MAX_ROWS of them (the app config; 10,000 by default and at most). The
search is ranked before the answer starts, so a bad query is a JSON 400 like the API's; the
rows are then streamed, each read from the index as it is sent.

Columns (CSV header, JSON keys): ``id``, ``title``, ``date``, ``agency`` (the agency's name),
``agency_key``, ``language`` (``ru``, ``kk``, ``en``, ``mixed``), ``url`` (the document page,
absolute as in the feed), ``source_url`` (the release on the agency's site, when known),
``score``, ``snippet`` (the page's snippet as plain text), ``copies`` (ids of the copies
folded into the row; in CSV joined by `` | ``).

When the search matched more than the rows hold, the answer says so three ways: the header
``X-Orbita-Truncated: true`` (with ``X-Orbita-Rows`` and ``X-Orbita-Total``), a last CSV row
whose ``id`` is ``#truncated`` and whose ``title`` says it in the interface language, and a
last JSON line ``{"truncated": true, "rows", "total", "message"}``.

The CSV opens as it should in a spreadsheet: UTF-8 with a BOM, every field quoted, CRLF line
ends, and no cell a spreadsheet would run as a formula: a cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, request, stream_with_context, url_for

from search.engine import MAX_EXPORT_ROWS, Export, ExportRow, SearchRequest

from .access import get_engine
from .i18n import current
from .links import absolute

__all__ = ["COLUMNS", "TRUNCATED_ID", "bp", "export_limit", "safe_cell"]

bp = Blueprint("export", __name__)

COLUMNS = ("id", "title", "date", "agency", "agency_key", "language", "url", "source_url",
           "score", "snippet", "copies")
TRUNCATED_ID = "#truncated"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # no place in a cell or a line


def export_limit() -> int:
    """Rows an export holds at most: the app's EXPORT_MAX_ROWS, never above the engine's."""
    configured = current_app.config.get("EXPORT_MAX_ROWS") or MAX_EXPORT_ROWS
    return max(1, min(int(configured), MAX_EXPORT_ROWS))


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: never a formula, no control characters."""
    text = _CONTROLS.sub("", "" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@bp.get("/export.csv")
def csv_export() -> Response:
    export = _export()

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

        def line(cells: list[Any]) -> str:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([safe_cell(c) for c in cells])
            return buffer.getvalue()

        yield "\ufeff" + line(list(COLUMNS))
        for row in export:
            record = _record(row)
            record["copies"] = " | ".join(record["copies"])
            yield line([record[c] for c in COLUMNS])
        if export.truncated:
            yield line([TRUNCATED_ID, _truncated_message(export)] + [""] * (len(COLUMNS) - 2))

    return _response(export, lines(), "text/csv; charset=utf-8", "csv")


@bp.get("/export.jsonl")
def jsonl_export() -> Response:
    export = _export()

    def lines() -> Iterator[str]:
        for row in export:
            yield json.dumps(_record(row), ensure_ascii=False) + "\n"
        if export.truncated:
            yield json.dumps({"truncated": True, "rows": export.rows, "total": export.total,
                              "message": _truncated_message(export)}, ensure_ascii=False) + "\n"

    return _response(export, lines(), "application/jsonl; charset=utf-8", "jsonl")


def _export() -> Export:
    """The request's search, ranked (:raises QueryError:, :raises IndexMissing: before any
    byte of the answer is sent)."""
    return get_engine().export(SearchRequest.from_params(request.args), export_limit())


def _record(row: ExportRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": _CONTROLS.sub("", row.title),
        "date": row.date,
        "agency": row.source_label,
        "agency_key": row.source,
        "language": row.lang,
        "url": absolute(url_for("pages.document", doc_id=row.id, ui=None)),
        "source_url": row.source_url,
        "score": row.score,
        "snippet": _CONTROLS.sub("", row.snippet),
        "copies": row.copies,
    }


def _truncated_message(export: Export) -> str:
    return current().text("export.truncated", rows=export.rows, total=export.total)


def _response(export: Export, body: Iterator[str], mimetype: str, ext: str) -> Response:
    response = Response(stream_with_context(body), content_type=mimetype)
    response.call_on_close(export.close)  # also when the client leaves before the first row
    response.headers["Content-Disposition"] = f'attachment; filename="orbita-search.{ext}"'
    response.headers["X-Orbita-Truncated"] = "true" if export.truncated else "false"
    response.headers["X-Orbita-Rows"] = str(export.rows)
    response.headers["X-Orbita-Total"] = str(export.total)
    response.headers["Cache-Control"] = "no-store"
    return response
