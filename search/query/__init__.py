"""Text → plan: the one lexer (:mod:`.syntax`), the parsed query (:mod:`.parse`), filters
(:mod:`.filters`), Whoosh queries over one generation (:mod:`.compile`), and what to mark in
results (:mod:`.highlight`)."""

from .compile import BestOf, Boosted, Compiled, compile_query
from .families import lemma_lists
from .filters import PARAMS, Filters, from_params, from_tokens, parse_date_bound, split_query
from .highlight import Highlighter, highlighter_for
from .params import DEFAULT_PARAMS, RankingParams
from .parse import (
    MAX_QUERY_WORDS,
    Group,
    Node,
    Phrase,
    Word,
    effective_units,
    is_kazakh,
    parse_query,
    parse_tokens,
)
from .syntax import OR_WORDS, QUOTES, Token, tokenize

__all__ = [
    "BestOf",
    "DEFAULT_PARAMS",
    "MAX_QUERY_WORDS",
    "OR_WORDS",
    "PARAMS",
    "QUOTES",
    "RankingParams",
    "Boosted",
    "Compiled",
    "Filters",
    "Group",
    "Highlighter",
    "Node",
    "Phrase",
    "Token",
    "Word",
    "compile_query",
    "effective_units",
    "from_params",
    "from_tokens",
    "highlighter_for",
    "is_kazakh",
    "lemma_lists",
    "parse_date_bound",
    "parse_query",
    "parse_tokens",
    "split_query",
    "tokenize",
]
