"""Kazakh analysis on KazQAD: relevance of stemming choices side by side, the stemmer's
speed, and how its stems sit in the corpus's vocabulary.

Every setup is Whoosh-Reloaded with BM25F over ``title`` (boost 2) and ``body``, the query
an OR of its words. A word with several terms (stems of its readings) scores as the best of
them in both fields (``DisjunctionMax``): summing them would count an ambiguous word twice
(one row shows the sum). Only the terms differ:

- plain: the lowercase word;
- prefix5: its first five letters;
- stems: ``search.kazakh.stems`` (all stems of a word at one position; Kazakh stop words
  dropped from the query), with and without the corpus lexicon (``known`` = the passages'
  words), and with each rule family switched off in turn;

and Orbita itself over the same passages (``reindex`` into ``--workdir``): the page's search,
the ranking alone (no corrections, no synonyms), and the ranking alone with each Kazakh rule
family switched off in turn.

The development questions are read in place (``kazqad_kk_dev.jsonl`` over
``kk_kazqad_passages``); indexes live in memory.

    python -m bench.kazakh [--shared ../shared] [--out bench/results/kazakh.md] [--no-ablation]
                           [--workdir /tmp/orbita-bench/kazakh]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh.analysis import Composable, Filter, Token
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query import DisjunctionMax, Or, Query, Term
from whoosh.scoring import BM25F

from bench import metrics
from bench.corpus import REPO_ROOT, RESULTS_DIR, corpus_files, read_doc
from bench.report import machine_header, table
from search.analysis import kazakh, word_parts, words
from search.analysis.analyzers import CompoundFilter, WordTokenizer

K = 10
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
PASSAGES = "corpora/kk_kazqad_passages"
QUESTIONS = "eval/kazqad_kk_dev.jsonl"

Terms = Callable[[str], tuple[str, ...]]
Passage = tuple[str, str, str]  # id, title, body


@dataclass(frozen=True)
class Setup:
    name: str
    terms: Terms
    drop_stop_words: bool = False
    sum_readings: bool = False  # a word's terms summed (Or) rather than the best one taken
    query_terms: Terms | None = None  # when queries analyse words otherwise than the index


# The index's analyzer looks its term function up by name here: Whoosh pickles the schema,
# and a name pickles where a closure would not.
_SETUPS: dict[str, Setup] = {}


class TermsFilter(Filter):
    """Replaces each word by its setup's terms, all at the word's position."""

    def __init__(self, setup: str) -> None:
        self.setup = setup

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        terms = _SETUPS[self.setup].terms
        for t in tokens:
            for term in terms(t.text):
                t.text = term
                yield t


def analyzer(setup: str) -> Composable:
    return WordTokenizer() | CompoundFilter() | TermsFilter(setup)


@dataclass
class Question:
    qid: str
    query: str
    relevant: dict[str, float]


def load_questions(path: Path) -> list[Question]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [Question(r["qid"], r["query"], dict.fromkeys(r["relevant"], 1.0)) for r in rows]


def load_passages(folder: Path) -> list[Passage]:
    """(id, title, body) of every passage; the id is the file name, as the questions judge."""
    return [(f.name, *read_doc(f)) for f in corpus_files(folder)]


def query_of(text: str, setup: Setup) -> Query | None:
    """OR of the question's words; each word the best of its terms, each term in title or
    body."""
    groups: list[Query] = []
    for word, _, _ in words(text):
        for part in dict.fromkeys([word, *word_parts(word)]):
            if setup.drop_stop_words and part in kazakh.STOP_WORDS:
                continue
            terms = (setup.query_terms or setup.terms)(part)
            fields = [Or([Term(f, t) for f in ("title", "body")]) for t in terms]
            groups.append(Or(fields) if setup.sum_readings else DisjunctionMax(fields))
    return Or(groups) if groups else None


@dataclass
class Result:
    setup: str
    rr: list[float]  # per question, in order
    s1: float
    r10: float
    build_s: float
    ms_per_query: float

    @property
    def mrr(self) -> float:
        return metrics.mean(self.rr)


def evaluate(setup: Setup, passages: list[Passage], questions: list[Question]) -> Result:
    _SETUPS[setup.name] = setup
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer(setup.name), field_boost=2.0),
        body=TEXT(analyzer=analyzer(setup.name)),
    )
    t0 = time.perf_counter()
    ix = RamStorage().create_index(schema)
    writer = ix.writer()
    for doc_id, title, body in passages:
        writer.add_document(id=doc_id, title=title, body=body)
    writer.commit()
    build = time.perf_counter() - t0
    rr, s1, r10 = [], [], []
    t0 = time.perf_counter()
    with ix.searcher(weighting=BM25F()) as searcher:
        for q in questions:
            query = query_of(q.query, setup)
            ranked = [h["id"] for h in searcher.search(query, limit=K)] if query else []
            rr.append(metrics.reciprocal_rank(ranked, q.relevant, K))
            s1.append(metrics.success_at(ranked, q.relevant, 1))
            r10.append(metrics.recall_at(ranked, q.relevant, K))
    per_query = 1000 * (time.perf_counter() - t0) / max(len(questions), 1)
    return Result(setup.name, rr, metrics.mean(s1), metrics.mean(r10), build, per_query)


def evaluate_orbita(name: str, folder: Path, questions: list[Question], workdir: Path,
                    correct: bool, families: frozenset[str] = kazakh.FAMILIES) -> Result:
    """Orbita over the passages (ids are their file names, as the questions judge them)."""
    import shutil

    from search.analysis import morphology
    from search.engine import Engine, QueryError, SearchRequest
    from search.index import reindex
    from search.understand import Synonyms

    morphology.KAZAKH_FAMILIES = families
    kazakh.clear_cache()
    try:
        corpus, index = workdir / "corpus", workdir / "index"
        if not corpus.exists():
            shutil.copytree(folder, corpus, ignore=shutil.ignore_patterns("_*", "*.md"))
        t0 = time.perf_counter()
        reindex(corpus, index, full=True)
        build = time.perf_counter() - t0
        engine = Engine(index) if correct else Engine(index, synonyms=Synonyms([]))
        rr, s1, r10 = [], [], []
        t0 = time.perf_counter()
        for q in questions:
            try:
                result = engine.search(SearchRequest(q.query, per_page=K, correct=correct))
                ranked = [h.id for h in result.hits]
            except QueryError:
                ranked = []
            rr.append(metrics.reciprocal_rank(ranked, q.relevant, K))
            s1.append(metrics.success_at(ranked, q.relevant, 1))
            r10.append(metrics.recall_at(ranked, q.relevant, K))
        per_query = 1000 * (time.perf_counter() - t0) / max(len(questions), 1)
        engine.close()
    finally:
        morphology.KAZAKH_FAMILIES = kazakh.FAMILIES
        kazakh.clear_cache()
    return Result(name, rr, metrics.mean(s1), metrics.mean(r10), build, per_query)


def orbita_results(folder: Path, questions: list[Question], workdir: Path,
                   ablation: bool) -> list[Result]:
    found = [
        evaluate_orbita("orbita (the page's search)", folder, questions, workdir, True),
        evaluate_orbita("orbita, ranking alone", folder, questions, workdir, False),
    ]
    if ablation:
        for family in sorted(kazakh.FAMILIES):
            found.append(evaluate_orbita(f"orbita, ranking alone − {family}", folder, questions,
                                         workdir, False, kazakh.FAMILIES - {family}))
    return found


def paired_interval(a: list[float], b: list[float], rounds: int = 2000) -> tuple[float, float]:
    """95% bootstrap interval of mean(a) - mean(b) over the same questions (fixed seed)."""
    rng = random.Random(0)
    n = len(a)
    diffs = sorted(
        sum(a[i] - b[i] for i in (rng.randrange(n) for _ in range(n))) / n for _ in range(rounds)
    )
    return diffs[int(0.025 * rounds)], diffs[int(0.975 * rounds) - 1]


def coverage(
    setups_: list[Setup], passages: list[Passage], questions: list[Question]
) -> str:
    """Conflation, apart from ranking: how many of the questions' words (stop words left
    out) a setup finds in the judged passage, and in how many passages a word is found."""
    rows = []
    texts = {doc_id: title + "\n" + body for doc_id, title, body in passages}
    for setup in setups_:
        terms_of = {
            doc_id: {t for w, _, _ in words(text) for t in setup.terms(w)}
            for doc_id, text in texts.items()
        }
        found = asked = matched = 0
        for q in questions:
            for word, _, _ in words(q.query):
                if word in kazakh.STOP_WORDS or not word.isalpha():
                    continue
                terms = set(setup.terms(word))
                asked += 1
                found += any(terms & terms_of[doc] for doc in q.relevant)
                matched += sum(bool(terms & t) for t in terms_of.values())
        rows.append([setup.name, f"{found / asked:.1%}", f"{matched / asked:.1f}"])
    head = ["terms", "question words found in a judged passage", "passages per question word"]
    return table(head, rows)


# ----------------------------------------------------------------------------- setups


def corpus_words(passages: list[Passage]) -> Counter[str]:
    """Every word of the passages (hyphenated words whole and in parts) with its count."""
    counts: Counter[str] = Counter()
    for _, title, body in passages:
        for word, _, _ in words(title + "\n" + body):
            counts.update(dict.fromkeys([word, *word_parts(word)], 1))
    return counts


def stemmer(
    known: Callable[[str], bool] | None, families: frozenset[str] = kazakh.FAMILIES
) -> Terms:
    def terms(word: str) -> tuple[str, ...]:
        return kazakh.stems(word, known, families)

    return terms


def setups(known: Callable[[str], bool], ablation: bool) -> list[Setup]:
    found = [
        Setup("plain", lambda w: (w,)),
        Setup("prefix5", lambda w: (w[:5],)),
        Setup("stems", stemmer(None), drop_stop_words=True),
        Setup("stems + lexicon", stemmer(known), drop_stop_words=True),
        Setup(
            "stems, lexicon in queries only",
            stemmer(None),
            drop_stop_words=True,
            query_terms=stemmer(known),
        ),
        Setup("stems, stop words kept", stemmer(None)),
        Setup("stems, readings summed", stemmer(None), drop_stop_words=True, sum_readings=True),
        Setup("stems, first stem only", lambda w: kazakh.stems(w)[:1], drop_stop_words=True),
        Setup(
            "stems + lexicon, first stem only",
            lambda w: kazakh.stems(w, known)[:1],
            drop_stop_words=True,
        ),
    ]
    if ablation:
        for family in sorted(kazakh.FAMILIES):
            rest = kazakh.FAMILIES - {family}
            found.append(Setup(f"stems − {family}", stemmer(None, rest), drop_stop_words=True))
            found.append(
                Setup(f"stems + lexicon − {family}", stemmer(known, rest), drop_stop_words=True)
            )
    return found


# ----------------------------------------------------------------------------- vocabulary


def is_kazakh_word(word: str) -> bool:
    return word.isalpha() and all("\u0400" <= ch <= "\u04ff" for ch in word)


def vocabulary_report(counts: Counter[str], known: Callable[[str], bool]) -> str:
    """How the stems sit in the corpus vocabulary, with and without the lexicon, and the
    5-letter prefix for comparison."""
    vocab = [w for w in counts if is_kazakh_word(w)]
    tokens = sum(counts[w] for w in vocab)
    rows = []
    for name, terms in (
        ("prefix5", lambda w: (w[:5],)),
        ("stems", stemmer(None)),
        ("stems + lexicon", stemmer(known)),
    ):
        mapped = {w: terms(w) for w in vocab}
        first_known = sum(mapped[w][0] in counts for w in vocab)
        any_known = sum(any(s in counts for s in mapped[w]) for w in vocab)
        changed = sum(mapped[w] != (w,) for w in vocab)
        distinct = len({s for m in mapped.values() for s in m})
        per_word = sum(len(m) for m in mapped.values()) / len(vocab)
        per_token = sum(len(mapped[w]) * counts[w] for w in vocab) / tokens
        rows.append([
            name, f"{first_known / len(vocab):.1%}", f"{any_known / len(vocab):.1%}",
            f"{changed / len(vocab):.1%}", distinct, f"{per_word:.2f}", f"{per_token:.2f}",
        ])
    head = [
        "terms", "first stem is a corpus word", "some stem is a corpus word", "words changed",
        "distinct terms", "terms/word", "terms/token",
    ]
    return (
        f"{len(vocab)} distinct Cyrillic words, {tokens} tokens.\n\n" + table(head, rows)
    )


def speed(counts: Counter[str], known: Callable[[str], bool]) -> str:
    """Words per second: each distinct word once with an empty cache (the cost of a new
    word), and the whole token stream through the cache (indexing)."""
    vocab = [w for w in counts if is_kazakh_word(w)]
    stream = [w for w in vocab for _ in range(counts[w])]
    rows = []
    for name, lexicon in (("stems", None), ("stems + lexicon", known)):
        kazakh.clear_cache()
        t0 = time.perf_counter()
        for w in vocab:
            kazakh.stems(w, lexicon)
        cold = len(vocab) / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        for w in stream:
            kazakh.stems(w, lexicon)
        warm = len(stream) / (time.perf_counter() - t0)
        rows.append([name, f"{cold:,.0f}", f"{warm:,.0f}"])
    kazakh.clear_cache()
    return table(["stemmer", "new words/s (no cache)", "tokens/s (cache warm)"], rows)


# ----------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "kazakh.md")
    ap.add_argument("--no-ablation", action="store_true", help="skip the per-family runs")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-bench/kazakh"),
                    help="where Orbita's copy of the passages and its index go")
    ap.add_argument("--orbita-only", action="store_true",
                    help="the Whoosh baselines (plain, prefix5) and Orbita only")
    args = ap.parse_args(argv)

    passages = load_passages(args.shared / PASSAGES)
    questions = load_questions(args.shared / QUESTIONS)
    counts = corpus_words(passages)
    lexicon = frozenset(counts)
    known = lexicon.__contains__

    results = []
    chosen = setups(known, ablation=not args.no_ablation and not args.orbita_only)
    for setup in chosen[:2] if args.orbita_only else chosen:
        print(f"{setup.name} …", file=sys.stderr, flush=True)
        results.append(evaluate(setup, passages, questions))
    print("orbita …", file=sys.stderr, flush=True)
    results += orbita_results(args.shared / PASSAGES, questions, args.workdir,
                              ablation=not args.no_ablation)
    baseline = next(r for r in results if r.setup == "prefix5")
    rows = []
    for r in results:
        low, high = paired_interval(r.rr, baseline.rr)
        delta = f"{r.mrr - baseline.mrr:+.3f} [{low:+.3f}, {high:+.3f}]"
        timing = [f"{r.build_s:.1f}", f"{r.ms_per_query:.1f}"]
        rows.append([r.setup, r.mrr, r.s1, r.r10, delta, *timing])
    head_row = ["setup", "MRR@10", "S@1", "R@10", "MRR − prefix5 [95%]", "build s", "ms/query"]
    relevance = table(head_row, rows)
    found = coverage(setups(known, ablation=False)[:4], passages, questions)
    vocab = vocabulary_report(counts, known)
    rate = speed(counts, known)

    head = f"{len(questions)} questions over {len(passages)} passages"
    print(f"\n{head}\n{relevance}\n\n{found}\n\n{vocab}\n\n{rate}\n")
    report = [
        "# Kazakh analysis (KazQAD development questions)\n",
        machine_header(),
        f"\n## Relevance: {head}\n",
        "Whoosh BM25F over title (boost 2) and body, OR of the question's words; "
        "«− family» is the stemmer with that rule family switched off.\n",
        relevance,
        "\nThe interval is a paired bootstrap over the questions (2,000 rounds).\n",
        "\n## Conflation apart from ranking\n",
        found,
        "\n## Stems in the corpus vocabulary\n",
        vocab,
        "\n## Speed of `stems()`\n",
        rate,
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(report), encoding="utf-8")
    print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
