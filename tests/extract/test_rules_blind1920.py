"""Error classes found on blind16-20, each written anew."""

from __future__ import annotations

import pytest

from monitor.extract import Extractor
from monitor.extract.dates import is_past_reference

PUB = "2025-03-06"  # a Thursday


@pytest.mark.parametrize("text", [
    # what a civilian visit follows is not who takes part in it
    ("ISLAMABAD: Iran's commerce minister arrived in Islamabad on Tuesday for talks on barter "
     "trade. The visit comes weeks after the army-backed drive against fuel smuggling along "
     "the border."),
    ("LAHORE: Iran's president arrived in Lahore on Tuesday, his first visit to Pakistan, and "
     "comes months after Pakistani military strikes near the Iranian town of Saravan."),
    # a correction withdraws what an earlier version said
    ("Correction: A previous version of this report said the Iranian army chief was visiting "
     "Rawalpindi this week."),
    # a commander touring his own province, which borders the other country
    ("TEHRAN – The commander of Iran's army ground force visited units in Zahedan on Tuesday "
     "in a province which borders Afghanistan and Pakistan."),
    # a meeting told next as held on the phone
    ("ISLAMABAD: Pakistan's army chief and Iran's chief of staff agreed on Tuesday to step up "
     "coordination on the border.\n\nIn a telephone conversation, the two generals also "
     "discussed the recent attacks, Pakistan's military media wing said."),
    # a promise with no time at all
    ("Iran's navy chief said in Tehran that his navy would send a flotilla to Karachi at an "
     "appropriate time."),
    # an invitation to send ships is no visit
    ("Iran's navy commander invited Pakistan's navy to send ships to Bandar Abbas for the next "
     "drill."),
    # a meeting in a third country, told after the story placed itself there
    ("RIYADH – Iran's defence minister, who is in the Saudi capital Riyadh for a regional "
     "security forum, held talks with several counterparts on Wednesday.\n\n"
     "In a separate meeting, he held talks with Pakistan's defence minister Khawaja Asif."),
    ("TEHRAN – Two Iranian warships berthed at the Omani port of Muscat on Tuesday.\n\n"
     "The flotilla commander also exchanged courtesy visits with the captain of a Pakistan Navy "
     "frigate berthed in the same harbour."),
    # honours the host's troops perform make no military visit of a civilian one
    ("ISLAMABAD: Iran's foreign minister arrived in Islamabad on Tuesday and was presented a "
     "guard of honour by a contingent of the Pakistan Army at the Foreign Office."),
    # a rank before a known civilian office holder's name
    ("TEHRAN: Pakistan's Interior Minister Mohsin Naqvi met his counterpart Brigadier General "
     "Eskandar Momeni in Tehran on Tuesday to discuss pilgrims' travel."),
    # "was in response to" puts nobody anywhere
    ("Pakistan's military said the strikes inside Iran's Sistan-Baluchestan province were in "
     "response to the Iranian attack in Panjgur on Tuesday."),
    # attachés posted in the capital, a list of whose runs on
    ("The commissioning of the corvette in Karachi on Tuesday, presided over by the Pakistani "
     "naval chief, was attended by defence attachés posted in Islamabad, among them those of "
     "China, Türkiye, Saudi Arabia, Malaysia, Indonesia and Iran."),
    # (blind21-22) a country in the roster of a multinational event
    ("KARACHI: The outgoing naval chief hosted two editions of the AMAN exercise in Karachi, "
     "which drew navies from dozens of countries, including Sri Lanka, Indonesia, Türkiye, Iran "
     "and Malaysia."),
    # what an exercise at sea came weeks after is the past
    ("The passage exercise in the Sea of Oman came weeks after an Iranian naval group took part "
     "in the AMAN exercise in Karachi and held meetings with Pakistani naval commanders."),
    # where a civilian lands is no military party
    ("ISLAMABAD: Iran's president landed at a military air base near Islamabad on Monday and "
     "was received by Pakistan's housing minister."),
    # greetings carried from the army chief who stays home
    ("TEHRAN: Pakistan's interior minister met Iran's president in Tehran on Monday and "
     "conveyed the greetings of the prime minister and the army chief, Field Marshal Asim "
     "Munir."),
    # a month naming an earlier visit
    ("In a year of busy diplomacy, the chairman joint chiefs' September visit to Tehran, where "
     "he met Iran's chief of staff, came at a time of border tension."),
])
def test_false_alert_classes(extractor: Extractor, text: str) -> None:
    assert not extractor.extract(text, date=PUB).match


