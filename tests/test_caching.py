"""search/caching.py: every cache is listed with its key, lifetime and bound, and bounded."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import search.engine  # noqa: F401  (imports every module that keeps a cache)
from search import caching
from search.analysis import bound_lemma_cache, lemmas
from search.analysis.morphology import LEMMA_CACHE, SERVER_LEMMA_CACHE
from search.caching import CACHES, LockedLRU, stats

SEARCH = Path(caching.__file__).resolve().parent


def test_every_registered_cache_is_in_the_table() -> None:
    listed = set(re.findall(r"\*\*(.+?)\*\*", caching.__doc__ or ""))
    assert set(CACHES) == listed  # none unlisted, none listed that does not exist


def test_every_cache_in_the_code_is_registered() -> None:
    # lru_cache'd functions and LRU objects, wherever they are, go through register()
    source = {p: p.read_text(encoding="utf-8") for p in SEARCH.rglob("*.py")}
    decorated = sum(len(re.findall(r"lru_cache\(", text)) for text in source.values())
    functions = [c for c in CACHES.values() if hasattr(c, "cache_info")]
    assert decorated == len(functions)
    for name, (size, bound) in stats().items():
        assert 0 <= size <= bound or bound == 0, name


def test_locked_lru_is_bounded_by_the_size_of_what_it_holds() -> None:
    cache = LockedLRU(100, getsizeof=lambda v: len(v))
    for n in range(30):
        cache.put(n, np.zeros(10))
    assert cache.currsize <= 100 and len(cache) == 10
    assert cache.get(29) is not None and cache.get(0) is None  # the oldest went first
    cache.put(29, np.zeros(50))  # a key already there keeps its value
    assert len(cache.get(29)) == 10


def test_a_servers_lemma_cache_holds_fewer_words_and_the_same_lemmas() -> None:
    words = ["космодрома", "Байконуре", "ракеты-носителя", "запусков", "переговорах",
             "спутнику", "ёмкости", "космонавтами"]
    expected = [lemmas(w.lower()) for w in words]
    try:
        bound_lemma_cache(3)
        assert stats()["lemmas"] == (0, 3)
        assert [lemmas(w.lower()) for w in words] == expected
        assert stats()["lemmas"] == (3, 3)
        assert lemmas("переговорах") == ("переговоры", "переговор")
        search.engine.size_caches_for_serving()  # what orbita-serve does before forking
        assert stats()["lemmas"] == (0, SERVER_LEMMA_CACHE)
    finally:
        bound_lemma_cache(LEMMA_CACHE)
    assert stats()["lemmas"] == (0, LEMMA_CACHE)
