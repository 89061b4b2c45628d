"""The production server (gunicorn forking waitress workers): every core serves, and no client
can hold it — not one that trickles its headers, nor one that never reads its answer."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from faultkit import Server, http_get, write_releases
from waitress import wasyncore

from search.caching import GenerationTables
from search.index import reindex
from web import worker

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


def test_a_request_that_does_not_arrive_in_time_is_closed(archive, tmp_path):
    corpus, index = archive
    with Server(index, corpus, tmp_path / "log", workers=1,
                options=("--request-timeout", "2")) as server:
        s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
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
    corpus, index = archive
    with Server(index, corpus, tmp_path / "log") as server:
        port, proc = server.port, server.proc
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


def _children(pid: int) -> list[int]:
    """The server's workers: its children that run its command (not multiprocessing's
    helper, which building the tables in a child process starts)."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False).stdout
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    found = []
    for child in map(int, out.split()):
        try:
            if Path(f"/proc/{child}/cmdline").read_bytes() == command:
                found.append(child)
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}").exists() and "Z" not in Path(
            f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False


# --- workers: generations, tables, the health check ---------------------------------------


def _workers(pid: int, count: int) -> list[int]:
    """The server's workers, once all `count` have started."""
    for _ in range(300):
        found = _children(pid)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{count} workers did not start")


def _open_generations(pid: int, index: Path) -> set[str]:
    """The generations whose files a process holds open."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = Path(os.readlink(fd))
        except OSError:
            continue
        if target.parent.parent == index and target.parent.name.startswith("gen-"):
            found.add(target.parent.name)
    return found


def test_every_worker_follows_a_reindex_and_the_tables_are_built_once(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_releases(corpus, range(12), "r", paragraphs=2)
    reindex(corpus, index, full=True)
    # the master saved the first generation's tables before forking
    with Server(index, corpus, tmp_path / "log", threads=2) as server:
        port, proc = server.port, server.proc
        saved = sorted(p.name for p in (index / ".tables" / "gen-000001").glob("*.pickle"))
        assert [name.split("-")[0] for name in saved] == ["family", "suggester", "understanding"]
        workers = _workers(proc.pid, 2)
        new_word = "зюзябара"
        find = f"/api/search?q={quote(new_word)}"
        assert http_get(port, find).json()["total"] == 0

        write_releases(corpus, [100], "new", marker=new_word, paragraphs=2)
        reindex(corpus, index)
        totals = []
        for _ in range(200):  # until each worker has answered from the new generation
            with ThreadPoolExecutor(4) as pool:
                totals += pool.map(lambda _: http_get(port, find).json()["total"], range(4))
            if all("gen-000002" in _open_generations(w, index) for w in workers):
                break
        assert all("gen-000002" in _open_generations(w, index) for w in workers)
        assert set(totals) == {1}  # no worker answered from the old generation
        assert _children(proc.pid) == workers  # no restart was needed

        # a correction needs the new generation's tables: the first worker to need them
        # builds and saves them, the other loads the file (which is never written again)
        tables, typo = index / ".tables" / "gen-000002", f"/api/search?q={quote('зюзябора')}"

        def corrections(n: int) -> list[str]:
            with ThreadPoolExecutor(4) as pool:
                fixes = pool.map(lambda _: http_get(port, typo).json().get("correction"),
                                 range(n))
            return [fix["corrected"] if fix else "" for fix in fixes]

        for _ in range(200):  # until every worker has the new tables
            if all(corrections(8)) and len(list(tables.glob("*.pickle"))) == 2:
                break
            time.sleep(0.05)
        # (the family lemma lists are built in the background the first time a query looks
        # for a family in the new generation)
        files = {p.name: p.stat().st_ino for p in tables.glob("*.pickle")}
        assert sorted(name.split("-")[0] for name in files) == ["family", "understanding"]
        fixed = corrections(40)
        assert all(fix.startswith("зюзябар") for fix in fixed)  # the new release's word
        assert {p.name: p.stat().st_ino for p in tables.glob("*.pickle")} == files


def _count_build(gen: Path) -> str:
    """A table that records each time it is built (in a file beside the index)."""
    with open(gen.parent / "builds.log", "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()}\n")
    time.sleep(0.3)  # long enough for the other processes to be waiting for it
    return f"table of {gen.name}"


def _fetch_table(gen: Path, out: Path) -> None:
    table = GenerationTables("counted", _count_build, "test").get(gen, exact=True)
    out.write_text(table, encoding="utf-8")


def test_a_generation_table_is_built_by_one_process_and_loaded_by_the_others(tmp_path):
    gen = tmp_path / "index" / "gen-000003"
    gen.mkdir(parents=True)
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_fetch_table, args=(gen, tmp_path / f"out{n}"))
                 for n in range(3)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0, 0]
    assert len((tmp_path / "index" / "builds.log").read_text().split()) == 1
    assert {(tmp_path / f"out{n}").read_text() for n in range(3)} == {"table of gen-000003"}
    # the tables of a generation that reindex removed are removed with the next ones saved
    gen.rename(gen.with_name("gen-000004"))
    GenerationTables("counted", _count_build, "test").get(gen.with_name("gen-000004"))
    assert sorted(p.name for p in (tmp_path / "index" / ".tables").iterdir()) == ["gen-000004"]


def test_the_loop_thread_sends_a_health_checks_answer_in_one_write(monkeypatch):
    """Each system call of the loop thread lets a searching thread take the interpreter lock,
    and the loop thread then waits to get it back: the health check's headers and body leave
    in one send, and the loop thread does not wake itself. A thread's answer still wakes it."""
    sends: list[bytes] = []
    send = worker._Channel.send

    def counted(self, data, do_close=True):
        sends.append(bytes(data))
        return send(self, data, do_close=do_close)

    monkeypatch.setattr(worker._Channel, "send", counted)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", "16")])
        return [b'{"status": ', b'"ok"}']  # written in two parts

    with _served(app) as server:
        wakes: list[int] = []
        wake = server.pull_trigger
        monkeypatch.setattr(server, "pull_trigger", lambda: (wakes.append(1), wake()))
        port = server.effective_port
        assert http_get(port, "/healthz", timeout=10).body == b'{"status": "ok"}'
        assert len(sends) == 1 and sends[0].startswith(b"HTTP/1.1 200 OK\r\n")
        assert sends[0].endswith(b'\r\n\r\n{"status": "ok"}') and wakes == []
        sends.clear()
        # the connection stays open until the answer's thread has ended: a closed one is not
        # woken for (the client would otherwise race the thread's last step)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", "/api/search")
            assert conn.getresponse().read() == b'{"status": "ok"}'
            deadline = time.monotonic() + 5
            while not wakes and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            conn.close()
        assert len(sends) == 3 and wakes  # headers, then each part as written; then a wake


