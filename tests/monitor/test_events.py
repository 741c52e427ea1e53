"""Clustering reports into events: same direction, shared official or place, close dates."""

from __future__ import annotations

from datetime import date

from monitor.events import Report, pick_event, summarise, view_of


def rep(aid: int, source: str, day: date, *, visitor: str | None = "PK", host: str | None = "IR",
        names: tuple[str, ...] = ("Asim Munir",), location: str | None = "Tehran",
        score: float = 0.8, kind: str = "visit") -> Report:
    officials = tuple({"name": n, "title": None, "country": visitor} for n in names)
    return Report(aid, source, day, score, kind, visitor, host, officials, location, day)


def test_reports_of_one_visit_join_the_same_event() -> None:
    first = rep(1, "a", date(2025, 5, 24))
    event = view_of(10, [first])
    second = rep(2, "b", date(2025, 5, 25), location=None)  # shares the official only
    third = rep(3, "c", date(2025, 5, 26), names=())  # shares the place only
    assert pick_event(second, [event], 4) is event
    assert pick_event(third, [event], 4) is event


def test_other_direction_far_dates_or_nothing_shared_make_a_new_event() -> None:
    event = view_of(10, [rep(1, "a", date(2025, 5, 24))])
    assert pick_event(rep(2, "b", date(2025, 5, 24), visitor="IR", host="PK"), [event], 4) is None
    assert pick_event(rep(3, "b", date(2025, 7, 1)), [event], 4) is None
    other = rep(4, "b", date(2025, 5, 24), names=("Mohammad Bagheri",), location="Rawalpindi")
    assert pick_event(other, [event], 4) is None


def test_best_fitting_event_wins() -> None:
    place_only = view_of(1, [rep(1, "a", date(2025, 5, 24), names=("Someone Else",))])
    same_official = view_of(2, [rep(2, "a", date(2025, 5, 24), location="Mashhad")])
    report = rep(3, "b", date(2025, 5, 24))
    assert pick_event(report, [place_only, same_official], 4) is same_official


def test_summary_takes_majority_fields_and_confidence_grows_with_sources() -> None:
    one = summarise([rep(1, "a", date(2025, 5, 24), score=0.6)])
    same_source_twice = summarise([rep(1, "a", date(2025, 5, 24), score=0.6),
                                   rep(2, "a", date(2025, 5, 24), score=0.6)])
    two_sources = summarise([rep(1, "a", date(2025, 5, 24), score=0.6),
                             rep(2, "b", date(2025, 5, 24), score=0.6, location="Rawalpindi"),
                             rep(3, "c", date(2025, 5, 24), score=0.6)])
    assert one["confidence"] == same_source_twice["confidence"] == 0.6
    assert two_sources["confidence"] > one["confidence"]
    assert two_sources["location"] == "Tehran" and two_sources["sources"] == 3


def test_unnamed_delegation_reported_at_two_stops_is_one_event() -> None:
    tehran = rep(1, "a", date(2024, 4, 22), names=(), location="Tehran", kind="delegation")
    isfahan = rep(2, "b", date(2024, 4, 23), names=(), location="Isfahan", kind="delegation")
    event = view_of(1, [tehran])
    assert pick_event(isfahan, [event], 4) is event
    # A named visitor elsewhere in the same days is a different visit.
    named = rep(3, "b", date(2024, 4, 23), location="Isfahan", kind="delegation")
    assert pick_event(named, [event], 4) is None
    # So is a delegation going the other way.
    back = rep(4, "b", date(2024, 4, 23), names=(), location="Quetta", kind="delegation",
               visitor="IR", host="PK")
    assert pick_event(back, [event], 4) is None


def test_rawalpindi_and_islamabad_reports_of_one_day_are_one_visit() -> None:
    ghq = view_of(1, [rep(1, "a", date(2024, 5, 7), names=(), location="Rawalpindi",
                          visitor="IR", host="PK")])
    capital = rep(2, "b", date(2024, 5, 7), names=("Kioumars Heidari",), location="Islamabad",
                  visitor="IR", host="PK")
    assert pick_event(capital, [ghq], 4) is ghq
