"""Releases like a given one, for the document page and /api/related.

Whoosh's more-like-this: the release's most telling lemmas in the body (Bo1 key terms, weighed
against the whole index as Whoosh weighs them, with the collection frequencies read from the
posting arrays; function words and numbers left out) become an OR query, ranked with the
usual BM25F. The release itself and its copies (search/index/sketches.py) are never among the
results, and copies of one other release count once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from whoosh.classify import Bo1Model

from ..analysis import STOP_WORDS
from ..index import Snapshot, is_copy
from .bm25f import Scorer
from .copies import fold_copies

__all__ = ["RELATED_LIMIT", "Related", "RelatedReleases", "related"]

RELATED_LIMIT = 5
KEY_TERMS = 20
KEY_TERMS_SAMPLE_CHARS = 20_000  # a release says what it is about first
_CANDIDATES = 15  # fetched beyond the limit, for the copies that are dropped


@dataclass
class Related:
    id: str
    title: str
    date: str | None
    source: str | None
    source_label: str | None
    score: float


@dataclass
class RelatedReleases:
    related: list[Related]
    copies: list[str]  # ids of this release's own copies found on the way


def related(
    snapshot: Snapshot, doc_id: str, limit: int = RELATED_LIMIT
) -> RelatedReleases | None:
    """Up to `limit` releases most like the one with this id; None for an unknown id.

    Ranked once per generation and release; what is kept is the document numbers and
    scores (~0.5 KB), and the titles are read again on each call: kept whole, a crawler
    reading every release page would leave each server process ~3.6 KB of titles and ids per
    release, ~34 MB for 9,544 releases, until the next reindex."""
    ranked = snapshot.derived(("related", doc_id, limit),
                              lambda: _rank_related(snapshot, doc_id, limit))
    if ranked is None:
        return None
    hits, copies = ranked
    return RelatedReleases([_described(snapshot, docnum, score) for docnum, score in hits],
                           [snapshot.stored(docnum)["id"] for docnum in copies])


def _described(snapshot: Snapshot, docnum: int, score: float) -> Related:
    stored = snapshot.stored(docnum)
    return Related(
        id=stored["id"],
        title=stored["title"],
        date=stored.get("date") or None,
        source=stored.get("source") or None,
        source_label=stored.get("source_name") or stored.get("source") or None,
        score=score,
    )


def key_terms(snapshot: Snapshot, fieldname: str, text: str, number: int
              ) -> list[tuple[str, float]]:
    """The `number` most telling terms of a text against the whole index, with their
    weights: Whoosh's ``key_terms_from_text`` (the Bo1 model, normalised), with the
    collection frequencies read from the posting arrays."""
    field = snapshot.searcher.schema[fieldname]
    weights: defaultdict[str, float] = defaultdict(float)
    total = 0.0  # the text's total weight, summed in Whoosh's order
    for term, _, weight, _ in field.index(text):
        weights[field.from_bytes(term)] += weight
        total += weight
    reader = snapshot.reader
    model = Bo1Model(reader.doc_count_all(), reader.field_length(fieldname))
    words = list(weights)
    scored, best = [], 0.0
    for word, frequency in zip(words, snapshot.collection_frequencies(fieldname, words),
                               strict=True):
        if frequency is not None:
            score = model.score(weights[word], frequency, total)
            best = max(best, score)
            scored.append((score, word))
    norm = model.normalizer(best, total)
    ranked = sorted(((score / norm, word) for score, word in scored), key=lambda x: (-x[0], x[1]))
    return [(word, weight) for weight, word in ranked[:number]]


def _rank_related(snapshot: Snapshot, doc_id: str, limit: int
                  ) -> tuple[tuple[tuple[int, float], ...], tuple[int, ...]] | None:
    """(document number, score) of the releases most like this one, best first, and the
    document numbers of its own copies met on the way."""
    docnum = snapshot.document_number(id=doc_id)
    if docnum is None:
        return None
    stored = snapshot.stored(docnum)
    # its key terms' idf is not kept: the terms of one release, read once a generation,
    # would take more memory than the related list itself
    scorer = Scorer(snapshot, keep_idf=False)
    scores = None
    for fieldname in ("body", "title"):  # a release with no body text: its title
        # the key terms of the release's start: what it is about, in work bounded whatever
        # its length (a 4 MB text of 300,000 distinct words took 9 s read whole)
        sample = (stored.get(fieldname) or "")[:KEY_TERMS_SAMPLE_CHARS]
        terms = [
            (term, weight)
            for term, weight in key_terms(snapshot, fieldname, sample, KEY_TERMS * 2)
            if term not in STOP_WORDS and not term.isdigit() and len(term) > 1
        ][:KEY_TERMS]
        if terms:  # an OR of the key terms, each boosted by its weight
            scores = scorer.zeros()
            for term, weight in terms:
                scorer.add_term(scores, fieldname, term, weight)
            break
    if scores is None:
        return (), ()
    scores[docnum] = 0
    found_docs = np.flatnonzero(scores > 0)
    depth = min(len(found_docs), limit + _CANDIDATES)
    if depth:
        found_docs = found_docs[np.argpartition(-scores[found_docs], depth - 1)[:depth]]
    ranked = sorted(((int(d), float(scores[d])) for d in found_docs), key=lambda x: (-x[1], x[0]))

    own = snapshot.sketch(docnum)
    copies: list[int] = []
    others: list[tuple[int, float]] = []
    for hit_docnum, score in ranked:
        if own and is_copy(own, snapshot.sketch(hit_docnum)):
            copies.append(hit_docnum)
        else:
            others.append((hit_docnum, score))
    hits = tuple((group.docnum, round(float(group.score), 4))
                 for group in fold_copies(snapshot, others, limit))
    return hits, tuple(copies)
