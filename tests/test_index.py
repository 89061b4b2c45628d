"""`reindex`: the shipped release is found, incremental runs, broken files, locking, crashes."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest
from searching import plain_engine, search
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from search.corpus import load_document
from search.engine import Engine
from search.errors import IndexMissing, ReindexError
from search.index import (
    arrays,
    build,
    current_generation,
    generations,
    open_index,
    postings,
    reindex,
    writers,
)
from search.index.storage import SharedFile

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = REPO_ROOT / "corpus" / "mdai-kz" / "baikonur-talks-baiterek.txt"
SEED_ID = "mdai-kz/baikonur-talks-baiterek.txt"


def ids(index_dir: Path, query: str, per_page: int = 100) -> list[str]:
    engine = plain_engine(index_dir)
    try:
        return [hit.id for hit in search(engine, query, per_page=per_page).hits]
    finally:
        engine.close()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write(root / SEED_ID, SEED.read_text(encoding="utf-8"))
    return root


@pytest.mark.parametrize(
    "query",
    ["космодрома Байконур", "байтерека", "привлечении инвестиций", "казахстанские специалисты"],
)
def test_shipped_corpus_finds_the_seed_release(tmp_path, query):
    report = reindex(REPO_ROOT / "corpus", tmp_path / "index")
    assert report.added >= 1 and not report.skipped
    assert ids(tmp_path / "index", query)[0] == SEED_ID


def test_encodings_are_decoded_and_searchable(corpus, tmp_path):
    write(corpus / "cp1251.txt", "Запуск с Восточного\n\nРакета стартовала с космодрома Восточный.",
          "cp1251")
    write(corpus / "koi8.txt", "Стыковка с МКС\n\nКорабль пристыковался к станции.", "koi8_r")
    reindex(corpus, tmp_path / "index")
    assert ids(tmp_path / "index", "космодроме Восточном")[0] == "cp1251.txt"
    assert ids(tmp_path / "index", "Восточном") == ["cp1251.txt"]
    assert ids(tmp_path / "index", "станцией") == ["koi8.txt"]


def test_html_script_and_style_are_not_indexed(corpus, tmp_path):
    write(
        corpus / "release.html",
        "<html><head><title>Спутник выведен на орбиту</title><style>.орбитальный{}</style>"
        "<script>var секретныйкод = 1;</script></head><body><p>Спутник выведен на орбиту."
        "</p></body></html>",
    )
    reindex(corpus, tmp_path / "index")
    assert ids(tmp_path / "index", "спутник") == ["release.html"]
    assert ids(tmp_path / "index", "секретныйкод") == []
    assert ids(tmp_path / "index", "орбитальный") == []


def test_broken_file_is_skipped_and_the_rest_indexed(corpus, tmp_path, capsys):
    write(corpus / "junk.txt", "")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    report = reindex(corpus, tmp_path / "index", quiet=False)
    skipped = dict(report.skipped)
    assert set(skipped) == {"junk.txt", "binary.txt"}
    assert report.added == 1
    assert "skipped binary.txt" in capsys.readouterr().err
    assert ids(tmp_path / "index", "байтерек") == [SEED_ID]


def test_incremental_add_change_delete(corpus, tmp_path):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    new = write(corpus / "new.txt", "Прогресс МС-25\n\nКорабль Прогресс МС-25 доставил топливо.")
    report = reindex(corpus, index_dir)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 0, 0, 1)
    assert ids(index_dir, "МС-25") == ["new.txt"]

    write(new, "Прогресс МС-26\n\nГрузовой корабль Прогресс МС-26 доставил воду.")
    report = reindex(corpus, index_dir)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    assert ids(index_dir, "МС-25") == []
    assert ids(index_dir, "МС-26") == ["new.txt"]

    new.unlink()
    report = reindex(corpus, index_dir)
    assert (report.removed, report.documents) == (1, 1)
    assert ids(index_dir, "МС-26") == []


def test_unchanged_corpus_writes_no_new_generation(corpus, tmp_path):
    index_dir = tmp_path / "index"
    first = reindex(corpus, index_dir)
    os.utime(corpus / SEED_ID)  # touched, same content
    report = reindex(corpus, index_dir)
    assert report.generation == first.generation
    assert (report.unchanged, report.changed) == (1, 0)


def test_full_rebuild_gives_the_same_documents(corpus, tmp_path):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    report = reindex(corpus, index_dir, full=True)
    assert report.added == 1 and report.documents == 1
    assert ids(index_dir, "байтерек") == [SEED_ID]


def test_file_that_breaks_keeps_its_last_good_version(corpus, tmp_path):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    (corpus / SEED_ID).write_bytes(b"\x00\x01\x02" * 100)
    report = reindex(corpus, index_dir)
    assert [doc_id for doc_id, _ in report.skipped] == [SEED_ID]
    assert ids(index_dir, "байтерек") == [SEED_ID]


def test_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(ReindexError, match="does not exist"):
        reindex(tmp_path / "nope", tmp_path / "index")


def test_index_folder_that_cannot_be_written_is_a_clear_error(corpus, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ReindexError, match="cannot write the index"):
        reindex(corpus, blocker / "index")


def test_disk_full_leaves_the_previous_index(corpus, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    write(corpus / "new.txt", "Луноход\n\nЛуноход проехал по Луне.")

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(generations, "write_manifest", no_space)
    with pytest.raises(ReindexError, match="disk is full"):
        reindex(corpus, index_dir)
    assert ids(index_dir, "луноход") == []
    assert ids(index_dir, "байтерек") == [SEED_ID]
    assert not list(index_dir.glob("gen-*.tmp"))


HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX)
os.write(fd, str(os.getpid()).encode())
print("locked", flush=True)
time.sleep(60)
"""


