"""Faults: searching while `reindex --full` rebuilds, `kill -9` at chosen moments of a reindex,
a read-only or full disk, two reindex runs at once.

Real processes: the production server (`python -m web`, waitress) and the `reindex` command,
with a fault planted by a small hook script (tests/faultkit.py, FAULTY_REINDEX). Loopback
only; every subprocess and HTTP call has a timeout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from faultkit import (
    REPO_ROOT,
    Reply,
    Server,
    clean_build,
    fault_env,
    fault_pids,
    fingerprint,
    generations,
    kill_quietly,
    reindex_cmd,
    run_reindex,
    wait_gone,
    write_releases,
)

from search.corpus import content_hash
from search.index import current_generation, reindex
from web import create_app

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="uses /proc, POSIX locks and mounts"
)


def expected(corpus: Path) -> dict[str, str]:
    """What a clean build of `corpus` holds: every .txt file, id -> hash of its bytes."""
    return {
        p.relative_to(corpus).as_posix(): content_hash(p.read_bytes())
        for p in sorted(corpus.rglob("*.txt"))
    }


def total(client_or_server, q: str) -> int:
    """The number of documents an /api/search answer says match `q`, from the real server or a
    Flask test client. Sorted by date: the relevance-sorted total undercounts past 100 matches
    (see test_total_counts_every_match_whatever_the_page)."""
    path = "/api/search?sort=date&q=" + quote(q)
    r = client_or_server.get(path)
    if isinstance(r, Reply):
        assert r.status == 200, (path, r.status, r.body[:300])
        return r.json()["total"]
    assert r.status_code == 200, (path, r.status_code)
    return r.get_json()["total"]


def no_tracebacks(server: Server) -> None:
    log = server.log()
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]


# --- searching while a full rebuild runs -------------------------------------------------------

KEPT, GONE, ADDED, MOON = 900, 80, 810, 90  # releases kept, removed, added (MOON of them marked)


def test_search_under_full_reindex_never_fails_and_sees_old_or_new(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_releases(corpus, range(KEPT), "kept", paragraphs=2)
    write_releases(corpus, range(KEPT, KEPT + GONE), "gone", marker="марсоход", paragraphs=2)
    reindex(corpus, index, full=True)
    shutil.rmtree(corpus / "gone")
    write_releases(corpus, range(5000, 5000 + ADDED), "added", paragraphs=2)
    write_releases(corpus, range(6000, 6000 + MOON), "moon", marker="луноход", paragraphs=2)
    before, after = KEPT + GONE, KEPT + ADDED + MOON

    # Each request, and the totals it may show: the old index's or the new one's. Totals over
    # more than 100 matches are asked sorted by date: relevance-sorted totals are not exact
    # then (see test_total_counts_every_match_whatever_the_page).
    checks = [
        ("/api/search?q=" + quote("спутником") + "&sort=date", (before, after)),
        ("/api/search?q=" + quote("луноходы"), (0, MOON)),
        ("/api/search?q=" + quote("марсохода"), (GONE, 0)),
        ("/api/search?q=" + quote("спутник OR луноход") + "&sort=date", (before, after)),
        ("/api/search?q=" + quote("ракеты") + "&sort=date&page=7&per_page=25", (before, after)),
        ("/?q=" + quote("луноходом") + "&per_page=20&page=2", (0, MOON)),
        ("/?q=" + quote("станции") + "&sort=date", (before, after)),
        ("/healthz", (before, after)),
        ("/doc/kept/00007.txt?q=" + quote("орбита"), None),
    ]
    errors: list[str] = []
    seen = Counter()
    stop = threading.Event()

    def shown_total(path: str, reply) -> int | None:
        if path == "/healthz":
            return reply.json()["documents"]
        if path.startswith("/api/"):
            data = reply.json()
            page, per_page = data["page"], data["per_page"]
            want = max(0, min(per_page, data["total"] - (page - 1) * per_page))
            if len(data["hits"]) != want:
                errors.append(f"{path}: {len(data['hits'])} hits of total {data['total']}")
            return data["total"]
        if path.startswith("/?"):
            soup = BeautifulSoup(reply.body.decode("utf-8"), "html.parser")
            found = re.search(r"Найдено: ([\d\u202f]+)", soup.select_one(".found").text)
            return int(found[1].replace("\u202f", ""))
        return None

    def client(n: int) -> None:
        latest = 0  # 0: only old answers seen so far, 1: a new one seen
        for i in range(3000):
            if stop.is_set():
                return
            path, allowed = checks[(n + i) % len(checks)]
            try:
                reply = server.get(path, timeout=15)
                if reply.status != 200:
                    errors.append(f"{path}: HTTP {reply.status}")
                    continue
                shown = shown_total(path, reply)
            except Exception as e:  # noqa: BLE001 - every failure is a finding
                errors.append(f"{path}: {type(e).__name__}: {e}")
                continue
            if allowed is None:
                seen["doc"] += 1
                continue
            if shown not in allowed:
                errors.append(f"{path}: total {shown}, neither old nor new {allowed}")
                continue
            if allowed[0] != allowed[1]:
                state = allowed.index(shown)
                if state < latest:
                    errors.append(f"{path}: the old index answered after the new one")
                latest = max(latest, state)
                seen["old" if state == 0 else "new"] += 1

    with Server(index, corpus, tmp_path / "server.log", threads=8) as server:
        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(6)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        started = time.monotonic()
        during = sum(seen.values())
        proc = subprocess.run(
            reindex_cmd(corpus, index, "--full"), env=fault_env(), cwd=REPO_ROOT,
            capture_output=True, text=True, timeout=180,
        )
        rebuild_s = time.monotonic() - started
        during = sum(seen.values()) - during
        time.sleep(1.0)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        assert proc.returncode == 0, proc.stderr
        assert f"{after} documents indexed" in proc.stderr

        # the new documents are found at once, by the same server process
        assert server.proc.poll() is None
        assert total(server, "луноход") == MOON
        assert total(server, "марсоход") == 0
        assert server.get("/healthz").json()["documents"] == after
        assert server.get("/doc/moon/06003.txt").status == 200
        assert server.get("/doc/gone/00903.txt").status == 404
        no_tracebacks(server)

    print(f"\nsearch under reindex: {sum(seen.values())} requests, {during} during the "
          f"{rebuild_s:.1f} s rebuild, {seen['old']} old / {seen['new']} new answers")
    assert not errors, errors[:20]
    assert during >= 30, "too few requests overlapped the rebuild to tell anything"
    assert seen["old"] and seen["new"] and seen["doc"]
    assert fingerprint(index) == expected(corpus)


def test_total_counts_every_match_whatever_the_page(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_releases(corpus, range(300), "a", paragraphs=2)  # each holds all the INFLECTED words
    reindex(corpus, index, full=True)
    client = create_app({"TESTING": True, "INDEX_DIR": index}).test_client()
    wrong = {}
    for q in ("станции", "космодром", "спутником", "ракета орбита"):
        for page, per_page, sort in ((1, 10, "relevance"), (2, 100, "relevance"),
                                     (3, 100, "relevance"), (1, 10, "date")):
            r = client.get("/api/search", query_string={
                "q": q, "page": page, "per_page": per_page, "sort": sort})
            shown = r.get_json()["total"]
            if shown != 300:
                wrong[(q, page, per_page, sort)] = shown
    assert not wrong, f"totals other than the 300 matching documents: {wrong}"


# --- kill -9 at chosen moments ---------------------------------------------------------------


class KillBench:
    """One corpus, its index and a server on it, shared by the kill tests in turn: each test
    changes the corpus, kills a reindex at its moment, and leaves the index complete again."""

    def __init__(self, root: Path) -> None:
        self.corpus, self.index = root / "corpus", root / "index"
        write_releases(self.corpus, range(210), "base", paragraphs=2)
        reindex(self.corpus, self.index, full=True)
        self.server = Server(self.index, self.corpus, root / "server.log")
        self.round = 0

    def change_corpus(self, added: int) -> tuple[str, list[str]]:
        """Add releases with a fresh marker word, change one and remove one."""
        self.round += 1
        marker = ("луноход", "марсоход", "вездеход", "тягач", "планетоход", "самолёт",
                  "вертолёт", "катер", "паром", "буксир")[self.round % 10]
        folder = f"round{self.round:02d}"
        start = 10_000 * self.round
        ids = write_releases(self.corpus, range(start, start + added), folder, marker, 2)
        base = sorted((self.corpus / "base").glob("*.txt"))
        base[0].unlink()
        base[1].write_text(base[1].read_text("utf-8") + "\nДополнение.\n", encoding="utf-8")
        return marker, ids


@pytest.fixture(scope="module")
def kill_bench(tmp_path_factory) -> KillBench:
    bench = KillBench(tmp_path_factory.mktemp("kill"))
    yield bench
    bench.server.stop()


# (moment, --full?, count at which it strikes, releases added, live index after the kill)
KILL_POINTS = [
    pytest.param("read", False, 150, 220, "old", id="reading-documents-writers-running"),
    pytest.param("commit", True, 1, 5, "old", id="whoosh-commit-full"),
    pytest.param("check", False, 1, 5, "old", id="after-commit-before-manifest"),
    pytest.param("renamed", True, 1, 5, "old", id="swap-generation-renamed"),
    pytest.param("publish", True, 1, 5, "old", id="swap-replacing-CURRENT"),
    pytest.param("cleanup", True, 2, 5, "new", id="swap-done-before-cleanup"),
]


@pytest.mark.parametrize(("point", "full", "at", "added", "live_after"), KILL_POINTS)
def test_kill_9_during_reindex_keeps_serving_and_next_run_completes(
    kill_bench, point, full, at, added, live_after
):
    bench, server = kill_bench, kill_bench.server
    old_docs = server.get("/healthz").json()["documents"]
    old_generation = current_generation(bench.index)
    old_fingerprint = fingerprint(bench.index)
    marker, new_ids = bench.change_corpus(added)
    want = expected(bench.corpus)
    extra = ("--full",) if full else ()

    killed = run_reindex(bench.corpus, bench.index, *extra, fault=point, at=at, timeout=120)
    assert f"FAULT {point}" in killed.stdout, f"the moment was not reached:\n{killed.stderr}"
    assert killed.returncode == -9, killed.stderr
    # writer processes of the killed run do not linger
    assert not wait_gone(fault_pids(killed.stdout), timeout=5)

    # the server answers, from the last complete index
    if live_after == "old":
        assert current_generation(bench.index) == old_generation
        assert fingerprint(bench.index) == old_fingerprint
        assert server.get("/healthz").json()["documents"] == old_docs
        assert total(server, marker) == 0
        assert server.get("/doc/" + new_ids[0]).status == 404
    else:  # killed after CURRENT was switched: the new index is complete and live
        assert fingerprint(bench.index) == want
        assert total(server, marker) == added
    assert total(server, "космодром") == server.get("/healthz").json()["documents"]

    finished = run_reindex(bench.corpus, bench.index, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert fingerprint(bench.index) == want
    assert total(server, marker) == added
    assert server.get("/doc/" + new_ids[0]).status == 200
    assert not list(bench.index.glob("gen-*.tmp"))
    assert len(generations(bench.index)) <= 4
    no_tracebacks(server)


def test_a_clean_build_holds_what_the_kill_tests_compare_with(kill_bench, tmp_path):
    assert clean_build(kill_bench.corpus, tmp_path / "clean") == expected(kill_bench.corpus)


# --- writer processes that die --------------------------------------------------------------


@pytest.fixture(scope="module")
def parallel_corpus(tmp_path_factory) -> tuple[Path, Path]:
    """A corpus big enough for the parallel writers to queue work (1,000 releases) and an
    index of its first 100."""
    root = tmp_path_factory.mktemp("parallel")
    corpus, index = root / "corpus", root / "index"
    write_releases(corpus, range(100), "a", paragraphs=2)
    reindex(corpus, index, full=True)
    write_releases(corpus, range(100, 1000), "b", marker="луноход", paragraphs=2)
    return corpus, index


def test_parallel_reindex_that_fails_ends_with_a_clear_error(parallel_corpus, tmp_path):
    corpus, index = parallel_corpus
    before = fingerprint(index)
    scenarios = {  # name: (fault, at, extra environment)
        "writers killed by SIGKILL (as by the OOM killer)": ("kill-writers", 250, {}),
        "disk full inside the writer processes": ("enospc", 40, {}),
        "disk full in the parent, writers idle": ("enospc-queue", 3, {"ORBITA_SLOW_READ": "0.01"}),
    }
    procs = {}
    for n, (name, (fault, at, env)) in enumerate(scenarios.items()):
        own = tmp_path / f"index{n}"
        shutil.copytree(index, own)
        procs[name] = (own, subprocess.Popen(
            reindex_cmd(corpus, own, "--full", fault=fault), env=fault_env(fault, at, **env),
            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL,
        ))
    deadline = time.monotonic() + 20  # a healthy run of this corpus takes ~4 s
    problems = {}
    for name, (own, proc) in procs.items():
        try:
            out, err = proc.communicate(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            kill_quietly(proc)
            out, err = proc.communicate(timeout=10)
            problems[name] = "still running after 20 s (killed by the test)"
        wait_gone(fault_pids(out), timeout=5)
        lines = err.strip().splitlines()
        if name not in problems and (proc.returncode != 1 or not lines
                                     or not lines[-1].startswith("reindex: error:")):
            problems[name] = f"exit {proc.returncode}, stderr ends: {lines[-3:]}"
        elif name not in problems and "Traceback" in err:
            problems[name] = "tracebacks on stderr"
        if fingerprint(own) != before:
            problems[name] = problems.get(name, "") + "; the previous index changed"
    assert not problems, "\n".join(f"{name}: {what}" for name, what in problems.items())


# --- disk trouble ----------------------------------------------------------------------------


def _mount(*args: str) -> str | None:
    """Run mount/umount; None when it worked, else why not."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return "mounting needs root and mount(8)"
    try:
        r = subprocess.run(list(args), capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        return str(e)
    return None if r.returncode == 0 else (r.stderr.strip() or f"exit {r.returncode}")


@pytest.fixture
def small_disk(tmp_path) -> Path:
    """A 24 MB tmpfs, unmounted afterwards; skipped where mounting is not allowed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    why = _mount("mount", "-t", "tmpfs", "-o", "size=24m,mode=0755", "tmpfs", str(disk))
    if why:
        pytest.skip(f"cannot mount a small tmpfs here: {why}")
    try:
        yield disk
    finally:
        if _mount("umount", str(disk)):
            _mount("umount", "-l", str(disk))


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk but `leave` bytes."""
    st = os.statvfs(disk)
    filler = disk / "filler"
    with open(filler, "wb") as f:
        f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))
    return filler


