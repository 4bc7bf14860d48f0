"""the inbox: messages read from the tracker's mailbox, bounced mail, trusted contacts

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:20:00

Agencies answer reminders by mail.  Each message read from the mailbox is recorded in
`inbox_message` before anything is done with it (its place: mailbox, UIDVALIDITY, UID; its
Message-ID once), with what it proposes until staff decide.  A bounce marks the mail it
reports (`outbox.bounced_at`).  A contact may be trusted (`contact.trusted`): its replies to
our own reminders apply at once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.store.models import UTCDateTime

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox', sa.String(length=400), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('uid', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.String(length=998), nullable=False),
    sa.Column('message_key', sa.String(length=998), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('claimed_by', sa.String(length=200), nullable=True),
    sa.Column('claimed_at', UTCDateTime(), nullable=True),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('handled_at', UTCDateTime(), nullable=True),
    sa.Column('sent_at', UTCDateTime(), nullable=True),
    sa.Column('sender', sa.String(length=320), nullable=False),
    sa.Column('sender_name', sa.Text(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('unit_key', sa.String(length=64), nullable=True),
    sa.Column('recipient', sa.String(length=320), nullable=True),
    sa.Column('body_keys', sa.Text(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('matched_by', sa.String(length=16), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('form', sa.Text(), nullable=False),
    sa.Column('attachments', sa.Text(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('mailbox', 'uidvalidity', 'uid', name='uq_inbox_place'),
    sa.UniqueConstraint('message_key')
    )
    op.create_index('ix_inbox_state', 'inbox_message', ['state', 'id'], unique=False)
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('bounced_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('contact') as batch:
        batch.add_column(sa.Column('trusted', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('contact') as batch:
        batch.drop_column('trusted')
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('bounced_at')
    op.drop_index('ix_inbox_state', table_name='inbox_message')
    op.drop_table('inbox_message')
