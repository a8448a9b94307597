"""summary cubes for one-click map views (cell cubes of one or two fields, provinces by outlet):
the summaries recounted with them

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:45:00

"""
from collections.abc import Sequence

from alembic import op
from sqlalchemy.orm import Session

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from claimledger.store.summary import rebuild

    rebuild(Session(bind=op.get_bind()))


def downgrade() -> None:
    pass  # the extra cube rows are harmless to the code of 0007 (it never reads their cube numbers)
