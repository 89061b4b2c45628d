"""orbita-fetch against fixture agency sites on 127.0.0.1 (tests/fetch_site.py).

The module's shared run fetches all three fixture sources twice into one corpus; tests that
need a site in its first state build their own sites.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fetch_site import (
    AGENCY_RELEASES,
    ALIAS_PATH,
    ANGARA,
    BAIKONUR_EN,
    DISALLOWED,
    EXPRESS,
    GATEWAY,
    HOSTILE,
    LAST_MODIFIED,
    LIMIT,
    PROGRESS,
    REDIRECT_PATH,
    REPORT_PDF,
    RETRY_PAGE,
    SOYUZ,
    STATEMENT_DOCX,
    Release,
    Sites,
    build_sites,
)

from search.corpus import MAX_FILE_BYTES
from search.corpus import resolve_source as resolve
from search.fetch import FetchError, HttpConfig, Item, load_sources
from search.fetch.cli import main
from search.fetch.http import Client
from search.fetch.store import NotARelease, file_name, release_kind

REPO_ROOT = Path(__file__).resolve().parent.parent
UA = "Orbita-fetch/0.1 (+mailto:press@orbita.test)"
NAME = re.compile(
    r"(\d{4}-\d{2}-\d{2}|undated)-[a-z0-9]+(-[a-z0-9]+)*-[0-9a-f]{8}\.(html|pdf|docx|txt)"
)


def url8(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:8]


def stored_name(sites: Sites, release: Release) -> str:
    link = release.link or release.path
    return f"{release.expected_name}-{url8(sites.agency.url(link))}{release.ext}"


def documents(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()
            if not p.name.endswith(".meta.json") and not p.name.startswith(("_", "."))}


def sidecar(folder: Path, name: str) -> dict:
    return json.loads((folder / (name + ".meta.json")).read_text(encoding="utf-8"))


def fetch(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


@pytest.fixture
def sites() -> Iterator[Sites]:
    built = build_sites()
    yield built
    built.stop()


def write_sources(tmp: Path, sites: Sites, settings: str = "") -> Path:
    path = tmp / "sources.toml"
    path.write_text(sites.sources_toml(settings=settings), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the shared run


@dataclass
class TwoRuns:
    sites: Sites
    corpus: Path
    first_code: int
    first_err: str
    first_hits: dict[str, list]
    second_code: int
    second_err: str
    second_hits: dict[str, list]
    mtimes: dict[str, int]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoRuns]:
    tmp = tmp_path_factory.mktemp("fetch")
    built = build_sites()
    sources = write_sources(tmp, built)
    corpus = tmp / "corpus"
    args = ["--sources", str(sources), "--corpus", str(corpus), "--delay", "0"]
    import io
    from contextlib import redirect_stderr

    err = io.StringIO()
    with redirect_stderr(err):
        first = main(args)
    first_hits = {s.name: list(s.hits) for s in built.all()}
    mtimes = {p.name: p.stat().st_mtime_ns for p in (corpus / "roscosmos").iterdir()}
    built.reset_hits()
    err2 = io.StringIO()
    with redirect_stderr(err2):
        second = main(args)
    second_hits = {s.name: list(s.hits) for s in built.all()}
    yield TwoRuns(built, corpus, first, err.getvalue(), first_hits, second, err2.getvalue(),
                  second_hits, mtimes)
    built.stop()


def test_first_run_writes_exactly_the_releases_of_the_feeds_and_sitemaps(two_runs: TwoRuns):
    folder = two_runs.corpus / "roscosmos"
    expected = {stored_name(two_runs.sites, r) for r in AGENCY_RELEASES}
    assert documents(folder) == expected
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*expected, *(n + ".meta.json" for n in expected), "_fetch.json"]
    )
    retry_url = two_runs.sites.hostile.url("/h/retry-after")
    assert documents(two_runs.corpus / "esa") == {
        f"2024-03-19-busy-for-a-second-{url8(retry_url)}.html"
    }
    assert documents(two_runs.corpus / "jaxa") == set()


def test_stored_bytes_are_the_bytes_served(two_runs: TwoRuns):
    folder = two_runs.corpus / "roscosmos"
    for release in AGENCY_RELEASES:
        assert (folder / stored_name(two_runs.sites, release)).read_bytes() == release.body


def test_pdf_and_docx_links_are_stored_as_pdf_and_docx(two_runs: TwoRuns):
    folder = two_runs.corpus / "roscosmos"
    pdf = folder / stored_name(two_runs.sites, REPORT_PDF)
    docx = folder / stored_name(two_runs.sites, STATEMENT_DOCX)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert sidecar(folder, pdf.name)["content_type"] == "application/pdf"
    assert docx.read_bytes().startswith(b"PK\x03\x04")
    assert sidecar(folder, docx.name)["content_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_sidecar_holds_the_provenance_of_an_rss_item(two_runs: TwoRuns):
    name = stored_name(two_runs.sites, SOYUZ)
    meta = sidecar(two_runs.corpus / "roscosmos", name)
    fetched_at = meta.pop("fetched_at")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", fetched_at)
    assert meta == {
        "url": two_runs.sites.agency.url(SOYUZ.path),
        "item_url": None,
        "feed_url": two_runs.sites.agency.url("/rss.xml"),
        "title": "«Союз МС-25» доставил экипаж на МКС",
        "date": "2024-04-11T21:30:00+03:00",
        "author": None,
        "content_type": "text/html",
        "sha256": hashlib.sha256(SOYUZ.body).hexdigest(),
        "source": "roscosmos",
        "source_name": "Роскосмос",
        "lang": "ru",
        "also_at": [two_runs.sites.agency.url(ALIAS_PATH)],
    }


@pytest.mark.parametrize(
    ("release", "feed", "date", "author"),
    [
        (GATEWAY, "/en/atom.xml", "2024-02-14T16:00:00+03:00", "Press service"),
        (BAIKONUR_EN, "/en/atom.xml", "2024-04-12T09:00:00+03:00", "Press service"),
        (EXPRESS, "/rdf.xml", "2024-01-25", "Пресс-служба"),
        (ANGARA, "/sitemap-news.xml", "2024-04-11", None),
    ],
)
def test_atom_rdf_and_sitemap_items_keep_their_date_and_author(
    two_runs: TwoRuns, release: Release, feed: str, date: str, author: str | None
):
    meta = sidecar(two_runs.corpus / "roscosmos", stored_name(two_runs.sites, release))
    assert (meta["feed_url"], meta["date"], meta["author"]) == (
        two_runs.sites.agency.url(feed), date, author
    )
    assert meta["title"] == (None if release is ANGARA else release.title)


def test_redirected_item_records_final_url_and_the_feeds_link(two_runs: TwoRuns):
    meta = sidecar(two_runs.corpus / "roscosmos", stored_name(two_runs.sites, PROGRESS))
    assert meta["url"] == two_runs.sites.agency.url(PROGRESS.path)
    assert meta["item_url"] == two_runs.sites.agency.url(REDIRECT_PATH)


def test_summary_counts_fetched_unchanged_and_skipped_by_reason(two_runs: TwoRuns):
    assert two_runs.first_code == 0
    lines = two_runs.first_err.splitlines()
    summary = next(line for line in lines if "fetched," in line)
    assert summary.startswith(
        "10 fetched, 0 unchanged, 14 skipped; feeds and sitemaps: 7 read, 0 not modified, "
        "4 failed;"
    )
    reasons = {m.group(1): int(m.group(2)) for line in lines
               if (m := re.fullmatch(r"  skipped, (.+): (\d+)", line))}
    assert reasons == {
        "disallowed by robots.txt": 2,
        "outside the source's sites": 1,
        "duplicate content": 1,
        "HTTP 500": 1,
        "too large": 3,
        "timed out": 1,
        "not a release": 2,
        "redirect to another site refused": 1,
        "host asked to wait too long": 1,
        "host skipped for this run": 1,
    }


def test_malformed_feeds_are_reported_and_the_rest_goes_on(two_runs: TwoRuns):
    failed = {m.group(1): m.group(2) for line in two_runs.first_err.splitlines()
              if (m := re.fullmatch(r"  (?:feed|sitemap) failed, esa: (\S+): (.+)", line))}
    h = two_runs.sites.hostile
    assert failed[h.url("/page-as-feed")] == "not a feed (an HTML page)"
    assert failed[h.url("/broken.xml")].startswith(("malformed feed", "not a feed"))
    assert failed[h.url("/empty.xml")] == "empty body"
    assert failed[h.url("/laughs.xml")].startswith("not a sitemap (forbidden XML construct")
    assert len(failed) == 4
    # the good feed of the same source was read and its release stored
    assert any(p.suffix == ".html" for p in (two_runs.corpus / "esa").iterdir())


def test_user_agent_names_orbita_and_the_contact(two_runs: TwoRuns):
    agents = {hit.headers.get("User-Agent") for hits in two_runs.first_hits.values()
              for hit in hits}
    assert agents == {UA}


def test_robots_txt_wildcards_keep_disallowed_items_unrequested(two_runs: TwoRuns):
    asked = [hit.path for hit in two_runs.first_hits["agency"]]
    for path in DISALLOWED:
        assert path not in asked and path.split("?")[0] not in asked
    assert "/robots.txt" in asked
    assert asked.index("/robots.txt") == 0  # asked before anything else on the site


def test_redirect_to_another_host_and_offsite_items_are_never_requested(two_runs: TwoRuns):
    assert two_runs.first_hits["elsewhere"] == []
    assert two_runs.second_hits["elsewhere"] == []


def test_retry_after_is_waited_for_then_the_release_is_fetched(two_runs: TwoRuns):
    hits = [h for h in two_runs.first_hits["hostile"] if h.path == "/h/retry-after"]
    assert [h.status for h in hits] == [429, 200]
    assert hits[1].at - hits[0].at >= 0.95  # Retry-After: 1
    folder = two_runs.corpus / "esa"
    (name,) = documents(folder)
    assert (folder / name).read_text(encoding="utf-8") == RETRY_PAGE


def test_retry_after_beyond_the_bound_skips_the_host_for_the_run(two_runs: TwoRuns):
    paths = [hit.path for hit in two_runs.first_hits["busy"]]
    assert paths == ["/robots.txt", "/feed.xml", "/a.html"]  # /b.html never asked


def test_second_run_costs_one_304_per_feed_and_no_download(two_runs: TwoRuns):
    hits = two_runs.second_hits["agency"]
    assert sorted((h.path, h.status) for h in hits) == [
        ("/en/atom.xml", 304), ("/rdf.xml", 304), ("/robots.txt", 304), ("/rss.xml", 304),
        ("/sitemap.xml", 304),
    ]
    for hit in hits:
        assert hit.headers.get("If-Modified-Since") == LAST_MODIFIED
        assert hit.headers.get("If-None-Match", "").startswith('"')
    folder = two_runs.corpus / "roscosmos"
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()
            if p.name != "_fetch.json"} == {
        k: v for k, v in two_runs.mtimes.items() if k != "_fetch.json"
    }
    assert two_runs.second_code == 0
    summary = next(line for line in two_runs.second_err.splitlines() if "fetched," in line)
    # the release stored after a 429 is the one item seen again (its feed had a 500)
    assert summary.startswith("0 fetched, 1 unchanged,")
    assert "4 not modified" in summary  # the sitemap index's 304 spares its sitemap


def test_a_feed_with_unsettled_items_is_read_again_and_stored_items_are_not(two_runs: TwoRuns):
    paths = [hit.path for hit in two_runs.second_hits["hostile"]]
    assert "/feed.xml" in paths and "/h/server-error" in paths  # the 500 is tried again
    assert "/h/retry-after" not in paths  # stored by the first run


def test_no_file_is_written_outside_the_source_folders(two_runs: TwoRuns):
    for path in two_runs.corpus.rglob("*"):
        relative = path.relative_to(two_runs.corpus)
        assert len(relative.parts) <= 2 and relative.parts[0] in {"roscosmos", "esa", "jaxa"}
        if len(relative.parts) == 2 and not relative.name.startswith("_"):
            assert NAME.fullmatch(relative.name.removesuffix(".meta.json")), relative
    hostile = stored_name(two_runs.sites, HOSTILE)
    assert (two_runs.corpus / "roscosmos" / hostile).is_file()


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("title", "url", "date", "expected"),
    [
        ("«Союз МС-25» доставил экипаж на МКС", "http://a.test/n/1", "2024-04-11T21:30:00+03:00",
         "2024-04-11-soyuz-ms-25-dostavil-ekipazh-na-mks"),
        ("Бәйтерек жобасы бойынша келіссөздер", "http://a.test/n/2", "2018-05-14",
         "2018-05-14-bayterek-zhobasy-boyynsha-kelissozder"),
        ("../../etc/passwd", "http://a.test/../../x", None, "undated-etc-passwd"),
        ("/", "http://a.test/%2E%2E/%2e%2e%2fsecret.html?x=../../y", "2024-01-01",
         "2024-01-01-secret"),
        ("", "http://a.test/", None, "undated-release"),
        ("ракета-носитель " * 20, "http://a.test/n/3", "2024-01-01",
         "2024-01-01-raketa-nositel-raketa-nositel-raketa-nositel-raketa-nositel"),
        ("x" * 200, "http://a.test/n/4", "2024-01-01", "2024-01-01-" + "x" * 60),
        ("CON\\..\\nul:<>|?*", "http://a.test/n/5", "not a date", "undated-con-nul"),
    ],
)
def test_file_names_are_made_by_orbita_never_taken_from_the_url(title, url, date, expected):
    name = file_name(Item(url, title, date, None, "http://a.test/feed"), ".html")
    assert name == f"{expected}-{url8(url)}.html"
    assert NAME.fullmatch(name)
    assert len(name.split("-", 3)[-1]) <= 60 + 1 + 8 + len(".html")


@pytest.mark.parametrize(
    ("content_type", "body", "result"),
    [
        ("text/html", b"<!doctype html><title>x</title>", ".html"),
        ("application/xhtml+xml", b"<?xml version='1.0'?><html/>", ".html"),
        ("text/plain", "Пуск «Союза»".encode(), ".txt"),
        ("application/octet-stream", b"%PDF-1.7\n...", ".pdf"),
        ("text/html", b"%PDF-1.4 served as html", ".pdf"),
        ("", b"<html><body>no type</body></html>", ".html"),
        ("text/html", b"\x89PNG\r\n\x1a\n....", "image (PNG)"),
        ("text/html", b"\xff\xd8\xff\xe0JFIF", "image (JPEG)"),
        ("application/pdf", b"<html>not a pdf</html>", "served as application/pdf"),
        ("application/zip", b"PK\x03\x04 not a docx", "archive (ZIP, not a DOCX)"),
        ("text/plain", b"  \n ", "empty body"),
        ("application/octet-stream", b"\x00\x01\x02binary", "binary data"),
    ],
)
def test_release_kind_by_magic_bytes_and_content_type(content_type, body, result):
    if result.startswith("."):
        assert release_kind(content_type, body) == result
    else:
        with pytest.raises(NotARelease, match=re.escape(result)):
            release_kind(content_type, body)


# --------------------------------------------------------------------------- the HTTP client


def client(*, deadline: float = 1.0, read_timeout: float = 1.0, retries: int = 2) -> Client:
    return Client(
        HttpConfig(UA, connect_timeout=2, read_timeout=read_timeout, deadline=deadline, delay=0,
                   retries=retries)
    )


def test_gzip_bomb_is_cut_at_the_corpus_limit_without_inflating_it(sites: Sites):
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as err:
            client(deadline=10).get(sites.hostile.url("/h/bomb"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.value.reason == "too large"
    assert HttpConfig(UA).max_bytes == MAX_FILE_BYTES == LIMIT  # the corpus limit
    assert peak < LIMIT + 16 * 1024 * 1024  # the bomb inflates to 200 MB


def test_declared_oversized_body_is_refused_before_reading(sites: Sites):
    # read, the body would end short of its Content-Length: a "broken response"
    with pytest.raises(FetchError) as err:
        client().get(sites.hostile.url("/h/declared-huge"))
    assert err.value.reason == "too large" and "declared" in err.value.detail


def test_trickling_server_is_cut_off_at_the_deadline(sites: Sites):
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        client(deadline=1.0, read_timeout=1).get(sites.hostile.url("/h/slow"))
    assert err.value.reason == "timed out" and err.value.transient
    assert 0.9 < time.monotonic() - started < 4  # the server trickles for 6 s


def test_content_type_is_checked_before_the_body_is_read(sites: Sites):
    from search.fetch.store import accept_content_type

    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        client(deadline=5).get(sites.hostile.url("/h/photo"), accept=accept_content_type)
    # reading the endless image first would end in "timed out" after 5 s
    assert err.value.reason == "not a release" and err.value.detail == "image/png"
    assert time.monotonic() - started < 2.5


def test_redirect_is_refused_when_the_permit_says_no_and_the_target_never_asked(sites: Sites):
    target = sites.elsewhere.url("/stolen.html")
    with pytest.raises(FetchError) as err:
        client().get(
            sites.hostile.url("/h/away"),
            permit=lambda url: "redirect to another site refused" if url == target else None,
        )
    assert err.value.reason == "redirect to another site refused"
    assert sites.elsewhere.hits == []


def test_a_server_that_stops_sending_hits_the_read_timeout(sites: Sites):
    def stall(req) -> None:
        req.start_body(200, {"Content-Type": "text/html"})
        req.wfile.write(b"<html>")
        req.wfile.flush()
        time.sleep(3)

    sites.busy.routes["/stall"] = stall
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        client(read_timeout=0.4, deadline=10).get(sites.busy.url("/stall"))
    assert err.value.reason == "timed out" and err.value.transient
    assert time.monotonic() - started < 2.5  # the server stalls for 3 s


def test_retries_after_503_are_bounded(sites: Sites):
    sites.busy.routes["/unavailable"] = lambda req: req.answer(503, b"", {"Retry-After": "0"})
    with pytest.raises(FetchError) as err:
        client(retries=2).get(sites.busy.url("/unavailable"))
    assert err.value.reason == "HTTP 503" and err.value.transient
    assert len(sites.busy.hits_of("/unavailable")) == 3


def test_redirects_are_followed_a_few_times_only(sites: Sites):
    sites.busy.routes["/loop"] = lambda req: req.answer(302, b"", {"Location": "/loop"})
    with pytest.raises(FetchError, match="too many redirects"):
        client().get(sites.busy.url("/loop"))
    assert len(sites.busy.hits_of("/loop")) == 6  # the first request and 5 redirects


def test_only_http_and_https_urls_are_requested():
    for url in ("file:///etc/passwd", "ftp://a.test/x", "javascript:alert(1)", "gopher://x/"):
        with pytest.raises(FetchError, match="not an http"):
            client().get(url)


def test_crawl_delay_spaces_requests_to_one_host(tmp_path: Path, sites: Sites, capsys):
    sites.busy.static("/robots.txt", "User-agent: *\nCrawl-delay: 0.3\n", "text/plain")
    for path in ("/a.html", "/b.html"):
        sites.busy.static(path, f"<html><title>{path}</title></html>", "text/html")
    sources = write_sources(tmp_path, sites)
    code, _ = fetch(capsys, "--sources", str(sources), "--corpus", str(tmp_path / "c"),
                    "--source", "jaxa", "--delay", "0")
    assert code == 0
    times = [hit.at for hit in sites.busy.hits]
    assert len(times) == 4  # robots.txt, feed, two releases
    gaps = [b - a for a, b in zip(times[1:], times[2:], strict=False)]
    assert min(gaps) >= 0.27


def test_delay_option_spaces_requests_to_one_host(tmp_path: Path, sites: Sites, capsys):
    for path in ("/a.html", "/b.html"):
        sites.busy.static(path, f"<html><title>{path}</title></html>", "text/html")
    sources = write_sources(tmp_path, sites)
    code, _ = fetch(capsys, "--sources", str(sources), "--corpus", str(tmp_path / "c"),
                    "--source", "jaxa", "--delay", "0.25")
    assert code == 0
    times = [hit.at for hit in sites.busy.hits]
    assert len(times) == 4 and min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.22


# --------------------------------------------------------------------------- runs


def test_max_items_takes_the_newest_first_and_leaves_the_rest_for_the_next_run(
    tmp_path: Path, sites: Sites, capsys
):
    sources = write_sources(tmp_path, sites)
    corpus = tmp_path / "c"
    args = ["--sources", str(sources), "--corpus", str(corpus), "--source", "roscosmos",
            "--delay", "0", "--max-items", "2"]
    assert fetch(capsys, *args)[0] == 0
    folder = corpus / "roscosmos"
    assert documents(folder) == {stored_name(sites, BAIKONUR_EN), stored_name(sites, SOYUZ)}
    sites.reset_hits()
    assert fetch(capsys, *args)[0] == 0  # the copy of SOYUZ, then ANGARA
    assert documents(folder) == {stored_name(sites, r) for r in (BAIKONUR_EN, SOYUZ, ANGARA)}
    assert ("/rss.xml", 200) in [(h.path, h.status) for h in sites.agency.hits]


def test_leftovers_of_a_killed_run_are_cleaned_and_the_release_fetched_again(
    tmp_path: Path, sites: Sites, capsys
):
    sources = write_sources(tmp_path, sites)
    corpus = tmp_path / "c"
    folder = corpus / "roscosmos"
    folder.mkdir(parents=True)
    name = stored_name(sites, SOYUZ)
    # killed after the sidecar's rename, before the document's; and a half-written temporary
    (folder / (name + ".meta.json")).write_text(json.dumps(
        {"url": sites.agency.url(SOYUZ.path), "sha256": hashlib.sha256(SOYUZ.body).hexdigest()}
    ))
    (folder / ".orbita-tmp-0123456789ab").write_bytes(SOYUZ.body[:100])
    code, _ = fetch(capsys, "--sources", str(sources), "--corpus", str(corpus),
                    "--source", "roscosmos", "--delay", "0")
    assert code == 0
    assert (folder / name).read_bytes() == SOYUZ.body
    assert sidecar(folder, name)["title"] == SOYUZ.title
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_interrupted_between_the_two_renames_leaves_no_document_without_its_sidecar(
    tmp_path: Path, sites: Sites, capsys, monkeypatch
):
    import search.fetch.store as store

    real_replace = os.replace
    renames: list[str] = []

    def replace_then_die(src, dst):  # the run dies right after its first rename
        if renames:
            raise KeyboardInterrupt
        renames.append(str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(store.os, "replace", replace_then_die)
    args = ["--sources", str(write_sources(tmp_path, sites)), "--corpus", str(tmp_path / "c"),
            "--source", "roscosmos", "--delay", "0"]
    assert fetch(capsys, *args)[0] == 130
    folder = tmp_path / "c" / "roscosmos"
    assert [Path(p).name for p in renames] == [stored_name(sites, BAIKONUR_EN) + ".meta.json"]
    assert documents(folder) == set()  # the sidecar alone: reindex sees nothing
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    monkeypatch.setattr(store.os, "replace", real_replace)
    assert fetch(capsys, *args)[0] == 0
    assert documents(folder) == {stored_name(sites, r) for r in AGENCY_RELEASES}


def test_kill_9_mid_run_then_the_next_run_completes_the_job(tmp_path: Path, sites: Sites):
    sites.agency.pause = 0.4
    sources = write_sources(tmp_path, sites)
    corpus = tmp_path / "c"
    folder = corpus / "roscosmos"
    command = [sys.executable, "-m", "search", "fetch", "--sources", str(sources),
               "--corpus", str(corpus), "--source", "roscosmos", "--delay", "0", "--quiet"]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (folder.is_dir() and documents(folder)):
        time.sleep(0.02)
    time.sleep(0.2)  # somewhere inside the next download or write
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    stored = documents(folder)
    assert 0 < len(stored) < len(AGENCY_RELEASES)
    for name in stored:  # whatever was written is whole and has its sidecar
        meta = sidecar(folder, name)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == meta["sha256"]

    sites.agency.pause = 0
    sites.reset_hits()
    result = subprocess.run(command[:-1], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert documents(folder) == {stored_name(sites, r) for r in AGENCY_RELEASES}
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    asked = {hit.path for hit in sites.agency.hits}
    for release in AGENCY_RELEASES:  # what the killed run stored is not downloaded again
        if stored_name(sites, release) in stored:
            assert release.path not in asked


def test_sitemap_indexes_are_followed_to_a_bounded_depth(tmp_path: Path, sites: Sites, capsys):
    b = sites.busy
    index = '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' \
        "<sitemap><loc>{}</loc></sitemap></sitemapindex>"
    b.static("/s0.xml", index.format(b.url("/s1.xml")), "application/xml")
    b.static("/s1.xml", index.format(b.url("/s2.xml")), "application/xml")
    b.static("/s2.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<url><loc>{b.url('/deep.html')}</loc></url></urlset>", "application/xml")
    sources = tmp_path / "s.toml"
    sources.write_text(f'[[source]]\nkey = "cnsa"\nname = "CNSA"\n'
                       f'feeds = []\nsitemaps = ["{b.url("/s0.xml")}"]\n', encoding="utf-8")
    code, err = fetch(capsys, "--sources", str(sources), "--corpus", str(tmp_path / "c"),
                      "--delay", "0")
    assert code == 0
    assert b.paths() == ["/robots.txt", "/s0.xml", "/s1.xml"]
    assert "skipped, sitemap too deep or outside the source's sites: 1" in err


def test_quiet_prints_errors_only(tmp_path: Path, sites: Sites, capsys):
    code, err = fetch(capsys, "--sources", str(write_sources(tmp_path, sites)),
                      "--corpus", str(tmp_path / "c"), "--source", "roscosmos", "--delay", "0",
                      "--quiet")
    assert code == 0 and err == ""  # robots.txt and duplicates are no errors
    assert len(documents(tmp_path / "c" / "roscosmos")) == len(AGENCY_RELEASES)
    code, err = fetch(capsys, "--sources", str(write_sources(tmp_path, sites)),
                      "--corpus", str(tmp_path / "c"), "--source", "jaxa", "--delay", "0",
                      "--quiet")
    assert err.splitlines() == [
        f"orbita-fetch: jaxa: skipped {sites.busy.url('/a.html')}: host asked to wait too long "
        "(Retry-After 3600 s, over 5 s)",
        f"orbita-fetch: jaxa: skipped {sites.busy.url('/b.html')}: host skipped for this run "
        "(Retry-After 3600 s, over 5 s)",
    ]


# --------------------------------------------------------------------------- sources files


GOOD = """[[source]]
key = "nasa"
name = "NASA"
feeds = ["https://www.nasa.gov/news-release/feed/"]
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[source]]\nkey = "nasa"\nname = "NASA\nfeeds = []\n', r":3: TOML syntax error"),
        (GOOD + "\n[[source]]\nkey = 'esa'\nname = 'ESA'\nfeed = ['https://esa.int/f']\n",
         r":9: unknown field 'feed'"),
        ("[[source]]\nname = 'NASA'\nfeeds = ['https://a.test/f']\n", r":1: .*without 'key'"),
        ("[[source]]\nkey = 'nasa'\nname = 'NASA'\n\nfeeds = ['ftp://a.test/f']\n",
         r":5: .*'ftp://a.test/f' is not an http:// or https:// URL"),
        ("[[source]]\nkey = 'nasa'\nname = 'NASA'\nfeeds = ['javascript:alert(1)']\n",
         r":4: .*not an http"),
        (GOOD + "\n[[source]]\nkey = 'nasa'\nname = 'NASA'\nfeeds = ['https://a.test/f']\n",
         r":6: duplicate key 'nasa' \(first on line 1\)"),
        ("[[source]]\nkey = 'nasa'\nname = 'Роскосмос'\nfeeds = ['https://a.test/f']\n",
         r":3: source 'nasa': name 'Роскосмос' is not the agency 'nasa'"),
        ("[[source]]\nkey = 'nasa-gov'\nname = 'NASA'\nfeeds = ['https://a.test/f']\n",
         r":3: source 'nasa-gov': name 'NASA' is not the agency 'nasa-gov'"),
        ("[[source]]\nkey = 'kazcosmos'\nname = 'Kazcosmos'\nfeeds = ['https://a.test/f']\n"
         "\n[[source]]\nkey = 'mdai'\nname = 'MDAI'\nfeeds = ['https://b.test/f']\n",
         r":7: key 'mdai' is a name of the agency 'mdai-kz'"),
        ("[[source]]\nkey = '../etc'\nname = 'NASA'\nfeeds = ['https://a.test/f']\n",
         r":2: key '../etc' must be lower-case ASCII"),
        ("[[source]]\nkey = 'nasa'\nname = 'NASA'\nlang = 'english'\nfeeds = []\n",
         r":4: .*lang 'english'"),
        ("[[source]]\nkey = 'nasa'\nname = 'NASA'\nfeeds = []\n", r":1: .*no feeds"),
        ("[fetch]\ncontact = 'x'\ndelay = 3\n" + GOOD, r":3: \[fetch\]: unknown field 'delay'"),
        ("title = 'x'\n" + GOOD, r":1: unknown field 'title' at the top"),
        ("", r":1: no \[\[source\]\] table"),
    ],
)
def test_bad_sources_file_exits_2_naming_the_line_and_touches_nothing(
    tmp_path: Path, capsys, text: str, message: str
):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    corpus = tmp_path / "corpus"
    code, err = fetch(capsys, "--sources", str(path), "--corpus", str(corpus))
    assert code == 2
    assert re.search(re.escape(str(path)) + message, err), err
    assert "Traceback" not in err
    assert not corpus.exists()


