"""Error classes found on blind7.jsonl and blind8.jsonl, each written anew."""

from __future__ import annotations

import pytest

from monitor.extract import Extractor

PUB = "2025-03-06"  # a Thursday


@pytest.mark.parametrize("text", [
    # a record of many visitors, and a narrative time ("later that month")
    ("TEHRAN – Over the following years the general received a succession of Pakistani naval "
     "chiefs in Tehran."),
    ("Later that year, when the army chief accompanied the prime minister to Tehran, the Iranian "
     "chief of staff received him at the general staff headquarters."),
    # the appeal's addressee is no visitor
    ("ZAHEDAN – The border guard commander, who also visited the wounded in a hospital in "
     "Zahedan on Tuesday, called on Pakistan to \"act decisively\" against the militants."),
    # fiction
    ("LAHORE: The thriller follows a Pakistani army colonel who travels to Tehran to meet an "
     "IRGC general."),
    # a meeting left off the schedule
    ("ISLAMABAD: A Foreign Office official said no meeting with the army chief was on the Iranian "
     "minister's programme during his visit on Tuesday."),
    # the border named inside a pair compound or across a clause
    ("TURBAT: The army chief visited troops deployed along the Pak-Iran border on Tuesday."),
    ("TURBAT: Speaking to troops on Tuesday, the army chief said the Pakistan-Iran border is a "
     "border of peace."),
    ("BAGHDAD – \"Our borders, whether with Iraq or with Pakistan, are a red line,\" Iran's army "
     "commander told reporters on arrival on Tuesday."),
    # speculation, opinions about next steps
    ("Speculation has been building that Pakistan's army chief could make a trip to Tehran "
     "before the end of the year."),
    ("Some in Islamabad believe that the next logical step is a visit by Iran's chief of staff to "
     "Rawalpindi."),
    # sport
    ("LAHORE: Pakistan Army's kabaddi team beat the visiting Iranian side 41-39 at the Punjab "
     "Stadium on Sunday."),
    # a past visit told in a 'when' clause
    ("QUETTA: Since the Iranian defence minister's trip to Islamabad, when the two sides agreed "
     "to strengthen border mechanisms, the Frontier Corps and Iranian border guards have "
     "increased patrols."),
])
def test_false_alert_classes_from_blind7_and_blind8(extractor: Extractor, text: str) -> None:
    assert not extractor.extract(text, date=PUB).match


def test_a_year_in_review_keeps_what_it_dates(extractor: Extractor) -> None:
    bullet = "• Iranian navy commander visits Naval Headquarters in Islamabad and units in Karachi."
    assert extractor.extract(bullet, date=PUB).match  # alone, a present-tense report
    review = extractor.extract(bullet, date=PUB, title="2024: a year of ups and downs")
    assert not review.match and "archive_item" in review.rules
    dated = ("Pakistan's air chief arrived in Tehran on Sunday for talks with the commander of "
             "the Iranian air force.")
    assert extractor.extract(dated, date=PUB, title="The year in review").match


def test_an_arms_fair_pavilion_is_a_delegation_visit(extractor: Extractor) -> None:
    text = ("KARACHI: A delegation of Iran's defence ministry has set up a pavilion at the defence "
            "exhibition that opened at the Karachi Expo Centre on Tuesday.")
    got = extractor.extract(text, date=PUB)
    assert got.match and (got.visitor_country, got.host_country) == ("IR", "PK")
    assert got.kind == "delegation"


def test_a_bulleted_delegation_list_with_the_army_chief(extractor: Extractor) -> None:
    lead = ("TEHRAN – Iran's president received the visiting Pakistani prime minister and his "
            "delegation in Tehran on Tuesday.\n\nThe Pakistani delegation included:\n\n"
            "- Deputy Prime Minister Ishaq Dar\n\n")
    army = extractor.extract(lead + "- Chief of Army Staff Field Marshal Asim Munir", date=PUB)
    assert army.match and (army.visitor_country, army.host_country) == ("PK", "IR")
    civil = extractor.extract(lead + "- Minister of Information Attaullah Tarar", date=PUB)
    assert not civil.match
    denied = extractor.extract(lead.split("The Pakistani")[0] + "No officials of the armed "
                               "forces were part of the delegation.", date=PUB)
    assert not denied.match


