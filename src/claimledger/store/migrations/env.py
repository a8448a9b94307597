"""Alembic environment run programmatically by `Ledger.open` (no alembic.ini needed).

The caller passes an open connection in `config.attributes["connection"]`, inside the
transaction that holds the migration lock, so that concurrent openers migrate exactly once.
"""

from __future__ import annotations

from alembic import context

from claimledger.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable through `alembic` on the command line
    raise RuntimeError("claimledger migrations run through claimledger.store.Ledger.open(url)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
