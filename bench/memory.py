"""Memory of one server process under the load mix, request after request.

    python -m bench.memory                          # 16,000 requests, a line every 2,000
    python -m bench.memory --requests 8000 --every 1000

One process opens the index that ``python -m bench.load`` built (``--workdir``, run that
first), bounds its caches as a server does (``search.engine.prepare_to_serve``) and replays
bench/load.py's request mix through the app with Flask's test client: no sockets, no
threads, no reindex, one seed. The same requests come in the same order on every machine,
so the figures are in megabytes, not in a machine's speed. After every ``--every``
requests: the process's anonymous memory (bench.load's anonymous PSS, after a garbage
collection), the blocks Python's allocator holds (sys.getallocatedblocks), and the entries
of every registered cache (search/caching.py). The load benchmark's memory growth after its
warm-up is what this shows filling from the same point on (bench.load.WARMUP_PER_WORKER).
Written to ``bench/results/memory.md`` (``--out``).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
from pathlib import Path

from search import caching
from search.engine import prepare_to_serve
from web import create_app

from .corpus import RESULTS_DIR
from .load import WARMUP_PER_WORKER, answer_error, load_queries, next_request, proc_stats
from .report import machine_header, table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=16_000, help="requests in all (16000)")
    ap.add_argument("--every", type=int, default=2000, help="requests between lines (2000)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-load"),
                    help="bench.load's work folder, with corpus/ and index/")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "memory.md")
    args = ap.parse_args(argv)
    corpus, index = args.workdir / "corpus", args.workdir / "index"
    if not (index / "CURRENT").exists():
        raise SystemExit(f"no index in {index}: run `python -m bench.load` first")

    prepare_to_serve()
    app = create_app({"INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)})
    client = app.test_client()
    rng = random.Random(args.seed)
    queries, ids = load_queries(corpus, rng)
    rows, anonymous, errors = [], {}, 0  # anonymous: requests done -> MB
    for done in range(1, args.requests + 1):
        kind, path = next_request(rng, queries, ids)
        answer = client.get(path)
        errors += answer_error(kind, path, answer.status_code, answer.get_data()) is not None
        if done % args.every == 0:
            gc.collect()
            anonymous[done] = proc_stats(os.getpid())["pss_anon_kb"] / 1024
            filled = {name: size for name, (size, _) in caching.stats().items() if size}
            rows.append([done, f"{anonymous[done]:.1f}", sys.getallocatedblocks(),
                         ", ".join(f"{name} {size}" for name, size in filled.items())])
            print(*rows[-1][:3], errors, flush=True)

    last = max(anonymous)
    growth = [
        f"- anonymous memory from request {start} to {last}: {anonymous[start]:.1f} → "
        f"{anonymous[last]:.1f} MB ({anonymous[last] - anonymous[start]:+.1f} MB)"
        for start in sorted({min(anonymous), WARMUP_PER_WORKER} & set(anonymous))
    ]
    report = "\n".join([
        "# Memory of one server process under the load mix",
        "",
        machine_header(),
        f"- index: {index} ({len(ids)} releases); {args.requests} requests of bench/load.py's "
        f"mix through the app in one thread, seed {args.seed}; errors: {errors}",
        f"- command: `python -m bench.memory --requests {args.requests} --every {args.every}`",
        "",
        *growth,
        "",
        table(["requests", "anonymous MB", "allocated blocks", "cache entries"], rows),
        "",
    ])
    args.out.write_text(report, encoding="utf-8")
    print(f"written to {args.out}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
