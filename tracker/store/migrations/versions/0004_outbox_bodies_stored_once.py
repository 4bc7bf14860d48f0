"""outbox bodies stored once

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 19:49:11.776577
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # New rows store their header section in outbox.message and the body once in outbox_body;
    # rows recorded before keep their whole message (body_digest NULL) and are sent as they are.
    op.create_table('outbox_body',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('digest')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_digest', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key('fk_outbox_body_digest', 'outbox_body', ['body_digest'],
                                    ['digest'])


def downgrade() -> None:
    # Put every message back together first, so going back loses nothing.
    connection = op.get_bind()
    outbox = sa.table('outbox', sa.column('id', sa.Integer), sa.column('message', sa.LargeBinary),
                      sa.column('body_digest', sa.String))
    body = sa.table('outbox_body', sa.column('digest', sa.String),
                    sa.column('data', sa.LargeBinary))
    rows = connection.execute(
        sa.select(outbox.c.id, outbox.c.message, body.c.data)
        .join(body, body.c.digest == outbox.c.body_digest)).all()
    for row_id, head, data in rows:
        connection.execute(sa.update(outbox).where(outbox.c.id == row_id)
                           .values(message=bytes(head) + bytes(data)))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbox_body_digest', type_='foreignkey')
        batch_op.drop_column('body_digest')

    op.drop_table('outbox_body')
