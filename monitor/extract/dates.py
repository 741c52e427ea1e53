"""Resolve visit dates ("on Thursday", "today", "June 27") against the publication date."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|" \
         r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(\d{{4}}))?")
_MONTH_ONLY = re.compile(rf"\b(?i:in|during|since|by|last|(?:the\s+)?(?:end|beginning|start|middle)\s+"
                         rf"of|early|late|mid-?)\s+{_MONTH}(?:\s+(\d{{4}}))?(?!\s*\d)")
# "His July visit to Tehran", "the October 2023 talks": a month naming a visit of its own
_MONTH_NOUN = re.compile(rf"\b(?i:his|her|their|its|the)\s+{_MONTH}(?:\s+(\d{{4}}))?\s+"
                         rf"(?i:visit|trip|tour|stay|talks|meeting|port call)\b")
# Persian (solar hijri) months, with the Gregorian day each one starts on; Iranian copy dates
# events by them ("in Mehr"). Case-sensitive: "Dey" and "Tir" are month names only capitalised.
PERSIAN_MONTHS = {"Farvardin": (3, 21), "Ordibehesht": (4, 21), "Khordad": (5, 22),
                  "Tir": (6, 22), "Mordad": (7, 23), "Shahrivar": (8, 23), "Mehr": (9, 23),
                  "Aban": (10, 23), "Azar": (11, 22), "Dey": (12, 22), "Bahman": (1, 21),
                  "Esfand": (2, 20)}
_PERSIAN_MONTH = re.compile(r"\b(?:in|during|since|last|early|late|mid-?)\s+(" +
                            "|".join(PERSIAN_MONTHS) + r")\b(?!\s+(?:News|Agency|news|agency))")
_YEAR = re.compile(r"(?<![\d/-])(19[5-9]\d|20\d\d)(?![\d/-])")
_WEEKDAY = re.compile(r"\b(?:(last|next|this|coming)\s+)?(monday|tuesday|wednesday|thursday|"
                      r"friday|saturday|sunday)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(today|tonight|this (?:morning|afternoon|evening)|yesterday|last night|"
                       r"(?:the day after )?tomorrow)\b", re.IGNORECASE)
# ("leaves for Tehran on Monday": a departure told in the present is ahead)
_FUTURE = re.compile(r"\b(will|shall|leaves|departs|sets off|heads|is (?:due|set|scheduled|expected|"
                     r"slated|to)|are (?:due|set|scheduled|expected|to)|due to|set to|scheduled|"
                     r"expected|plans? to|"
                     r"would|next|coming|upcoming|this coming)\b", re.IGNORECASE)
_VAGUE = re.compile(r"\b(?:next|later this|early next|later next|the coming|in the coming|within the "
                    r"next) (?:week|month|year|days|weeks|months)\b|\bsoon\b|\bshortly\b|"
                    r"\bin (?:early|mid|late)[- ]\w+", re.IGNORECASE)
# A dateline ("TEHRAN, Aug. 13 (MNA) –") dates the report, not the visit.
_DATELINE = re.compile(r"^\s*[A-Z][\w .'’-]{1,40}?(?:,\s*[^–—:\n]{0,40})?\s*(?:–|—|:|\s--?\s)")


# "the first such visit since 2016 / since the strikes in January" dates a comparison.
# A "since" clause with its own verb ("since Iranian ships called at Karachi in 2023") still
# refers to an earlier visit, so only verbless ones are dropped.
_SINCE = re.compile(r"\bsince\b(?![^,.;:]*\b(?:called|visited|travel+ed|arrived|came|went|hosted|"
                    r"docked|met|paid)\b)[^,.;:]*", re.IGNORECASE)


def parse_date(value: object) -> date | None:
    """Accept a date, a datetime or an ISO 8601 string; anything else gives None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


# "May 2025: Sharif visits Tehran": a timeline entry opens with its date, a dateline with a place.
_TIMELINE_ENTRY = re.compile(rf"^\s*(?:(?:early|late|mid)[- ])?(?:{_MONTH}(?![\w])|\d{{4}}\b)",
                             re.IGNORECASE)

