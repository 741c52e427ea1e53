"""The cheap pre-filter: spaCy only sees candidates, and it changes no result."""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from monitor.extract import Extractor

SEEN: list[str] = []


@Language.component("dw_test_seen")
def _seen(doc: Doc) -> Doc:
    SEEN.append(doc.text)
    return doc


def _docs(labelled: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": r["id"], "text": r["text"], "date": r["date"]} for r in labelled.values()]


def test_non_candidates_never_reach_spacy(labelled: dict[str, dict[str, Any]]) -> None:
    extractor = Extractor(model="blank")
    extractor.nlp.add_pipe("dw_test_seen", first=True)
    docs = _docs(labelled)
    SEEN.clear()
    results = list(extractor.extract_many(docs, batch_size=16))
    candidates = [d for d in docs if extractor.prefilter.is_candidate(d["text"])]
    assert 0 < len(candidates) < len(docs)
    rejected = [d for d in docs if d not in candidates]
    seen = "\n".join(SEEN)
    assert all(d["text"][:60] not in seen for d in rejected)
    assert all("prefilter_not_candidate" in r.rules for r, d in zip(results, docs, strict=True)
               if d in rejected)


def test_prefilter_changes_no_result(labelled: dict[str, dict[str, Any]],
                                     blank_extractor: Extractor) -> None:
    unfiltered = Extractor(model="blank", prefilter=False)
    docs = _docs(labelled)
    with_filter = list(blank_extractor.extract_many(docs, batch_size=32))
    without = list(unfiltered.extract_many(docs, batch_size=32))
    for doc, a, b in zip(docs, with_filter, without, strict=True):
        if blank_extractor.prefilter.is_candidate(doc["text"]):
            assert a.to_dict() == b.to_dict(), doc["id"]
        else:
            assert not b.match, doc["id"]  # nothing the filter drops would have matched


def test_extract_many_equals_extract(extractor: Extractor,
                                     labelled: dict[str, dict[str, Any]]) -> None:
    docs = _docs(labelled)[:40]
    many = [r.to_dict() for r in extractor.extract_many(docs, batch_size=7)]
    single = [extractor.extract(d["text"], date=d["date"], id=d["id"]).to_dict() for d in docs]
    assert many == single


def test_candidate_needs_both_countries(extractor: Extractor) -> None:
    pf = extractor.prefilter
    assert pf.is_candidate("Rear Admiral Shahram Irani met the PN chief.")
    assert pf.is_candidate("The ISPR said Baqeri arrived at GHQ.")
    assert not pf.is_candidate("Bagheri met the Russian defence minister in Moscow.")
    assert not pf.is_candidate("The PN ship sailed from Karachi to Jeddah.")
    assert not pf.is_candidate("us pn fc")  # acronyms only count in capitals
