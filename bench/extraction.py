"""Article extraction from real agency web pages, three readers side by side in one run.

    python -m bench.extraction                       # pages in ../shared/corpora/web_pages_en
    python -m bench.extraction --pages DIR --repeat 5 --out /tmp/extraction.md

Reads the hand-judged ``gold.jsonl`` of the page folder in place (title, date, the article's
first and last sentence, strings of page chrome) and compares, per page and in total:

- **old**: the HTML reader of 0.1 (``search.corpus.html.parse_html``);
- **trafilatura**: ``trafilatura.bare_extraction(html, with_metadata=True)`` alone;
- **new**: ``search.corpus.article.read_html``.

Columns: the body holds none of the judged chrome (pages, and chrome strings found), the date is
the gold date, the headline is exact (whitespace normalised), the first and the last sentence are
both in the body, milliseconds per page (median of ``--repeat`` runs). Strings are compared after
collapsing all whitespace, as the gold's SOURCE.md says. Rewrites ``bench/results/extraction.md``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from bench.corpus import DEFAULT_CORPORA
from bench.report import machine_header, table
from search.corpus.article import read_html
from search.corpus.decode import declared_charset, decode, normalise
from search.corpus.html import parse_html

DEFAULT_PAGES = DEFAULT_CORPORA / "web_pages_en"
RESULTS = Path(__file__).resolve().parent / "results" / "extraction.md"


@dataclass(frozen=True)
class Reading:
    title: str
    body: str
    date: str | None


def old_reader(html: str) -> Reading:
    parts = parse_html(html)
    return Reading(parts.title, parts.body, parts.date)


def trafilatura_reader(html: str) -> Reading:
    doc = trafilatura.bare_extraction(html, with_metadata=True)
    if doc is None or isinstance(doc, dict):
        return Reading("", "", None)
    return Reading(doc.title or "", doc.text or "", doc.date)


def new_reader(html: str) -> Reading:
    parts = read_html(html)
    return Reading(parts.title, parts.body, parts.date)


READERS: dict[str, Callable[[str], Reading]] = {
    "old": old_reader, "trafilatura": trafilatura_reader, "new": new_reader,
}


def norm(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


@dataclass(frozen=True)
class Score:
    chrome: list[str]
    date: bool
    title: bool
    first: bool
    last: bool
    ms: float


def score(gold: dict, reading: Reading, ms: float) -> Score:
    body = norm(reading.body)
    return Score(
        chrome=[b for b in gold["boilerplate"] if norm(b) in body],
        date=reading.date == gold["date"],
        title=norm(reading.title) == norm(gold["title"]),
        first=norm(gold["first"]) in body,
        last=norm(gold["last"]) in body,
        ms=ms,
    )


def read_page(path: Path) -> str:
    """The page as the corpus loader decodes it."""
    raw = path.read_bytes()
    return normalise(decode(raw, declared=declared_charset(raw)))


def run(pages: Path, repeat: int) -> tuple[list[dict], dict[str, list[Score]]]:
    golds = [json.loads(line) for line in (pages / "gold.jsonl").read_text("utf-8").splitlines()
             if line.strip()]
    scores: dict[str, list[Score]] = {name: [] for name in READERS}
    for reader in READERS.values():
        reader(read_page(pages / golds[0]["file"]))  # imports and caches warm
    for gold in golds:
        html = read_page(pages / gold["file"])
        for name, reader in READERS.items():
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                reading = reader(html)
                times.append((time.perf_counter() - t0) * 1000)
            scores[name].append(score(gold, reading, statistics.median(times)))
    return golds, scores


def mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(golds: list[dict], scores: dict[str, list[Score]], pages: Path, repeat: int) -> str:
    names = list(READERS)
    per_page = []
    for i, gold in enumerate(golds):
        row: list[object] = [gold["file"]]
        row.append(" / ".join(str(len(scores[n][i].chrome)) for n in names))
        row.append(" / ".join(mark(scores[n][i].date) for n in names))
        row.append(" / ".join(mark(scores[n][i].title) for n in names))
        row.append(" / ".join(mark(scores[n][i].first and scores[n][i].last) for n in names))
        row.append(" / ".join(f"{scores[n][i].ms:.0f}" for n in names))
        per_page.append(row)
    n_pages = len(golds)
    n_strings = sum(len(g["boilerplate"]) for g in golds)
    totals = []
    for name in names:
        s = scores[name]
        totals.append([
            name,
            f"{sum(not x.chrome for x in s)}/{n_pages}",
            f"{sum(len(x.chrome) for x in s)}/{n_strings}",
            f"{sum(x.date for x in s)}/{n_pages}",
            f"{sum(x.title for x in s)}/{n_pages}",
            f"{sum(x.first for x in s)}/{n_pages}",
            f"{sum(x.last for x in s)}/{n_pages}",
            f"{sum(x.first and x.last for x in s)}/{n_pages}",
            f"{statistics.mean(x.ms for x in s):.1f}",
            f"{statistics.median(x.ms for x in s):.1f}",
            f"{max(x.ms for x in s):.1f}",
        ])
    leftovers = [
        f"- {gold['file']}: " + "; ".join(f"{n}: {', '.join(repr(c) for c in scores[n][i].chrome)}"
                                          for n in ("new",) if scores[n][i].chrome)
        for i, gold in enumerate(golds) if scores["new"][i].chrome
    ]
    return "\n".join([
        "# Article extraction on real agency pages",
        "",
        machine_header().rstrip(),
        f"- pages: `{pages}` ({n_pages} pages, {n_strings} judged chrome strings), "
        f"median of {repeat} runs per page",
        "- command: `python -m bench.extraction`",
        "- the new reader's rules were written while reading these pages, so its figures are "
        "in-sample; the hand-made Russian pages of `tests/test_extraction.py` check the same "
        "rules on other layouts",
        "",
        "## Totals",
        "",
        table(["reader", "no chrome (pages)", "chrome strings kept", "date right",
               "headline exact", "first kept", "last kept", "first and last", "ms mean",
               "ms median", "ms max"], totals),
        "",
        "## Per page (old / trafilatura / new)",
        "",
        table(["page", "chrome strings", "date", "headline", "first and last", "ms"], per_page),
        "",
        "## Chrome the new reader still keeps",
        "",
        *(leftovers or ["- none"]),
        "",
    ])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder with gold.jsonl")
    ap.add_argument("--repeat", type=int, default=3, help="runs per page and reader (median)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    golds, scores = run(args.pages, max(1, args.repeat))
    text = report(golds, scores, args.pages, max(1, args.repeat))
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
