"""Links that leave the page: absolute addresses for feed readers and exported files, which
keep them."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request

__all__ = ["LOCAL_HOSTS", "absolute"]

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def absolute(path: str) -> str:
    """`path` (from ``url_for``) as an absolute link: from the configured PUBLIC_URL, else
    from the request's host when the app is configured to answer it (a loopback name, or one
    of TRUSTED_HOSTS, which Flask then enforces on every request); otherwise relative, never
    from a Host header anyone may send."""
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        host = urlsplit(request.host_url).hostname or ""
        trusted = current_app.config.get("TRUSTED_HOSTS") or ()
        if host in LOCAL_HOSTS or host in trusted:
            base = request.host_url
    return str(base).rstrip("/") + path if base else path
