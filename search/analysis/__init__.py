"""The one analyzer, for indexing, queries and highlighting: words and their offsets
(:mod:`.tokens`), the index terms of a word (:mod:`.terms`), the pipes Whoosh runs over a field
(:mod:`.analyzers`), and the language of a text (:mod:`.language`)."""

from .analyzers import exact_analyzer, lemma_analyzer
from .language import LANGUAGES, detect_language
from .terms import STOP_WORDS, lemmas, morph, stem
from .tokens import INVISIBLE, PART_RE, WORD_RE, fold, normalize_word, word_parts, words

__all__ = [
    "INVISIBLE",
    "LANGUAGES",
    "PART_RE",
    "STOP_WORDS",
    "WORD_RE",
    "detect_language",
    "exact_analyzer",
    "fold",
    "lemma_analyzer",
    "lemmas",
    "morph",
    "normalize_word",
    "stem",
    "word_parts",
    "words",
]
