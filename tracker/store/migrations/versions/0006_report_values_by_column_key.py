"""results report figures stored by the form column's key

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 10:00:00

The results form's columns are declared in plan.yaml now, so a region's figures move from one
table column per form column (`region_report.school_assemblies`, ...) to `region_report_value`,
one row per (region, column key): a count in `number`, a text in `text`.  Every stored figure is
carried over, zeros and empty texts too, and back again on downgrade.  A downgrade can only
carry the 2017 form's columns: figures of columns added by a later plan have nowhere to go in
the old table and are dropped with `region_report_value`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ("school_assemblies", "class_hours", "contests", "meetings", "debates",
          "parent_meetings", "children_reached")
"""The 2017 form's count columns, as the table had them up to revision 0005."""
TEXT = "other"

_report = sa.table("region_report", sa.column("unit_key", sa.String),
                   *(sa.column(name, sa.Integer) for name in COUNTS),
                   sa.column(TEXT, sa.Text))
_value = sa.table("region_report_value", sa.column("unit_key", sa.String),
                  sa.column("column_key", sa.String), sa.column("number", sa.Integer),
                  sa.column("text", sa.Text))


def upgrade() -> None:
    op.create_table('region_report_value',
    sa.Column('unit_key', sa.String(length=64), nullable=False),
    sa.Column('column_key', sa.String(length=64), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['unit_key'], ['unit.key'], ),
    sa.PrimaryKeyConstraint('unit_key', 'column_key')
    )
    for name in COUNTS:
        op.execute(_value.insert().from_select(
            ["unit_key", "column_key", "number"],
            sa.select(_report.c.unit_key, sa.literal(name, sa.String), _report.c[name])))
    op.execute(_value.insert().from_select(
        ["unit_key", "column_key", "text"],
        sa.select(_report.c.unit_key, sa.literal(TEXT, sa.String), _report.c[TEXT])))
    with op.batch_alter_table('region_report', schema=None) as batch_op:
        for name in (*COUNTS, TEXT):
            batch_op.drop_column(name)


def downgrade() -> None:
    # Added with a default so that existing rows get a value, which is then replaced by the
    # stored figure; the default goes afterwards, as the table had none.
    with op.batch_alter_table('region_report', schema=None) as batch_op:
        for name in COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False,
                                          server_default='0'))
        batch_op.add_column(sa.Column(TEXT, sa.Text(), nullable=False, server_default=''))

    def stored(name: str, value: sa.ColumnElement[object]) -> sa.ScalarSelect[object]:
        return (sa.select(value)
                .where(_value.c.unit_key == _report.c.unit_key, _value.c.column_key == name)
                .scalar_subquery())

    op.execute(_report.update().values(
        **{name: sa.func.coalesce(stored(name, _value.c.number), 0) for name in COUNTS},
        **{TEXT: sa.func.coalesce(stored(TEXT, _value.c.text), '')}))
    with op.batch_alter_table('region_report', schema=None) as batch_op:
        for name in (*COUNTS, TEXT):
            batch_op.alter_column(name, server_default=None)
    op.drop_table('region_report_value')
