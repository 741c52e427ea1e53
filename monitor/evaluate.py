"""Score the visit extractor against labelled JSON Lines files (`make eval`).

Usage: python -m monitor.evaluate [FILES...] [--verbose] [--json] [--split all|tune|heldout]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from monitor.extract import Extraction, Extractor, GazetteerError

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
# Every file here has been tuned on: each blind set was first measured unseen, then its errors
# were fixed as general classes. The newest blind set stays out (see eval_baseline.json).
DEFAULT_FILES = tuple(ROOT / "tests/data" / name for name in (
    "devset.jsonl", "extra.jsonl", "blind_tune.jsonl", "heldout.jsonl", "blind2.jsonl",
    "blind3.jsonl", "blind4.jsonl", "blind5.jsonl", "blind6.jsonl", "blind7.jsonl",
    "blind8.jsonl", "blind9.jsonl", "blind10.jsonl", "blind11.jsonl", "blind12.jsonl",
    "blind13.jsonl", "blind14.jsonl", "blind15.jsonl", "blind16.jsonl", "blind17.jsonl",
    "blind18.jsonl", "blind19.jsonl", "blind20.jsonl", "blind21.jsonl", "blind22.jsonl"))
METRICS = ("precision", "recall", "f1", "direction", "kind", "officials_recall", "location",
           "event_date")


def split_of(record: dict[str, Any]) -> str:
    """'heldout' for a fixed third of event groups (never tuned on), else 'tune'."""
    group = str(record.get("event_group") or record.get("id"))
    return "heldout" if int(hashlib.sha1(group.encode()).hexdigest(), 16) % 3 == 0 else "tune"


def load_records(paths: Iterable[Path], split: str = "all") -> list[dict[str, Any]]:
    records = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc.msg}") from None
            record["_file"] = path.name
            if split in ("all", split_of(record)):
                records.append(record)
    return records


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _norm(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").split())


# Honorifics that outlets add or drop at will ("Syed Asim Munir" / "Asim Munir").
_HONORIFICS = {"syed", "sayyed", "seyed", "seyyed", "sayed", "mian", "hafiz", "haji", "mr", "dr",
               "sardar", "engr"}


def canonical_names(extractor: Extractor) -> dict[str, str]:
    """Every full-name spelling of a known official (two words or more) -> its canonical name."""
    return {_norm(term): entry.name for entry in extractor.gazetteer.entries.values()
            if entry.kind == "official" for term in entry.terms if len(term.split()) >= 2}


def same_person(gold: str, found: str, aliases: dict[str, str] | None = None) -> bool:
    """One official under two spellings: transliterations the gazetteer knows ("Baqeri" /
    "Bagheri"), honorifics and middle names."""
    if aliases:
        gold, found = aliases.get(_norm(gold), gold), aliases.get(_norm(found), found)
    g = [w for w in _norm(gold).replace(".", "").split() if w not in _HONORIFICS]
    f = [w for w in _norm(found).replace(".", "").split() if w not in _HONORIFICS]
    if g == f:
        return True
    short, long_ = sorted((g, f), key=len)
    return (len(short) >= 2 and short[0] == long_[0] and short[-1] == long_[-1]
            and set(short) <= set(long_))


def score(records: list[dict[str, Any]], results: list[Extraction],
          aliases: dict[str, str] | None = None) -> dict[str, Any]:
    """Metrics of `results` against the gold labels in `records` (same order)."""
    tp = fp = fn = tn = 0
    direction = kind = location = event_date = gold_off = found_off = 0
    confusions = []
    for rec, res in zip(records, results, strict=True):
        gold, pred = bool(rec["label"]), res.match
        tp, fp = tp + (gold and pred), fp + (not gold and pred)
        fn, tn = fn + (gold and not pred), tn + (not gold and not pred)
        problems = []
        if gold != pred:
            problems.append("false_positive" if pred else "false_negative")
        if gold and pred:
            checks = {
                "direction": (res.visitor_country, res.host_country) == (rec["visitor_country"],
                                                                         rec["host_country"]),
                "kind": res.kind == rec["kind"],
                "location": _norm(res.location or "") == _norm(rec["location"] or ""),
                "event_date": (res.event_date.isoformat() if res.event_date else None)
                == rec["event_date"]}
            direction, kind = direction + checks["direction"], kind + checks["kind"]
            location, event_date = location + checks["location"], event_date + checks["event_date"]
            gold_names = [_norm(o["name"]) for o in rec["officials"]]
            missed = [n for n in gold_names
                      if not any(same_person(n, o.name, aliases) for o in res.officials)]
            gold_off += len(gold_names)
            found_off += len(gold_names) - len(missed)
            problems += [k for k, ok in checks.items() if not ok]
            problems += [f"missed_official:{n}" for n in missed]
        if problems:
            confusions.append({"id": rec["id"], "file": rec["_file"], "gold_kind": rec["kind"],
                               "problems": problems, "result": res.to_dict() | {"rules": res.rules},
                               "gold": {k: rec[k] for k in ("visitor_country", "host_country",
                                                            "location", "event_date")}})
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = (round(2 * precision * recall / (precision + recall), 4)
          if precision and recall else None)
    return {"n": len(records), "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision,
            "recall": recall, "f1": f1, "direction": _ratio(direction, tp),
            "kind": _ratio(kind, tp), "officials_recall": _ratio(found_off, gold_off),
            "location": _ratio(location, tp), "event_date": _ratio(event_date, tp),
            "confusions": confusions}


def evaluate(paths: Iterable[Path], *, split: str = "all", model: str | None = None,
             gazetteer_dir: str | None = None, threshold: float = 0.5,
             extractor: Extractor | None = None) -> dict[str, Any]:
    """Run the extractor over the files; metrics per file and over all of them."""
    records = load_records(paths, split)
    if extractor is None:
        kwargs: dict[str, Any] = {"gazetteer_dir": gazetteer_dir, "threshold": threshold}
        if model:
            kwargs["model"] = model
        extractor = Extractor(**kwargs)
    results = list(extractor.extract_many(
        ({"text": r["text"], "id": r["id"], "date": r.get("date"), "lang": r.get("lang"),
          "title": r.get("title")}
         for r in records), batch_size=64))
    aliases = canonical_names(extractor)
    report: dict[str, Any] = {"split": split, "overall": score(records, results, aliases),
                              "files": {}}
    for name in dict.fromkeys(r["_file"] for r in records):
        pairs = [(r, x) for r, x in zip(records, results, strict=True) if r["_file"] == name]
        report["files"][name] = score([p[0] for p in pairs], [p[1] for p in pairs], aliases)
    return report


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def render(report: dict[str, Any], verbose: bool) -> str:
    lines = [f"split: {report['split']}"]
    sections = [*report["files"].items(), ("ALL", report["overall"])]
    lines.append(f"{'file':<16} {'n':>4} {'tp':>4} {'fp':>4} {'fn':>4}  "
                 + "  ".join(f"{m[:9]:>9}" for m in METRICS))
    for name, m in sections:
        lines.append(f"{name[:16]:<16} {m['n']:>4} {m['tp']:>4} {m['fp']:>4} {m['fn']:>4}  "
                     + "  ".join(f"{_fmt(m[k]):>9}" for k in METRICS))
    if verbose:
        lines.append("confusions:")
        for c in report["overall"]["confusions"]:
            r = c["result"]
            lines.append(f"  {c['id']} [{c['gold_kind']}] {', '.join(c['problems'])} | score "
                         f"{r['score']} pred {r['visitor_country']}->{r['host_country']} "
                         f"{r['kind']} {r['location']} {r['event_date']} | gold "
                         f"{c['gold']['visitor_country']}->{c['gold']['host_country']} "
                         f"{c['gold']['location']} {c['gold']['event_date']} | rules "
                         f"{','.join(r['rules'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitor.evaluate", description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true", help="list every confusion")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--split", choices=("all", "tune", "heldout"), default="all")
    parser.add_argument("--model", default=None, help='spaCy model name or "blank"')
    parser.add_argument("--gazetteer-dir", default=None)
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args(argv)
    paths = args.files or [p for p in DEFAULT_FILES if p.exists()]
    try:
        report = evaluate(paths, split=args.split, model=args.model,
                          gazetteer_dir=args.gazetteer_dir, threshold=args.threshold)
    except (OSError, ValueError, GazetteerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        if not args.verbose:
            for m in [report["overall"], *report["files"].values()]:
                m.pop("confusions")
        print(json.dumps(report, indent=2))
    else:
        print(render(report, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
