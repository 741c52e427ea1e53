"""Combine sentence results into one Extraction per text."""

from __future__ import annotations

import re
from datetime import date

from monitor.extract.dates import _VAGUE
from monitor.extract.extractor import Extraction, Official
from monitor.extract.gazetteer import PAIR, Entry
from monitor.extract.rules import SentenceResult

MAX_EVIDENCE = 3
_ONWARD = re.compile(r"\b(?:will|(?:is|was|are|were) (?:also )?(?:scheduled|due|expected|set|slated) to)"
                     r"\s+(?:also\s+)?(?:visit|travel|tour|proceed|go|fly|head|call)", re.IGNORECASE)
_LATER = re.compile(r"\b(?:also|later|then|next|onward|thereafter|afterwards|subsequently|before "
                    r"(?:returning|leaving|flying))\b", re.IGNORECASE)
_THE_MEETING = re.compile(r"^\W*(?:the|this|that|today's|the day's)\s+(?:[\w\-]+\s+){0,2}?"
                          r"(?:meeting|talks|session|conference|discussions?|consultations)\b",
                          re.IGNORECASE)
# "In a phone conversation, the two commanders ...": how the meeting just told was held
_REMOTE_OPENING = re.compile(r"^\W*(?:(?:in|during|over|via|by)\s+(?:a|an|the|their|his|her)\s+"
                             r"(?:[\w\-]+\s+){0,2}?(?:phone|telephone|video|virtual|online)\b|"
                             r"speaking\s+(?:by|over|on)\s+(?:the\s+)?(?:phone|telephone)\b)",
                             re.IGNORECASE)
_ANNOUNCED = re.compile(r"\b(?:will|shall|(?:is|are) (?:due|set|scheduled|expected|slated|to))\s+"
                        r"(?:\w+\s+)?(?:travel|visit|arrive|fly|tour|pay|come|lead|call|dock|hold)\b",
                        re.IGNORECASE)
CANCELLED_CAP = 0.3  # a text announcing that the visit is off is not an alert
LONE_CAP = 0.45  # below the default threshold: see _lone_among_ruled_out
LEAD_CHARS = 300
# A meeting sentence without a place scores 0.3 + extras; the host from the text's own places
# lifts it over the default threshold, the dateline alone (a filing city) only with extras.
CONTEXT_HOST_BONUS = 0.2
DATELINE_HOST_BONUS = 0.15


def _agrees(s: SentenceResult, best: SentenceResult) -> bool:
    return s.host in (None, best.host) and s.visitor in (None, best.visitor)


def _resolve_host(best: SentenceResult, valid: list[SentenceResult],
                  sentences: list[SentenceResult], capital: Entry | None,
                  rules: list[str]) -> None:
    """A meeting sentence without a place takes the host from other evidence or the dateline."""
    if best.host is not None:
        return
    hosts = [s.host for s in valid if s.host is not None]
    # Places of the event named elsewhere ("IDEAS opened at the Karachi Expo Centre").
    places = {c for s in sentences if s.support and not s.vetoes for c, _loc in s.places}
    if not hosts and len(places) == 1:
        hosts = list(places)
    host = hosts[0] if hosts else (capital.country if capital is not None else None)
    if host is None:
        return
    best.host, best.visitor = host, ("PK" if host == "IR" else "IR")
    bonus = CONTEXT_HOST_BONUS if hosts else DATELINE_HOST_BONUS
    best.score = min(0.95, best.score + bonus)
    rules.append("host_from_context" if hosts else "host_from_dateline")


def _officials(sentences: list[SentenceResult]) -> list[Official]:
    seen: dict[str, Official] = {}
    for s in sentences:
        for p in sorted(s.people, key=lambda p: p.start):
            if p.country in PAIR and p.name.lower() not in seen:
                seen[p.name.lower()] = Official(p.name, p.title, p.country)
    return list(seen.values())


def _onward(s: SentenceResult) -> bool:
    return bool(_ONWARD.search(s.text) and _LATER.search(s.text))


def _location(best: SentenceResult, agreeing: list[SentenceResult],
              sentences: list[SentenceResult], capital: Entry | None) -> str | None:
    # The later legs of an itinerary ("is also scheduled to visit Risalpur") are not where the
    # reported meeting took place; the first report of a place, in text order, is.
    placed = [s for s in sorted(agreeing, key=lambda s: s.start)
              if s.location and s.host == best.host]
    for s in [*(s for s in placed if not _onward(s)), best, *placed]:
        if s.location:
            return s.location
    for s in sentences:  # "on arrival at the General Staff headquarters"
        for country, location in s.places if s.support and not s.vetoes else ():
            if country == best.host:
                return location
    if capital is not None and capital.country == best.host:
        return capital.location or capital.name
    return None


