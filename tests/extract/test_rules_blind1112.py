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


# --- blind13 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # a dated step back: "a year ago", "days after ... met"
    ("TEHRAN – A year ago this week, Pakistan's naval chief arrived in Bandar Abbas to a "
     "gun salute from the Iranian fleet."),
    ("The visit to Rawalpindi comes weeks after the Iranian commander met the Russian defence "
     "minister in Moscow."),
    # a meeting at the White House is in the United States
    ("The army chief met U.S. officials at the White House on Tuesday, a meeting watched "
     "closely in Tehran."),
    # an opinion of what should happen
    ("Tehran should now invite Pakistan's naval chief to Bandar Abbas and give him the welcome "
     "a neighbour deserves."),
    # a trip earlier in the month, told in a story about another one
    ("Earlier this month, the air chief visited Iran, where he met the commander of the Iranian "
     "air force."),
])
def test_false_alert_classes_from_blind13(extractor: Extractor, text: str) -> None:
    assert not extractor.extract(text, date=PUB).match


def test_a_related_links_list_is_not_the_story(extractor: Extractor) -> None:
    story = ("ISLAMABAD: Iran's interior minister arrived in Islamabad on Tuesday for talks on "
             "border trade and pilgrims.")
    links = ("\n\nMore from Pakistan\n- Iranian navy chief arrives in Karachi on official visit\n"
             "- Pakistan, Iran army chiefs hold talks at GHQ\n\nReporting by a staff reporter")
    assert not extractor.extract(story + links, date=PUB).match
    # the same headline as a line of prose under no links heading is the story itself
    lead = "\n\nIran's navy chief arrived in Karachi on Tuesday on an official visit."
    assert extractor.extract(story + lead, date=PUB).match


def test_the_chief_guest_at_an_academy_parade_is_a_visitor(extractor: Extractor) -> None:
    text = ("ABBOTTABAD: Iran's ground forces commander was the chief guest at the passing out "
            "parade at the Pakistan Military Academy Kakul on Saturday.")
    result = extractor.extract(text, date=PUB)
    assert result.match and (result.visitor_country, result.host_country) == ("IR", "PK")
    assert result.location == "Kakul"


def test_a_call_paid_at_the_hosts_headquarters_is_told_from_the_host_side(
        extractor: Extractor) -> None:
    call = ("Iran's navy commander called on the Chief of the Naval Staff at Naval Headquarters "
            "in Islamabad on Tuesday.")
    assert extractor.extract(call, date=PUB).kind == "hosting"
    arrival = "Iran's navy commander arrived in Islamabad on Tuesday on an official visit."
    assert extractor.extract(arrival, date=PUB).kind == "visit"
