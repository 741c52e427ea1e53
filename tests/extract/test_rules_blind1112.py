"""Error classes found on blind11.jsonl and blind12.jsonl, each written anew."""

from __future__ import annotations

import pytest

from monitor.extract import Extractor

PUB = "2025-03-06"  # a Thursday


@pytest.mark.parametrize("text", [
    # a rank abbreviation must not cut the sentence before the third-country venue
    ("TEHRAN: Pakistan's air chief met his Iranian counterpart, Brig. Gen. Hamid Vahedi, in "
     "Moscow on Tuesday."),
    # "the call on Monday" dates a phone call; nobody is called on
    ("In the call on Monday, the army chief told Maj. Gen. Mousavi that Pakistan stood with the "
     "people of Iran."),
    # a visit that has not happened, and an open question at any distance from its verb
    ("Iranian commentators point out that the Pakistani army chief, unlike two of his "
     "predecessors, has never paid a stand-alone visit to Tehran."),
    ("The test of the thaw is whether Iran's chief of general staff, who took office after the "
     "June war, eventually makes the trip to Rawalpindi."),
    # wishes and habits of the relationship
    ("The Iranian general said the navies of Iran and Pakistan should exchange port calls at "
     "Karachi and Bandar Abbas."),
    ("QUETTA: Frontier Corps and Iranian border guard commanders now meet more often at Taftan, "
     "officials said."),
    # questions put at a briefing, and talk of a trip
    ("Q: Reports in Iranian media say the Chief of Naval Staff will travel to Bandar Abbas next "
     "week. Can you confirm?"),
    ("There has been renewed talk in Tehran of a visit by Pakistan's air chief to Iran."),
    ("Opposition leaders claim that the army chief secretly flew to Tehran on Tuesday."),
    # a step back in a narrative
    ("Prior to that, an Iranian flotilla docked at Karachi for three days."),
    # third-country ships calling at both countries' ports
    ("KARACHI: A PLA Navy task group arrived in Karachi on Tuesday, days after calling at the "
     "Iranian port of Chabahar."),
    # a retired officer leading a business delegation is a businessman
    ("TEHRAN – A Pakistani chamber of commerce delegation led by Colonel (retd) Asad Khan, a "
     "rice exporter, held talks with the Iranian chamber of commerce in Tehran on Tuesday."),
])
def test_false_alert_classes_from_blind11_and_blind12(extractor: Extractor, text: str) -> None:
    assert not extractor.extract(text, date=PUB).match


def test_an_abbreviated_rank_does_not_split_the_evidence(extractor: Extractor) -> None:
    result = extractor.extract(
        "RAWALPINDI: Pakistan's army chief received his Iranian counterpart, Brig. Gen. Hamid "
        "Vahedi, at GHQ on Tuesday.", date=PUB)
    assert result.match and (result.visitor_country, result.host_country) == ("IR", "PK")
    assert result.evidence == [("RAWALPINDI: Pakistan's army chief received his Iranian "
                               "counterpart, Brig. Gen. Hamid Vahedi, at GHQ on Tuesday.")]


def test_reported_past_perfect_is_this_visit(extractor: Extractor) -> None:
    text = ("KARACHI: Members of an Iranian defence-industry delegation told reporters they had "
            "held talks with Pakistan's Defence Production Minister at the Expo Centre on Tuesday.")
    result = extractor.extract(text, date=PUB)
    assert result.match and result.location == "Karachi"
    assert (result.visitor_country, result.host_country) == ("IR", "PK")
    # told as history, the same perfect is a past visit
    history = ("KARACHI: An Iranian defence-industry delegation had held talks with Pakistan's "
               "Defence Production Minister at the Expo Centre.")
    assert not extractor.extract(history, date=PUB).match


def test_a_delegation_attending_the_arms_fair_is_there(extractor: Extractor) -> None:
    text = ("An Iranian defence-industry delegation from MODAFL is attending IDEAS this week, "
            "its first organised presence at the show.")
    result = extractor.extract(text, date=PUB)
    assert result.match and result.location == "Karachi" and result.kind == "delegation"


def test_a_serving_officer_after_a_retired_one_still_counts(extractor: Extractor) -> None:
    text = ("TEHRAN – A Pakistani delegation led by Lieutenant General Ahmed Sharif, accompanied "
            "by Brigadier (retd) Asad Khan of a trade body, arrived in Tehran on Tuesday for "
            "talks with Iran's armed forces general staff.")
    result = extractor.extract(text, date=PUB)
    assert result.match and (result.visitor_country, result.host_country) == ("PK", "IR")


def test_a_dated_courtesy_call_by_a_named_officer_still_counts(extractor: Extractor) -> None:
    text = ("RAWALPINDI: Iran's ground forces commander called on the Chief of Army Staff at GHQ "
            "on Tuesday.")
    assert extractor.extract(text, date=PUB).match
