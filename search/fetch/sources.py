"""The sources file (``sources.toml``): which agencies to fetch, from which feeds and sitemaps.

Every mistake is a `SourcesError` naming the file and the line, raised before anything is
fetched or written, so a broken file never touches the corpus.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..corpus import resolve_source

__all__ = ["FetchSettings", "Source", "SourcesError", "SourcesFile", "load_sources", "origin"]

SOURCE_FIELDS = ("key", "name", "lang", "feeds", "sitemaps", "allow")
SETTINGS_FIELDS = (
    "contact", "connect_timeout", "read_timeout", "deadline", "max_retry_after", "retries",
)
# A key names a folder of the corpus: plain ASCII, no dots or slashes that could leave it.
_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
DEFAULT_CONTACT = "https://example.org/orbita-contact"


class SourcesError(Exception):
    """The sources file cannot be used; str(err) is ``file:line: what is wrong``."""


@dataclass(frozen=True)
class Source:
    key: str  # folder under the corpus, the agency's key in search/data/sources.txt
    name: str  # the agency's display name (from sources.txt)
    lang: str | None
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    allow: tuple[str, ...]  # URL prefixes that items and redirects may go to
    line: int = 0

    def allows(self, url: str) -> bool:
        """Whether `url` lies under one of the allowed prefixes (compared by scheme, host and
        path, so ``http://agency.example`` never matches ``http://agency.example.evil``)."""
        parts = urlsplit(url)
        for prefix in self.allow:
            p = urlsplit(prefix)
            if (parts.scheme, parts.netloc.lower()) != (p.scheme, p.netloc.lower()):
                continue
            if (parts.path or "/").startswith(p.path or "/"):
                return True
        return False


@dataclass(frozen=True)
class FetchSettings:
    contact: str = DEFAULT_CONTACT  # shown in the User-Agent so a site can reach the operator
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 120.0  # whole response, however slowly its bytes come
    max_retry_after: float = 60.0  # a longer Retry-After skips the host for this run
    retries: int = 2


@dataclass(frozen=True)
class SourcesFile:
    path: Path
    sources: tuple[Source, ...]
    settings: FetchSettings = field(default_factory=FetchSettings)


def origin(url: str) -> str:
    """``scheme://host[:port]/`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}/"


def load_sources(path: Path) -> SourcesFile:
    """Read and check a sources file; raises SourcesError naming the line of the first problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"{path}: sources file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SourcesError(f"{path}: cannot read the sources file ({err})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", None) or _line_from_message(str(err))
        raise SourcesError(f"{path}:{line or '?'}: TOML syntax error: {err}") from None
    return _Checker(path, text).check(data)


def _line_from_message(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


class _Checker:
    """Turns the parsed TOML into Sources; tomllib keeps no positions, so lines are found by
    matching the text: the n-th ``[[source]]`` header, then the field's ``name =`` line in it."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()
        self.headers = [
            n for n, line in enumerate(self.lines, 1)
            if re.match(r"\s*\[\[\s*source\s*\]\]", line)
        ]
        fetch = [n for n, line in enumerate(self.lines, 1) if re.match(r"\s*\[\s*fetch\s*\]", line)]
        self.fetch_line = fetch[0] if fetch else 1

    def fail(self, line: int, message: str) -> SourcesError:
        return SourcesError(f"{self.path}:{line}: {message}")

    def field_line(self, start: int, name: str) -> int:
        for n in range(start, len(self.lines) + 1):
            if n > start and re.match(r"\s*\[", self.lines[n - 1]):
                break
            if re.match(rf"\s*{re.escape(name)}\s*=", self.lines[n - 1]):
                return n
        return start

    def check(self, data: dict[str, Any]) -> SourcesFile:
        for name in data:
            if name not in ("source", "fetch"):
                raise self.fail(
                    self.field_line(1, name),
                    f"unknown field {name!r} at the top (expected [[source]] tables and an "
                    "optional [fetch] table)",
                )
        settings = self.settings(data.get("fetch", {}))
        tables = data.get("source", [])
        if not isinstance(tables, list) or not tables:
            raise self.fail(1, "no [[source]] table: nothing to fetch")
        sources: list[Source] = []
        seen: dict[str, int] = {}
        for n, table in enumerate(tables):
            line = self.headers[n] if n < len(self.headers) else 1
            source = self.source(table, line)
            if source.key in seen:
                raise self.fail(
                    line, f"duplicate key {source.key!r} (first on line {seen[source.key]})"
                )
            seen[source.key] = line
            sources.append(source)
        return SourcesFile(self.path, tuple(sources), settings)

    def settings(self, table: Any) -> FetchSettings:
        line = self.fetch_line
        if not isinstance(table, dict):
            raise self.fail(line, "[fetch] must be a table")
        values: dict[str, Any] = {}
        for name, value in table.items():
            at = self.field_line(line, name)
            if name not in SETTINGS_FIELDS:
                raise self.fail(
                    at, f"[fetch]: unknown field {name!r} (expected {', '.join(SETTINGS_FIELDS)})"
                )
            if name == "contact":
                if not isinstance(value, str) or not value.strip():
                    raise self.fail(at, "[fetch]: contact must be a URL or an e-mail address")
                values[name] = " ".join(value.split())
            elif name == "retries":
                if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
                    raise self.fail(at, "[fetch]: retries must be a whole number from 0 to 10")
                values[name] = value
            else:
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                if not ok or not 0 < value <= 3600:
                    raise self.fail(at, f"[fetch]: {name} must be seconds, more than 0")
                values[name] = float(value)
        return FetchSettings(**values)

    def source(self, table: Any, line: int) -> Source:
        if not isinstance(table, dict):
            raise self.fail(line, "[[source]] must be a table")
        for name in table:
            if name not in SOURCE_FIELDS:
                raise self.fail(
                    self.field_line(line, name),
                    f"unknown field {name!r} (expected {', '.join(SOURCE_FIELDS)})",
                )
        for name in ("key", "name", "feeds"):
            if name not in table:
                raise self.fail(line, f"[[source]] without {name!r}")
        key, name = table["key"], table["name"]
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise self.fail(
                self.field_line(line, "key"),
                f"key {key!r} must be lower-case ASCII letters, digits and '-' (it names a "
                "corpus folder)",
            )
        if not isinstance(name, str) or not name.strip():
            raise self.fail(self.field_line(line, "name"), f"source {key!r}: name must be text")
        agency = self.agency(key, name, line)
        lang = table.get("lang")
        if lang is not None and (not isinstance(lang, str) or not _LANG.fullmatch(lang)):
            raise self.fail(
                self.field_line(line, "lang"),
                f"source {key!r}: lang {lang!r} is not a language code like 'ru' or 'en'",
            )
        feeds = self.urls(table, "feeds", key, line)
        sitemaps = self.urls(table, "sitemaps", key, line)
        if not feeds and not sitemaps:
            raise self.fail(line, f"source {key!r}: no feeds and no sitemaps")
        allow = self.urls(table, "allow", key, line)
        if not allow:
            allow = tuple(dict.fromkeys(origin(u) for u in feeds + sitemaps))
        return Source(key, agency, lang, feeds, sitemaps, allow, line)

    def agency(self, key: str, name: str, line: int) -> str:
        """The display name, once key and name are known to be one agency of sources.txt."""
        by_key, by_name = resolve_source(key), resolve_source(name)
        if by_key is None or by_name is None:  # cannot happen for checked, non-empty text
            raise self.fail(line, f"source {key!r}: empty key or name")
        if by_key.key != key:
            raise self.fail(
                self.field_line(line, "key"),
                f"key {key!r} is a name of the agency {by_key.key!r} in search/data/sources.txt; "
                f"use key = {by_key.key!r}",
            )
        if by_name != by_key:
            raise self.fail(
                self.field_line(line, "name"),
                f"source {key!r}: name {name!r} is not the agency {key!r} of "
                f"search/data/sources.txt (there {key!r} is {by_key.name!r} and {name!r} is "
                f"{by_name.key!r}); a new agency needs a line '{key} | {name}' in that file",
            )
        return by_key.name

    def urls(self, table: dict[str, Any], name: str, key: str, line: int) -> tuple[str, ...]:
        value = table.get(name, [])
        at = self.field_line(line, name)
        if not isinstance(value, list) or not all(isinstance(u, str) for u in value):
            raise self.fail(at, f"source {key!r}: {name} must be a list of URLs")
        for url in value:
            parts = urlsplit(url.strip())
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise self.fail(
                    at,
                    f"source {key!r}: {name}: {url!r} is not an http:// or https:// URL",
                )
        return tuple(dict.fromkeys(u.strip() for u in value))