def _inherit_vetoes(sentences: list[SentenceResult]) -> None:
    """"During the meeting, ..." belongs to the meeting told before it, vetoes and all.

    An ambassador's call on a service chief is no visit, and neither is the next sentence
    about what was said in it.
    """
    antecedent = None
    for s in sentences:
        if not s.event:
            continue
        if s.anaphoric and s.host is None and antecedent is not None and antecedent.vetoes:
            s.valid, s.score = False, min(s.score, 0.1)
            s.vetoes = [*antecedent.vetoes, "refers_back"]
            continue
        antecedent = s


def _remote_lead(sentences: list[SentenceResult]) -> None:
    """A text that opens with a video-link meeting tells of that meeting afterwards.

    "The attendees on the Pakistani side were ..., while the Iranian side was represented by
    ... in Zahedan": a sentence that only says who met, with no travel, arrival or hosting,
    belongs to the remote meeting of the lead.
    """
    events = [s for s in sentences if s.event]
    if not events or "remote" not in events[0].vetoes:
        return
    for s in events[1:]:
        if s.valid and s.roles <= {"meeting"}:
            s.valid, s.score = False, min(s.score, 0.1)
            s.vetoes = [*s.vetoes, "remote", "refers_back"]


def _context_dates(sentences: list[SentenceResult], best: SentenceResult) -> list[date]:
    """Dates of the visit told around undated evidence ("has arrived"), nearest first: a
    sentence that rules nothing out, is no other Iran–Pakistan event of its own and no later
    leg of the trip."""
    around = sorted((s for s in sentences if not s.vetoes and not _onward(s)
                     and (not s.event or _agrees(s, best))),
                    key=lambda s: abs(s.start - best.start))
    return [s.context_date for s in around if s.context_date is not None]


def _remote_sequel(sentences: list[SentenceResult]) -> None:
    """"The meeting, held via video link between Turbat and Zahedan, ...", "In a phone
    conversation, the two commanders ...": the meeting told just before, with nobody
    travelling to it, was that remote one."""
    for i, s in enumerate(sentences):
        if not s.remote or not (_THE_MEETING.match(s.text) or _REMOTE_OPENING.match(s.text)):
            continue
        prev = next((p for p in reversed(sentences[max(0, i - 2):i]) if p.event), None)
        if prev is not None and prev.valid and prev.roles <= {"meeting"}:
            prev.valid, prev.score = False, min(prev.score, 0.1)
            prev.vetoes = [*prev.vetoes, "remote", "told_after"]


def _placed_abroad(s: SentenceResult, sentences: list[SentenceResult]) -> bool:
    """A meeting told without a place of its own, after the story last placed itself in a third
    country ("who is in the Chinese city of Qingdao for the SCO meeting", "berthed at the Omani
    port of Salalah"), is there too, not in the dateline city."""
    if s.host is not None and "dateline_location" not in s.rules:
        return False
    before = [t for t in sentences if t.start < s.start and t.support and t.venue is not None]
    return bool(before) and before[-1].venue == "abroad"


def _lone_among_ruled_out(sentences: list[SentenceResult], valid: list[SentenceResult],
                          best: SentenceResult) -> bool:
    """One undated visit sentence in a text whose other Iran–Pakistan contacts are all ruled out.

    Analyses, profiles and reviews tell of many contacts, past, hoped for or by telephone; the
    one sentence that slips through those cues is far more often background than news (a
    report of a current visit dates it or tells it more than once).
    """
    if len(valid) != 1 or best.date is not None or best.statement_date is not None:
        return False
    if _VAGUE.search(best.text) and _ANNOUNCED.search(best.text):
        return False  # "will travel to Islamabad next week": announced, with what date there is
    if best.start < LEAD_CHARS:
        return False  # the lead is the story itself
    return sum(1 for s in sentences if s.event and s.vetoes) >= 2


_PARTY_VETOES = {"remote", "cancelled", "speculative", "invitation_only", "refers_back",
                 "resident_diplomat", "third_country_location", "third_country_visitor",
                 "sidelines_elsewhere"}


