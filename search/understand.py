"""Understanding what people meant: wrong keyboard layout, typos, the other script's spelling
of a name, and the domain's synonyms and abbreviations.

:func:`understood_search` is the call the web page and the API make instead of
:func:`search.query.search`. Around one or two plain searches it

- corrects the query, judged against the index's own vocabulary (:mod:`search.vocabulary`):
  a word typed in the wrong layout (``rjcvjlhjv`` → «космодром») or in Latin letters when
  only the Cyrillic spelling is indexed (``Rogozin`` → «Рогозин») is replaced and the search
  runs on the corrected text; a misspelled word (``космадром``) is corrected when the query as
  typed finds nothing, and offered as a link when it finds only documents lacking that word;
- expands the query through the ``rewrite`` hook: the synonyms of :mod:`search.synonyms` and
  the other script's spellings of a word (:mod:`search.translit`) are added as alternatives,
  ranked below the words as typed.

A word that the index holds is never corrected; quoted words and exact forms (``=слово``)
are never expanded. What was done is returned in ``SearchResult.correction``:
``{"original", "corrected", "kind": "layout"|"spelling"|"translit", "applied"}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query as wq
from whoosh.searching import Searcher

from .analysis import STOP_WORDS, WORD_RE, lemmas, morph, normalize_word
from .index import IndexHandle, IndexMissing
from .layout import script_of, switch_layout
from .query import (
    MAX_QUERY_WORDS,
    Group,
    Node,
    Phrase,
    Rewrite,
    SearchResult,
    Word,
    check_request,
    search,
)
from .spelling import SkeletonIndex, Suggestion, suggest
from .suggest import suggester_for
from .synonyms import Synonyms
from .synonyms import load as load_synonyms
from .translit import to_cyrillic, to_latin
from .vocabulary import PerIndexCache, Vocabulary, read_vocabulary

# A synonym's or another spelling's documents rank below those with the words as typed: each
# alternative weighs this much of the typed words' weight (a rarer alternative's higher IDF,
# or the several words of a phrase, would otherwise outweigh them).
SYNONYM_BOOST = 0.7
TRANSLIT_BOOST = 0.7
MAX_TRANSLIT_FORMS = 3
MIN_TRANSLIT_CHARS = 3
# A word typed in the wrong layout: switched when the word as typed is in no document, or
# in at most FAR_LESS_MAX documents while its twin is in FAR_LESS_RATIO times as many.
FAR_LESS_MAX = 2
FAR_LESS_RATIO = 50
SHORT_PIECE = 3  # «yf» (на), «NFL»: switched only along with a longer word of the query

KINDS = ("layout", "translit", "spelling")
_OR_PIECES = {"or", "или", "|"}
_FIELD_PREFIX_RE = re.compile(r"^(?:title|заголовок|t):", re.IGNORECASE)
# Syntax around a piece that is not part of the word: -exclude, =exact, brackets, quotes, *.
_PIECE_RE = re.compile(r'^([-=!(\"“„«]*)(.*?)([*)\"”»]*)$', re.DOTALL)
_QUOTED_RE = re.compile(r'["“”„]([^"“”„]*)["“”„]?')


@dataclass
class Correction:
    original: str
    corrected: str
    kind: str
    applied: bool

    def to_dict(self) -> dict:
        return {
            "original": self.original,
            "corrected": self.corrected,
            "kind": self.kind,
            "applied": self.applied,
        }


@dataclass
class _Edit:
    start: int
    end: int
    text: str
    kind: str


@dataclass
class Plan:
    """Corrections found for a query: sure ones (layout, script) and guesses (spelling)."""

    original: str
    sure: list[_Edit] = field(default_factory=list)
    guesses: list[_Edit] = field(default_factory=list)

    def text(self, edits: list[_Edit]) -> str:
        out, pos = [], 0
        for e in sorted(edits, key=lambda e: e.start):
            out.append(self.original[pos : e.start])
            out.append(e.text)
            pos = e.end
        out.append(self.original[pos:])
        return "".join(out)

    def kind(self, edits: list[_Edit]) -> str:
        return min((e.kind for e in edits), key=KINDS.index)


class Understanding:
    """What one index generation needs for corrections: its vocabulary and spelling index."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.skeletons = SkeletonIndex(vocab)

    def frequency(self, word: str, searcher: Searcher) -> int:
        """Documents holding the word (by form, else by lemma); function words and codes
        count as everywhere, as they are never corrected."""
        if word in STOP_WORDS or not word.isalpha():
            return 1_000_000
        n = self.vocab.count(word)
        if n:
            return n
        reader = searcher.reader()
        for f in ("body", "title"):
            for form in lemmas(word):
                if (f, form) in reader:
                    return max(1, reader.doc_frequency(f, form))
        return 0

    def translit(self, word: str) -> list[str]:
        """The other script's spellings of a word that the index holds, most frequent first."""
        if len(word) < MIN_TRANSLIT_CHARS or not word.isalpha():
            return []
        script = script_of(word)
        vocab = self.vocab
        if script == "en":
            found = to_cyrillic(word, vocab.has_prefix, vocab.__contains__)
        elif script == "ru" and len(word) > MIN_TRANSLIT_CHARS and _name_like(word):
            found = to_latin(word, vocab.has_prefix, vocab.__contains__)
        else:
            return []
        found = [w for w in found if w != word and w not in STOP_WORDS]
        found.sort(key=lambda w: -vocab.count(w))
        return found[:MAX_TRANSLIT_FORMS]