_TIMELINE_MONTH = re.compile(rf"^\W*{_MONTH}\s+(\d{{4}})\b")


def strip_dateline(sentence: str) -> str:
    match = _DATELINE.match(sentence)
    if match and len(match.group(0)) < 70 and not _TIMELINE_ENTRY.match(sentence):
        return " " * len(match.group(0)) + sentence[match.end():]
    return sentence


def _month(token: str) -> int:
    return MONTHS[token[:3].lower()]


def _explicit(sentence: str, pub: date | None) -> date | None:
    for pattern, order in ((_MONTH_DAY, (0, 1, 2)), (_DAY_MONTH, (1, 0, 2))):
        for m in pattern.finditer(sentence):
            groups = m.groups()
            month, day, year = _month(groups[order[0]]), int(groups[order[1]]), groups[order[2]]
            if year is None and pub is None:
                continue
            guess_year = int(year) if year else pub.year  # type: ignore[union-attr]
            try:
                found = date(guess_year, month, day)
            except ValueError:
                continue
            if year is None and pub is not None and found - pub > timedelta(days=200):
                found = found.replace(year=found.year - 1)
            return found
    return None


def _weekday(sentence: str, pub: date) -> date | None:
    match = _WEEKDAY.search(sentence)
    if not match:
        return None
    modifier, name = (match.group(1) or "").lower(), match.group(2).lower()
    target = WEEKDAYS.index(name)
    # Tense is read from the clause leading up to the day ("steamed in on Tuesday and will stay").
    before = bool(_FUTURE.search(sentence[max(0, match.start() - 90):match.start()]))
    future = modifier in {"next", "coming"} or (modifier != "last" and before)
    if modifier == "this" and not before:
        future = target >= pub.weekday()
    if future:
        return pub + timedelta(days=(target - pub.weekday()) % 7)
    return pub - timedelta(days=(pub.weekday() - target) % 7)


# "..., the air force said on Thursday": the day of the statement, not of the visit.
_ATTRIBUTION = re.compile(r"\b(?:said|says|reported|announced|stated|confirmed|added|told [\w ]{1,25}?)"
                          r"(?: in a (?:statement|press release|news release))?\s+(?:on|late on|"
                          r"earlier on)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                          r"\b|\b(?:said|reported|announced|told [\w ]{1,25}?) (?:today|yesterday)\b",
                          re.IGNORECASE)


_RELATIVE_CLAUSE = re.compile(r",\s+who\b[^,;]*,")


def resolve_date(sentence: str, pub: date | None, *, statements: bool = True) -> date | None:
    """The date a sentence gives for its event, or None when it cannot be derived.

    With `statements=False` the day a statement was made ("the air force said on Thursday")
    is not read as the day of the event.
    """
    sentence = strip_dateline(sentence)
    if not statements:
        sentence = _ATTRIBUTION.sub(lambda m: " " * len(m.group(0)), sentence)
    # "X, who arrived late on Sunday, held talks on Monday": the main clause dates the event
    main = _RELATIVE_CLAUSE.sub(lambda m: " " * len(m.group(0)), sentence)
    if main != sentence:
        return _resolve(main, pub) or _resolve(sentence, pub)
    return _resolve(sentence, pub)


# "from 19 to 22 November", "15-20 September": a stay dates from its first day
_DAY_RANGE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|to|and|until|till)\s*"
                        rf"\d{{1,2}}(?:st|nd|rd|th)?(\s+(?:of\s+)?{_MONTH})")
# "concluded a three-day visit on Wednesday": the day told is the last one; the visit began
# N-1 days before. ("returned home on Thursday after concluding ..." dates the return.)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "2": 2, "3": 3,
            "4": 4, "5": 5, "6": 6, "7": 7}
