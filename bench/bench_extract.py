"""Throughput of Extractor.extract_many against bare spaCy nlp.pipe on a realistic article mix.

Non-candidate articles are cut from the real pages in /work/shared/realpages (cleaned with
monitor.clean); candidates are devset texts, at most 5 % of the mix. Both runs see the same
articles in the same process. Usage: python bench/bench_extract.py [--n 2000] [--batch 64]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.clean import CleanResult, clean_html
from monitor.extract import Extractor
from monitor.extract.pipeline import DEFAULT_MODEL

REALPAGES = ROOT.parent / "shared" / "realpages" / "pages"
DEVSET = ROOT / "tests" / "data" / "devset.jsonl"


def _page_texts() -> list[str]:
    texts = []
    for page in sorted(REALPAGES.glob("*.html")):
        result = clean_html(page.read_bytes().decode("utf-8", errors="replace"), None)
        if isinstance(result, CleanResult) and len(result.text) > 300:
            texts.append(result.text)
    if not texts:
        raise SystemExit(f"no pages under {REALPAGES}")
    return texts


def _articles(texts: list[str], n: int, rng: random.Random) -> list[str]:
    """Article-sized windows (600-2,500 characters) of real page text, cut at paragraphs."""
    out = []
    while len(out) < n:
        paragraphs = rng.choice(texts).split("\n")
        start = rng.randrange(len(paragraphs))
        size = rng.randint(600, 2500)
        chunk: list[str] = []
        for p in paragraphs[start:]:
            chunk.append(p)
            if sum(map(len, chunk)) >= size:
                break
        if sum(map(len, chunk)) >= 300:
            out.append("\n".join(chunk))
    return out


def build_mix(n: int, seed: int = 7) -> tuple[list[dict[str, object]], list[int]]:
    rng = random.Random(seed)
    devset = [json.loads(x) for x in DEVSET.read_text(encoding="utf-8").splitlines()]
    n_candidates = n * 5 // 100
    candidates = rng.sample(devset, min(n_candidates, len(devset)))
    docs: list[dict[str, object]] = [{"id": f"page-{i}", "text": t}
                                     for i, t in enumerate(_articles(_page_texts(),
                                                                     n - len(candidates), rng))]
    positions = sorted(rng.sample(range(n), len(candidates)))
    for pos, record in zip(positions, candidates, strict=True):
        docs.insert(pos, {"id": record["id"], "text": record["text"], "date": record["date"]})
    return docs, positions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="articles in the mix (>= 2000)")
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    docs, _ = build_mix(args.n)
    extractor = Extractor()
    both = sum(extractor.prefilter.is_candidate(str(d["text"])) for d in docs)
    print(f"articles: {len(docs)}, mentioning both countries: {both} "
          f"({100 * both / len(docs):.1f} %), characters: {sum(len(str(d['text'])) for d in docs)}")

    start = time.perf_counter()
    results = list(extractor.extract_many(docs, batch_size=args.batch))
    t_extract = time.perf_counter() - start

    bare = spacy.load(DEFAULT_MODEL)
    start = time.perf_counter()
    for _doc in bare.pipe((str(d["text"]) for d in docs), batch_size=args.batch):
        pass
    t_bare = time.perf_counter() - start

    # The pre-filter must change nothing on the candidates it lets through.
    unfiltered = Extractor(prefilter=False)
    cand = [(d, r) for d, r in zip(docs, results, strict=True)
            if extractor.prefilter.is_candidate(str(d["text"]))]
    again = list(unfiltered.extract_many([d for d, _ in cand], batch_size=args.batch))
    same = all(a.to_dict() == r.to_dict() for (_, r), a in zip(cand, again, strict=True))
    matches = sum(r.match for r in results)

    rate_x, rate_b = len(docs) / t_extract, len(docs) / t_bare
    print(f"Extractor.extract_many: {t_extract:7.2f} s  {rate_x:8.1f} articles/s "
          f"({extractor.docs_parsed} texts parsed by spaCy, {matches} matches)")
    print(f"bare nlp.pipe:          {t_bare:7.2f} s  {rate_b:8.1f} articles/s")
    print(f"speed-up: {rate_x / rate_b:.1f}x (target >= 10x)")
    print(f"identical output on {len(cand)} candidates with and without pre-filter: {same}")
    assert same, "pre-filter changed a result"
    assert len(docs) >= 2000 or args.n < 2000
    return 0 if rate_x / rate_b >= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
