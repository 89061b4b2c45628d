"""Understanding what people meant: wrong layout, typos, Latin↔Cyrillic names, synonyms and
abbreviations, autocomplete. On the small hand-made corpus of understand_corpus.py."""

from __future__ import annotations

import time
from bisect import bisect_left
from pathlib import Path

import pytest
from searching import plain_engine, search
from understand_corpus import (
    BAIKONUR,
    BAIKONUR_2,
    BAIKONYR,
    CARRIER,
    FALCON,
    ISS_ABBREV,
    ISS_LATIN,
    ISS_SPELLED,
    NASA_EN,
    ROGOZIN,
    SATELLITE,
    SOYUZ_EN,
    build,
    write_corpus,
)

from search.engine import Engine
from search.errors import IndexMissing, QueryError, SynonymError
from search.index import (
    Strings,
    Vocabulary,
    current_generation,
    open_generation,
    read_vocabulary,
    reindex,
)
from search.query import Group, highlighter_for, parse_query
from search.understand import (
    SYNONYMS_PATH,
    Suggester,
    Synonyms,
    build_suggester,
    distance,
    expand,
    load_synonyms,
    parse_entries,
    skeleton,
    suggest,
    switch_layout,
    tables,
    to_cyrillic,
    to_latin,
    understanding_for,
)
from search.understand.spelling import SkeletonIndex


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build(tmp_path_factory.mktemp("understand"))


@pytest.fixture(scope="module")
def engine(index_dir):
    engine = Engine(index_dir)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def plain(index_dir):
    """The same index searched without understanding: no synonyms, no corrections."""
    engine = plain_engine(index_dir)
    yield engine
    engine.close()


def understood(engine: Engine, q: str, **params):
    """The search the page makes: corrections on unless ``correct=False``."""
    params.setdefault("correct", True)
    return search(engine, q, **params)


def ids(result) -> list[str]:
    return [h.id for h in result.hits]


# --- wrong keyboard layout ---------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("rjcvjlhjv ,fqrjyeh", "космодром байконур"),  # Russian typed on the English layout
        ("ифшлщтгк", "baikonur"),  # and the other way round
        ("байконур pfgecr", "байконур запуск"),  # mixed: word by word
        ("rjcvjlhjv yf ,fqrjyeh", "космодром на байконур"),  # a function word goes along
        ("cgenybr b rjcvjlhjv", "спутник и космодром"),  # a one-letter one too
    ],
)
def test_query_typed_in_the_wrong_layout_is_switched_and_said_so(engine, plain, typed, meant):
    result = understood(engine, typed)
    assert result.correction.to_dict() == {
        "original": typed, "corrected": meant, "kind": "layout", "applied": True,
    }
    assert result.query == typed
    assert result.total > 0 and search(plain, typed).total < result.total


def test_switched_layout_finds_what_the_meant_query_finds(engine, plain):
    assert ids(understood(engine, "rjcvjlhjv ,fqrjyeh"))[:3] == ids(
        understood(engine, "космодром байконур")
    )[:3]


@pytest.mark.parametrize(
    "typed", ["NASA", "ISS", "Falcon 9", "Baikonur", "Soyuz", "байконыр", "телескоп хабл"]
)
def test_queries_fine_as_typed_are_not_switched(engine, plain, typed):
    assert understood(engine, typed).correction is None


def test_layout_tables_are_each_others_inverse():
    assert switch_layout("rjcvjc") == "космос"
    assert switch_layout("ифшлщтгк") == "baikonur"
    assert switch_layout(",fqrjyeh") == "байконур"
    assert switch_layout("Falcon 9") == "Афдсщт 9"
    assert switch_layout("12") is None
    assert switch_layout("mixed смесь") is None


# --- did you mean ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("космадром", "космодром"),
        ("космадрома", "космодрома"),  # the typed inflection is kept
        ("байкнур", "байконур"),
        ("раскосмос", "роскосмос"),
        ("спутнек", "спутник"),
        ("Спутнек", "Спутник"),  # and so is the capital
    ],
)
def test_misspelled_word_is_corrected_when_nothing_is_found(engine, plain, typed, meant):
    assert search(plain, typed).total == 0
    result = understood(engine, typed)
    assert result.correction.to_dict() == {
        "original": typed, "corrected": meant, "kind": "spelling", "applied": True,
    }
    assert result.total > 0


