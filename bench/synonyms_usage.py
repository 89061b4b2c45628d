"""How often each variant of each synonym entry is used in a corpus: documents that hold the
variant in any inflection (a single word by lemma, several words as a phrase).

    python -m bench.synonyms_usage --index /tmp/orbita-understand/ru/index
    python -m bench.synonyms_usage --corpus ../shared/corpora --workdir /tmp/orbita-syn

With ``--corpus`` the Russian folders are copied and indexed into the work folder first.
Prints one line per entry (``count variant`` for each variant) and flags entries of which
fewer than two variants occur: such an entry cannot help in this corpus.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from bench.corpus import DEFAULT_CORPORA, russian_files
from search.engine import Engine, SearchRequest
from search.index import reindex
from search.understand import SYNONYMS_PATH, Synonyms, load_synonyms
from search.understand.synonyms import Entry


def variant_count(engine: Engine, variant: tuple[str, ...]) -> int:
    """Documents that hold the variant (the engine's own phrase matching for several words;
    by lemma for one), searched without the dictionary itself."""
    text = '"' + " ".join(variant) + '"' if len(variant) > 1 else variant[0]
    return engine.search(SearchRequest(text, per_page=1, correct=False)).total


def report(engine: Engine, entries: list[Entry]) -> tuple[list[str], int]:
    lines, weak = [], 0
    for entry in entries:
        counts = [(variant_count(engine, v), " ".join(v)) for v in entry.variants]
        used = sum(1 for n, _ in counts if n)
        flag = "  " if used >= 2 else "! "
        weak += used < 2
        lines.append(flag + " = ".join(f"{v} ({n})" for n, v in counts))
    return lines, weak


def build(corpora: Path, workdir: Path) -> Path:
    corpus = workdir / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    for f in russian_files(corpora):
        target = corpus / f.relative_to(corpora)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)
    reindex(corpus, workdir / "index", full=True)
    return workdir / "index"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--index", type=Path, help="an Orbita index of the corpus")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-synonyms"))
    ap.add_argument("--dictionary", type=Path, default=SYNONYMS_PATH)
    args = ap.parse_args(argv)
    index_dir = args.index or build(args.corpus.resolve(), args.workdir)
    entries = load_synonyms(args.dictionary).entries
    engine = Engine(index_dir, synonyms=Synonyms([]))
    lines, weak = report(engine, entries)
    docs = engine.doc_count()
    print("\n".join(lines))
    print(
        f"\n{len(entries)} entries over {docs} documents; {len(entries) - weak} with two or "
        f"more variants in use, {weak} marked '!' with fewer",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
