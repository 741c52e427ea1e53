"""Alembic environment: runs on the connection handed over by monitor.archive."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from monitor.archive._migrate import include_object
from monitor.archive.models import SQLModel

target_metadata = SQLModel.metadata
config = context.config


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite can only ALTER through table copies; batch mode makes autogenerate emit them.
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Only for the `alembic` command line used while writing new revisions.
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as conn:
        _run(conn)


if context.is_offline_mode():
    raise SystemExit("defwatch migrations run online only")
run_migrations_online()
