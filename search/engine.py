"""search(request) → results: the one entry that the page, the API, the feed and the command
line call.

An :class:`Engine` reads one index folder. :meth:`Engine.search` checks a request once,
decides once whether it is a search or a listing by filters alone, understands the query
(corrections of layout, script and spelling; synonyms and transliterations), ranks, folds
copies of one release together, and builds every hit from the stored fields in one place.
The other questions asked of an archive are here too: one document, the releases like it,
completions, the agencies it holds, the archive at a glance (:meth:`Engine.overview`), and a
search's ranked hits to take away (:meth:`Engine.export`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .analysis import SERVER_LEMMA_CACHE, bound_lemma_cache, terms, words
from .caching import map_large_blocks
from .errors import IndexMissing, QueryError
from .index import MANIFEST, IndexHandle, Snapshot, open_index
from .query import (
    DEFAULT_PARAMS,
    Filters,
    Group,
    Highlighter,
    RankingParams,
    Token,
    compile_query,
    from_params,
    from_tokens,
    highlighter_for,
    is_kazakh,
    parse_query,
    parse_tokens,
    split_query,
    tokenize,
)
from .ranking import (
    COPIES_LOOKAHEAD,
    Folded,
    Overview,
    RelatedReleases,
    Release,
    Scorer,
    best,
    count_facets,
    feedback_scores,
    fold_copies,
    overview,
    related,
    score_units,
    source_names,
)
from .understand import (
    Correction,
    Synonyms,
    Understanding,
    all_words_count,
    completions,
    expand,
    load_synonyms,
    plan_corrections,
    preload,
    understanding_for,
    warm_up,
)

__all__ = [
    "DEFAULT_PER_PAGE",
    "MAX_DOCUMENT_CHARS",
    "MAX_EXPORT_ROWS",
    "MAX_PER_PAGE",
    "MAX_QUERY_CHARS",
    "MAX_RESULTS_WINDOW",
    "SORTS",
    "Document",
    "Engine",
    "Export",
    "ExportRow",
    "Filters",
    "Hit",
    "IndexMissing",
    "Overview",
    "QueryError",
    "RelatedReleases",
    "Release",
    "SearchRequest",
    "SearchResult",
    "prepare_to_serve",
]

MAX_QUERY_CHARS = 1000
# A document page shows at most this much of a release (a 4 MB text made a 8 MB page, and a
# server that rendered a few held 1.7 GB afterwards); the rest is in the original file.
MAX_DOCUMENT_CHARS = 500_000
MAX_PER_PAGE = 100
MAX_RESULTS_WINDOW = 1000  # page * per_page: deeper pages are refused, refine the query instead
DEFAULT_PER_PAGE = 10
SORTS = ("relevance", "date")
# A search taken away (Engine.export) holds at most this many hits: beyond, refine the query.
MAX_EXPORT_ROWS = 10_000


def prepare_to_serve() -> None:
    """Bound this process's word caches for serving rather than indexing, and have memory
    freed with an index generation go back to the system (search/caching.py): a server
    calls this once, before it forks its workers."""
    bound_lemma_cache(SERVER_LEMMA_CACHE)
    map_large_blocks()


@dataclass(frozen=True)
class SearchRequest:
    """One search: what was typed, which page, in which order, narrowed how.

    Filters typed in the query text (``source:nasa``) apply together with `filters`.
    """

    q: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    sort: str = "relevance"
    filters: Filters = field(default_factory=Filters)
    correct: bool = True  # False: search exactly what was typed (no corrections)

    @classmethod
    def from_params(cls, args: Mapping[str, Any]) -> SearchRequest:
        """A request from URL parameters (a Werkzeug MultiDict or a dict of strings): ``q``,
        ``page``, ``per_page``, ``sort``, ``noc=1``, and the filters ``source``, ``lang``,
        ``from``, ``to``, ``year``; empty ones mean the default.

        :raises QueryError: a parameter that is not a whole number, an agency, a language or
            a date.
        """
        return cls(
            q=str(args.get("q") or ""),
            page=_int_param(args, "page", 1, "bad_page",
                            "Номер страницы должен быть целым числом."),
            per_page=_int_param(args, "per_page", DEFAULT_PER_PAGE, "bad_per_page",
                                "Число результатов на странице должно быть целым числом."),
            sort=str(args.get("sort") or "").strip() or "relevance",
            filters=from_params(args),
            correct=str(args.get("noc") or "").strip().lower() not in ("1", "true", "yes"),
        )


def _int_param(args: Mapping[str, Any], name: str, default: int, code: str, message: str) -> int:
    raw = str(args.get(name) or "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:  # also digits past int()'s length limit
        raise QueryError(code, message, reason="not_number") from None


@dataclass
class Hit:
    id: str
    title: str
    title_html: str
    snippet_html: str
    date: str | None
    source: str | None  # the agency's key
    lang: str
    score: float
    source_label: str | None = None  # the agency's name as shown
    duplicates: list[str] = field(default_factory=list)  # ids of copies folded into this hit
    indexed_at: str | None = None  # when this version was indexed (UTC)
    source_url: str | None = None  # the release on its agency's site, when known

    def as_dict(self) -> dict[str, Any]:
        """The hit as the API shows it: dataclasses.asdict's shape without its deep copies
        (a millisecond a page)."""
        return {**vars(self), "duplicates": list(self.duplicates)}


@dataclass
class SearchResult:
    query: str  # the words searched, as typed (filters typed in the query are in `filters`)
    total: int  # every matching document, copies included
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    filters: Filters = field(default_factory=Filters)  # every filter in effect
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    correction: Correction | None = None

    def to_dict(self) -> dict[str, Any]:
        """The API's shape (see the README)."""
        data = {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "took_ms": self.took_ms,
            "hits": [h.as_dict() for h in self.hits],
            "facets": self.facets,
            "filters": self.filters.to_dict(),
        }
        if self.correction is not None:
            data["correction"] = self.correction.to_dict()
        return data