def test_missing_sources_file_exits_2(tmp_path: Path, capsys):
    code, err = fetch(capsys, "--sources", str(tmp_path / "nope.toml"),
                      "--corpus", str(tmp_path / "c"))
    assert code == 2 and "sources file not found" in err
    assert not (tmp_path / "c").exists()


def test_unknown_source_option_exits_2(tmp_path: Path, sites: Sites, capsys):
    code, err = fetch(capsys, "--sources", str(write_sources(tmp_path, sites)),
                      "--corpus", str(tmp_path / "c"), "--source", "cnsa")
    assert code == 2 and "no source 'cnsa'" in err
    assert sites.agency.hits == []


def test_shipped_sources_toml_agrees_with_sources_txt():
    shipped = load_sources(REPO_ROOT / "sources.toml")
    assert shipped.sources
    for source in shipped.sources:
        agency = resolve(source.key)
        assert agency is not None and agency.key == source.key
        assert resolve(source.name) == agency and source.name == agency.name
        assert all(url.startswith("https://") for url in source.feeds + source.sitemaps)
    assert shipped.settings.contact.startswith("https://")


def test_check_reports_each_feed_and_writes_nothing(tmp_path: Path, sites: Sites, capsys):
    corpus = tmp_path / "c"
    code = main(["--sources", str(write_sources(tmp_path, sites)), "--corpus", str(corpus),
                 "--check", "--delay", "0"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1  # some of the hostile site's feeds fail
    a, h = sites.agency, sites.hostile
    assert f"roscosmos: feed {a.url('/rss.xml')}: ok, rss20, 8 items" in out
    assert f"roscosmos: feed {a.url('/en/atom.xml')}: ok, atom10, 2 items" in out
    assert f"roscosmos: feed {a.url('/rdf.xml')}: ok, rss10, 2 items" in out
    assert f"roscosmos: sitemap {a.url('/sitemap.xml')}: ok, sitemap index, 1 items" in out
    assert f"esa: feed {h.url('/page-as-feed')}: FAILED: not a feed (an HTML page)" in out
    assert not corpus.exists()
    releases = {r.path for r in AGENCY_RELEASES}
    assert not releases & {hit.path for hit in a.hits}
    code = main(["--sources", str(write_sources(tmp_path, sites)), "--corpus", str(corpus),
                 "--check", "--delay", "0", "--source", "roscosmos"])
    assert code == 0


def test_python_m_search_fetch_is_the_same_command(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "search", "fetch", "--sources", str(tmp_path / "none.toml")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "sources file not found" in result.stderr


def test_env_corpus_is_the_default(monkeypatch, tmp_path: Path, sites: Sites, capsys):
    monkeypatch.setenv("ORBITA_CORPUS", str(tmp_path / "env-corpus"))
    code, _ = fetch(capsys, "--sources", str(write_sources(tmp_path, sites)),
                    "--source", "jaxa", "--delay", "0")
    assert code == 0
    assert (tmp_path / "env-corpus" / "jaxa" / "_fetch.json").is_file()
    assert not os.path.exists("corpus/jaxa")


# --------------------------------------------------------------------------- then reindex


def test_reindex_of_the_fetched_corpus_indexes_html_pdf_and_docx_with_their_provenance(
    two_runs: TwoRuns, tmp_path: Path
):
    from search.engine import Engine, SearchRequest
    from search.index import reindex

    report = reindex(two_runs.corpus, tmp_path / "index")
    assert not report.skipped
    engine = Engine(tmp_path / "index")
    site = two_runs.sites.agency
    for release, query, date in [
        (SOYUZ, "Союз МС-25 доставил экипаж", "2024-04-11"),
        (REPORT_PDF, "Гагаринский старт прошёл проверку", "2024-04-05"),
        (STATEMENT_DOCX, "заявление пресс-службы о переносе пуска", "2024-03-30"),
        (ANGARA, "Ангара-А5 стартовала с Восточного", "2024-04-11"),
    ]:
        hits = engine.search(SearchRequest(query, correct=False)).hits
        doc_id = f"roscosmos/{stored_name(two_runs.sites, release)}"
        hit = next(h for h in hits if h.id == doc_id)
        assert (hit.source, hit.source_label, hit.date) == ("roscosmos", "Роскосмос", date)
        assert hit.source_url == site.url(release.path)
    assert engine.search(SearchRequest("source:roscosmos")).total == report.documents - 1
