"""robots.txt (RFC 9309) through Protego: wildcards, ``$``, Allow/Disallow precedence and
``Crawl-delay``. One robots.txt per site and run, asked for conditionally when a copy was kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from protego import Protego

from .http import Client, FetchError
from .sources import origin

__all__ = ["ROBOTS_MAX_BYTES", "Robots", "USER_AGENT_TOKEN"]

USER_AGENT_TOKEN = "Orbita-fetch"  # the product token robots.txt groups are matched against
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks parsers to read at least 500 KiB


@dataclass
class _Rules:
    parser: Protego | None  # None: everything allowed (no robots.txt)
    refuse_all: str | None = None  # why nothing may be fetched (robots.txt unreachable)


class Robots:
    """Answers whether a URL may be fetched. `cache` (the source's state) keeps each site's
    robots.txt with its ETag/Last-Modified, so an unchanged file costs a 304."""

    def __init__(self, client: Client, cache: dict[str, Any]):
        self.client = client
        self.cache = cache
        self._rules: dict[str, _Rules] = {}

    def refusal(self, url: str) -> str | None:
        """Why robots.txt forbids `url`, or None when it may be fetched."""
        rules = self._site(origin(url))
        if rules.refuse_all:
            return rules.refuse_all
        if rules.parser is not None and not rules.parser.can_fetch(url, USER_AGENT_TOKEN):
            return "disallowed by robots.txt"
        return None

    def _site(self, site: str) -> _Rules:
        if site in self._rules:
            return self._rules[site]
        robots_url = site + "robots.txt"
        kept = self.cache.get(site)
        headers = {}
        if isinstance(kept, dict) and isinstance(kept.get("body"), str):
            if kept.get("etag"):
                headers["If-None-Match"] = kept["etag"]
            if kept.get("last_modified"):
                headers["If-Modified-Since"] = kept["last_modified"]
        try:
            response = self.client.get(robots_url, headers=headers, max_bytes=ROBOTS_MAX_BYTES)
        except FetchError as err:
            if err.reason.startswith("HTTP 4"):  # no robots.txt: everything is allowed
                self.cache.pop(site, None)
                rules = _Rules(None)
            elif err.reason == "too large":  # RFC 9309: parse the first 500 KiB; we refuse
                rules = _Rules(None, "robots.txt too large to read")
            else:  # RFC 9309: unreachable robots.txt means nothing may be fetched
                rules = _Rules(None, f"robots.txt unreachable ({err.reason})")
            self._rules[site] = rules
            return rules
        if response.status == 304 and kept:
            text = kept["body"]
        else:
            text = response.body.decode("utf-8", errors="replace")
            self.cache[site] = {
                "etag": response.etag, "last_modified": response.last_modified, "body": text,
            }
        parser = Protego.parse(text)
        delay = float(parser.crawl_delay(USER_AGENT_TOKEN) or 0)
        bound = self.client.config.max_retry_after
        if delay > bound:  # honouring it would stall the run: leave the site for this run
            rules = _Rules(None, f"Crawl-delay of {delay:g} s (over {bound:g} s)")
        else:
            self.client.set_crawl_delay(site, delay)
            rules = _Rules(parser)
        self._rules[site] = rules
        return rules
