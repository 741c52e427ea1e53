"""Which reports describe the same real-world visit? Pure functions, no I/O.

Two reports are one event when they run in the same direction, name an overlapping official
(the extractor already maps transliterations to one canonical name) or the same place, and
their dates are within a few days of each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Report:
    """One matched article, reduced to what clustering needs."""

    article_id: int
    source: str
    day: date | None  # the event date, else the publication date
    score: float
    kind: str | None
    visitor_country: str | None
    host_country: str | None
    officials: tuple[dict[str, str | None], ...] = ()
    location: str | None = None
    event_date: date | None = None

    @property
    def names(self) -> frozenset[str]:
        return frozenset(_norm(o.get("name")) for o in self.officials if o.get("name"))


@dataclass
class EventView:
    """An existing event as clustering sees it."""

    id: int
    visitor_country: str | None
    host_country: str | None
    names: set[str] = field(default_factory=set)
    locations: set[str] = field(default_factory=set)
    days: list[date] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    false_positive: bool = False


_GROUP_KINDS = frozenset({"delegation", "port_call"})
# Twin cities that reports of one visit name interchangeably: GHQ and the Joint Staff are in
# Rawalpindi while ministries are in Islamabad, and outlets write either for the same day.
_SAME_PLACE = {"rawalpindi": "islamabad"}


def _norm(value: str | None) -> str:
    return " ".join((value or "").lower().replace("-", " ").split())


def _place(value: str | None) -> str:
    name = _norm(value)
    return _SAME_PLACE.get(name, name)


def _direction_compatible(report: Report, event: EventView) -> bool:
    pairs = ((report.visitor_country, event.visitor_country), (report.host_country, event.host_country))
    return all(a is None or b is None or a == b for a, b in pairs)


def _days_close(report: Report, event: EventView, window_days: int) -> bool:
    if report.day is None or not event.days:
        return True
    return any(abs((report.day - d).days) <= window_days for d in event.days)


def affinity(report: Report, event: EventView, window_days: int) -> int:
    """0 when the report cannot belong to the event, else a rank (higher is a closer fit)."""
    if not _direction_compatible(report, event) or not _days_close(report, event, window_days):
        return 0
    shared_names = len(report.names & event.names)
    same_place = bool(report.location and _place(report.location) in event.locations)
    if not shared_names and not same_place:
        return int(_same_unnamed_group(report, event))
    return 2 * shared_names + int(same_place) + 1


def _same_unnamed_group(report: Report, event: EventView) -> bool:
    """A delegation or flotilla that no report names is one visit when it is the same kind,
    the same direction and the same days, even if the reports name different stops of its tour."""
    return (
        report.kind in _GROUP_KINDS and report.kind in event.kinds
        and not report.names and not event.names
        and report.day is not None and bool(event.days)
        and report.visitor_country is not None and report.visitor_country == event.visitor_country
    )


def pick_event(report: Report, events: Iterable[EventView], window_days: int) -> EventView | None:
    """The event this report belongs to, or None when it is a new visit."""
    best, best_rank = None, 0
    for event in events:
        rank = affinity(report, event, window_days)
        if rank > best_rank:
            best, best_rank = event, rank
    return best


def view_of(event_id: int, reports: Sequence[Report], false_positive: bool = False) -> EventView:
    """The clustering view of an event from its reports."""
    best = summarise(reports)
    return EventView(
        id=event_id,
        visitor_country=best["visitor_country"],
        host_country=best["host_country"],
        names={n for r in reports for n in r.names},
        locations={_place(r.location) for r in reports if r.location},
        days=[r.day for r in reports if r.day],
        kinds={r.kind for r in reports if r.kind},
        false_positive=false_positive,
    )


def _mode(values: Iterable[object]) -> object | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


def summarise(reports: Sequence[Report]) -> dict[str, object]:
    """The best fields across an event's reports, and a confidence that grows with sources.

    Confidence treats each distinct source as independent evidence: 1 - Π(1 - best score).
    """
    officials: dict[str, dict[str, str | None]] = {}
    for r in sorted(reports, key=lambda r: -r.score):
        for o in r.officials:
            key = _norm(o.get("name"))
            if key and (key not in officials or (o.get("title") and not officials[key].get("title"))):
                officials[key] = dict(o)
    per_source: dict[str, float] = {}
    for r in reports:
        per_source[r.source] = max(per_source.get(r.source, 0.0), r.score)
    miss = 1.0
    for s in per_source.values():
        miss *= 1.0 - min(max(s, 0.0), 1.0)
    dates = [r.event_date for r in reports if r.event_date]
    return {
        "visitor_country": _mode(r.visitor_country for r in reports),
        "host_country": _mode(r.host_country for r in reports),
        "kind": _mode(r.kind for r in reports),
        "location": _mode(r.location for r in reports),
        "event_date": Counter(dates).most_common(1)[0][0] if dates else None,
        "officials": list(officials.values()),
        "confidence": round(1.0 - miss, 4),
        "sources": len(per_source),
    }
