"""Plan → scored hits: BM25F over posting arrays (:mod:`.bm25f`), coverage and proximity
(:mod:`.rank`), pseudo-relevance feedback for long questions (:mod:`.feedback`), copies of
a release (:mod:`.copies`), facets (:mod:`.facets`), the archive at a glance
(:mod:`.overview`), and releases like a given one (:mod:`.related`)."""

from .bm25f import Scorer, Scores, flatten
from .copies import COPIES_LOOKAHEAD, Folded, fold_copies
from .facets import FACETS, Facet, count_facets, source_names
from .feedback import feedback_scores
from .overview import NEWEST, Overview, Release, overview
from .rank import best, score_units
from .related import RELATED_LIMIT, Related, RelatedReleases, related

__all__ = [
    "COPIES_LOOKAHEAD",
    "FACETS",
    "NEWEST",
    "RELATED_LIMIT",
    "Facet",
    "Folded",
    "Overview",
    "Related",
    "RelatedReleases",
    "Release",
    "Scorer",
    "Scores",
    "best",
    "count_facets",
    "feedback_scores",
    "flatten",
    "fold_copies",
    "overview",
    "related",
    "score_units",
    "source_names",
]
