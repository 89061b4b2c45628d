"""``orbita-fetch`` (also ``python -m search fetch``): fill the corpus from the agencies' feeds."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..corpus import default_corpus
from .run import check, make_client, run
from .sources import SourcesError, load_sources

__all__ = ["main"]


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"seconds must be from 0 to 3600, not {text}")
    return value


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of items, at least 1: {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orbita-fetch",
        description="Fetch new press releases from the agencies' feeds and sitemaps into the "
        "corpus (one folder per agency), politely and incrementally; then run reindex.",
    )
    parser.add_argument(
        "--sources", type=Path, default=Path("sources.toml"),
        help="sources file (default: sources.toml in the current folder)",
    )
    parser.add_argument(
        "--corpus", type=Path, default=default_corpus(),
        help="folder of documents (default: $ORBITA_CORPUS or corpus/)",
    )
    parser.add_argument(
        "--source", action="append", metavar="KEY", default=[],
        help="fetch only this source (repeatable)",
    )
    parser.add_argument(
        "--delay", type=_non_negative, default=1.0,
        help="seconds between two requests to one site (default 1; a longer Crawl-delay wins)",
    )
    parser.add_argument(
        "--max-items", type=_positive, default=None, metavar="N",
        help="fetch at most N new releases per source, newest first",
    )
    parser.add_argument("--quiet", action="store_true", help="print errors only")
    parser.add_argument(
        "--check", action="store_true",
        help="only ask each feed and sitemap whether it answers and parses; fetch no release",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``orbita-fetch``: 0 when the run finished (even if some items failed),
    2 when the sources file or the options cannot be used (nothing is fetched or written)."""
    args = _parser().parse_args(argv)
    try:
        sources = load_sources(args.sources)
    except SourcesError as err:
        print(f"orbita-fetch: error: {err}", file=sys.stderr)
        return 2
    if args.source:
        known = {s.key for s in sources.sources}
        unknown = [k for k in args.source if k not in known]
        if unknown:
            print(
                f"orbita-fetch: error: no source {', '.join(map(repr, unknown))} in "
                f"{args.sources} (its sources: {', '.join(sorted(known))})",
                file=sys.stderr,
            )
            return 2
        sources = replace(
            sources, sources=tuple(s for s in sources.sources if s.key in args.source)
        )
    client = make_client(sources, delay=args.delay)
    try:
        if args.check:
            return _check(sources, client)
        return _run(args, sources, client)
    except KeyboardInterrupt:
        print(
            "orbita-fetch: interrupted; every release written is complete, the next run "
            "goes on from there", file=sys.stderr,
        )
        return 130
    finally:
        client.close()


def _check(sources: Any, client: Any) -> int:
    statuses = check(sources, client=client)
    for status in statuses:
        if status.outcome == "read":
            what = f"ok, {status.detail}, {status.items} items"
        else:
            what = f"FAILED: {status.detail}"
        print(f"{status.source}: {status.kind} {status.url}: {what}")
    return 0 if all(s.outcome == "read" for s in statuses) else 1


def _run(args: argparse.Namespace, sources: Any, client: Any) -> int:
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="release", file=sys.stderr, leave=False)
        bar.total = total
        bar.update(done - bar.n)

    def log(message: str, error: bool) -> None:
        if error or not args.quiet:
            if bar is not None:
                bar.write(f"orbita-fetch: {message}", file=sys.stderr)
            else:
                print(f"orbita-fetch: {message}", file=sys.stderr)

    show_bar = not args.quiet and sys.stderr.isatty()
    try:
        report = run(
            sources, args.corpus, client=client, max_items=args.max_items, log=log,
            progress=progress if show_bar else None,
        )
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        print(report.summary(), file=sys.stderr)
    return 0
