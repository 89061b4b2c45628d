"""Search engines under test behind one interface: build an index from files, then search it.

Every contender indexes the same files with the same ids (paths relative to ``root``).
Baselines split a file as title = line 1, body = the rest; Orbita runs its own pipeline.
"""

from __future__ import annotations

import re
import shutil
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.corpus import doc_id, read_doc

LIMIT_MB = 256  # writer memory for every baseline (Whoosh limitmb, tantivy heap)


@dataclass
class BuildStats:
    docs: int
    seconds: float  # indexing only (staging copies for Orbita excluded)
    input_bytes: int
    index_bytes: int


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class Contender(ABC):
    name: str = ""

    def __init__(self, root: Path) -> None:
        self.root = root  # ids are paths relative to this directory

    @abstractmethod
    def build(self, files: list[Path], workdir: Path) -> BuildStats:
        """Index ``files`` from scratch into ``workdir`` (created or emptied)."""

    @abstractmethod
    def open(self, workdir: Path) -> None:
        """Open the index ``build`` wrote to ``workdir`` for searching."""

    @abstractmethod
    def search(self, query: str, k: int = 10) -> list[str]:
        """Ids of the top ``k`` documents for the query text exactly as a user typed it."""

    def close(self) -> None:  # noqa: B027 - optional hook
        pass

    def _stats(self, files: list[Path], seconds: float, index_dir: Path) -> BuildStats:
        size = sum(f.stat().st_size for f in files)
        return BuildStats(len(files), seconds, size, dir_size(index_dir))


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


# --- Orbita -------------------------------------------------------------------------------


def page_ids(result: Any, k: int) -> list[str]:
    """The ids a page of Orbita's results shows, in order: each hit, then the copies of it
    (the same release republished) that the page lists under it; cut at ``k`` as every
    contender's list is."""
    return [doc for hit in result.hits for doc in (hit.id, *hit.duplicates)][:k]


class Orbita(Contender):
    """Adapter to the product's engine: the real ``reindex`` and the page's ``search`` call.

    Orbita indexes a corpus directory, so ``build`` first copies the files (keeping their
    relative paths) into ``workdir/corpus``; keep ``workdir`` outside the repository.
    """

    name = "orbita"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._engine_: Any = None
        self.last_report: Any = None

    def build(self, files: list[Path], workdir: Path) -> BuildStats:
        corpus = fresh_dir(workdir / "corpus")
        for f in files:
            target = corpus / doc_id(f, self.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, target)
        index_dir = workdir / "index"
        if index_dir.exists():
            shutil.rmtree(index_dir)
        seconds = self.reindex(workdir, full=True)
        return self._stats(files, seconds, index_dir)

    def reindex(self, workdir: Path, *, full: bool = False) -> float:
        """Run ``reindex`` over ``workdir/corpus``; returns wall seconds."""
        from search.index import reindex

        t0 = time.perf_counter()
        self.last_report = reindex(workdir / "corpus", workdir / "index", full=full, quiet=True)
        return time.perf_counter() - t0

    correct = True  # the page's search: corrections of layout, spelling and script

    def _engine(self, index_dir: Path) -> Any:
        from search.engine import Engine

        return Engine(index_dir)

    def open(self, workdir: Path) -> None:
        self.open_index(workdir / "index")

    def open_index(self, index_dir: Path) -> None:
        """Search an index folder directly (one ``reindex`` wrote anywhere), warmed up as a
        server's engine is before its first request."""
        self._engine_ = self._engine(index_dir)
        self._engine_.warm_up()

    def search(self, query: str, k: int = 10) -> list[str]:
        """The page's call: one page of ``k`` hits with highlighted titles and snippets.

        The page lists a hit's copies under it: see :func:`page_ids`.
        """
        from search.engine import QueryError, SearchRequest

        try:
            result = self._engine_.search(SearchRequest(query, per_page=k, correct=self.correct))
        except QueryError:  # the page shows the message instead of results
            return []
        return page_ids(result, k)

    def close(self) -> None:
        if getattr(self, "_engine_", None) is not None:
            self._engine_.close()
            self._engine_ = None


class OrbitaCore(Orbita):
    """Orbita's query language and ranking alone: no corrections, no synonyms (what 0.1's
    benchmarks measured)."""

    name = "orbita-core"
    correct = False

    def _engine(self, index_dir: Path) -> Any:
        from search.engine import Engine
        from search.understand import Synonyms

        return Engine(index_dir, synonyms=Synonyms([]))


# --- Whoosh baselines ---------------------------------------------------------------------


