"""Mutable state of the fixture site: which articles are visible, when, and the request log."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CONTENT_DIR = Path(__file__).resolve().parent / "content"


@dataclass(frozen=True)
class Article:
    """One article as the manifest and the text file describe it (immutable)."""

    id: str
    outlet: str
    path: str
    title: str
    text: str
    author: str
    published: datetime
    meta: dict[str, Any]

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]

    @property
    def encoding(self) -> str:
        return str(self.meta.get("encoding", "utf-8"))


def parse_utc(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def load_articles(content_dir: Path = CONTENT_DIR) -> list[Article]:
    """Load the manifest and the article texts, joined on id, in manifest order."""
    manifest = json.loads((content_dir / "manifest.json").read_text(encoding="utf-8"))
    texts = {t["id"]: t for t in json.loads((content_dir / "articles.json").read_text("utf-8"))}
    return [
        Article(id=m["id"], outlet=m["outlet"], path=m["path"], title=texts[m["id"]]["title"],
                text=texts[m["id"]]["text"], author=texts[m["id"]]["author"],
                published=parse_utc(m["published"]), meta=m)
        for m in manifest
    ]


class SiteState:
    """Visibility of articles plus the request log; every method is thread-safe.

    A hidden article becomes visible through `publish`; its feed/sitemap/listing date is then
    the publish moment (never earlier than anything already visible, so Last-Modified moves).
    The article page keeps its original dateline date so extraction stays comparable.
    """

    def __init__(self, articles: list[Article], state_dir: Path | None = None) -> None:
        self.articles = articles
        self.by_id = {a.id: a for a in articles}
        self._by_path = {(a.outlet, a.path): a for a in articles}
        self._lock = threading.Lock()
        self._published: dict[str, datetime] = {}
        self._log: list[dict[str, Any]] = []
        self._state_file = state_dir / "state.json" if state_dir else None
        if self._state_file and self._state_file.exists():
            saved = json.loads(self._state_file.read_text(encoding="utf-8"))
            self._published = {k: parse_utc(v) for k, v in saved.get("published", {}).items()
                               if k in self.by_id}

    def is_visible(self, article: Article) -> bool:
        with self._lock:
            return not article.meta["hidden"] or article.id in self._published

    def find(self, outlet: str, path: str) -> Article | None:
        """The visible article of `outlet` at `path`, or None (hidden ones are 404 too)."""
        article = self._by_path.get((outlet, path))
        return article if article and self.is_visible(article) else None

    def feed_time(self, article: Article) -> datetime:
        """Date shown for the article in feeds, sitemaps and listings."""
        with self._lock:
            return self._published.get(article.id, article.published)

    def visible(self, outlet: str) -> list[tuple[Article, datetime]]:
        """Visible articles of one outlet with their feed dates, newest first."""
        with self._lock:
            rows = [(a, self._published.get(a.id, a.published)) for a in self.articles
                    if a.outlet == outlet and (not a.meta["hidden"] or a.id in self._published)]
        return sorted(rows, key=lambda r: (r[1], r[0].id), reverse=True)

    def hidden_ids(self) -> list[str]:
        with self._lock:
            return [a.id for a in self.articles if a.meta["hidden"] and a.id not in self._published]

    def publish(self, article_id: str, now: datetime | None = None) -> tuple[Article, datetime, bool]:
        """Make a hidden article visible; returns (article, feed date, changed)."""
        article = self.by_id[article_id]
        with self._lock:
            if not article.meta["hidden"] or article_id in self._published:
                return article, self._published.get(article_id, article.published), False
            latest = max([a.published for a in self.articles] + list(self._published.values()))
            moment = (now or datetime.now(UTC)).replace(microsecond=0)
            moment = max(moment, latest + timedelta(seconds=1))
            self._published[article_id] = moment
            self._save()
        logger.info("published %s at %s", article_id, moment.isoformat())
        return article, moment, True

    def publish_next(self) -> tuple[Article, datetime, bool] | None:
        pending = self.hidden_ids()
        return self.publish(pending[0]) if pending else None

    def reset(self) -> None:
        with self._lock:
            self._published.clear()
            self._log.clear()
            self._save()

    def log_request(self, entry: dict[str, Any]) -> None:
        with self._lock:
            entry["seq"] = len(self._log) + 1
            self._log.append(entry)

    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._log]

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def _save(self) -> None:
        # Called with the lock held.
        if self._state_file is None:
            return
        data = {"published": {k: v.strftime("%Y-%m-%dT%H:%M:%SZ")
                              for k, v in self._published.items()}}
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(self._state_file)
