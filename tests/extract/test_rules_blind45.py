"""Error classes found on blind4.jsonl and blind5.jsonl, each written anew."""

from __future__ import annotations

import pytest

from monitor.extract import Extractor
from monitor.extract.dates import is_past_reference, parse_date

PUB = "2025-03-06"  # a Thursday


@pytest.mark.parametrize("text,pub", [
    # a meeting the schedule leaves out
    (("ISLAMABAD: Iran's foreign minister arrived on Monday; his programme did not include a "
      "meeting with the army chief at GHQ."), PUB),
    # month names told later in the year than they happened
    (("Iran's navy commander held talks in Karachi in October, and Pakistan's naval chief went "
      "to Bandar Abbas in November."), "2025-02-10"),
    (("Iran's air force commander spent three days in Pakistan at the end of November, including "
      "a stop at Risalpur."), "2025-02-10"),
    # a record of many visits, an obituary, a link to another story
    (("RAWALPINDI: The late brigadier, a former attaché in Tehran, arranged several visits by "
      "Pakistani war-college delegations to Iran."), PUB),
    (("TEHRAN – The late commander leaves behind a legacy of military diplomacy that took him "
      "from Moscow to Islamabad."), PUB),
    ("Related: Iranian frigate makes port call at Karachi", PUB),
    ("Pakistani army chiefs have travelled to Tehran only rarely.", PUB),
    # a past visit told by who was in office at the time
    (("The last time an Iranian army commander was received at GHQ, a different prime minister "
      "was in office."), PUB),
    # an open invitation in a phone call
    (("RAWALPINDI: In a telephone call, the army chief renewed a standing invitation to the "
      "commander of the Iranian army to visit Pakistan."), PUB),
    (("TEHRAN – Iran's border guards are in constant contact with Pakistani border forces, the "
      "commander said in Zahedan on Tuesday."), PUB),
    # retired officers are out of the military side
    (("TEHRAN – A think tank hosted a delegation of Pakistani scholars and retired military "
      "officers on Tuesday for a dialogue on regional security."), PUB),
    # a visit that has not happened
    (("What has not happened yet is a visit by Pakistan's naval chief to Bandar Abbas, analysts "
      "note."), PUB),
    (("LAHORE: Pakistan's army chief is yet to visit Tehran, and officials in Rawalpindi say no "
      "date is in view."), PUB),
])
def test_false_alert_classes_from_blind4_and_blind5(extractor: Extractor, text: str,
                                                   pub: str) -> None:
    assert not extractor.extract(text, date=pub).match


def test_a_caption_with_a_guard_of_honour_is_a_visit(extractor: Extractor) -> None:
    text = ("RAWALPINDI: Commander of the Iranian Army's Ground Force Brigadier General Kioumars "
            "Heydari being presented guard of honour on his arrival at GHQ on Tuesday.")
    got = extractor.extract(text, date=PUB)
    assert got.match and (got.visitor_country, got.host_country) == ("IR", "PK")


def test_officers_named_in_the_party_make_the_meeting_military(extractor: Extractor) -> None:
    meeting = "The Pakistan-Iran border committee met in Mirjaveh on Tuesday."
    officers = ("\n\nThe Pakistani delegation comprised officials of the interior ministry and "
                "senior officers of the Frontier Corps and the Levies.")
    assert not extractor.extract(meeting, date=PUB).match
    got = extractor.extract(meeting + officers, date=PUB)
    assert got.match and got.kind == "delegation" and got.host_country == "IR"
    former = ("\n\nThe Pakistani delegation included a former army officer who now heads a trade "
              "body.")
    assert not extractor.extract(meeting + former, date=PUB).match


def test_a_venue_places_talks_without_making_them_military(extractor: Extractor) -> None:
    civil = ("Pakistan's prime minister held talks with Iran's president at the Saadabad Palace "
             "on Tuesday.")
    assert not extractor.extract(civil, date=PUB).match
    military = ("Pakistan's army chief held a separate meeting with Iran's chief of general staff "
                "at the Saadabad complex on Tuesday.")
    got = extractor.extract(military, date=PUB)
    assert got.match and got.location == "Tehran"


@pytest.mark.parametrize("sentence,pub,past", [
    ("By May 2025, the army chief was in Tehran.", "2025-12-10", True),
    ("He held talks in Rawalpindi in September.", "2026-02-10", True),
    ("He will travel to Rawalpindi in September.", "2026-02-10", False),
])
def test_month_only_dates(sentence: str, pub: str, past: bool) -> None:
    assert is_past_reference(sentence, parse_date(pub)) is past


# blind6 classes
@pytest.mark.parametrize("text", [
    # Iran's own Taftan county is not the Pakistani border town
    ("TEHRAN (Tasnim) – Iran's police chief travelled to Zahedan on Sunday and visited officers "
     "injured in an attack in Taftan county."),
    # smugglers' vehicles crossing the border are nobody's visit
    ("ZAHEDAN – Border guards stopped a convoy of vehicles attempting to cross into Pakistani "
     "territory near Saravan late on Monday, the border guard command said."),
    # a retired officer at a film screening is out of the military side
    ("LAHORE: A retired Pakistani brigadier who attended the screening at the Iran Culture House "
     "on Tuesday praised the films."),
])
def test_false_alert_classes_from_blind6(extractor: Extractor, text: str) -> None:
    assert not extractor.extract(text, date=PUB).match


def test_an_army_chief_in_the_prime_ministers_party_makes_the_visit_military(
        extractor: Extractor) -> None:
    text = ("TEHRAN, March 4 (Reuters) - Pakistan's prime minister arrived in Tehran on Tuesday for "
            "talks with Iranian leaders.\n\nHe was accompanied by army chief Field Marshal Asim "
            "Munir and the foreign minister, his office said.")
    got = extractor.extract(text, date=PUB)
    assert got.match and (got.visitor_country, got.host_country) == ("PK", "IR")
    alone = extractor.extract(text.split("\n\n")[0] + "\n\nHe was accompanied by his wife.",
                              date=PUB)
    assert not alone.match


def test_evaluation_knows_the_gazetteers_transliterations(extractor: Extractor) -> None:
    from monitor.evaluate import canonical_names, same_person

    aliases = canonical_names(extractor)
    assert same_person("Mohammad Baqeri", "Mohammad Bagheri", aliases)
    assert not same_person("Mohammad Baqeri", "Mohammad Bagheri")
    assert not same_person("Mohammad Baqeri", "Amir Hatami", aliases)