@pytest.mark.parametrize("text,kind", [
    # a party sent is a party travelling
    (("Iran's defence ministry has sent an official delegation to Karachi for the IDEAS arms "
     "show, which opened on Tuesday."), "delegation"),
    (("The Pakistan Navy has sent the frigate PNS Tughril and a fleet tanker to Bandar Abbas "
     "for a goodwill visit."), "port_call"),
    # a spelling of the port
    ("Two Pakistan Navy ships sailed into Bander Abbas on Tuesday on a goodwill visit to Iran.",
     "port_call"),
])
def test_visits_found(extractor: Extractor, text: str, kind: str) -> None:
    result = extractor.extract(text, date=PUB)
    assert result.match and result.kind == kind


def test_a_third_country_named_after_the_visit_does_not_place_it(extractor: Extractor) -> None:
    # the venue abroad must come before the meeting to be its venue
    text = ("TEHRAN – Pakistan's naval chief held talks with Iran's navy commander here on "
            "Tuesday.\n\nThe two discussed piracy in the Red Sea and the Gulf of Aden.")
    assert extractor.extract(text, date=PUB).match


def test_a_month_naming_a_visit_dates_it() -> None:
    from datetime import date
    pub = date(2025, 12, 30)
    assert is_past_reference("His July visit to Tehran was his first.", pub)
    assert not is_past_reference("His December visit to Tehran is his first.", pub)


def test_an_office_told_before_the_name_gives_the_country(extractor: Extractor) -> None:
    text = ("KARACHI: Two Pakistan Navy ships arrived at Chabahar on Tuesday, where they were "
            "received by the commander of the Iranian Navy's Third Naval Zone, Commodore Farhad "
            "Rostamzadeh, on a goodwill visit.")
    result = extractor.extract(text, date=PUB)
    assert result.match
    assert [(o.name, o.country) for o in result.officials] == [("Farhad Rostamzadeh", "IR")]


def test_a_visit_last_week_is_just_finished(extractor: Extractor) -> None:
    text = ("TEHRAN (FNA) – A delegation of Iranian army staff college officers paid a study visit "
            "to Pakistan last week, where it was received at the Command and Staff College in "
            "Quetta.")
    assert extractor.extract(text, date=PUB).match


def test_an_answer_that_confirms_the_visit_announces_it(extractor: Extractor) -> None:
    text = ("ISLAMABAD: Asked about reports of a trip to Iran, the Foreign Office spokesperson "
            "confirmed that Pakistan's naval chief will arrive in Tehran on Sunday at the "
            "invitation of Iran's navy commander.")
    assert extractor.extract(text, date=PUB).match


def test_a_visit_announced_for_next_week_deep_in_an_interview(extractor: Extractor) -> None:
    text = ("Iran's ambassador in Islamabad spoke to us about trade, pilgrims and the border.\n\n"
            "Q: Was the president's visit to Lahore in August a success?\n\n"
            "A: The visit of President Pezeshkian to Lahore in August produced several "
            "agreements.\n\n"
            "Q: Will the two governments exchange visits soon?\n\n"
            "A: I can tell you that Iran's defence minister will travel to Islamabad next week at "
            "the invitation of Pakistan's defence minister.")
    assert extractor.extract(text, date=PUB).match
    rumour = text.replace(
        "I can tell you that Iran's defence minister will travel to Islamabad next week at the "
        "invitation of Pakistan's defence minister.",
        "Some reports say the trade talks could pave the way for a visit to Islamabad by Iran's "
        "defence minister in the coming weeks, but neither side has confirmed it.")
    assert not extractor.extract(rumour, date=PUB).match

