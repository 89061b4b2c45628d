"""Kazakh words for search: stems of inflected words, function words, Russian and Latin
spellings of names, and the Kazakh keyboard layout.

Kazakh is agglutinative: a word is a stem followed by suffixes in a fixed order,

    noun:  stem + derivation + plural + possessive + case + personal ending
           «кешен-дер-і-нде» 'in its complexes', «ел-іміз-де» 'in our country'
    verb:  stem + voice + negation + tense, participle or verbal noun (+ the noun layers)
           «ата-л-ады» 'is called', «бар-ма-ған-дық-тан» 'because (he) did not go'

and every suffix has variants chosen by what precedes it: back or front vowels (vowel
harmony: «-лар» after «қала», «-лер» after «кешен») and a first consonant that follows the
stem's last sound (after vowels, sonorants, nasals, voiced or voiceless consonants: genitive
«-ның» in «қаланың», «-дың» in «жердің», «-тың» in «кітаптың»). :func:`stems` reads a word
from its end and peels suffixes in that order, accepting a variant only where it fits the
sound before it; the rules are below, grouped by family, each family named so that it can be
switched off (``families=``) to measure what it adds.

Stems are for matching, not dictionary forms: all forms of a word meet at one stem
(«Байқоңыр», «Байқоңырда», «Байқоңырдың» → «байқоңыр»), and where a word may be read in
several ways each reading's stem is returned, to be indexed at one position:

- first, the stem under the longest ending of inflection and verb suffixes, and under the
  longest noun ending when that differs («мемлекет-і-н» beside «мемлек-етін»); the same
  suffixes read one letter later where a stem may end there («жұмыс-ы» beside «жұмы-сы»);
- then the roots that derivation and voice lead to («қазақстандық» → «қазақстан»,
  «аталады» → «ата»), never first: a derived word is a word of its own;
- and the less peeled word where the roots of the language end like a suffix («тері»
  'skin' beside «тер-і» 'his sweat', «Қазақстан» beside «Қазақс-тан»).

A stem ending in б/г/ғ gets its dictionary consonant back («Бәйтерегі» → «бәйтерек»), and a
vowel dropped before a possessive is restored («халқы» → «халық»). With ``known`` (does a
word occur in the corpus?) only the readings whose stem the corpus attests, as a word or
inflected as a stem would be, are kept (when any is).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import _lru_cache_wrapper, lru_cache

from ..caching import register

# ----------------------------------------------------------------------------- sounds

VOWELS = frozenset("аәеёиоөуұүыіэюя")
_BACK = frozenset("аоұыя")
_FRONT = frozenset("әөүіеэ")
KAZAKH_LETTERS = frozenset("әғқңөұүһі")  # letters Russian does not have
_CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя") | KAZAKH_LETTERS

# The sound class of a stem's last letter chooses a suffix's first consonant:
#   V vowel; R sonorants р й у (у, и, ю also close a syllable like й: «тауға», «судың»);
#   L л; Z voiced ж з; N nasals м н ң; U voiceless consonants. Loanwords end in б в г д ғ,
#   which Kazakh treats as voiceless or voiced, so both are allowed after them.
_CLASSES: dict[str, str] = {
    **{v: "V" for v in VOWELS},
    "у": "VR", "и": "VR", "ю": "VR",
    "р": "R", "й": "R", "л": "L", "ж": "Z", "з": "Z", "м": "N", "н": "N", "ң": "N",
    **{c: "U" for c in "кқпстфхцчшщһ"},
    **{c: "UZ" for c in "бвгдғ"},
}
ANY = "VRLZNU"
CONSONANT = "RLZNU"

# A stem's last б, г, ғ stands for п, к, қ when a vowel follows («кітап» / «кітабы»,
# «Бәйтерек» / «Бәйтерегі», «сұрақ» / «сұрағы»): Kazakh words never end in б, г, ғ.
_DEVOICE = {"б": "п", "г": "к", "ғ": "қ"}


def _sound(stem: str) -> str:
    """Sound classes of the stem's last letter (a soft or hard sign defers to the letter
    before it)."""
    last = stem.rstrip("ьъ")[-1:]
    return _CLASSES.get(last, "")


# Letters of Russian loanwords: their harmony is free («медальға», «Сүлейменовтің»,
# «Бұлқышевтың»): Kazakh endings follow how the word is said, not its last vowel.
_LOAN_LETTERS = frozenset("вфхцчщъьёэ")


def _harmony(stem: str) -> str:
    """"back", "front" or "any" (the last vowel is у, и, ю, ё, or there is none, or the word
    is a Russian loan: «спутник», «медаль» take front or back endings)."""
    if any(ch in _LOAN_LETTERS for ch in stem):
        return "any"
    for ch in reversed(stem):
        if ch in _BACK:
            return "back"
        if ch in _FRONT:
            return "front"
        if ch in VOWELS:
            return "any"
    return "any"


# Vowels that end an open syllable (у, и, ю also close one, like й).
_OPEN = VOWELS - set("уию")


def _has_vowel(text: str) -> bool:
    return any(ch in VOWELS for ch in text)


# ----------------------------------------------------------------------------- suffixes

# Template slots, outermost first. A suffix may only be peeled inside (after) the ones
# already peeled, so «-да» (case) is never looked for inside «-лар» (plural).
PERSON, CASE, POSSESSIVE, PLURAL, DERIVATION, VERB, NEGATION, VOICE, VERBALIZER = range(9)

FAMILIES = frozenset(
    {
        "person", "case", "possessive", "plural", "derivation", "verb", "negation", "voice",
        "alternation", "elision",
    }
)
_INFLECTION = {PERSON, CASE, POSSESSIVE, PLURAL}
_NOMINAL = {CASE, POSSESSIVE, PLURAL}
# Derivation and voice make another word from a stem: their roots are second readings,
# never the first (a noun in «-ыл» is not a passive verb: «Жамбыл-ды», «қажет-ті»).
_SECONDARY = {DERIVATION, VOICE, VERBALIZER}


@dataclass(frozen=True, slots=True)
class Suffix:
    text: str
    family: str
    slot: int
    after: str  # sound classes it may follow
    harmony: str  # "back", "front" or "" (no harmonic vowel)
    not_after: str = ""  # letters it never follows
    min_stem: int = 2  # letters the stem keeps at least
    rootlike: bool = False  # roots often end like this («пайда», «Қазақстан»): keep both readings
    finite: bool = False  # a whole word ending: nothing may follow it
    after_poss3: bool = False  # only right after a third-person possessive («кешені-нде»)
    not_after_poss3: bool = False  # has another form there («кешені-нде», not «кешені-де»)
    poss3: bool = False  # is the third-person possessive
    weak: bool = False  # too ambiguous to peel unless the corpus attests the stem
    restore: str = ""  # letter the stem lost in writing («көбей» + «у» = «көбею»)


_RULES: list[Suffix] = []


def _rule(family: str, slot: int, spelling: str, after: str, **flags: object) -> None:
    """Adds a suffix in its back and front spellings: ``"ның/нің"``; one spelling when it
    has no harmonic vowel (``"мен"``)."""
    forms = spelling.split("/")
    if len(forms) == 1:
        harmonies = [""]
    else:
        harmonies = ["back", "front"]
    for text, harmony in zip(forms, harmonies, strict=True):
        _RULES.append(Suffix(text, family, slot, after, harmony, **flags))  # type: ignore[arg-type]


# --- person: predicate endings, «студентпін» 'I am a student', «дайынбыз» 'we are ready'.
# First consonant: м after vowels and р й у л, б after ж з and nasals, п after voiceless
# consonants. (Not the copula -дыр 'is, must be': rare in prose, and it ends adjectives
# such as «мөлдір» 'transparent'.)
for _back, _front in (("мын", "мін"), ("мыз", "міз")):
    _rule("person", PERSON, f"{_back}/{_front}", "VRL", min_stem=3)
    _rule("person", PERSON, f"б{_back[1:]}/б{_front[1:]}", "ZN", min_stem=3)
    _rule("person", PERSON, f"п{_back[1:]}/п{_front[1:]}", "U", min_stem=3)
for _form in ("сың/сің", "сыз/сіз", "сыңдар/сіңдер", "сыздар/сіздер"):
    _rule("person", PERSON, _form, ANY, min_stem=3)

# --- case: the seven cases. Nominative has no ending. After a third-person possessive
# (-ы/-і, -сы/-сі) dative, accusative, locative and ablative take н: «кешені-не», «кешені-н»,
# «кешені-нде», «кешені-нен». Short endings are «rootlike»: many roots end the same way
# («пайда», «Қазақстан», «Канада»), so the unpeeled word stays a reading.
# genitive 'of': -ның after vowels and nasals, -дың after р й у л ж з, -тың after voiceless
_rule("case", CASE, "ның/нің", "VN")
_rule("case", CASE, "дың/дің", "RLZ")
_rule("case", CASE, "тың/тің", "U")
# dative 'to': -ға after vowels and voiced consonants, -қа after voiceless
_rule("case", CASE, "ға/ге", "VRLZN", rootlike=True, not_after_poss3=True)
_rule("case", CASE, "қа/ке", "U", rootlike=True)
_rule("case", CASE, "на/не", "V", after_poss3=True, rootlike=True)  # «мағына»
# accusative (definite object): -ны after vowels, -ды after other voiced, -ты after voiceless
_rule("case", CASE, "ны/ні", "V", rootlike=True, not_after_poss3=True)
_rule("case", CASE, "ды/ді", "RLZN", rootlike=True)
_rule("case", CASE, "ты/ті", "U", rootlike=True)
_rule("case", CASE, "н", "V", after_poss3=True, rootlike=True)
# locative 'in, at': -да after vowels and voiced consonants, -та after voiceless
_rule("case", CASE, "да/де", "VRLZN", rootlike=True, not_after_poss3=True)
_rule("case", CASE, "та/те", "U", rootlike=True)
_rule("case", CASE, "нда/нде", "V", after_poss3=True)
# ablative 'from': -дан after vowels and р й у л ж з, -нан after nasals, -тан after voiceless
_rule("case", CASE, "дан/ден", "VRLZ", rootlike=True, not_after_poss3=True)
_rule("case", CASE, "нан/нен", "N", rootlike=True)
_rule("case", CASE, "тан/тен", "U", rootlike=True)
_rule("case", CASE, "нан/нен", "V", after_poss3=True)
# instrumental 'with, by': one spelling for both harmonies; -мен after vowels, sonorants and
# nasals, -бен after ж з, -пен after voiceless; the long forms -менен/-бенен/-пенен too
for _first, _after in (("м", "VRLN"), ("б", "Z"), ("п", "U")):
    _rule("case", CASE, f"{_first}ен", _after, rootlike=True)  # «дәрумен», «Йемен»
    _rule("case", CASE, f"{_first}енен", _after)
# attributive -ғы 'of (a time or place)', on its own («жыл-ғы», «қазір-гі», «сырт-қы»; never
# right after a vowel: «Бәйтере-гі» is «Бәйтерег-і») and after the locative
# («Қазақстан-дағы» 'in Kazakhstan (adj.)'). Rootlike: «белгі» 'sign', «сүзгі» 'filter'.
_rule("case", CASE, "ғы/гі", "RLZN", rootlike=True, not_after="".join(VOWELS))
_rule("case", CASE, "қы/кі", "U", rootlike=True)
_rule("case", CASE, "дағы/дегі", "VRLZN", not_after_poss3=True)
_rule("case", CASE, "тағы/тегі", "U")
_rule("case", CASE, "ндағы/ндегі", "V", after_poss3=True)

# --- possessive: third person -ы/-і after consonants and -сы/-сі after vowels ('his, her,
# its, their'; also the head of a compound: «ғарыш айлағы»), first person plural
# -ымыз/-мыз 'our' («еліміз»), polite second person -ыңыз/-ңыз 'your'. The informal first
# and second person singular (-ым/-м, -ың/-ң) are left out: rare in the press and in
# reference text, and their one-letter forms end too many roots («адам», «ғылым», «білім»).
_rule("possessive", POSSESSIVE, "ы/і", CONSONANT, poss3=True, rootlike=True)
_rule("possessive", POSSESSIVE, "сы/сі", "V", poss3=True)
_rule("possessive", POSSESSIVE, "ымыз/іміз", CONSONANT)
_rule("possessive", POSSESSIVE, "мыз/міз", "V", min_stem=3)
_rule("possessive", POSSESSIVE, "ыңыз/іңіз", CONSONANT)
_rule("possessive", POSSESSIVE, "ңыз/ңіз", "V", min_stem=3)

# --- plural: -лар after vowels and р й у, -дар after л, nasals and ж з, -тар after
# voiceless.
_rule("plural", PLURAL, "лар/лер", "VR")
_rule("plural", PLURAL, "дар/дер", "LZN")
_rule("plural", PLURAL, "тар/тер", "U")

# --- derivation: productive suffixes that make a related word from a stem; stacked up to
# twice («жұмыс-сыз-дық» 'unemployment').
# -лық 'quality of, belonging to' («Қазақстан-дық», «денсау-лық»)
_rule("derivation", DERIVATION, "лық/лік", "VR")
_rule("derivation", DERIVATION, "дық/дік", "LZN")
_rule("derivation", DERIVATION, "тық/тік", "U")
# -лы 'having, with' («дене-лі», «түс-ті», «ат-ты»)
_rule("derivation", DERIVATION, "лы/лі", "VR")
_rule("derivation", DERIVATION, "ды/ді", "LZN")
_rule("derivation", DERIVATION, "ты/ті", "U")
# -сыз 'without' («су-сыз»), -шы 'one who works with' («балық-шы»)
_rule("derivation", DERIVATION, "сыз/сіз", ANY)
_rule("derivation", DERIVATION, "шы/ші", ANY)
# -лас 'fellow, of the same' («тұқым-дас», «жер-лес»)
_rule("derivation", DERIVATION, "лас/лес", "VR", min_stem=3)
_rule("derivation", DERIVATION, "дас/дес", "LZN", min_stem=3)
_rule("derivation", DERIVATION, "тас/тес", "U", min_stem=3)
# -ыс 'the doing of' («өндір-іс», «көтеріл-іс», «қозғал-ыс»)
_rule("derivation", DERIVATION, "ыс/іс", CONSONANT, min_stem=3)
# verbs from nouns: -лан 'become, take to' («пайда-лан», «қаржы-лан-дыр»); inside a verb
# ending only
_rule("derivation", VERBALIZER, "лан/лен", "VR", min_stem=3)
_rule("derivation", VERBALIZER, "дан/ден", "LZN", min_stem=3)
_rule("derivation", VERBALIZER, "тан/тен", "U", min_stem=3)

# --- verb: the forms that carry most of a text's verbs.
# Participles and the verbal noun behave as nouns and take the noun layers outside them:
# past participle -ған/-қан («орналас-қан», «пайдалан-ған-да»)
_rule("verb", VERB, "ған/ген", "VRLZN")
_rule("verb", VERB, "қан/кен", "U")
# present/future participle -атын after consonants, -йтын after vowels; verbs in -ы/-і fuse
# with it (оқы + йтын = «оқитын»)
_rule("verb", VERB, "атын/етін", CONSONANT)
_rule("verb", VERB, "йтын/йтін", "V")
_rule("verb", VERB, "итын/итін", CONSONANT)
# agent participle -ушы 'one who' («қозға-ушы», «оқ-ушы»)
_rule("verb", VERB, "ушы/уші", ANY)
# verbal noun -у, the dictionary form («бер-у», «ата-у»); й + у is written ю («көбею»)
_rule("verb", VERB, "у", CONSONANT, rootlike=True)  # «ауру», «дәру-мен»
_rule("verb", VERB, "у", "V", min_stem=3, rootlike=True)
_rule("verb", VERB, "ю", ANY, min_stem=3, restore="й")
# Finite forms end the word:
# past -ды/-ты with person: «бар-ды», «бар-дым», «кет-ті», «кет-тіңіз» (not -дың 'you did'
# nor -дық 'we did': spelled as the genitive and as derivational -дық, «жән-дік»)
for _end_back, _end_front in (("", ""), ("м", "м"), ("ңыз", "ңіз"), ("ңыздар", "ңіздер")):
    _rule("verb", VERB, f"ды{_end_back}/ді{_end_front}", "VRLZN", finite=True)
    _rule("verb", VERB, f"ты{_end_back}/ті{_end_front}", "U", finite=True)
# present/future: -а after consonants, -й after vowels, fused -и for verbs in -ы/-і, then
# the person: -ды 'he, she, they', -мын 'I', -мыз 'we', -сың/-сыз 'you'
for _person_back, _person_front in (
    ("ды", "ді"), ("мын", "мін"), ("мыз", "міз"), ("сың", "сің"), ("сыз", "сіз"),
    ("сыңдар", "сіңдер"), ("сыздар", "сіздер"),
):
    _rule("verb", VERB, f"а{_person_back}/е{_person_front}", CONSONANT, finite=True)
    _rule("verb", VERB, f"й{_person_back}/й{_person_front}", "V", finite=True)
    _rule("verb", VERB, f"и{_person_back}/и{_person_front}", CONSONANT, finite=True)
# converb -ып 'having done' («бол-ып», «кел-іп»), -п after vowels («жаса-п»): the short form
# ends too many nouns («кітап», «мектеп») to be peeled unless the corpus attests the stem
_rule("verb", VERB, "ып/іп", CONSONANT, finite=True, rootlike=True)  # «өнеркәсіп»
_rule("verb", VERB, "п", "V", finite=True, min_stem=3, weak=True, rootlike=True)
# evidential past -ыпты 'apparently did'
_rule("verb", VERB, "ыпты/іпті", CONSONANT, finite=True)
_rule("verb", VERB, "пты/пті", "V", finite=True, min_stem=3, weak=True)
# -ғалы 'since, in order to'
_rule("verb", VERB, "ғалы/гелі", "VRLZN", finite=True)
_rule("verb", VERB, "қалы/келі", "U", finite=True)
# Left out: future -ар/-ер/-р and intention -мақ («бармақ» 'finger'), conditional -са
# («масса»), the bare converb -а/-е/-й («қала», «бала»): their spellings end too many nouns.

# --- negation -ма/-ба/-па, only inside a verb ending: «бар-ма-ды», «кел-ме-йтін»
_rule("negation", NEGATION, "ма/ме", "VRL")
_rule("negation", NEGATION, "ба/бе", "ZN")
_rule("negation", NEGATION, "па/пе", "U")

# --- voice, only inside a verb ending; the root keeps at least three letters after a
# one-letter voice suffix.
# passive -л after vowels («ата-л-ады»), -н after vowels too (reflexive, and the passive of
# verbs in -ла/-ле), -ыл after consonants but л («жаз-ыл-ған»), -ын after л («бөл-ін-еді»)
_rule("voice", VOICE, "л", "V", min_stem=3)
_rule("voice", VOICE, "н", "V", min_stem=3)  # after -ла/-ле verbs («сайла-н-ған»)
_rule("voice", VOICE, "ыл/іл", "RZNU")
_rule("voice", VOICE, "ын/ін", "L")
# causative -т after vowels («дамы-т-у»), -ғыз/-қыз, -дыр/-тыр («жаз-дыр», «кел-тір»)
_rule("voice", VOICE, "т", "V", min_stem=3)
_rule("voice", VOICE, "ғыз/гіз", "VRLZN", min_stem=3)
_rule("voice", VOICE, "қыз/кіз", "U", min_stem=3)
_rule("voice", VOICE, "дыр/дір", "RZN", min_stem=3)
_rule("voice", VOICE, "тыр/тір", "LU", min_stem=3)

_BY_TEXT: dict[str, tuple[Suffix, ...]] = {}
for _suffix in _RULES:
    _BY_TEXT[_suffix.text] = (*_BY_TEXT.get(_suffix.text, ()), _suffix)
_LONGEST = max(map(len, _BY_TEXT))

MAX_DERIVATIONS = 2
MAX_VOICES = 2
MAX_WORD_CHARS = 64
MAX_STEMS = 5

# ----------------------------------------------------------------------------- stop words

# Function words: conjunctions, postpositions, particles, pronouns and their case forms,
# question words, auxiliaries. Indexed as they are (never stemmed: «онда» 'there' is not
# «он» 'ten' + «-да»), dropped from plain queries.
STOP_WORDS = frozenset(
    """
    және мен бен пен да де та те ал бірақ алайда дегенмен немесе не я әлде әрі яғни
    сондықтан себебі өйткені егер ендеше әйтпесе сонымен сондай-ақ сонда
    үшін туралы жөнінде жайында бойынша арқылы кейін дейін шейін бері соң қарай таман
    сияқты секілді ретінде бірге қатар арасында ішінде сайын
    ма ме ба бе па пе ғой қой ғана қана тек тіпті әлі енді тағы әсіресе мысалы
    еді екен емес шығар ең өте тым аса
    ол оның оған оны онда одан онымен олар олардың оларға оларды оларда олардан олармен
    бұл бұның мұның бұған мұған бұны мұны бұнда мұнда бұдан мұнан бұнымен мұнымен бұлар
    осы осының осыған осыны осында осыдан осымен осылар
    сол соның соған соны сонда содан солар солардың
    мына мынау анау сонау осынау мұндай сондай осындай ондай
    мен менің маған мені менде менен сен сенің саған сені біз біздің бізге бізді бізде
    бізден сіз сіздің сізге сізді сізде сізден сендер сіздер
    өз өзі өзінің өзіне өзін өзінде өзінен өзімен өздері өздерінің өзара
    кім кімнің кімге кімді кімде кімнен кіммен не ненің неге нені неде неден немен несі
    қандай қалай қай қайда қайдан қашан қанша неше нешінші неліктен қайсы қайсысы
    әр әрбір кейбір барлық бүкіл бәрі
    болып болды болған болады бола болатын болса болу табылады деп деген дейді деді
    дегеніміз дегенде
    """.split()
)

# ----------------------------------------------------------------------------- stems


@dataclass(frozen=True, slots=True)
class _Parse:
    stem: str
    chain: tuple[Suffix, ...]  # outermost first
    ending: int = 0  # letters the suffixes take

    @property
    def score(self) -> tuple[int, int]:
        """The longest ending in the fewest suffixes: a long suffix is seldom there by
        chance («ракета-ны», not «ракетан-ы»; «түз-етін», not «түзет-і-н»)."""
        return self.ending, -len(self.chain)


def stems(
    word: str,
    known: Callable[[str], bool] | None = None,
    families: frozenset[str] = FAMILIES,
) -> tuple[str, ...]:
    """Plausible stems of one normalised (lowercase) Kazakh word, most likely first; the
    word itself when nothing should be peeled. Results are cached (bounded LRU).

    :param known: whether a word occurs in the corpus (e.g. ``vocabulary.__contains__``):
        readings whose stem the corpus attests, as a word or inflected as a stem would be,
        win over the others, and suffixes too ambiguous to peel blind are peeled when it
        attests what is left.
    :param families: the rule families in use (all by default; fewer to measure one).

    >>> stems("байқоңырдың")
    ('байқоңыр',)
    >>> stems("кешендерінде")
    ('кешен',)
    """
    try:
        return _cached_stems(word, known, families)
    except TypeError:  # an unhashable ``known`` (a bound method of a set): no cache
        return _analyse(word, known, families)


def clear_cache() -> None:
    """Forget cached stems (a new corpus lexicon replaces the old one in the keys anyway;
    this frees the memory at once)."""
    _cached_stems.cache_clear()


def _analyse(
    word: str, known: Callable[[str], bool] | None, families: frozenset[str]
) -> tuple[str, ...]:
    if (
        len(word) < 3
        or len(word) > MAX_WORD_CHARS
        or word in STOP_WORDS
        or not all(ch in _CYRILLIC or ch == "-" for ch in word)
    ):
        return (word,)
    parses = _parses(word, families, known)
    first, shifted = _first_readings(parses)
    stems_: list[str] = [] if first else [word]
    others: list[str] = []
    respelled: list[str] = []
    for p in first + shifted:
        spellings = _spellings(_verb_stem(p), p.chain[-1], families)
        stems_.append(spellings[0])
        respelled += spellings[1:]
        others += _readings(word, p, families)
    roots = _roots(parses, [_Parse(word, ()), *first], word, known, families)
    found = list(dict.fromkeys(stems_ + roots + others + respelled))
    if known is not None:
        attested = [c for c in found if _attested(c, word, known)]
        if attested:
            found = attested
    return tuple(found[:MAX_STEMS])


STEM_CACHE = 300_000  # words: an index build meets every form of its archive


def _stem_cache(words: int) -> _lru_cache_wrapper[tuple[str, ...]]:
    return register("kazakh stems", lru_cache(maxsize=words)(_analyse))


_cached_stems = _stem_cache(STEM_CACHE)


def bound_cache(words: int) -> None:
    """Keep the stems of at most `words` words from now on (the cache starts empty): a
    server's bound (see morphology.bound_lemma_cache)."""
    global _cached_stems
    _cached_stems = _stem_cache(words)