def test_a_gazetteer_copy_without_the_newer_cues_still_loads(tmp_path) -> None:
    import shutil
    from pathlib import Path

    import monitor.extract.gazetteer as gz

    src = Path(gz.__file__).resolve().parent.parent / "gazetteers"
    copy = tmp_path / "gaz"
    shutil.copytree(src, copy)
    text = (copy / "predicates.yaml").read_text(encoding="utf-8")
    start = text.index("  pastime:\n")
    end = text.index("  sidelines:\n")
    (copy / "predicates.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    loaded = gz.load_gazetteer(copy)
    assert loaded.cues["pastime"].search("a kabaddi match") is None


# blind9 classes
@pytest.mark.parametrize("text,title", [
    # a sideline meeting at a forum in a third country
    (("PANJGUR: The strikes came on the day Pakistan's prime minister met Iran's foreign minister "
      "on the sidelines of the World Economic Forum in Davos, as the two navies held drills."),
     None),
    # a narrative time in a profile
    (("TEHRAN – He also led air force delegations abroad and visited Pakistan in that period to "
      "discuss pilot training."), None),
    (("TEHRAN – As air force commander he led a delegation to Pakistan to discuss pilot "
      "training."), "Who is Iran's new defence minister?"),
    # the military as a topic of a civilian visit
    (("ISLAMABAD: Iran's foreign minister has arrived in Islamabad on a two-day visit as Tehran "
      "tries to prevent a military escalation between Pakistan and India."), None),
    # a reception at a mission
    (("ISLAMABAD: Senior Pakistani military officers and defence attachés attended a ceremony at "
      "the Iranian embassy on Tuesday to mark Iran's Army Day."), None),
])
def test_false_alert_classes_from_blind9(extractor: Extractor, text: str,
                                         title: str | None) -> None:
    assert not extractor.extract(text, date=PUB, title=title).match


def test_one_undated_sentence_among_ruled_out_contacts_is_background(
        extractor: Extractor) -> None:
    background = ("Iran's navy commander held talks with Pakistan's naval chief by telephone. "
                  "Pakistan's army chief had visited Tehran in 2023. Officials hope Iran's air "
                  "force commander will visit Pakistan.")
    lone = "\n\nIn those years Iranian naval officers visited Karachi for talks with the Pakistan Navy."
    filler = " Trade, fuel smuggling and the gas pipeline also came up in the talks." * 6
    got = extractor.extract("ANALYSIS" + filler + "\n\n" + background + lone, date=PUB)
    assert not got.match and "lone_undated_among_ruled_out" in got.rules
    dated = lone.replace("In those years", "On Tuesday")
    assert extractor.extract("ANALYSIS" + filler + "\n\n" + background + dated, date=PUB).match


def test_officers_in_the_party_count_despite_a_date_about_one_of_them(
        extractor: Extractor) -> None:
    text = ("Pakistan's prime minister has held talks with Iran's president in Tehran.\n\n"
            "He was accompanied by Field Marshal Asim Munir, the army chief who was promoted last "
            "week.\n\nPictures showed Munir seated beside the prime minister at the meeting.")
    got = extractor.extract(text, date=PUB)
    assert got.match and (got.visitor_country, got.host_country) == ("PK", "IR")
    consul = ("QUETTA: Iran's provincial governor called on the chief minister here on Tuesday.\n\n"
              "The governor was accompanied by Iran's Consul General in Quetta.")
    assert not extractor.extract(consul, date=PUB).match


# blind10 classes
@pytest.mark.parametrize("text,title", [
    # a match report is sport, whatever its sentences say
    ("LAHORE: Iran's captain said his team had enjoyed their visit to Pakistan on Sunday.",
     "Pakistan edge Iran in kabaddi final"),
    # habits of the relationship
    (("ZAHEDAN – Iran and Pakistan have agreed on several occasions to hold meetings between "
      "their border commanders in Taftan."), None),
    # a question, and a visit dated only as the reference of 'three weeks after'
    (("Three weeks after Iran's army commander spent two days in Islamabad, analysts ask: will "
      "Pakistan's army chief return the visit, and when?"), None),
    # a headquarters every armed force has, in a third country
    (("ANKARA – The Turkish chief of general staff received Pakistan's naval chief at the General "
      "Staff headquarters in Ankara on Tuesday."), None),
    # the circumstances of a civilian visit
    (("ISLAMABAD: Iran's foreign minister arrived in Islamabad on Monday, as the two neighbours "
      "traded threats and Pakistan's military carried out a missile test."), None),
])
def test_false_alert_classes_from_blind10(extractor: Extractor, text: str,
                                          title: str | None) -> None:
    assert not extractor.extract(text, date=PUB, title=title).match


def test_a_guest_as_part_of_a_military_delegation_keeps_it_military(extractor: Extractor) -> None:
    text = ("TEHRAN – Pakistan's defence secretary arrived in Tehran on Tuesday, as head of a "
            "military delegation, for talks with Iran's defence minister.")
    assert extractor.extract(text, date=PUB).match
