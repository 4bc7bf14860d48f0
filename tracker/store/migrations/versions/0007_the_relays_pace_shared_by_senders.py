"""the relay's pace, shared by every sender on the database

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00

A relay throttles senders (a message rate, connections at once).  Several daemons on one
database keep to one pace through two small tables: `relay` (when the next message may begin,
and the pause a relay asked for) and `relay_slot` (the connections it allows, each held by one
worker at a time).  Both start empty: senders add the rows they need.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.store.models import UTCDateTime

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('relay',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('next_send_at', UTCDateTime(), nullable=True),
    sa.Column('paused_until', UTCDateTime(), nullable=True),
    sa.Column('pauses', sa.Integer(), nullable=False),
    sa.Column('last_refusal', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('relay_slot',
    sa.Column('relay', sa.String(length=300), nullable=False),
    sa.Column('slot', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=True),
    sa.Column('held_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('relay', 'slot')
    )


def downgrade() -> None:
    op.drop_table('relay_slot')
    op.drop_table('relay')
