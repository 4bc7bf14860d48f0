"""personal links, evidence files, and how each change was reported

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 15:30:00

Agencies report on a page behind a personal link (`link`: one row per recipient of a campaign,
the token is derived, never stored), may attach a file (`upload`, stored once by its digest),
and every change says how it came (`event.via`: cli, link, import, mail) with its evidence.  A
results report says who submitted it and how (`region_report.received_by`, `received_via`).
Existing events were all typed at the terminal: they become `cli`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.store.models import UTCDateTime

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('revoked_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign', 'email', name='uq_link_recipient')
    )
    op.create_table('upload',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('stored_at', UTCDateTime(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('digest')
    )
    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('via', sa.String(length=16), server_default='cli',
                                   nullable=False))
        batch.add_column(sa.Column('evidence_url', sa.Text(), nullable=True))
        batch.add_column(sa.Column('evidence', sa.String(length=64), nullable=True))
        batch.create_foreign_key('fk_event_evidence_upload', 'upload', ['evidence'], ['digest'])
    with op.batch_alter_table('region_report') as batch:
        batch.add_column(sa.Column('received_by', sa.String(length=320), nullable=True))
        batch.add_column(sa.Column('received_via', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('region_report') as batch:
        batch.drop_column('received_via')
        batch.drop_column('received_by')
    with op.batch_alter_table('event') as batch:
        batch.drop_constraint('fk_event_evidence_upload', type_='foreignkey')
        batch.drop_column('evidence')
        batch.drop_column('evidence_url')
        batch.drop_column('via')
    op.drop_table('upload')
    op.drop_table('link')
