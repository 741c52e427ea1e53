"""How visit dates are told in blind16-18, each written anew: ranges, the end of a stay,
wire datelines, present-tense departures and the news of the day."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.extract import Extractor
from monitor.extract.dates import resolve_date

PUB = date(2025, 3, 6)  # a Thursday


@pytest.mark.parametrize("sentence,expected", [
    # a stay dates from its first day
    ("The course participants are in Tehran from 2 to 7 March on a study tour.", date(2025, 3, 2)),
    ("The exhibition runs 4-8 March at the Expo Centre, where the delegation has a stand.",
     date(2025, 3, 4)),
    ("The cadets are visiting the academy between 3 and 5 March.", date(2025, 3, 3)),
    # the day a visit of N days ended
    ("The air chief on Wednesday wrapped up a three-day visit to Iran.", date(2025, 3, 3)),
    ("The minister concluded his two-day official visit to Pakistan on March 4.", date(2025, 3, 3)),
    # ... but a return is dated by itself
    ("The commander returned home on Wednesday after concluding a three-day visit to Tehran.",
     date(2025, 3, 5)),
    # two days told: the end of the stay is not the only one, nothing is shifted
    ("He arrived on Monday and concluded a three-day visit on Wednesday.", date(2025, 3, 3)),
    # a departure in the present tense is ahead
    ("The naval chief leaves for Tehran on Saturday on a three-day visit.", date(2025, 3, 8)),
    # a wire dateline with a double hyphen dates the report only
    ("KARACHI, March 6 (Xinhua) -- The Iranian ships docked at Karachi on Tuesday.",
     date(2025, 3, 4)),
    ("The general flew into Quetta late last night.", date(2025, 3, 5)),
])
def test_resolve(sentence: str, expected: date) -> None:
    assert resolve_date(sentence, PUB) == expected


def test_news_told_in_the_present_is_of_the_publication_day(extractor: Extractor) -> None:
    text = ("Two frigates of the Pakistan Navy have berthed at the Iranian port of Chabahar on a "
            "goodwill visit, the navy's media office said.")
    result = extractor.extract(text, date=PUB)
    assert result.match and result.event_date == PUB
    this_week = ("A team of officers from Pakistan's Air War College is visiting Iran's air "
                 "force university in Tehran this week on a study tour.")
    result = extractor.extract(this_week, date=PUB)
    assert result.match and result.event_date is None


def test_a_later_leg_does_not_date_the_visit(extractor: Extractor) -> None:
    text = ("KARACHI: The commander of Iran's navy, who landed in the city overnight for the "
            "naval exhibition, called on Pakistan's naval chief at the dockyard.\n\n"
            "He is also expected to tour the shipyard on Saturday before returning to Tehran.")
    result = extractor.extract(text, date=PUB)
    assert result.match and result.event_date != date(2025, 3, 8)


def test_a_later_leg_told_before_the_arrival_does_not_date_the_visit(
        extractor: Extractor) -> None:
    text = ("ISLAMABAD: Iran's navy commander called on Pakistan's naval chief at Naval "
            "Headquarters.\n\n"
            "The admiral is also scheduled to visit Karachi on Saturday before returning home.\n\n"
            "He arrived in Islamabad on Tuesday at the head of a naval delegation.")
    result = extractor.extract(text, date=PUB)
    assert result.match and result.event_date == date(2025, 3, 4)
