"""Benchmark: a full monitoring cycle on a 2,000-article site, then a steady-state cycle.

    .venv/bin/python bench/bench_cycle.py [--articles 2000]

The first cycle crawls, cleans, archives and extracts every article; the second finds nothing
new. Target: the steady-state cycle takes <= 0.1 of the first cycle's time and requests zero
articles. Articles are unique pages mixing the project's labelled texts with filler news, so
the cleaner and the extractor do their real work.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FILLER = ("The provincial government announced a new budget for schools and hospitals",
          "Cricket fans gathered at the stadium for the final match of the series",
          "Markets closed higher on Thursday as exporters reported stronger orders",
          "Heavy rain is expected across the north of the country this weekend")


class Site:
    """/sitemap.xml (with ETag) lists N unique article pages at /news/<i>."""

    def __init__(self, articles: int, texts: list[dict]) -> None:
        self.n, self.texts, self.article_hits = articles, texts, 0
        site = self
        locs = "".join(f"<url><loc>{{base}}/news/{i}</loc><lastmod>2025-01-01</lastmod></url>"
                       for i in range(articles))
        self.sitemap_tpl = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>')

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, ctype, body = 404, "text/plain", b"not found"
                if self.path == "/robots.txt":
                    status, body = 200, b"User-agent: *\nAllow: /\n"
                elif self.path == "/sitemap.xml":
                    if self.headers.get("If-None-Match") == '"v1"':
                        status, body = 304, b""
                    else:
                        status, ctype = 200, "application/xml"
                        body = site.sitemap_tpl.replace("{base}", site.base).encode()
                elif self.path.startswith("/news/"):
                    site.article_hits += 1
                    status, ctype = 200, "text/html; charset=utf-8"
                    body = site.page(int(self.path.rsplit("/", 1)[1])).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("ETag", '"v1"')
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def page(self, i: int) -> str:
        rng = random.Random(i)
        if i % 20 == 0:  # about 5% of pages are the project's labelled Iran–Pakistan texts
            item = self.texts[(i // 20) % len(self.texts)]
            title, paras = item["title"], item["text"].split("\n\n")
        else:
            title = f"{rng.choice(FILLER)} ({i})"
            paras = [f"{rng.choice(FILLER)}, officials said on day {i}. " * 4 for _ in range(5)]
        body = "".join(f"<p>{p}</p>" for p in paras)
        return (f"<html><head><title>{title}</title><meta property='og:type' content='article'>"
                f"</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
                f"<article><h1>{title}</h1><time datetime='2025-01-0{1 + i % 9}'></time>{body}"
                f"</article><footer>Copyright the bench outlet</footer></body></html>")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()

    from monitor.config import load_config
    from monitor.cycle import run_cycle

    texts = [json.loads(line) for line in (REPO / "tests/data/devset.jsonl").open()]
    site = Site(args.articles, texts)
    with tempfile.TemporaryDirectory() as tmp:
        cdir = Path(tmp) / "config"
        cdir.mkdir()
        (cdir / "sources.yaml").write_text(json.dumps({"sources": [
            {"name": "bench", "kind": "sitemap", "url": f"{site.base}/sitemap.xml"}]}))
        (cdir / "watch.yaml").write_text(json.dumps({"crawl": {
            "download_delay": 0, "max_articles_per_source": args.articles}}))
        (cdir / "alerts.yaml").write_text("channels: []\n")
        env = {"DEFWATCH_ALLOW_PRIVATE_NETWORKS": "1", "DEFWATCH_DATA": tmp}
        config = load_config(cdir, f"sqlite:///{tmp}/bench.db", env=env)

        started = time.perf_counter()
        first = run_cycle(config, all_sources=True)
        first_s = time.perf_counter() - started
        hits_first, site.article_hits = site.article_hits, 0
        started = time.perf_counter()
        second = run_cycle(config, all_sources=True)
        second_s = time.perf_counter() - started

    new = first.sources["bench"].new
    print(f"first cycle:  {first_s:7.1f} s  {hits_first} article requests, {new} new articles, "
          f"{len(first.new_matches)} matches ({new / first_s:.1f} articles/s end to end)")
    print(f"steady state: {second_s:7.1f} s  {site.article_hits} article requests, "
          f"{second.sources['bench'].not_modified} not modified")
    print(f"ratio steady/first: {second_s / first_s:.3f} (target <= 0.1, zero article requests)")


if __name__ == "__main__":
    main()
