"""Serve Orbita's search page, JSON API and feeds on every core.

On POSIX, gunicorn forks ``--workers`` processes (default: one per core) that share the
listening socket; each serves with waitress threads (web/worker.py), opens the index's live
generation itself and follows each new ``reindex`` without a restart. SIGTERM stops them
gracefully: requests already received are answered first. Where processes cannot fork,
one waitress process serves with threads.

Before forking, the first process loads what every worker reads alike and never changes (the
app, the morphology dictionaries) and freezes it out of the garbage collector's reach, so the
workers share those pages instead of copying them. A generation's correction and completion
tables are built once and saved beside the index (by this process for the live generation,
by whichever worker needs them first after a reindex); every worker loads the saved files.
They are not shared in memory: each reindex replaces them, and a worker's copy of tables
loaded before the fork would turn private at the first reindex anyway.

A server started before the first reindex answers 503 until the index appears.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import threading
from collections.abc import Sequence
from typing import Any

from flask import Flask

from search.engine import prepare_to_serve

from . import create_app, worker
from .access import get_engine
from .worker import options

__all__ = ["main", "parse_args"]

DEFAULT_THREADS = 4  # per worker: searches are CPU-bound, more threads only wait for the GIL


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="orbita-serve", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (%(default)s)")
    parser.add_argument("--index", help="index folder (default: $ORBITA_INDEX or ./index)")
    parser.add_argument("--corpus", help="corpus folder (default: $ORBITA_CORPUS or ./corpus)")
    parser.add_argument(
        "--public-url",
        help="the address readers reach the site at, for the feeds' links, e.g. "
        "https://orbita.example.org (default: $ORBITA_PUBLIC_URL)",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes (default: the number of cores, %(default)s)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help="threads per process (%(default)s)")
    parser.add_argument("--request-timeout", type=float, default=worker.REQUEST_SECONDS,
                        help="seconds a request may take to arrive whole (%(default)s)")
    parser.add_argument(
        "--dev", action="store_true",
        help="Flask's development server with reloading, for working on templates; no debugger",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.request_timeout <= 0:
        parser.error("--request-timeout must be positive")
    if args.public_url and not args.public_url.startswith(("http://", "https://")):
        parser.error("--public-url must be an http:// or https:// address")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of `orbita-serve` and `python -m web`."""
    args = parse_args(argv)
    config: dict[str, Any] = {}
    if args.index:
        config["INDEX_DIR"] = args.index
    if args.corpus:
        config["CORPUS_DIR"] = args.corpus
    if args.public_url:
        config["PUBLIC_URL"] = args.public_url
    app = create_app(config)
    worker.REQUEST_SECONDS = args.request_timeout  # the workers fork from this process
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    address = f"{args.host}:{args.port}" if ":" not in args.host else f"[{args.host}]:{args.port}"
    print(f"Orbita: http://{address}/ (index: {app.config['INDEX_DIR']}, "
          f"{args.workers if hasattr(os, 'fork') and not args.dev else 1} process(es))",
          flush=True)

    prepare_to_serve()  # before the workers fork: theirs are bounded too
    if args.dev:
        from werkzeug.serving import WSGIRequestHandler

        class Handler(WSGIRequestHandler):
            def version_string(self) -> str:
                return "orbita"

        app.run(args.host, args.port, debug=False, use_debugger=False, use_reloader=True,
                request_handler=Handler)
    elif hasattr(os, "fork"):
        preload(app)
        _Gunicorn(app, address, args.workers, args.threads).run()
    else:  # no fork: one process, threads
        from waitress import serve

        start_warm_up(app)
        serve(app, host=args.host, port=args.port, **options(args.threads))


def start_warm_up(app: Flask) -> None:
    """Build corrections and completions before the first visitor needs them."""
    threading.Thread(target=_warm_up, args=(app,), name="warm-up", daemon=True).start()


def _warm_up(app: Flask) -> None:
    try:
        with app.app_context():
            get_engine().warm_up()
    except Exception:  # the first request builds it instead, and reports what is wrong
        app.logger.exception("warming up the index failed")


def preload(app: Flask) -> None:
    """Load, before forking, what all workers read alike, then keep the garbage collector
    off it: a collection writes to every object it visits, which would copy the shared pages
    into each worker. The live generation's tables are saved for the workers to load."""
    try:
        with app.app_context():
            get_engine().preload()
    except Exception:  # each worker builds what it needs instead, and reports what is wrong
        app.logger.exception("preloading the index's tables failed")
    gc.collect()
    gc.freeze()


def _post_worker_init(worker: Any) -> None:
    start_warm_up(worker.wsgi)


class _Gunicorn:
    """gunicorn run from Python, with Orbita's worker class and settings."""

    def __init__(self, app: Flask, address: str, workers: int, threads: int) -> None:
        from gunicorn.app.base import BaseApplication

        settings = {
            "bind": address,
            "workers": workers,
            "threads": threads,
            "worker_class": "web.worker.WaitressWorker",
            "graceful_timeout": 30,
            "timeout": 60,  # a worker silent this long (stuck) is restarted
            "post_worker_init": _post_worker_init,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "orbita",
            "control_socket_disable": True,  # no control socket in the user's home folder
        }

        class Application(BaseApplication):
            def load_config(self) -> None:
                for key, value in settings.items():
                    self.cfg.set(key, value)

            def load(self) -> Flask:
                return app

        self._application = Application()

    def run(self) -> None:
        self._application.run()
