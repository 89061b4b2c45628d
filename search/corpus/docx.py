"""A DOCX release -> title, paragraphs (table rows too), date (python-docx).

The archive is checked before anything is unpacked: member count, the sizes its directory
declares (zipfile never inflates a member past its declared size, and a member whose data does
not match fails its checksum), and the compression ratio, so a zip bomb is refused unread.
A file that is not a readable DOCX raises DocumentError with the reason.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ..errors import DocumentError
from .paragraphs import as_date, parts_from_paragraphs
from .text import Parts

__all__ = ["read_docx"]

MAX_MEMBERS = 2_000
MAX_UNPACKED = 200 * 1024 * 1024  # all members together, as declared
MAX_XML_PART = 50 * 1024 * 1024  # one XML part (document.xml holds the text)
MAX_RATIO = 200  # XML compresses 5-20 times; a member packed far tighter is a bomb
_RATIO_FROM = 1024 * 1024  # small members may have any ratio
_HEADING_STYLES = ("title", "heading 1", "заголовок 1", "название")

_P, _TBL, _TR, _TC, _T, _SDT, _SDT_CONTENT = (
    qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:t"), qn("w:sdt"), qn("w:sdtContent"),
)


def read_docx(data: bytes) -> Parts:
    _check_archive(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            document = docx.Document(io.BytesIO(data))
            paragraphs, heading = _paragraphs(document)
            props = document.core_properties
            title, created = props.title, as_date(props.created)
        except DocumentError:
            raise
        except Exception as err:  # python-docx, zipfile and lxml raise many kinds
            reason = str(err).strip() or type(err).__name__
            raise DocumentError(f"broken DOCX ({reason[:200]})") from err
    if not paragraphs:
        raise DocumentError("empty (no text in the document)")
    return parts_from_paragraphs(paragraphs, title, created, heading)


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise DocumentError(f"broken DOCX (not a zip archive: {err})"[:200]) from err
    if len(members) > MAX_MEMBERS:
        raise DocumentError(f"broken DOCX ({len(members)} files in the archive)")
    if not any(m.filename == "word/document.xml" for m in members):
        raise DocumentError("broken DOCX (no word/document.xml)")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise DocumentError(f"too large unpacked ({total >> 20} MB; a zip bomb?)")
    for m in members:
        if m.filename.endswith((".xml", ".rels")) and m.file_size > MAX_XML_PART:
            raise DocumentError(f"too large unpacked ({m.filename}: {m.file_size >> 20} MB)")
        if m.file_size > _RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise DocumentError(f"suspicious compression ({m.filename}; a zip bomb?)")


def _paragraphs(document: Any) -> tuple[list[str], int | None]:
    """The body's paragraphs and table rows in order; the index of the first heading."""
    out: list[str] = []
    heading: int | None = None
    for el in _body_items(document.element.body):
        if el.tag == _TBL:
            out.extend(_rows(el))
            continue
        paragraph = Paragraph(el, document)
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        if heading is None and _is_heading(paragraph):
            heading = len(out)
        out.append(text)
    return out, heading


def _body_items(body: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body, content controls opened, in document order."""
    stack = list(reversed(body))
    while stack:
        el = stack.pop()
        if el.tag in (_P, _TBL):
            yield el
        elif el.tag in (_SDT, _SDT_CONTENT):
            stack.extend(reversed(el))


def _rows(table: Any) -> Iterator[str]:
    """One line per row, its cells' text side by side (a merged cell is written once)."""
    for row in table.iterchildren(_TR):
        cells = [" ".join("".join(t.text or "" for t in cell.iter(_T)).split())
                 for cell in row.iterchildren(_TC)]
        line = " ".join(c for c in cells if c)
        if line:
            yield line


def _is_heading(paragraph: Paragraph) -> bool:
    try:
        name = (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return False
    return name.casefold().startswith(_HEADING_STYLES)
