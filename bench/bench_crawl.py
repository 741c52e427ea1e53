"""Benchmark: defwatch's crawler vs a plain Scrapy spider on a local 2,000-article site.

    .venv/bin/python bench/bench_crawl.py [--articles 2000] [--rounds 2]

Both crawlers run as subprocesses against the same threaded http.server on 127.0.0.1, with
politeness switched off in both (no robots.txt, no autothrottle, no delay) and the same
concurrency. Reported: pages/s for each and their ratio (target >= 0.8), then a second
defwatch run with every URL known (target: zero article requests, time <= 0.1 x first run).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.urls import canonicalize

SAME_SETTINGS = {
    "ROBOTSTXT_OBEY": False,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "COOKIES_ENABLED": False,
}

PLAIN_SPIDER = '''
import json, scrapy

class Plain(scrapy.Spider):
    name = "plain"

    async def start(self):
        for url in json.load(open(self.urls_file)):
            yield scrapy.Request(url)

    def parse(self, response):
        yield {"url": response.url, "status": response.status, "html": response.text}
'''


class Site:
    """The benchmark site: /sitemap.xml lists N articles at /article/<i>.html."""

    def __init__(self, articles: int) -> None:
        self.articles = articles
        self.article_hits = 0
        self.sitemap = b""
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.path == "/sitemap.xml":
                    body, ctype = site.sitemap, "application/xml"
                elif self.path.startswith("/article/"):
                    site.article_hits += 1
                    body, ctype = site.page(self.path).encode(), "text/html; charset=utf-8"
                else:
                    body, ctype = b"not found", "text/plain"
                self.send_response(200 if ctype != "text/plain" else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.build_sitemap()

    def urls(self) -> list[str]:
        return [f"{self.base}/article/{i}.html" for i in range(self.articles)]

    def page(self, path: str) -> str:
        para = "<p>Officials met in Islamabad to discuss defence cooperation. " * 20 + "</p>"
        return f"<html><head><title>{path}</title></head><body><h1>{path}</h1>{para}</body></html>"

    def build_sitemap(self) -> None:
        locs = "".join(f"<url><loc>{url}</loc></url>" for url in self.urls())
        self.sitemap = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                        f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>').encode()


def run_defwatch(site: Site, work: Path, known: list[str] | None, tag: str,
                 empty: bool = False) -> tuple[float, int]:
    sources = [] if empty else [
        {"name": "bench", "kind": "sitemap", "url": f"{site.base}/sitemap.xml"}]
    job = {"sources": sources,
           "settings": {**SAME_SETTINGS, "DEFWATCH_ALLOW_PRIVATE_NETWORKS": True}}
    if known is not None:
        (work / "known.txt").write_text("\n".join(known) + "\n")
        job["known_urls_file"] = str(work / "known.txt")
    (work / f"{tag}.json").write_text(json.dumps(job))
    out = work / f"{tag}.jsonl"
    seconds = _timed([sys.executable, "-m", "crawler", "run", "--job", str(work / f"{tag}.json"),
                      "--out", str(out)])
    pages = sum(1 for line in out.open() if line.startswith('{"type":"page"'))
    return seconds, pages


def run_plain(site: Site, work: Path, tag: str) -> tuple[float, int]:
    (work / "plain_spider.py").write_text(PLAIN_SPIDER)
    (work / "urls.json").write_text(json.dumps(site.urls()))
    out = work / f"{tag}.jsonl"
    args = [sys.executable, "-m", "scrapy", "runspider", str(work / "plain_spider.py"),
            "-a", f"urls_file={work / 'urls.json'}", "-O", f"{out}:jsonlines"]
    for key, value in SAME_SETTINGS.items():
        args += ["-s", f"{key}={value}"]
    seconds = _timed(args, cwd=work)
    return seconds, sum(1 for _ in out.open())


def _timed(args: list[str], cwd: Path = REPO) -> float:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"bench: {args[2]} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    site = Site(args.articles)
    ours, plain = [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in range(args.rounds):  # alternate so warm-up and noise hit both alike
            seconds, pages = run_plain(site, work, f"plain{n}")
            plain.append(pages / seconds)
            seconds, pages = run_defwatch(site, work, None, f"ours{n}")
            ours.append(pages / seconds)
            first_seconds = seconds
            print(f"round {n + 1}: plain {plain[-1]:.0f} pages/s, defwatch {ours[-1]:.0f} "
                  f"pages/s ({pages} pages in {seconds:.2f}s)")
        before = site.article_hits
        known = [canonicalize(u) for u in site.urls()]
        known_seconds, known_pages = run_defwatch(site, work, known, "known")
        # Process start-up (Python, Scrapy, reactor) with nothing to crawl: the fixed cost.
        startup, _ = run_defwatch(site, work, None, "empty", empty=True)
    ratio = statistics.median(ours) / statistics.median(plain)
    print(f"plain scrapy : {statistics.median(plain):8.1f} pages/s (median of {args.rounds})")
    print(f"defwatch     : {statistics.median(ours):8.1f} pages/s (median of {args.rounds})")
    print(f"ratio        : {ratio:8.2f}  (target >= 0.8)")
    print(f"known run    : {known_seconds:.2f}s vs {first_seconds:.2f}s first run, ratio "
          f"{known_seconds / first_seconds:.2f} (target <= 0.1); article requests "
          f"{site.article_hits - before}, pages {known_pages}")
    print(f"start-up     : {startup:.2f}s for an empty job; net of start-up the known run takes "
          f"{(known_seconds - startup) / (first_seconds - startup):.2f} of the first run")
    site.server.shutdown()


if __name__ == "__main__":
    main()