def _parses(
    word: str, families: frozenset[str], known: Callable[[str], bool] | None
) -> list[_Parse]:
    """Every way to read the word as a stem plus a chain of suffixes that the template and
    the sound rules allow (the bare word included)."""
    found: list[_Parse] = [_Parse(word, ())]
    alternation = "alternation" in families

    def allowed(suffix: Suffix, chain: tuple[Suffix, ...]) -> bool:
        if suffix.family not in families:
            return False
        if not chain:  # negation and voice only ever stand inside a verb ending
            return suffix.slot not in (NEGATION, VOICE, VERBALIZER)
        if suffix.finite:
            return False
        outer = chain[-1]
        if outer.after_poss3:
            return suffix.poss3
        if outer.not_after_poss3 and suffix.poss3:
            return False
        if suffix.slot == NEGATION:
            return outer.slot == VERB
        if suffix.slot == VOICE:
            voices = sum(s.slot == VOICE for s in chain)
            return outer.slot in (VERB, NEGATION, VOICE) and voices < MAX_VOICES
        if suffix.slot == VERBALIZER:
            return outer.slot in (VERB, NEGATION, VOICE)
        if suffix.slot == DERIVATION and outer.slot == DERIVATION:
            return sum(s.slot == DERIVATION for s in chain) < MAX_DERIVATIONS
        return suffix.slot > outer.slot

    def fits(stem: str, suffix: Suffix) -> bool:
        if len(stem) < suffix.min_stem or not _has_vowel(stem):
            return False
        if len(stem) < 3 and stem[-1] in _OPEN:  # «ба-сы» is «бас-ы»: few roots are CV
            return False
        if not any(c in suffix.after for c in _sound(stem)) or stem[-1] in suffix.not_after:
            return False
        if suffix.harmony and _harmony(stem) not in ("any", suffix.harmony):
            return False
        return not suffix.weak or (known is not None and _attested(stem, word, known))

    def walk(rest: str, chain: tuple[Suffix, ...], ending: int) -> None:
        tails = [rest]
        # the outer suffix began with a vowel: a б/г/ғ before it may stand for п/к/қ, so an
        # inner suffix is matched in its dictionary spelling («-лығ-ы» is «-лық»)
        if alternation and chain and chain[-1].text[0] in VOWELS and rest[-1:] in _DEVOICE:
            tails.append(rest[:-1] + _DEVOICE[rest[-1]])
        for tail in tails:
            for size in range(1, min(_LONGEST, len(tail) - 1) + 1):
                for suffix in _BY_TEXT.get(tail[-size:], ()):
                    stem = rest[:-size] + suffix.restore
                    if not allowed(suffix, chain) or not fits(stem, suffix):
                        continue
                    deeper = (*chain, suffix)
                    if not suffix.after_poss3:  # «кешені-нде» needs the possessive inside
                        found.append(_Parse(stem, deeper, ending + size))
                    walk(stem, deeper, ending + size)

    walk(word, (), 0)
    return found


