"""Error classes found on blind3.jsonl, each written anew (not the blind3 wording)."""

from __future__ import annotations

import pytest

from monitor.extract import Extractor
from monitor.extract.dates import is_past_reference, parse_date

PUB = "2025-03-06"  # a Thursday


@pytest.mark.parametrize("text,pub", [
    # a conditional nobody announced, and an open question
    (("LAHORE: Commentators argue that a trip to Tehran by the army chief would reassure Iran "
      "after the Saudi pact."), PUB),
    (("Whether Pakistan's naval chief finally travels to Bandar Abbas this year will show how far "
      "Islamabad is willing to go."), PUB),
    # a video-link meeting, and the sentence after it that only says who took part
    (("ISLAMABAD: Pakistani and Iranian air force commanders held a video-link meeting on "
      "Tuesday.\n\nThe Pakistani side was led by the air chief at Air Headquarters in Islamabad, "
      "while Iranian commanders met their counterparts from Tehran."), PUB),
    (("TEHRAN – Iran's army commander joined the meeting from Tehran on Tuesday, while Pakistan's "
      "army chief took part from GHQ in Rawalpindi."), PUB),
    # a timeline entry that spans months
    (("The year in defence ties.\n\nJanuary to March 2024: Iran's navy commander visits Karachi "
      "and meets Pakistan's naval chief."), "2025-06-01"),
    # a habit of the relationship, not one visit
    (("ISLAMABAD: Iranian officers continue to attend courses at Pakistan's Command and Staff "
      "College in Quetta, officials said on Tuesday."), PUB),
    (("Over the past few years the Iranian Navy's ships have called at Karachi, while Pakistani "
      "frigates have docked at Bandar Abbas."), PUB),
    # a Persian month long before publication dates an earlier trip
    (("TEHRAN – The ground force commander said on Tuesday: \"During my trip to Pakistan in Tir, "
      "we agreed with the Pakistani commanders to share intelligence.\""), "2025-12-20"),
    # the Imperial Iranian forces ended in 1979
    (("KARACHI: Two destroyers of the Imperial Iranian Navy arrived at Karachi this morning on a "
      "goodwill visit."), PUB),
])
def test_false_alert_classes_from_blind3(extractor: Extractor, text: str, pub: str) -> None:
    assert not extractor.extract(text, date=pub).match


def test_an_archive_column_is_told_by_its_headline(extractor: Extractor) -> None:
    text = ("KARACHI, June 3: Two Iranian frigates arrived at Karachi this morning on a goodwill "
            "visit and were received by Pakistan Navy officers.")
    assert extractor.extract(text, date="2025-06-04").match
    old = extractor.extract(text, date="2025-06-04", title="Forty years ago: Iranian ships here")
    assert not old.match and "archive_item" in old.rules


def test_the_one_called_on_is_not_a_caller_under_a_filing_dateline(extractor: Extractor) -> None:
    # filed from Islamabad about ships in Bandar Abbas: the Iranian officer is called on, in Iran
    text = ("ISLAMABAD, Nov 12 (APP): Pakistan Navy ships arrived at Bandar Abbas, Iran, on Monday "
            "on a goodwill visit.\n\nThe mission commander called on Commander of the First Naval "
            "District of the Iranian Navy and discussed maritime security.")
    got = extractor.extract(text, date="2024-11-12")
    assert got.match and (got.visitor_country, got.host_country) == ("PK", "IR")
    assert got.location == "Bandar Abbas" and got.kind == "port_call"


@pytest.mark.parametrize("text", [
    ("ISLAMABAD: The ISPR said on Thursday that Iran's army commander would arrive in "
     "Rawalpindi on Monday for talks with the army chief."),
    # the attribution after the announcement, as wires write it
    ("TEHRAN – Pakistan's naval chief would arrive in Tehran on Sunday for talks with the "
     "commander of the Iranian Navy, IRNA reported."),
])
def test_announced_and_reported_would_still_count(extractor: Extractor, text: str) -> None:
    assert extractor.extract(text, date=PUB).match


@pytest.mark.parametrize("sentence,pub,past", [
    ("During my visit to Pakistan in Mehr, we agreed on patrols.", "2025-01-20", True),
    ("The delegation will travel in Azar.", "2025-11-25", False),
    ("Mehr News Agency reported the visit.", "2025-01-20", False),
])
def test_persian_months_date_earlier_trips(sentence: str, pub: str, past: bool) -> None:
    assert is_past_reference(sentence, parse_date(pub)) is past