@dataclass
class Document:
    """One release as stored, with the query's words marked."""

    id: str
    title: str
    title_html: str
    paragraphs_html: list[str]
    date: str | None
    source: str | None
    source_label: str | None
    lang: str
    query: str | None  # the query whose words are marked (filters in it mark nothing)
    source_url: str | None  # the release on its agency's site, when known
    author: str | None
    fetched_at: str | None  # when orbita-fetch downloaded it (UTC)
    related: RelatedReleases
    length: int  # characters of the whole body
    truncated: bool  # only its first MAX_DOCUMENT_CHARS are in `paragraphs_html`


@dataclass
class ExportRow:
    """One hit of a search taken away: what a spreadsheet or a script needs, plain text."""

    id: str
    title: str
    date: str | None
    source: str | None  # the agency's key
    source_label: str | None  # the agency's name as shown
    lang: str
    score: float
    snippet: str  # the page's snippet as plain text, on one line
    source_url: str | None
    copies: list[str]  # ids of the copies folded into this hit


class Export:
    """A search's hits in rank order, copies folded as on the page, read one by one as they
    are iterated; the index generation stays open until they are all read or :meth:`close`
    is called (iterate it once, or close it)."""

    def __init__(self, query: str, filters: Filters, total: int, groups: list[Folded],
                 truncated: bool, correction: Correction | None, snap: Snapshot,
                 highlighter: Highlighter, stack: ExitStack) -> None:
        self.query = query  # the words as typed
        self.filters = filters  # every filter in effect
        self.total = total  # every matching document, copies included
        self.rows = len(groups)  # hits this export yields
        self.truncated = truncated  # some matching documents are in no row
        self.correction = correction
        self._groups = groups
        self._snap = snap
        self._highlighter = highlighter
        self._stack = stack

    def __iter__(self) -> Iterator[ExportRow]:
        try:
            for group in self._groups:
                yield self._row(group)
        finally:
            self.close()

    def close(self) -> None:
        self._stack.close()

    def _row(self, group: Folded) -> ExportRow:
        stored = self._snap.stored(group.docnum)
        source = stored.get("source") or None
        return ExportRow(
            id=stored["id"],
            title=stored["title"],
            date=stored.get("date") or None,
            source=source,
            source_label=stored.get("source_name") or source,
            lang=stored.get("lang", ""),
            score=round(float(group.score), 4),
            snippet=self._highlighter.plain_snippet(stored.get("body") or ""),
            source_url=stored.get("source_url") or None,
            copies=[self._snap.stored(d)["id"] for d in group.copies],
        )


@dataclass(frozen=True)
class _Query:
    """A checked request's text: its tokens, its words and every filter in effect."""

    words: str  # the text without its filters
    filters: Filters
    parsed: Group

    @property
    def browse(self) -> bool:
        """Filters alone: their documents, newest first."""
        return bool(self.filters) and not self.words.strip()


@dataclass
class _Found:
    """What a query matched: every document, the best of them in order, what to mark, and
    the correction it was searched with or that is offered."""

    docnums: np.ndarray
    ranked: list[tuple[int, float]]  # (docnum, score), best first, as deep as was asked
    highlighter: Highlighter
    correction: Correction | None = None

    @property
    def total(self) -> int:
        return len(self.docnums)


