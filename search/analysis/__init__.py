"""The one analyzer, for indexing, queries and highlighting: words and their offsets
(:mod:`.tokens`), the index terms of a word (:mod:`.morphology`, :mod:`.kazakh`), the pipes
Whoosh runs over a field (:mod:`.analyzers`), and the language of a text (:mod:`.language`)."""

from .analyzers import (
    exact_analyzer,
    exact_forms,
    folded_analyzer,
    is_lemma_analyzer,
    lemma_analyzer,
    lemma_positions,
)
from .kazakh import KAZAKH_LETTERS, has_kazakh_letters, to_russian_spelling
from .language import LANGUAGES, detect_language
from .morphology import (
    FUNCTION_PHRASES,
    SERVER_LEMMA_CACHE,
    STOP_WORDS,
    bound_lemma_cache,
    index_terms,
    inflections,
    is_stop_word,
    lemmas,
    morph,
    stem,
    terms,
)
from .tokens import (
    FORMAT_CHARS,
    FORMAT_CHARS_RE,
    HYPHENS,
    INVISIBLE,
    PART_RE,
    PLAIN_WORD_RE,
    WORD_RE,
    fold,
    normalize_word,
    word_parts,
    words,
)

__all__ = [
    "FORMAT_CHARS",
    "FORMAT_CHARS_RE",
    "FUNCTION_PHRASES",
    "HYPHENS",
    "INVISIBLE",
    "KAZAKH_LETTERS",
    "LANGUAGES",
    "PART_RE",
    "PLAIN_WORD_RE",
    "SERVER_LEMMA_CACHE",
    "STOP_WORDS",
    "WORD_RE",
    "bound_lemma_cache",
    "detect_language",
    "exact_analyzer",
    "exact_forms",
    "fold",
    "folded_analyzer",
    "has_kazakh_letters",
    "index_terms",
    "inflections",
    "is_lemma_analyzer",
    "is_stop_word",
    "lemma_analyzer",
    "lemma_positions",
    "lemmas",
    "morph",
    "normalize_word",
    "stem",
    "terms",
    "to_russian_spelling",
    "word_parts",
    "words",
]
