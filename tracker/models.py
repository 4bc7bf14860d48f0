"""The database tables.

The plan is stored twice on purpose: as JSON in `campaign` (what every command reads, fast) and as
rows in `unit`, `body`, `item` (what foreign keys and SQL queries hold on to).  Status lives in
`assignment`, one row per (item, unit, body); every change of it is an `event` row.
Schema changes go only through Alembic migrations in tracker/migrations.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC and read back as aware UTC on every backend.

    SQLite keeps no offset, so the value is normalised to UTC before it goes in and marked UTC
    when it comes out; PostgreSQL stores `timestamptz`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    plan_json: str = Field(sa_column=Column(Text, nullable=False))
    loaded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class Unit(SQLModel, table=True):
    """A region, or `national` for national bodies."""

    __tablename__ = "unit"

    key: str = Field(sa_column=Column(String(64), primary_key=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    name_kk: str = Field(sa_column=Column(Text, nullable=False))
    name_ru: str = Field(sa_column=Column(Text, nullable=False))
    name_en: str = Field(sa_column=Column(Text, nullable=False))
    timezone: str = Field(sa_column=Column(String(64), nullable=False))
    position: int = Field(sa_column=Column(Integer, nullable=False))


class Body(SQLModel, table=True):
    __tablename__ = "body"

    key: str = Field(sa_column=Column(String(64), primary_key=True))
    level: str = Field(sa_column=Column(String(16), nullable=False))
    by_agreement: bool = Field(default=False, nullable=False)
    name_kk: str = Field(sa_column=Column(Text, nullable=False))
    name_ru: str = Field(sa_column=Column(Text, nullable=False))
    name_en: str = Field(sa_column=Column(Text, nullable=False))


class Item(SQLModel, table=True):
    __tablename__ = "item"

    number: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    section: str = Field(sa_column=Column(String(64), nullable=False))
    title_kk: str = Field(sa_column=Column(Text, nullable=False))
    title_ru: str = Field(sa_column=Column(Text, nullable=False))
    title_en: str = Field(sa_column=Column(Text, nullable=False))
    form: str = Field(sa_column=Column(String(64), nullable=False))
    due_kind: str = Field(sa_column=Column(String(16), nullable=False))
    due_date: date | None = Field(default=None)


class Assignment(SQLModel, table=True):
    """What one body owes for one item in one unit, and whether it is done."""

    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("item_number", "unit_key", "body_key", name="uq_assignment"),
        Index("ix_assignment_unit", "unit_key", "item_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_number: int = Field(sa_column=Column(Integer, ForeignKey("item.number"), nullable=False))
    unit_key: str = Field(sa_column=Column(String(64), ForeignKey("unit.key"), nullable=False))
    body_key: str = Field(sa_column=Column(String(64), ForeignKey("body.key"), nullable=False))
    required: bool = Field(default=True, nullable=False)
    state: str = Field(sa_column=Column(String(16), nullable=False, default="pending"))
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class Event(SQLModel, table=True):
    """One change of an assignment: who, when, what, and why."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(
        sa_column=Column(Integer, ForeignKey("assignment.id"), nullable=False, index=True))
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    action: str = Field(sa_column=Column(String(16), nullable=False))
    actor: str = Field(sa_column=Column(String(200), nullable=False))
    note: str = Field(sa_column=Column(Text, nullable=False, default=""))
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


CAMPAIGN = _table(Campaign)
UNIT = _table(Unit)
BODY = _table(Body)
ITEM = _table(Item)
ASSIGNMENT = _table(Assignment)
EVENT = _table(Event)
