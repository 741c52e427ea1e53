"""Full-text search over articles, and the analyst feedback log.

SQLite: an external-content FTS5 table ``article_fts`` (title, text) kept in sync with
``article`` by three triggers. PostgreSQL: a stored generated ``article.search_tsv`` column
(title weighted A, text B, 'simple' configuration so words match literally, as on SQLite) with a
GIN index. Both are filled from the rows already archived when the migration runs.

Later migrations that rebuild ``article`` on SQLite (batch mode copies the table) drop its
triggers: they must re-create them (see ``_SQLITE_TRIGGERS``) and rebuild ``article_fts``.
``search_tsv`` is not in the SQLModel class on purpose: nothing writes it, and autogenerate
must be told to leave it alone.

Revision ID: 0300
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0300"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

# PostgreSQL refuses a tsvector over 1 MB; a text this long is not an article anyway, and its
# first 200,000 characters are what a search needs.
PG_MAX_INDEXED_CHARS = 200_000

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN
         INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
       END""",
    """CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN
         INSERT INTO article_fts(article_fts, rowid, title, text)
         VALUES ('delete', old.id, old.title, old.text);
       END""",
    """CREATE TRIGGER article_fts_update AFTER UPDATE OF title, text ON article BEGIN
         INSERT INTO article_fts(article_fts, rowid, title, text)
         VALUES ('delete', old.id, old.title, old.text);
         INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
       END""",
)


def _upgrade_sqlite() -> None:
    # remove_diacritics 2: "Tehran" finds "Tehrān"; no stemmer, so words match as typed.
    op.execute(
        "CREATE VIRTUAL TABLE article_fts USING fts5(title, text, content='article', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    for trigger in _SQLITE_TRIGGERS:
        op.execute(trigger)
    op.execute("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")


def _upgrade_postgresql() -> None:
    op.execute(
        "ALTER TABLE article ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector('simple'::regconfig, left(text, {PG_MAX_INDEXED_CHARS})), 'B')"
        ") STORED"
    )
    op.execute("CREATE INDEX ix_article_search_tsv ON article USING gin (search_tsv)")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _upgrade_sqlite()
    elif dialect == "postgresql":
        _upgrade_postgresql()
    op.create_table(
        "event_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        # No foreign key: a merged event is deleted, and its history must outlive it.
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("other_event_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('false_positive', 'clear', 'note', 'merge', 'split')",
            name=op.f("ck_event_feedback_action"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_feedback")),
    )
    op.create_index(
        op.f("ix_event_feedback_event_id"), "event_feedback", ["event_id"], unique=False
    )
    op.create_index(
        op.f("ix_event_feedback_other_event_id"),
        "event_feedback",
        ["other_event_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("event_feedback")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("article_fts_insert", "article_fts_delete", "article_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS article_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_article_search_tsv")
        op.execute("ALTER TABLE article DROP COLUMN IF EXISTS search_tsv")
