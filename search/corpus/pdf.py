"""A PDF release -> title, paragraphs, date, from its text layer (pypdf).

Lines come in the order of the page's content stream (the order the text was written, which is
reading order for releases exported from a word processor), with their height on the page and
font size; a paragraph ends where the gap to the next line is wider than the document's usual
line spacing, where the font size changes, or where a short line ends a sentence. Running headers,
footers and page numbers repeated on most pages are dropped.

A PDF without a text layer (a scan) or one that cannot be read raises DocumentError with the
reason; nothing is indexed empty. Bounded: at most MAX_PAGES pages, MAX_SECONDS of extraction
(checked between pages), MAX_TEXT_CHARS of text; pypdf caps every decompressed stream itself.
"""

from __future__ import annotations

import io
import re
import statistics
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pypdf import PasswordType, PdfReader

from ..errors import DocumentError
from .paragraphs import as_date, parts_from_paragraphs
from .text import Parts

__all__ = ["MAX_PAGES", "read_pdf"]

MAX_PAGES = 300
MAX_SECONDS = 30.0
MAX_TEXT_CHARS = 5_000_000
NO_TEXT = "no text layer (a scanned document?)"


@dataclass(slots=True)
class _Line:
    text: str
    y: float
    size: float
    page: int


def read_pdf(data: bytes) -> Parts:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = _open(data)
            title, created = _metadata(reader)
            lines = _lines(reader)
        except DocumentError:
            raise
        except Exception as err:  # pypdf raises many kinds on damaged files
            raise DocumentError(f"broken PDF ({_reason(err)})") from err
    if not any(line.text.strip() for line in lines):
        raise DocumentError(NO_TEXT)
    paragraphs, heading = _paragraphs(_drop_running_lines(lines))
    return parts_from_paragraphs(paragraphs, title, created, heading)


def _reason(err: Exception) -> str:
    text = str(err).strip() or type(err).__name__
    return text[:200]


def _open(data: bytes) -> PdfReader:
    if not data.lstrip()[:1024].startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise DocumentError("not a PDF (no %PDF header)")
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # many PDFs are "encrypted" with an empty password
        except Exception as err:
            raise DocumentError(f"encrypted PDF ({_reason(err)})") from err
        if opened == PasswordType.NOT_DECRYPTED:
            raise DocumentError("encrypted PDF (a password is needed to read it)")
    pages = len(reader.pages)
    if pages == 0:
        raise DocumentError("PDF without pages")
    if pages > MAX_PAGES:
        raise DocumentError(f"too many pages ({pages} > {MAX_PAGES})")
    return reader


def _metadata(reader: PdfReader) -> tuple[str | None, str | None]:
    try:
        info = reader.metadata
        if info is None:
            return None, None
        title = info.title if isinstance(info.title, str) else None
        try:
            created = as_date(info.creation_date)
        except Exception:  # a malformed date string is no date
            created = None
        return title, created
    except Exception:  # damaged metadata must not cost the text
        return None, None


def _lines(reader: PdfReader) -> list[_Line]:
    """Every text line with its height on the page and font size, page after page."""
    started = time.monotonic()
    lines: list[_Line] = []
    chars = 0
    for number, page in enumerate(reader.pages):
        if time.monotonic() - started > MAX_SECONDS:
            raise DocumentError(f"too slow to read (over {MAX_SECONDS:.0f} s at page {number + 1})")
        before = len(lines)
        collector = _PageLines(number, lines)
        page.extract_text(visitor_text=collector.visit)
        collector.flush()
        chars += sum(len(line.text) for line in lines[before:])
        if chars > MAX_TEXT_CHARS:
            raise DocumentError(f"too much text (over {MAX_TEXT_CHARS:,} characters)")
    return lines


_SPACES = re.compile(r"[ \t\u00a0]+")


class _PageLines:
    """Receives pypdf's text pieces (they add up to its plain text) and cuts them into lines,
    each with the position and size of its first visible piece."""

    def __init__(self, page: int, lines: list[_Line]) -> None:
        self.page = page
        self.lines = lines
        self._buf: list[str] = []
        self._where: tuple[float, float] | None = None

    def visit(self, text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        for i, part in enumerate(text.split("\n")):
            if i:
                self.flush()
            if part:
                if self._where is None and part.strip():
                    self._where = _position(cm, tm, size)
                self._buf.append(part)

    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self._buf)).strip()
        if text:
            y, size = self._where or (0.0, 0.0)
            self.lines.append(_Line(text, y, size, self.page))
        self._buf.clear()
        self._where = None


