"""Gazetteer mentions in one sentence: which are places of the visit, which are its actors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from monitor.extract._parties import _geography
from monitor.extract._patterns import (
    _ASIDE,
    _AT_BEFORE,
    _ATTEND_BEFORE,
    _CAPITAL,
    _FOR_BEFORE,
    _FROM_BEFORE,
    _HERE,
    _LEG_BEFORE,
    _LOC_BEFORE,
    _NATIONAL_CAPITALS,
    _RETURN_BEFORE,
    _SOURCE_AFTER,
    _SOURCE_BEFORE,
    _VISITED_FROM,
)
from monitor.extract.dates import strip_dateline
from monitor.extract.gazetteer import Entry, Gazetteer, is_case_sensitive


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entry: Entry
    loc: bool

    @property
    def country(self) -> str | None:
        return self.entry.country


@dataclass(frozen=True)
class Context:
    pub: date | None
    capital: Entry | None  # the dateline place, when it is in Iran or Pakistan


class MentionReader:
    """Mixin of SentenceAnalyzer: titles and gazetteer mentions, split by their part."""

    gaz: Gazetteer

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        terms = sorted(((t, ti) for ti in gazetteer.titles for t in ti.terms),
                       key=lambda x: len(x[0]), reverse=True)
        self._title_of = {(t if is_case_sensitive(t) else t.lower()): ti for t, ti in terms}
        loose = "|".join(re.escape(t) for t, _ in terms if not is_case_sensitive(t))
        exact = "|".join(re.escape(t) for t, _ in terms if is_case_sensitive(t))
        self._titles_loose = re.compile(rf"(?<![\w-])(?:{loose})(?![\w-])", re.IGNORECASE)
        self._titles_exact = re.compile(rf"(?<![\w-])(?:{exact})(?![\w-])")
        civil = gazetteer.vocabulary["civilians"].pattern
        self._civilian_subject = re.compile(
            rf"{civil}\s+(?:(?:who|which|that|are|were|is|was|have|has|had|also|still|often|"
            rf"regularly|usually|each|every|to|and|from|of|attempting|trying|seeking|tried|"
            rf"attempted|sought|planning|[A-Z][\w-]+)\s+){{0,3}}$", re.IGNORECASE)

        self._civilians_from = re.compile(
            rf"{civil}\s+(?:[\w-]+\s+){{0,2}}(?:returning|returned|fleeing|fled|evacuated|"
            rf"repatriated|deported|coming back|stranded)\s+(?:from|in)\s+$", re.IGNORECASE)

    def _is_loc(self, sentence: str, start: int, end: int, entry: Entry,
                titles: list[tuple[int, int, object]]) -> bool:
        if entry.kind not in ("place", "country", "institution", "third"):
            return False
        prefix = sentence[max(0, start - 80):start]
        if entry.place_kind == "venue" and _ATTEND_BEFORE.search(prefix):
            return True  # "is attending IDEAS": a fair or a palace is where one attends
        if entry.kind == "institution":  # "at the Ministry of ..." but not "visiting Iranian Navy"
            return bool(_AT_BEFORE.search(prefix))
        # "on his return from Pakistan": the place he has just visited
        found = (_LOC_BEFORE.search(prefix) or _FOR_BEFORE.search(prefix)
                 or _VISITED_FROM.search(prefix))
        if not found or _RETURN_BEFORE.search(prefix):
            return False  # "flew back to Islamabad": home, not the place visited
        if _SOURCE_BEFORE.search(prefix) and _SOURCE_AFTER.match(sentence, end):
            return False  # "officials in Tehran said": where the source sits
        # "the visiting Chief of Naval Staff of Pakistan": the place names the office
        lo = start - len(prefix) + found.start()
        return not any(lo <= s and e <= start for s, e, _t in titles)

    def mentions(self, sentence: str, spans: list[tuple[int, int, str]],
                 titles: list[tuple[int, int, object]] | None = None) -> list[Mention]:
        out = []
        for start, end, key in spans:
            entry = self.gaz.entries.get(key)
            if entry is not None:
                loc = self._is_loc(sentence, start, end, entry, titles or [])
                out.append(Mention(start, end, entry, loc))
        return out

    def titles(self, sentence: str) -> list[tuple[int, int, object]]:
        # "Pakistan's general elections": the rank word as an adjective names no officer
        plain = [(m.start(), m.end()) for m in self.gaz.vocabulary["not_rank"].finditer(sentence)]
        found = []
        for pattern in (self._titles_loose, self._titles_exact):
            for m in pattern.finditer(sentence):
                key = m.group(0) if is_case_sensitive(m.group(0)) else m.group(0).lower()
                title = self._title_of.get(key) or self._title_of.get(m.group(0).lower())
                if title is not None and not any(a <= m.start() < b for a, b in plain):
                    found.append((m.start(), m.end(), title))
        return found

    def _split(self, sentence: str, mentions: list[Mention], ctx: Context):
        invites = [m.end() for m in self.gaz.cues["invitation"].finditer(sentence)]
        locs, actors, third_locs, third_actors = [], [], [], []
        asides = [(m.start(), m.end()) for m in _ASIDE.finditer(sentence)]
        plain = strip_dateline(sentence)
        for m in mentions:
            if _geography(sentence, m) or self._left_by_civilians(sentence, m):
                continue
            if _LEG_BEFORE.match(plain, 0, m.start) and sentence.startswith(",", m.end):
                continue  # "After Iran, the Russian delegation travels to Islamabad": another leg
            if m.entry.kind == "third":
                # "..., who praised Pakistan's support during the war with Israel": background,
                # but "..., who is in Riyadh for talks," still places the meeting.
                if m.loc or not any(a <= m.start < b for a, b in asides):
                    (third_locs if m.loc else third_actors).append(m)
            elif m.loc and not any(0 <= m.start - end < 30 for end in invites):
                locs.append(m)
            elif not m.loc and (m.entry.kind != "place" or m.entry.military
                                or self._origin(sentence, m.start)):
                # "a delegation from the NDU", "the NDU hosted ...": the body behind the place
                actors.append(m)
        for m in _CAPITAL.finditer(sentence):
            # "the Iranian capital" is Tehran; a bare "the capital" is the dateline city.
            named = (m.group(1) or "").strip().lower()
            entry = self.gaz.entries.get(_NATIONAL_CAPITALS.get(named, ""), ctx.capital)
            if entry is not None:
                locs.append(Mention(m.start(), m.end(), entry, True))
        if ctx.capital is not None:  # "opened at the Expo Centre here"
            locs.extend(Mention(m.start(), m.end(), ctx.capital, True)
                        for m in _HERE.finditer(sentence))
        return locs, actors, third_locs, third_actors

    def _left_by_civilians(self, sentence: str, m: Mention) -> bool:
        """"Pakistani nationals returning from Iran": a country civilians come from."""
        if m.entry.kind not in ("country", "demonym"):
            return False
        return bool(self._civilians_from.search(sentence[max(0, m.start - 90):m.start]))

    @staticmethod
    def _origin(sentence: str, start: int) -> bool:
        return bool(_FROM_BEFORE.search(sentence[max(0, start - 80):start]))
