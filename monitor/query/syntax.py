"""What a person types into the search box, parsed into a small safe query; no SQL here.

The operator set (documented in ``defwatch search --help`` and on the search page):

- words: every word must appear (``AND`` between words is accepted and changes nothing);
  punctuation inside a word splits it into a phrase, as in the index (``multi-agent``,
  ``a'b``, ``20.04``);
- ``"exact phrase"``: the words in this order (an unclosed quote runs to the end);
- ``-word`` / ``-"a phrase"``: leave out articles that contain it;
- ``a OR b``: either of the two (``OR`` in capitals, between two terms).

Everything else (``NOT``, ``NEAR``, ``title:x``, ``*``, brackets) is an ordinary word. The parsed
query is rendered to FTS5 with every term inside double quotes, and on PostgreSQL each term is
a bound parameter of ``phraseto_tsquery``, so no input reaches MATCH or to_tsquery as syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["MAX_QUERY_CHARS", "MAX_TERMS", "SearchQuery", "parse_query"]

# A query longer than this is cut (a pasted article is not a query); terms past MAX_TERMS are
# dropped. Both bound the work one request can ask of the database.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 24

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# Bidi overrides and isolates are invisible and only ever confuse a search; other format
# characters (the ZWNJ inside Persian words) are kept.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), " ")


@dataclass(frozen=True)
class SearchQuery:
    """All of `groups` must match (each group: any of its terms), none of `excluded`."""

    groups: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def empty(self) -> bool:
        """Nothing to look for: no rows, whatever the backend (a NOT alone means nothing)."""
        return not self.groups

    def terms(self) -> list[str]:
        return [t for g in self.groups for t in g]

    def to_fts5(self) -> str:
        """The FTS5 MATCH expression; every term is a quoted string, never an operator."""
        positive = " AND ".join(
            "(" + " OR ".join(_fts5_string(t) for t in group) + ")" for group in self.groups
        )
        if not self.excluded:
            return positive
        return f"({positive}) NOT (" + " OR ".join(_fts5_string(t) for t in self.excluded) + ")"


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def clean_input(text: str) -> str:
    """Drop what no database accepts (NUL, lone surrogates) and invisible bidi controls."""
    text = text[: MAX_QUERY_CHARS * 2].translate(_BIDI)
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        kept.append(" " if cat in ("Cc", "Cs") else ch)
    return "".join(kept)[:MAX_QUERY_CHARS]


def _searchable(term: str) -> bool:
    """A term the index can hold: one with a letter or digit (``=``, ``\\``, ``-`` are not)."""
    return any(ch.isalnum() for ch in term)


def _tokens(text: str) -> list[tuple[str, str, bool]]:
    """(kind, text, excluded) with kind 'term' or 'or'."""
    out: list[tuple[str, str, bool]] = []
    for m in _TOKEN.finditer(text):
        minus, phrase, word = m.group(1), m.group(2), m.group(3)
        if word is None:
            out.append(("term", " ".join(phrase.split()), bool(minus)))
        elif word == "OR":
            out.append(("or", word, False))
        elif word == "AND":
            continue
        elif word.startswith("-") and len(word) > 1:
            out.append(("term", word[1:], True))
        else:
            out.append(("term", word, False))
    return out


def parse_query(text: str | None) -> SearchQuery:
    """Parse a typed query; never raises. See the module docstring for the operators."""
    groups: list[list[str]] = []
    excluded: list[str] = []
    notes: list[str] = []
    pending_or = False
    for kind, value, minus in _tokens(clean_input(text or "")):
        if kind == "or":
            pending_or = bool(groups)
            continue
        if not _searchable(value):
            continue
        if minus:
            excluded.append(value)
        elif pending_or and groups:
            groups[-1].append(value)
        else:
            groups.append([value])
        pending_or = False
    if len(groups) > MAX_TERMS:
        notes.append(f"only the first {MAX_TERMS} terms were searched")
    if excluded and not groups:
        notes.append("a query of exclusions alone matches nothing; add a word to look for")
    return SearchQuery(tuple(tuple(g) for g in groups[:MAX_TERMS]),
                       tuple(excluded[:MAX_TERMS]), tuple(notes))