def free_bytes(disk: Path) -> int:
    st = os.statvfs(disk)
    return st.f_bavail * st.f_frsize


@pytest.mark.parametrize(
    ("added", "full", "leave"),
    [
        pytest.param(20, False, 16 * 1024, id="incremental-one-writer"),
        pytest.param(400, True, 900 * 1024, id="full-rebuild-parallel-writers"),
    ],
)
def test_disk_full_is_a_clear_error_and_the_index_stays(small_disk, tmp_path, added, full, leave):
    corpus, index = tmp_path / "corpus", small_disk / "index"
    write_releases(corpus, range(40), "a", paragraphs=2)
    assert run_reindex(corpus, index, "--quiet").returncode == 0
    before = fingerprint(index)
    write_releases(corpus, range(100, 100 + added), "b", marker="луноход", paragraphs=3)
    filler = fill(small_disk, leave)
    free_before = free_bytes(small_disk)

    try:
        r = run_reindex(corpus, index, *(["--full"] if full else []), timeout=40)
    except subprocess.TimeoutExpired:
        # Known (test_parallel_reindex_that_fails_ends_with_a_clear_error): depending on
        # timing, a parallel run hangs at exit after printing its error.
        pytest.xfail("reindex hung after the disk filled up (idle writer processes)")
    assert r.returncode == 1, r.stderr[-2000:]
    errors = [line for line in r.stderr.splitlines() if line.startswith("reindex: error:")]
    assert len(errors) == 1, r.stderr[-2000:]
    assert "disk is full" in errors[0] and "previous index is unchanged" in errors[0]
    # the previous index is searchable, from the web app too; the failed run left nothing
    assert fingerprint(index) == before
    client = create_app({"TESTING": True, "INDEX_DIR": index}).test_client()
    assert total(client, "спутник") == 40 and total(client, "луноход") == 0
    assert not list(index.glob("gen-*.tmp"))
    assert free_bytes(small_disk) >= free_before - 64 * 1024

    filler.unlink()  # space back: the next run completes
    r = run_reindex(corpus, index, "--quiet")
    assert r.returncode == 0, r.stderr[-2000:]
    assert fingerprint(index) == expected(corpus)
    assert total(client, "луноход") == added