def _first_readings(parses: list[_Parse]) -> tuple[list[_Parse], list[_Parse]]:
    """The readings that peel inflection and verb endings (derivation and voice come later,
    as roots): the longest ending, and the longest noun ending when it differs — a noun may
    end like a verb form or a personal ending («мемлекет-і-н» beside «мемлек-етін»,
    «көлем-і-н» beside «көле-мін»). Then (second list) the same suffixes read one letter
    later where that is as likely (see :func:`_boundary_shift`)."""
    inflected = [p for p in parses if not any(s.slot in _SECONDARY for s in p.chain)]
    nominal = [p for p in inflected if all(s.slot in _NOMINAL for s in p.chain)]
    first: list[_Parse] = []
    shifted: list[_Parse] = []
    for pool in (inflected, nominal):
        scored = [(p.score, p) for p in pool]
        best = max(score for score, _ in scored)
        if best[0] == 0:
            continue
        for score, p in scored:
            if score[0] < best[0] - 1 or (pool is nominal and _never_ends_a_word(p.stem)):
                continue
            if score == best and p not in first:
                first.append(p)
            elif _boundary_shift(p, best) and p not in shifted:
                shifted.append(p)
    return first, shifted


def _boundary_shift(parse: _Parse, best: tuple[int, int]) -> bool:
    """The possessive -ы/-і or the past -ды/-ті read one letter later than the longest
    ending's boundary: «жұмыс-ы» 'his work' beside «жұмы-сы», «кешен-і» beside «кеше-ні»,
    «көтеріліс-і-н» beside «көтері-лі-сі-н», «байқа-ды» 'noticed' beside «байқ-ады». Only
    where that letter may end a stem: not after б в г ғ д, which never end a Kazakh word
    («байқоңыр-ды», not «байқоңырд-ы»), nor after two consonants that cannot end one
    («кітап-ты»)."""
    if (parse.ending + 1, -len(parse.chain)) != best or parse.chain[-1].text not in _SHIFTABLE:
        return False
    last, before = parse.stem[-1], parse.stem[-2:-1]
    if last in "бвгғд":
        return False
    return last in VOWELS or before in VOWELS or before in "рлйуңнм"


