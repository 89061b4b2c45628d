"""What people meant: corrections of the typed text (:mod:`.corrections`: keyboard layout,
spelling, the other script's spelling of a name), expansions of the parsed query
(:mod:`.expansion`: synonyms, transliterations), completions (:mod:`.suggest`), and the
per-generation tables they are judged against (:mod:`.tables`)."""

from . import tables
from .corrections import Correction, Plan, all_words_count, plan_corrections
from .expansion import expand
from .layout import switch_layout
from .spelling import distance, skeleton, suggest
from .suggest import LIMIT as SUGGEST_LIMIT
from .suggest import MAX_PREFIX_CHARS, Suggester, build_suggester
from .synonyms import DEFAULT_PATH as SYNONYMS_PATH
from .synonyms import Synonyms, load_synonyms, parse_entries
from .tables import (
    Understanding,
    build_understanding,
    completions,
    preload,
    suggester_for,
    understanding_for,
    warm_up,
)
from .translit import to_cyrillic, to_latin

__all__ = [
    "MAX_PREFIX_CHARS",
    "SUGGEST_LIMIT",
    "SYNONYMS_PATH",
    "Correction",
    "Plan",
    "Suggester",
    "Synonyms",
    "Understanding",
    "all_words_count",
    "build_suggester",
    "build_understanding",
    "completions",
    "distance",
    "expand",
    "load_synonyms",
    "parse_entries",
    "plan_corrections",
    "preload",
    "skeleton",
    "suggest",
    "suggester_for",
    "tables",
    "switch_layout",
    "to_cyrillic",
    "to_latin",
    "understanding_for",
    "warm_up",
]
