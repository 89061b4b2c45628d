"""Kazakh stems, stop words, name spellings and keyboard layout, on real Kazakh word forms.

Stems are for matching: what matters is that all forms of a word meet at one stem, that
different words do not, and that names survive in every case.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from search.analysis import kazakh
from search.analysis.kazakh import (
    EN_TO_KK,
    FAMILIES,
    KAZAKH_LAYOUT,
    KK_TO_EN,
    STOP_WORDS,
    from_kazakh_latin,
    stems,
    to_russian_spelling,
)
from search.understand.layout import EN_TO_RU


def meet(forms: list[str]) -> set[str]:
    """The stems every form shares."""
    shared = set(stems(forms[0]))
    for form in forms[1:]:
        shared &= set(stems(form))
    return shared


# ----------------------------------------------------------------------------- nouns

# (stem, forms): nominative, genitive, dative, accusative, locative, ablative, instrumental,
# in both vowel harmonies and after every kind of final sound.
CASE_TABLES = [
    # back vowels, vowel-final: 'city'
    ("қала", "қала қаланың қалаға қаланы қалада қаладан қаламен"),
    # front vowels, vowel-final: 'body'
    ("дене", "дене дененің денеге денені денеде денеден денемен"),
    # front, nasal-final: 'complex' (-нің, -ге, -ді, -де, -нен, -мен)
    ("кешен", "кешен кешеннің кешенге кешенді кешенде кешеннен кешенмен"),
    # back, nasal-final: 'person'
    ("адам", "адам адамның адамға адамды адамда адамнан адаммен"),
    # front, р-final: 'earth, land' (-дің, -ге, -ді, -де, -ден, -мен)
    ("жер", "жер жердің жерге жерді жерде жерден жермен"),
    # front, л-final: 'lake'
    ("көл", "көл көлдің көлге көлді көлде көлден көлмен"),
    # front, з-final: 'sea' (-бен after з)
    ("теңіз", "теңіз теңіздің теңізге теңізді теңізде теңізден теңізбен"),
    # back, у-final: 'mountain'
    ("тау", "тау таудың тауға тауды тауда таудан таумен"),
    # back, voiceless п: 'book' (-тың, -қа, -ты, -та, -тан, -пен)
    ("кітап", "кітап кітаптың кітапқа кітапты кітапта кітаптан кітаппен"),
    # back, voiceless қ: 'question'
    ("сұрақ", "сұрақ сұрақтың сұраққа сұрақты сұрақта сұрақтан сұрақпен"),
    # front, voiceless к: 'plant'
    ("өсімдік", "өсімдік өсімдіктің өсімдікке өсімдікті өсімдікте өсімдіктен өсімдікпен"),
]


@pytest.mark.parametrize(("stem", "forms"), CASE_TABLES, ids=[t[0] for t in CASE_TABLES])
def test_every_case_meets_the_nominative(stem: str, forms: str) -> None:
    for form in forms.split():
        assert stems(form)[0] == stem, form


# Possessive (3rd person) and plural, stacked with case; the consonant alternation к/г, қ/ғ,
# п/б before a vowel.
STACKED = [
    ("қала", "қаласы қаласының қаласына қаласын қаласында қаласынан қаласымен"),
    ("қала", "қалалар қалалардың қалаларға қалаларды қалаларда қалалардан қалалары"),
    ("қала", "қалаларының қалаларына қалаларын қалаларында"),
    ("кешен", "кешені кешенінің кешеніне кешенін кешенінде кешенінен кешенімен"),
    ("кешен", "кешендер кешендердің кешендері кешендерінің кешендеріне кешендерінде"),
    ("кітап", "кітабы кітабының кітабына кітабын кітабында кітаптары кітаптарының"),
    ("сұрақ", "сұрағы сұрағының сұрағына сұрақтары"),
    ("өсімдік", "өсімдігі өсімдігінің өсімдіктер өсімдіктердің өсімдіктері"),
    ("бәйтерек", "бәйтерегі бәйтерегінің бәйтерегіне бәйтерегінде"),
    # first person plural 'our country', and the attributive locative 'in our country'
    ("ел", "еліміз еліміздің елімізге елімізде елімізден еліміздегі"),
    # plural + our + genitive: 'of our cosmonauts'
    ("ғарышкер", "ғарышкерлеріміздің ғарышкерлерімізге ғарышкерлері"),
]


def ids(table: list[tuple[str, str]]) -> list[str]:
    return [f"{stem}-{i}" for i, (stem, _) in enumerate(table)]


@pytest.mark.parametrize(("stem", "forms"), STACKED, ids=ids(STACKED))
def test_plural_possessive_and_case_peel_to_the_stem(stem: str, forms: str) -> None:
    for form in forms.split():
        assert stem in stems(form), form


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("жылғы", "жыл"),  # '(of the) year': «1954 жылғы»
        ("қазіргі", "қазір"),  # 'present-day'
        ("сыртқы", "сырт"),  # 'outer'
        ("кейінгі", "кейін"),  # 'later'
        ("қазақстандағы", "қазақстан"),  # 'in Kazakhstan' (adj.), after the locative
    ],
)
def test_attributive_gy_peels_to_the_time_or_place(word: str, stem: str) -> None:
    assert stems(word)[0] == stem


def test_attributive_gy_follows_the_sound_before_it() -> None:
    # -қы only after a voiceless consonant: «жылқы» 'horse' is not «жыл» 'year' + -қы
    assert "жыл" not in stems("жылқы")
    assert "жылқы" in meet(["жылқы", "жылқының", "жылқылар"])


def test_a_deep_inflection_has_one_stem() -> None:
    assert stems("кешендерінде") == ("кешен",)
    assert stems("қалаларынан") == ("қала",)


@pytest.mark.parametrize(
    ("word", "possessed"),
    [
        ("ауыз", "аузы"),  # mouth
        ("мұрын", "мұрны"),  # nose
        ("халық", "халқы"),  # people
        ("ерін", "ерні"),  # lip
        ("орын", "орны"),  # place
        ("көрік", "көркі"),  # beauty
        ("дауыс", "даусы"),  # voice
    ],
)
def test_a_vowel_dropped_before_the_possessive_is_restored(word: str, possessed: str) -> None:
    assert word in stems(possessed)
    assert meet([word, possessed, possessed + ("ның" if possessed[-1] == "ы" else "нің")])


# ----------------------------------------------------------------------------- names

NAMES = {
    "байқоңыр": "Байқоңыр Байқоңырдың Байқоңырға Байқоңырды Байқоңырда Байқоңырдан Байқоңырмен",
    "бәйтерек": "Бәйтерек Бәйтеректің Бәйтерекке Бәйтеректі Бәйтеректе Бәйтеректен Бәйтерекпен",
    "атамқұлов": (
        "Атамқұлов Атамқұловтың Атамқұловқа Атамқұловты Атамқұловта Атамқұловтан Атамқұловпен"
    ),
    "қазақстан": (
        "Қазақстан Қазақстанның Қазақстанға Қазақстанды Қазақстанда Қазақстаннан "
        "Қазақстанмен Қазақстандағы"
    ),
    "алматы": "Алматы Алматының Алматыға Алматыны Алматыда Алматыдан Алматымен Алматыдағы",
    "астана": "Астана Астананың Астанаға Астананы Астанада Астанадан Астанамен",
}


@pytest.mark.parametrize("name", NAMES)
def test_a_name_meets_itself_in_every_case(name: str) -> None:
    forms = [f.lower() for f in NAMES[name].split()]
    assert name in meet(forms)


def test_a_name_is_not_cut_to_a_shorter_word() -> None:
    # «Қазақстан» ends like an ablative (-тан), «Алматы» like a possessive (-ы): the name
    # itself stays a reading
    assert "қазақстан" in stems("қазақстан")
    assert "алматы" in stems("алматы")
    assert stems("байқоңыр") == ("байқоңыр",)
    assert stems("атамқұлов") == ("атамқұлов",)


@pytest.mark.parametrize(
    ("stem", "forms"),
    [
        # Russian surnames take Kazakh endings by how they sound, in either harmony
        ("сүлейменов", "Сүлейменовтің Сүлейменовтың Сүлейменовке"),
        ("бұлқышев", "Бұлқышевтың Бұлқышевтің"),
    ],
)
def test_russian_surnames_take_endings_of_either_harmony(stem: str, forms: str) -> None:
    for form in forms.lower().split():
        assert stems(form)[0] == stem, form


# ----------------------------------------------------------------------------- loanwords

LOANS = [
    ("спутник", "спутник спутниктің спутникке спутникті спутникте спутниктен спутникпен"),
    ("спутник", "спутнигі спутниктер спутниктері спутниктеріне"),
    ("ракета", "ракета ракетаның ракетаға ракетаны ракетада ракетадан ракетамен ракеталар"),
    ("ракета", "ракетасы ракетасының ракеталары"),
    ("президент", "президенттің президентке президентті президенті"),
    ("медаль", "медальға медальді медальдың"),
    ("министр", "министрлігі министрліктің министрлер"),
]


@pytest.mark.parametrize(("stem", "forms"), LOANS, ids=ids(LOANS))
def test_russian_loanwords_inflect_with_kazakh_endings(stem: str, forms: str) -> None:
    for form in forms.split():
        assert stem in stems(form), form


# ----------------------------------------------------------------------------- verbs

VERBS = [
    # бар- 'go': present, past, participles, verbal noun, converb, negatives, 'when he went'
    ("бар", "барады барды барған баратын бару барып бармады бармайды бармаған барғанда"),
    # кел- 'come' (front)
    ("кел", "келеді келді келген келетін келу келіп келмеді келмейтін"),
    # ұшыр- 'launch': a press release's verb, the passive too
    ("ұшыр", "ұшырады ұшырды ұшырған ұшыратын ұшыру ұшырып ұшырылды ұшырылған"),
    # verbs in a vowel: present -йды, past -ды
    ("ата", "атайды атады атаған атау атауы аталады аталған"),
    ("зертте", "зерттейді зерттеді зерттеген зерттеу зерттейтін зерттелген"),
    # verbs in -й: й + у is written ю
    ("көбей", "көбейеді көбейді көбейген көбею көбеюі"),
    # verbs in -ы fuse with the ending (оқы + йды = оқиды, оқы + у = оқу)
    ("оқ", "оқиды оқыды оқыған оқу оқитын"),
    # п/б alternation in a verb: тап- 'find'
    ("тап", "табады тапты табу тапқан"),
]


@pytest.mark.parametrize(("stem", "forms"), VERBS, ids=[v[0] for v in VERBS])
def test_verb_forms_meet_at_the_verb_stem(stem: str, forms: str) -> None:
    for form in forms.split():
        assert stem in stems(form), form


@pytest.mark.parametrize(
    ("form", "lexeme"),
    [
        ("беруі", "беру"),  # verbal noun 'giving' in the possessive: a word of its own too
        ("орналасқан", "орналасқан"),  # participle 'located'
        ("қазақстандықтар", "қазақстандық"),  # derived adjective, then its root
        ("тіршілігі", "тіршілік"),
    ],
)
def test_a_derived_word_keeps_its_own_stem_beside_the_root(form: str, lexeme: str) -> None:
    assert lexeme in stems(form)


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("қазақстандық", "қазақстан"),  # -дық 'of'
        ("денелі", "дене"),  # -лі 'having'
        ("сусыз", "су"),  # -сыз 'without'
        ("балықшы", "балық"),  # -шы 'one who works with'
        ("тұқымдас", "тұқым"),  # -дас 'of the same'
        ("өндіріс", "өндір"),  # -іс 'the doing of'
        ("пайдаланды", "пайда"),  # -лан 'make a verb of'
    ],
)
def test_derivation_gives_the_root_as_a_further_reading(word: str, root: str) -> None:
    assert root in stems(word)
    assert stems(word)[0] != root or word == root


# ----------------------------------------------------------------------------- not over-stemmed

@pytest.mark.parametrize(
    "word",
    [
        "су", "ай", "ел", "үй", "жер", "тау", "адам", "ғылым", "білім", "қала", "бала", "алма",
        "кітап", "мектеп", "ракета", "мемлекет", "қажет", "ғарыш", "зымыран", "жамбыл",
        "астана", "халық", "биік",
    ],
)
def test_roots_are_left_whole(word: str) -> None:
    # «адам» is not ада + -м, «кітап» not кіта + -п, «мемлекет» not мемлеке + -т
    assert stems(word) == (word,)


@pytest.mark.parametrize(
    "word",
    ["пайда", "канада", "алтын", "өнеркәсіп", "дәрумен", "математика", "мағына", "жылы"],
)
def test_words_that_merely_end_like_a_suffix_stay_a_reading(word: str) -> None:
    # «пайда» 'benefit' ends like a locative, «алтын» 'gold' like a possessed accusative,
    # «дәрумен» 'vitamin' like an instrumental
    assert word in stems(word)


def test_a_root_ending_like_a_suffix_still_meets_its_inflected_forms() -> None:
    assert "алтын" in meet(["алтын", "алтынның", "алтынды", "алтыны"])
    assert "өнеркәсіп" in meet(["өнеркәсіп", "өнеркәсібі", "өнеркәсіптің"])
    assert "пайда" in meet(["пайда", "пайдасы", "пайдасын"])


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("мемлекеттің", "мемлекет"),  # not мемлек + -етін
        ("мемлекетін", "мемлекет"),
        ("жамбылдың", "жамбыл"),  # not a passive verb жамб-ыл
        ("көлемін", "көлем"),  # not көле + -мін 'I am'
        ("жұмысы", "жұмыс"),  # -ы after с, not -сы after жұмы
        ("ауылы", "ауыл"),  # -ы after л, not -лы 'having'
    ],
)
def test_the_noun_reading_is_kept_where_a_verb_or_longer_suffix_fits_too(
    one: str, other: str
) -> None:
    assert other in stems(one)


def test_function_words_are_not_stemmed() -> None:
    # «онда» 'there' is not «он» 'ten' + -да; «мен» 'and, I' is not stemmed
    for word in ("онда", "оның", "одан", "мен", "бұл", "үшін", "туралы", "бойынша"):
        assert stems(word) == (word,)


@pytest.mark.parametrize("word", ["", "15", "2016ж", "nasa", "союз-2.1б", "x" * 80, "ә" * 100])
def test_other_input_comes_back_as_it_is(word: str) -> None:
    assert stems(word) == (word,)


def test_hyphenated_words_peel_their_last_part() -> None:
    assert "оңтүстік-батыс" in stems("оңтүстік-батысында")
    assert stems("ракеты-носители") == ("ракеты-носители",)


# ----------------------------------------------------------------------------- stop words

@pytest.mark.parametrize(
    "word",
    ["және", "мен", "бен", "пен", "да", "де", "та", "те", "үшін", "туралы", "бойынша", "ал",
     "бірақ", "немесе", "арқылы", "қандай", "бұл", "ол", "деп"],
)
def test_function_words_are_stop_words(word: str) -> None:
    assert word in STOP_WORDS


@pytest.mark.parametrize(
    "word", ["ғарыш", "ракета", "жер", "су", "жыл", "спутник", "ұшыру", "бір", "бар", "ақ"]
)
def test_content_words_are_not_stop_words(word: str) -> None:
    assert word not in STOP_WORDS


# ----------------------------------------------------------------------------- lexicon

def lexicon(text: str) -> Callable[[str], bool]:
    """A corpus vocabulary as the index gives it: a hashable membership test."""
    return frozenset(text.split()).__contains__


def test_the_lexicon_drops_stems_the_corpus_never_shows() -> None:
    known = lexicon("халық халықтың халқы ел")
    assert stems("халқы", known) == ("халық",)
    # the possessed form is no root: no «кешеніде», «кешеніге» in the corpus
    known = lexicon("кешен кешені кешенінің кешенде")
    assert stems("кешені", known) == ("кешен",)


def test_the_lexicon_keeps_a_name_that_ends_like_a_case() -> None:
    known = lexicon("қазақстан қазақстанның")
    assert stems("қазақстан", known) == ("қазақстан",)
    assert stems("қазақстанда", known) == ("қазақстан",)


def test_the_lexicon_confirms_an_ambiguous_converb() -> None:
    # -п after a vowel ends «кітап» and «мектеп»: peeled only when the corpus attests the stem
    assert stems("жасап") == ("жасап",)
    assert "жаса" in stems("жасап", lexicon("жасау жасады"))
    assert stems("кітап", lexicon("кітаптар кітабы")) == ("кітап",)


def test_the_lexicon_confirms_a_passive_that_a_noun_reading_hides() -> None:
    # «зерттелді» 'was studied' might be a noun «зерттел» + accusative, as «мысалды» is
    # «мысал» + accusative: the root is a reading when the corpus has the verb
    assert "зертте" not in stems("зерттелді")
    assert "зертте" in stems("зерттелді", lexicon("зерттеу зерттеді"))
    assert "мыса" not in stems("мысалды", lexicon("мысал мысалы"))


def test_the_lexicon_may_be_any_membership_test() -> None:
    vocabulary = {"халық", "халқы"}
    assert stems("халқы", vocabulary.__contains__) == ("халық",)  # an unhashable bound method


def test_a_family_can_be_switched_off() -> None:
    assert stems("қалада", families=FAMILIES - {"case"}) == ("қалада",)
    assert stems("бәйтерегі", families=FAMILIES - {"alternation"})[0] == "бәйтерег"
    assert stems("қалада")[0] == "қала"


# ----------------------------------------------------------------------------- spellings

@pytest.mark.parametrize(
    ("kazakh", "russian"),
    [
        ("байқоңыр", "байконур"),
        ("бәйтерек", "байтерек"),
        ("атамқұлов", "атамкулов"),
        ("қазақстан", "казахстан"),
        ("қазақстандық", "казахстандык"),
        ("алматы", "алматы"),
        ("қарағанды", "караганда"),
        ("жезқазған", "жезказган"),
        ("өскемен", "оскемен"),
        ("шымкент", "шымкент"),
    ],
)
def test_kazakh_names_in_russian_spelling(kazakh: str, russian: str) -> None:
    assert to_russian_spelling(kazakh) == russian


@pytest.mark.parametrize(
    ("kazakh_form", "russian_form"),
    [("Байқоңырдан", "Байконурдан"), ("Бәйтерегі", "Байтерегі"), ("Атамқұловқа", "Атамкуловқа")],
)
def test_both_spellings_of_a_name_in_kazakh_text_meet_in_russian_spelling(
    kazakh_form: str, russian_form: str
) -> None:
    # Kazakh text spells a name either way; the index keeps each stem's Russian spelling,
    # which is also what a Russian query for the name finds
    kazakh_terms = {to_russian_spelling(s) for s in stems(kazakh_form.lower())}
    russian_terms = {to_russian_spelling(s) for s in stems(russian_form.lower())}
    assert kazakh_terms & russian_terms


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("bäiterek", "бәйтерек"),
        ("qazaqstan", "қазақстан"),
        ("baiqoñyr", "байқоңыр"),
        ("atamqūlov", "атамқұлов"),
        ("ğaryş", "ғарыш"),
        ("ülken", "үлкен"),
        ("bır", "бір"),
    ],
)
def test_kazakh_latin_alphabet_reads_as_cyrillic(latin: str, cyrillic: str) -> None:
    assert from_kazakh_latin(latin) == cyrillic


def test_kazakh_latin_letters_are_what_the_transliteration_table_lacks() -> None:
    from search.understand.translit import LATIN_TO_CYRILLIC

    table = kazakh.KAZAKH_LATIN_TO_CYRILLIC
    assert set("äöüūğñış").isdisjoint(LATIN_TO_CYRILLIC)
    assert set("äöüūğñış") <= set(table)
    assert "қ" in table["q"] and "қ" not in LATIN_TO_CYRILLIC["q"]
    assert all(ch in kazakh.KAZAKH_LETTERS for ch in (table[c][0] for c in "äöüūğñı"))


# ----------------------------------------------------------------------------- keyboard

@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (",fq0j4sh", "байқоңыр"),  # Байқоңыр typed with the English layout on
        ("5fhsi", "ғарыш"),
        ("8krty", "үлкен"),
        ("0fpf0", "қазақ"),
        ("3cnfy", "істан"),
    ],
)
def test_english_keys_read_as_the_kazakh_layout(typed: str, meant: str) -> None:
    assert typed.translate(EN_TO_KK) == meant


def test_kazakh_letters_sit_on_the_digit_row() -> None:
    digits = {key: KAZAKH_LAYOUT[key] for key in "234589" + "0-="}
    assert digits == {
        "2": "ә", "3": "і", "4": "ң", "5": "ғ", "8": "ү", "9": "ұ", "0": "қ", "-": "ө", "=": "һ",
    }
    assert KAZAKH_LAYOUT["@"] == "Ә" and KAZAKH_LAYOUT[")"] == "Қ"


def test_the_letter_keys_are_the_russian_layout() -> None:
    for key in "qwertyuiop[]asdfghjkl;'zxcvbnm,.":
        assert key.translate(EN_TO_KK) == key.translate(EN_TO_RU), key


def test_kazakh_text_reads_back_as_the_keys_typed() -> None:
    assert "байқоңыр".translate(KK_TO_EN) == ",fq0j4sh"
    assert "Қазақстан".translate(KK_TO_EN) == ")fpf0cnfy"
    # punctuation typed on the Kazakh layout was meant as itself
    assert "«Союз», 2024.".translate(KK_TO_EN).endswith(", 2024.")