_NAME_TAGS = frozenset(("Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"))


def _name_like(word: str) -> bool:
    """A name (or a word the dictionary does not know): «Рогозин», «Кассини». Common words
    («спутник», «первый») are left alone: their Latin look-alikes are other words."""
    m = morph()
    if not m.word_is_known(word):
        return True
    return any(_NAME_TAGS & p.tag.grammemes for p in m.parse(word))


def build_understanding(searcher: Searcher) -> Understanding:
    return Understanding(read_vocabulary(searcher))


_understandings: PerIndexCache[Understanding] = PerIndexCache(build_understanding, "understanding")


def understanding_for(searcher: Searcher, *, exact: bool = False) -> Understanding:
    """What corrections need for the index this searcher reads (see :class:`PerIndexCache`)."""
    return _understandings.get(searcher, exact=exact)


# --- corrections -------------------------------------------------------------------------


def plan_corrections(
    q: str, searcher: Searcher, u: Understanding, synonyms: Synonyms | None = None
) -> Plan:
    """Find what to correct in the typed text (nothing, most of the time). Words of the
    index and words the synonym dictionary knows («НАСА», «РН») are left as typed."""
    plan = Plan(q)
    layout = _layout_edits(q, searcher, u)
    plan.sure.extend(layout)
    taken = [(e.start, e.end) for e in layout]
    guessed: dict[str, Suggestion | None] = {}
    for n, m in enumerate(WORD_RE.finditer(q)):
        if n >= MAX_QUERY_WORDS:
            break  # the engine ignores the words beyond these too
        if any(s <= m.start() < e for s, e in taken) or _is_syntax_word(q, m):
            continue
        word = normalize_word(m.group())
        if u.frequency(word, searcher):
            continue  # a word of the index is never corrected
        if synonyms is not None and synonyms.match_at([word], 0) is not None:
            continue  # found through its synonyms
        forms = u.translit(word)
        if forms:
            plan.sure.append(_Edit(m.start(), m.end(), _recase(forms[0], m.group()), "translit"))
            continue
        if script_of(word) == "ru" and morph().word_is_known(word):
            continue  # a word of the language («насколько») is meant, even if no document has it
        if word not in guessed:  # a word typed twice is looked up once
            guessed[word] = suggest(word, u.vocab, u.skeletons)
        guess = guessed[word]
        if guess is not None:
            plan.guesses.append(_Edit(m.start(), m.end(), _recase(guess.word, m.group()),
                                      "spelling"))
    return plan


def _is_syntax_word(q: str, m: re.Match) -> bool:
    """Exact forms, prefixes and operators are taken as typed."""
    before = q[m.start() - 1] if m.start() else " "
    after = q[m.end()] if m.end() < len(q) else " "
    return before in "=!-" or after in "*:" or m.group().lower() in _OR_PIECES


