"""Querying: the query language, ranking and result pages.

One parser serves the page, the API and the command line. Anything a person types is valid
input: odd quotes, brackets and operators are read as well as they can be, and the only errors
(:class:`QueryError`) are the ones a person can act on: an empty or over-long query, a bad page.

Syntax: plain words (every word counts, documents with more of them first), ``"фраза"``
(inflection-aware), ``OR``/``ИЛИ``/``|``, ``-слово`` (exclude), ``title:``/``заголовок:``,
``косм*`` (prefix), ``=слово``/``!слово`` (exact form), parentheses.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

import numpy as np
from whoosh import query as wq
from whoosh import sorting
from whoosh.matching import WrappingMatcher
from whoosh.query import spans
from whoosh.query.wrappers import WrappingQuery
from whoosh.searching import Searcher

from .analysis import STOP_WORDS, lemmas, stem, word_parts, words
from .highlight import Highlighter
from .scoring import Scorer, Scores, column_codes, column_values, flatten, has_term

MAX_QUERY_CHARS = 1000
MAX_NESTING = 8  # brackets deeper than this are ignored
MAX_QUERY_WORDS = 32  # words beyond these are ignored: they cannot change the top results
MAX_PER_PAGE = 100
MAX_RESULTS_WINDOW = 1000  # page * per_page: deeper pages are refused, refine the query instead
MAX_PREFIX_TERMS = 200  # a prefix expands to at most this many index terms
MIN_PREFIX_CHARS = 2
SORTS = ("relevance", "date")

# Ranking: BM25F over lemmas (title terms boosted), with the exact word form as extra, weaker
# evidence; a document's score is scaled by the share of the query's words it holds; among the
# best, adjacent query words found close together add a proximity bonus. A word whose lemmas
# no document holds is looked for by the other lemmas of its Snowball stem (for every word,
# that changed neither judged set and made rare words and questions twice as slow).
TITLE_BOOST = 2.5
EXACT_BOOST = 0.3
STEM_BOOST = 0.5
PART_BOOST = 0.5
PROXIMITY_BOOST = 0.25
PROXIMITY_SLOP = 4
PROXIMITY_DEPTH = 20
COVERAGE_WEIGHT = 0.5  # documents missing half the words lose a quarter of their score

_FIELD_BOOST = {"title": TITLE_BOOST, "body": 1.0}
TITLE_FIELDS = {"title", "заголовок", "t"}
_OR_WORDS = {"or", "или", "|"}
_TOKEN_RE = re.compile(
    r"""
    (?P<lparen>\() | (?P<rparen>\)) | (?P<bar>\|)
    | (?P<phrase>(?P<neg_p>-?)["“”„](?P<ptext>[^"“”„]*)["“”„]?)
    | (?P<word>[^\s()"“”„|]+)
    """,
    re.VERBOSE,
)


class QueryError(ValueError):
    """A query that cannot be run; ``message`` says why in plain Russian."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- parsing -----------------------------------------------------------------------------


@dataclass
class Word:
    text: str  # normalised (lowercase, ё-folded, no invisible characters)
    exact: bool = False
    prefix: bool = False
    title_only: bool = False
    boost: float = 1.0  # below 1 for words a query rewrite added (synonyms, transliterations)

    @property
    def is_stop(self) -> bool:
        """A function word («на», «каком», «было»): by its form or its most likely lemma."""
        if self.exact or self.prefix:
            return False
        return self.text in STOP_WORDS or lemmas(self.text)[0] in STOP_WORDS


@dataclass
class Phrase:
    words: list[str]
    title_only: bool = False
    boost: float = 1.0


@dataclass
class Group:
    """Units joined by juxtaposition; each unit is a list of alternatives (joined by OR)."""

    units: list[list[Node]] = field(default_factory=list)
    excluded: list[Node] = field(default_factory=list)


Node = Word | Phrase | Group


def parse_query(text: str) -> Group:
    """Parse what a person typed; never raises on odd input."""
    tokens = [m for m in _TOKEN_RE.finditer(text)]
    pos = 0

    def parse_group(depth: int) -> Group:
        nonlocal pos
        group = Group()
        pending_or = False
        while pos < len(tokens):
            m = tokens[pos]
            pos += 1
            kind = m.lastgroup if m.lastgroup != "ptext" else "phrase"
            if m.group("lparen"):
                if depth >= MAX_NESTING:  # deeper brackets group nothing more: ignore them
                    continue
                node: Node | None = parse_group(depth + 1)
                negated = False
            elif m.group("rparen"):
                if depth > 0:
                    return group
                continue  # a stray ")" is ignored
            elif m.group("bar") or (kind == "word" and m.group().lower() in _OR_WORDS):
                pending_or = bool(group.units)
                continue
            elif m.group("phrase") is not None and m.group("ptext") is not None:
                negated = m.group("neg_p") == "-"
                node = _phrase(m.group("ptext"), title_only=False)
            else:
                node, negated = _word_token(m.group())
            if node is None or (isinstance(node, Group) and not node.units):
                continue
            if negated:
                group.excluded.append(node)
            elif pending_or and group.units:
                group.units[-1].append(node)
            else:
                group.units.append([node])
            pending_or = False
        return group

    return parse_group(0)


def _word_token(raw: str) -> tuple[Node | None, bool]:
    """One whitespace-separated piece: -word, title:word, =word, !word, word*, or plain."""
    negated = raw.startswith("-") and len(raw) > 1
    if negated:
        raw = raw[1:]
    title_only = False
    head, sep, rest = raw.partition(":")
    if sep and head.lower() in TITLE_FIELDS:
        title_only, raw = True, rest
        if raw.startswith(('"', "“", "„")):
            return _phrase(raw, title_only=True), negated
    exact = raw[:1] in ("=", "!")
    if exact:
        raw = raw[1:]
    prefix = raw.endswith("*")
    found = words(raw.replace("*", " "))
    if not found:
        return None, False
    if len(found) > 1:  # punctuation inside a piece (e.g. «Байконур»,) splits it into words
        return Phrase([w for w, _, _ in found], title_only=title_only), negated
    text = found[0][0]
    if prefix and len(text) < MIN_PREFIX_CHARS:
        prefix = False
    return Word(text, exact=exact, prefix=prefix, title_only=title_only), negated


def _phrase(text: str, *, title_only: bool) -> Node | None:
    found = [w for w, _, _ in words(text)]
    if not found:
        return None
    if len(found) == 1 and len(word_parts(found[0])) == 1:
        return Word(found[0], title_only=title_only)
    return Phrase(found, title_only=title_only)  # a quoted «ракеты-носителя» stays strict


def effective_units(group: Group) -> list[list[Node]]:
    """The units of a top-level query that count: function words are dropped when there are
    other words (they would only add noise), a repeated word counts once, and very long
    queries are cut."""
    units: list[list[Node]] = []
    for unit in group.units:
        if unit not in units:
            units.append(unit)
    content = [u for u in units if not all(isinstance(n, Word) and n.is_stop for n in u)]
    if content:
        units = content
    return units[:MAX_QUERY_WORDS]


def highlighter_for(group: Group) -> Highlighter:
    """What to mark in titles, snippets and documents for a parsed query."""
    highlighter = Highlighter()

    def collect(node: Node) -> None:
        if isinstance(node, Group):
            for unit in node.units:
                for child in unit:
                    collect(child)
        elif isinstance(node, Phrase):
            for w in node.words:
                for part in word_parts(w):
                    highlighter.add_word(part)
        elif node.prefix:
            highlighter.add_prefix(node.text)
        elif node.exact:
            highlighter.add_exact(node.text)
        else:
            highlighter.add_word(node.text)

    for unit in effective_units(group):
        for node in unit:
            collect(node)
    return highlighter


# --- compiling to Whoosh queries ---------------------------------------------------------


class _Boosted(WrappingQuery):
    """Scales the score of any query. (Whoosh drops the boost of a one-clause Or and of
    span queries, so `Or([q], boost=b)` would not do.)"""

    def __init__(self, child: wq.Query, factor: float) -> None:
        super().__init__(child)
        self.factor = factor

    def _rewrap(self, child: wq.Query) -> _Boosted:
        return _Boosted(child, self.factor)

    def matcher(self, searcher, context=None):
        return WrappingMatcher(self.child.matcher(searcher, context), self.factor)


def _boost(query: wq.Query, factor: float) -> wq.Query:
    return query if factor == 1.0 else _Boosted(query, factor)


class _SpanOr(spans.SpanOr):
    """Whoosh's SpanOr cannot estimate its size, which SpanNear2 asks for; sum the parts."""

    def estimate_size(self, ixreader) -> int:
        return sum(q.estimate_size(ixreader) for q in self.subqs)

    def estimate_min_size(self, ixreader) -> int:
        return min(q.estimate_min_size(ixreader) for q in self.subqs)


@dataclass
class Compiled:
    """A top-level query ready to run."""

    units: list[wq.Query]  # one per query word or phrase (its alternatives OR'ed)
    near: list[tuple[int, int, list[str], list[str]]]  # adjacent plain words: units, lemmas
    excluded: wq.Query | None  # documents to leave out


class _Compiler:
    """Turns a parsed query into Whoosh queries over the index terms of one searcher."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()

    def _has(self, fieldname: str, text: str) -> bool:
        return has_term(self.searcher, fieldname, text)

    def top(self, group: Group) -> Compiled:
        compiled = Compiled([], [], self.excluded(group))
        previous: tuple[int, list[str]] | None = None  # the last plain word: (unit, lemmas)
        for unit in effective_units(group):
            query = self.unit(unit)
            if query is None:
                previous = None
                continue
            compiled.units.append(query)
            index = len(compiled.units) - 1
            word = unit[0]  # as typed; synonyms or transliterations a rewrite added follow it
            if isinstance(word, Word) and word.boost == 1.0 and not (
                word.prefix or word.exact or word.title_only
            ):
                forms = [f for f in lemmas(word.text) if self._has("body", f)]
                if previous is not None and forms:
                    compiled.near.append((previous[0], index, previous[1], forms))
                previous = (index, forms) if forms else None
            else:
                previous = None
        return compiled

    def group(self, group: Group) -> wq.Query | None:
        """A parenthesised group, as one Whoosh query."""
        parts = [q for q in (self.unit(u) for u in group.units) if q is not None]
        positive = parts[0] if len(parts) == 1 else (wq.Or(parts) if parts else None)
        excluded = self.excluded(group)
        if excluded is not None and positive is not None:
            return wq.AndNot(positive, excluded)
        return positive

    def unit(self, unit: list[Node]) -> wq.Query | None:
        alternatives = [q for q in map(self.node, unit) if q is not None]
        if len(alternatives) > 1:
            return wq.Or(alternatives)
        return alternatives[0] if alternatives else None

    def excluded(self, group: Group) -> wq.Query | None:
        queries = [q for q in map(self.node, group.excluded) if q is not None]
        return wq.Or(queries) if queries else None

    def node(self, node: Node) -> wq.Query | None:
        if isinstance(node, Group):
            return self.group(node)
        query = self.phrase(node) if isinstance(node, Phrase) else self.word(node)
        if query is not None and node.boost != 1.0:
            query = _boost(query, node.boost)
        return query

    def word(self, word: Word) -> wq.Query | None:
        text = word.text
        if word.prefix:
            return self.prefix(word)
        fields = ("title",) if word.title_only else ("title", "body")
        forms = lemmas(text)
        if word.exact:
            wanted = [(f, form, _FIELD_BOOST[f]) for f in fields for form in forms]
            ranked = self._terms(wanted)
            if text in STOP_WORDS or ranked is None:  # function words are not in `exact`
                return ranked
            # only documents holding this very form, ranked by the lemma's BM25
            required = self._terms([("exact", text)])
            return None if required is None else wq.And([required, ranked])
        wanted = [(f, form, _FIELD_BOOST[f]) for f in fields for form in forms]
        if not any(self._has(f, form) for f, form, _ in wanted):
            # a form no document holds: other lemmas of its stem stand in, weaker
            wanted += [
                (f, t, STEM_BOOST * _FIELD_BOOST[f])
                for f in fields
                for t in self._stem_relatives(f, text, forms)
            ]
        if not word.title_only and self._has("exact", text):
            # a bonus for the form typed, as rare forms matter more (the field holds presence only)
            wanted.append(("exact", text, EXACT_BOOST * self.searcher.idf("exact", text)))
        query = self._terms(wanted)
        parts = word_parts(text)
        if len(parts) > 1:
            # «гугеноты-поселенцы» also matches «гугеноты поселенцы» (as a phrase, strongest)
            # and each part on its own, as people write either
            spelled = self.phrase(Phrase(parts, word.title_only))
            alternatives = [q for q in (query, spelled) if q is not None]
            if all(part.isalpha() for part in parts):  # not codes: «МС-18» is not «МС-09»
                for part in parts:
                    found = None if part in STOP_WORDS else self.word(Word(part))
                    if found is not None:
                        alternatives.append(_boost(found, PART_BOOST))
            query = wq.Or(alternatives) if alternatives else None
        return query

    def prefix(self, word: Word) -> wq.Query | None:
        fieldname = "title" if word.title_only else "exact"
        expanded = []
        for term in self.reader.expand_prefix(fieldname, word.text):
            expanded.append((fieldname, term.decode("utf-8") if isinstance(term, bytes) else term))
            if len(expanded) >= MAX_PREFIX_TERMS:
                break
        return self._terms(expanded)

    def phrase(self, phrase: Phrase) -> wq.Query | None:
        fields = ("title",) if phrase.title_only else ("title", "body")
        seq = [part for w in phrase.words for part in word_parts(w)]
        per_field = []
        for f in fields:
            slots = []
            for w in seq:
                options = [wq.Term(f, form) for form in lemmas(w) if self._has(f, form)]
                if not options:
                    break
                slots.append(options[0] if len(options) == 1 else _SpanOr(options))
            else:
                near = spans.SpanNear2(slots, slop=1, ordered=True)
                per_field.append(_boost(near, _FIELD_BOOST[f]))
        if not per_field:
            return None
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)

    def _stem_relatives(self, fieldname: str, word: str, forms: tuple[str, ...]) -> list[str]:
        """Other lemmas in the index with the word's Snowball stem: the derivations and
        spellings a lemmatizer keeps apart (суперлунье, суперлуние)."""
        root = stem(word)
        if len(root) < 3:
            return []
        # the same roots come back query after query: remember them for this open index
        cache = self.reader.__dict__.setdefault("_orbita_relatives", {})
        family = cache.get((fieldname, root))
        if family is None:
            family = []
            for n, term in enumerate(self.reader.expand_prefix(fieldname, root)):
                if n >= MAX_PREFIX_TERMS:
                    break
                term = term.decode("utf-8") if isinstance(term, bytes) else term
                if stem(term) == root:
                    family.append(term)
            if len(cache) > 100_000:
                cache.clear()
            cache[(fieldname, root)] = family
        return [term for term in family if term not in forms]

    def _terms(self, wanted: list[tuple]) -> wq.Query | None:
        found = []
        for item in wanted:
            fieldname, text = item[0], item[1]
            if self._has(fieldname, text):
                boost = item[2] if len(item) > 2 else 1.0
                found.append(wq.Term(fieldname, text, boost=boost))
        if not found:
            return None
        return found[0] if len(found) == 1 else wq.Or(found)

# --- searching ---------------------------------------------------------------------------


@dataclass
class Hit:
    id: str
    title: str
    title_html: str
    snippet_html: str
    date: str | None
    source: str | None
    lang: str
    score: float
    source_label: str | None = None  # the agency's name as shown (source is its key)
    duplicates: list[str] = field(default_factory=list)  # ids of copies folded into this hit


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    correction: dict | None = None  # what a query correction did (see the API docs)
    facets: dict | None = None  # counts per source, year, language for the whole result

    def to_dict(self) -> dict:
        data = asdict(self)
        for extra in ("correction", "facets"):  # present only when there is something to say
            if data[extra] is None:
                del data[extra]
        return data


@dataclass
class StoredDocument:
    id: str
    title: str
    body: str
    date: str | None
    source: str | None
    lang: str


def check_request(q: str | None, page: int, per_page: int, sort: str) -> str:
    """Validate a search request; returns the query text stripped."""
    q = (q or "").strip()
    if not q:
        raise QueryError("empty_query", "Введите запрос: хотя бы одно слово.")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(
            "query_too_long",
            f"Запрос слишком длинный ({len(q)} символов); максимум {MAX_QUERY_CHARS}.",
        )
    if sort not in SORTS:
        raise QueryError("bad_sort", "Сортировка может быть только relevance или date.")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError("bad_per_page", f"per_page должен быть от 1 до {MAX_PER_PAGE}.")
    if page < 1:
        raise QueryError("bad_page", "Номер страницы должен быть не меньше 1.")
    if page * per_page > MAX_RESULTS_WINDOW:
        raise QueryError(
            "bad_page",
            f"Можно просмотреть только первые {MAX_RESULTS_WINDOW} результатов; уточните запрос.",
        )
    return q


Rewrite = Callable[[Group, Searcher], Group]


def search(
    searcher: Searcher,
    q: str,
    *,
    page: int = 1,
    per_page: int = 10,
    sort: str = "relevance",
    filter: wq.Query | None = None,
    rewrite: Rewrite | None = None,
    facets: dict[str, sorting.FacetType] | None = None,
) -> SearchResult:
    """Run a query and return one page of highlighted hits.

    Filters in the query text (``source:roscosmos``, ``date:2018``, ``lang:en``; see
    search/filters.py) apply together with `filter`; a query of filters alone lists their
    documents, newest first. Copies of one release (search/duplicates.py) are folded into the
    best-placed one; `total` counts every matching document, copies included.

    :param filter: only documents matching this Whoosh query count (source, date, language).
    :param rewrite: a function that changes the parsed query before it runs (e.g. adds
        synonyms as lower-boosted alternatives).
    :param facets: Whoosh facets to count over all matching documents (``result.facets``
        maps each name to {value: count}); by default per source, date and language
        (search/filters.py); ``{}`` counts none.
    :raises QueryError: empty or over-long query, bad page, page size or sort, bad filter.
    """
    # imported here: both modules use this one (QueryError, the analyzer)
    from .duplicates import COPIES_LOOKAHEAD, fold_copies
    from .filters import FACETS, query_filter

    started = time.perf_counter()
    facets = FACETS if facets is None else facets
    text, filter = query_filter(q or "", filter)
    browse = filter is not None and not text.strip()  # filters alone: their documents
    if browse and not (q or "").strip():
        check_request("*", page, per_page, sort)  # filters from parameters alone: check paging
        q = ""
    else:
        q = check_request(q, page, per_page, sort)
    compiler = _Compiler(searcher)
    parsed = parse_query(text)
    if rewrite is not None and not browse:
        parsed = rewrite(parsed, searcher)
    highlighter = highlighter_for(parsed)
    sort = "date" if browse else sort
    scorer = Scorer(searcher)
    compiled = Compiled([], [], None)
    if browse:
        matched = scorer.mask(filter)
        scores, unit_scores = scorer.zeros(), []
    else:
        compiled = compiler.top(parsed)
        if not compiled.units:
            if not parsed.units and parsed.excluded:
                raise QueryError(
                    "only_exclusions",
                    "В запросе только исключения (-слово): добавьте слово, которое нужно найти.",
                )
            empty = {name: {} for name in facets} if facets else None
            return SearchResult(q, 0, page, per_page, _ms(started), [], facets=empty)
        scores, matched, unit_scores = _score_units(scorer, compiled)
        if filter is not None:
            matched &= scorer.mask(filter)
    docnums = np.flatnonzero(matched)
    total = len(docnums)
    counts = _facet_counts(searcher, facets, docnums) if facets else None

    end = page * per_page
    pool = end + COPIES_LOOKAHEAD  # copies of this page's hits may rank just below it
    if sort == "date":
        dates = column_values(searcher, "date")
        ranked = sorted(
            ((int(d), float(scores[d])) for d in docnums),
            key=lambda item: (dates[item[0]] or "", item[1]),
            reverse=True,
        )[:pool]
    else:
        ranked = _best(scorer, scores, docnums, unit_scores, compiled, pool)

    hits = []
    for group in fold_copies(searcher.reader(), ranked, end)[end - per_page :]:
        stored = searcher.stored_fields(group.docnum)
        hits.append(
            Hit(
                id=stored["id"],
                title=stored["title"],
                title_html=highlighter.mark(stored["title"]),
                snippet_html=highlighter.snippet(stored["body"]),
                date=stored.get("date") or None,
                source=stored.get("source") or None,
                lang=stored.get("lang", ""),
                score=round(float(group.score), 4),
                source_label=stored.get("source_name") or stored.get("source") or None,
                duplicates=[searcher.stored_fields(d)["id"] for d in group.copies],
            )
        )
    return SearchResult(q, total, page, per_page, _ms(started), hits, facets=counts)


def _score_units(scorer: Scorer, compiled: Compiled) -> tuple[Scores, np.ndarray, list[Scores]]:
    """Every document's score: the sum of its units' scores, scaled by the share of units it
    matches (documents holding more of the query's words first). Also which documents match,
    and each unit's own scores."""
    total = scorer.zeros()
    covered = np.zeros(scorer.size, dtype=np.int32)
    per_unit = []
    for unit in compiled.units:
        unit_scores = scorer.zeros()
        for clause, factor in flatten(unit):
            scorer.add(unit_scores, clause, factor)
        per_unit.append(unit_scores)
        total += unit_scores
        covered += unit_scores > 0
    matched = covered > 0
    if compiled.excluded is not None:
        matched &= ~scorer.mask(compiled.excluded)
    n = len(compiled.units)
    if n > 1:
        total *= 1 - COVERAGE_WEIGHT + COVERAGE_WEIGHT * covered / n
    return total, matched, per_unit


def _best(
    scorer: Scorer,
    scores: Scores,
    docnums: np.ndarray,
    unit_scores: list[Scores],
    compiled: Compiled,
    depth: int,
) -> list[tuple[int, float]]:
    """The best `depth` of the matching documents, best first. Among the first
    PROXIMITY_DEPTH (positions are costly to read, and this is a tie-breaker), two adjacent
    query words found within PROXIMITY_SLOP words of each other in the body add
    PROXIMITY_BOOST times their own scores."""
    if len(docnums) > depth:
        docnums = docnums[np.argpartition(-scores[docnums], depth)[:depth]]
    docnums = docnums[np.argsort(-scores[docnums], kind="stable")]
    ranked = [(int(d), float(scores[d])) for d in docnums]
    if not compiled.near:
        return ranked
    head = dict(ranked[:PROXIMITY_DEPTH])
    candidates = sorted(head)
    positions: dict[str, dict[int, list[int]]] = {}
    for a, b, forms_a, forms_b in compiled.near:
        for form in (*forms_a, *forms_b):
            if form not in positions:
                positions[form] = scorer.positions("body", form, candidates)
        for docnum in candidates:
            near_a = sorted(p for f in forms_a for p in positions[f].get(docnum, ()))
            near_b = sorted(p for f in forms_b for p in positions[f].get(docnum, ()))
            if near_a and near_b and _closest(near_a, near_b) <= PROXIMITY_SLOP:
                extra = unit_scores[a][docnum] + unit_scores[b][docnum]
                head[docnum] += PROXIMITY_BOOST * float(extra)
    # a bonus only raises scores, so the head still outranks the rest
    return sorted(head.items(), key=lambda item: -item[1]) + ranked[PROXIMITY_DEPTH:]


def _closest(a: list[int], b: list[int]) -> int:
    """The smallest distance between a position in `a` and one in `b` (both sorted)."""
    i = j = 0
    best = abs(a[0] - b[0])
    while i < len(a) and j < len(b):
        best = min(best, abs(a[i] - b[j]))
        if a[i] < b[j]:
            i += 1
        else:
            j += 1
    return best


def _facet_counts(
    searcher: Searcher, facets: dict[str, sorting.FieldFacet], docnums: Iterable[int]
) -> dict[str, dict]:
    """{facet name: {value: number of documents}} over the matching documents."""
    docnums = np.asarray(docnums if isinstance(docnums, np.ndarray) else list(docnums),
                         dtype=np.int64)
    counts = {}
    for name, facet in facets.items():
        codes, labels = column_codes(searcher, facet.fieldname)
        per_code = np.bincount(codes[docnums], minlength=len(labels))
        counts[name] = {labels[i]: int(per_code[i]) for i in np.flatnonzero(per_code)}
    return counts


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def get_document(searcher: Searcher, doc_id: str) -> StoredDocument | None:
    """The indexed document with this id, or None."""
    stored = searcher.document(id=doc_id)
    if stored is None:
        return None
    return StoredDocument(
        id=stored["id"],
        title=stored["title"],
        body=stored["body"],
        date=stored.get("date") or None,
        source=stored.get("source") or None,
        lang=stored.get("lang", ""),
    )


def highlight_document(doc: StoredDocument, q: str | None) -> tuple[str, list[str]]:
    """The document's title and paragraphs as safe HTML, with the query's matches marked."""
    highlighter = Highlighter()
    if q and q.strip() and len(q) <= MAX_QUERY_CHARS:
        highlighter = highlighter_for(parse_query(q))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", doc.body) if p.strip()]
    return highlighter.mark(doc.title), [highlighter.mark(p) for p in paragraphs]


__all__ = [
    "MAX_PER_PAGE",
    "MAX_QUERY_CHARS",
    "Hit",
    "QueryError",
    "SearchResult",
    "StoredDocument",
    "get_document",
    "highlight_document",
    "parse_query",
    "search",
]
