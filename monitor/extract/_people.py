"""Named officials in one sentence: gazetteer names, and unknown names next to a title."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from monitor.extract.gazetteer import PAIR

_NAME = re.compile(r"((?:[A-Z][a-z'’\-]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z'’\-]+|[A-Z]\.)){1,3})")
# Words that head institutions or offices, never a person's name.
_NOT_NAME = {"Staff", "Committee", "Navy", "Army", "Force", "Forces", "Corps", "Command", "Staff's",
             "Headquarters", "Ministry", "Minister", "Chief", "Chiefs", "Joint", "General", "Air",
             "Naval", "Defence", "Defense", "Islamic", "Republic", "Iranian", "Pakistani", "The",
             "Secretary", "Commander", "Admiral", "Marshal", "Brigadier", "Colonel", "Captain"}
# Rank abbreviations and retirement marks ("Lt Gen (Retd)") sit between a title and the name.
_RANK_WORD = re.compile(r"^(?:Lt|Lieut|Gen|Maj|Brig|Col|Capt|Cdr|Cdre|Adm|Rear|Vice|Retd|Retired|"
                        r"Rtd|Sr|Jr|Mr|Dr|Engr|Sardar|Syed|Amir)\.?$")
_RETIRED = re.compile(r"\s*\(\s*(?:retd|retired|rtd|r)\.?\s*\)", re.IGNORECASE)
# The noun phrase of a title ends at a clause boundary: "Iranian minister received the
# Secretary Defence X" must not give X the Iranian nationality.
_BOUNDARY = re.compile(r",|;|\b(?:and|with|by|met|meets|received|receives|welcomed|hosted|called|"
                       r"held|said|told|who|whom|which|after|before|during|to|for)\b")
_WINDOW = 60
_OFFICE = re.compile(r"\b(?:commander|chief|head|commandant|president|director|deputy)\s+of\b",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Person:
    name: str
    title: str | None
    country: str | None
    start: int
    military: bool


def _skip_titles(sentence: str, pos: int, titles: list[tuple[int, int, Any]]) -> int:
    """Move past further titles and "(Retd)" marks: "Secretary Defence Lt Gen (Retd) X"."""
    while True:
        gap = len(sentence[pos:]) - len(sentence[pos:].lstrip())
        nxt = pos + gap
        retired = _RETIRED.match(sentence, pos)
        if retired:
            pos = retired.end()
            continue
        follow = next((e for s, e, _t in titles if s == nxt), None)
        if follow is None:
            return nxt
        pos = follow


def _is_name(text: str) -> bool:
    words = text.split()
    return len(words) >= 2 and not any(w in _NOT_NAME or _RANK_WORD.match(w) for w in words)


def _phrase_country(sentence: str, start: int, title_start: int, mentions: list[Any]) -> str | None:
    """A pair country named inside the person's own noun phrase ("Pakistan's Defence Secretary")."""
    lo = max(0, title_start - _WINDOW)
    cuts = list(_BOUNDARY.finditer(sentence, lo, title_start))
    if cuts and cuts[-1].group(0) == "," and not sentence[cuts[-1].end():title_start].strip():
        # "the commander of the Iranian Navy's First Naval Zone, Rear Admiral X": the office
        # told before the name, in apposition
        head = [m.end() for m in cuts[:-1]]
        office = (max([lo, *head]), cuts[-1].start())
        if _OFFICE.search(sentence[office[0]:office[1]]):
            inside = [m for m in mentions if office[0] <= m.start and m.end <= office[1]
                      and m.country in PAIR]
            if inside:
                return inside[-1].country
    lo = max([lo, *(m.end() for m in cuts)])
    inside = [m for m in mentions if lo <= m.start and m.end <= start and m.country in PAIR]
    return inside[-1].country if inside else None


def _appositive_country(sentence: str, end: int, mentions: list[Any]) -> str | None:
    """"General X, commander of the IRGC Ground Force, ..." takes its country from the apposition."""
    if not sentence[end:end + 2].startswith(","):
        return None
    close = sentence.find(",", end + 1)
    close = close if close > 0 else len(sentence)
    return next((m.country for m in mentions
                 if end < m.start < close and m.country in PAIR), None)


def people(sentence: str, mentions: list[Any], titles: list[tuple[int, int, Any]],
           persons: list[tuple[int, int, str]]) -> list[Person]:
    """Officials named in a sentence; unknown names count only right after a title."""
    out = [Person(m.entry.name, m.entry.title, m.country, m.start, m.entry.military)
           for m in mentions if m.entry.kind == "official"]
    taken = [(m.start, m.end) for m in mentions] + [(s, e) for s, e, _t in titles]
    candidates: list[tuple[int, int, str, Any, int]] = []
    for start, end, title in titles:
        pos = _skip_titles(sentence, end, titles)
        m = _NAME.match(sentence, pos)
        if m and _is_name(m.group(1)) and sentence[end:m.start()].strip(" ()").count(" ") < 6:
            candidates.append((m.start(1), m.end(1), m.group(1), title, start))
    for start, end, name in persons:  # NER names count only right after a title
        name = _RETIRED.sub("", name).strip()
        title = next(((s, t) for s, e, t in reversed(titles) if e <= start and start - e < 40), None)
        if title is not None and _is_name(name):
            candidates.append((start, end, name, title[1], title[0]))
    for start, end, name, title, title_start in sorted(candidates, key=lambda c: c[0]):
        if any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        country = (_phrase_country(sentence, start, title_start, mentions)
                   or _appositive_country(sentence, end, mentions))
        out.append(Person(name, getattr(title, "title", None), country, start,
                          bool(getattr(title, "military", False))))
    return out


def assign_sides(persons: list[Person], pred_starts: list[int]) -> list[Person]:
    """An official of unstated nationality across a visit predicate from the other side.

    "Brig Gen Goudarzi of Iran's border guard called on Lt Gen Rahat Naseem Ahmed Khan, Commander
    Southern Command": in a sentence that links the two countries, the one called on, met or
    received faces the named official of the other country.
    """
    known = [p for p in persons if p.country in PAIR]
    out = []
    for p in persons:
        if p.country is None:
            sides = {q.country for q in known
                     if any(min(p.start, q.start) < s < max(p.start, q.start) for s in pred_starts)}
            if len(sides) == 1:
                p = replace(p, country="PK" if sides == {"IR"} else "IR")
        out.append(p)
    return out
