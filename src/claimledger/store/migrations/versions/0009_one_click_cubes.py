"""summaries by language and perpetrator too (the dashboard's facets of them), and cubes for one-click map views
(cell cubes of one or two fields, provinces by outlet): the summaries recounted with them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 13:45:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('claim_counts', 'claim_cells'):
        op.add_column(table, sa.Column('language', sa.String(length=16), nullable=True))
        op.add_column(table, sa.Column('perpetrator', sa.String(length=120), nullable=True))
    # Backfill (also the one of 0007, which runs before it on an older ledger): every cube counted
    from claimledger.store.summary import rebuild

    rebuild(Session(bind=op.get_bind()))


def downgrade() -> None:
    for table in ('claim_counts', 'claim_cells'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('perpetrator')
            batch.drop_column('language')
    # rows of cubes 0007 does not know stay; it never reads their cube numbers
