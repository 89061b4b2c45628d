"""The judging-pool tool for the held-out space test set, and the set's consistency."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench import pool
from bench.corpus import SPACE2_QUERIES, SPACE_QUERIES


def doc(doc_id: str, title: str, body: str) -> pool.Doc:
    return pool.Doc(doc_id, title, body, pool.fold(title), pool.fold(body))


def write_rows(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_brace_forms_expand_to_every_ending() -> None:
    assert pool._expand("космонавт{,а,ов}") == ["космонавт", "космонавта", "космонавтов"]
    assert pool._expand("станци{я,и} мир{,а}") == [
        "станция мир", "станция мира", "станции мир", "станции мира"
    ]


@pytest.mark.parametrize(
    ("group", "text", "found"),
    [
        ("буран{,а,у}", "Макет «Бурана» на ВДНХ", True),
        ("буран{,а,у}", "Снежный буранный день", False),  # whole words only
        ("космонавт*", "Российская космонавтика", True),  # a star is any ending
        ("королёв{,а}", "Музей Королева в Калуге", True),  # ё and е are one letter
        ("королев{,а}", "Дом Королёва", True),
        ("станци{я,и} мир", "на борту станции «Мир» в 1990 году", True),  # quotes skipped
        ("falcon heavy|фалкон хэви", "ракета Falcon Heavy взлетела", True),
        ("ека|esa", "данные ESA и NASA", True),
        ("ека|esa", "библиотека", False),
    ],
)
def test_group_pattern_matches_word_forms(group: str, text: str, found: bool) -> None:
    assert bool(pool.group_pattern(group).search(pool.fold(text))) is found


def test_grep_ranks_by_groups_then_matches_with_title_weight() -> None:
    docs = [
        doc("a.txt", "Новости", "Луна. Луна. Луна. Луна."),  # one group, 4 body matches
        doc("b.txt", "Луна", "Прочее"),  # one group, a title match (5)
        doc("c.txt", "Прочее", "Обратная сторона Луны"),  # both groups
        doc("d.txt", "Прочее", "Ничего"),
    ]
    patterns = [pool.group_pattern("обратн* сторон*"), pool.group_pattern("луна|луны")]
    assert pool.grep(docs, patterns, depth=10) == ["c.txt", "b.txt", "a.txt"]
    assert pool.grep(docs, patterns, depth=1) == ["c.txt"]


def test_snippets_show_the_query_words_before_the_context_words() -> None:
    body = "Про космос вообще.\nЕщё про космос.\nСкафандр «Орлан» прошёл испытания."
    d = doc("x.txt", "Заголовок", body)
    patterns = [pool.group_pattern("скафандр{,а}"), pool.group_pattern("космос*")]
    shown = pool.snippets(d, patterns)
    assert shown[0].startswith("Скафандр «Орлан»")
    assert len(shown) == 3


@pytest.mark.parametrize("bad", ["3=0", "x", "0=1", "5=1", "2=3", "2"])
def test_bad_grades_are_refused_with_a_message(bad: str) -> None:
    with pytest.raises(SystemExit, match="bad grade"):
        pool.parse_grades(bad, size=4)


def test_grades_record_every_pooled_document_and_the_relevant_map(tmp_path: Path) -> None:
    queries = write_rows(tmp_path / "q.jsonl", [
        {"qid": "t1", "query": "кометы", "kind": "word", "relevant": {}},
        {"qid": "t2", "query": "ракетой", "kind": "word", "relevant": {"z.txt": 1}},
    ])
    judgements = write_rows(tmp_path / "j.jsonl", [{"qid": "t2", "doc": "z.txt", "grade": 1}])
    n = pool.record_grades(queries, judgements, "t1", ["a.txt", "b.txt", "c.txt"], "3=2 1=1")
    assert n == 2
    rows = pool.read_jsonl(judgements)
    assert {(r["qid"], r["doc"], r["grade"]) for r in rows} == {
        ("t2", "z.txt", 1), ("t1", "a.txt", 1), ("t1", "b.txt", 0), ("t1", "c.txt", 2)
    }
    by_qid = {q["qid"]: q for q in pool.read_jsonl(queries)}
    assert list(by_qid["t1"]["relevant"].items()) == [("c.txt", 2), ("a.txt", 1)]
    assert by_qid["t2"]["relevant"] == {"z.txt": 1}

    # judged again (a regraded pool): the new grades replace the old ones, nothing doubles
    pool.record_grades(queries, judgements, "t1", ["a.txt", "b.txt", "c.txt"], "2=2")
    rows = pool.read_jsonl(judgements)
    assert len(rows) == 4
    assert pool.read_jsonl(queries)[0]["relevant"] == {"b.txt": 2}


def test_grading_an_unknown_query_is_refused(tmp_path: Path) -> None:
    queries = write_rows(tmp_path / "q.jsonl", [{"qid": "t1", "query": "x", "kind": "word",
                                                 "relevant": {}}])
    with pytest.raises(SystemExit, match="not a query"):
        pool.record_grades(queries, tmp_path / "j.jsonl", "t9", ["a.txt"], "1=1")


def test_a_query_without_grep_forms_is_refused() -> None:
    with pytest.raises(SystemExit, match="no grep forms"):
        pool.patterns_of({"qid": "no-such-query", "query": "x"})


def test_a_query_carries_its_own_grep_forms() -> None:
    q = {"qid": "t2_900", "query": "Королёва", "grep": ["королев{,а,у,ым,е}", "ракет*"]}
    first, context = pool.patterns_of(q)
    assert first.search(pool.fold("Музей имени Сергея Королёва"))
    assert not first.search(pool.fold("королевская семья"))
    assert context.search("ракетоноситель")


@pytest.mark.parametrize(("queries_file", "judgements_file", "earlier"), [
    (SPACE2_QUERIES, pool.BENCH / "space2_judgements.jsonl", [SPACE_QUERIES]),
    (pool.QUERIES, pool.JUDGEMENTS, [SPACE_QUERIES, SPACE2_QUERIES]),
])
def test_committed_judged_sets_are_consistent_with_their_judgements(
        queries_file: Path, judgements_file: Path, earlier: list[Path]) -> None:
    queries = pool.read_jsonl(queries_file)
    judged = {(r["qid"], r["doc"]): r["grade"] for r in pool.read_jsonl(judgements_file)}
    seen = {q["query"].lower().replace("ё", "е") for f in earlier for q in pool.read_jsonl(f)}
    assert len(queries) >= 40
    for q in queries:
        assert q["query"].lower().replace("ё", "е") not in seen, q["query"]
        assert q.get("grep") or q["qid"] in pool.GREP_FORMS
        assert q["relevant"], q["qid"]
        for d, grade in q["relevant"].items():
            assert grade in (1, 2)
            assert judged[(q["qid"], d)] == grade
    relevant = {(q["qid"], d) for q in queries for d in q["relevant"]}
    assert {k for k, g in judged.items() if g > 0} == relevant


def test_reach_counts_the_relevant_documents_holding_the_query_words(tmp_path: Path) -> None:
    from bench import reach

    (tmp_path / "a.txt").write_text(
        "Авария ракеты\n\nОбломки ракеты-носителя упали в тайге после аварии.", "utf-8")
    (tmp_path / "b.txt").write_text(
        "Причины аварий\n\nКомиссия назвала причины неудачных пусков «Протона».", "utf-8")
    (tmp_path / "c.txt").write_text("Погода\n\nВ Москве снег.", "utf-8")
    # «в целом» is a set phrase: not a query word to hold
    assert reach.query_lemmas("падение обломков ракеты в целом") == [
        {"падение"}, {"обломок"}, {"ракета"}]
    rows = [{"query": "обломки ракеты", "relevant": {"a.txt": 2, "b.txt": 1}},
            {"query": "погода в Москве", "relevant": {"c.txt": 1}}]
    figures = reach.reach(rows, reach.Texts(tmp_path))
    assert figures["relevant"] == 3
    assert figures["all words"] == pytest.approx(2 / 3)  # a.txt and c.txt
    assert figures["some words"] == pytest.approx(2 / 3)  # b.txt holds none
    # the first query: a.txt alone, in first place, of an ideal a, b
    ideal = 3 + 1 / math.log2(3)
    assert figures["best, all words"] == pytest.approx((3 / ideal + 1) / 2)
