"""Finish the work of a cycle that died (SIGKILL, power loss) before its extraction ran.

A cycle stores each article as soon as it is cleaned and extracts them all at the end. Were the
process killed in between, those articles are archived (so never fetched again) but were never
extracted: no match, no event, no alert. The next cycle, which holds the same "cycle" lock, finds
the dead cycle still marked "running" and extracts every article stored since it began.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlmodel import col, select

from monitor.archive.models import Article, Cycle, Match
from monitor.config import AppConfig

logger = logging.getLogger(__name__)


def recover_unfinished_cycles(config: AppConfig, archive: Any, extractor: Any = None) -> int:
    """Extract the articles of cycles that never finished; returns how many were extracted.

    Call it only while holding the "cycle" lock (or with no other cycle running), since a
    cycle of another process that is still working also shows as "running".
    """
    with archive.read() as session:
        dead = session.exec(select(Cycle).where(Cycle.status == "running")).all()
    if not dead:
        return 0
    since = min(c.started_at for c in dead)
    with archive.read() as session:
        matched = select(Match.article_id)
        rows = session.exec(
            select(Article.id, Article.text, Article.title, Article.published, Article.language)
            .where(col(Article.fetched_at) >= since).where(col(Article.id).not_in(matched))
            .order_by(col(Article.id))
        ).all()
    if rows:
        logger.warning("%d cycle(s) did not finish; extracting the %d articles they stored",
                       len(dead), len(rows))
        from monitor.matches import extractor_for, store_extractions

        items = [(int(aid), SimpleNamespace(text=text, title=title, date=published,
                                            language=lang))
                 for aid, text, title, published, lang in rows]
        store_extractions(config, archive, items, extractor or extractor_for(config))
    now = datetime.now(UTC)
    for cycle in dead:
        archive.finish_cycle(int(cycle.id or 0), now, "failed")
    return len(rows)