def test_correction_is_only_offered_when_the_query_finds_something(engine, plain):
    typed = "космадром байконур"
    as_typed = search(plain, typed)
    result = understood(engine, typed)
    assert result.correction.to_dict() == {
        "original": typed, "corrected": "космодром байконур", "kind": "spelling",
        "applied": False,
    }
    assert set(ids(result)) >= set(ids(as_typed))  # the results are the query's own


@pytest.mark.parametrize("typed", ["байконыр", "Байконыр", "космодромом", "спутники"])
def test_words_of_the_index_are_never_corrected(engine, plain, typed):
    assert understood(engine, typed).correction is None


def test_words_of_the_language_are_not_corrected_into_others(engine, plain):
    # «насколько» is in no document, but it is a Russian word, not a typo of «несколько»
    result = understood(engine, "насколько")
    assert result.correction is None and result.total == 0


def test_exact_forms_and_prefixes_are_taken_as_typed(engine, plain):
    assert understood(engine, "=космадром").correction is None
    assert understood(engine, "космадр*").correction is None


def test_query_syntax_survives_a_correction(engine, plain):
    fixed = understood(engine, "title:космадром")
    assert fixed.correction.corrected == "title:космодром" and fixed.total > 0
    assert understood(engine, "байконур -космадром").correction is None
    either = understood(engine, "космадром OR байкнур")
    assert either.correction.corrected == "космодром OR байконур"


def test_nothing_to_correct_into_leaves_the_empty_result(engine, plain):
    result = understood(engine, "щщщжжжыыы")
    assert result.total == 0 and result.correction is None


def test_weighted_distance_makes_vowel_slips_cheap():
    assert distance("космадром", "космодром") == 0.5
    assert distance("байкнур", "байконур") == 1.0
    assert distance("спутник", "спутник") == 0.0
    assert distance("ракета", "ракетка") == 1.0


# --- Latin ↔ Cyrillic --------------------------------------------------------------------


def test_latin_name_finds_the_cyrillic_spelling(engine, plain):
    result = understood(engine, "Rogozin")
    assert search(plain, "Rogozin").total == 0
    assert ids(result) == [ROGOZIN]
    assert result.correction.to_dict() == {
        "original": "Rogozin", "corrected": "Рогозин", "kind": "translit", "applied": True,
    }


def test_name_in_either_script_finds_both(engine, plain):
    assert {BAIKONUR, BAIKONUR_2, SOYUZ_EN} <= set(ids(understood(engine, "Baikonur")))
    assert {BAIKONUR, BAIKONUR_2, SOYUZ_EN} <= set(ids(understood(engine, "Байконур")))


def test_matches_in_the_typed_script_rank_first(tmp_path):
    write_corpus(tmp_path / "corpus", {
        "ru.txt": "Байконур готовится к пуску\n\nНа космодроме Байконур готовят ракету.\n",
        "en.txt": "Baikonur готовится к пуску\n\nНа космодроме Baikonur готовят ракету.\n",
    })
    reindex(tmp_path / "corpus", tmp_path / "index", full=True)
    engine = Engine(tmp_path / "index")
    assert ids(understood(engine, "Байконур")) == ["ru.txt", "en.txt"]
    assert ids(understood(engine, "Baikonur")) == ["en.txt", "ru.txt"]


def test_added_spellings_weigh_less_than_the_words_typed(engine, plain):
    with engine.snapshot() as snapshot:
        u = understanding_for(snapshot, exact=True)
        unit = expand(parse_query("Rogozin"), "Rogozin", snapshot, u, load_synonyms()).units[0]
    assert unit[0].text == "rogozin" and unit[0].boost == 1.0
    assert [(n.text, n.boost <= 0.7) for n in unit[1:]] == [("рогозин", True)]


@pytest.mark.parametrize("typed, other", [("Soyuz", BAIKONUR), ("Союз", SOYUZ_EN)])
def test_soyuz_in_one_script_finds_the_other(engine, plain, typed, other):
    assert other in ids(understood(engine, typed))


def test_searching_exactly_what_was_typed_skips_corrections(engine, plain):
    result = understood(engine, "Rogozin", correct=False)
    assert result.total == 0 and result.correction is None
    assert understood(engine, "rjcvjlhjv", correct=False).total == 0