class Engine:
    """Every question asked of one index folder; safe to share between threads."""

    def __init__(self, index_dir: Path, *, synonyms: Synonyms | None = None,
                 params: RankingParams = DEFAULT_PARAMS) -> None:
        self.index_dir = Path(index_dir)
        self.handle = IndexHandle(self.index_dir)
        self.synonyms = synonyms if synonyms is not None else load_synonyms()
        self.params = params  # the ranking's constants (search/query/params.py)

    def close(self) -> None:
        self.handle.close()

    def snapshot(self) -> AbstractContextManager[Snapshot]:
        """The live generation for the length of a request.

        :raises IndexMissing: no index was built yet (or by another version).
        """
        return self.handle.snapshot()

    # --- searching -----------------------------------------------------------------------

    def search(self, request: SearchRequest, *, snapshot: Snapshot | None = None
               ) -> SearchResult:
        """One page of a search's results, understood and ranked.

        :param snapshot: the generation to search (one a longer request holds); by default
            the live one.
        :raises QueryError: empty or over-long query, bad page, page size or sort, bad or
            conflicting filters, only exclusions.
        :raises IndexMissing: no index.
        """
        started = time.perf_counter()
        query = _check(request)
        # copies of this page's hits may rank just below it
        depth = request.page * request.per_page + COPIES_LOOKAHEAD
        with nullcontext(snapshot) if snapshot is not None else self.snapshot() as snap:
            found = self._find(snap, query, request, depth)
            result = self._result(snap, query, request, found)
        result.took_ms = round((time.perf_counter() - started) * 1000, 1)
        return result

    def _find(self, snap: Snapshot, query: _Query, request: SearchRequest, depth: int
              ) -> _Found:
        """The request's matches and its best `depth`, understood as the request asks."""
        if query.browse:
            return self._run(snap, query, request.sort, None, depth)
        if not request.correct:
            return self._run(snap, query, request.sort, None, depth, translit=False)
        return self._understood(snap, query, request.sort, depth)

    def _understood(self, snap: Snapshot, query: _Query, sort: str, depth: int) -> _Found:
        """The search with the query corrected when it was typed in the wrong layout or
        script, or finds nothing for a typo."""
        u = understanding_for(snap)
        typed = query.words
        plan = plan_corrections(typed, snap, u, self.synonyms)

        def run(text: str) -> _Found:
            return self._run(snap, replace(query, words=text, parsed=parse_query(text)),
                             sort, u, depth)

        def answer(found: _Found, corrected: str, kind: str) -> _Found:
            found.correction = Correction(typed, corrected, kind, True)
            return found

        if plan.sure:
            edits = plan.sure + plan.guesses
            corrected = plan.text(edits)
            found = run(corrected)
            if found.total:
                return answer(found, corrected, plan.kind(edits))
        found = self._run(snap, query, sort, u, depth)
        if not plan.guesses:
            return found
        corrected = plan.text(plan.guesses)
        if found.total == 0:
            fixed = run(corrected)
            return answer(fixed, corrected, "spelling") if fixed.total else found
        # The query as typed found documents without the misspelled word: offer the correction
        # when some documents hold all the corrected words.
        if all_words_count(snap, corrected):
            found.correction = Correction(typed, corrected, "spelling", False)
        return found

    def _run(self, snap: Snapshot, query: _Query, sort: str, u: Understanding | None,
             depth: int, *, translit: bool = True) -> _Found:
        """Rank the documents for the query's words (expanded by synonyms, and by
        transliterations when `u` is given) or list them by their filters alone; the best
        `depth` of them in order."""
        scorer = Scorer(snap, params=self.params)
        flt = query.filters.query()
        highlighter = Highlighter()
        if query.browse:
            matched = scorer.mask(flt)
            docnums = np.flatnonzero(matched)
            ranked = _by_date(snap, docnums, scorer.zeros(), depth)
        else:
            parsed = expand(query.parsed, query.words, snap, u, self.synonyms,
                            translit=translit and u is not None, params=self.params)
            highlighter = highlighter_for(parsed, self.params.reading_share)
            compiled = compile_query(parsed, snap, self.params)
            if not compiled.units:
                if not parsed.units and parsed.excluded:
                    raise QueryError(
                        "only_exclusions",
                        "В запросе только исключения (-слово): добавьте слово, которое нужно "
                        "найти.",
                    )
                return _Found(np.zeros(0, dtype=np.int64), [], highlighter)
            scores, matched, unit_scores = score_units(scorer, compiled, self.params)
            if flt is not None:
                matched &= scorer.mask(flt)
            extra = feedback_scores(snap, scorer, scores, matched, compiled,
                                    [w for w, _, _ in words(query.words)], self.params)
            if extra is not None:  # a long question: terms of its best documents, reranked
                scores = scores + extra * matched
            docnums = np.flatnonzero(matched)
            if sort == "date":
                ranked = _by_date(snap, docnums, scores, depth)
            else:
                ranked = best(snap, scores, docnums, unit_scores, compiled, depth, self.params)
        return _Found(docnums, ranked, highlighter)

    def _result(self, snap: Snapshot, query: _Query, request: SearchRequest, found: _Found
                ) -> SearchResult:
        """The page the request asks for; `query` is the request's own (its words as typed,
        whatever was searched)."""
        end = request.page * request.per_page
        highlighter = found.highlighter
        hits = []
        for group in fold_copies(snap, found.ranked, end)[end - request.per_page:]:
            stored = snap.stored(group.docnum)
            source = stored.get("source") or None
            hits.append(Hit(
                id=stored["id"],
                title=stored["title"],
                title_html=highlighter.mark(stored["title"]),
                snippet_html=highlighter.snippet(stored["body"]),
                date=stored.get("date") or None,
                source=source,
                lang=stored.get("lang", ""),
                score=round(float(group.score), 4),
                source_label=stored.get("source_name") or source,
                duplicates=[snap.stored(d)["id"] for d in group.copies],
                indexed_at=stored.get("indexed_at") or None,
                source_url=stored.get("source_url") or None,
            ))
        facets = {name: [f.as_dict() for f in values]
                  for name, values in count_facets(snap, found.docnums).items()}
        return SearchResult(query.words, found.total, request.page, request.per_page, 0.0,
                            hits, query.filters, facets, found.correction)

    def export(self, request: SearchRequest, limit: int = MAX_EXPORT_ROWS) -> Export:
        """The search's hits in rank order (the request's page and page size ignored), at most
        `limit` of them, copies folded as on the page, for taking away. Ranking happens
        here; each hit's stored fields and plain-text snippet are read as it is iterated.

        :raises ValueError: `limit` is not between 1 and MAX_EXPORT_ROWS.
        :raises QueryError: as :meth:`search` does.
        :raises IndexMissing: no index.
        """
        if not 1 <= limit <= MAX_EXPORT_ROWS:
            raise ValueError(f"limit must be between 1 and {MAX_EXPORT_ROWS}, not {limit}")
        query = _check(replace(request, page=1, per_page=1))
        stack = ExitStack()
        try:
            snap = stack.enter_context(self.snapshot())
            found = self._find(snap, query, request, limit + COPIES_LOOKAHEAD)
            groups = fold_copies(snap, found.ranked, limit)
        except BaseException:
            stack.close()
            raise
        shown = sum(1 + len(g.copies) for g in groups)
        return Export(query.words, query.filters, found.total, groups, shown < found.total,
                      found.correction, snap, found.highlighter, stack)

    # --- one document ----------------------------------------------------------------------

    def document(self, doc_id: str, q: str | None = None) -> Document | None:
        """The release with this id, the words of `q` marked (its filters ignored; a query the
        engine would refuse marks nothing), with the releases like it; None for an unknown id.
        """
        with self.snapshot() as snap:
            docnum = snap.document_number(id=doc_id)
            if docnum is None:
                return None
            stored = snap.stored(docnum)
            marked = (q or "").strip() or None
            if marked is not None and len(marked) > MAX_QUERY_CHARS:
                marked = None  # a query the engine refuses marks nothing
            highlighter = (highlighter_for(parse_query(marked), self.params.reading_share)
                           if marked else Highlighter())
            body = stored.get("body") or ""
            shown = body[:MAX_DOCUMENT_CHARS]
            paragraphs = [p.strip() for p in re.split(r"\n\s*\n", shown) if p.strip()]
            source = stored.get("source") or None
            return Document(
                id=stored["id"],
                title=stored["title"],
                title_html=highlighter.mark(stored["title"]),
                paragraphs_html=[highlighter.mark(p) for p in paragraphs],
                date=stored.get("date") or None,
                source=source,
                source_label=stored.get("source_name") or source,
                lang=stored.get("lang", ""),
                query=marked,
                source_url=stored.get("source_url") or None,
                author=stored.get("author") or None,
                fetched_at=stored.get("fetched_at") or None,
                related=related(snap, doc_id) or RelatedReleases([], []),
                length=len(body),
                truncated=len(body) > len(shown),
            )

    def related(self, doc_id: str) -> RelatedReleases | None:
        """Up to five releases most like this one, and its own copies; None for an unknown
        id."""
        with self.snapshot() as snap:
            return related(snap, doc_id)

    # --- the archive -----------------------------------------------------------------------

    def suggest(self, text: str, *, wait: bool = False) -> list[str]:
        """Completions of what is being typed (see search/understand/tables.py)."""
        return completions(self.handle, text, wait=wait)

    def warm_up(self) -> None:
        """Build what corrections, completions and derivational families need before the
        first visitor needs it; nothing to do without an index."""
        try:
            warm_up(self.handle)
        except IndexMissing:
            pass

    def preload(self) -> None:
        """Load what every request reads alike and never changes (the morphology
        dictionaries), and build and save the live generation's tables (corrections,
        completions, family lemma lists) if no process did yet, without opening the index: a
        server does this before forking its workers, which then share the dictionaries' memory
        and load the tables' files at once."""
        for word in ("ракета", "ғарыш"):  # the Russian and Kazakh dictionaries load lazily
            terms(word, True)
        try:
            preload(self.index_dir.resolve())
        except IndexMissing:  # the index vanished meanwhile: the first request builds them
            pass

    def overview(self) -> Overview:
        """The archive at a glance: releases per agency, year, month and language, the range
        of their dates and the newest of them; counted from the index's columns once per
        generation and shared (do not change it). When it was written:
        :meth:`generation_time`.

        :raises IndexMissing: no index.
        """
        with self.snapshot() as snap:
            return overview(snap)

    def doc_count(self) -> int:
        with self.snapshot() as snap:
            return snap.doc_count()

    def generation(self) -> str | None:
        """The live generation's name; it changes with every reindex (None: no index)."""
        return self.handle.generation()

    def generation_time(self) -> float | None:
        """When the live generation was written (seconds since the epoch), or None."""
        gen = self.generation()
        if gen is None:
            return None
        try:
            return (self.index_dir / gen / MANIFEST).stat().st_mtime
        except OSError:
            return None

    def sources(self) -> list[tuple[str, str]]:
        """Every agency in the index as (key, name), by name."""
        with self.snapshot() as snap:
            return sorted(source_names(snap).items(), key=lambda c: c[1].casefold())


