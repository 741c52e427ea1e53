"""`defwatch extract`: JSON lines (or HTML files) in, one JSON line out per input, in order."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from monitor.errors import ConfigError
from monitor.extract.extractor import Extractor
from monitor.extract.gazetteer import GazetteerError
from monitor.extract.pipeline import DEFAULT_MODEL

logger = logging.getLogger(__name__)

BATCH = 32


def _extractor(model: str | None, gazetteer_dir: str | Path | None) -> Extractor:
    try:
        return Extractor(model=model or DEFAULT_MODEL, gazetteer_dir=gazetteer_dir)
    except GazetteerError as exc:
        raise ConfigError(f"gazetteer: {exc}", exc) from exc


def _short(text: str, limit: int = 80) -> str:
    return " ".join(text.split())[:limit]


def _parse(n: int, line: str) -> dict[str, Any]:
    """A document to extract from, or an output record carrying `error`."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "too deeply nested"
        return {"id": None, "line": n, "error": f"line {n}: not JSON: {_short(msg)}"}
    if not isinstance(record, dict):
        return {"id": None, "line": n, "error": f"line {n}: not a JSON object"}
    rid = record.get("id")
    if not isinstance(rid, (str, int, float, type(None))) or isinstance(rid, bool):
        rid = json.dumps(rid)[:80]
    if "text" not in record:
        return {"id": rid, "line": n, "error": f"line {n}: missing \"text\""}
    if not isinstance(record["text"], str):
        return {"id": rid, "line": n, "error": f"line {n}: \"text\" must be a string"}
    date, lang = record.get("date"), record.get("lang")
    return {"id": rid, "text": record["text"], "title": record.get("title"),
            "date": date if isinstance(date, str) else None,
            "lang": lang if isinstance(lang, str) else None}


def _emit(out: TextIO, record: dict[str, Any]) -> None:
    out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _flush(extractor: Extractor, pending: list[dict[str, Any]], out: TextIO, err: TextIO,
           explain: bool) -> int:
    """Write the pending records in order; documents are extracted as one batch."""
    docs = [r for r in pending if "error" not in r]
    results: Iterator[Any] = extractor.extract_many(docs, batch_size=BATCH, explain=explain)
    errors = 0
    for record in pending:
        if "error" in record:
            errors += 1
            err.write(f"defwatch extract: {record['error']}\n")
            _emit(out, record)
        else:
            _emit(out, next(results).to_dict())
    pending.clear()
    return errors


def run_extract(lines: Iterable[str], out: TextIO, *, explain: bool = False,
                model: str | None = DEFAULT_MODEL, gazetteer_dir: str | Path | None = None,
                err: TextIO | None = None) -> int:
    """Extract from JSON lines (`text` required; `id`, `title`, `url`, `date`, `lang` optional).

    Writes one JSON line per non-blank input line, in order: the extraction, or
    `{"id", "line", "error"}` for a line that cannot be used (also reported on `err`).

    Returns:
        The number of input lines that could not be used.

    Raises:
        ConfigError: the gazetteers are invalid.
    """
    err = err if err is not None else sys.stderr
    extractor = _extractor(model, gazetteer_dir)
    pending: list[dict[str, Any]] = []
    errors = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        pending.append(_parse(n, line))
        if len(pending) >= BATCH:
            errors += _flush(extractor, pending, out, err, explain)
    return errors + _flush(extractor, pending, out, err, explain)


def _clean(path: Path) -> dict[str, Any]:
    from monitor.clean import CleanResult, clean_html

    try:
        html = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        return {"id": str(path), "error": f"{path}: cannot read: {exc.strerror}"}
    result = clean_html(html, None)
    if not isinstance(result, CleanResult):
        return {"id": str(path), "error": f"{path}: skipped: {result.reason}"}
    return {"id": str(path), "text": result.text, "title": result.title,
            "date": result.date.date().isoformat() if result.date else None,
            "lang": result.language}


def run_extract_html(paths: Iterable[str | Path], out: TextIO, *, explain: bool = False,
                     model: str | None = DEFAULT_MODEL, gazetteer_dir: str | Path | None = None,
                     err: TextIO | None = None) -> int:
    """Clean each HTML file with `monitor.clean.clean_html`, then extract as `run_extract`.

    Returns:
        The number of files that could not be read or yielded no article.
    """
    err = err if err is not None else sys.stderr
    extractor = _extractor(model, gazetteer_dir)
    pending: list[dict[str, Any]] = []
    errors = 0
    for path in paths:
        pending.append(_clean(Path(path)))
        if len(pending) >= BATCH:
            errors += _flush(extractor, pending, out, err, explain)
    return errors + _flush(extractor, pending, out, err, explain)