@pytest.mark.parametrize(
    "latin, cyrillic",
    [
        ("baikonur", "байконур"), ("baykonur", "байконур"), ("roscosmos", "роскосмос"),
        ("roskosmos", "роскосмос"), ("rogozin", "рогозин"), ("soyuz", "союз"),
        ("soiuz", "союз"), ("khrushchev", "хрущев"), ("hrushchev", "хрущев"),
        ("zhukovsky", "жуковский"), ("vostochny", "восточный"), ("yuri", "юрий"),
        ("tsiolkovsky", "циолковский"), ("korolyov", "королев"), ("energiya", "энергия"),
        ("energia", "энергия"), ("shchukin", "щукин"), ("iakutsk", "якутск"),
    ],
)
def test_transliteration_covers_the_common_systems(latin, cyrillic):
    vocab = {cyrillic}

    def has_prefix(p: str) -> bool:
        return cyrillic.startswith(p)

    assert to_cyrillic(latin, has_prefix, vocab.__contains__) == [cyrillic]


@pytest.mark.parametrize(
    "cyrillic, latin",
    [("байконур", "baikonur"), ("байконур", "baykonur"), ("роскосмос", "roscosmos"),
     ("союз", "soyuz"), ("хрущёв", "khrushchev"), ("якутск", "yakutsk")],
)
def test_cyrillic_to_latin_tries_every_common_spelling(cyrillic, latin):
    assert to_latin(cyrillic, latin.startswith, {latin}.__contains__) == [latin]


# --- synonyms and abbreviations ----------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["МКС", "мкс", "ISS", "Международная космическая станция",
     "Международной космической станции", "международную космическую станцию"],
)
def test_any_name_of_the_station_finds_all_its_names(engine, plain, typed):
    assert {ISS_SPELLED, ISS_ABBREV, ISS_LATIN} <= set(ids(understood(engine, typed)))


def test_words_as_typed_rank_above_their_synonyms(engine, plain):
    assert ids(understood(engine, "МКС"))[0] == ISS_ABBREV
    assert ids(understood(engine, "ISS"))[0] == ISS_LATIN


@pytest.mark.parametrize(
    "typed, found",
    [("НАСА", NASA_EN), ("РН", CARRIER), ("КА", CARRIER), ("Байконыр", BAIKONUR),
     ("Roscosmos", ROGOZIN)],
)
def test_abbreviations_and_spellings_of_the_dictionary(engine, plain, typed, found):
    result = understood(engine, typed)
    assert found in ids(result)
    assert result.correction is None  # found through the dictionary: nothing was corrected


def test_an_abbreviations_expansion_is_marked_only_where_it_stands_whole(engine):
    synonyms = Synonyms(parse_entries(
        "НАСА = Национальное управление по аэронавтике и исследованию космического "
        "пространства"))
    with engine.snapshot() as snapshot:
        parsed = expand(parse_query("НАСА"), "НАСА", snapshot, None, synonyms, translit=False)
    text = ("Глава НАСА выступил. В Национальном управлении по аэронавтике и исследованию "
            "космического пространства ждут полёта по орбите и выхода в открытый космос; "
            "управление и космического мусора не касается.")
    assert highlighter_for(parsed).mark(text) == (
        "Глава <mark>НАСА</mark> выступил. В <mark>Национальном</mark> <mark>управлении</mark> "
        "<mark>по</mark> <mark>аэронавтике</mark> <mark>и</mark> <mark>исследованию</mark> "
        "<mark>космического</mark> <mark>пространства</mark> ждут полёта по орбите и выхода "
        "в открытый космос; управление и космического мусора не касается."
    )


@pytest.mark.parametrize("typed", ['"МКС"', "=МКС", '"Международной космической станции"'])
def test_quoted_phrases_and_exact_forms_are_not_expanded(engine, plain, typed):
    found = set(ids(understood(engine, typed)))
    assert ISS_LATIN not in found and found == set(ids(search(plain, typed)))


def test_function_word_names_an_abbreviation_only_in_capitals(engine):
    synonyms = Synonyms(parse_entries("ПРО = противоракетная оборона"))
    assert synonyms.match_at(["про"], 0) is not None  # the dictionary matches by form…

    def expanded(q: str) -> Group:
        with engine.snapshot() as snapshot:
            return expand(parse_query(q), q, snapshot, None, synonyms, translit=False)

    assert all(len(unit) == 1 for unit in expanded("рассказ про луну").units)  # …the query decides
    assert len(expanded("ПРО").units[0]) == 2


