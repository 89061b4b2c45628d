"""The production server (gunicorn forking waitress workers): every core serves, and no client
can hold it — not one that trickles its headers, nor one that never reads its answer."""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from faultkit import PY, REPO_ROOT, Server, free_port, http_get, write_releases

from search.index import reindex

TRICKLERS = 300  # three times waitress's default connection limit
SEARCH = "/api/search?q=%D1%80%D0%B0%D0%BA%D0%B5%D1%82%D0%B0"  # «ракета»


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("serving")
    corpus, index = root / "corpus", root / "index"
    write_releases(corpus, range(40), "r", paragraphs=3)
    (corpus / "long.txt").write_text("Длинный отчёт\n\n" + "Ракета ушла на орбиту. " * 40_000,
                                     encoding="utf-8")
    reindex(corpus, index, full=True)
    return corpus, index


def trickle(port: int, count: int) -> list[socket.socket]:
    """Connections that have sent the start of a request and nothing more."""
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        sockets.append(s)
    return sockets


def test_clients_trickling_their_headers_do_not_keep_others_waiting(archive, tmp_path):
    corpus, index = archive
    with Server(index, corpus, tmp_path / "log") as server:
        slow = trickle(server.port, TRICKLERS)
        try:
            for n in range(20):
                for s in slow[n::20]:
                    s.sendall(b"X-Trickle: 1\r\n")  # still arriving, never complete
                started = time.monotonic()
                assert server.get("/healthz", timeout=5).status == 200
                assert time.monotonic() - started < 2
            assert server.get(SEARCH).status == 200
        finally:
            for s in slow:
                s.close()


@contextmanager
def serving(index: Path, log: Path, *options: str) -> Iterator[tuple[int, subprocess.Popen]]:
    """`python -m web` with these options on a free port, stopped at the end."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen([PY, "-m", "web", "--port", str(port), "--index", str(index),
                                 *options], cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(port)
            yield port, proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def test_a_request_that_does_not_arrive_in_time_is_closed(archive, tmp_path):
    _corpus, index = archive
    with serving(index, tmp_path / "log", "--workers", "1", "--request-timeout", "2") as (
        port, _proc
    ):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        for _ in range(8):  # a line a second: never idle, never complete
            time.sleep(1)
            try:
                s.sendall(b"X-Trickle: 1\r\n")
            except OSError:
                break
        assert s.recv(1024) == b""  # closed by the server
        assert time.monotonic() - started < 6


def test_clients_that_never_read_their_answer_hold_no_thread(archive, tmp_path):
    corpus, index = archive
    with Server(index, corpus, tmp_path / "log", threads=2) as server:
        readers = []
        for _ in range(40):  # a 1 MB page each, never read
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(b"GET /doc/long.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            readers.append(s)
        try:
            time.sleep(1)
            for _ in range(5):
                started = time.monotonic()
                assert server.get("/healthz", timeout=5).status == 200
                assert server.get(SEARCH).status == 200
                assert time.monotonic() - started < 3
        finally:
            for s in readers:
                s.close()


def test_every_worker_serves_and_sigterm_stops_them_all(archive, tmp_path):
    _corpus, index = archive
    with serving(index, tmp_path / "log", "--workers", "2") as (port, proc):
        answers: list[int] = []

        def client() -> None:
            for _ in range(10):
                answers.append(http_get(port, SEARCH, timeout=10).status)

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert answers == [200] * 40
        workers = _children(proc.pid)
        assert len(workers) == 2
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert not any(_alive(pid) for pid in workers)
    assert "Worker exiting" in (tmp_path / "log").read_text()


def _wait_healthy(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if http_get(port, "/healthz", timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not start")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}").exists() and "Z" not in Path(
            f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
