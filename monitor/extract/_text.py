"""Split article text into bounded pieces for spaCy and find the dateline."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

from spacy.tokens import Doc, Span

from monitor.extract.gazetteer import PAIR, Entry, Gazetteer

logger = logging.getLogger(__name__)

PIECE_CHARS = 20_000  # far below spaCy's max_length; keeps memory per piece small
MAX_CHARS = 250_000  # parse budget per text: a 5 MB page keeps its first relevant stretches
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")
_PARAGRAPH = re.compile(r"[^\n]+")
# A sentence ends with terminal punctuation, perhaps followed by closing quotes or brackets.
_CLOSED = re.compile(r"[.!?][\"'”’)\]]*\s*$")
# "met his Iranian counterpart, Brig. Gen. Aziz Nasirzadeh": a rank or month abbreviation ends
# no sentence, though the statistical splitter often cuts after it
_ABBREVIATION = re.compile(r"\b(?:Brig|Gen|Maj|Lt|Col|Adm|Capt|Cdr|Cmdr|Cdre|Cmdre|Sgt|Cpl|Pvt|Lieut|"
                           r"Gov|Sen|Dr|Mr|Mrs|Ms|Amb|Rep|Hon|Jan|Feb|Aug|Sept?|Oct|Nov|Dec|No|St)\.$")
_LINKS = (r"(?:related(?: news| stories| articles| coverage| content| reading| posts)?|also read|"
          r"read (?:more|also|next)|see also|more on (?:this|the) (?:story|topic)|recommended(?: for you)?|"
          r"more (?:from|in|stories)(?: [\w&'’ ]{1,30})?|latest (?:news|stories)|you may (?:also )?like|"
          r"trending(?: now)?|most (?:read|popular|viewed)|top stories|editor'?s picks?)")
# (multiline: the same pattern finds a heading anywhere in a text and tests one line)
_LINKS_HEADING = re.compile(r"^[#*>\-–—•|\s]*" + _LINKS + r"\s*:?[\s|*]*$",
                            re.IGNORECASE | re.MULTILINE)
_LINK_ITEM = re.compile(r"^(?:[\-–—•*·▪►>]|\d{1,2}[.)])\s")
_DATELINE = re.compile(r"^\s*([A-Z][A-Za-z'’\- ]{1,40}?)\s*(?:\(|,|:|–|—|\s-\s)")


def _split_long(start: int, text: str) -> Iterator[tuple[int, str]]:
    if len(text) <= PIECE_CHARS:
        yield start, text
        return
    pos = 0
    cuts = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    piece_start = 0
    for cut in cuts:
        if cut - piece_start > PIECE_CHARS:
            if pos > piece_start:
                yield start + piece_start, text[piece_start:pos]
                piece_start = pos
            while cut - piece_start > PIECE_CHARS:  # no sentence end: cut at whitespace
                hard = text.rfind(" ", piece_start, piece_start + PIECE_CHARS)
                hard = hard if hard > piece_start else piece_start + PIECE_CHARS
                yield start + piece_start, text[piece_start:hard]
                piece_start = hard
        pos = cut
    if piece_start < len(text):
        yield start + piece_start, text[piece_start:]


def _link_lines(lines: list[re.Match[str]]) -> set[int]:
    """Indexes of the lines of link lists: a "RELATED NEWS" heading and the headlines under it.

    The headlines are other stories ("- Iranian warships arrive in Karachi"), not this one's
    text; the list ends at the first line that reads like prose.
    """
    out: set[int] = set()
    in_list = False
    for i, m in enumerate(lines):
        line = m.group(0).strip()
        if _LINKS_HEADING.match(line):
            in_list = True
            out.add(i)
        elif in_list and (_LINK_ITEM.match(line) or (len(line) <= 150 and not _CLOSED.search(line))):
            out.add(i)
        elif line:
            in_list = False
    return out


def pieces(text: str, relevant: Callable[[str], bool]) -> list[tuple[int, str]]:
    """(offset, piece) pairs: paragraphs, split further when long; only relevant ones kept.

    A piece that mentions neither country cannot hold evidence, so skipping it changes no
    result and keeps the cost bounded on very long texts; nor can a list of links.
    """
    out: list[tuple[int, str]] = []
    budget = MAX_CHARS
    lines = list(_PARAGRAPH.finditer(text))
    links = _link_lines(lines) if _LINKS_HEADING.search(text) else set()
    for i, m in enumerate(lines):
        if not m.group(0).strip() or i in links:
            continue
        for start, piece in _split_long(m.start(), m.group(0)):
            if piece.strip() and relevant(piece):
                if len(piece) > budget:
                    logger.warning("text of %d characters: only the first %d relevant characters "
                                   "were analysed", len(text), MAX_CHARS)
                    return out
                budget -= len(piece)
                out.append((start, piece))
    return out


def dateline(text: str, gazetteer: Gazetteer) -> tuple[Entry | None, int]:
    """The place named in the dateline ("TEHRAN, Aug. 13 (MNA) –") and the dateline length."""
    head = text.lstrip()[:80]
    m = _DATELINE.match(head)
    if not m:
        return None, 0
    words = m.group(1).strip()
    entry = gazetteer.places_by_name.get(words.lower())
    if entry is None or entry.country not in PAIR:
        return None, 0
    return entry, len(text) - len(text.lstrip()) + m.end()


def sentences(doc: Doc) -> Iterator[Span]:
    """The parser's sentences, with fragments glued back on.

    The statistical splitter sometimes breaks after "Lieutenant General (retired)" or an
    abbreviation ("Brig."); the rest of the clause ("... on the sidelines of the Moscow conference")
    then loses its subject, so a sentence without closing punctuation runs on.
    """
    start = None
    for sent in doc.sents:
        if start is None:
            start = sent.start
        text = sent.text.rstrip()
        if (_CLOSED.search(text) and not _ABBREVIATION.search(text)) or sent.end == len(doc):
            yield doc[start:sent.end]
            start = None
    if start is not None:
        yield doc[start:len(doc)]