@contextmanager
def _served(app: Callable) -> Iterator:
    """A worker's waitress server with one thread on a free loopback port, its loop running in
    a thread of its own."""
    server, socket_map = worker.make_server(app, 1, host="127.0.0.1", port=0)
    loop = threading.Thread(target=wasyncore.loop,
                            kwargs={"timeout": 0.1, "map": socket_map, "use_poll": True},
                            daemon=True)
    loop.start()
    try:
        yield server
    finally:
        server.close()
        server.task_dispatcher.shutdown()


def test_the_health_check_is_answered_while_every_thread_is_busy():
    taken, release = threading.Event(), threading.Event()

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/slow":
            taken.set()
            release.wait(30)  # a search that holds the only thread
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["PATH_INFO"].encode()]

    with _served(app) as server:
        port = server.effective_port
        slow: list[bytes] = []
        holder = threading.Thread(target=lambda: slow.append(http_get(port, "/slow").body))
        queued: list[bytes] = []
        waiting = threading.Thread(target=lambda: queued.append(http_get(port, "/other").body))
        try:
            holder.start()
            assert taken.wait(10)
            waiting.start()
            assert http_get(port, "/healthz", timeout=10).body == b"/healthz"
            kept = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # one connection
            for _ in range(2):  # answered at once, the connection kept open for the next
                kept.request("GET", "/healthz")
                answer = kept.getresponse()
                assert (answer.status, answer.read()) == (200, b"/healthz")
            kept.close()
            assert not release.is_set() and slow == [] and queued == []  # still busy
        finally:
            release.set()
        holder.join(timeout=10)
        waiting.join(timeout=10)
        assert slow == [b"/slow"] and queued == [b"/other"]