_SHIFTABLE = frozenset("ы і ды ді ты ті".split())


def _never_ends_a_word(stem: str) -> bool:
    """Kazakh words never end in д or a doubled letter: «барады» is «бар-ады», never a noun
    «барад-ы»."""
    return stem[-1] == "д" or stem[-1] == stem[-2]


def _verb_stem(parse: _Parse) -> str:
    """Verbs in -ы/-і lose that vowel before -у and -а (оқы-: «оқу», «оқиды», «оқыды»): their
    stem is written without it, so that all forms meet."""
    stem = parse.stem
    if (
        parse.chain
        and parse.chain[-1].slot >= VERB
        and len(stem) >= 3
        and stem[-1] in "ыі"
        and stem[-2] not in VOWELS
    ):
        return stem[:-1]
    return stem


def _spellings(stem: str, inner: Suffix | None, families: frozenset[str]) -> list[str]:
    """The stem's spellings when the suffix after it may have changed it, the likelier
    first: the dictionary consonant (Бәйтерег- → «бәйтерек») and a vowel dropped before a
    possessive («халқ-ы» → «халық», «мұрн-ы» → «мұрын»). The spelling as written stays too:
    loanwords keep г («геологы»), and «спорты» has no dropped vowel."""
    if inner is None or inner.text[0] not in VOWELS:
        return [stem]
    found = [stem]
    if "alternation" in families and stem[-1:] in _DEVOICE:
        found.insert(0, stem[:-1] + _DEVOICE[stem[-1]])
    if "elision" in families and inner.slot == POSSESSIVE and _elided(stem):
        vowel = "і" if _harmony(stem) == "front" else "ы"
        found.append(stem[:-1] + vowel + stem[-1])
    return found


