"""A gunicorn worker that serves with waitress: gunicorn forks a worker per core, restarts one
that dies and shuts them down gracefully; waitress, inside each, reads requests asynchronously
and hands only complete ones to its threads, so a client that trickles its headers or never
reads its answer holds a socket, not a thread.

On top of waitress's own bounds (connection limit, idle timeout, header size) a request must
arrive whole within REQUEST_SECONDS of its first byte, as a reverse proxy would enforce; and
cheap requests (static files, completions) are served before the searches queued ahead of
them. The health check waits for no thread at all: the loop thread that read it answers it,
so a worker whose threads are all searching still says at once that it is alive, and sends
the answer in one write (each system call lets a searching thread take the interpreter lock).
"""

from __future__ import annotations

import copy
import os
import sys
import time
from typing import Any, cast

from gunicorn.workers.base import Worker
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ThreadedTaskDispatcher

__all__ = ["CONNECTION_LIMIT", "IDLE_SECONDS", "REQUEST_SECONDS", "WaitressWorker", "options"]

SERVER_NAME = "orbita"  # the Server header: no product versions
CONNECTION_LIMIT = 1000  # per worker; far above its threads, so waiting clients cost sockets
IDLE_SECONDS = 30  # a connection with nothing to do is closed after this
REQUEST_SECONDS = 15  # a request's headers (and body) must arrive within this
FAST_PATHS = ("/healthz", "/static/", "/api/suggest")
INLINE_PATHS = frozenset({"/healthz"})  # answered by the loop thread itself
TICK_SECONDS = 1.0  # the loop's poll timeout: heartbeats and deadlines are checked this often


def options(threads: int) -> dict[str, Any]:
    """waitress settings for one process (the fallback server uses them too)."""
    return {
        "threads": threads,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": IDLE_SECONDS,
        "cleanup_interval": 5,
        "ident": SERVER_NAME,
        "expose_tracebacks": False,
        "asyncore_use_poll": True,  # select() stops at 1,024 descriptors
    }


class _Channel(HTTPChannel):
    """A connection that remembers when the request it is reading began, and lets the loop
    thread serve a health check it has just read."""

    request_started = 0.0
    receiving = False  # the loop thread is parsing what arrived (see _Dispatcher.add_task)
    serve_inline = False  # the request just read is served by the loop thread

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_started = time.monotonic()
        self.receiving = True
        try:
            taken = bool(super().received(data))
        finally:
            self.receiving = False
        if self.serve_inline:  # outside the channel's lock, which service() takes
            self.serve_inline = False
            self._serve_here()
        return taken

    def _serve_here(self) -> None:
        """Serve the request just read in this thread (the loop's), then send the whole
        answer in one write. Each system call lets a searching thread take the interpreter
        lock, and the loop thread then waits to get it back: waitress would send the headers
        and the body apart, each as soon as it is written, then wake the loop (this thread)."""
        adj, server = self.adj, self.server
        self.adj = copy.copy(adj)
        self.adj.send_bytes = sys.maxsize  # keep what is written until handle_write
        self.server = cast(Any, _Awake(server))
        try:
            self.service()
        finally:
            self.adj, self.server = adj, server
        self.handle_write()


class _Awake:
    """A channel's server as the loop thread sees it: it need not wake itself."""

    def __init__(self, server: Any) -> None:
        self._server = server

    def pull_trigger(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._server, name)


class _Dispatcher(ThreadedTaskDispatcher):
    """waitress's thread pool, with cheap requests put at the head of the queue: a completion
    is not kept waiting behind a queue of searches. A health check just read by the loop
    thread is not queued at all (its answer is a few hundred bytes: the loop thread never
    waits to write it, as it could for a connection with much unsent output)."""

    def add_task(self, task: Any) -> None:
        requests = getattr(task, "requests", None)
        path = getattr(requests[0], "path", "") if requests else ""
        if (path in INLINE_PATHS and getattr(task, "receiving", False)
                and not task.total_outbufs_len):
            task.serve_inline = True
            return
        if not path.startswith(FAST_PATHS):
            super().add_task(task)
            return
        with self.lock:
            self.queue.appendleft(task)
            self.queue_cv.notify()


def close_slow_requests(socket_map: dict[int, Any], now: float) -> None:
    """Close connections whose request has been arriving for longer than REQUEST_SECONDS."""
    for channel in list(socket_map.values()):
        started = getattr(channel, "request_started", 0.0)
        if started and channel.request is not None and not channel.requests:
            if now - started > REQUEST_SECONDS:
                channel.will_close = True


def make_server(app: Any, threads: int, **kwargs: Any) -> tuple[Any, dict[int, Any]]:
    """A waitress server with the channel and dispatcher above, not yet running, and the
    socket map its loop serves."""
    socket_map: dict[int, Any] = {}
    dispatcher = _Dispatcher()
    dispatcher.set_thread_count(threads)  # waitress starts only the threads of its own
    server = create_server(app, map=socket_map, _dispatcher=dispatcher, **options(threads),
                           **kwargs)
    for listener in list(socket_map.values()):
        listener.channel_class = _Channel
    return server, socket_map


class WaitressWorker(Worker):
    """One gunicorn worker process running waitress on the inherited listening sockets."""

    def run(self) -> None:
        server, socket_map = make_server(
            self.wsgi, self.cfg.threads, sockets=[listener.sock for listener in self.sockets]
        )
        listeners = list(socket_map.values())
        parent = self.ppid
        try:
            while self.alive and os.getppid() == parent:
                self.notify()  # the arbiter restarts a worker that stops calling this
                wasyncore.loop(timeout=TICK_SECONDS, map=socket_map, use_poll=True, count=1)
                close_slow_requests(socket_map, time.monotonic())
        finally:
            self._drain(server, socket_map, listeners)

    def _drain(self, server: Any, socket_map: dict[int, Any], listeners: list[Any]) -> None:
        """Graceful stop: accept nothing more, answer the requests already received (up to
        the graceful timeout), then stop the threads."""
        for listener in listeners:
            listener.accepting = False  # the other workers, or the next start, take them
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while time.monotonic() < deadline and any(
            getattr(channel, "requests", None) for channel in list(socket_map.values())
        ):
            self.notify()
            wasyncore.loop(timeout=0.2, map=socket_map, use_poll=True, count=1)
        server.task_dispatcher.shutdown()
