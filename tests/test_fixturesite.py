"""The bundled fixture news site serves what the crawler tests rely on."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import feedparser
import pytest
from parsel import Selector

ROOT = Path(__file__).resolve().parents[1]
# `tests.fixturesite` lives outside the installed packages; pytest only puts tests/ itself on
# sys.path, so add the repository root unless pytest's `pythonpath = ["."]` already did.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fixturesite._outlets import LISTING_ALLOW, LISTING_LINK_SELECTOR
from tests.fixturesite.server import FixtureSite

MANIFEST = json.loads((ROOT / "tests/fixturesite/content/manifest.json").read_text())
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET"
          ) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def post(url: str) -> tuple[int, dict]:
    status, _, body = fetch(url, method="POST")
    return status, json.loads(body)


@pytest.fixture(scope="module")
def site():
    fixture = FixtureSite().start()
    yield fixture
    fixture.stop()


@pytest.fixture()
def fresh(site):
    site.reset()
    yield site
    site.reset()


def visible(outlet: str) -> list[dict]:
    return [m for m in MANIFEST if m["outlet"] == outlet and not m["hidden"]]


def test_cli_prints_one_json_line_and_stops_on_sigterm(tmp_path):
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests/fixturesite/server.py"),
                             "--state-dir", str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        urls = json.loads(proc.stdout.readline())
        assert set(urls["outlets"]) == {"karachi-ledger", "tehran-courier", "islamabad-wire",
                                        "persian-gulf-times"}
        ports = {u.rsplit(":", 1)[1] for u in [*urls["outlets"].values(), urls["admin"]]}
        assert len(ports) == 5
        assert fetch(urls["outlets"]["karachi-ledger"] + "/robots.txt")[0] == 200
        assert post(urls["admin"] + "/publish-next")[0] == 200
        assert json.loads((tmp_path / "state.json").read_text())["published"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_rss_and_atom_feeds_list_every_visible_article_with_tracking_params(site):
    for slug, path, param in (("karachi-ledger", "/rss/latest.xml", "utm_source=rss"),
                              ("tehran-courier", "/feeds/all.atom.xml", "utm_source=atom")):
        status, _headers, body = fetch(site.urls["outlets"][slug] + path)
        parsed = feedparser.parse(body)
        assert status == 200 and not parsed.bozo, slug
        assert parsed.version == ("rss20" if slug == "karachi-ledger" else "atom10")
        links = {e.link.split("?")[0] for e in parsed.entries}
        expected = {site.article_url(m["id"]) for m in visible(slug)}
        assert links == expected
        assert all(param in e.link for e in parsed.entries)
        assert all(e.published_parsed for e in parsed.entries)


def test_sitemap_index_points_to_news_sitemap_with_publication_dates(site):
    base = site.urls["outlets"]["islamabad-wire"]
    status, _, body = fetch(base + "/sitemap_index.xml")
    locs = [e.text for e in ET.fromstring(body).findall("sm:sitemap/sm:loc", NS)]
    assert status == 200 and base + "/sitemaps/news.xml" in locs
    news = ET.fromstring(fetch(base + "/sitemaps/news.xml")[2])
    urls = news.findall("sm:url", NS)
    assert {u.find("sm:loc", NS).text for u in urls} == {
        site.article_url(m["id"]) for m in visible("islamabad-wire")}
    assert all(u.find("news:news/news:publication_date", NS).text for u in urls)


def test_listing_selector_and_allow_pick_exactly_the_article_links(site):
    base = site.urls["outlets"]["persian-gulf-times"]
    found, url = [], base + "/latest/"
    while url:
        status, _, body = fetch(url)
        assert status == 200
        page = Selector(text=body.decode("utf-8"))
        links = [base + h for h in page.css(LISTING_LINK_SELECTOR + "::attr(href)").getall()]
        assert links and all(re.match(LISTING_ALLOW, link) for link in links)
        every = [base + h for h in page.css("a::attr(href)").getall() if h.startswith("/")]
        assert {x for x in every if re.match(LISTING_ALLOW, x)} > set(links)  # sidebar too
        found += links
        nxt = page.css("a.next::attr(href)").get()
        url = base + nxt if nxt else None
    assert sorted(found) == sorted(site.article_url(m["id"]) for m in visible(
        "persian-gulf-times"))


def test_robots_disallows_the_private_decoy_listed_in_the_sitemap(site):
    decoy = next(m for m in MANIFEST if m["robots_disallowed"])
    base = site.urls["outlets"][decoy["outlet"]]
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(fetch(base + "/robots.txt")[2].decode().splitlines())
    assert not robots.can_fetch("defwatch", site.article_url(decoy["id"]))
    assert robots.can_fetch("defwatch", site.article_url(visible(decoy["outlet"])[0]["id"]))
    assert site.article_url(decoy["id"]).encode() in fetch(base + "/sitemaps/news.xml")[2]
    for slug, outlet_base in site.urls["outlets"].items():
        status, _headers, body = fetch(outlet_base + "/robots.txt")
        assert status == 200 and body.startswith(b"User-agent: *"), slug


def test_conditional_get_answers_304(site):
    article = visible("karachi-ledger")[0]
    for url in (site.urls["outlets"]["karachi-ledger"] + "/rss/latest.xml",
                site.urls["outlets"]["persian-gulf-times"] + "/latest/",
                site.urls["outlets"]["islamabad-wire"] + "/sitemaps/news.xml",
                site.article_url(article["id"])):
        status, headers, _ = fetch(url)
        assert status == 200 and headers["ETag"] and headers["Last-Modified"]
        assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304, url
        assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304, url
        assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200, url
        assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200


def test_publish_adds_the_article_to_its_feed_and_changes_validators(fresh):
    hidden = next(m for m in MANIFEST if m["hidden"] and m["outlet"] == "karachi-ledger")
    feed_url = fresh.urls["outlets"]["karachi-ledger"] + "/rss/latest.xml"
    _, before, body = fetch(feed_url)
    assert fetch(fresh.article_url(hidden["id"]))[0] == 404
    assert fresh.article_url(hidden["id"]).encode() not in body
    result = fresh.publish(hidden["id"])
    assert result["changed"] is True
    status, after, body = fetch(feed_url, {"If-None-Match": before["ETag"]})
    assert status == 200 and after["ETag"] != before["ETag"]
    assert after["Last-Modified"] != before["Last-Modified"]
    assert feedparser.parse(body).entries[0].link.startswith(result["url"] + "?")
    assert fetch(fresh.article_url(hidden["id"]))[0] == 200
    fresh.reset()
    assert fetch(feed_url)[1]["ETag"] == before["ETag"]
    assert fetch(fresh.article_url(hidden["id"]))[0] == 404


def test_admin_publish_and_request_log(fresh):
    admin = fresh.urls["admin"]
    listing = fresh.urls["outlets"]["persian-gulf-times"] + "/latest/"
    hidden = next(m for m in MANIFEST if m["hidden"] and m["outlet"] == "persian-gulf-times")
    assert post(admin + "/publish/nope")[0] == 404
    status, result = post(admin + f"/publish/{hidden['id']}")
    assert status == 200 and result["url"] == fresh.article_url(hidden["id"])
    assert result["url"].split(":", 2)[2].split("/", 1)[1] in fetch(listing)[2].decode()
    assert post(admin + "/requests/clear")[0] == 200
    etag = fetch(listing)[1]["ETag"]
    fetch(listing, {"If-None-Match": etag})
    log = json.loads(fetch(admin + "/requests")[2])
    assert [(r["outlet"], r["path"], r["status"], r["if_none_match"]) for r in log] == [
        ("persian-gulf-times", "/latest/", 200, None),
        ("persian-gulf-times", "/latest/", 304, etag)]
    pending = sum(m["hidden"] for m in MANIFEST) - 1
    assert all(post(admin + "/publish-next")[0] == 200 for _ in range(pending))
    assert post(admin + "/publish-next")[0] == 404
    assert post(admin + "/reset")[0] == 200
    assert json.loads(fetch(admin + "/requests")[2]) == []
    assert sum(not r["visible"] for r in json.loads(fetch(admin + "/manifest")[2])) == pending + 1


def test_manifest_covers_every_spec_category():
    assert len(MANIFEST) >= 60
    positives = Counter((m["kind"], m["visitor_country"]) for m in MANIFEST if m["label"])
    for kind in ("visit", "hosting", "delegation", "port_call"):
        assert positives[(kind, "IR")] and positives[(kind, "PK")], kind
    negatives = Counter(m["kind"] for m in MANIFEST if not m["label"])
    for kind in ("retrospective", "military_other", "civil_visit", "other_country_military",
                 "unrelated"):
        assert negatives[kind], kind
    subtypes = {m["subtype"] for m in MANIFEST if m["kind"] == "military_other"}
    assert {"phone_call", "third_country_meeting", "cancelled_visit"} <= subtypes
    assert sum(m["devset_id"] is None for m in MANIFEST) >= 10
    groups = Counter(m["event_group"] for m in MANIFEST if m["label"] and m["event_group"])
    multi = [g for g, n in groups.items() if 2 <= n <= 4]
    assert len(multi) >= 5
    for group in multi:
        assert len({m["outlet"] for m in MANIFEST if m["event_group"] == group}) >= 2


def test_wire_story_appears_on_two_outlets_with_identical_body(site):
    reprint = next(m for m in MANIFEST if m["wire_of"])
    original = next(m for m in MANIFEST if m["id"] == reprint["wire_of"])
    assert reprint["outlet"] != original["outlet"]
    pages = [fetch(site.article_url(m["id"])) for m in (original, reprint)]
    bodies = [Selector(text=b.decode()).css("p::text").getall() for _, _, b in pages]
    text = json.loads((ROOT / "tests/fixturesite/content/articles.json").read_text())
    first_paragraph = next(t for t in text if t["id"] == original["id"])["text"].split("\n\n")[0]
    assert all(first_paragraph in b for b in bodies)
    assert pages[0][1]["ETag"] != pages[1][1]["ETag"]


def test_boilerplate_traps_and_legacy_charset(site):
    negative = next(m for m in visible("karachi-ledger") if m["kind"] == "unrelated")
    page = Selector(text=fetch(site.article_url(negative["id"]))[2].decode())
    visit_titles = {m["slug"] for m in MANIFEST if m["label"] and m["kind"] == "visit"}
    most_read = [h.rsplit("/", 1)[1] for h in page.css(".most-read a::attr(href)").getall()]
    assert visit_titles & set(most_read)
    assert page.css("#cookie-consent") and page.css("#comments .comment")
    assert page.css('meta[property="og:title"]') and page.css("time::attr(datetime)").get()
    assert json.loads(page.css('script[type="application/ld+json"]::text').get())["@type"] == \
        "NewsArticle"
    legacy = next(m for m in MANIFEST if m["encoding"] == "windows-1252")
    status, headers, body = fetch(site.article_url(legacy["id"]))
    assert status == 200 and "charset" not in headers["Content-Type"]
    assert b'<meta charset="windows-1252">' in body and "\u2014".encode("cp1252") in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
