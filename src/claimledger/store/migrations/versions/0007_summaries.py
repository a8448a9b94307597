"""summary tables: claim_counts and claim_cells (the dashboard's facets, totals, timeline and
map without scanning claims), backfilled from the current claims of an existing ledger

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DIMS = (
    ('day', sa.String(length=10)), ('kind', sa.String(length=32)), ('party', sa.String(length=120)),
    ('side', sa.String(length=120)), ('precision', sa.String(length=16)), ('outlet', sa.String(length=300)),
    ('means', sa.String(length=200)), ('admin1', sa.String(length=200)), ('country', sa.String(length=8)),
)


def _dims(*skip: str) -> list[sa.Column]:
    return [sa.Column(name, type_, nullable=True) for name, type_ in _DIMS if name not in skip]


def upgrade() -> None:
    op.create_table(
        'claim_counts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('cube', sa.Integer(), nullable=False),
        *_dims(),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('sum_lat', sa.Float(), nullable=False),
        sa.Column('n_lat', sa.Integer(), nullable=False),
        sa.Column('sum_lon', sa.Float(), nullable=False),
        sa.Column('n_lon', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    op.create_index('ix_claim_counts_cube_day', 'claim_counts', ['cube', 'day'], unique=False)
    op.create_table(
        'claim_cells',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('cube', sa.Integer(), nullable=False),
        sa.Column('cell_lat', sa.Float(), nullable=False),
        sa.Column('cell_lon', sa.Float(), nullable=False),
        sa.Column('place', sa.String(length=300), nullable=True),
        sa.Column('precision', sa.String(length=16), nullable=True),
        *_dims('precision'),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    op.create_index('ix_claim_cells_cube_day', 'claim_cells', ['cube', 'day'], unique=False)
    # The backfill is 0009's: it counts with today's summary columns, which 0009 completes.


def downgrade() -> None:
    op.drop_index('ix_claim_cells_cube_day', table_name='claim_cells')
    op.drop_table('claim_cells')
    op.drop_index('ix_claim_counts_cube_day', table_name='claim_counts')
    op.drop_table('claim_counts')
