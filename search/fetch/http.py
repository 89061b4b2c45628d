"""The one HTTP client of the fetcher: bounded, polite, and never following a link blindly.

urllib3 streams a response with ``read1``, which returns what one read of the socket gives, and
decompresses gzip/deflate in bounded steps (since 2.6), so both a server that trickles bytes
(the total deadline is checked between reads) and a gzip bomb (cut once the decompressed body
passes the limit) are stopped early without inflating anything in memory. Redirects and
retries are off in urllib3 and done here: every hop is checked against the source's allowed
sites and robots.txt before it is requested.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from ..corpus import MAX_FILE_BYTES

__all__ = ["Client", "FetchError", "HttpConfig", "Response", "user_agent"]

VERSION = "0.1"
_CHUNK = 64 * 1024


def user_agent(contact: str) -> str:
    return f"Orbita-fetch/{VERSION} (+{contact})"


@dataclass(frozen=True)
class HttpConfig:
    user_agent: str
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 120.0  # seconds for one whole response, from request to last byte
    max_bytes: int = MAX_FILE_BYTES  # counted after decompression
    max_redirects: int = 5
    delay: float = 1.0  # between two requests to one host; a longer Crawl-delay wins
    max_retry_after: float = 60.0  # a longer wait skips the host for the rest of the run
    retries: int = 2  # after a 429/503


class FetchError(Exception):
    """A response that gives nothing usable. `reason` is short (the summary groups by it),
    `detail` says more; `transient` errors may go away by the next run."""

    def __init__(self, reason: str, detail: str = "", *, transient: bool = False):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.transient = transient


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200 or 304
    content_type: str  # media type, lower case, without parameters ("" when absent)
    body: bytes
    etag: str | None
    last_modified: str | None


# Says why a URL may not be requested, or None when it may.
Permit = Callable[[str], str | None]


class Client:
    """GETs one URL at a time, waiting between two requests to the same host."""

    def __init__(
        self,
        config: HttpConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.config = config
        self._sleep = sleep
        self._clock = clock
        self._headers = {"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"}
        self._pool = urllib3.PoolManager(num_pools=32, retries=False)
        self._last: dict[str, float] = {}  # host -> when its last response ended
        self._crawl_delay: dict[str, float] = {}
        self.skipped_hosts: dict[str, str] = {}  # host -> why it is not asked again this run
        self.requests = 0

    def set_crawl_delay(self, url: str, seconds: float) -> None:
        self._crawl_delay[_host(url)] = seconds

    def host_delay(self, url: str) -> float:
        return max(self.config.delay, self._crawl_delay.get(_host(url), 0.0))

    def get(
        self,
        url: str,
        *,
        permit: Permit | None = None,
        accept: Permit | None = None,
        headers: dict[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> Response:
        """GET `url`, following redirects that `permit` allows; `accept` sees the content type
        before any of the body is read. Raises FetchError."""
        limit = self.config.max_bytes if max_bytes is None else max_bytes
        for _ in range(self.config.max_redirects + 1):
            _check_scheme(url)
            if permit is not None and (why := permit(url)):
                raise FetchError(why, url)
            location = self._request(url, headers or {}, accept, limit)
            if isinstance(location, Response):
                return location
            url = location
        raise FetchError("too many redirects", f"more than {self.config.max_redirects}")

    def _request(
        self, url: str, headers: dict[str, str], accept: Permit | None, limit: int
    ) -> Response | str:
        """One URL, retried after 429/503: the Response, or the URL a redirect points to."""
        host = _host(url)
        for attempt in range(self.config.retries + 1):
            self._wait_turn(url)
            response = self._open(url, headers)
            try:
                status = response.status
                if status in (429, 503) and attempt < self.config.retries:
                    wait = _retry_after(response.headers.get("Retry-After"), self._now_epoch())
                    wait = self.host_delay(url) if wait is None else wait
                    if wait > self.config.max_retry_after:
                        self.skipped_hosts[host] = (
                            f"Retry-After {wait:.0f} s, over {self.config.max_retry_after:.0f} s"
                        )
                        raise FetchError(
                            "host asked to wait too long", self.skipped_hosts[host], transient=True
                        )
                    self._close(response, host)
                    self._sleep(wait)
                    continue
                if status in (301, 302, 303, 307, 308):
                    target = response.headers.get("Location")
                    if not target:
                        raise FetchError("bad redirect", f"HTTP {status} without Location")
                    return urljoin(url, target.strip())
                if status == 304:
                    return Response(url, 304, "", b"", None, None)
                if status != 200:
                    raise FetchError(
                        f"HTTP {status}", transient=status >= 500 or status in (408, 429)
                    )
                return self._read(url, response, accept, limit)
            finally:
                self._close(response, host)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _open(self, url: str, headers: dict[str, str]) -> urllib3.BaseHTTPResponse:
        host = _host(url)
        if host in self.skipped_hosts:
            raise FetchError("host skipped for this run", self.skipped_hosts[host], transient=True)
        timeout = urllib3.Timeout(
            connect=self.config.connect_timeout, read=self.config.read_timeout
        )
        self.requests += 1
        try:
            return self._pool.request(
                "GET", url, headers={**self._headers, **headers}, preload_content=False,
                redirect=False,
                timeout=timeout,
            )
        except Urllib3Timeout as err:
            self._last[host] = self._clock()
            raise FetchError("timed out", str(err.__class__.__name__), transient=True) from None
        except (Urllib3Error, OSError) as err:
            self._last[host] = self._clock()
            raise FetchError("connection failed", _short(err), transient=True) from None

    def _read(
        self, url: str, response: urllib3.BaseHTTPResponse, accept: Permit | None, limit: int
    ) -> Response:
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if accept is not None and (why := accept(content_type)):
            raise FetchError(why, content_type or "no content type")
        declared = response.headers.get("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > limit:
            raise FetchError("too large", f"{int(declared)} bytes declared (limit {limit})")
        started = self._clock()
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if self._clock() - started > self.config.deadline:
                    raise FetchError(
                        "timed out", f"not finished after {self.config.deadline:g} s",
                        transient=True,
                    )
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise FetchError("too large", f"over {limit} bytes after decompression")
                chunks.append(chunk)
        except Urllib3Timeout:
            raise FetchError("timed out", "no data within the read timeout", transient=True) \
                from None
        except (Urllib3Error, OSError) as err:
            raise FetchError("broken response", _short(err), transient=True) from None
        return Response(
            url=url,
            status=200,
            content_type=content_type,
            body=b"".join(chunks),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )

    def _close(self, response: urllib3.BaseHTTPResponse, host: str) -> None:
        # Closing (not draining) so that an unread body is never downloaded just to reuse
        # the connection.
        if not response.closed:
            response.close()
        response.release_conn()
        self._last[host] = self._clock()

    def _wait_turn(self, url: str) -> None:
        last = self._last.get(_host(url))
        if last is not None:
            wait = last + self.host_delay(url) - self._clock()
            if wait > 0:
                self._sleep(wait)

    def _now_epoch(self) -> float:
        return time.time()

    def close(self) -> None:
        self._pool.clear()


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("not an http(s) URL", url[:200])


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def _short(err: BaseException) -> str:
    text = str(err) or err.__class__.__name__
    return text if len(text) <= 160 else text[:157] + "..."
