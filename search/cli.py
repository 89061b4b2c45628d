"""Command line: ``reindex`` and ``orbita-search`` (also ``python -m search reindex|search``)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .corpus import default_corpus
from .engine import Engine, SearchRequest
from .errors import IndexMissing, QueryError, ReindexError
from .fetch.cli import main as fetch_main
from .index import reindex


def _reindex_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reindex",
        description="Index the documents of a corpus folder (.txt, .md, .html, .pdf, .docx). "
        "Only new, changed and removed files are touched unless --full is given.",
    )
    parser.add_argument(
        "--corpus", type=Path, default=default_corpus(),
        help="folder of documents (default: $ORBITA_CORPUS or corpus/)",
    )
    parser.add_argument(
        "--index",
        type=Path,
        default=Path(os.environ.get("ORBITA_INDEX", "index")),
        help="index folder (default: $ORBITA_INDEX or index/)",
    )
    parser.add_argument("--full", action="store_true", help="rebuild the index from scratch")
    parser.add_argument("--quiet", action="store_true", help="print errors only")
    return parser


def reindex_main(argv: list[str] | None = None) -> int:
    """Entry point of the ``reindex`` command."""
    args = _reindex_parser().parse_args(argv)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="doc", file=sys.stderr, leave=False)
        bar.update(done - bar.n)

    show_bar = not args.quiet and sys.stderr.isatty()
    try:
        report = reindex(
            args.corpus,
            args.index,
            full=args.full,
            quiet=args.quiet,
            progress=progress if show_bar else None,
        )
    except ReindexError as e:
        print(f"reindex: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("reindex: interrupted; the previous index is unchanged", file=sys.stderr)
        return 130
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        print(report.summary(), file=sys.stderr)
        reasons: dict[str, int] = {}
        for _, reason in report.skipped:
            key = reason.split(":")[0].split("(")[0].strip()
            reasons[key] = reasons.get(key, 0) + 1
        for reason, count in sorted(reasons.items()):
            print(f"  skipped, {reason}: {count}", file=sys.stderr)
    return 0


def search_main(argv: list[str] | None = None) -> int:
    """Entry point of ``orbita-search``: search the index from a terminal, with the same
    results as the web page (corrections included unless ``--exact``)."""
    parser = argparse.ArgumentParser(
        prog="orbita-search",
        description="Search the index as the web page does (see the README for the syntax).",
    )
    parser.add_argument("query", nargs="+", help="query text (see README for the syntax)")
    parser.add_argument(
        "--index", type=Path, default=Path(os.environ.get("ORBITA_INDEX", "index")),
        help="index folder (default: $ORBITA_INDEX or index/)",
    )
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--sort", default="relevance", choices=["relevance", "date"])
    parser.add_argument(
        "--exact", action="store_true",
        help="search exactly what was typed: no layout, spelling or script corrections",
    )
    args = parser.parse_args(argv)
    request = SearchRequest(
        " ".join(args.query), page=args.page, per_page=args.per_page, sort=args.sort,
        correct=not args.exact,
    )
    engine = Engine(args.index)
    try:
        result = engine.search(request)
    except (IndexMissing, QueryError) as e:
        print(f"orbita-search: {getattr(e, 'message', e)}", file=sys.stderr)
        return 1
    finally:
        engine.close()
    correction = result.correction
    if correction is not None:
        verb = "showing results for" if correction.applied else "did you mean"
        print(f"{verb}: {correction.corrected}")
    print(f"{result.total} found, {result.took_ms} ms")
    for n, hit in enumerate(result.hits, (result.page - 1) * result.per_page + 1):
        print(f"{n:3}. [{hit.score:.2f}] {hit.id} — {hit.title}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m search reindex|search|fetch ...``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "reindex":
        return reindex_main(argv[1:])
    if argv and argv[0] == "search":
        return search_main(argv[1:])
    if argv and argv[0] == "fetch":
        return fetch_main(argv[1:])
    print("usage: python -m search {reindex,search,fetch} [options]", file=sys.stderr)
    return 2
