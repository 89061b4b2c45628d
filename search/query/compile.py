"""The parsed query → Whoosh queries over the terms one index generation holds.

Each query word becomes an OR of its index terms: its lemmas (Kazakh stems for a Kazakh word,
scoring by its best reading) in the title (boosted) and the body, the exact form typed as
weaker extra evidence, and alternatives: the other spelling of a Kazakh name (Байқоңыр ↔
Байконур), derivational relatives and — only for a Russian word whose own lemmas no document
holds — the other lemmas of its Snowball stem. Hyphenated words also match their parts, and
phrases match across inflection.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.matching import WrappingMatcher
from whoosh.query import spans
from whoosh.query.wrappers import WrappingQuery

from ..analysis import (
    STOP_WORDS,
    has_kazakh_letters,
    lemmas,
    stem,
    terms,
    to_russian_spelling,
    word_parts,
)
from ..index import Snapshot
from .families import family_members
from .params import DEFAULT_PARAMS, RankingParams
from .parse import Group, Node, Phrase, Word, effective_units

__all__ = [
    "MAX_PREFIX_LEMMAS",
    "MAX_PREFIX_TERMS",
    "BestOf",
    "Boosted",
    "Compiled",
    "Unit",
    "compile_query",
]

MAX_PREFIX_TERMS = 200  # a prefix expands to at most this many index terms
MAX_PREFIX_LEMMAS = 20  # a prefix's matches are ranked by the lemmas of this many of them
_CYRILLIC_RE = re.compile(r"[а-яё]")
_LATIN_RE = re.compile(r"[a-z]")


class Boosted(WrappingQuery):
    """Scales the score of any query. (Whoosh drops the boost of a one-clause Or and of
    span queries, so `Or([q], boost=b)` would not do.)"""

    def __init__(self, child: wq.Query, factor: float) -> None:
        super().__init__(child)
        self.factor = factor

    def _rewrap(self, child: wq.Query) -> Boosted:
        return Boosted(child, self.factor)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        return WrappingMatcher(self.child.matcher(searcher, context), self.factor)


class BestOf(wq.Or):
    """The readings of one word (the stems of a Kazakh word read several ways): a document
    scores by the best reading it holds, not their sum — otherwise a document holding the
    very form typed would count its one word as many."""


def _boost(query: wq.Query, factor: float) -> wq.Query:
    return query if factor == 1.0 else Boosted(query, factor)


def _maybe_boost(query: wq.Query | None, factor: float) -> wq.Query | None:
    return None if query is None else _boost(query, factor)


class _SpanOr(spans.SpanOr):
    """Whoosh's SpanOr cannot estimate its size, which SpanNear2 asks for; sum the parts."""

    def estimate_size(self, ixreader: Any) -> int:
        return sum(q.estimate_size(ixreader) for q in self.subqs)

    def estimate_min_size(self, ixreader: Any) -> int:
        return min(q.estimate_min_size(ixreader) for q in self.subqs)


@dataclass
class Unit:
    """One query word or phrase: the evidence of the words as typed, and the weaker
    alternatives that stand in for them (search/ranking/rank.py ranks a document holding the
    words as typed above one holding only an alternative)."""

    typed: wq.Query | None  # its lemmas (title boosted), the form typed, a phrase
    alternatives: wq.Query | None  # synonyms, stem and family relatives, parts
    # the same name in the other script (Аполлон / Apollo, НАСА / NASA): an alternative too,
    # but one that adds to a document holding the word as typed
    twins: wq.Query | None = None

    def query(self) -> wq.Query:
        """Every kind as one query (for nested groups, where the order is not kept apart)."""
        found = _either([self.typed, self.alternatives, self.twins])
        assert found is not None
        return found


@dataclass
class Compiled:
    """A top-level query ready to run."""

    units: list[Unit]  # one per query word or phrase
    near: list[tuple[int, int, list[str], list[str]]]  # adjacent plain words: units, lemmas
    excluded: wq.Query | None  # documents to leave out


def compile_query(
    group: Group, snapshot: Snapshot, params: RankingParams = DEFAULT_PARAMS
) -> Compiled:
    """The query's units over the terms of one generation (a word no document holds has no
    unit)."""
    return _Compiler(snapshot, params).top(group)