def test_abbreviations_match_by_form_and_words_by_lemma():
    synonyms = Synonyms(parse_entries("РАН = Российская академия наук\nРН = ракета-носитель"))
    assert synonyms.match_at(["раны"], 0) is None  # wounds, not the Academy
    assert synonyms.match_at(["российской", "академии", "наук"], 0).end == 3
    assert synonyms.match_at(["ракеты-носителя"], 0) is not None


def test_dictionary_format(tmp_path):
    entries = parse_entries(
        "# a comment\n\nМКС = Международная космическая станция = ISS  # trailing comment\n"
        "Госкорпорация «Роскосмос» = Роскосмос\n"
    )
    assert [e.variants for e in entries] == [
        (("мкс",), ("международная", "космическая", "станция"), ("iss",)),
        (("госкорпорация", "роскосмос"), ("роскосмос",)),
    ]
    with pytest.raises(SynonymError, match="line 2"):
        parse_entries("МКС = ISS\nодинокое слово\n")


def test_shipped_dictionary_has_the_domain_entries():
    synonyms = load_synonyms(SYNONYMS_PATH)
    assert len(synonyms) >= 80
    named = {v for e in synonyms.entries for v in e.variants}
    for variant in [("мкс",), ("наса",), ("ека",), ("esa",), ("крк",), ("рн",), ("ка",),
                    ("мка",), ("цуп",), ("гкнпц",), ("ркк", "энергия"), ("байконыр",)]:
        assert variant in named


# --- autocomplete ------------------------------------------------------------------------


def test_suggestions_complete_words_and_title_phrases(engine, plain):
    found = engine.suggest("косм", wait=True)
    assert found and len(found) <= 10 and all(s.lower().startswith("косм") for s in found)
    assert engine.suggest("космодром б", wait=True) == [
        "Космодром Байконур отмечает годовщину первого запуска"  # a title
    ]
    assert engine.suggest("", wait=True) == [] and engine.suggest("   ", wait=True) == []


def test_phrases_recurring_in_titles_are_suggested(tmp_path):
    write_corpus(tmp_path / "corpus", {
        f"{n}.txt": f"Запуск ракеты «Союз» номер {n}\n\nТекст {n}.\n" for n in range(3)
    })
    reindex(tmp_path / "corpus", tmp_path / "index", full=True)
    engine = Engine(tmp_path / "index")
    found = engine.suggest("запуск р", wait=True)
    assert found[0] == "запуск ракеты" and "запуск ракеты союз" in found


def test_suggestions_follow_a_reindex(tmp_path):
    write_corpus(tmp_path / "corpus", {"a.txt": "Космонавты вернулись\n\nКосмонавты дома.\n"})
    reindex(tmp_path / "corpus", tmp_path / "index", full=True)
    engine = Engine(tmp_path / "index")
    assert not any("космодром" in s for s in engine.suggest("косм", wait=True))
    write_corpus(tmp_path / "corpus", {"b.txt": "Космодром готов\n\nКосмодром готов к пуску.\n"})
    reindex(tmp_path / "corpus", tmp_path / "index")
    assert "Космодром готов" in engine.suggest("косм", wait=True)


def test_after_a_reindex_keystrokes_get_the_old_completions_until_the_new_are_built(tmp_path):
    write_corpus(tmp_path / "corpus", {"a.txt": "Космонавты вернулись\n\nКосмонавты дома.\n"})
    reindex(tmp_path / "corpus", tmp_path / "index", full=True)
    engine = Engine(tmp_path / "index")
    deadline = time.monotonic() + 30
    while not engine.suggest("косм"):  # the first build runs in the background
        assert time.monotonic() < deadline
        time.sleep(0.05)
    write_corpus(tmp_path / "corpus", {"b.txt": "Космодром готов\n\nКосмодром готов к пуску.\n"})
    reindex(tmp_path / "corpus", tmp_path / "index")
    seen = engine.suggest("косм")
    assert "Космонавты вернулись" in seen  # never nothing while the new ones are built
    while "Космодром готов" not in seen:
        assert time.monotonic() < deadline
        time.sleep(0.05)
        seen = engine.suggest("косм")


