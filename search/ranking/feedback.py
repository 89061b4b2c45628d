"""Pseudo-relevance feedback for natural-language questions (RM3-style).

A question rarely uses all the words of the passage that answers it. After a first ranking,
the best `feedback_docs` documents are taken as relevant: the lemmas that tell them apart from
the whole index (Whoosh's Bo1 key terms of their opening text, as for related releases) are
added as one more, weaker, unit — at most `feedback_terms` of them, together weighing
`feedback_weight` of the question's own words. Only questions of at least
MIN_QUESTION_WORDS content words get it: a short query says what it means.
"""

from __future__ import annotations

import numpy as np

from ..analysis import STOP_WORDS, lemmas
from ..index import Snapshot
from ..query import Compiled, RankingParams
from .bm25f import Scorer, Scores

__all__ = ["MIN_QUESTION_WORDS", "feedback_scores"]

MIN_QUESTION_WORDS = 4
SAMPLE_CHARS = 4_000  # of each feedback document: its opening says what it is about


def feedback_scores(
    snapshot: Snapshot,
    scorer: Scorer,
    scores: Scores,
    matched: np.ndarray,
    compiled: Compiled,
    query_words: list[str],
    params: RankingParams,
) -> Scores | None:
    """The feedback unit's scores for every document, or None when the query gets none."""
    if params.feedback_docs <= 0 or len(compiled.units) < MIN_QUESTION_WORDS:
        return None
    docnums = np.flatnonzero(matched)
    if not len(docnums):
        return None
    k = min(params.feedback_docs, len(docnums))
    top = docnums[np.argpartition(-scores[docnums], k - 1)[:k]]
    sample = "\n".join(
        (snapshot.stored(int(d)).get("body") or "")[:SAMPLE_CHARS] for d in top
    )
    own = {form for w in query_words for form in lemmas(w)}
    found = snapshot.searcher.key_terms_from_text(
        "body", sample, numterms=params.feedback_terms * 3
    )
    terms = [
        (term, weight) for term, weight in found
        if term not in own and term not in STOP_WORDS and term.isalpha() and len(term) > 2
    ][: params.feedback_terms]
    if not terms:
        return None
    total = sum(weight for _, weight in terms)
    extra = scorer.zeros()
    for term, weight in terms:
        scorer.add_term(extra, "body", term, weight / total)
    # scaled to the question's own scale: `feedback_weight` of the best document's score
    top_score = float(scores[top].max())
    peak = float(extra.max())
    if peak <= 0 or top_score <= 0:
        return None
    return extra * (params.feedback_weight * top_score / peak)
