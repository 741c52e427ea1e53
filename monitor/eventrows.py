"""Reading an event's reports from the archive (shared by clustering, alerts and queries)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from monitor.archive.models import Article, EventArticle, Match


def event_reports(session: Session, event_id: int) -> list[tuple[Article, Match]]:
    """The matched articles of one event, oldest first."""
    rows = session.exec(
        select(Article, Match)
        .join(EventArticle, col(EventArticle.article_id) == col(Article.id))
        .join(Match, col(Match.article_id) == col(Article.id))
        .where(EventArticle.event_id == event_id)
        .order_by(col(Article.published), col(Article.id))
    ).all()
    return [(a, m) for a, m in rows]
