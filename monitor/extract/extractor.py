"""The visit extractor: pre-filter, spaCy on candidates, sentence rules, one result per text."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from monitor.extract import _text
from monitor.extract.dates import parse_date
from monitor.extract.gazetteer import PAIR, Entry, load_gazetteer
from monitor.extract.pipeline import DEFAULT_MODEL, LABEL_PREFIX, build_nlp
from monitor.extract.prefilter import Prefilter
from monitor.extract.rules import Context, SentenceAnalyzer, SentenceResult

logger = logging.getLogger(__name__)

KEYS = ("id", "match", "score", "kind", "visitor_country", "host_country", "officials",
        "location", "event_date", "evidence")
MAX_EVIDENCE = 3


@dataclass(frozen=True)
class Official:
    name: str
    title: str | None
    country: str | None


@dataclass
class Extraction:
    """One result per input text; `to_dict()` is the `defwatch extract` JSON contract."""

    id: Any = None
    match: bool = False
    score: float = 0.0
    kind: str | None = None
    visitor_country: str | None = None
    host_country: str | None = None
    officials: list[Official] = field(default_factory=list)
    location: str | None = None
    event_date: date | None = None
    evidence: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    explain: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "match": self.match, "score": round(self.score, 3), "kind": self.kind,
            "visitor_country": self.visitor_country, "host_country": self.host_country,
            "officials": [{"name": o.name, "title": o.title, "country": o.country}
                          for o in self.officials],
            "location": self.location,
            "event_date": self.event_date.isoformat() if self.event_date else None,
            "evidence": list(self.evidence)}
        if self.explain:
            out["rules"] = list(self.rules)
        return out


@dataclass(frozen=True)
class _Item:
    text: str
    id: Any
    date: date | None
    explain: bool
    title: str | None = None

    @classmethod
    def of(cls, text: Any, id: Any, date: Any, explain: bool, title: Any) -> _Item:
        """An item from untrusted input: a text or title that is not a string counts as none."""
        return cls(text if isinstance(text, str) else "", id, parse_date(date), explain,
                   title if isinstance(title, str) else None)


# "Fifty years ago: Iranian warships in Karachi": an archive column retells an old story in the
# present tense; only its headline says so.
_ARCHIVE_TITLE = re.compile(r"\b(?:\w+ (?:years|decades) ago|from the (?:past pages|archives?)|"
                            r"this day in (?:history|\d{4})|on this day)\b", re.IGNORECASE)


ARCHIVE_CAP = 0.3
# "2024: A year of ups and downs", "Year in review", "Who is X?": a look back
_REVIEW_TITLE = re.compile(r"\b(?:year in review|year-?ender|the year that was|a year of|"
                           r"looking back|look back|in retrospect|timeline|profile)\b|"
                           r"^\s*\d{4}\s*[:\-–]|^\s*who (?:is|was)\b", re.IGNORECASE)


class Extractor:
    """Flags Iran–Pakistan military visits in article text.

    Args:
        model: spaCy model name, or "blank" for the rules-only pipeline (also used, with a
            warning, when the model is not installed).
        gazetteer_dir: directory with the gazetteer YAML files (default: the packaged copy).
        threshold: a text matches when its score is at least this.
        prefilter: skip spaCy on texts that do not mention both countries (switch off only to
            check that the pre-filter changes nothing).

    Raises:
        GazetteerError: a gazetteer file is missing or malformed.
    """

    def __init__(self, model: str = DEFAULT_MODEL, gazetteer_dir: str | Path | None = None,
                 threshold: float = 0.5, *, prefilter: bool = True) -> None:
        self.gazetteer = load_gazetteer(gazetteer_dir)
        self.threshold = threshold
        self.use_prefilter = prefilter
        self.prefilter = Prefilter(self.gazetteer)
        self.nlp, self.statistical = build_nlp(model, self.gazetteer)
        self.analyzer = SentenceAnalyzer(self.gazetteer)
        self.docs_parsed = 0  # texts that reached spaCy (for tests and benchmarks)

    # --- public API --------------------------------------------------------------------------
    def extract(self, text: str, *, title: str | None = None, date: Any = None,
                lang: str | None = None, explain: bool = False, id: Any = None) -> Extraction:
        """Extract the visit reported in one text (see the class docstring)."""
        # headlines are often about something else: evidence must be in the body, and the
        # headline only rules out archive columns
        item = _Item.of(text, id, date, explain, title)
        early = self._early(item, lang)
        if early is not None:
            return early
        pieces = self._pieces(item.text)
        docs = list(self.nlp.pipe(p for _, p in pieces))
        self.docs_parsed += 1
        return self._conclude(item, list(zip((o for o, _ in pieces), docs, strict=True)))

    def extract_many(self, items: Iterable[dict[str, Any] | str], batch_size: int = 64,
                     *, explain: bool = False) -> Iterator[Extraction]:
        """Extract from many texts in order; spaCy runs (batched) on candidates only.

        Items are dicts with `text` and optional `id`, `date`, `lang` (or plain strings).
        """
        iterator = iter(items)
        while batch := list(islice(iterator, max(1, batch_size))):
            yield from self._batch(batch, batch_size, explain)

    # --- internals ---------------------------------------------------------------------------
    def _batch(self, batch: list[dict[str, Any] | str], batch_size: int,
               explain: bool) -> list[Extraction]:
        results: list[Extraction | None] = []
        pending: list[tuple[int, _Item, list[tuple[int, str]]]] = []
        for raw in batch:
            record = {"text": raw} if isinstance(raw, str) else raw
            item = _Item.of(record.get("text"), record.get("id"), record.get("date"), explain,
                            record.get("title"))
            early = self._early(item, record.get("lang"))
            results.append(early)
            if early is None:
                pending.append((len(results) - 1, item, self._pieces(item.text)))
        texts = [p for _, _, pieces in pending for _, p in pieces]
        docs = iter(self.nlp.pipe(texts, batch_size=batch_size))
        for index, item, pieces in pending:
            parsed = [(offset, next(docs)) for offset, _ in pieces]
            self.docs_parsed += 1
            results[index] = self._conclude(item, parsed)
        return [r for r in results if r is not None]

    def _early(self, item: _Item, lang: str | None) -> Extraction | None:
        """A no-match result when spaCy is not needed, else None."""
        reason = None
        if not item.text.strip():
            reason = "empty_text"
        elif lang and not str(lang).lower().startswith("en"):
            reason = "unsupported_language"
        elif self.use_prefilter and not self.prefilter.is_candidate(item.text):
            reason = "prefilter_not_candidate"
        if reason is None:
            return None
        return Extraction(id=item.id, rules=[reason], explain=item.explain)

    def _pieces(self, text: str) -> list[tuple[int, str]]:
        return _text.pieces(text, self.prefilter.mentions_any)

    def _sentences(self, item: _Item, parsed: list[tuple[int, Doc]], capital: Entry | None,
                   dateline_end: int) -> list[SentenceResult]:
        ctx = Context(item.date, capital)
        results = []
        for offset, doc in parsed:
            for sent in _text.sentences(doc):
                spans, persons = [], []
                for ent in sent.ents:
                    start = ent.start_char - sent.start_char
                    if offset + ent.start_char < dateline_end:
                        continue  # the dateline city is where the report was filed
                    if ent.label_.startswith(LABEL_PREFIX):
                        spans.append((start, ent.end_char - sent.start_char, ent.ent_id_))
                    elif ent.label_ == "PERSON":
                        persons.append((start, ent.end_char - sent.start_char, ent.text))
                results.append(self.analyzer.analyze(sent.text, offset + sent.start_char,
                                                     spans, persons, ctx))
        return results

    def _conclude(self, item: _Item, parsed: list[tuple[int, Doc]]) -> Extraction:
        from monitor.extract._aggregate import aggregate

        capital, dateline_end = _text.dateline(item.text, self.gazetteer)
        sentences = self._sentences(item, parsed, capital, dateline_end)
        result = aggregate(sentences, capital, self.threshold)
        result.id, result.explain = item.id, item.explain
        if item.title and (_ARCHIVE_TITLE.search(item.title)
                           or self.gazetteer.cues["pastime"].search(item.title) or (
                _REVIEW_TITLE.search(item.title) and result.event_date is None)):
            # a look back dates what is new in it ("this week"); the undated rest is the past;
            # a match report ("Pakistan edge Iran in kabaddi final") is sport
            result.match, result.score = False, min(result.score, ARCHIVE_CAP)
            result.rules.append("archive_item")
        if not result.match:
            result.kind = result.visitor_country = result.host_country = None
            result.location = result.event_date = None
            result.officials, result.evidence = [], []
        return result


__all__ = ["PAIR", "Extraction", "Extractor", "Official"]
