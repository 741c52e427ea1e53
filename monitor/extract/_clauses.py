"""Clause-level readings of one sentence: who speaks, what an invitation covers, back-references."""

from __future__ import annotations

import re

# "X said (that) ...", "X told reporters ...": the speaker reports; the clause after it holds
# the reported event.
_REPORTING = re.compile(
    r"\b(?:said|says|told|tells|stated|states|noted|notes|added|adds|remarked|stressed|"
    r"emphasi[sz]ed|underlined|highlighted|asserted|declared|recalled|pointed out)\b"
    r"(?:[^,.;:\"“]{0,40}?\bthat\b)?\s*,?\s*", re.IGNORECASE)
# A pronoun in the reported clause may point back at the speaker ("said he would travel").
_BACK_POINTER = re.compile(r"\b(?:he|she|they|his|her|their|him|them|himself|herself|we|our|I|my)\b")
# "During the meeting, ...": the sentence continues an event reported before it.
_ANAPHOR = re.compile(r"\b(?:during|in|at|after|following|throughout)\s+(?:the|this|that)\s+"
                      r"(?:meeting|talks|session|conversation|conference|discussions?|exchange)\b",
                      re.IGNORECASE)


def reported_clause(sentence: str, first_pred: int, last_pred_end: int,
                    participants: list[int]) -> int:
    """Where the reported clause starts when the speaker takes no part in the reported event.

    "The defence minister said the president's visit to Pakistan had opened a new chapter":
    the minister talks about a visit he was not on. The speaker stays a participant when a
    pronoun in the clause may be him ("said he would travel"), or when the clause names nobody
    of its own. Returns 0 when the whole sentence counts.
    """
    verbs = [m for m in _REPORTING.finditer(sentence) if m.end() <= first_pred]
    if not verbs:
        return 0
    cut = verbs[-1].end()
    if _BACK_POINTER.search(sentence, cut, last_pred_end):
        return 0
    if not any(cut <= p for p in participants):
        return 0
    return cut


def invitation_spans(sentence: str, invitation: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of invitations: a visit verb inside one is what is asked for, not what happens."""
    return [(m.start(), m.end()) for m in invitation.finditer(sentence)]


def refers_back(sentence: str) -> bool:
    """True when the sentence reports more of an event told earlier ("During the meeting, ...")."""
    return bool(_ANAPHOR.search(sentence))