def _elided(stem: str) -> bool:
    """A one-syllable stem closed by a sonorant and a consonant: the shape of a two-syllable
    noun that lost its second vowel («ауыз» / «аузы», «көрік» / «көркі»)."""
    if len(stem) < 3 or stem[-2] not in "рлйу" or stem[-1] in VOWELS or stem[-1] in "йу":
        return False
    vowels = [i for i, ch in enumerate(stem) if ch in VOWELS and ch not in "уи"]
    return len(vowels) == 1 and vowels[0] == len(stem) - 3


def _roots(
    parses: list[_Parse],
    bases: list[_Parse],
    word: str,
    known: Callable[[str], bool] | None,
    families: frozenset[str],
) -> list[str]:
    """Roots under a first reading by derivation and voice, shallow first
    («қазақстандықтар» → «қазақстан», «белгілі» → «белгі», «ұшырылды» → «ұшыр»,
    «аталады» → «ата», «сайланған» → «сайла», «сай»). Where the word may also be a noun,
    a one-letter voice suffix (-л, -н, -т) or a two-letter root is peeled only when the
    corpus attests the root:
    «қажет-ті» 'needed' is not «қаже-т-ті», nor «ақыл-ды» 'clever' «ақ-ыл-ды»."""
    nouns = {b.stem for b in bases if b.chain and b.chain[-1].slot < VERB}
    derived: list[_Parse] = []
    for p in parses:
        for base in bases:
            n = len(base.chain)
            tail = p.chain[n:]
            if p.chain[:n] != base.chain or not tail or any(s.slot not in _SECONDARY for s in tail):
                continue
            voices = [s for s in tail if s.slot in (VOICE, VERBALIZER)]
            risky = bool(voices) and (len(p.stem) < 3 or any(len(s.text) < 2 for s in voices))
            if base.stem in nouns and risky and not (known and _attested(p.stem, word, known)):
                continue
            derived.append(p)
    return [
        _spellings(_verb_stem(p), p.chain[-1], families)[0]
        for p in sorted(derived, key=lambda p: p.ending)
    ]


