"""undated claims stay undated: claims.date, claims.stated and the claim groups' statement
dates may be NULL (a document without a publication date no longer takes the day of ingest)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 06:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.alter_column('date', existing_type=sa.String(length=10), nullable=True)
        batch_op.alter_column('stated', existing_type=sa.String(length=10), nullable=True)
    with op.batch_alter_table('claim_groups', schema=None) as batch_op:
        batch_op.alter_column('first_stated', existing_type=sa.String(length=10), nullable=True)
        batch_op.alter_column('last_stated', existing_type=sa.String(length=10), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('claim_groups', schema=None) as batch_op:
        batch_op.alter_column('last_stated', existing_type=sa.String(length=10), nullable=False)
        batch_op.alter_column('first_stated', existing_type=sa.String(length=10), nullable=False)
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.alter_column('stated', existing_type=sa.String(length=10), nullable=False)
        batch_op.alter_column('date', existing_type=sa.String(length=10), nullable=False)
