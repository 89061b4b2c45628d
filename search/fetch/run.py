"""One fetch run: feeds and sitemaps of each source → new releases in the corpus, and a report.

Per source: read what the corpus already holds, ask each feed and sitemap conditionally, list
the new items (newest first, at most ``max_items``), fetch each one politely, write it with its
sidecar, and only then keep the feeds' ETag/Last-Modified. A feed whose items were not all
settled (a timeout, a 500, a kill -9, ``--max-items``) keeps no validator, so the next run reads
it again and finishes the job; releases already stored are recognised by URL and not fetched.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from .feeds import FeedError, Item, newest_first, parse_feed, parse_sitemap
from .http import Client, FetchError, HttpConfig, user_agent
from .robots import Robots
from .sources import Source, SourcesFile
from .store import (
    NotARelease,
    Release,
    ReleaseStore,
    accept_content_type,
    release_kind,
    sidecar_for,
)

__all__ = ["FeedStatus", "FetchReport", "check", "make_client", "run"]

MAX_SITEMAP_DEPTH = 2  # an index, and the sitemaps it lists
MAX_SITEMAPS = 50  # sitemap files read per source and run
OUTSIDE = "outside the source's sites"
REDIRECT_OUTSIDE = "redirect to another site refused"

Log = Callable[[str, bool], None]  # (message, is_error)
Progress = Callable[[int, int], None]  # (items done, items planned so far)


@dataclass
class FeedStatus:
    source: str
    url: str
    kind: str  # "feed" | "sitemap"
    outcome: str  # "read" | "not modified" | "failed"
    detail: str = ""  # the format ("rss20", "sitemap") or what went wrong
    items: int = 0


@dataclass
class FetchReport:
    fetched: list[tuple[str, Path]] = field(default_factory=list)  # (source key, file)
    unchanged: int = 0  # items already in the corpus, not downloaded again
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (source, url, reason)
    feeds: list[FeedStatus] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)  # leftovers of an interrupted run
    requests: int = 0

    def skipped_by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(reason for _, _, reason in self.skipped).items()))

    def summary(self) -> str:
        outcomes = Counter(f.outcome for f in self.feeds)
        lines = [
            f"{len(self.fetched)} fetched, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped; feeds and sitemaps: {outcomes['read']} read, "
            f"{outcomes['not modified']} not modified, {outcomes['failed']} failed; "
            f"{self.requests} requests"
        ]
        for reason, count in self.skipped_by_reason().items():
            lines.append(f"  skipped, {reason}: {count}")
        for status in self.feeds:
            if status.outcome == "failed":
                lines.append(f"  {status.kind} failed, {status.source}: {status.url}: "
                             f"{status.detail}")
        return "\n".join(lines)


def make_client(sources: SourcesFile, *, delay: float = 1.0) -> Client:
    s = sources.settings
    return Client(
        HttpConfig(
            user_agent=user_agent(s.contact),
            connect_timeout=s.connect_timeout,
            read_timeout=s.read_timeout,
            deadline=s.deadline,
            delay=delay,
            max_retry_after=s.max_retry_after,
            retries=s.retries,
        )
    )


def run(
    sources: SourcesFile,
    corpus: Path,
    *,
    client: Client,
    max_items: int | None = None,
    log: Log | None = None,
    progress: Progress | None = None,
) -> FetchReport:
    """Fetch every source of `sources` into `corpus`; never raises for what a site does."""
    report = FetchReport()
    planned = [0]
    for source in sources.sources:
        _SourceRun(source, Path(corpus), client, report, max_items, log, progress, planned).go()
    report.requests = client.requests
    return report


def check(sources: SourcesFile, *, client: Client) -> list[FeedStatus]:
    """Ask each feed and sitemap (unconditionally) whether it answers and parses; no release
    is fetched and nothing is written."""
    statuses = []
    for source in sources.sources:
        robots = Robots(client, {})
        for kind, url in [("feed", u) for u in source.feeds] + [
            ("sitemap", u) for u in source.sitemaps
        ]:
            status = FeedStatus(source.key, url, kind, "failed")
            try:
                response = client.get(url, permit=_permit(source, robots, url))
                if kind == "feed":
                    fmt, items = parse_feed(response.body, response.url, response.content_type)
                    status.detail, status.items = fmt, len(items)
                else:
                    sitemap = parse_sitemap(response.body, response.url, client.config.max_bytes)
                    status.items = len(sitemap.items) or len(sitemap.sitemaps)
                    status.detail = "sitemap index" if sitemap.sitemaps else "sitemap"
                status.outcome = "read"
            except (FetchError, FeedError) as err:
                status.detail = str(err)
            statuses.append(status)
    return statuses


def _permit(source: Source, robots: Robots, first_url: str) -> Callable[[str], str | None]:
    def permit(url: str) -> str | None:
        if url != first_url and not source.allows(url):
            return REDIRECT_OUTSIDE
        return robots.refusal(url)

    return permit


@dataclass
class _Candidate:
    item: Item
    feeds: set[str]  # the feeds and sitemaps that list it


class _SourceRun:
    def __init__(
        self,
        source: Source,
        corpus: Path,
        client: Client,
        report: FetchReport,
        max_items: int | None,
        log: Log | None,
        progress: Progress | None,
        planned: list[int],
    ):
        self.source = source
        self.client = client
        self.report = report
        self.max_items = max_items
        self.log = log or (lambda message, error: None)
        self.progress = progress
        self.planned = planned
        self.store = ReleaseStore(corpus, source.key)
        self.state: dict[str, Any] = {}
        self.validators: dict[str, dict[str, str | None]] = {}  # read (200) feeds
        self.unsettled: set[str] = set()  # feeds with items left for a later run
        self.parent: dict[str, str] = {}  # child sitemap -> the index that listed it

    def go(self) -> None:
        try:
            self.store.open()
        except OSError as err:
            self.log(f"{self.source.key}: cannot use {self.store.folder}: {err}", True)
            self.report.feeds.append(
                FeedStatus(self.source.key, str(self.store.folder), "folder", "failed", str(err))
            )
            return
        self.report.cleaned += [f"{self.source.key}/{name}" for name in self.store.cleaned]
        self.state = self.store.load_state()
        self.robots = Robots(self.client, self.state["robots"])
        candidates: dict[str, _Candidate] = {}
        for url in self.source.feeds:
            self._add(candidates, self._read_feed(url))
        queue = [(url, 0) for url in self.source.sitemaps]
        seen: set[str] = set()
        while queue and len(seen) < MAX_SITEMAPS:
            url, depth = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            items, children = self._read_sitemap(url)
            self._add(candidates, items)
            for child in children:
                if depth + 1 < MAX_SITEMAP_DEPTH and self.source.allows(child):
                    self.parent.setdefault(child, url)
                    queue.append((child, depth + 1))
                else:
                    self._skip(child, "sitemap too deep or outside the source's sites")
        for url, _ in queue:  # over the count bound: read next time
            self._settle_later({url})
        self._fetch_all(candidates)
        self._save_state()

    # ------------------------------------------------------------------ feeds and sitemaps

    def _conditional(self, url: str) -> dict[str, str]:
        kept = self.state["feeds"].get(url) or {}
        headers = {}
        if kept.get("etag"):
            headers["If-None-Match"] = kept["etag"]
        if kept.get("last_modified"):
            headers["If-Modified-Since"] = kept["last_modified"]
        return headers

    def _get_listing(self, url: str, kind: str) -> Any:
        """The 200 response of a feed or sitemap, or None (not modified, or failed)."""
        status = FeedStatus(self.source.key, url, kind, "failed")
        self.report.feeds.append(status)
        try:
            response = self.client.get(
                url, permit=_permit(self.source, self.robots, url),
                headers=self._conditional(url),
            )
        except FetchError as err:
            status.detail = str(err)
            self.log(f"{self.source.key}: {kind} {url}: {err}", True)
            self.state["feeds"].pop(url, None)
            return None
        if response.status == 304:
            status.outcome = "not modified"
            return None
        self.validators[url] = {"etag": response.etag, "last_modified": response.last_modified}
        return response, status

    def _read_feed(self, url: str) -> list[Item]:
        got = self._get_listing(url, "feed")
        if got is None:
            return []
        response, status = got
        try:
            fmt, items = parse_feed(response.body, response.url, response.content_type)
        except FeedError as err:
            return self._listing_failed(url, status, err)
        status.outcome, status.detail, status.items = "read", fmt, len(items)
        return items

    def _read_sitemap(self, url: str) -> tuple[list[Item], list[str]]:
        got = self._get_listing(url, "sitemap")
        if got is None:
            return [], []
        response, status = got
        try:
            sitemap = parse_sitemap(response.body, response.url, self.client.config.max_bytes)
        except FeedError as err:
            return self._listing_failed(url, status, err), []
        status.outcome = "read"
        status.detail = "sitemap index" if sitemap.sitemaps else "sitemap"
        status.items = len(sitemap.items) or len(sitemap.sitemaps)
        children = [urldefrag(urljoin(response.url, c))[0] for c in sitemap.sitemaps]
        return sitemap.items, children

    def _listing_failed(self, url: str, status: FeedStatus, err: FeedError) -> list[Item]:
        status.outcome, status.detail = "failed", str(err)
        self.log(f"{self.source.key}: {status.kind} {url}: {err}", True)
        self.validators.pop(url, None)
        self.state["feeds"].pop(url, None)
        return []

    def _add(self, candidates: dict[str, _Candidate], items: list[Item]) -> None:
        for item in items:
            url = urldefrag(urljoin(item.feed_url, item.url))[0]
            if url != item.url:
                item = Item(url, item.title, item.date, item.author, item.feed_url)
            known = candidates.get(url)
            if known is None:
                candidates[url] = _Candidate(item, {item.feed_url})
            else:
                known.feeds.add(item.feed_url)
                if known.item.title is None and item.title:  # a feed says more than a sitemap
                    known.item = Item(url, item.title, item.date or known.item.date,
                                      item.author, known.item.feed_url)

    # ------------------------------------------------------------------ releases

    def _fetch_all(self, candidates: dict[str, _Candidate]) -> None:
        todo: list[_Candidate] = []
        for candidate in candidates.values():
            url = candidate.item.url
            if url in self.store.urls:
                self.report.unchanged += 1
                continue
            if urlsplit(url).scheme not in ("http", "https"):
                self._skip(url, "not an http(s) URL")
            elif not self.source.allows(url):
                self._skip(url, OUTSIDE)
            elif why := self.robots.refusal(url):
                self._skip(url, why)
            else:
                todo.append(candidate)
        by_url = {c.item.url: c for c in todo}
        ordered = [by_url[i.url] for i in newest_first([c.item for c in todo])]
        if self.max_items is not None and len(ordered) > self.max_items:
            for candidate in ordered[self.max_items:]:
                self._skip(candidate.item.url, "over --max-items (left for the next run)")
                self._settle_later(candidate.feeds)
            ordered = ordered[: self.max_items]
        base = self.planned[0]
        self.planned[0] += len(ordered)
        for done, candidate in enumerate(ordered, 1):
            if not self._fetch(candidate.item):
                self._settle_later(candidate.feeds)
            if self.progress is not None:
                self.progress(base + done, self.planned[0])

    def _fetch(self, item: Item) -> bool:
        """Fetch and store one item; False when it should be tried again by a later run."""
        try:
            response = self.client.get(
                item.url, permit=_permit(self.source, self.robots, item.url),
                accept=accept_content_type,
            )
            ext = release_kind(response.content_type, response.body)
        except FetchError as err:
            self._skip(item.url, err.reason, err.detail, error=err.transient)
            return not err.transient
        except NotARelease as err:
            self._skip(item.url, "not a release", str(err))
            return True
        if response.url in self.store.urls:  # redirected to a release already stored
            self.store.add_alias(self.store.urls[response.url], item.url)
            self.report.unchanged += 1
            return True
        digest = hashlib.sha256(response.body).hexdigest()
        if digest in self.store.hashes:
            same = self.store.hashes[digest]
            self.store.add_alias(same, item.url)
            self._skip(item.url, "duplicate content", f"same as {same}")
            return True
        release = Release(item, response.url, response.content_type, response.body, ext)
        meta = sidecar_for(
            release, source_key=self.source.key, source_name=self.source.name,
            lang=self.source.lang,
        )
        try:
            path = self.store.write(release, meta)
        except OSError as err:
            self._skip(item.url, "cannot write", str(err), error=True)
            return False
        self.report.fetched.append((self.source.key, path))
        self.log(f"{self.source.key}: fetched {path.name}", False)
        return True

    def _skip(self, url: str, reason: str, detail: str = "", *, error: bool = False) -> None:
        self.report.skipped.append((self.source.key, url, reason))
        text = f"{self.source.key}: skipped {url}: {reason}" + (f" ({detail})" if detail else "")
        self.log(text, error)

    def _settle_later(self, feeds: set[str]) -> None:
        for url in feeds:
            while url and url not in self.unsettled:
                self.unsettled.add(url)
                url = self.parent.get(url, "")

    def _save_state(self) -> None:
        feeds = self.state["feeds"]
        for url, validators in self.validators.items():
            if url in self.unsettled or not (validators["etag"] or validators["last_modified"]):
                feeds.pop(url, None)
            else:
                feeds[url] = validators
        for url in self.unsettled:
            feeds.pop(url, None)
        try:
            self.store.save_state({"feeds": feeds, "robots": self.state["robots"]})
        except OSError as err:
            self.log(f"{self.source.key}: cannot save {self.store.folder}/_fetch.json: {err}", True)
