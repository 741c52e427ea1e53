"""Who is in a party and who is not: members named after a meeting, countries named as geography."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from monitor.extract._patterns import (
    _APPEAL_AFTER,
    _APPEAL_BEFORE,
    _BORDER_AFTER,
    _BORDER_BEFORE,
    _BORDER_WITH,
)

if TYPE_CHECKING:
    from monitor.extract._mentions import Mention

_INVERTED = re.compile(r"\b(?:was|were)\b")
# Headquarters every armed force has: "at the General Staff headquarters in Ankara" is Turkish.
_GENERIC_PLACES = {"place:General Staff headquarters", "place:Naval Headquarters",
                   "place:Air Headquarters", "place:Joint Staff Headquarters"}
_PAIR_BORDER = re.compile(r"-[A-Za-z]+\s+(?:border|frontier)s?\b(?!\s+(?:guards?|police|forces?|"
                          r"commission|security|officials?|troops|regiment|command|committee|"
                          r"authorities|personnel|units?|posts?|meeting|talks|liaison))")
# Who a delegation is made of ("comprised senior officers of the Frontier Corps")
_MEMBERS = re.compile(r"\b(?:delegation|side|team)\b[^.;]{0,80}?\b(?:comprised|comprising|consisted of|"
                      r"included|including|was made up of)\b|\b(?:was|were|is|are) (?:also )?"
                      r"(?:accompanied|joined) by\b|\b(?:is|are|was|were) accompanying\b|\b(?:in|with|part of|member of) (?:the|his|her|"
                      r"their) (?:delegation|party|entourage)\b", re.IGNORECASE)
_TOPIC_IN = re.compile(r"\b(?:situation|developments?|events|crisis|conflict|war|tensions?|unrest|"
                       r"protests?|violence|instability|elections?|economy|affairs|strikes?) "
                       r"(?:in|inside|within|on|over) (?:the )?$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-•*–—]\s")
# (a "former commander" of the Guards who leads lawmakers is no officer of the delegation)
_NOT_MEMBERS = re.compile(r"\bnot (?:part of|a party to|involved in|present at)\b|\bno (?:military|"
                          r"army|security) (?:officers?|officials?)\b|\b(?:former|ex-|retired)|"
                          r"^\W*(?:no|none|neither)\b|\b(?:was|were|is|are) not\b|\bwithout\b",
                          re.IGNORECASE)


_ROSTER_BEFORE = re.compile(r"\b(?:including|such as|among them|like|from)\s+(?:the\s+)?"
                            r"((?:[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*)*,\s+)*)(?:and\s+)?$")
_ROSTER_AFTER = re.compile(r"((?:,\s+(?:and\s+)?(?:the\s+)?[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*)*)*)")


def _in_roster(sentence: str, m: Mention) -> bool:
    """A country in a list of four or more names after "including" / "such as": a roster of a
    multinational event, not a side of a visit."""
    before = _ROSTER_BEFORE.search(sentence[max(0, m.start - 160):m.start])
    if before is None:
        return False
    after = _ROSTER_AFTER.match(sentence, m.end)
    items = before.group(1).count(",") + 1 + (after.group(1).count(",") if after else 0)
    tail = sentence[m.end:m.end + 40]
    items += 1 if re.match(r"\s+and\s+[A-Z]", tail) else 0
    return items >= 4


def _geography(sentence: str, m: Mention) -> bool:
    """A country named only to say where a border runs ("near the border with Pakistan"), or
    addressed by an appeal."""
    if m.entry.kind not in ("country", "demonym"):
        return False
    before = sentence[max(0, m.start - 90):m.start]
    if _TOPIC_IN.search(before):
        return True  # "would discuss the situation in Iran": a topic, not where anyone goes
    if m.entry.kind == "country" and _in_roster(sentence, m):
        return True  # "navies from dozens of countries, including China, Russia, Iran and ..."
    if m.loc:
        return False
    if _PAIR_BORDER.match(sentence, m.end) or (before.endswith("-")
                                               and _BORDER_AFTER.match(sentence, m.end)):
        return True  # "the Pak-Iran border is a border of peace"
    if _APPEAL_BEFORE.search(before) and _APPEAL_AFTER.match(sentence, m.end):
        return True  # the addressee of an appeal ("urged Pakistan to act"), not a party
    return bool(_BORDER_WITH.search(before) or (_BORDER_BEFORE.search(before)
                                                and _BORDER_AFTER.match(sentence, m.end)))
