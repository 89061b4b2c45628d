"""Building a per-index table in a child process.

A server rebuilds its correction and completion tables after every reindex. Built in the
server itself, the build's short-lived peak (every title and lead read, a million word pairs
counted) stays in the process as fragmented heap; built in a child, only the finished,
compact tables come back (pickled), and the server's memory stays flat from one reindex to
the next.

    python -m search.rebuild search.suggest:build_suggester index/gen-000012
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

TIMEOUT_SECONDS = 600


def build_elsewhere(build: Callable[[Any], Any], folder: Path) -> Any:
    """`build(searcher)` on the index generation in `folder`, run by a child process.

    :param build: a module-level function (the child imports it by name).
    :raises RuntimeError: the child failed (its error output says why).
    """
    target = f"{build.__module__}:{build.__qualname__}"
    done = subprocess.run(
        [sys.executable, "-m", "search.rebuild", target, str(folder)],
        capture_output=True, timeout=TIMEOUT_SECONDS, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"building {target} failed: {done.stderr.decode(errors='replace')}")
    return pickle.loads(done.stdout)


def main(argv: list[str]) -> int:
    target, folder = argv
    module, name = target.split(":")
    build = getattr(import_module(module), name)
    with whoosh_index.open_dir(folder).searcher() as searcher:
        value = build(searcher)
    pickle.dump(value, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
