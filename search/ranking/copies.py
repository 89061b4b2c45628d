"""Copies of one release among ranked results: the first of a group is shown, the others are
listed as its copies (search/index/sketches.py says when two releases are copies)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..index import Sketch, Snapshot, are_copies, read_sketch

__all__ = ["COPIES_LOOKAHEAD", "Folded", "fold_copies"]

COPIES_LOOKAHEAD = 20  # candidates ranked below a page that are looked at for its copies
# Copies share one of their few smallest hashes: only those pairs are compared (at the
# threshold, about one pair of copies in 600 is missed).
_PROBES = 4
# Leaders compared with one candidate at most, nearest in rank first: bounds the cost when many
# releases look alike (generated or templated ones share their smallest hashes).
_MAX_CHECKS = 24

@dataclass
class Folded:
    docnum: int
    score: float
    copies: list[int] = field(default_factory=list)  # docnums, in rank order


def fold_copies(
    snapshot: Snapshot, ranked: Iterable[tuple[int, float]], groups: int
) -> list[Folded]:
    """The first `groups` groups of copies among ranked (docnum, score) candidates.

    A candidate joins the group of the first better-ranked candidate it is a copy of; after
    `groups` groups are formed, later candidates are only checked as copies of those.
    """
    out: list[Folded] = []
    leaders: list[Sketch] = []
    by_hash: dict[int, list[int]] = {}  # one of a leader's smallest hashes -> its group
    for docnum, score in ranked:
        sk = read_sketch(snapshot.sketch(docnum))
        group = _group_of(sk, leaders, by_hash)
        if group is not None:
            out[group].copies.append(docnum)
        elif len(out) < groups:
            for h in sk.hashes[:_PROBES]:
                by_hash.setdefault(h, []).append(len(out))
            out.append(Folded(docnum, score))
            leaders.append(sk)
    return out


def _group_of(sk: Sketch, leaders: list[Sketch], by_hash: dict[int, list[int]]) -> int | None:
    tried: set[int] = set()
    for h in sk.hashes[:_PROBES]:
        for group in reversed(by_hash.get(h, ())):
            if group not in tried:
                if len(tried) >= _MAX_CHECKS:
                    return None
                tried.add(group)
                if are_copies(sk, leaders[group]):
                    return group
    return None
