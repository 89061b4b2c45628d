"""search/caching.py: every cache is listed with its key, lifetime and bound, and bounded."""

from __future__ import annotations

import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import search.engine  # noqa: F401  (imports every module that keeps a cache)
from search import caching
from search.analysis import bound_lemma_cache, lemmas
from search.analysis.kazakh import STEM_CACHE
from search.analysis.kazakh import bound_cache as bound_kazakh_stems
from search.analysis.kazakh import stems as kazakh_stems
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
    kazakh = ["байқоңырдың", "ғарышкерлер", "зымыранның", "ұшырылды", "серіктерін"]
    expected = [lemmas(w.lower()) for w in words]
    expected_stems = [kazakh_stems(w) for w in kazakh]
    try:
        bound_lemma_cache(3)
        assert stats()["lemmas"] == (0, 3) and stats()["kazakh stems"] == (0, 3)
        assert [lemmas(w.lower()) for w in words] == expected
        assert [kazakh_stems(w) for w in kazakh] == expected_stems
        assert stats()["lemmas"] == (3, 3) and stats()["kazakh stems"] == (3, 3)
        assert lemmas("переговорах") == ("переговоры", "переговор")
        assert kazakh_stems("байқоңырдың") == ("байқоңыр",)
        search.engine.prepare_to_serve()  # what orbita-serve does before forking
        assert stats()["lemmas"] == (0, SERVER_LEMMA_CACHE)
        assert stats()["kazakh stems"] == (0, SERVER_LEMMA_CACHE)
    finally:
        bound_lemma_cache(LEMMA_CACHE)
        bound_kazakh_stems(STEM_CACHE)
    assert stats()["lemmas"] == (0, LEMMA_CACHE) and stats()["kazakh stems"] == (0, STEM_CACHE)


_FREED_BLOCKS = """
import re, sys
from pathlib import Path
import search.engine

def anon_mb():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"RssAnon:\\s+(\\d+)", status).group(1)) // 1024

search.engine.prepare_to_serve()
first = b"a" * (8 << 20)  # an old generation's table, mapped and freed: glibc would now
del first                 # take blocks below 8 MB from the heap
tables, pins = [], []
for _ in range(32):  # each block followed by a small one that stays: no two holes join
    tables.append(b"t" * (1 << 20))
    pins.append(b"p" * (64 << 10))
held = anon_mb()
del tables
print(held, anon_mb())
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_server_gives_back_the_memory_of_the_tables_it_lets_go() -> None:
    if not caching.map_large_blocks():
        pytest.skip("the C library has no mallopt")
    out = subprocess.run([sys.executable, "-c", _FREED_BLOCKS], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    held, after = map(int, out.split())
    assert held - after >= 30  # of the 32 MB freed (without: 0, the heap keeps them)


def test_the_phrase_cache_full_of_short_answers_stays_near_its_stated_size() -> None:
    # its bound is stated as about 16 MB: entries of one document each, whose keys and
    # bookkeeping outweigh their document numbers, must not hold several times that
    from search.ranking.bm25f import _phrase_docs

    _phrase_docs.clear()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(150_000):
            docs = np.array([n], dtype=np.int64)
            docs.flags.writeable = False
            key = ("/srv/orbita/index/gen-000042", ("k3l9m2n8b7v6c5x4",), "body",
                   (("российский",), (f"космодром{n}",)))
            _phrase_docs.put(key, docs)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        _phrase_docs.clear()
    assert held < 20 * 2**20, held / 2**20
