"""Agency feeds and sitemaps → files in ``corpus/<agency>/``: polite, incremental, safe.

``orbita-fetch`` reads ``sources.toml`` (see `sources`), asks each feed and sitemap with a
conditional GET, and writes every new release into ``<corpus>/<key>/`` where ``reindex`` finds
it. Modules: `sources` (the sources file), `http` (the bounded client), `robots`, `feeds`
(feeds and sitemaps), `store` (writing into the corpus), `run` (a run and its report), `cli`.

Files written into ``<corpus>/<key>/``
--------------------------------------
``<YYYY-MM-DD>-<slug>-<hash>.<ext>``
    The release as served. The date is the item's (``undated`` when the feed gives none), the
    slug the title (else the URL's last segment) in ASCII, at most 60 characters of
    ``[a-z0-9-]``, the hash the first 8 hex digits of the SHA-256 of the item's URL. ``<ext>``
    is decided by the body's first bytes and the content type: ``.html`` (text/html,
    application/xhtml+xml), ``.pdf``, ``.docx``, ``.txt`` (text/plain). Nothing of a URL or a
    title ever becomes a path.

``<file>.meta.json`` — the provenance sidecar, a UTF-8 JSON object::

    {
      "url":          final URL after redirects,
      "item_url":     the link the feed gave, or null when it is "url",
      "feed_url":     the feed or sitemap that listed it,
      "title":        the item's title in the feed, or null (sitemaps give none),
      "date":         the item's date, ISO 8601: "2024-05-01" or "2024-05-01T10:00:00+03:00"
                      (RSS pubDate / dc:date, Atom published / updated, sitemap lastmod;
                      the feed's own time zone is kept), or null,
      "author":       the item's author, or null,
      "fetched_at":   UTC time of the download, "2024-05-01T08:00:00+00:00",
      "content_type": the media type served, without parameters, or null,
      "sha256":       hex SHA-256 of the file's bytes,
      "source":       the agency's key (the folder's name),
      "source_name":  the agency's name in search/data/sources.txt,
      "lang":         the source's lang from sources.toml (absent when not given),
      "also_at":      other URLs that served the same bytes (absent when none)
    }

    The corpus loader takes ``date`` as the release's date when the page gives none, and
    ``source``/``lang`` as given.

``_fetch.json``
    The source's fetch state: ``{"version": 1, "feeds": {url: {"etag", "last_modified"}},
    "robots": {site: {"etag", "last_modified", "body"}}}``. Only validators for conditional
    requests: what has been fetched is read from the sidecars (URLs and hashes), so deleting
    a release and its sidecar makes the next run fetch it again.

Both files of a release are written under a temporary name starting with ``.`` in the same
folder, fsync'ed and renamed, the sidecar first and the document last: a document that exists
is whole and has its sidecar, whatever moment a run is killed. The next run removes leftover
temporary files and sidecars without a document.
"""

from __future__ import annotations

from .cli import main
from .feeds import FeedError, Item
from .http import Client, FetchError, HttpConfig
from .run import FeedStatus, FetchReport, check, make_client, run
from .sources import FetchSettings, Source, SourcesError, SourcesFile, load_sources

__all__ = [
    "Client",
    "FeedError",
    "FeedStatus",
    "FetchError",
    "FetchReport",
    "FetchSettings",
    "HttpConfig",
    "Item",
    "Source",
    "SourcesError",
    "SourcesFile",
    "check",
    "load_sources",
    "main",
    "make_client",
    "run",
]
