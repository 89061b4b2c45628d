"""Expansions of a parsed query: the domain's synonyms and abbreviations
(search/understand/synonyms.py) and the other script's spellings of a name
(search/understand/translit.py), added as alternatives of the words typed and ranked below
them. Quoted words, exact forms, prefixes and title-only words are never expanded.
"""

from __future__ import annotations

from ..analysis import STOP_WORDS, WORD_RE, lemmas, normalize_word
from ..index import Snapshot
from ..query import DEFAULT_PARAMS, Group, Node, Phrase, RankingParams, Word, tokenize
from .synonyms import Synonyms
from .tables import Understanding

__all__ = ["expand"]

# A synonym's or another spelling's documents rank below those with the words as typed: each
# alternative weighs `synonym_boost` or `translit_boost` (search/query/params.py) of the typed
# words' weight (a rarer alternative's higher IDF, or the several words of a phrase, would
# otherwise outweigh them).


def expand(
    group: Group, q: str, snapshot: Snapshot, u: Understanding | None, synonyms: Synonyms,
    *, translit: bool = True, params: RankingParams = DEFAULT_PARAMS,
) -> Group:
    """The parsed query `group` of the text `q`, with synonyms and (with `translit` and the
    correction tables `u`) other-script spellings added as alternatives of its words."""
    protected = {normalize_word(w.group()) for t in tokenize(q) if t.kind == "phrase"
                 for w in WORD_RE.finditer(t.text)}
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
                boost = _relative_boost(params.synonym_boost, typed, variant)
                if len(variant) == 1:
                    unit.append(Word(variant[0], boost=boost, stand_in=True))
                else:
                    unit.append(Phrase(list(variant), boost=boost, stand_in=True))
            out.append(_distinct(unit))
            i = m.end
        return out

    def _translit_alternatives(word: str) -> list[Node]:
        if not translit or u is None or word in STOP_WORDS:
            return []
        return [
            Word(form, boost=_relative_boost(params.translit_boost, (word,), (form,)),
                 stand_in=True)
            for form in u.translit(word, lemma_exists)
        ]

    def lemma_exists(form: str) -> bool:
        return snapshot.has_term("body", form) or snapshot.has_term("title", form)

    idf_cache: dict[str, float] = {}

    def idf(word: str) -> float:
        """What a word weighs in the body: the IDFs of its lemmas that documents hold, all
        of which the engine scores (0 when no document has the word)."""
        if word not in idf_cache:
            idf_cache[word] = sum(
                snapshot.idf("body", form)
                for form in lemmas(word)
                if snapshot.has_term("body", form)
            )
        return idf_cache[word]

    def _relative_boost(boost: float, typed: tuple[str, ...] | list[str],
                        alternative: tuple[str, ...]) -> float:
        typed_weight = sum(idf(w) for w in typed if w not in STOP_WORDS)
        alt_weight = sum(idf(w) for w in alternative if w not in STOP_WORDS)
        if not typed_weight or not alt_weight:
            return boost  # the words as typed find nothing: the alternative is all there is
        return round(boost * min(1.0, typed_weight / alt_weight), 4)

    return rewrite_group(group)


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
