"""Serve Orbita's search page and JSON API with waitress.

Reads the index built by `reindex`; a server started before the first reindex answers 503
until the index appears, then serves it without a restart.
"""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Sequence

from flask import Flask

from . import create_app
from .access import get_engine

SERVER_NAME = "orbita"  # the Server header: no product versions


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="orbita-serve", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (%(default)s)")
    parser.add_argument("--index", help="index folder (default: $ORBITA_INDEX or ./index)")
    parser.add_argument("--corpus", help="corpus folder (default: $ORBITA_CORPUS or ./corpus)")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (%(default)s)")
    parser.add_argument(
        "--dev", action="store_true",
        help="Flask's development server with reloading, for working on templates; no debugger",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of `orbita-serve` and `python -m web`."""
    args = parse_args(argv)
    config = {}
    if args.index:
        config["INDEX_DIR"] = args.index
    if args.corpus:
        config["CORPUS_DIR"] = args.corpus
    app = create_app(config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    if args.dev:
        from werkzeug.serving import WSGIRequestHandler

        class Handler(WSGIRequestHandler):
            def version_string(self) -> str:
                return SERVER_NAME

        app.run(args.host, args.port, debug=False, use_debugger=False, use_reloader=True,
                request_handler=Handler)
        return

    from waitress import serve

    # corrections and completions are ready before the first visitor needs them
    threading.Thread(target=_warm_up, args=(app,), name="warm-up", daemon=True).start()

    print(f"Orbita: http://{args.host}:{args.port}/ (index: {app.config['INDEX_DIR']})",
          flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident=SERVER_NAME)


def _warm_up(app: Flask) -> None:
    try:
        with app.app_context():
            get_engine().warm_up()
    except Exception:  # the first request builds it instead, and reports what is wrong
        app.logger.exception("warming up the index failed")
