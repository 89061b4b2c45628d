"""Title, date and body of a document that arrives as paragraphs (PDF, DOCX).

Shared by the PDF and DOCX readers: the title from the document's properties when it is a real
title, else its first heading, else its first line; the date from a dateline near the top, else
the properties' creation date.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from .dates import date_line
from .text import Parts, clean_title, same_text, short_title

# Titles that programs write into a document's properties by themselves.
_JUNK_TITLE = re.compile(
    r"(?:microsoft\s+(?:word|powerpoint|excel)\s*-\s*.*|untitled.*|без\s+(?:названия|имени)"
    r"|документ\s*\d*|document\s*\d*|doc\d*|презентация.*|presentation.*|slide\s*\d*"
    r"|слайд\s*\d*|title|заголовок|.*\.(?:docx?|pdf|odt|rtf|pptx?|xlsx?|indd|tex|txt|html?))",
    re.IGNORECASE,
)
# Lines above a release's headline that are not its headline.
_KICKER = re.compile(
    r"(?:пресс-релиз|press\s+release|news\s+release|новости|news|for\s+immediate\s+release"
    r"|для\s+немедленного\s+(?:распространения|опубликования)|сообщение\s+для\s+сми"
    r"|информационное\s+сообщение|баспасөз\s+релизі)[.:!]?",
    re.IGNORECASE,
)
_TOP_LINES = 6  # a dateline is one of the first few paragraphs
_HEADING_SEARCH = 10  # the first heading counts as the title only among the first paragraphs


def is_real_title(title: str | None) -> bool:
    title = clean_title(title or "")
    letters = sum(c.isalpha() for c in title)
    return letters >= 3 and not _JUNK_TITLE.fullmatch(title)


def as_date(value: object) -> str | None:
    """A properties date (datetime) as YYYY-MM-DD, when it is a plausible release date."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date) and 1990 <= value.year <= date.today().year + 1:
        return value.isoformat()
    return None


def parts_from_paragraphs(
    paragraphs: list[str],
    meta_title: str | None,
    meta_date: str | None,
    heading: int | None = None,
) -> Parts:
    """`heading`: index of the paragraph the document marks as its first heading, if any."""
    paragraphs = [p for p in paragraphs if p.strip()]
    title = clean_title(meta_title or "") if is_real_title(meta_title) else ""
    if title:
        for i, p in enumerate(paragraphs[:3]):
            if same_text(p, title):
                del paragraphs[i]
                break
    else:
        at = heading if heading is not None and heading < _HEADING_SEARCH else None
        if at is None:
            at = next(
                (i for i, p in enumerate(paragraphs[:_HEADING_SEARCH])
                 if not date_line(p) and not _KICKER.fullmatch(p.strip())),
                None,
            )
        if at is not None:
            title, whole = short_title(paragraphs[at])
            if whole:
                del paragraphs[at]
    dated = next((d for p in paragraphs[:_TOP_LINES] if (d := date_line(p))), None)
    return Parts(title=title, body="\n\n".join(paragraphs), date=dated, file_date=meta_date)
