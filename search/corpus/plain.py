"""``.txt`` and ``.md`` releases: front matter, Markdown markup, the title and a dateline."""

from __future__ import annotations

import html
import re

from .dates import date_line, parse_date
from .fields import FIELD_BY_NAME
from .text import (
    EDGE_CHARS,
    INVISIBLE,
    LANG_VALUES,
    Parts,
    clean_title,
    is_blank,
    join_lines,
    same_text,
    short_title,
)

__all__ = ["parse_plain"]

_FM_LINE = re.compile(r"\s*([^\W\d][\w-]*)\s*:\s*(.*?)\s*")
_YAML_LINE = re.compile(r"[\w.-]+\s*:.*|\s+.*|-\s.*|#.*")
_YAML_KEY = re.compile(r"[\w.-]+\s*:")


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """Front matter at the top: ({field: value}, index of the first line after it)."""
    first = 0
    while first < len(lines) and is_blank(lines[first]):
        first += 1
    if first == len(lines):
        return {}, 0
    meta: dict[str, str] = {}
    if lines[first].strip(EDGE_CHARS) == "---":
        # Fenced: every line YAML-like and at least one "key: value"; unknown keys are skipped.
        keys = 0
        for end in range(first + 1, min(len(lines), first + 100)):
            line = lines[end]
            if line.strip() in ("---", "..."):
                break
            if line.strip() and not _YAML_LINE.fullmatch(line):
                return {}, 0
            keys += bool(_YAML_KEY.match(line))
        else:
            return {}, 0
        if not keys:
            return {}, 0
        for line in lines[first + 1 : end]:
            _front_matter_field(line, meta)
        return meta, end + 1
    # Unfenced: only known keys, then a blank line, then the text itself.
    end = first
    while end < len(lines) and not is_blank(lines[end]):
        if not _front_matter_field(lines[end].strip(INVISIBLE), meta):
            return {}, 0
        end += 1
    if all(is_blank(line) for line in lines[end:]):
        return {}, 0  # "Источник: ..." alone is the text, not metadata about it
    return meta, end


def _front_matter_field(line: str, meta: dict[str, str]) -> bool:
    m = _FM_LINE.fullmatch(line)
    if not m:
        return False
    key = FIELD_BY_NAME.get(m.group(1).casefold())
    if key is None:
        return False
    value = m.group(2)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    meta.setdefault(key, value.strip())
    return True


# Markdown, line by line: (kind, text) with kind "h" (heading), "p" (text) or "" (break).
_MD_FENCE = re.compile(r"\s{0,3}(`{3,}|~{3,}).*")
_MD_ATX = re.compile(r"\s{0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_MD_SETEXT = re.compile(r"\s{0,3}(?:=+|-+)[ \t]*")
_MD_RULE = re.compile(r"\s{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_MD_QUOTE = re.compile(r"^\s{0,3}(?:>[ \t]?)+")
_MD_LIST = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_MD_REF_DEF = re.compile(r"\s{0,3}\[[^\]]+\]:\s*\S.*")
_MD_TABLE_RULE = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MD_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~<])")
_MD_INLINE = (
    (re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])"), ""),  # images are dropped
    (re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<((?:https?|ftp)://[^>\s]+|[^@>\s]+@[^>\s]+)>"), r"\1"),
    (re.compile(r"<br\s*/?>", re.IGNORECASE), " "),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
)
_PUA = 0xE000  # escaped characters are parked here so that emphasis rules leave them alone


def _md_inline(text: str) -> str:
    pieces = _MD_CODE_SPAN.split(text)
    out: list[str] = []
    for i in range(0, len(pieces), 3):
        plain = _MD_ESCAPE.sub(lambda m: chr(_PUA + ord(m.group(1))), pieces[i])
        for pattern, replacement in _MD_INLINE:
            plain = pattern.sub(replacement, plain)
        plain = html.unescape(plain)
        out.append(re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group()) - _PUA), plain))
        if i + 2 < len(pieces):
            out.append(pieces[i + 2].strip(" ") or pieces[i + 2])
    return "".join(out)


def _md_items(text: str) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    fence: str | None = None
    for line in _MD_COMMENT.sub("", text).split("\n"):
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
                items.append(("", ""))
            else:
                items.append(("p", line))  # code is kept as it is written
            continue
        m = _MD_FENCE.fullmatch(line)
        if m:
            fence = m.group(1)
            items.append(("", ""))
            continue
        if is_blank(line):
            items.append(("", ""))
            continue
        m = _MD_ATX.fullmatch(line)
        if m:
            items += [("", ""), ("h", _md_inline(m.group(1) or "")), ("", "")]
            continue
        if _MD_SETEXT.fullmatch(line) and items and items[-1][0] == "p":
            # "Title\n=====": the previous line was a heading
            items[-1:] = [("", ""), ("h", items[-1][1]), ("", "")]
            continue
        if _MD_RULE.fullmatch(line) or _MD_SETEXT.fullmatch(line):
            items.append(("", ""))
            continue
        if _MD_REF_DEF.fullmatch(line) or _MD_TABLE_RULE.fullmatch(line):
            continue
        line = _MD_QUOTE.sub("", line, count=1)
        line = _MD_LIST.sub(r"\1", line, count=1)
        line = _md_inline(line)
        items.append(("p", line) if not is_blank(line) else ("", ""))
    return items


def _is_kicker(line: str) -> bool:
    line = line.strip()
    return bool(date_line(line)) or (len(line) <= 60 and not line.endswith(tuple(".!?…:;")))


def _next_filled(items: list[tuple[str, str]], start: int) -> int | None:
    return next((i for i in range(start, len(items)) if items[i][0]), None)


def parse_plain(text: str, markdown: bool) -> Parts:
    lines = text.split("\n")
    meta, start = _front_matter(lines)
    lines = lines[start:]
    if markdown:
        items = _md_items("\n".join(lines))
    else:
        items = [("", "") if is_blank(line) else ("p", line) for line in lines]

    date = parse_date(meta.get("date"))
    title = clean_title(meta.get("title", ""))
    title_at = 0
    if title:
        # An explicit title; drop the first line if it only repeats it.
        first = _next_filled(items, 0)
        if first is not None and same_text(items[first][1], title):
            del items[first]
    else:
        filled = [i for i, (kind, _) in enumerate(items) if kind][:3]
        if not filled:
            return Parts(title="", body="")
        title_at = filled[0]
        if markdown:
            # The first heading, if only a dateline or a kicker ("ПРЕСС-РЕЛИЗ") comes before
            # it; a heading after real paragraphs is a section, not the title.
            for n, i in enumerate(filled):
                if items[i][0] == "h" and all(_is_kicker(items[j][1]) for j in filled[:n]):
                    title_at = i
                    break
        if title_at == filled[0] and len(filled) > 1 and date_line(items[filled[0]][1]):
            title_at = filled[1]  # a dateline first: the title follows, the dateline stays
        title, whole = short_title(items[title_at][1])
        if whole:
            del items[title_at]
    if date is None:
        # A dateline as the release's first line or as the first line after its title.
        for start_at in (0, title_at):
            found = _next_filled(items, start_at)
            if found is not None and (date := date_line(items[found][1])):
                break

    body = join_lines(line for _, line in items)
    return Parts(
        title=title,
        body=body,
        date=date,
        source=meta.get("source") or None,
        lang=LANG_VALUES.get(meta.get("lang", "").casefold()),
    )
