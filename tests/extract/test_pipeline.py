"""Statistical and rules-only pipelines; gazetteer loading and validation."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from monitor.extract import Extractor, GazetteerError, load_gazetteer
from monitor.extract.gazetteer import DEFAULT_DIR

TEXT = ("TEHRAN (Tasnim) – Pakistan's Chief of the Air Staff Air Chief Marshal Zaheer Ahmed Babar "
        "Sidhu arrived in Tehran on Monday for a three-day visit at the invitation of the "
        "Iranian Air Force commander Brigadier General Hamid Vahedi.")


def test_statistical_pipeline_uses_parser_and_ner(extractor: Extractor) -> None:
    assert extractor.statistical
    assert {"parser", "ner", "dw_gazetteer"} <= set(extractor.nlp.pipe_names)


def test_blank_pipeline_works(blank_extractor: Extractor) -> None:
    assert not blank_extractor.statistical
    assert "sentencizer" in blank_extractor.nlp.pipe_names
    got = blank_extractor.extract(TEXT, date="2022-08-29")
    assert got.match and (got.visitor_country, got.host_country) == ("PK", "IR")
    assert {o.name for o in got.officials} >= {"Zaheer Ahmed Babar Sidhu", "Hamid Vahedi"}
    assert got.event_date is not None and got.event_date.isoformat() == "2022-08-29"


def test_missing_model_falls_back_with_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        fallback = Extractor(model="xx_no_such_model_dw")
    assert not fallback.statistical
    assert any("not installed" in r.getMessage() for r in caplog.records)
    assert fallback.extract(TEXT, date="2022-08-29").match


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "gaz"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def test_custom_gazetteer_dir_is_used(tmp_path: Path) -> None:
    gaz = _copy(tmp_path)
    officials = gaz / "officials.yaml"
    officials.write_text(officials.read_text(encoding="utf-8") + (
        "  - {name: Test Person Khan, country: PK, military: true, title: Test Chief,\n"
        "     aliases: [Testperson Khan]}\n"), encoding="utf-8")
    custom = Extractor(model="blank", gazetteer_dir=gaz)
    got = custom.extract("ISLAMABAD: Major General Testperson Khan arrived in Tehran on Monday "
                         "for talks with Iranian commanders.", date="2025-03-06")
    assert got.match
    assert any(o.name == "Test Person Khan" and o.title == "Test Chief" for o in got.officials)


@pytest.mark.parametrize("file,old,new,expected", [
    ("officials.yaml", "country: IR, military: true,\n     title: Chief of General Staff",
     "country: XX, military: true,\n     title: Chief of General Staff",
     "officials.yaml: officials[", ),
    ("places.yaml", "kind: port, aliases: [Bandar-Abbas", "kind: harbour, aliases: [Bandar-Abbas",
     "places.yaml: places[1].kind"),
    ("predicates.yaml", '- "port call"', '- "port (call"', "predicates.yaml: visit_predicates.port["),
    ("institutions.yaml", "institutions:", "institution:", "institutions.yaml: institutions: must"),
    ("titles.yaml", "{title: Field Marshal, military: true}", "{title: Field Marshal, military: 1}",
     "titles.yaml: titles[0].military"),
])
def test_bad_file_gives_one_line_error(tmp_path: Path, file: str, old: str, new: str,
                                       expected: str) -> None:
    gaz = _copy(tmp_path)
    path = gaz / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(GazetteerError) as info:
        load_gazetteer(gaz)
    message = str(info.value)
    assert message.startswith(expected) and "\n" not in message


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    gaz = _copy(tmp_path)
    (gaz / "ships.yaml").unlink()
    with pytest.raises(GazetteerError, match="ships.yaml: gazetteer file not found"):
        load_gazetteer(gaz)
    gaz2 = _copy(tmp_path / "b")
    (gaz2 / "countries.yaml").write_text("pair: [unclosed\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"countries.yaml: line \d+: not valid YAML"):
        load_gazetteer(gaz2)