def _script(text: str) -> str | None:
    """"cyrillic" or "latin" for a word with letters of that script, else None."""
    if _CYRILLIC_RE.search(text):
        return "cyrillic"
    return "latin" if _LATIN_RE.search(text) else None


def _either(queries: Sequence[wq.Query | None]) -> wq.Query | None:
    found = [q for q in queries if q is not None]
    if len(found) > 1:
        return wq.Or(found)
    return found[0] if found else None


class _Compiler:
    def __init__(self, snapshot: Snapshot, params: RankingParams) -> None:
        self.snapshot = snapshot
        self.params = params
        self.field_boost = {"title": params.title_boost, "body": 1.0}
        self._held: dict[tuple[str, str], bool] = {}  # a question asks of a term many times

    def _has(self, fieldname: str, text: str) -> bool:
        held = self._held.get((fieldname, text))
        if held is None:
            held = self._held[fieldname, text] = self.snapshot.has_term(fieldname, text)
        return held

    def _readings(self, text: str, kazakh: bool) -> tuple[str, ...]:
        """A typed word's index terms, without its unlikely readings."""
        return terms(text, kazakh, self.params.reading_share)

    def top(self, group: Group) -> Compiled:
        compiled = Compiled([], [], self.excluded(group))
        previous: tuple[int, list[str]] | None = None  # the last plain word: (unit, lemmas)
        for unit in effective_units(group):
            found = self.unit(unit)
            if found is None:
                previous = None
                continue
            compiled.units.append(found)
            index = len(compiled.units) - 1
            word = unit[0]  # as typed; synonyms or transliterations a rewrite added follow it
            if isinstance(word, Word) and not word.stand_in and not (
                word.prefix or word.exact or word.title_only
            ):
                forms = [f for f in self._readings(word.text, word.kazakh) if self._has("body", f)]
                if previous is not None and forms:
                    compiled.near.append((previous[0], index, previous[1], forms))
                previous = (index, forms) if forms else None
            else:
                previous = None
        return compiled

    def group(self, group: Group) -> wq.Query | None:
        """A parenthesised group, as one Whoosh query."""
        parts = [found.query() for found in map(self.unit, group.units) if found is not None]
        positive = _either(parts)
        excluded = self.excluded(group)
        if excluded is not None and positive is not None:
            return wq.AndNot(positive, excluded)
        return positive

    def unit(self, unit: list[Node]) -> Unit | None:
        typed: list[wq.Query | None] = []
        alternatives: list[wq.Query | None] = []
        twins: list[wq.Query | None] = []
        first = unit[0]
        script = _script(first.text) if isinstance(first, Word) else None
        for node in unit:
            own, others = self.node(node)
            if isinstance(node, Group) or not node.stand_in:
                typed.append(own)
                alternatives.append(others)
            elif isinstance(node, Word) and script and _script(node.text) not in (None, script):
                twins.append(_either([own, others]))
            else:  # a rewrite's stand-in is all alternative
                alternatives.append(_either([own, others]))
        found = Unit(_either(typed), _either(alternatives), _either(twins))
        if found.typed is None and found.alternatives is None and found.twins is None:
            return None
        return found

    def excluded(self, group: Group) -> wq.Query | None:
        # only what the words typed say: «-ракета» leaves «ракетный» alone
        return _either([self.node(n)[0] for n in group.excluded])

    def node(self, node: Node) -> tuple[wq.Query | None, wq.Query | None]:
        """A node's evidence as typed and its alternatives."""
        if isinstance(node, Group):
            return self.group(node), None
        if isinstance(node, Phrase):
            found: tuple[wq.Query | None, wq.Query | None] = (self.phrase(node), None)
        else:
            found = self.word(node)
        if node.boost != 1.0:
            found = (_maybe_boost(found[0], node.boost), _maybe_boost(found[1], node.boost))
        return found

    def word(self, word: Word) -> tuple[wq.Query | None, wq.Query | None]:
        """A word's lemmas and form (as typed), and its alternatives: other lemmas of its stem
        when no document holds its own, its derivational family, the parts of a hyphenated
        word."""
        text = word.text
        if word.prefix:
            return self.prefix(word), None
        fields = ("title",) if word.title_only else ("title", "body")
        forms = self._readings(text, word.kazakh)
        wanted: list[tuple[str, str, float]] = [
            (f, form, self.field_boost[f]) for f in fields for form in forms
        ]
        if word.kazakh and not word.exact and len(forms) > 1:
            return self._kazakh_word(word, forms, fields)
        if word.exact:
            ranked = self._terms(wanted)
            if text in STOP_WORDS or ranked is None:  # function words are not in `exact`
                return ranked, None
            # only documents holding this very form, ranked by the lemma's BM25
            required = self._terms([("exact", text, 1.0)])
            return (None if required is None else wq.And([required, ranked])), None
        others = self._other_spelling(word, forms, fields)
        held = any(self._has(f, form) for f, form, _ in wanted)
        if not held and not word.kazakh:
            # no document holds it as a Russian word: a Kazakh word without Kazakh letters
            # («мамандары») is read as Kazakh
            wanted += [(f, form, self.field_boost[f]) for f in fields
                       for form in terms(text, True) if form not in forms]
            held = any(self._has(f, form) for f, form, _ in wanted)
        if not held and not word.kazakh:
            # a form no document holds: other lemmas of its stem stand in, weaker
            others += [
                (f, t, self.params.stem_boost * self.field_boost[f])
                for f in fields
                for t in self._stem_relatives(f, text, forms)
            ]
        if (self.params.family_boost > 0 and not word.quoted and not word.kazakh
                and text not in STOP_WORDS):
            others += self._family(fields, forms, held)
        if not word.title_only and self._has("exact", text):
            # a bonus for the form typed, as rare forms matter more (the field holds presence only)
            bonus = self.params.exact_boost * self.snapshot.idf("exact", text)
            wanted.append(("exact", text, bonus))
        typed = self._terms(wanted)
        alternatives = self._terms(others)
        parts = word_parts(text)
        if len(parts) > 1:
            # «гугеноты-поселенцы» also matches «гугеноты поселенцы» (as a phrase, strongest)
            # and each part on its own, as people write either
            spelled = self.phrase(Phrase(parts, word.title_only, kazakh=word.kazakh))
            typed = _either([typed, spelled])
            if all(part.isalpha() for part in parts):  # not codes: «МС-18» is not «МС-09»
                found = [
                    _either(self.word(Word(part, kazakh=word.kazakh)))
                    for part in parts if part not in STOP_WORDS
                ]
                alternatives = _either(
                    [alternatives, *(_maybe_boost(q, self.params.part_boost) for q in found)]
                )
        return typed, alternatives

    def _kazakh_word(self, word: Word, forms: tuple[str, ...], fields: tuple[str, ...]
                     ) -> tuple[wq.Query | None, wq.Query | None]:
        """A Kazakh word read several ways: the best of its readings with the exact form as
        typed evidence, the other spelling of a name as its alternative."""
        readings = [q for form in forms
                    if (q := self._terms([(f, form, self.field_boost[f]) for f in fields]))]
        typed = [BestOf(readings) if len(readings) > 1 else readings[0]] if readings else []
        if not word.title_only and self._has("exact", word.text):
            bonus = self.params.exact_boost * self.snapshot.idf("exact", word.text)
            typed.append(self._terms([("exact", word.text, bonus)]))
        return _either(typed), self._terms(self._other_spelling(word, forms, fields))

    def _other_spelling(self, word: Word, forms: tuple[str, ...], fields: Sequence[str]
                        ) -> list[tuple[str, str, float]]:
        """A name spelled the other way, as an alternative: a Kazakh word's Russian spelling
        in the lemma fields («Байқоңыр» finds «Байконура»), a Russian word in the Kazakh words
        as Russian spells them (the ``folded`` field: «Байконур» finds «Байқоңырда»). One
        term: the likeliest the index holds (its readings would add up)."""
        boost = self.params.translit_boost
        if word.kazakh:
            if not has_kazakh_letters(word.text):
                return []
            spelled = [lemma for form in forms for lemma in lemmas(to_russian_spelling(form))]
            found = next((s for s in spelled if any(self._has(f, s) for f in fields)), None)
            return [(f, found, boost * self.field_boost[f]) for f in fields] if found else []
        if word.title_only:
            return []
        present = [form for form in forms if self._has("folded", form)][:1]
        return [("folded", form, boost * self.snapshot.idf("folded", form)) for form in present]

    def _family(self, fields: Sequence[str], forms: tuple[str, ...], held: bool
                ) -> list[tuple[str, str, float]]:
        """Lemmas of the index in the derivational family of the word's lemmas (aspect pairs,
        nouns and adjectives of a verb), each weighing `family_boost` of the word, less when
        rarer than the word (a rare relative's IDF would otherwise outweigh it)."""
        snapshot = self.snapshot
        typed_idf = max((snapshot.idf("body", f) for f in forms if self._has("body", f)),
                        default=0.0)
        found = []
        for form in forms:
            for member in family_members(snapshot, form):
                if member in forms:
                    continue
                boost = self.params.family_boost
                if held:
                    boost *= min(1.0, typed_idf / max(snapshot.idf("body", member), 1e-9))
                found += [(f, member, boost * self.field_boost[f]) for f in fields]
        return found

    def prefix(self, word: Word) -> wq.Query | None:
        """The documents holding a word form that starts with the prefix, ranked by those
        forms' lemmas as a word is (frequency, length, title): counting the forms alone
        would put a release naming «Байконура» and «Байконуре» once each above a short one
        about Baikonur that says «Байконур» three times."""
        fieldname = "title" if word.title_only else "exact"
        expanded = []
        for term in self.snapshot.expand_prefix(fieldname, word.text):
            expanded.append((fieldname, term, 1.0))
            if len(expanded) >= MAX_PREFIX_TERMS:
                break
        held = self._terms(expanded)
        if held is None or word.title_only:  # (the title field holds lemmas already)
            return held

        def ranking_lemmas() -> list[str]:
            # the lemmas of the forms most documents hold (analysing 200 rare forms would
            # cost more than the rest of the search)
            forms = sorted((form for _, form, _ in expanded),
                           key=lambda form: -self.snapshot.doc_frequency(fieldname, form))
            return list(dict.fromkeys(lemma for form in forms[:MAX_PREFIX_LEMMAS]
                                      for lemma in terms(form, word.kazakh)))

        lemmas = self.snapshot.derived(("prefix lemmas", word.text, word.kazakh), ranking_lemmas)
        ranked = self._terms([(f, lemma, self.field_boost[f]) for f in ("title", "body")
                              for lemma in lemmas])
        # every document holding a form matches; those lemmas only add to its score
        return held if ranked is None else wq.AndMaybe(held, ranked)

    def phrase(self, phrase: Phrase) -> wq.Query | None:
        fields = ("title",) if phrase.title_only else ("title", "body")
        seq = [part for w in phrase.words for part in word_parts(w)]
        per_field = []
        for f in fields:
            slots = []
            for w in seq:
                options = [wq.Term(f, form) for form in self._readings(w, phrase.kazakh)
                           if self._has(f, form)]
                if not options:
                    break
                slots.append(options[0] if len(options) == 1 else _SpanOr(options))
            else:
                near = spans.SpanNear2(slots, slop=1, ordered=True)
                per_field.append(_boost(near, self.field_boost[f]))
        if not per_field:
            return None
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)

    def _stem_relatives(self, fieldname: str, word: str, forms: tuple[str, ...]) -> list[str]:
        """Other lemmas in the index with the word's Snowball stem: the derivations and
        spellings a lemmatizer keeps apart (суперлунье, суперлуние)."""
        root = stem(word)
        if len(root) < 3:
            return []

        def family() -> list[str]:
            found = []
            for n, term in enumerate(self.snapshot.expand_prefix(fieldname, root)):
                if n >= MAX_PREFIX_TERMS:
                    break
                if stem(term) == root:
                    found.append(term)
            return found

        # the same roots come back query after query: kept for this generation
        members = self.snapshot.derived(("stem family", fieldname, root), family)
        return [term for term in members if term not in forms]

    def _terms(self, wanted: Sequence[tuple[str, str, float]]) -> wq.Query | None:
        found = [
            wq.Term(fieldname, text, boost=boost)
            for fieldname, text, boost in wanted
            if self._has(fieldname, text)
        ]
        if not found:
            return None
        return found[0] if len(found) == 1 else wq.Or(found)
