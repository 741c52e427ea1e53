"""Error classes found on blind14.jsonl and blind15.jsonl, each written anew."""

from __future__ import annotations

import pytest

from monitor.extract import Extractor

PUB = "2025-03-06"  # a Thursday


@pytest.mark.parametrize("text", [
    # opinions about a possible trip
    ("Several analysts in Islamabad think a visit to Tehran by the naval chief may be on the "
     "cards once the budget session is over."),
    # a rank held by a civilian office holder does not make the talks military
    ("TEHRAN – Pakistan's Interior Minister held talks with Iran's Interior Minister Brigadier "
     "General Eskandar Momeni in Tehran on Tuesday on arrangements for pilgrims."),
    # a past career told in an apposition
    ("ISLAMABAD: Iran's parliament speaker, a former commander of the IRGC air force, arrived "
     "in Islamabad on Tuesday and was received by the Senate chairman."),
    # helpers at a crossing take no part in a traders' visit
    ("A Quetta traders' delegation crossed into Iran at Taftan on Tuesday, where officials of "
     "the customs and the Frontier Corps facilitated their movement."),
    # a country as a topic of the talks, the visit elsewhere
    ("The army chief, who is on an official visit to the United States, would discuss regional "
     "security, including the situation in Iran, Pakistan's military said on Tuesday."),
    # the previous leg of a third country's tour
    ("After Iran, the Russian military delegation is scheduled to travel to Islamabad for "
     "consultations with the Pakistani armed forces."),
    # a timeline entry dated by month and year
    ("January 2025 – Iran's chief of staff visits Rawalpindi and holds talks at GHQ."),
])
def test_false_alert_classes_from_blind14(extractor: Extractor, text: str) -> None:
    assert not extractor.extract(text, date=PUB).match


def test_a_meeting_told_next_as_held_by_video_link_was_remote(extractor: Extractor) -> None:
    text = ("QUETTA: The Frontier Corps commander and the commander of Iran's border guard "
            "regiment on Tuesday discussed steps against smuggling.\n\n"
            "The meeting, held via video link between Turbat and Zahedan, reviewed earlier "
            "decisions, officials said.")
    assert not extractor.extract(text, date=PUB).match
    in_person = text.replace("held via video link between Turbat and Zahedan",
                             "held at the border crossing")
    assert extractor.extract(in_person, date=PUB).match


def test_circumstances_after_the_event_do_not_date_it(extractor: Extractor) -> None:
    text = ("ISLAMABAD: Iran's chief of staff met Pakistan's army chief in Rawalpindi on Tuesday, "
            "the military said, as the neighbours rebuild ties strained by strikes earlier this "
            "year.")
    result = extractor.extract(text, date=PUB)
    assert result.match and (result.visitor_country, result.host_country) == ("IR", "PK")
    history = ("ISLAMABAD: Iran's chief of staff met Pakistan's army chief in Rawalpindi earlier "
               "this year, the military said.")
    assert not extractor.extract(history, date=PUB).match


def test_a_defence_minister_with_a_rank_is_still_military(extractor: Extractor) -> None:
    text = ("ISLAMABAD: Iran's Defence Minister Brigadier General Aziz Nasirzadeh arrived in "
            "Islamabad on Tuesday for talks with his Pakistani counterpart.")
    assert extractor.extract(text, date=PUB).match


# --- blind15 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # the plan of a visit that did not happen
    ("The Pakistani air chief was to have visited the Iranian air force headquarters in Tehran "
     "this week, where he was expected to hold talks on training."),
    # a question at a briefing, with its asker in brackets
    ("Question (IRNA): Reports say the Chief of Naval Staff will arrive in Bandar Abbas next "
     "week."),
])
def test_false_alert_classes_from_blind15(extractor: Extractor, text: str) -> None:
    assert not extractor.extract(text, date=PUB).match


def test_a_formal_welcome_by_the_host_marks_the_visitor(extractor: Extractor) -> None:
    text = ("TEHRAN – Pakistan's army chief has been given a formal welcome by Iran's chief of "
            "staff at the general staff headquarters in Tehran on Tuesday.")
    result = extractor.extract(text, date=PUB)
    assert result.match and (result.visitor_country, result.host_country) == ("PK", "IR")


def test_a_source_named_with_according_to_is_not_the_destination(extractor: Extractor) -> None:
    text = ("KARACHI: An Iranian defence delegation held talks with Pakistani defence production "
            "officials at the Expo Centre on Tuesday, according to Iran's official news agency.")
    result = extractor.extract(text, date=PUB)
    assert result.match and (result.visitor_country, result.host_country) == ("IR", "PK")
    assert result.location == "Karachi"


def test_the_ambassador_who_receives_the_visitor_is_named_with_the_visit(
        extractor: Extractor) -> None:
    text = ("TEHRAN – Pakistan's Chief of Naval Staff Admiral Naveed Ashraf arrived in Tehran on "
            "Tuesday on an official visit.\n\nHe was received at the airport by Pakistan's "
            "Ambassador to Iran Muhammad Mudassir Tipu and Iranian naval officers.")
    result = extractor.extract(text, date=PUB)
    assert result.match
    names = {o.name for o in result.officials}
    assert "Naveed Ashraf" in names and any("Tipu" in n for n in names)
    # his own call on a chief is still no visit
    call = ("TEHRAN – Pakistan's Ambassador to Iran Muhammad Mudassir Tipu called on the "
            "commander of the Iranian navy in Tehran on Tuesday.")
    assert not extractor.extract(call, date=PUB).match


def test_undated_evidence_takes_the_date_told_around_it(extractor: Extractor) -> None:
    text = ("KARACHI: A flotilla of the Iranian navy has arrived at Karachi on a goodwill visit, "
            "the Pakistan Navy said.\n\nThe destroyer and the support ship berthed at the naval "
            "dockyard on Tuesday, where they were met by Pakistan Navy officers.")
    result = extractor.extract(text, date=PUB)
    assert result.match and result.event_date is not None
    assert result.event_date.isoformat() == "2025-03-04"  # the Tuesday before the Thursday
    # a date in a sentence about something else does not date the visit: "has arrived" is
    # then the news of the publication day
    other = text.replace("The destroyer and the support ship berthed at the naval dockyard on "
                         "Tuesday, where they were met by Pakistan Navy officers.",
                         "A Chinese frigate had called at Karachi in January 2024.")
    assert extractor.extract(other, date=PUB).event_date.isoformat() == PUB


def test_a_named_civilian_lead_with_officers_in_his_party_keeps_his_kind(
        extractor: Extractor) -> None:
    text = ("TEHRAN – Pakistan's Prime Minister Shehbaz Sharif arrived in Tehran on Tuesday on an "
            "official visit.\n\nHe is accompanied by Deputy Prime Minister Ishaq Dar and the Chief "
            "of Army Staff, Field Marshal Asim Munir.")
    result = extractor.extract(text, date=PUB)
    assert result.match and result.kind == "visit"
    assert "military_in_party" in extractor.extract(text, date=PUB, explain=True).rules
