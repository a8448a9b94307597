"""live: indexed candidate look-ups for incremental reconcile (event place keys, grid cell and
span; MinHash LSH bands), the time each claim became visible, and watch-mode state

The new event columns and the band rows are filled by the next `reconcile` (a one-time pass
recorded in ledger_meta), so this migration only changes the schema.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('admin1_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('place_key', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('cell', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('span_days', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_events_admin1_key_start', ['admin1_key', 'date_start'], unique=False)
        batch_op.create_index('ix_events_place_key_start', ['place_key', 'date_start'], unique=False)
        batch_op.create_index('ix_events_cell_start', ['cell', 'date_start'], unique=False)
        batch_op.create_index('ix_events_span_days', ['span_days'], unique=False)
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_unsigned', ['id'], unique=False,
                              sqlite_where=sa.text('minhash IS NULL'), postgresql_where=sa.text('minhash IS NULL'))
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visible_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'document_bands',
        sa.Column('band_key', sa.BigInteger(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('band_key', 'document_id'),
    )
    op.create_index('ix_document_bands_document_id', 'document_bands', ['document_id'], unique=False)
    # memberships looked up by claim (attach, detach, regroup) without reading the whole table
    op.create_index('ix_claim_group_members_claim_id', 'claim_group_members', ['claim_id'], unique=False)
    op.create_index('ix_event_claims_claim_id', 'event_claims', ['claim_id'], unique=False)
    op.create_table(
        'watch_sources',
        sa.Column('source', sa.String(length=2000), nullable=False),
        sa.Column('etag', sa.String(length=500), nullable=True),
        sa.Column('last_modified', sa.String(length=100), nullable=True),
        sa.Column('fingerprint', sa.String(length=64), nullable=True),
        sa.Column('last_polled', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_changed', sa.DateTime(timezone=True), nullable=True),
        sa.Column('errors', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('next_poll', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('source'),
    )


def downgrade() -> None:
    op.drop_index('ix_event_claims_claim_id', table_name='event_claims')
    op.drop_index('ix_claim_group_members_claim_id', table_name='claim_group_members')
    op.drop_table('watch_sources')
    op.drop_index('ix_document_bands_document_id', table_name='document_bands')
    op.drop_table('document_bands')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_column('visible_at')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_unsigned')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_span_days')
        batch_op.drop_index('ix_events_cell_start')
        batch_op.drop_index('ix_events_place_key_start')
        batch_op.drop_index('ix_events_admin1_key_start')
        batch_op.drop_column('span_days')
        batch_op.drop_column('cell')
        batch_op.drop_column('place_key')
        batch_op.drop_column('admin1_key')
