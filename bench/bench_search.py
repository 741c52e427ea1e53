"""Search and export speed at 100,000 articles, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Usage: .venv/bin/python bench/bench_search.py [--articles N] [--queries N]
                                              [--skip-postgres | --postgres-only]

Articles are generated from a Zipf-distributed synthetic vocabulary and inserted in bulk with
executemany (no cleaner, no extractor). Each backend then answers the same queries through
`monitor.query.search` (sessions, parsing and snippets included), next to a plain
``LIKE '%term%'`` scan over the same rows. Export of every article runs in a child process so
its peak RSS is its own. Target: search p95 <= 50 ms at 100,000 articles.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.archive import Archive
from monitor.archive.models import Article
from monitor.query.export import export
from monitor.query.search import search

PG_URL = os.environ.get("DEFWATCH_BENCH_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
VOCAB_SIZE = 20_000
WORDS_PER_TEXT = 120
BATCH = 5_000
SYLLABLES = ("ka", "ra", "chi", "teh", "ran", "is", "la", "bad", "mu", "nir", "ba", "qe", "ri",
             "za", "he", "dan", "gwa", "dar", "sha", "mir", "zo", "pe", "lo", "an", "vi", "su")


def vocabulary(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < VOCAB_SIZE:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    return sorted(words, key=lambda w: rng.random())


def generate(n: int, seed: int = 11) -> tuple[list[dict[str, Any]], list[str]]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    cum, total = [], 0.0
    for rank in range(1, len(vocab) + 1):
        total += 1.0 / rank
        cum.append(total)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        words = rng.choices(vocab, cum_weights=cum, k=WORDS_PER_TEXT)
        rows.append({"canonical_url": f"https://bench.example/{i}",
                     "url": f"https://bench.example/{i}", "source": f"src{i % 30}",
                     "title": " ".join(words[:8]).capitalize(), "text": " ".join(words[8:]),
                     "content_hash": f"{i:064d}", "fetched_at": start,
                     "published": start + timedelta(minutes=40 * i), "language": "en"})
    return rows, vocab


def load(url: str, rows: list[dict[str, Any]]) -> float:
    began = time.perf_counter()
    with Archive(url) as archive:
        for i in range(0, len(rows), BATCH):
            with archive.write() as session:
                session.execute(sa.insert(Article), rows[i:i + BATCH])
    if url.startswith("postgresql"):
        # Steady state of a live archive: GIN's pending list merged, planner statistics fresh.
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("VACUUM ANALYZE article"))
        engine.dispose()
    return time.perf_counter() - began


def queries(vocab: list[str], n: int, seed: int = 5) -> list[tuple[str, str]]:
    """(band, query): single words by frequency band, two-word AND, phrase, OR, exclusion."""
    rng = random.Random(seed)
    bands = {"common": vocab[10:100], "mid": vocab[100:2000], "rare": vocab[2000:]}
    out = []
    for i in range(n):
        kind = ("common", "mid", "rare", "and", "phrase", "or", "not")[i % 7]
        if kind in bands:
            out.append((kind, rng.choice(bands[kind])))
        elif kind == "and":
            out.append((kind, f"{rng.choice(bands['mid'])} {rng.choice(bands['common'])}"))
        elif kind == "phrase":
            out.append((kind, f'"{rng.choice(vocab[:50])} {rng.choice(vocab[:50])}"'))
        elif kind == "or":
            out.append((kind, f"{rng.choice(bands['rare'])} OR {rng.choice(bands['mid'])}"))
        else:
            out.append((kind, f"{rng.choice(bands['mid'])} -{rng.choice(bands['common'])}"))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_search(url: str, qs: list[tuple[str, str]]) -> dict[str, Any]:
    with Archive(url) as archive:
        for _, q in qs[:10]:
            search(archive, q)  # warm caches and the pool
        per_band: dict[str, list[float]] = {}
        every: list[float] = []
        for band, q in qs:
            t0 = time.perf_counter()
            search(archive, q, limit=20)
            ms = (time.perf_counter() - t0) * 1000
            every.append(ms)
            per_band.setdefault(band, []).append(ms)
    return {"p50": pct(every, 50), "p95": pct(every, 95), "max": max(every),
            "bands": {b: (pct(v, 50), pct(v, 95)) for b, v in per_band.items()}}


def time_like(url: str, qs: list[tuple[str, str]], n: int) -> dict[str, float]:
    """The naive alternative: scan every row with LIKE, newest first, 20 rows."""
    words = [q for band, q in qs if band in ("common", "mid", "rare")][:n]
    stmt = sa.text("SELECT id FROM article WHERE lower(title) LIKE :p OR lower(text) LIKE :p "
                   "ORDER BY published DESC LIMIT 20")
    times = []
    with Archive(url) as archive, archive.read() as session:
        for w in words:
            t0 = time.perf_counter()
            session.execute(stmt, {"p": f"%{w.lower()}%"}).all()
            times.append((time.perf_counter() - t0) * 1000)
    return {"p50": pct(times, 50), "p95": pct(times, 95)}


def export_child(url: str) -> None:
    """Runs in a child process: export every article, report rows, seconds, peaks."""
    class Sink(io.TextIOBase):
        chars = 0

        def write(self, text: str) -> int:
            Sink.chars += len(text)
            return len(text)

    tracemalloc.start()
    t0 = time.perf_counter()
    with Archive(url) as archive:
        rows = export(archive, "articles", "jsonl", Sink())
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    hwm = next(line.split()[1] for line in Path("/proc/self/status").read_text().splitlines()
               if line.startswith("VmHWM"))
    print(json.dumps({"rows": rows, "seconds": seconds, "chars": Sink.chars,
                      "tracemalloc_peak_mib": peak / 2**20, "peak_rss_mib": int(hwm) / 1024}))


def time_export(url: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--export-child", url],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def pg_schema_url() -> tuple[str, Any]:
    import psycopg
    from sqlalchemy.engine import make_url

    from tests.conftest_db import libpq_dsn

    base = make_url(PG_URL)
    schema = f"bench_{secrets.token_hex(4)}"
    conn = psycopg.connect(libpq_dsn(base), autocommit=True)
    conn.execute(f'CREATE SCHEMA "{schema}"')
    url = base.set(query={"options": f"-csearch_path={schema}"})

    def drop() -> None:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.close()

    return url.render_as_string(hide_password=False), drop


def run_backend(name: str, url: str, rows: list[dict[str, Any]],
                qs: list[tuple[str, str]], like_n: int) -> dict[str, Any]:
    print(f"[{name}] loading {len(rows):,} articles ...", flush=True)
    loaded = load(url, rows)
    print(f"[{name}] loaded in {loaded:.1f} s; searching ...", flush=True)
    result = {"load_s": loaded, "search": time_search(url, qs), "like": time_like(url, qs, like_n)}
    result["export"] = time_export(url)
    return result


def report(name: str, r: dict[str, Any], n: int) -> None:
    s, like, ex = r["search"], r["like"], r["export"]
    print(f"\n== {name}: {n:,} articles (bulk load {r['load_s']:.1f} s incl. indexing)")
    print(f"search  p50 {s['p50']:6.1f} ms   p95 {s['p95']:6.1f} ms   max {s['max']:6.1f} ms   "
          f"target p95 <= 50 ms: {'OK' if s['p95'] <= 50 else 'MISSED'}")
    for band, (p50, p95) in s["bands"].items():
        print(f"   {band:<7} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    print(f"LIKE    p50 {like['p50']:6.1f} ms   p95 {like['p95']:6.1f} ms   "
          f"(search p50 is {like['p50'] / max(s['p50'], 0.01):.0f}x faster)")
    print(f"export  {ex['rows']:,} rows, {ex['chars'] / 2**20:.0f} MiB of JSONL in "
          f"{ex['seconds']:.1f} s; tracemalloc peak {ex['tracemalloc_peak_mib']:.1f} MiB, "
          f"child peak RSS {ex['peak_rss_mib']:.0f} MiB")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--export-child":
        export_child(sys.argv[2])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=280)
    parser.add_argument("--like-queries", type=int, default=15)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--skip-postgres", action="store_true")
    only.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    rows, vocab = generate(args.articles)
    qs = queries(vocab, args.queries)
    print(f"generated {len(rows):,} articles in {time.perf_counter() - t0:.1f} s", flush=True)
    results = {}
    if not args.postgres_only:
        with tempfile.TemporaryDirectory() as tmp:
            results["SQLite FTS5"] = run_backend("sqlite", f"sqlite:///{tmp}/bench.db", rows,
                                                 qs, args.like_queries)
    if not args.skip_postgres:
        url, drop = pg_schema_url()
        try:
            results["PostgreSQL tsvector+GIN"] = run_backend("postgres", url, rows, qs,
                                                             args.like_queries)
        finally:
            drop()
    for name, r in results.items():
        report(name, r, len(rows))
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