def _readings(word: str, parse: _Parse, families: frozenset[str]) -> list[str]:
    """Readings of the word beside a parse's stem.

    - A participle or verbal noun is a word of its own too: its stem with only the
      inflection peeled («беруі» → «беру» beside «бер», «орналасқан» beside «орналас»).
    - Where the innermost suffix is rootlike, the stem with it («кешені» beside «кешен»:
      «тері» 'skin' is a root, «тер-і» 'his sweat' is not); where all are and the last is
      short, the word itself («Қазақстан», «алтын» 'gold', «өнеркәсіп», «дәрумен»).
    """
    chain = parse.chain
    found: list[str] = []
    inflection = [s for s in chain if s.slot in _INFLECTION]
    if len(inflection) < len(chain) and not chain[0].finite:
        if inflection:
            cut = sum(len(s.text) for s in inflection)
            found += _spellings(word[:-cut], inflection[-1], families)
        else:
            found.append(word)
    if chain[-1].rootlike and len(inflection) == len(chain):
        cut = sum(len(s.text) for s in chain[:-1])
        found.append(word[:-cut] if cut else word)
    if all(s.rootlike for s in chain) and len(chain[0].text) <= 3:
        found.append(word)
    return found


def _paradigm(stem: str) -> list[str]:
    """A few inflected forms of a stem (genitive, dative, locative, plural, possessive; the
    verbal noun, past participle and past), spelled by the rules above: what the corpus
    would hold if the stem were a word of its own. Not the genitive of a stem in -ы/-і:
    «кешені-нің» is the possessed «кешені» in the genitive, and says nothing of a root
    «кешені»."""
    harmony = _harmony(stem)
    sound = _sound(stem)
    rules = _PARADIGM if stem[-1] in "ыі" else _PARADIGM + _GENITIVE
    return [
        stem + s.text
        for s in rules
        if (not s.harmony or harmony in ("any", s.harmony)) and any(c in s.after for c in sound)
    ]