def test_a_warmed_up_index_completes_the_first_keystroke(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "FIRST_WAIT_SECONDS", 0.0)  # a keystroke never waits
    corpus = {"a.txt": "Космонавты вернулись\n\nКосмонавты дома.\n"}
    for name in ("cold", "warm"):
        write_corpus(tmp_path / name / "corpus", corpus)
        reindex(tmp_path / name / "corpus", tmp_path / name / "index", full=True)
    warm = Engine(tmp_path / "warm" / "index")
    warm.warm_up()  # what the server does as it starts
    assert warm.suggest("косм") == ["Космонавты вернулись"]
    assert Engine(tmp_path / "cold" / "index").suggest("косм") == []  # building


def test_tables_built_by_a_child_process_equal_those_built_here(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "12345")  # the child hashes strings unlike this one
    write_corpus(tmp_path / "corpus", {
        f"{n}.txt": f"Запуск ракеты «Союз» номер {n}\n\nКосмодром Байконур.\n" for n in range(3)
    })
    reindex(tmp_path / "corpus", tmp_path / "index", full=True)
    gen = current_generation(tmp_path / "index")
    elsewhere = tables.suggesters.build_in_child(gen)
    with open_generation(gen) as snapshot:
        here = build_suggester(snapshot)
    for prefix in ("запуск р", "косм", "союз"):
        assert elsewhere.complete(prefix) == here.complete(prefix) != []
    tables_built = tables.understandings.build_in_child(gen)
    assert tables_built.vocab.count("байконур") == 3 and "запуск" in tables_built.vocab
    assert suggest("байканур", tables_built.vocab, tables_built.skeletons).word == "байконур"
    with pytest.raises(IndexMissing):  # the child's error comes back to the caller
        tables.suggesters.build_in_child(tmp_path / "no-such-generation")


def test_suggester_ranks_by_weight_and_answers_big_ranges_from_precomputed_picks():
    items = [(f"к{i:05d}", f"к{i:05d}", float(i)) for i in range(5000)]
    suggester = Suggester(items + [("космос", "космос", 10_000.0)])
    assert suggester.complete("к", 3) == ["космос", "к04999", "к04998"]
    assert suggester.complete("к0499", 2) == ["к04999", "к04998"]


# --- the vocabulary ----------------------------------------------------------------------


def test_compact_tables_answer_like_the_lists_they_replace():
    words = sorted(["байконур", "байконура", "восточный", "космодром", "мкс", "ёлка", "roscosmos"])
    table = Strings(words)
    assert list(table) == words and len(table) == len(words)
    assert table[-1] == words[-1] and table[1:3] == words[1:3]
    assert bisect_left(table, "космос") == bisect_left(words, "космос")
    vocab = Vocabulary({w: n for n, w in enumerate(words, 1)})
    assert [vocab.count(w) for w in words] == [words.index(w) + 1 for w in words]
    assert vocab.count("космос") == 0 and "космос" not in vocab and "мкс" in vocab
    assert vocab.prefix_range("байкон") == (words.index("байконур"), words.index("байконура") + 1)
    assert list(vocab.items())[0] == (words[0], 1)
    skeletons = SkeletonIndex(vocab)
    assert skeletons.get(skeleton("байканур")) == ["байконур"]  # a vowel slip finds the form


def test_vocabulary_counts_documents_per_form(engine, plain):
    with engine.snapshot() as snapshot:
        vocab = read_vocabulary(snapshot)
    assert vocab.count("байконур") == 2  # two Russian releases; «Baikonur» is another form
    assert vocab.count("baikonur") == 1
    assert vocab.count("на") == 0  # function words are not in the exact field
    assert vocab.has_prefix("космод") and not vocab.has_prefix("космадр")


def test_errors_are_the_engines(engine, plain):
    with pytest.raises(QueryError):
        understood(engine, "   ")
    with pytest.raises(QueryError):
        understood(engine, "космос", page=0)


def test_other_fixture_ids_exist(engine):
    for doc_id in (BAIKONYR, FALCON, SATELLITE):
        assert engine.document(doc_id) is not None


def test_module_has_no_side_effects_on_plain_search(engine, plain):
    # the understanding layer only wraps search(): the engine's own answer is unchanged
    assert search(plain, "Rogozin").total == 0
    assert Path(SYNONYMS_PATH).is_file()
