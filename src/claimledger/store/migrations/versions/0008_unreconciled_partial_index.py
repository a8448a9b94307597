"""claims still to reconcile found by a partial index (reconciled IS false) instead of a full
(current, reconciled) index that SQLite's planner passed over for a scan on large ledgers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_claims_current_unreconciled', table_name='claims')
    op.create_index('ix_claims_unreconciled', 'claims', ['current', 'id'], unique=False,
                    sqlite_where=sa.text('reconciled IS 0'), postgresql_where=sa.text('reconciled IS false'))


def downgrade() -> None:
    op.drop_index('ix_claims_unreconciled', table_name='claims')
    op.create_index('ix_claims_current_unreconciled', 'claims', ['current', 'reconciled'], unique=False)
