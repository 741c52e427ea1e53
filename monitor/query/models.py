"""The analyst feedback log (created by migration 0300): every mark, merge and split, kept."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from monitor.archive.models import UTCDateTime

__all__ = ["EventFeedback"]


class EventFeedback(SQLModel, table=True):
    """One analyst action. merge: `event_id` kept, `other_event_id` merged into it and removed.
    split: `article_id` moved from `event_id` into the new `other_event_id`."""

    __tablename__ = "event_feedback"
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(nullable=False, index=True)
    action: str = Field(sa_type=sa.String(20), nullable=False)
    other_event_id: int | None = Field(default=None, index=True)
    article_id: int | None = None
    note: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