_PARADIGM = [
    s for s in _RULES
    if not s.after_poss3
    and (
        (s.slot in (CASE, POSSESSIVE, PLURAL, VERB) and not s.finite and s.text in (
            "ға ге қа ке да де та те лар лер дар дер тар тер ы і сы сі у ған ген қан кен"
        ).split())
        or (s.slot == VERB and s.finite and s.text in ("ды", "ді", "ты", "ті"))
    )
]


_GENITIVE = [s for s in _RULES if s.slot == CASE and s.text[-1] == "ң" and len(s.text) == 3]


def _attested(stem: str, word: str, known: Callable[[str], bool]) -> bool:
    """Does the corpus hold this stem as a word, or inflected as a stem would be? (The word
    itself does not count: every word attests itself.)"""
    if stem != word and known(stem):
        return True
    return any(form != word and known(form) for form in _paradigm(stem))


# ----------------------------------------------------------------------------- spellings

# Kazakh letters as Russian writes them in names («Бәйтерек» → «Байтерек», «Атамқұлов» →
# «Атамкулов»).
_TO_RUSSIAN = str.maketrans("әөұүқғңһі", "аоуукгнхи")

# Names whose Russian form is not a letter-by-letter spelling of the Kazakh one. Only
# spellings of the same name; a different name (Өскемен / Усть-Каменогорск, Мәскеу / Москва)
# is a synonym, not a spelling. Keys are matched at the start of a word, so inflected and
# derived forms follow («қазақстандық» → «казахстандык»).
KAZAKH_TO_RUSSIAN: dict[str, str] = {
    "байқоңыр": "байконур",  # ы ↔ у: the Russian name of the cosmodrome and town
    "қазақ": "казах",  # қ ↔ х: «Қазақстан» / «Казахстан», «қазақ» / «казах»
    "қарағанды": "караганда",  # final -ы ↔ -а
    "түркістан": "туркестан",  # і ↔ е
    "ертіс": "иртыш",  # the Irtysh: Russian spelling from another form of the name
    "балқаш": "балхаш",  # қ ↔ х
}
_EXCEPTIONS = sorted(KAZAKH_TO_RUSSIAN.items(), key=lambda kv: -len(kv[0]))


