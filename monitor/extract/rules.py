"""Sentence-level reasoning: does this sentence report an Iran–Pakistan military visit?"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from monitor.extract._clauses import invitation_spans, refers_back
from monitor.extract._judge import ParticipantJudge
from monitor.extract._mentions import Context, Mention, MentionReader
from monitor.extract._parties import (
    _BULLET,
    _GENERIC_PLACES,
    _INVERTED,
    _MEMBERS,
    _NOT_MEMBERS,
)
from monitor.extract._patterns import (
    _ARRIVAL,
    _CIRCUMSTANCE,
    _COMES,
    _DEFINITE_SUBJECT,
    _PLACE_RANK,
    _PRESENT_NEWS,
    _REPORTED_MEETING,
    _RETURN_FROM,
    _THIS_PERIOD,
)
from monitor.extract._people import Person, assign_sides, people
from monitor.extract.dates import (
    comparison_spans,
    is_past_reference,
    resolve_date,
    strip_comparison,
    strip_dateline,
)
from monitor.extract.gazetteer import PAIR, Entry

STRONG_ROLES = ("port", "hosting", "hosted", "call_on", "visiting")


@dataclass
class SentenceResult:
    text: str
    start: int
    score: float = 0.0
    valid: bool = False
    visitor: str | None = None
    host: str | None = None
    location: str | None = None
    kind: str = "visit"
    date: date | None = None
    statement_date: date | None = None  # only the day something was said: a fallback
    reference_date: date | None = None  # date in a sentence about "the minister" named before
    context_date: date | None = None  # date of a visit or meeting told in a non-evidence sentence
    venue: str | None = None  # "pair" or "abroad": where the places it names are
    present_date: date | None = None  # publication day, for evidence told as "has arrived"
    people: list[Person] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    vetoes: list[str] = field(default_factory=list)
    support: bool = False
    cancelled_link: bool = False
    remote: bool = False  # says a meeting was held by telephone or video link
    linked: bool = False  # has a visit or meeting predicate: may name participants
    event: bool = False  # a predicate with both countries: an event of its own or a reference
    anaphoric: bool = False  # "During the meeting, ...": continues an event told before
    places: list[tuple[str | None, str | None]] = field(default_factory=list)
    roles: frozenset[str] = frozenset()  # roles of the visit predicates in the sentence
    party_intro: bool = False  # says who belongs to a party ("The delegation included:")
    bullet: bool = False  # an item of a list
    military_words: bool = False
    if_military: SentenceResult | None = None  # a civilian meeting, scored as if military

    @property
    def military_party(self) -> bool:
        """Names members of a party, some of them military."""
        return self.party_intro and self.military_words


class SentenceAnalyzer(MentionReader, ParticipantJudge):
    """Turns one sentence plus its gazetteer mentions into a SentenceResult."""

    # --- reasoning -------------------------------------------------------------------------
    def analyze(self, sentence: str, offset: int, spans: list[tuple[int, int, str]],
                persons: list[tuple[int, int, str]], ctx: Context) -> SentenceResult:
        res = SentenceResult(sentence, offset)
        titles = self.titles(sentence)
        mentions = self.mentions(sentence, spans, titles)
        res.people = people(sentence, mentions, titles, persons)
        preds = self._predicates(sentence)
        # ", as the neighbours rebuild ties strained by strikes earlier this year": the
        # circumstances told after the event neither date it nor rule it out
        told = sentence
        circumstance = _CIRCUMSTANCE.search(sentence, preds[-1][2]) if preds else None
        comes = _COMES.search(sentence, preds[0][2]) if preds else None
        cuts = [m.start() for m in (circumstance, comes) if m is not None]
        if cuts:
            told = sentence[:min(cuts)]
        cues = {name: bool(p.search(told)) for name, p in self.gaz.cues.items()}
        cues["retrospective"] = self._retrospective(told, ctx)
        past = is_past_reference(told, ctx.pub)
        res.remote = cues["remote"]
        # "Since the army chief's trip to Tehran, ...": places of the past point of reference
        past_refs = comparison_spans(sentence)
        locs, actors, third_locs, third_actors = self._split(
            sentence, [m for m in mentions if not any(a <= m.start < b for a, b in past_refs)], ctx)
        self._implicit_location(sentence, preds, locs, actors, third_locs + third_actors, ctx)
        if any(m.start < 0 for m in locs):
            res.rules.append("dateline_location")
        res.support = not past and not any(
            cues[c] for c in ("remote", "cancelled", "retrospective", "pastime"))
        if any(m.start >= 0 for m in locs):
            res.venue = "pair"
        elif third_locs:
            res.venue = "abroad"
        # Places the text names; the dateline is the fallback of its own, not context.
        res.places = [(m.country, m.entry.location) for m in locs
                      if m.entry.kind == "place" and m.entry.location and m.start >= 0]
        party = self.gaz.vocabulary["party"].search(sentence)
        res.linked = bool(preds) or bool(party)
        # "The Pakistani delegation ... comprised senior officers of the Frontier Corps"
        res.party_intro = bool(_MEMBERS.search(sentence)) and not _NOT_MEMBERS.search(sentence)
        res.bullet = bool(_BULLET.match(sentence))
        plain = self.gaz.vocabulary["not_rank"].sub(lambda m: " " * len(m.group(0)), sentence)
        res.military_words = bool(self.gaz.vocabulary["military"].search(plain)
                                  or any(m.entry.military and m.country in PAIR for m in mentions))
        res.roles = frozenset(r for r, _s, _e in preds)
        if res.support and preds:
            # "The ships arrived on Sunday": dates a visit whose evidence says only "has arrived"
            res.context_date = _near(resolve_date(told, ctx.pub, statements=False), ctx.pub)
        if not preds:
            return res
        actor_countries = {m.country for m in actors}
        pair_present = actor_countries | {m.country for m in locs}
        if not set(PAIR) <= pair_present:
            return res
        res.event = True
        res.anaphoric = not locs and refers_back(sentence)
        self._direction(res, sentence, preds, locs, actors)
        if res.host is None and (locs or not set(PAIR) <= actor_countries):
            res.score = 0.2  # no link between the two countries in this sentence
            return res
        res.cancelled_link = cues["cancelled"]
        self._vetoes(res, sentence, cues, preds, locs, actors, third_locs, third_actors, past, ctx)
        military = self._military(sentence, mentions, titles, res, preds)
        if res.vetoes:
            res.score = 0.1
            return res
        if not military:
            res.rules.append("civil_only")
            if res.host is not None and res.support:
                # kept in case a sentence naming the party shows military members in it
                res.if_military = replace(res, rules=list(res.rules), vetoes=[])
                self._score(res.if_military, sentence, preds, locs, actors, ctx)
            res.score = 0.3
            if _DEFINITE_SUBJECT.match(strip_dateline(sentence)):
                # "The minister returned late on Tuesday": the person of an earlier sentence,
                # whose rank that sentence gave; it may date the trip but not prove it
                res.reference_date = resolve_date(sentence, ctx.pub, statements=False)
            return res
        self._score(res, sentence, preds, locs, actors, ctx)
        res.people = assign_sides(res.people, [s for _r, s, _e in preds])
        return res

    def _retrospective(self, sentence: str, ctx: Context) -> bool:
        """An earlier visit is meant, not a comparison or an earlier stage of this trip."""
        found = [m.group(0).lower() for m in
                 self.gaz.cues["retrospective"].finditer(strip_comparison(sentence))]
        if not found:
            return False
        if not all(f.startswith("had ") for f in found):
            return True
        # only a past perfect: it may tell an earlier stage of this very trip
        if _RETURN_FROM.search(sentence):
            return False  # "on his return from Pakistan, where he had held talks": this trip
        if _REPORTED_MEETING.search(sentence):
            return False  # "officials said they had held meetings with POF": reported speech
        if ctx.pub is not None:
            # "Earlier, the commander had met the COAS at GHQ on Monday": the same trip
            when = resolve_date(sentence, ctx.pub)
            if when is not None and 0 <= (ctx.pub - when).days <= 7:
                return False
        return True

    def _predicates(self, sentence: str) -> list[tuple[str, int, int]]:
        preds = []
        # "invited his counterpart to visit Iran": the visit asked for is not one that happens
        asked = invitation_spans(sentence, self.gaz.cues["invitation"])
        # "Since the army chief's trip to Tehran, ...": that trip is the past point of reference
        asked += comparison_spans(sentence)
        abstract = self.gaz.vocabulary["abstract"]
        for role, pattern in self.gaz.predicates.items():
            for m in pattern.finditer(sentence):
                before = sentence[max(0, m.start() - 60):m.start()]
                if role in ("movement", "port") and self._civilian_subject.search(before):
                    continue  # "pilgrims travelling to Iran" is nobody's visit
                if any(a < m.start() < b for a, b in asked):  # asked for, or long past
                    continue
                if role == "hosting" and abstract.match(sentence, _next_word(sentence, m.end())):
                    continue  # "welcomed the proposal": a thing is received, not a guest
                preds.append((role, m.start(), m.end()))
        # "visiting" is also a movement; as an adjective ("the visiting admiral") it marks a role.
        return sorted(preds, key=lambda p: (p[1], p[0] != "visiting"))

    def _implicit_location(self, sentence: str, preds: list[tuple[str, int, int]],
                           locs: list[Mention], actors: list[Mention], third: list[Mention],
                           ctx: Context) -> None:
        """Ships that "tied up on Monday" under a KARACHI dateline arrived in Karachi."""
        capital = ctx.capital
        if capital is None:
            return
        if locs and not third:
            self._implicit_visitor(preds, locs, actors, capital)
        if locs or third:
            return
        arrivals = [start for role, start, _end in preds
                    if role == "port" or (role == "movement" and _ARRIVAL.match(sentence, start))]
        subject = {m.country for m in actors if arrivals and m.start < arrivals[0]}
        guest = _other(capital.country or "IR")
        # "Among the visitors was a Pakistani delegation" under a TEHRAN dateline.
        roles = {r for r, *_ in preds}
        marks = [e for r, _s, e in preds if r == "visiting"]
        visitors = ({m.country for m in actors} if marks and not roles & {"hosting", "hosted", "call_on"}
                    and all(m.start >= marks[0] for m in actors)
                    and any(m.start - marks[0] < 40 for m in actors) else set())
        # "X received a delegation of Iran's border guard" under a QUETTA dateline.
        hosts = [s for r, s, _e in preds if r == "hosting"]
        hosted = ({m.country for m in actors} if hosts and "hosted" not in roles
                  and all(m.start > hosts[0] for m in actors) else set())
        # "Among those who called on the naval chief was Iran's ..." under a KARACHI dateline.
        # ("... called on Commander of the Iranian Navy" names the one called on, not a caller)
        calls = [e for r, _s, e in preds if r == "call_on"]
        callers = {m.country for m in actors if calls and (m.start < calls[0] or _INVERTED.search(
            sentence, calls[0], max(calls[0], m.start)))}
        found = subject or visitors or hosted or callers
        if guest in found and len(found) == 1:
            locs.append(Mention(-1, -1, capital, True))

    def _implicit_visitor(self, preds: list[tuple[str, int, int]], locs: list[Mention],
                          actors: list[Mention], capital: Entry) -> None:
        """"QUETTA: The corps commander led a delegation to Zahedan": the home side travels.

        A report filed in one country about a journey into the other, whose subject carries
        no nationality, is about the filing side's own people.
        """
        home = capital.country
        if home not in PAIR or {m.country for m in locs} != {_other(home)}:
            return
        # "led a delegation to Zahedan", "In Tehran, the delegation called on ..."
        moves = [s for r, s, e in preds if r in ("movement", "port", "call_on", "meeting")
                 and any(0 <= m.start - e < 60 or m.end <= s for m in locs)]
        if not moves or any(m.country == home or m.start < moves[0] for m in actors):
            return
        entry = self.gaz.entries.get(f"country:{home}")
        if entry is not None:
            actors.insert(0, Mention(-1, -1, entry, False))

    def _choose_location(self, preds: list[tuple[str, int, int]], locs: list[Mention]) -> Mention:
        if len({m.country for m in locs}) > 1:
            for _role, _start, end in preds:
                after = [m for m in locs if 0 <= m.start - end < 60]
                if after:
                    return min(after, key=lambda m: m.start)
        specific = [m for m in locs if m.entry.location]
        if not specific:
            return locs[0]
        # A city named outright beats a facility's home city ("the Naval Headquarters detachment
        # in Karachi"); a border crossing is where a party entered, not where it went.
        return min(specific, key=lambda m: _PLACE_RANK.get(m.entry.place_kind, 1))

    def _subject_country(self, actors: list[Mention], pos: int) -> str | None:
        before = [m for m in actors if m.end <= pos]
        if not before:
            return None
        counts = {c: sum(m.country == c for m in before) for c in PAIR}
        best = max(counts.values())
        tied = [c for c in PAIR if counts[c] == best]
        # On a tie the first mention usually heads the subject ("PN officers and Iranian ...").
        return tied[0] if len(tied) == 1 else before[0].country

    def _direction(self, res: SentenceResult, sentence: str, preds: list[tuple[str, int, int]],
                   locs: list[Mention], actors: list[Mention]) -> None:
        actor_countries = {m.country for m in actors}
        if locs:
            loc = self._choose_location(preds, locs)
            other = "PK" if loc.country == "IR" else "IR"
            res.location = loc.entry.location if loc.entry.kind == "place" else None
            if other in actor_countries:
                res.host, res.visitor = loc.country, other
                res.rules.append("location_decides_host")
            return
        if not set(PAIR) <= actor_countries:
            return
        for role, start, end in preds:
            if role == "visiting":
                near = [m for m in actors if abs(m.start - end) < 40 or abs(start - m.end) < 15]
                if near:
                    res.visitor = min(near, key=lambda m: abs(m.start - end)).country
                    res.rules.append("visiting_marks_visitor")
                    break
            subject = self._subject_country(actors, start)
            if subject is None and role == "call_on":
                # "Among the officers who called on the commander of the Iranian Navy was ...":
                # the one called on is the host
                callee = [m for m in actors if 0 <= m.start - end < 60]
                if callee:
                    res.visitor = _other(callee[0].country)
                    res.rules.append("call_on_object")
                    break
            if subject is None or role not in ("hosting", "hosted", "call_on"):
                continue
            res.visitor = subject if role in ("hosted", "call_on") else _other(subject)
            res.rules.append(f"{role}_subject")
            break
        if res.visitor is not None:
            res.host = _other(res.visitor)

    def _vetoes(self, res: SentenceResult, sentence: str, cues: dict[str, bool],
                preds: list[tuple[str, int, int]], locs: list[Mention], actors: list[Mention],
                third_locs: list[Mention], third_actors: list[Mention], past: bool,
                ctx: Context) -> None:
        for cue in ("remote", "cancelled", "retrospective", "speculative", "pastime"):
            if cues[cue]:
                res.vetoes.append(cue)
        if cues["invitation"] and not locs:
            res.vetoes.append("invitation_only")  # "invited him to visit Tehran"
        if past:
            res.vetoes.append("past_date")
        generic = all(m.entry.key in _GENERIC_PLACES for m in locs)
        if (third_locs or third_actors) and (not locs or (third_locs and generic)):
            # "hosted by Bahrain", "at the Moscow conference": with no place in Iran or Pakistan
            # named, the meeting may as well be in the third country.
            res.vetoes.append("third_country_location")
        if cues["sidelines"] and not locs and (ctx.capital is None or third_actors):
            res.vetoes.append("sidelines_elsewhere")
        first_pred = preds[0][1]
        if third_actors and third_actors[0].start < first_pred and not any(
                m.start < first_pred for m in actors):
            res.vetoes.append("third_country_visitor")
        if self._resident_diplomat(sentence, res.visitor, actors, first_pred):
            res.vetoes.append("resident_diplomat")

    def _score(self, res: SentenceResult, sentence: str, preds: list[tuple[str, int, int]],
               locs: list[Mention], actors: list[Mention], ctx: Context) -> None:
        res.valid = True
        roles = {p[0] for p in preds}
        strong = bool(roles & set(STRONG_ROLES)) or (bool(locs) and "movement" in roles)
        res.date = resolve_date(sentence, ctx.pub, statements=False)
        res.statement_date = None if res.date else resolve_date(sentence, ctx.pub)
        score = 0.55 if res.host else 0.3
        score += 0.15 if locs else 0.0
        score += 0.1 if strong else 0.0
        score += 0.1 if res.people else 0.0
        score += 0.05 if res.date or res.statement_date else 0.0
        if (res.date is None and _PRESENT_NEWS.search(sentence)
                and not _THIS_PERIOD.search(sentence)):
            res.present_date = ctx.pub
        res.score = min(score, 0.95)
        res.kind = self._kind(sentence, preds, actors, locs, res, ctx.capital)
        res.rules.append(f"kind_{res.kind}")


def _near(when: date | None, pub: date | None) -> date | None:
    """A date within a week before to a fortnight after publication, else None."""
    if when is None or pub is None or not -7 <= (when - pub).days <= 14:
        return None
    return when


def _next_word(sentence: str, pos: int) -> int:
    return pos + len(sentence[pos:]) - len(sentence[pos:].lstrip())


def _other(code: str) -> str:
    return "PK" if code == "IR" else "IR"
