"""Who takes part: military participants, resident diplomats and the kind of the visit."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from monitor.extract._clauses import reported_clause
from monitor.extract._patterns import (
    _ASIDE,
    _COMES,
    _CONVEYED,
    _ESCORT,
    _FACILITATORS,
    _HONOURS,
    _LED_DELEGATION,
    _SHIP_SEEN,
    _TOPIC,
    _WITH_VISITING,
)
from monitor.extract._people import _RETIRED
from monitor.extract.dates import strip_dateline
from monitor.extract.gazetteer import PAIR, Entry, Gazetteer

# An attaché who heads a sentence, not one "accompanied by" or "received by" in it.
_ATTACHE = re.compile(r"^(?:(?![,;]|\b(?:accompanied|joined|along|with|by|and)\b).){0,80}?"
                      r"\battach[eé]s?\b", re.IGNORECASE)
_OUT_OF_SERVICE = re.compile(r"\b(?:retired|former|ex-)\s*(?:[\w-]+\s+){0,3}?(?:military|army|navy|naval|"
                             r"air force|officers?|generals?|admirals?|commanders?|servicemen|"
                             r"soldiers|chiefs?|brass|brigadiers?|colonels?|majors?|captains?|"
                             r"commodores?|lieutenants?|marshals?|veterans?)\b(?:\s+(?:officers?|officials?|"
                             r"chiefs?|colonels?|generals?|majors?|captains?|brigadiers?|"
                             r"commanders?|admirals?))*",
                             re.IGNORECASE)
# "led by Brigadier (retired) Tariq Mahmood, chairman of a logistics firm": the mark follows the rank
_RANK_RETIRED = re.compile(r"\b(?:(?:lieutenant|lt\.?|major|maj\.?|brigadier|brig\.?|vice|rear|air|"
                           r"air vice|air chief)\s+)?(?:general|gen\.?|brigadier|brig\.?|colonel|col\.?|"
                           r"major|maj\.?|captain|capt\.?|admiral|adm\.?|commodore|cdre\.?|marshal|"
                           r"commander|cdr\.?)" + _RETIRED.pattern, re.IGNORECASE)
_APPOSITION_OPEN = re.compile(r",\s*(?:a|an|the)?\s*$")
_APPOSITION_CLOSE = re.compile(r"[,;.]|\s[–—]\s")
_JOINER = re.compile(r"[\s,]*")
_AS_CONTEXT = re.compile(r",\s+as\s+(?!part\b|head\b|a member\b|members\b|leader\b|chief\b|"
                         r"guests?\b|well\b)", re.IGNORECASE)
_POSTED = re.compile(r"\s+(?:posted|based|accredited|stationed|serving)\s+(?:in|to|at)\b",
                     re.IGNORECASE)
_HOSTS = re.compile(r"(?:receiv|welcom|host|greet)", re.IGNORECASE)

if TYPE_CHECKING:
    from monitor.extract._mentions import Mention
    from monitor.extract.rules import SentenceResult


class ParticipantJudge:
    """Mixin of SentenceAnalyzer: judgements about the people and things in a sentence."""

    gaz: Gazetteer
    _subject_country: Callable[[list[Mention], int], str | None]

    def _resident_diplomat(self, sentence: str, visitor: str | None, actors: list[Mention],
                           first_pred: int) -> bool:
        if visitor is None:
            return False
        own = [m for m in actors if m.country == visitor]
        # "The outgoing Defence Attaché of Iran in Islamabad, a brigadier general, called on":
        # an attaché heading the subject is posted there, whatever rank he holds.
        attache = _ATTACHE.search(strip_dateline(sentence), 0, first_pred)
        if (attache and not _HOSTS.match(sentence, first_pred)
                and not any(m.start < attache.end() and m.entry.kind in ("official", "institution")
                            for m in own)):
            return True
        if any(m.entry.military and m.entry.kind in ("official", "institution", "ship")
               and m.start < first_pred for m in own):
            return False
        diplomats = list(self.gaz.vocabulary["diplomatic"].finditer(sentence))
        own_diplomats = [m for m in own if m.entry.kind == "official" and "mbassador" in
                         (m.entry.title or "")]
        # "foreign naval attachés posted in Islamabad, including those of China, Iran and ...":
        # the list of whose attachés they are runs on
        reach = [120 if _POSTED.match(sentence, d.end()) else 45 for d in diplomats]
        return bool(own_diplomats) or any(
            abs(d.start() - m.start) < r for d, r in zip(diplomats, reach, strict=True) for m in own)

    def _military(self, sentence: str, mentions: list[Mention], titles: list[tuple[int, int, object]],
                  res: SentenceResult, preds: list[tuple[str, int, int]]) -> bool:
        # "The defence minister said the president's visit had ...": a speaker outside the
        # reported visit does not make it military.
        cut = reported_clause(sentence, preds[0][1], preds[-1][2],
                              [p.start for p in res.people] + [t[0] for t in titles])
        people_ = res.people
        if cut:
            sentence, mentions, titles, inside = _blank(sentence, [(0, cut)], mentions, titles)
            people_ = [p for p in people_ if not inside(p.start)]
        # ", as the two neighbours traded threats and Pakistan's military tested a missile":
        # the circumstances of a visit, not its party
        context = _AS_CONTEXT.search(sentence)
        context = context if context and context.start() > preds[-1][2] else None
        comes = _COMES.search(sentence, preds[0][2])
        cuts = [m.start() for m in (context, comes) if m is not None]
        if cuts:
            sentence, mentions, titles, inside = _blank(
                sentence, [(min(cuts), len(sentence))], mentions, titles)
            people_ = [p for p in people_ if not inside(p.start)]
        # "scholars and retired military officers": out of service, out of the military side
        retired = [_appositive(sentence, m.span())
                   for p in (_OUT_OF_SERVICE, _RANK_RETIRED) for m in p.finditer(sentence)]
        if retired:
            sentence, mentions, titles, _ = _blank(sentence, retired, mentions, titles)
            # the name right after "Brigadier (retired)" is the retired officer's own
            people_ = [p for p in people_ if not any(a <= p.start <= b + 1 for a, b in retired)]
        sentence = self.gaz.vocabulary["not_rank"].sub(lambda m: " " * len(m.group(0)), sentence)
        # An escort ("under the escort of Levies") guards the visit; it does not take part in it,
        # and neither do a guard of honour or the senders of greetings.
        bystanders = [m.span() for p in (_ESCORT, _FACILITATORS, _HONOURS, _CONVEYED)
                      for m in p.finditer(sentence)]
        sentence, mentions, titles, inside = _blank(sentence, bystanders, mentions, titles)
        people_ = [p for p in people_ if not inside(p.start)]
        # "The two ministers discussed the role of the Frontier Corps": a topic, not a party.
        sentence, mentions, titles, _ = _blank(
            sentence, [m.span() for m in _TOPIC.finditer(sentence)], mentions, titles)
        sentence, mentions, titles, _ = _blank(
            sentence, _ranks_under_office(sentence, titles, mentions), mentions, titles)
        if any(m.entry.military and m.country in PAIR for m in mentions):
            return True
        if any(getattr(t, "military", False) for _s, _e, t in titles):
            return True
        if any(p.military for p in people_):
            return True
        return bool(self.gaz.vocabulary["military"].search(sentence))

    def _kind(self, sentence: str, preds: list[tuple[str, int, int]], actors: list[Mention],
              locs: list[Mention], res: SentenceResult, capital: Entry | None) -> str:
        # "visited ships of the Iranian fleet": ships seen by a visitor make no port call
        if any(not _SHIP_SEEN.search(sentence, max(0, m.start() - 40), m.start())
               for m in self.gaz.vocabulary["ships"].finditer(sentence)):
            return "port_call"
        asides = [(m.start(), m.end()) for m in _ASIDE.finditer(sentence)]
        for role, start, _end in preds:
            if any(a <= start < b for a, b in asides):
                continue  # "X, who is on an official visit to Pakistan, called on ..."
            if role == "visiting" and not _WITH_VISITING.search(sentence[max(0, start - 25):start]):
                continue  # "X and visiting Y discussed" is told from neither side
            subject = self._subject_country(actors, start)
            if role == "hosting" and subject is None and "dateline_location" in res.rules:
                return "hosting"  # "X received the Iranian delegation", filed from the host city
            if role in ("hosting", "visiting") and subject == res.host:
                return "hosting"  # "received / in a meeting with the visiting ..."
            if role == "call_on" and ((capital is not None and capital.country == res.host) or any(
                    m.entry.place_kind == "headquarters" and m.country == res.host for m in locs)):
                # "X called on the COAS at GHQ": filed from the host's side, or told as its
                # headquarters tells a call paid on its chief
                return "hosting"
            if role in ("hosting", "hosted", "call_on", "movement", "port"):
                break
        if _LED_DELEGATION.search(sentence):
            return "delegation"
        group = self.gaz.vocabulary["groups"].search(sentence)
        first_pred = preds[0][1]
        named = [p.start for p in res.people if p.country == res.visitor]
        if group and group.start() < first_pred and (not named or group.start() < min(named)):
            return "delegation"
        return "visit"


def _appositive(sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """", a former commander of the Revolutionary Guards' air force and ex-mayor, ...": the
    whole apposition tells a past career, institutions and all."""
    start, end = span
    if not _APPOSITION_OPEN.search(sentence, 0, start):
        return span
    close = _APPOSITION_CLOSE.search(sentence, end)
    return start, close.start() if close else len(sentence)


def _ranks_under_office(sentence: str, titles: list[tuple[int, int, object]],
                        mentions: list[Mention]) -> list[tuple[int, int]]:
    """"Interior Minister Brigadier General Ahmad Vahidi", "his counterpart Brigadier General
    Eskandar Momeni" (an interior minister): the office, not the rank, says in what capacity he
    travels; a rank right after a civilian office, or before a known civilian office holder,
    does not make him military."""
    civil_ends = [e for _s, e, t in titles
                  if not getattr(t, "military", False) and not getattr(t, "diplomat", False)]
    civilians = [m.start for m in mentions if m.entry.kind == "official" and not m.entry.military]
    return [(s, e) for s, e, t in titles
            if getattr(t, "military", False)
            and (any(ce <= s and _JOINER.fullmatch(sentence[ce:s]) for ce in civil_ends)
                 or any(e <= c and _JOINER.fullmatch(sentence[e:c]) for c in civilians))]


def _blank(sentence: str, spans: list[tuple[int, int]], mentions: list[Mention],
           titles: list[tuple[int, int, object]]
           ) -> tuple[str, list[Mention], list[tuple[int, int, object]], Callable[[int], bool]]:
    """The sentence with `spans` blanked, the mentions and titles outside them, and the test
    of a position against them (positions and lengths are kept: offsets stay valid)."""
    def inside(pos: int) -> bool:
        return any(a <= pos < b for a, b in spans)

    for a, b in spans:
        sentence = sentence[:a] + " " * (b - a) + sentence[b:]
    return (sentence, [m for m in mentions if not inside(m.start)],
            [t for t in titles if not inside(t[0])], inside)
