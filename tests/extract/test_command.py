"""`defwatch extract` logic: JSON lines in, one line out per input; bad input never crashes."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

import pytest

from monitor.extract import Extractor
from monitor.extract.command import run_extract, run_extract_html

REALPAGES = Path(__file__).resolve().parents[3] / "shared" / "realpages" / "pages"
VISIT = ("KARACHI: Iranian Navy ships Jamaran and Sahand docked at Karachi on Monday for a "
         "three-day goodwill visit, the Pakistan Navy said.")


def _run(lines: list[str], **kwargs: Any) -> tuple[int, list[dict[str, Any]], str]:
    out, err = io.StringIO(), io.StringIO()
    errors = run_extract(lines, out, model="blank", err=err, **kwargs)
    return errors, [json.loads(x) for x in out.getvalue().splitlines()], err.getvalue()


def test_lines_in_order_with_errors_reported() -> None:
    lines = [json.dumps({"id": "a", "text": VISIT, "date": "2025-03-04"}),
             "{this is not json",
             json.dumps({"id": "b"}),
             "   ",
             json.dumps({"id": "c", "text": "   "}),
             json.dumps(["not", "an", "object"]),
             json.dumps({"id": "d", "text": VISIT, "title": "x", "url": "http://x", "lang": "en"})]
    errors, rows, err = _run(lines, explain=True)
    assert errors == 3
    assert [r["id"] for r in rows] == ["a", None, "b", "c", None, "d"]
    assert rows[0]["match"] and rows[0]["kind"] == "port_call" and "rules" in rows[0]
    assert rows[1] == {"id": None, "line": 2,
                       "error": rows[1]["error"]} and rows[1]["error"].startswith("line 2: not JSON")
    assert rows[2]["error"] == 'line 3: missing "text"'
    assert rows[3]["match"] is False and "error" not in rows[3]
    assert rows[4]["line"] == 6
    assert rows[5]["match"]
    assert err.count("\n") == 3 and "line 2: not JSON" in err


def test_five_megabyte_text_is_handled(caplog: pytest.LogCaptureFixture) -> None:
    filler = "Markets in Karachi and Tehran were calm as traders waited for news. " * 40 + "\n"
    text = filler * (5_000_000 // len(filler) + 1) + VISIT
    assert len(text) > 5_000_000
    errors, rows, _ = _run([json.dumps({"id": "big", "text": text})])
    assert errors == 0 and rows[0]["id"] == "big" and "error" not in rows[0]
    # Only a bounded stretch of a huge text is parsed (never spaCy's E088), and it is logged.
    assert any("relevant characters were analysed" in r.getMessage() for r in caplog.records)


def test_long_text_with_visit_early_still_matches() -> None:
    text = VISIT + "\n" + ("Unrelated paragraph about the weather in Lahore. " * 30 + "\n") * 3000
    _errors, rows, _ = _run([json.dumps({"id": "v", "text": text, "date": "2025-03-04"})])
    assert rows[0]["match"] and rows[0]["evidence"][0] in text


def test_binary_junk_and_other_scripts() -> None:
    rng = random.Random(7)
    junk = "".join(chr(rng.randrange(0, 0x2FFF)) for _ in range(20_000))
    persian = ("فرمانده نیروی دریایی ارتش جمهوری اسلامی ایران با فرمانده نیروی دریایی پاکستان در "
               "کراچی دیدار کرد.")
    urdu = "پاک بحریہ کے سربراہ نے تہران کا سرکاری دورہ کیا۔"
    lines = [json.dumps({"id": "junk", "text": junk}),
             json.dumps({"id": "junk2", "text": "Iran Pakistan " + junk}),
             json.dumps({"id": "fa", "text": persian, "lang": "fa"}),
             json.dumps({"id": "ur", "text": urdu}),
             "\x00\x01\x02binary\xff"]
    errors, rows, _ = _run(lines)
    assert errors == 1 and [r["id"] for r in rows] == ["junk", "junk2", "fa", "ur", None]
    assert not any(r.get("match") for r in rows)


def test_html_files(tmp_path: Path) -> None:
    page = tmp_path / "visit.html"
    page.write_text(f"<html><head><title>Visit</title></head><body><article><h1>Ships</h1>"
                    f"<p>{VISIT}</p><p>{'The crews will hold professional exchanges. ' * 5}</p>"
                    f"</article></body></html>", encoding="utf-8")
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    errors = run_extract_html([page, empty, tmp_path / "missing.html"], out, model="blank", err=err)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert errors == 2 and len(rows) == 3
    assert rows[0]["id"] == str(page) and rows[0]["match"] is True
    assert "error" in rows[1] and "cannot read" in rows[2]["error"]


@pytest.mark.skipif(not REALPAGES.is_dir(), reason="shared realpages folder absent")
def test_realpages_stream_raises_no_match(extractor: Extractor) -> None:
    from monitor.clean import CleanResult, clean_html

    texts = []
    for page in sorted(REALPAGES.glob("*.html")):
        result = clean_html(page.read_bytes().decode("utf-8", errors="replace"), None)
        if isinstance(result, CleanResult):
            texts.append({"id": page.name, "text": result.text})
    assert len(texts) > 100
    matches = [r.id for r in extractor.extract_many(texts, batch_size=32) if r.match]
    assert matches == []
