"""Regenerate content/manifest.json and content/articles.json from the devset.

Run once by hand (`python tests/fixturesite/build_content.py`); the output is committed so
tests never depend on /work/shared at run time. The selection below is deliberate: it covers
every spec category, several multi-outlet event groups and one wire reprint.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
CONTENT = HERE / "content"
DEVSET = Path("/work/shared/devset/devset.jsonl")

# Devset ids, grouped by event group or hard-negative class.
POSITIVES = (
    "d003", "d125", "d210", "d238",  # munir-tehran-2023-07 (PK->IR, 4 reports)
    "d084", "d166", "d227", "d231",  # bagheri-pakistan-2021-10 (IR->PK, 4 reports)
    "d068", "d149", "d209",  # munir-shehbaz-tehran-2025-05
    "d089", "d143", "d153",  # heidari-ghq-2024-05 (hosting)
    "d078", "d187", "d195",  # pn-ships-chabahar-2024-11 (port call PK->IR)
    "d074", "d116", "d260",  # iran-flotilla-karachi-2016-09 (port call IR->PK)
    "d054", "d075", "d247",  # ideas-2024-iran-delegation
    "d191", "d192", "d257",  # ndu-studytour-tehran-2024-04
    "d058", "d091", "d146",  # goudarzi-karachi-2025-12
    "d004", "d129", "d158",  # secdef-tehran-2023-06 (d158 is the wire story)
    "d042", "d060",  # sndu-ndu-islamabad-2025-05 (both hidden: a new event on publish)
)
NEGATIVES = (
    "d001", "d248", "d258", "d128",  # phone_call
    "d057", "d245", "d071",  # third_country_meeting
    "d069", "d217", "d170", "d259",  # cancelled / postponed visit
    "d050", "d100", "d205", "d095", "d002", "d043", "d223",  # strike, clash, drill, envoy, statement
    "d138", "d067", "d151", "d025",  # retrospective
    "d139", "d184", "d140", "d232", "d024",  # civil_visit
    "d193", "d213", "d108", "d121", "d240",  # other_country_military
    "d130", "d127", "d079",  # unrelated
)
HIDDEN = {"d238", "d231", "d209", "d146", "d042", "d060", "d258", "x004", "x009"}
WIRE = ("d158", "karachi-ledger")  # reprinted verbatim by a second outlet
DECOY = ("d230", "islamabad-wire")  # served under /private/, disallowed by robots.txt
CP1252_OUTLET = "tehran-courier"

STYLE_OUTLETS = {
    "APP": "islamabad-wire", "ISPR": "islamabad-wire",
    "Dawn": "karachi-ledger", "Tribune": "karachi-ledger",
    "ArabNewsPK": "karachi-ledger", "Other": "karachi-ledger",
    "IRNA": "tehran-courier", "Tasnim": "tehran-courier",
    "Mehr": "persian-gulf-times", "PressTV": "persian-gulf-times",
    "TehranTimes": "persian-gulf-times",
}
ORDER = ("karachi-ledger", "islamabad-wire", "tehran-courier", "persian-gulf-times")
AUTHORS = {
    "karachi-ledger": ("Sana Mirbahar", "Faraz Ahmed Qazi", "Our Correspondent", "Staff Reporter"),
    "islamabad-wire": ("Wire Desk",),
    "tehran-courier": ("Mahsa Karimzadeh", "Reza Ghaffari", "Political Desk"),
    "persian-gulf-times": ("Leila Sadeghpour", "Kamran Farahani", "News Desk"),
}


def slugify(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", title.lower()).split()
    return "-".join(words[:9])


def pick(seed: str, options: tuple[str, ...]) -> str:
    return options[int(hashlib.sha1(seed.encode()).hexdigest(), 16) % len(options)]


def clock(seed: str) -> str:
    n = int(hashlib.sha1(seed.encode()).hexdigest(), 16)
    return f"{5 + n % 13:02d}:{(n // 13) % 60:02d}:00"


def subtype(row: dict) -> str | None:
    notes = row.get("notes", "")
    head = notes.split(":", 1)[0]
    return head.split("/", 1)[1] if "/" in head else None


def assign_outlets(rows: list[dict]) -> dict[str, str]:
    """Map devset id -> outlet, keeping reports of one event group on different outlets."""
    used: dict[str, set[str]] = {}
    out: dict[str, str] = {}
    for row in rows:
        taken = used.setdefault(row["event_group"], set())
        first = STYLE_OUTLETS[row["outlet_style"]]
        candidates = [first] + [o for o in ORDER if o != first]
        outlet = next((o for o in candidates if o not in taken), first)
        taken.add(outlet)
        out[row["id"]] = outlet
    return out


def entry(art_id: str, row: dict, outlet: str, **extra: object) -> tuple[dict, dict]:
    date = row["date"]
    slug = slugify(row["title"])
    meta = {
        "id": art_id,
        "devset_id": row.get("devset_id", row["id"]),
        "outlet": outlet,
        "slug": slug,
        "path": "/{}/{}".format(date.replace("-", "/"), slug),
        "published": f"{date}T{clock(art_id)}Z",
        "label": row["label"],
        "kind": row["kind"],
        "subtype": row.get("subtype"),
        "event_group": row.get("event_group"),
        "visitor_country": row.get("visitor_country"),
        "host_country": row.get("host_country"),
        "hidden": art_id in HIDDEN,
        "wire_of": None,
        "robots_disallowed": False,
        "encoding": "utf-8",
    }
    meta.update(extra)
    text = {"id": art_id, "title": row["title"], "text": row["text"],
            "author": row.get("author") or pick(art_id, AUTHORS[outlet])}
    return meta, text


def build() -> tuple[list[dict], list[dict]]:
    devset = {r["id"]: r for r in map(json.loads, DEVSET.read_text().splitlines())}
    rows = [dict(devset[i], subtype=subtype(devset[i])) for i in POSITIVES + NEGATIVES]
    outlets = assign_outlets(rows)
    pairs = [entry(r["id"], r, outlets[r["id"]]) for r in rows]
    wire_id, wire_outlet = WIRE
    pairs.append(entry(f"{wire_id}-r", dict(devset[wire_id]), wire_outlet, wire_of=wire_id))
    decoy_id, decoy_outlet = DECOY
    meta, text = entry(f"{decoy_id}-private", dict(devset[decoy_id]), decoy_outlet,
                       robots_disallowed=True)
    meta["path"] = "/private" + meta["path"]
    pairs.append((meta, text))
    for own in json.loads((CONTENT / "own_stories.json").read_text()):
        row = dict(own, label=False, kind="unrelated", event_group=None, devset_id=None)
        pairs.append(entry(own["id"], row, own["outlet"]))
    cp1252 = next(m for m, _ in pairs if m["outlet"] == CP1252_OUTLET and m["label"]
                  and not m["hidden"])
    cp1252["encoding"] = "windows-1252"
    pairs.sort(key=lambda p: (p[0]["published"], p[0]["id"]))
    return [m for m, _ in pairs], [t for _, t in pairs]


def main() -> int:
    manifest, texts = build()
    (CONTENT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    (CONTENT / "articles.json").write_text(json.dumps(texts, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(manifest)} articles written to {CONTENT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