def open_engine(index_dir: Path) -> Engine:
    """An engine on an index that exists.

    :raises IndexMissing: none was built yet.
    """
    open_index(index_dir).close()
    return Engine(index_dir)


def _check(request: SearchRequest) -> _Query:
    """Validate a request once, and read its text.

    :raises QueryError: the reason, in words a person can act on.
    """
    q = request.q.strip()
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(
            "query_too_long",
            f"Запрос слишком длинный ({len(q)} символов); максимум {MAX_QUERY_CHARS}.",
            length=len(q), max=MAX_QUERY_CHARS,
        )
    if request.sort not in SORTS:
        raise QueryError("bad_sort", "Сортировка может быть только relevance или date.")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise QueryError("bad_per_page", f"per_page должен быть от 1 до {MAX_PER_PAGE}.",
                         reason="range", max=MAX_PER_PAGE)
    if request.page < 1:
        raise QueryError("bad_page", "Номер страницы должен быть не меньше 1.",
                         reason="too_small")
    if request.page * request.per_page > MAX_RESULTS_WINDOW:
        raise QueryError(
            "bad_page",
            f"Можно просмотреть только первые {MAX_RESULTS_WINDOW} результатов; уточните запрос.",
            reason="window", max=MAX_RESULTS_WINDOW,
        )
    tokens: list[Token] = tokenize(q)
    filters = request.filters.combine(from_tokens(tokens))
    words = split_query(q)[0] if any(t.kind == "filter" for t in tokens) else q
    if not words.strip() and not filters:
        raise QueryError("empty_query", "Введите запрос: хотя бы одно слово.")
    return _Query(words, filters, parse_tokens(tokens, kazakh=is_kazakh(words)))


def _by_date(snap: Snapshot, docnums: np.ndarray, scores: np.ndarray, depth: int
             ) -> list[tuple[int, float]]:
    """The newest `depth` documents (undated last), relevance breaking ties."""
    dates = snap.column_values("date")
    return sorted(
        ((int(d), float(scores[d])) for d in docnums),
        key=lambda item: (dates[item[0]] or "", item[1]),
        reverse=True,
    )[:depth]