def _recase(word: str, typed: str) -> str:
    """The correction written the way the word was typed: Байконур, МКС, байконур."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _layout_edits(q: str, searcher: Searcher, u: Understanding) -> list[_Edit]:
    """Pieces typed in the wrong layout, switched word by word."""
    candidates: list[tuple[_Edit, bool]] = []  # (edit, short or all-caps)
    content = 0
    for m in re.finditer(r"\S+", q):
        piece = m.group()
        field_prefix = _FIELD_PREFIX_RE.match(piece)
        offset = field_prefix.end() if field_prefix else 0
        head, core, _tail = _PIECE_RE.match(piece[offset:]).groups()  # type: ignore[union-attr]
        if not core or core.lower() in _OR_PIECES:
            continue
        typed = [normalize_word(w.group()) for w in WORD_RE.finditer(core)]
        if not typed or all(w in STOP_WORDS for w in typed):
            continue
        content += 1
        twin = switch_layout(core)
        if twin is None or twin == core:
            continue
        switched = [normalize_word(w.group()) for w in WORD_RE.finditer(twin)]
        if not switched or len(switched) > len(typed) or any(
            len(w) < 2 and w not in STOP_WORDS for w in switched
        ):
            continue  # «хабл» is not «[f,k»: a twin that falls apart into letters is no word
        typed_n = min(u.frequency(w, searcher) for w in typed)
        twin_n = min(u.frequency(w, searcher) for w in switched)
        if twin_n == 0 and typed_n == 0 and len(switched) == 1:
            # «ифшлщтгк» is «baikonur», which the index may hold only as «байконур»
            forms = u.translit(switched[0])
            if forms:
                twin, twin_n = forms[0], u.frequency(forms[0], searcher)
        if twin_n == 0 or typed_n > FAR_LESS_MAX or (typed_n and twin_n < FAR_LESS_RATIO * typed_n):
            continue
        letters = sum(c.isalpha() for c in core)
        caps = core.isupper() and letters > 1 and script_of(core) == "en"
        start = m.start() + offset + len(head)
        weak = letters <= SHORT_PIECE or caps
        candidates.append((_Edit(start, start + len(core), twin, "layout"), weak))
    sure = [e for e, weak in candidates if not weak]
    if sure or (candidates and len(candidates) == content):
        return [e for e, _ in candidates]
    return []


def _all_words_count(searcher: Searcher, text: str) -> int:
    """Documents that hold every content word of the text (in any inflection)."""
    docs: set[int] | None = None
    for m in WORD_RE.finditer(text):
        word = normalize_word(m.group())
        if word in STOP_WORDS:
            continue
        terms = [wq.Term(f, form) for f in ("title", "body") for form in lemmas(word)]
        found = set(searcher.docs_for_query(wq.Or(terms)))
        docs = found if docs is None else docs & found
        if not docs:
            return 0
    return len(docs or ())


# --- expansions --------------------------------------------------------------------------


def expansion(
    q: str, u: Understanding | None, synonyms: Synonyms, *, translit: bool = True
) -> Rewrite:
    """The rewrite that adds synonyms and other-script spellings to a parsed query."""
    protected = {normalize_word(w.group()) for m in _QUOTED_RE.finditer(q)
                 for w in WORD_RE.finditer(m.group(1))}
    capitals = {normalize_word(w.group()) for w in WORD_RE.finditer(q) if w.group().isupper()}

    def expandable(unit: list[Node]) -> bool:
        if len(unit) != 1 or not isinstance(unit[0], Word):
            return False
        w = unit[0]
        return not (w.exact or w.prefix or w.title_only or w.text in protected)

    def rewrite_group(group: Group) -> Group:
        units: list[list[Node]] = []
        i = 0
        while i < len(group.units):
            unit = group.units[i]
            if not expandable(unit):
                units.append([rewrite_node(n) for n in unit])
                i += 1
                continue
            run_end = i
            while run_end < len(group.units) and expandable(group.units[run_end]):
                run_end += 1
            units.extend(_expand_run(group.units[i:run_end]))
            i = run_end
        return Group(units=units, excluded=group.excluded)

    def rewrite_node(node: Node) -> Node:
        return rewrite_group(node) if isinstance(node, Group) else node

    def _expand_run(run: list[list[Node]]) -> list[list[Node]]:
        texts = [u_[0].text for u_ in run]  # type: ignore[union-attr]
        # a function word names an abbreviation only when typed in capitals (ПРО, not «про»)
        keys = [t if t not in STOP_WORDS or t in capitals else "\x00" for t in texts]
        matches = {m.start: m for m in synonyms.matches(keys)}
        out: list[list[Node]] = []
        i = 0
        while i < len(run):
            m = matches.get(i)
            if m is None:
                out.append(run[i] + _translit_alternatives(texts[i]))
                i += 1
                continue
            typed = texts[m.start : m.end]
            if m.end - m.start == 1:
                unit: list[Node] = [run[i][0], *_translit_alternatives(typed[0])]
            else:
                unit = [Group(units=run[m.start : m.end]), Phrase(list(typed))]
            for n, variant in enumerate(m.entry.variants):
                if n == m.variant or _contains(variant, m.entry.variants[m.variant]):
                    continue  # «госкорпорация роскосмос» adds nothing to «роскосмос»
                boost = _relative_boost(SYNONYM_BOOST, typed, variant)
                if len(variant) == 1:
                    unit.append(Word(variant[0], boost=boost))
                else:
                    unit.append(Phrase(list(variant), boost=boost))
            out.append(_distinct(unit))
            i = m.end
        return out

    def _translit_alternatives(word: str) -> list[Node]:
        if not translit or u is None or word in STOP_WORDS:
            return []
        return [
            Word(form, boost=_relative_boost(TRANSLIT_BOOST, (word,), (form,)))
            for form in u.translit(word)
        ]

    idf_cache: dict[str, float] = {}
    current: list[Searcher | None] = [None]

    def idf(word: str) -> float:
        """What a word weighs in the body: the IDFs of its lemmas that documents hold, all
        of which the engine scores (0 when no document has the word)."""
        if word not in idf_cache:
            searcher = current[0]
            reader = searcher.reader() if searcher is not None else None
            found = [
                searcher.idf("body", form)
                for form in lemmas(word)
                if reader is not None and ("body", form) in reader
            ]
            idf_cache[word] = sum(found)
        return idf_cache[word]

    def _relative_boost(boost: float, typed: tuple[str, ...] | list[str],
                        alternative: tuple[str, ...]) -> float:
        typed_weight = sum(idf(w) for w in typed if w not in STOP_WORDS)
        alt_weight = sum(idf(w) for w in alternative if w not in STOP_WORDS)
        if not typed_weight or not alt_weight:
            return boost  # the words as typed find nothing: the alternative is all there is
        return round(boost * min(1.0, typed_weight / alt_weight), 4)

    def rewrite(group: Group, searcher: Searcher) -> Group:
        current[0] = searcher
        return rewrite_group(group)

    return rewrite


def _distinct(unit: list[Node]) -> list[Node]:
    """Each spelling once: a form that is both a synonym and a transliteration («baikonur»)
    must not count twice."""
    seen: set[tuple[str, ...]] = set()
    out: list[Node] = []
    for node in unit:
        key = (node.text,) if isinstance(node, Word) else tuple(getattr(node, "words", ()))
        if key and key in seen:
            continue
        if key:
            seen.add(key)
        out.append(node)
    return out


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return len(longer) > n and any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _chain(first: Rewrite | None, second: Rewrite) -> Rewrite:
    if first is None:
        return second
    return lambda group, searcher: second(first(group, searcher), searcher)


# --- the search --------------------------------------------------------------------------


def understood_search(
    searcher: Searcher,
    q: str,
    *,
    page: int = 1,
    per_page: int = 10,
    sort: str = "relevance",
    filter: wq.Query | None = None,
    rewrite: Rewrite | None = None,
    correct: bool = True,
    synonyms: Synonyms | None = None,
) -> SearchResult:
    """:func:`search.query.search`, with the query understood: corrected when it was typed
    in the wrong layout or script or finds nothing for a typo, expanded by synonyms and
    transliterations. ``result.query`` stays what was typed; ``result.correction`` says what
    was corrected or could be.

    :param correct: False searches exactly what was typed (no layout, script or spelling
        corrections, no transliterations); synonyms still apply.
    :param synonyms: the dictionary (default: ``search/data/synonyms.txt``).
    :raises QueryError: as :func:`search.query.search`.
    """
    q = check_request(q, page, per_page, sort)
    synonyms = synonyms if synonyms is not None else load_synonyms()
    kwargs = {"page": page, "per_page": per_page, "sort": sort, "filter": filter}
    if not correct:
        expand = expansion(q, None, synonyms, translit=False)
        return search(searcher, q, rewrite=_chain(rewrite, expand), **kwargs)

    u = understanding_for(searcher)

    def run(text: str) -> SearchResult:
        expand = expansion(text, u, synonyms)
        return search(searcher, text, rewrite=_chain(rewrite, expand), **kwargs)

    plan = plan_corrections(q, searcher, u, synonyms)
    if plan.sure:
        edits = plan.sure + plan.guesses
        corrected = plan.text(edits)
        result = run(corrected)
        if result.total:
            return _answer(result, q, Correction(q, corrected, plan.kind(edits), True))
    result = run(q)
    if not plan.guesses:
        return result
    corrected = plan.text(plan.guesses)
    if result.total == 0:
        fixed = run(corrected)
        if fixed.total:
            return _answer(fixed, q, Correction(q, corrected, "spelling", True))
        return result
    # The query as typed found documents without the misspelled word: offer the correction
    # when some documents hold all the corrected words.
    if _all_words_count(searcher, corrected):
        result.correction = Correction(q, corrected, "spelling", False).to_dict()
    return result


def _answer(result: SearchResult, typed: str, correction: Correction) -> SearchResult:
    result.query = typed
    result.correction = correction.to_dict()
    return result


def warm_up(index_dir: Path) -> None:
    """Build what corrections and completions need for the live generation of an index, so
    that the first requests of a server do not wait seconds for it. Nothing to do without an
    index."""
    handle = IndexHandle(Path(index_dir))
    try:
        with handle.searcher() as searcher:
            understanding_for(searcher, exact=True)
            suggester_for(searcher, exact=True)
    except IndexMissing:
        pass
    finally:
        handle.close()


__all__ = [
    "Correction",
    "Plan",
    "Understanding",
    "expansion",
    "plan_corrections",
    "understanding_for",
    "understood_search",
    "warm_up",
]
