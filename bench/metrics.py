"""Ranking metrics over one query: ``ranked`` ids, best first; ``relevant`` id -> grade (> 0).

Binary judgements are grade 1. Averages over queries are plain means.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def reciprocal_rank(ranked: Sequence[str], relevant: Mapping[str, float], k: int = 10) -> float:
    for i, doc in enumerate(ranked[:k]):
        if relevant.get(doc, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def success_at(ranked: Sequence[str], relevant: Mapping[str, float], k: int = 1) -> float:
    return float(any(relevant.get(doc, 0) > 0 for doc in ranked[:k]))


def recall_at(ranked: Sequence[str], relevant: Mapping[str, float], k: int = 10) -> float:
    wanted = {doc for doc, grade in relevant.items() if grade > 0}
    return len(wanted.intersection(ranked[:k])) / len(wanted) if wanted else 0.0


def ndcg_at(ranked: Sequence[str], relevant: Mapping[str, float], k: int = 10) -> float:
    """nDCG with gain 2^grade - 1 and log2 discount."""

    def dcg(grades: Sequence[float]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))

    ideal = dcg(sorted(relevant.values(), reverse=True))
    return dcg([relevant.get(doc, 0) for doc in ranked]) / ideal if ideal else 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
