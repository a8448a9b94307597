"""perpetrator: claims keep who the text says caused the loss (contract v1.1), filterable and
indexed like the victim party; events keep the perpetrators and victim buckets of their claims

Existing claims get their perpetrator from the stored contract JSON where it has one (ledgers
written by an extractor that already filled it); others stay NULL until re-extracted.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:30:00

"""
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('perpetrator_party', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('perpetrator_text', sa.String(length=300), nullable=True))
        batch_op.create_index('ix_claims_perp_cur_date', ['perpetrator_party', 'current', 'date'], unique=False)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('perpetrators', sa.String(length=400), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('victims', sa.String(length=400), nullable=False, server_default=''))
    _backfill()


def _backfill() -> None:
    """Copy `data.perpetrator` into the new columns, in batches (JSON read in Python: the same on
    SQLite and PostgreSQL)."""
    conn = op.get_bind()
    claims = sa.table('claims', sa.column('id', sa.Integer), sa.column('data', sa.JSON),
                      sa.column('perpetrator_party', sa.String), sa.column('perpetrator_text', sa.String))
    last = 0
    while True:
        rows = conn.execute(sa.select(claims.c.id, claims.c.data).where(claims.c.id > last)
                            .order_by(claims.c.id).limit(5000)).all()
        if not rows:
            return
        last = rows[-1][0]
        updates = [u for u in (_perpetrator_of(i, d) for i, d in rows) if u is not None]
        if updates:
            conn.execute(claims.update().where(claims.c.id == sa.bindparam('cid'))
                         .values(perpetrator_party=sa.bindparam('party'), perpetrator_text=sa.bindparam('text')),
                         updates)


def _perpetrator_of(claim_id: int, data: Any) -> dict[str, Any] | None:
    if isinstance(data, str):
        data = json.loads(data)
    perp = (data or {}).get('perpetrator') if isinstance(data, dict) else None
    if not isinstance(perp, dict) or not (perp.get('party') or perp.get('text')):
        return None
    return {'cid': claim_id, 'party': (perp.get('party') or None), 'text': (perp.get('text') or None)}


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('victims')
        batch_op.drop_column('perpetrators')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_perp_cur_date')
        batch_op.drop_column('perpetrator_text')
        batch_op.drop_column('perpetrator_party')
