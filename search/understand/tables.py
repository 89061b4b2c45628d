"""What understanding needs of one index generation, built once and shared by all threads:
the vocabulary with its spelling index (corrections, transliterations) and the completions
(and, for the query side, the lemma lists derivational families are found in).

Each is kept per index folder in search/caching.py's :class:`GenerationTables`: after a
reindex the previous generation's tables answer while a child process builds the new ones and
saves them beside the generation, where the server's other processes load them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..analysis import STOP_WORDS, has_kazakh_letters, lemmas, morph, terms
from ..caching import GenerationTables, code_version, register
from ..index import (
    IndexHandle,
    Snapshot,
    Vocabulary,
    current_generation,
    open_generation,
    read_vocabulary,
)
from ..index import vocabulary as _vocabulary
from ..query import lemma_lists
from . import spelling as _spelling
from . import suggest as _suggest
from .layout import script_of
from .spelling import SkeletonIndex
from .suggest import LIMIT, Suggester, build_suggester
from .translit import to_cyrillic, to_latin

__all__ = [
    "FIRST_WAIT_SECONDS",
    "Understanding",
    "build_understanding",
    "completions",
    "preload",
    "suggester_for",
    "understanding_for",
    "warm_up",
]

MAX_TRANSLIT_FORMS = 3
MIN_TRANSLIT_CHARS = 3
FIRST_WAIT_SECONDS = 0.3  # how long a keystroke waits for a first build of completions
_NAME_TAGS = frozenset(("Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"))


class Understanding:
    """What one index generation needs for corrections: its vocabulary and spelling index,
    and its Kazakh words as Russian spells them (for Latin spellings of Kazakh names)."""

    def __init__(self, vocab: Vocabulary, folded: Vocabulary | None = None) -> None:
        self.vocab = vocab
        self.folded = folded if folded is not None else Vocabulary({})
        self.skeletons = SkeletonIndex(vocab)

    def frequency(self, word: str, snapshot: Snapshot) -> int:
        """Documents holding the word (by form, else by lemma); function words and codes
        count as everywhere, as they are never corrected."""
        if word in STOP_WORDS or not word.isalpha():
            return 1_000_000
        n = self.vocab.count(word)
        if n:
            return n
        # by lemma; a word the Russian lemmas miss may be a Kazakh word whose stems are there
        readings = (terms(word, True),) if has_kazakh_letters(word) else (
            lemmas(word), terms(word, True))
        for forms in readings:
            for f in ("body", "title"):
                for form in forms:
                    if snapshot.has_term(f, form):
                        return max(1, snapshot.doc_frequency(f, form))
        return 0

    def translit(self, word: str, lemma_exists: Callable[[str], bool] | None = None
                 ) -> list[str]:
        """The other script's spellings of a word that the index holds, most frequent first.

        :param lemma_exists: whether the index holds a lemma; with it, a Latin name also finds
            the Cyrillic lemma of the forms the index holds (``rogozin`` → «рогозин», when
            only «Рогозиным» is written), and a Cyrillic form is spelled from its lemmas too
            («Рогозиным» → ``rogozin``).
        """
        if len(word) < MIN_TRANSLIT_CHARS or not word.isalpha():
            return []
        script = script_of(word)
        vocab, folded = self.vocab, self.folded
        if script == "en":  # the Russian spelling of a Kazakh name counts too: «Baiterek»
            def exists(w: str) -> bool:
                return w in vocab or w in folded or (
                    lemma_exists is not None and lemma_exists(w))

            found = to_cyrillic(word, lambda p: vocab.has_prefix(p) or folded.has_prefix(p),
                                exists)
        elif script == "ru" and len(word) > MIN_TRANSLIT_CHARS and _name_like(word):
            found = to_latin(word, vocab.has_prefix, vocab.__contains__)
            if lemma_exists is not None:
                for lemma in lemmas(word):
                    if lemma != word and len(lemma) > MIN_TRANSLIT_CHARS:
                        found += to_latin(lemma, vocab.has_prefix, vocab.__contains__)
        else:
            return []
        found = list(dict.fromkeys(w for w in found if w != word and w not in STOP_WORDS))
        found.sort(key=lambda w: -(vocab.count(w) or folded.count(w)))
        return found[:MAX_TRANSLIT_FORMS]


def _name_like(word: str) -> bool:
    """A name (or a word the dictionary does not know): «Рогозин», «Кассини». Common words
    («спутник», «первый») are left alone: their Latin look-alikes are other words."""
    m = morph()
    if not m.word_is_known(word):
        return True
    return any(_NAME_TAGS & p.tag.grammemes for p in m.parse(word))


def build_understanding(snapshot: Snapshot) -> Understanding:
    return Understanding(read_vocabulary(snapshot), read_vocabulary(snapshot, "folded"))


def _understanding_at(gen: Path) -> Understanding:
    with open_generation(gen) as snapshot:
        return build_understanding(snapshot)


def _suggester_at(gen: Path) -> Suggester:
    with open_generation(gen) as snapshot:
        return build_suggester(snapshot)


# a saved table is loaded only by the code that saved it
_VERSION = code_version(_vocabulary.__file__, _spelling.__file__, _suggest.__file__, __file__)
understandings = register(
    "correction tables", GenerationTables("understanding", _understanding_at, _VERSION)
)
suggesters = register(
    "completion tables", GenerationTables("suggester", _suggester_at, _VERSION)
)


def _generation(snapshot: Snapshot) -> Path:
    if snapshot.gen is None:
        raise ValueError("tables are built for index generations only")
    return snapshot.gen


def understanding_for(snapshot: Snapshot, *, exact: bool = False) -> Understanding:
    """The correction tables of the index this snapshot reads: the previous generation's
    while a newer one's are built, unless `exact`."""
    return understandings.get(_generation(snapshot), exact=exact)


def suggester_for(snapshot: Snapshot, *, exact: bool = False) -> Suggester:
    """The completions of the index this snapshot reads (as :func:`understanding_for`)."""
    return suggesters.get(_generation(snapshot), exact=exact)


def completions(handle: IndexHandle, text: str, *, limit: int = LIMIT,
                wait: bool = False) -> list[str]:
    """Completions for a keystroke. Without `wait`, the first call on an index starts building
    in the background and returns nothing rather than keep the person waiting, and after a
    reindex the previous generation's completions answer until the new ones are built; with
    `wait`, the live generation's own."""
    with handle.snapshot() as snapshot:
        if wait:
            suggester: Suggester | None = suggester_for(snapshot, exact=True)
        else:
            suggester = suggesters.get_soon(_generation(snapshot), FIRST_WAIT_SECONDS)
        return suggester.complete(text, max(1, min(limit, LIMIT))) if suggester else []


def warm_up(handle: IndexHandle) -> None:
    """Build the correction and completion tables of the live generation, so that the first
    requests of a server do not wait seconds for them.

    :raises IndexMissing: there is no index yet.
    """
    with handle.snapshot() as snapshot:
        understanding_for(snapshot, exact=True)
        suggester_for(snapshot, exact=True)
        lemma_lists.get(_generation(snapshot), exact=True)


def preload(index_dir: Path) -> bool:
    """Build (in a child process) and save the live generation's tables, unless they were
    saved already, without keeping them: what a server does before forking its workers,
    which then load them at once. False when there is no index yet.
    """
    gen = current_generation(index_dir)
    if gen is None:
        return False
    gen = gen.resolve()  # as a snapshot names its generation
    understandings.save(gen)
    suggesters.save(gen)
    lemma_lists.save(gen)
    return True