def _position(cm: Any, tm: Any, size: float) -> tuple[float, float]:
    """(height on the page, font size in points) of a piece of text."""
    try:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
        return float(y), float(size) * float(scale)
    except (TypeError, IndexError):
        return 0.0, float(size or 0)


_PAGE_NUMBER = re.compile(
    r"(?:[-–—]\s*)?(?:(?:стр\.?|страница|page|бет)\s*)?\d{1,4}(?:\s*(?:из|of|/)\s*\d{1,4})?"
    r"(?:\s*[-–—])?",
    re.IGNORECASE,
)


def _drop_running_lines(lines: list[_Line]) -> list[_Line]:
    """Page numbers, and headers or footers repeated at the top or bottom of most pages."""
    pages = max((line.page for line in lines), default=0) + 1
    def shape(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text)

    edges: Counter[str] = Counter()
    by_page: dict[int, list[_Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    for page_lines in by_page.values():
        if len(page_lines) > 4:
            edges.update({shape(line) for line in page_lines[:2] + page_lines[-2:]})
    repeated = {text for text, n in edges.items() if pages >= 3 and n * 2 >= pages}
    return [
        line for line in lines
        if not _PAGE_NUMBER.fullmatch(line.text) and shape(line) not in repeated
    ]


_SENTENCE_END = re.compile(r"[.!?…:;][\"'»”’)\]]*$")


def _paragraphs(lines: list[_Line]) -> tuple[list[str], int | None]:
    """Lines joined into paragraphs; also the index of the first paragraph set in a larger font
    than the text (the headline), if any."""
    if not lines:
        return [], None
    gaps: dict[float, list[float]] = {}
    for prev, line in zip(lines, lines[1:], strict=False):
        if prev.page == line.page and _same_size(prev, line) and 0 < prev.y - line.y:
            gaps.setdefault(round(line.size), []).append(prev.y - line.y)
    spacing = {size: statistics.median(g) for size, g in gaps.items()}
    # Line width, roughly: characters times font size. A full line is as wide as the widest
    # tenth of the document's lines.
    widths = sorted(_width(line) for line in lines)
    full = widths[int(len(widths) * 0.9)]

    paragraphs: list[list[_Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:], strict=False):
        if _continues(prev, line, spacing, full):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])

    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size)] += len(line.text)
    body_size = sizes.most_common(1)[0][0]
    heading = next(
        (i for i, p in enumerate(paragraphs) if round(p[0].size) > body_size * 1.15), None
    )
    return [_join(p) for p in paragraphs], heading


def _same_size(a: _Line, b: _Line) -> bool:
    return abs(a.size - b.size) <= 0.15 * max(a.size, b.size, 1.0)


def _width(line: _Line) -> float:
    return len(line.text) * max(line.size, 1.0)


def _continues(prev: _Line, line: _Line, spacing: dict[float, float], full: float) -> bool:
    if not _same_size(prev, line):
        return False
    if prev.page != line.page:
        # a paragraph runs on over a page break when its sentence does
        return not _SENTENCE_END.search(prev.text) and line.text[:1].islower()
    gap = prev.y - line.y
    usual = spacing.get(round(line.size))
    if gap <= 0 or (usual and gap > usual * 1.35):
        return False
    if _width(prev) < 0.75 * full:
        # a short line ends its paragraph when it ends a sentence or another short line follows
        # (a kicker, a dateline, an address)
        return not (_SENTENCE_END.search(prev.text) or _width(line) < 0.75 * full)
    return True


def _join(lines: list[_Line]) -> str:
    text = lines[0].text
    for line in lines[1:]:
        # A hyphen at the end of a line is kept ("ракеты-носителя"); word processors do not
        # hyphenate releases by themselves.
        if text.endswith(("-", "‐")) and text[-2:-1].isalpha() and line.text[:1].isalpha():
            text += line.text
        else:
            text += " " + line.text
    return text