def test_second_reindex_is_refused_at_once(corpus, tmp_path):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(index_dir / generations.LOCK)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(ReindexError, match="already running"):
            reindex(corpus, index_dir)
        assert time.monotonic() - started < 2
        cli = subprocess.run(
            [sys.executable, "-m", "search", "reindex", "--corpus", str(corpus), "--index",
             str(index_dir)],
            capture_output=True, text=True, timeout=60,
        )
        assert cli.returncode == 1
        assert "already running" in cli.stderr
    finally:
        holder.kill()
        holder.communicate()
    reindex(corpus, index_dir)  # the lock is free again


def test_interrupted_reindex_leaves_the_previous_index(corpus, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    for n in range(5):
        write(corpus / f"moon-{n}.txt", f"Луна {n}\n\nАппарат {n} сел на Луну.")
    calls = []

    def interrupted(path, doc_id, **kwargs):
        calls.append(doc_id)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return load_document(path, doc_id, **kwargs)

    monkeypatch.setattr(build, "load_document", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reindex(corpus, index_dir)
    assert ids(index_dir, "луна") == []
    assert ids(index_dir, "байтерек") == [SEED_ID]
    monkeypatch.undo()
    report = reindex(corpus, index_dir)
    assert report.added == 5
    assert len(ids(index_dir, "луна")) == 5


def test_kill_9_during_reindex_leaves_a_searchable_index(corpus, tmp_path):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    before = current_generation(index_dir)
    body = SEED.read_text(encoding="utf-8")
    for n in range(300):
        write(corpus / "bulk" / f"{n:03d}.txt", f"Выпуск {n}\n\n{body}\nЛунная программа {n}.")
    proc = subprocess.Popen(
        [sys.executable, "-m", "search", "reindex", "--quiet", "--corpus", str(corpus),
         "--index", str(index_dir)],
    )
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # whatever moment it died at, readers see a complete generation
    live = current_generation(index_dir)
    assert live is not None
    assert search(Engine(index_dir), "байтерек").total in (1, 301)
    if live == before:
        assert ids(index_dir, "лунная программа") == []
    report = reindex(corpus, index_dir)
    assert report.documents == 301
    engine = Engine(index_dir)
    assert engine.doc_count() == 301
    assert search(engine, "лунная программа").total == 300
    assert not list(index_dir.glob("gen-*.tmp"))


def test_open_index_without_an_index_says_so(tmp_path):
    with pytest.raises(IndexMissing):
        open_index(tmp_path)


def test_readers_follow_a_new_generation_without_reopening(corpus, tmp_path):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    engine = Engine(index_dir)
    assert search(engine, "луноход").total == 0
    write(corpus / "lunokhod.txt", "Луноход-1\n\nЛуноход проехал десять километров.")
    reindex(corpus, index_dir)
    assert search(engine, "луноход").total == 1
    assert engine.doc_count() == 2


def segment_sizes(index_dir: Path) -> list[int]:
    ix = whoosh_index.open_dir(current_generation(index_dir))
    try:
        return sorted(seg.doc_count() for seg in ix._segments())
    finally:
        ix.close()


def test_incremental_runs_fold_their_small_segments_together(corpus, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    for n in range(1, 5):
        write(corpus / f"progress-{n}.txt",
              f"Прогресс МС-{n}\n\nГрузовой корабль «Прогресс МС-{n}» пристыковался к МКС.")
        reindex(corpus, index_dir)
    write(corpus / "progress-1.txt", "Прогресс МС-1\n\nКорабль «Прогресс МС-1» отстыковался.")
    reindex(corpus, index_dir)
    assert segment_sizes(index_dir) == [5]  # one segment, the replaced version dropped
    assert ids(index_dir, "отстыковался") == ["progress-1.txt"]
    assert sorted(ids(index_dir, "пристыковался")) == [f"progress-{n}.txt" for n in (2, 3, 4)]

    monkeypatch.setattr(writers, "SMALL_SEGMENT_DOCS", 3)  # now that one is big
    write(corpus / "soyuz.txt", "Союз МС-26\n\nКорабль «Союз МС-26» пристыковался к МКС.")
    reindex(corpus, index_dir)
    assert segment_sizes(index_dir) == [1, 5]  # a big segment is not rewritten
    assert len(ids(index_dir, "пристыковался")) == 4
    write(corpus / "progress-2.txt", "Прогресс МС-2\n\nКорабль «Прогресс МС-2» сведён с орбиты.")
    reindex(corpus, index_dir)
    # the replaced version stays in the big segment, deleted: no query finds it any more
    assert segment_sizes(index_dir) == [2, 4]
    assert "progress-2.txt" not in ids(index_dir, "пристыковался")
    assert ids(index_dir, "орбиты") == ["progress-2.txt"]


def postings_by_release(index_dir: Path) -> dict[tuple[str, bytes], list[tuple[str, float, bytes]]]:
    """Every live posting of the index: (field, term) -> sorted (release id, weight, value)."""
    ix = whoosh_index.open_dir(current_generation(index_dir))
    found: dict[tuple[str, bytes], list[tuple[str, float, bytes]]] = {}
    try:
        with ix.reader() as reader:
            for fieldname, tbytes in reader.all_terms():
                matcher = reader.postings(fieldname, tbytes)
                rows = []
                while matcher.is_active():
                    release = reader.stored_fields(matcher.id())["id"]
                    rows.append((release, matcher.weight(), matcher.value() or b""))
                    matcher.next()
                if rows:
                    found[(fieldname, tbytes)] = sorted(rows)
    finally:
        ix.close()
    return found


def test_segments_of_one_size_class_are_folded_together_once_there_are_enough(
        corpus, tmp_path, monkeypatch):
    """Segments too big to fold at every run pile up only until MERGE_FACTOR of them are of
    one size class; then they become one, without the releases replaced since, holding the
    postings a full build writes."""
    monkeypatch.setattr(writers, "SMALL_SEGMENT_DOCS", 2)
    monkeypatch.setattr(writers, "MERGE_FACTOR", 3)
    monkeypatch.setattr(writers, "MAX_MERGED_DOCS", 20)  # classes: 2-19 documents, none above
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    sizes = []
    for run in range(1, 7):
        for n in (2 * run, 2 * run + 1):
            write(corpus / f"progress-{n}.txt",
                  f"Прогресс МС-{n}\n\nГрузовой корабль «Прогресс МС-{n}» пристыковался к "
                  f"МКС, доставив {n} тонны грузов; стыковка прошла в штатном режиме.")
        if run == 3:  # replaced: its first version, in an older segment, is deleted there
            write(corpus / "progress-2.txt", "Прогресс МС-2\n\nКорабль «Прогресс МС-2» "
                  "отстыковался от МКС и сведён с орбиты.")
        reindex(corpus, index_dir)
        sizes.append(segment_sizes(index_dir))
    assert sizes == [[3], [2, 3], [2, 2, 3], [9], [2, 9], [2, 2, 9]]  # live documents
    assert ids(index_dir, '"сведён с орбиты"') == ["progress-2.txt"]
    assert len(ids(index_dir, "пристыковались")) == 11  # not the replaced version
    rebuilt = tmp_path / "rebuilt"
    reindex(corpus, rebuilt, full=True)
    assert postings_by_release(index_dir) == postings_by_release(rebuilt)


def test_folded_segments_hold_the_postings_a_full_build_writes(corpus, tmp_path):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    for n in range(1, 4):
        write(corpus / f"progress-{n}.txt",
              f"Прогресс МС-{n}\n\nГрузовой корабль «Прогресс МС-{n}» пристыковался к МКС, "
              f"доставив {n},5 тонны грузов; стыковка прошла в штатном режиме.")
        reindex(corpus, index_dir)
    assert segment_sizes(index_dir) == [4]  # folded together by Whoosh's merge
    rebuilt = tmp_path / "rebuilt"
    reindex(corpus, rebuilt, full=True)
    folded, fresh = postings_by_release(index_dir), postings_by_release(rebuilt)
    assert folded == fresh
    assert ("body", "пристыковаться".encode()) in fresh


T = TypeVar("T")


def by_both_writers(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    read: Callable[[Path], T]) -> tuple[T, T]:
    """What `read` finds in the corpus's index as this writer writes it, and as Whoosh's own
    single-process writer does."""
    reindex(corpus, tmp_path / "ours")
    monkeypatch.setattr(writers, "_SegmentWriter", SegmentWriter)
    reindex(corpus, tmp_path / "whoosh")
    return read(tmp_path / "ours"), read(tmp_path / "whoosh")


def test_the_writer_writes_the_postings_whoosh_own_writer_writes(corpus, tmp_path, monkeypatch):
    """Postings gathered in memory (positions in one buffer, gathered a chunk of terms at a
    time) are the very postings Whoosh's own writer and posting pool write: weights and
    positions of every term of every field, on real text."""
    write(corpus / "soyuz.txt", "Союз МС-25\n\nРакета-носитель «Союз-2.1б» стартовала 26.12.2016 "
          "с космодрома «Восточный»; ёмкость бака проверена. Ракета вывела спутники, а ракеты "
          "серии «Союз» стартуют с космодрома Байконур.")
    write(corpus / "baiterek.txt", "Бәйтерек\n\nБайқоңыр ғарыш айлағынан «Бәйтерек» кешенінің "
          "құрылысы туралы келіссөздер жүргізілді; NASA and Roscosmos signed the agreement.")
    ours, whooshs = by_both_writers(corpus, tmp_path, monkeypatch, postings_by_release)
    assert ours == whooshs
    rockets = ours[("body", "ракета".encode())]
    assert [release for release, _, _ in rockets] == ["soyuz.txt"]
    assert ("folded", "байконур".encode()) in ours


def term_statistics(index_dir: Path) -> dict[tuple[str, bytes], tuple[tuple, list[tuple]]]:
    """Every term's statistics as Whoosh keeps them in its term entry (weight, documents,
    lengths, largest weight, first and last document), and each of its postings blocks'."""
    ix = whoosh_index.open_dir(current_generation(index_dir))
    found = {}
    try:
        with ix.reader() as reader:
            for fieldname, tbytes in reader.all_terms():
                info = reader.term_info(fieldname, tbytes)
                entry = (info.weight(), info.doc_frequency(), info.min_length(),
                         info.max_length(), info.max_weight(), info.min_id(), info.max_id())
                matcher, blocks = reader.postings(fieldname, tbytes), []
                while matcher.is_active():
                    blocks.append((matcher.block_min_id(), matcher.block_max_id(),
                                   matcher.block_min_length(), matcher.block_max_length(),
                                   matcher.block_max_weight()))
                    matcher._next_block()
                found[(fieldname, tbytes)] = (entry, blocks)
    finally:
        ix.close()
    return found


def test_the_writer_keeps_the_term_and_block_statistics_whoosh_own_writer_keeps(
        corpus, tmp_path, monkeypatch):
    """A term's entry and each block of its postings (128 a block) hold what Whoosh's own
    writer puts there: what its scoring and block skipping read."""
    # «ракета» in every release: two blocks of postings, the longest release in the first,
    # the second's releases longer than most (each block's shortest and longest differ)
    for n in range(140):
        repeats = 1 + n % 5 + 6 * (n >= 128) + 20 * (n == 0)
        write(corpus / f"launch-{n:03d}.txt", f"Запуск {n}\n\n"
              + "Ракета «Союз» стартовала с космодрома Байконур. " * repeats
              + f"Спутник номер {n} выведен на орбиту, ракеты серии «Союз» готовятся.")
    ours, whooshs = by_both_writers(corpus, tmp_path, monkeypatch, term_statistics)
    assert ours == whooshs
    rocket = ours[("body", "ракета".encode())]
    assert rocket[0][1] == 140 and len(rocket[1]) == 2


@pytest.mark.parametrize("narrow", [arrays.NARROW, 1], ids=["two-byte", "four-byte"])
def test_each_segments_posting_arrays_hold_its_terms_documents_and_weights(
        corpus, tmp_path, monkeypatch, narrow):
    """The posting arrays file beside each segment gives every term the very document numbers,
    weights and positions of Whoosh's postings, in two-byte and four-byte form; searches
    (phrases too) find the same releases, in the same order, with the arrays and without."""
    for n in range(30):
        write(corpus / f"launch-{n}.txt", f"Пуск {n}\n\nРакета «Союз-2.1б» стартовала с "
              f"космодрома Восточный {n + 1} апреля; ёмкость бака проверена. Ракета вывела "
              f"спутники «Гонец-М»; {'ракеты ' * (n % 4)}будут готовы к пуску.")
    monkeypatch.setattr(arrays, "NARROW", narrow)
    monkeypatch.setattr(writers, "PARALLEL_FROM", 10)
    monkeypatch.setattr(writers, "WRITER_LIMIT_MB", 0.02)  # several segments
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    ix = whoosh_index.open_dir(current_generation(index_dir))
    checked = 0
    try:
        with ix.reader() as whole:
            segments = [leaf for leaf, _ in whole.leaf_readers()]
            assert len(segments) > 1
            for reader in segments:
                mapped = arrays.PostingArrays.of(reader)
                assert mapped is not None
                assert mapped._ids.dtype.itemsize == mapped._weights.dtype.itemsize == (
                    2 if narrow > 1 else 4)
                for fieldname, tbytes in reader.all_terms():
                    text = tbytes.decode()
                    key = arrays.term_key(fieldname, tbytes)
                    span = mapped.find(key)
                    assert span is not None
                    ids_, weights = mapped.postings(span)
                    ids0, weights0 = postings._read(reader, fieldname, text)
                    assert ids_.tolist() == ids0.tolist()
                    assert weights.tolist() == weights0.tolist()
                    if fieldname in ("title", "body"):
                        hits = list(enumerate(ids0.tolist()))
                        counts, flat = mapped.positions_of(span, np.arange(len(hits)))
                        runs = np.split(flat, np.cumsum(counts)[:-1])
                        at = {d: run.tolist() for (_, d), run in zip(hits, runs, strict=True)}
                        assert at == postings.positions_at(reader, fieldname, text, hits)
                        assert all(at.values())
                        assert mapped.positions_lists(span, list(range(len(hits)))) == list(
                            at.values())
                    checked += 1
                assert mapped.find(arrays.term_key("body", "луноход".encode())) is None
                assert mapped.find(arrays.term_key("title", "ракета".encode())) is None
    finally:
        ix.close()
    assert checked > 500
    queries = ("космодрома Восточный", "ракеты", '"Гонец-М"', "байконур", "емкость",
               '"ракеты ракеты"', "ракета вывела спутники")
    found = {q: ids(index_dir, q) for q in queries}
    assert [q for q, hits in found.items() if not hits] == []
    assert {f"launch-{n}.txt" for n in range(30)} <= set(found["ракеты"])
    assert found["ракеты"][0] in {f"launch-{n}.txt" for n in range(3, 30, 4)}  # most rockets
    proximity = _positions_of_some(index_dir)  # read from the posting arrays
    monkeypatch.setattr(arrays.PostingArrays, "of", classmethod(lambda cls, reader: None))
    assert {q: ids(index_dir, q) for q in queries} == found
    assert _positions_of_some(index_dir) == proximity  # from Whoosh's own postings


def _positions_of_some(index_dir: Path) -> list[dict[int, list[int]]]:
    """What the proximity bonus reads, for documents of every segment: each term's positions
    in every third document, checked against Whoosh's postings."""
    found = []
    with Engine(index_dir).snapshot() as snap:
        docnums = list(range(0, snap.size, 3))
        for text in ("ракета", "ракеты", "космодром", "гонец-м", "луноход"):
            expected: dict[int, list[int]] = {}
            if ("body", text) in snap.reader:
                matcher = snap.searcher.postings("body", text)
                while matcher.is_active():
                    if matcher.id() % 3 == 0:
                        expected[matcher.id()] = list(matcher.value_as("positions"))
                    matcher.next()
            got = snap.positions("body", text, docnums)
            assert got == expected
            found.append(got)
    assert found[0] and found[2] and not found[4]
    return found


def test_a_damaged_posting_arrays_file_is_reported_and_the_postings_serve(corpus, tmp_path,
                                                                         caplog):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    expected = ids(index_dir, "космодрома Байконур")
    assert expected
    (damaged,) = current_generation(index_dir).glob(f"*{arrays.EXTENSION}")
    damaged.write_bytes(damaged.read_bytes()[:100])  # cut short
    assert ids(index_dir, "космодрома Байконур") == expected
    assert "posting arrays not read" in caplog.text


def test_idf_counts_documents_as_whoosh_does_removed_releases_included(corpus, tmp_path,
                                                                      monkeypatch):
    """Document frequencies come from the posting arrays' term spans; they count what Whoosh's
    term lookup counts, in every segment, the removed release's postings included."""
    monkeypatch.setattr(writers, "SMALL_SEGMENT_DOCS", 1)  # keep a segment with a deletion
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    removed = sorted(corpus.rglob("*.txt"))[0]
    removed.unlink()
    write(corpus / "vostochny.txt", "Восточный\n\nС космодрома Восточный стартовала ракета "
          "«Союз-2.1б» со спутниками «Метеор-М»; Роскосмос сообщил об успешном пуске.")
    reindex(corpus, index_dir)
    with Engine(index_dir).snapshot() as snap:
        assert len(snap.leaves) == 2 and snap.reader.has_deletions()
        terms = [(f, t.decode()) for f, t in snap.reader.all_terms() if f in ("body", "exact")]
        assert ("body", "космодром") in terms and len(terms) > 300
        for fieldname, text in terms:
            assert snap.doc_frequency(fieldname, text) == snap.reader.doc_frequency(
                fieldname, text)
            assert snap.idf(fieldname, text) == pytest.approx(
                snap.searcher.idf(fieldname, text), rel=1e-12)
        assert snap.doc_frequency("body", "луноход") == 0


def test_a_term_is_held_while_a_live_release_holds_it(corpus, tmp_path, monkeypatch):
    """Whether the index holds a term (what the query compiler asks of every reading of a
    word): a removed release's words are gone though its postings stay in its segment, read
    from the posting arrays or from Whoosh's own postings alike."""
    monkeypatch.setattr(writers, "SMALL_SEGMENT_DOCS", 1)  # keep a segment with a deletion
    index_dir = tmp_path / "index"
    lunokhod = write(corpus / "lunokhod.txt", "Луноход «Юйту-2»\n\nЛуноход «Юйту-2» проехал "
                     "по обратной стороне Луны ещё сто метров.")
    reindex(corpus, index_dir)
    lunokhod.unlink()
    write(corpus / "vostochny.txt", "Восточный\n\nС космодрома Восточный стартовала ракета "
          "«Союз-2.1б» со спутниками «Метеор-М».")
    reindex(corpus, index_dir)
    terms = [("body", "луноход"), ("title", "луноход"), ("body", "юйту"), ("body", "космодром"),
             ("title", "восточный"), ("body", "метеор"), ("body", "марсоход")]
    expected = {("body", "космодром"): True, ("title", "восточный"): True,
                ("body", "метеор"): True}

    def held() -> dict[tuple[str, str], bool]:
        with Engine(index_dir).snapshot() as snap:
            assert snap.reader.has_deletions()
            return {(f, t): snap.has_term(f, t) for f, t in terms}

    assert held() == {term: expected.get(term, False) for term in terms}
    assert ids(index_dir, "луноход") == []
    monkeypatch.setattr(arrays.PostingArrays, "of", classmethod(lambda cls, reader: None))
    assert held() == {term: expected.get(term, False) for term in terms}


def test_a_segment_whose_terms_share_a_key_goes_without_arrays_and_searches_the_same(
        corpus, tmp_path, monkeypatch, caplog):
    write(corpus / "soyuz.txt", "Союз МС-26\n\nРакета-носитель «Союз-2.1а» стартовала с "
          "космодрома Байконур; экипаж прибыл на МКС. Роскосмос сообщил об успешном пуске.")
    write(corpus / "nasa.txt", "Crew arrives\n\nThe Soyuz rocket lifted off from the Baikonur "
          "Cosmodrome; NASA astronaut Don Pettit joined Roscosmos cosmonauts on the station.")
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    queries = ("космодрома Байконур", "Роскосмос", '"ракета-носитель"', "Baikonur", "astronauts")
    expected = {q: ids(index_dir, q) for q in queries}
    assert all(expected.values())
    monkeypatch.setattr(arrays, "term_key", lambda fieldname, tbytes: 7)
    reindex(corpus, index_dir, full=True)
    assert "two terms share a key" in caplog.text
    assert not list(current_generation(index_dir).glob(f"*{arrays.EXTENSION}"))
    assert {q: ids(index_dir, q) for q in queries} == expected


def test_writer_processes_past_their_memory_limit_write_more_segments_of_the_same_index(
        corpus, tmp_path, monkeypatch):
    for n in range(40):
        write(corpus / f"launch-{n}.txt", f"Пуск {n}\n\nРакета «Союз-2.1б» стартовала с "
              f"космодрома Восточный {n + 1} апреля; на орбиту выведены спутники «Гонец-М».")
    reindex(corpus, tmp_path / "serial")
    monkeypatch.setattr(writers, "PARALLEL_FROM", 10)
    reindex(corpus, tmp_path / "parallel")
    monkeypatch.setattr(writers, "WRITER_LIMIT_MB", 0.02)  # a segment every ~10 releases
    reindex(corpus, tmp_path / "split")
    assert len(segment_sizes(tmp_path / "split")) > len(segment_sizes(tmp_path / "parallel"))
    assert sum(segment_sizes(tmp_path / "split")) == 41

    def terms(index_dir: Path) -> list[tuple]:
        ix = whoosh_index.open_dir(current_generation(index_dir))
        with ix.reader() as r:
            return [(f, t, r.doc_frequency(f, t), r.frequency(f, t)) for f, t in r.all_terms()]

    assert terms(tmp_path / "split") == terms(tmp_path / "parallel") == terms(tmp_path / "serial")
    for query in ("космодрома Восточный", '"Гонец-М"', "байтерек"):
        found = sorted(ids(tmp_path / "serial", query))
        assert found != []
        assert sorted(ids(tmp_path / "split", query)) == found
        assert sorted(ids(tmp_path / "parallel", query)) == found


def test_one_searcher_serves_every_thread_and_the_old_one_closes_when_done(corpus, tmp_path):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    engine = Engine(index_dir)
    handle = engine.handle
    with ExitStack() as request:  # a request that began before the reindex below
        old = request.enter_context(handle.snapshot())
        expected = [h.id for h in search(engine, "космодром Байконур", snapshot=old).hits]
        seen: set[int] = set()
        failures: list[BaseException] = []

        def work() -> None:
            try:
                for _ in range(20):
                    with handle.snapshot() as s:
                        seen.add(id(s))
                        found = search(engine, "космодром Байконур", snapshot=s).hits
                        assert [h.id for h in found] == expected
            except BaseException as e:  # reported below
                failures.append(e)

        threads = [threading.Thread(target=work) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures and seen == {id(old)}  # one snapshot for every thread

        write(corpus / "lunokhod.txt", "Луноход-1\n\nЛуноход проехал десять километров.")
        reindex(corpus, index_dir)
        with handle.snapshot() as new:
            assert new is not old and search(engine, "луноход", snapshot=new).total == 1
        # the old request finishes on its generation
        assert search(engine, "луноход", snapshot=old).total == 0
        assert not old.searcher.is_closed
    assert old.searcher.is_closed  # closed as soon as its last request is done


def test_shared_file_keeps_a_read_position_per_thread(tmp_path):
    path = write(tmp_path / "f.bin", "первая строка\nвторая строка\nконец")
    f = SharedFile(str(path))
    f.seek(len("первая строка\n".encode()))
    positions: dict[str, tuple[bytes, int]] = {}

    def other() -> None:  # starts at 0 whatever the main thread did
        positions["other"] = (f.readline(), f.tell())

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert positions["other"] == ("первая строка\n".encode(), len("первая строка\n".encode()))
    assert f.readline().decode() == "вторая строка\n"
    f.seek(-len("конец".encode()), io.SEEK_END)
    assert f.read().decode() == "конец" and f.read() == b""
    f.close()
    assert f.closed


def test_index_of_another_format_asks_for_a_reindex(corpus, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    reindex(corpus, index_dir)
    monkeypatch.setattr(generations, "FORMAT_VERSION", generations.FORMAT_VERSION + 1)
    with pytest.raises(IndexMissing, match="run reindex"):
        with open_index(index_dir).snapshot():
            pass
    report = reindex(corpus, index_dir)  # rebuilt from scratch in the new format
    assert report.added == 1
    assert ids(index_dir, "байтерек") == [SEED_ID]
