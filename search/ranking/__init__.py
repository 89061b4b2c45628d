"""Plan → scored hits: BM25F over posting arrays (:mod:`.bm25f`), coverage and proximity
(:mod:`.rank`), pseudo-relevance feedback for long questions (:mod:`.feedback`), copies of
a release (:mod:`.copies`), facets (:mod:`.facets`), and releases like a given one
(:mod:`.related`)."""

from .bm25f import Scorer, Scores, flatten
from .copies import COPIES_LOOKAHEAD, Folded, fold_copies
from .facets import FACETS, Facet, count_facets, source_names
from .feedback import feedback_scores
from .rank import best, score_units
from .related import RELATED_LIMIT, Related, RelatedReleases, related

__all__ = [
    "COPIES_LOOKAHEAD",
    "FACETS",
    "RELATED_LIMIT",
    "Facet",
    "Folded",
    "Related",
    "RelatedReleases",
    "Scorer",
    "Scores",
    "best",
    "count_facets",
    "feedback_scores",
    "flatten",
    "fold_copies",
    "related",
    "score_units",
    "source_names",
]