@pytest.mark.parametrize(
    ("fault", "at", "message"),
    [
        pytest.param("enospc", 25, "disk is full", id="ENOSPC-deep-in-whoosh-writes"),
        pytest.param("eacces", 3, "Permission denied", id="EACCES-creating-index-files"),
    ],
)
def test_injected_write_errors_are_clear_and_leave_the_index(tmp_path, fault, at, message):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_releases(corpus, range(30), "a", paragraphs=2)
    reindex(corpus, index, full=True)
    before = fingerprint(index)
    write_releases(corpus, range(100, 130), "b", marker="луноход", paragraphs=2)

    r = run_reindex(corpus, index, fault=fault, at=at, timeout=60)
    assert f"FAULT {fault}" in r.stdout, r.stderr
    assert r.returncode == 1, r.stderr[-2000:]
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("reindex: error:") and message in last, r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    assert fingerprint(index) == before
    assert not list(index.glob("gen-*.tmp"))

    assert run_reindex(corpus, index, "--quiet").returncode == 0
    assert fingerprint(index) == expected(corpus)


def test_read_only_index_folder_is_a_clear_error_and_the_index_stays(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_releases(corpus, range(30), "a", paragraphs=2)
    reindex(corpus, index, full=True)
    before = fingerprint(index)
    write_releases(corpus, range(100, 110), "b", marker="луноход", paragraphs=2)
    why = _mount("mount", "--bind", str(index), str(index))
    if why:
        pytest.skip(f"cannot bind-mount here: {why}")
    try:
        why = _mount("mount", "-o", "remount,bind,ro", str(index))
        if why:
            pytest.skip(f"cannot remount read-only here: {why}")
        with pytest.raises(OSError):
            (index / "probe").write_bytes(b"x")  # really read-only, even for root
        for extra in ((), ("--full",)):
            r = run_reindex(corpus, index, *extra, timeout=60)
            assert r.returncode == 1, r.stderr
            assert r.stderr.startswith("reindex: error: cannot write the index in "), r.stderr
            assert "previous index is unchanged" in r.stderr and "Traceback" not in r.stderr
            assert fingerprint(index) == before
            client = create_app({"TESTING": True, "INDEX_DIR": index}).test_client()
            assert total(client, "спутник") == 30
    finally:
        if _mount("umount", str(index)):
            _mount("umount", "-l", str(index))
    assert run_reindex(corpus, index, "--quiet").returncode == 0
    assert fingerprint(index) == expected(corpus)


# --- resources ----------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # the test's threads end, holding
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # their readers
def test_a_server_thread_does_not_hold_its_own_copy_of_the_index(tmp_path):
    import threading as th
    import tracemalloc

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_releases(corpus, range(600), "r")
    reindex(corpus, index, full=True)
    on_disk = sum(f.stat().st_size for f in current_generation(index).iterdir())
    app = create_app({"TESTING": True, "INDEX_DIR": index})
    held: list[int] = []

    def serve(measure: bool) -> None:  # what one waitress worker thread does, then keeps
        client = app.test_client()
        assert client.get("/api/search?q=" + quote("байконур")).status_code == 200
        assert client.get("/?q=" + quote("спутник")).status_code == 200
        assert client.get("/doc/r/00005.txt").status_code == 200
        if measure:
            held.append(tracemalloc.get_traced_memory()[0])

    first = th.Thread(target=serve, args=(False,))  # the app's shared caches fill up here
    first.start()
    first.join(timeout=60)
    for _ in range(2):
        tracemalloc.start()
        try:
            t = th.Thread(target=serve, args=(True,))
            t.start()
            t.join(timeout=60)
        finally:
            tracemalloc.stop()
    assert len(held) == 2
    assert min(held) < 0.25 * on_disk, (
        f"a new thread holds {min(held) / 1e6:.1f} MB for an index of {on_disk / 1e6:.1f} MB")


# --- two writers -------------------------------------------------------------------------------


def test_second_reindex_process_is_refused_at_once_while_one_runs(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_releases(corpus, range(40), "a", paragraphs=2)
    gate = tmp_path / "go"
    first = subprocess.Popen(
        reindex_cmd(corpus, index, "--full", fault="gate"),
        env=fault_env("gate", 1, ORBITA_GATE=str(gate)), cwd=REPO_ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
    )
    try:
        line = first.stdout.readline()  # the first run holds the lock, reading its documents
        assert line.startswith("FAULT gate"), line + first.stderr.read()
        for extra in ((), ("--full",)):
            started = time.monotonic()
            second = subprocess.run(
                reindex_cmd(corpus, index, *extra), env=fault_env(), cwd=REPO_ROOT,
                capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
            )
            took = time.monotonic() - started
            assert second.returncode == 1, second.stderr
            assert second.stderr.strip() == (
                f"reindex: error: another reindex is already running on {index} "
                f"(pid {first.pid}); try again when it has finished"
            )
            assert took < 10  # at once: interpreter start-up, no waiting for the lock
        assert first.poll() is None
        gate.touch()
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, err
    finally:
        kill_quietly(first)
    assert fingerprint(index) == expected(corpus)
