"""Bring an archive's schema to the code's head revision, refusing archives from the future."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from monitor.errors import ArchiveError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object | None
) -> bool:
    """Autogenerate hook: ignore database objects the models do not declare.

    Migrations may add objects on purpose outside SQLModel (FTS5 shadow tables, generated
    search columns); without this hook autogenerate would propose dropping them.
    """
    return not (reflected and compare_to is None)


def alembic_config() -> Config:
    """An Alembic Config built in code; no alembic.ini is shipped or read."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "monitor/migrations has no revisions"
    return head


def _known_revisions(cfg: Config) -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}


def upgrade(read_engine: Engine, write_engine: Engine, shown: str) -> str:
    """Check the archive's revision, then upgrade it to head if it is behind.

    Returns the revision the archive is at afterwards. Raises ArchiveError, before any write,
    when the archive comes from a newer defwatch or is some other application's database.
    """
    cfg = alembic_config()
    with read_engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    head = head_revision()
    if current is None and tables - {"alembic_version"}:
        raise ArchiveError(
            f"cannot open archive {shown}: it holds tables but no defwatch "
            "schema revision; it is not a defwatch archive"
        )
    if current is not None and current not in _known_revisions(cfg):
        raise ArchiveError(
            f"archive {shown} was created by a newer version of defwatch "
            f"(revision {current}); upgrade defwatch"
        )
    if current == head:
        return head
    logger.info("upgrading archive %s from revision %s to %s", shown, current, head)
    with write_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return head