class WhooshBaseline(Contender):
    """Whoosh-Reloaded, BM25F: id + title (boost 2) + body, OR of the query words."""

    def _analyzer(self) -> Any:
        raise NotImplementedError

    def _schema(self) -> Any:
        from whoosh.fields import ID, TEXT, Schema

        analyzer = self._analyzer()
        return Schema(
            id=ID(stored=True, unique=True),
            title=TEXT(analyzer=analyzer, field_boost=2.0),
            body=TEXT(analyzer=analyzer),
        )

    def build(self, files: list[Path], workdir: Path) -> BuildStats:
        from whoosh.index import create_in

        index_dir = fresh_dir(workdir / "index")
        t0 = time.perf_counter()
        writer = create_in(str(index_dir), self._schema()).writer(limitmb=LIMIT_MB)
        for f in files:
            title, body = read_doc(f)
            writer.add_document(id=doc_id(f, self.root), title=title, body=body)
        writer.commit()
        return self._stats(files, time.perf_counter() - t0, index_dir)

    def open(self, workdir: Path) -> None:
        from whoosh.index import open_dir
        from whoosh.qparser import MultifieldParser, OrGroup, WildcardPlugin

        class StarWildcardPlugin(WildcardPlugin):
            """Only ``*`` is a wildcard: the ``?`` ending a question stays punctuation."""

            qmarks = ""
            expr = r"(?P<text>[*])"

        self.close()
        ix = open_dir(str(workdir / "index"))
        self._parser = MultifieldParser(["title", "body"], ix.schema, group=OrGroup)
        self._parser.remove_plugin_class(WildcardPlugin)
        self._parser.add_plugin(StarWildcardPlugin())
        self._searcher = ix.searcher()

    def search(self, query: str, k: int = 10) -> list[str]:
        hits = self._searcher.search(self._parser.parse(query), limit=k)
        return [hit["id"] for hit in hits]

    def close(self) -> None:
        if getattr(self, "_searcher", None) is not None:
            self._searcher.close()
            self._searcher = None


class WhooshSnowball(WhooshBaseline):
    name = "snowball"

    def _analyzer(self) -> Any:
        from whoosh.analysis import LanguageAnalyzer

        return LanguageAnalyzer("ru")


class WhooshPlain(WhooshBaseline):
    name = "plain"

    def _analyzer(self) -> Any:
        from whoosh.analysis import StandardAnalyzer

        return StandardAnalyzer()


# --- tantivy ------------------------------------------------------------------------------

_TANTIVY_SYNTAX = re.compile(r'[^\w\s"]')  # operators, field colons, brackets, wildcards…


def tantivy_query_text(query: str) -> str:
    """User text -> safe tantivy syntax: words and balanced "phrases" only.

    Lowercasing turns AND/OR/NOT/IN into plain words (the tokenizer lowercases anyway).
    """
    text = _TANTIVY_SYNTAX.sub(" ", query).lower()
    if text.count('"') % 2:
        text = text.replace('"', " ")
    return re.sub(r'"\s*"', " ", text).strip()


class Tantivy(Contender):
    """tantivy-py: title (boost 2) + body with a Snowball Russian stemmer, OR of the words."""

    name = "tantivy"
    tokenizer = "ru_stem"  # tantivy ships no Russian analyzer by name: registered here

    def _register(self, index: Any) -> None:
        from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

        analyzer = (
            TextAnalyzerBuilder(Tokenizer.simple())
            .filter(Filter.remove_long(40))
            .filter(Filter.lowercase())
            .filter(Filter.stemmer("russian"))
            .build()
        )
        index.register_tokenizer(self.tokenizer, analyzer)

    def build(self, files: list[Path], workdir: Path) -> BuildStats:
        import tantivy

        index_dir = fresh_dir(workdir / "index")
        t0 = time.perf_counter()
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", tokenizer_name=self.tokenizer)
        builder.add_text_field("body", tokenizer_name=self.tokenizer)
        index = tantivy.Index(builder.build(), path=str(index_dir))
        self._register(index)
        writer = index.writer(heap_size=LIMIT_MB * 1_000_000, num_threads=1)
        for f in files:
            title, body = read_doc(f)
            writer.add_document(tantivy.Document(id=doc_id(f, self.root), title=title, body=body))
        writer.commit()
        writer.wait_merging_threads()
        return self._stats(files, time.perf_counter() - t0, index_dir)

    def open(self, workdir: Path) -> None:
        import tantivy

        self._index = tantivy.Index.open(str(workdir / "index"))
        self._register(self._index)
        self._index.reload()
        self._searcher = self._index.searcher()

    def search(self, query: str, k: int = 10) -> list[str]:
        text = tantivy_query_text(query)
        if not text:
            return []
        fields, boosts = ["title", "body"], {"title": 2.0}
        try:
            parsed = self._index.parse_query(text, fields, field_boosts=boosts)
        except ValueError:
            parsed, _errors = self._index.parse_query_lenient(text, fields, field_boosts=boosts)
        hits = self._searcher.search(parsed, k).hits
        return [self._searcher.doc(addr).get_first("id") for _score, addr in hits]


CONTENDERS: dict[str, type[Contender]] = {
    c.name: c for c in (Orbita, OrbitaCore, WhooshSnowball, WhooshPlain, Tantivy)
}
DEFAULT_CONTENDERS = ("orbita", "snowball", "plain", "tantivy")  # orbita-core: by name


def make(name: str, root: Path) -> Contender:
    try:
        return CONTENDERS[name](root)
    except KeyError:
        known = ", ".join(CONTENDERS)
        raise SystemExit(f"Unknown contender '{name}'; choose from {known}") from None
