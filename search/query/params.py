"""The ranking's constants in one place: how much each kind of evidence for a query word
counts, and how coverage and proximity shape the final order.

One immutable :class:`RankingParams` is passed from the engine to query expansion
(search/understand/expansion.py), compilation (search/query/compile.py) and scoring
(search/ranking/rank.py). The defaults are those `python -m bench.crossval --sets
xquad,space,space2` chose on every question of the three development sets, starting from the
previous defaults (bench/results/crossval.md: a later run starting from these, its
cross-validated figures and the values each fold chose; from here, its whole-set search would
move synonym_boost to 0.7 and alternative_share to 0.25, for the same XQuAD figures and space2
0.755 → 0.757, so they stay).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["DEFAULT_PARAMS", "RankingParams"]


@dataclass(frozen=True)
class RankingParams:
    # --- term weighting: BM25F (search/ranking/bm25f.py) ---
    # how slowly repeated mentions saturate: above Whoosh's 1.2, a release that names the word
    # again and again (one about it) gains more on one that mentions it a few times
    k1: float = 2.0
    b: float = 0.75  # how much a long body is discounted
    # how much a long title is discounted: not at all, as a short headline holding the word is
    # not more about it than a long one (Whoosh: 0.75, as for a body)
    title_b: float = 0.0
    # --- the words as typed (search/query/compile.py) ---
    title_boost: float = 1.5  # a lemma in the title, against 1 in the body
    exact_boost: float = 0.3  # the form typed, as extra evidence (times its IDF, presence only)
    # a typed word's readings less likely than this are left out (search/analysis/morphology.py)
    reading_share: float = 0.01
    # --- weaker alternatives of a word typed ---
    stem_boost: float = 0.5  # other lemmas of the Snowball stem, for a word no document holds
    part_boost: float = 1.0  # each part of a hyphenated word on its own
    family_boost: float = 0.4  # lemmas of the word's derivational family (aspect pairs, …)
    synonym_boost: float = 0.9  # the dictionary's synonyms and abbreviations
    translit_boost: float = 0.7  # the other script's spelling of a name
    # share of a word's coverage credited to a document that holds only an alternative of it
    alternative_coverage: float = 0.5
    # share of the alternatives' score added to a document holding the word as typed: the
    # same name in the other script (twins), and the others (synonyms, relatives)
    twin_share: float = 1.0
    alternative_share: float = 0.1
    # an alternative alone scores at most this share of the best document holding the word as
    # typed (0: below the weakest of them)
    alternative_cap: float = 0.5
    # --- the whole query (search/ranking/rank.py) ---
    coverage_weight: float = 0.75  # a document missing half the words loses 3/8 of its score
    proximity_boost: float = 0.25
    proximity_slop: int = 4
    proximity_depth: int = 20
    # pseudo-relevance feedback: terms of the best documents added to long questions
    feedback_docs: int = 0  # 0: none
    feedback_terms: int = 10
    feedback_weight: float = 0.15

    def with_values(self, **values: Any) -> RankingParams:
        """A copy with some values changed (each cast to the field's type)."""
        kinds = {f.name: f.type for f in fields(self)}
        unknown = set(values) - set(kinds)
        if unknown:
            raise ValueError(f"unknown ranking parameters: {', '.join(sorted(unknown))}")
        cast: dict[str, Any] = {
            k: int(v) if kinds[k] in ("int", int) else float(v) for k, v in values.items()
        }
        return replace(self, **cast)


DEFAULT_PARAMS = RankingParams()