_CONCLUDED = re.compile(r"\b(?:conclud\w*|wrap(?:s|ped)? up|wound up|end(?:s|ed)|complet\w*)"
                        r"\s+(?:a|an|the|his|her|their|its)\s+(?:(?:official|goodwill)\s+)?"
                        r"(two|three|four|five|six|seven|[2-7])[- ]day\b", re.IGNORECASE)
_RETURNED = re.compile(r"\b(?:return\w*|(?:flew|came|arrived|sailed|got) (?:back|home))\b",
                       re.IGNORECASE)
_ANY_DAY = re.compile(rf"{_MONTH_DAY.pattern}|{_DAY_MONTH.pattern}|{_WEEKDAY.pattern}|"
                      rf"{_RELATIVE.pattern}", re.IGNORECASE)


def _resolve(sentence: str, pub: date | None) -> date | None:
    sentence = _DAY_RANGE.sub(lambda m: m.group(1) + m.group(2), sentence)
    found = _resolve_day(sentence, pub)
    concluded = _CONCLUDED.search(sentence)
    if (found is not None and concluded and not _RETURNED.search(sentence)
            and len(_ANY_DAY.findall(sentence)) == 1):
        return found - timedelta(days=_NUMBERS[concluded.group(1).lower()] - 1)
    return found


def _resolve_day(sentence: str, pub: date | None) -> date | None:
    found = _explicit(sentence, pub)
    if found or pub is None:
        return found
    if _VAGUE.search(sentence):
        # "will travel to Tehran next week, officials confirmed on Thursday": the weekday
        # dates the announcement; the visit itself has no date yet.
        return None
    rel = _RELATIVE.search(sentence)
    if rel:
        word = rel.group(1).lower()
        offset = {"yesterday": -1, "last night": -1, "tomorrow": 1,
                  "the day after tomorrow": 2}.get(word, 0)
        return pub + timedelta(days=offset)
    return _weekday(sentence, pub)


def strip_comparison(sentence: str) -> str:
    """The sentence without verbless "since" clauses ("the first call since the strikes last month")."""
    return _SINCE.sub(lambda m: " " * len(m.group(0)), sentence)


def comparison_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans of verbless "since" clauses: a visit named there is the past point of reference."""
    return [(m.start(), m.end()) for m in _SINCE.finditer(sentence)]


def is_past_reference(sentence: str, pub: date | None) -> bool:
    """True when the sentence dates its event well before publication (an earlier visit)."""
    if pub is None:
        return False
    sentence = strip_dateline(sentence)
    # "the first such visit since 2016" dates the comparison, not the event.
    sentence = _SINCE.sub(" ", sentence)
    years = _YEAR.findall(sentence)
    if any(int(y) < pub.year for y in years):
        return True
    found = _explicit(sentence, pub)
    if found is not None and (pub - found).days > 10:
        return True
    for m in _PERSIAN_MONTH.finditer(sentence):
        # "during my visit to Pakistan in Mehr": the latest such month on or before publication
        month, day = PERSIAN_MONTHS[m.group(1)]
        start = date(pub.year, month, day)
        if start > pub:
            start = start.replace(year=pub.year - 1)
        if (pub - start).days > 40:
            return True
    entry = _TIMELINE_MONTH.match(sentence)
    if entry and (pub - date(int(entry.group(2)), _month(entry.group(1)), 1)).days > 40:
        return True  # "January 2025 – Bagheri visits Islamabad", in a March timeline
    for m in [*_MONTH_ONLY.finditer(sentence), *_MONTH_NOUN.finditer(sentence)]:
        month = _month(m.group(1))
        year = int(m.group(2)) if m.group(2) else pub.year
        if not m.group(2) and m.group(0).lower().startswith("last") and month >= pub.month:
            year -= 1  # "last September" in June is September of the year before
        start = date(year, month, 1)
        if not m.group(2) and start > pub and not _FUTURE.search(sentence):
            start = start.replace(year=year - 1)  # "held talks in September", told in February
        if (pub - start).days > 40:
            return True
    return False
