"""Relative visit dates are resolved against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.extract.dates import is_past_reference, resolve_date

PUB = date(2025, 3, 6)  # Thursday


@pytest.mark.parametrize("sentence,expected", [
    ("He arrived in Tehran today.", date(2025, 3, 6)),
    ("He arrived in Tehran yesterday.", date(2025, 3, 5)),
    ("He will arrive in Tehran tomorrow.", date(2025, 3, 7)),
    ("He arrived in Tehran on Thursday.", date(2025, 3, 6)),
    ("He arrived in Tehran on Monday.", date(2025, 3, 3)),
    ("He is scheduled to arrive in Tehran on Monday.", date(2025, 3, 10)),
    ("The ships will dock at Karachi this Sunday.", date(2025, 3, 9)),
    ("The ships docked on Tuesday and will stay for three days.", date(2025, 3, 4)),
    ("He met the army chief on March 2.", date(2025, 3, 2)),
    ("He met the army chief on 27 February.", date(2025, 2, 27)),
    ("The visit is expected next week.", None),
    ("TEHRAN, Mar. 06 (MNA) – The commander met his counterpart.", None),
])
def test_resolve(sentence: str, expected: date | None) -> None:
    assert resolve_date(sentence, PUB) == expected


def test_no_publication_date_gives_none_for_relative_days() -> None:
    assert resolve_date("He arrived on Monday.", None) is None


@pytest.mark.parametrize("sentence,past", [
    ("He travelled to Pakistan in October 2021.", True),
    ("Two warships called at Bandar Abbas in April 2024.", True),
    ("Two warships called at Bandar Abbas in January.", True),
    ("It is the first visit since 2016.", False),
    ("He arrived on Tuesday.", False),
])
def test_past_reference(sentence: str, past: bool) -> None:
    assert is_past_reference(sentence, PUB) is past


def test_last_month_name_before_the_publication_month_is_last_year() -> None:
    june = date(2025, 6, 2)
    assert is_past_reference("The commanders met in Mirjaveh last October.", june)
    assert not is_past_reference("The commanders met in Mirjaveh last May.", june)
