"""assignment groups read from an index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 22:55:00

Status, the digest and every scheduler tick read the assignments grouped by everything but the
unit (`tracker.progress.status.assignment_groups`).  With an index in exactly that order, holding the
unit too, SQLite reads the groups off the index in order instead of scanning the table and
sorting 195,000 rows in a temporary B-tree (0.30 s → 0.07 s at 7,500 units).
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_assignment_groups', 'assignment',
                    ['item_number', 'body_key', 'required', 'state', 'done_at', 'unit_key'])


def downgrade() -> None:
    op.drop_index('ix_assignment_groups', table_name='assignment')