def _officers_follow(after: list[SentenceResult]) -> bool:
    """The next sentences name military members of the party, in prose or as a list."""
    for i, t in enumerate(after[:8]):
        # ("..., the army chief who was promoted last week": a date of someone's past, not a
        # reason to doubt who travels)
        if set(t.vetoes) & _PARTY_VETOES:
            continue
        if t.military_party:
            return True
        if t.party_intro:  # "The delegation included:" and a bulleted list
            items = []
            for u in after[i + 1:]:
                if not u.bullet:
                    break
                items.append(u)
            if any(u.military_words for u in items):
                return True
    return False


def _military_party(sentences: list[SentenceResult]) -> list[SentenceResult]:
    """A meeting told without ranks, whose party the next sentences fill with officers.

    "The Joint Border Commission met in Zahedan today. The Pakistani delegation ... comprised
    senior officers of the Frontier Corps and GHQ": the meeting has a military side.
    """
    for i, s in enumerate(sentences):
        if s.if_military is not None and _officers_follow(sentences[i + 1:i + 10]):
            # a named visitor's kind stands ("the prime minister arrived in Tehran", the army
            # chief in his party, is his visit); a commission or a side with no one named in
            # the lead is a delegation
            found = s.if_military
            found.rules = [*found.rules, "military_in_party"]
            if not any(p.country == found.visitor for p in found.people):
                found.kind = "delegation"
                found.rules = [r for r in found.rules if not r.startswith("kind_")]
                found.rules.append("kind_delegation")
            return [found]
    return []


def aggregate(sentences: list[SentenceResult], capital: Entry | None,
              threshold: float) -> Extraction:
    # the helpers read "before" and "next" from this order
    sentences = sorted(sentences, key=lambda s: s.start)
    _inherit_vetoes(sentences)
    _remote_lead(sentences)
    _remote_sequel(sentences)
    valid = [s for s in sentences if s.valid and not _placed_abroad(s, sentences)]
    if not any(s.host is not None for s in valid):
        valid = _military_party(sentences) or valid
    rules = sorted({r for s in sentences for r in s.vetoes})
    if not valid:
        score = max((s.score for s in sentences), default=0.0)
        return Extraction(score=score, rules=rules or ["no_visit_sentence"])
    best = max(valid, key=lambda s: (s.score, -s.start))
    rules += best.rules
    _resolve_host(best, valid, sentences, capital, rules)
    agreeing = [s for s in valid if _agrees(s, best)]
    score = best.score + 0.02 * min(2, len(agreeing) - 1)
    if any(s.cancelled_link for s in sentences):
        score = min(score, CANCELLED_CAP)
        rules.append("cancelled_visit")
    evidence = sorted(sorted(agreeing, key=lambda s: -s.score)[:MAX_EVIDENCE], key=lambda s: s.start)
    # People named only in background sentences ("the president, who hosted ... last month")
    # are not part of the visit; a supporting sentence must itself link the two sides.
    # (an ambassador who receives the visitor at the airport is one of them, though his own
    # call on a chief would be no visit)
    participants = [s for s in sentences
                    if s.support and set(s.vetoes) <= {"resident_diplomat"} and s.linked]
    kind = "port_call" if any(s.kind == "port_call" for s in evidence) else best.kind
    if _lone_among_ruled_out(sentences, valid, best):
        score = min(score, LONE_CAP)
        rules.append("lone_undated_among_ruled_out")
    # "The minister returned late on Tuesday", placed like the visit, dates it when no
    # evidence sentence does; the day a statement was made comes last.
    referring = [s for s in sentences if s.reference_date is not None and s.host is not None
                 and _agrees(s, best)]
    # a later leg ("is to visit the dockyard tomorrow before returning") dates only itself
    told = [best, *(s for s in agreeing if not _onward(s)), *(s for s in agreeing if _onward(s))]
    dates = ([s.date for s in told if s.date is not None]
             or [s.reference_date for s in referring]
             or _context_dates(sentences, best)
             or [s.statement_date for s in told if s.statement_date is not None]
             or [s.present_date for s in told if s.present_date is not None])
    return Extraction(
        match=score >= threshold, score=min(score, 0.99), kind=kind,
        visitor_country=best.visitor, host_country=best.host,
        officials=_officials(sorted({id(s): s for s in evidence + agreeing + participants}.values(),
                                    key=lambda s: s.start)),
        location=_location(best, agreeing, sentences, capital), event_date=dates[0] if dates else None,
        evidence=[s.text for s in evidence], rules=rules)