def to_russian_spelling(word: str) -> str:
    """A lowercase Kazakh word (a name's stem, usually) as Russian spells it:
    «байқоңыр» → «байконур», «бәйтерек» → «байтерек», «атамқұлов» → «атамкулов»."""
    for kazakh, russian in _EXCEPTIONS:
        if word.startswith(kazakh):
            return russian + word[len(kazakh):].translate(_TO_RUSSIAN)
    return word.translate(_TO_RUSSIAN)


# KAZAKH_LETTERS in either case (no other character lowercases to one of them)
_KAZAKH_LETTER_RE = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def has_kazakh_letters(text: str) -> bool:
    return _KAZAKH_LETTER_RE.search(text) is not None


# Kazakh Latin alphabet (2021): letters to add to the Latin → Cyrillic table of
# ``search.translit`` (same shape), which already reads informal spellings («Baikonur»,
# «Kazakhstan»). ı is i without a dot («bır» = «бір»); i is и or й.
KAZAKH_LATIN_TO_CYRILLIC: dict[str, tuple[str, ...]] = {
    "ä": ("ә", "а"), "ö": ("ө", "о"), "ü": ("ү", "у"), "ū": ("ұ", "у"), "ğ": ("ғ", "г"),
    "q": ("қ", "к"), "ñ": ("ң", "н"), "ı": ("і",), "ş": ("ш",), "ç": ("ч",), "i": ("и", "й", "і"),
    "y": ("ы", "й"), "j": ("ж", "й"), "u": ("у", "ұ", "ү"), "h": ("х", "һ"), "ng": ("ң", "нг"),
}
# And the other way: Kazakh Cyrillic letters in the 2021 Latin alphabet, then as informal
# (Russian-based) transliteration writes them.
KAZAKH_CYRILLIC_TO_LATIN: dict[str, tuple[str, ...]] = {
    "ә": ("ä", "a"), "ө": ("ö", "o"), "ү": ("ü", "u"), "ұ": ("ū", "u"), "ғ": ("ğ", "g"),
    "қ": ("q", "k"), "ң": ("ñ", "n", "ng"), "һ": ("h",), "і": ("ı", "i"),
}

_LATIN_2021 = {
    "a": "а", "ä": "ә", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "ğ": "ғ", "h": "х",
    "ı": "і", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "ñ": "ң", "o": "о", "ö": "ө",
    "p": "п", "q": "қ", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у", "ū": "ұ", "ü": "ү",
    "v": "в", "y": "ы", "z": "з", "ç": "ч", "w": "у", "c": "ц", "x": "кс",
}


def from_kazakh_latin(word: str) -> str:
    """A lowercase word in the Kazakh Latin alphabet (2021) in Cyrillic: «bäiterek» →
    «бәйтерек», «qazaqstan» → «қазақстан». i is й next to a vowel, и elsewhere."""
    out: list[str] = []
    for i, ch in enumerate(word):
        if ch == "i":
            near = word[i - 1 : i] + word[i + 1 : i + 2]
            out.append("й" if any(c in "aäeoöuūüıy" for c in near) else "и")
        else:
            out.append(_LATIN_2021.get(ch, ch))
    return "".join(out)


# ----------------------------------------------------------------------------- keyboard

# The Kazakh keyboard layout (РСТ КазССР 903-90, the one Windows and Linux ship): the
# Russian ЙЦУКЕН letters, with the Kazakh letters on the digit row — 2 ә, 3 і, 4 ң, 5 ғ,
# 8 ү, 9 ұ, 0 қ, - ө, = һ — and punctuation on `, 1, 6, 7. Keys as on a QWERTY keyboard,
# unshifted then shifted, in the shape of ``search.layout``.
_EN_KEYS = (
    "`1234567890-=qwertyuiop[]asdfghjkl;'zxcvbnm,./"
    '~!@#$%^&*()_+QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>?'
)
_KK_KEYS = (
    '("әіңғ,.үұқөһйцукенгшщзхъфывапролджэячсмитьбю№'
    ")!ӘІҢҒ;:ҮҰҚӨҺЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ?"
)

KAZAKH_LAYOUT: dict[str, str] = dict(zip(_EN_KEYS, _KK_KEYS, strict=True))
EN_TO_KK = str.maketrans(KAZAKH_LAYOUT)
# Punctuation typed on the Kazakh layout was meant as itself, not as the QWERTY key.
KK_TO_EN = str.maketrans({k: e for e, k in KAZAKH_LAYOUT.items() if k.isalpha()})

__all__ = [
    "EN_TO_KK",
    "FAMILIES",
    "KAZAKH_CYRILLIC_TO_LATIN",
    "KAZAKH_LATIN_TO_CYRILLIC",
    "KAZAKH_LAYOUT",
    "KAZAKH_LETTERS",
    "KAZAKH_TO_RUSSIAN",
    "KK_TO_EN",
    "STOP_WORDS",
    "clear_cache",
    "from_kazakh_latin",
    "has_kazakh_letters",
    "stems",
    "to_russian_spelling",
]
