"""Error classes found on blind2.jsonl, each written anew (not the blind2 wording)."""

from __future__ import annotations

import pytest

from monitor.evaluate import same_person
from monitor.extract import Extractor

PUB = "2025-03-06"  # a Thursday


@pytest.mark.parametrize("text,pub", [
    # a timeline entry opens with its date, not with a dateline: a past visit
    (("How ties recovered, in dates.\n\nJune 2024: Pakistan's army chief visits Tehran and meets "
      "Iran's chief of general staff.\n\nMarch 2025: the two navies exercise off Karachi."),
     "2025-12-01"),
    # a question put to a diplomat is no announcement
    (("TEHRAN: Asked whether Pakistan's naval chief would visit Iran soon, the ambassador said "
      "there was no fixed plan."), PUB),
    # a denial with its verdict between verb and object
    (("RAWALPINDI: The ISPR on Monday rejected as baseless and malicious the reports that the army "
      "chief had flown to Tehran for secret talks with Iranian commanders."), PUB),
    (("ISLAMABAD: Several accounts on social media claimed that Pakistan's air chief landed in "
      "Tehran on Saturday; the air force has not commented."), PUB),
    # an attaché posted in the country is no visitor, whatever his rank
    (("ISLAMABAD, Mar 4 (APP): The outgoing Naval Attaché of Iran in Islamabad, a commodore of the "
      "Iranian Navy, called on Chief of the Air Staff at Air Headquarters, Islamabad, on "
      "Tuesday."), PUB),
    (("TEHRAN (Mehr) – Defence attachés of foreign embassies in Tehran, among them Pakistan, "
      "Turkey and Oman, attended a parade of the Iranian army on Tuesday."), PUB),
    # a country named only to say where a border runs
    (("ZAHEDAN – During his trip to the province, the commander of Iran's ground force toured "
      "units in Saravan, near the border with Pakistan, on Tuesday."), PUB),
    (("ZAHEDAN – The commander of the IRGC ground force visited posts along the Pakistani "
      "frontier on Tuesday and inspected new watchtowers."), PUB),
])
def test_false_alert_classes_from_blind2(extractor: Extractor, text: str, pub: str) -> None:
    assert not extractor.extract(text, date=pub).match


def test_a_border_force_still_counts_as_a_party(extractor: Extractor) -> None:
    text = ("QUETTA: Commanders of Iran's border guard crossed into Pakistan on Tuesday and met "
            "Frontier Corps officers at Taftan, near the border with Iran.")
    got = extractor.extract(text, date=PUB)
    assert got.match and (got.visitor_country, got.host_country) == ("IR", "PK")


def test_an_attache_with_the_visiting_chief_keeps_the_visit(extractor: Extractor) -> None:
    text = ("RAWALPINDI: Iran's navy commander Rear Admiral Shahram Irani, accompanied by Iran's "
            "defence attaché in Islamabad, called on the Chief of Army Staff at GHQ on Tuesday.")
    got = extractor.extract(text, date=PUB)
    assert got.match and got.host_country == "PK"


def test_the_one_called_on_takes_the_other_side(extractor: Extractor) -> None:
    text = ("QUETTA: Brigadier General Ahmad Ali Goudarzi, commander of Iran's border guard, called "
            "on Lieutenant General Farrukh Shahzad Bhatti, Commander Southern Command, at Quetta "
            "on Tuesday.")
    got = extractor.extract(text, date=PUB)
    assert got.match
    assert {o.name: o.country for o in got.officials}.get("Farrukh Shahzad Bhatti") == "PK"


def test_a_relative_clause_does_not_date_the_meeting(extractor: Extractor) -> None:
    text = ("Islamabad, IRNA – Iran's navy commander Rear Admiral Shahram Irani, who arrived in "
            "Islamabad late on Monday, held talks with Pakistan's naval chief at Naval "
            "Headquarters on Wednesday.")
    got = extractor.extract(text, date=PUB)
    assert got.match and got.event_date is not None
    assert got.event_date.isoformat() == "2025-03-05"


def test_a_place_the_text_names_beats_the_dateline(extractor: Extractor) -> None:
    # filed in Tehran about an exhibition in Karachi: the dateline is only the filing city
    text = ("TEHRAN – Iranian defence firms are showing drones at a defence exhibition that opened "
            "in the Pakistani port city of Karachi on Tuesday.\n\n\"Many visitors, including from "
            "Pakistan, came to our stand,\" an Iranian exhibitor said.\n\nThe Iranian delegation "
            "also held meetings with Pakistani defence officials, the report said.")
    got = extractor.extract(text, date=PUB)
    assert got.match and (got.visitor_country, got.host_country) == ("IR", "PK")


@pytest.mark.parametrize("gold,found,same", [
    ("Asim Munir", "Syed Asim Munir", True),
    ("Rahat Naseem Khan", "Rahat Naseem Ahmed Khan", True),
    ("Mohammad Bagheri", "Mohammad Bagheri", True),
    ("Asim Munir", "Asim Malik", False),
    ("Mohammad Bagheri", "Mohammad Hossein Bagheri Nasirzadeh", False),
    ("Ali", "Muhammad Ali", False),
])
def test_evaluation_matches_names_across_honorifics(gold: str, found: str, same: bool) -> None:
    assert same_person(gold, found) is same
