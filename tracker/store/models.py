"""The database tables.

The plan is stored twice on purpose: as JSON in `campaign` (what every command reads, fast) and as
rows in `unit`, `body`, `item` (what foreign keys and SQL queries hold on to).  Status lives in
`assignment`, one row per (item, unit, body); every change of it is an `event` row.
Schema changes go only through Alembic migrations in tracker/store/migrations.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from tracker.store.database import (
    UTCDateTime as UTCDateTime,  # re-exported: the migrations name it here
)


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
        # status, digest and ticks read the assignments grouped in this order (migration 0005)
        Index("ix_assignment_groups", "item_number", "body_key", "required", "state", "done_at",
              "unit_key"),
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
    via: str = Field(default="cli", sa_column=Column(String(16), nullable=False,
                                                     server_default="cli"))
    """How the change came: `cli` (staff at the terminal), `link` (the agency on its page),
    `import`, `mail` (an accepted reply)."""
    evidence_url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """A link the reporter gave as evidence."""
    evidence: str | None = Field(default=None, sa_column=Column(
        String(64), ForeignKey("upload.digest"), nullable=True))
    """The file the reporter attached as evidence (its `upload` row)."""



class Contact(SQLModel, table=True):
    """A person or mailbox that receives reminders (agency) or the digest (manager)."""

    __tablename__ = "contact"

    id: int | None = Field(default=None, primary_key=True)
    role: str = Field(sa_column=Column(String(16), nullable=False))
    unit_key: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    body_key: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    email: str = Field(sa_column=Column(String(320), nullable=False))
    name: str = Field(sa_column=Column(Text, nullable=False))
    lang: str = Field(sa_column=Column(String(8), nullable=False))
    trusted: bool = Field(default=False, sa_column=Column(Boolean, nullable=False,
                                                          server_default=false()))
    """contacts.yaml's `trusted: true`: a reply from this address to a reminder we sent it is
    applied at once instead of waiting for staff (tracker.inbox)."""


class Setting(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))


class Outbox(SQLModel, table=True):
    """The ledger of mail: one row per (campaign, deadline, stage, recipient), never two.

    The row is the source of truth for whether a mail went out; the scheduler only decides when
    to look.  The message is rendered when the row is recorded, so a retry sends the same bytes
    with the same Message-ID.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(sa_column=Column(String(512), unique=True, nullable=False))
    campaign: str = Field(sa_column=Column(String(64), nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    deadline: str = Field(sa_column=Column(String(64), nullable=False))
    stage: str = Field(sa_column=Column(String(64), nullable=False))
    recipient: str = Field(sa_column=Column(String(320), nullable=False))
    recipient_name: str = Field(sa_column=Column(Text, nullable=False))
    lang: str = Field(sa_column=Column(String(8), nullable=False))
    unit_key: str = Field(sa_column=Column(String(64), nullable=False))
    body_keys: str = Field(sa_column=Column(Text, nullable=False))
    items: str = Field(sa_column=Column(Text, nullable=False))
    send_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    late: bool = Field(default=False, nullable=False)
    state: str = Field(sa_column=Column(String(16), nullable=False))
    attempts: int = Field(default=0, nullable=False)
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    claimed_by: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    finished_at: datetime | None = Field(default=None,
                                         sa_column=Column(UTCDateTime, nullable=True))
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    message_id: str = Field(sa_column=Column(String(255), nullable=False))
    subject: str = Field(sa_column=Column(Text, nullable=False))
    message: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    """The message as sent; when `body_digest` is set, only its header section, and the body
    is that row of `outbox_body` (shared by every recipient of the same text)."""
    body_digest: str | None = Field(default=None, sa_column=Column(
        String(64), ForeignKey("outbox_body.digest"), nullable=True))
    bounced_at: datetime | None = Field(default=None,
                                        sa_column=Column(UTCDateTime, nullable=True))
    """When a bounce for this mail was read from the inbox (the row is then `failed` and
    `last_error` holds the receiving server's diagnostic)."""


class OutboxBody(SQLModel, table=True):
    """A message body stored once however many recipients get it, keyed by its SHA-256.

    A reminder to every school of a district is one text: storing it per row wrote 50 kB per
    mail, most of the cost of recording a campaign's reminders.  Rows never change.
    """

    __tablename__ = "outbox_body"

    digest: str = Field(sa_column=Column(String(64), primary_key=True))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))



class Relay(SQLModel, table=True):
    """A mail relay's pace as every sender on this database keeps to it (tracker.mail.relay).

    Relays throttle senders; several daemons sharing one outbox must share the relay's limits
    too, so the budget lives here: when the next message may begin (the message rate), and how
    long the relay asked everyone to pause (a 421 "slow down").  One row per `host:port`.
    """

    __tablename__ = "relay"

    key: str = Field(sa_column=Column(String(300), primary_key=True))
    next_send_at: datetime | None = Field(default=None,
                                          sa_column=Column(UTCDateTime, nullable=True))
    """The earliest moment the next message may begin, on the real clock (the rate)."""
    paused_until: datetime | None = Field(default=None,
                                          sa_column=Column(UTCDateTime, nullable=True))
    """No message begins before this moment of the tracker's clock (the relay said slow down)."""
    pauses: int = Field(default=0, nullable=False)
    """Pauses in a row without a message sent since: each doubles the next one."""
    last_refusal: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """The relay's words when it last asked us to slow down."""


class RelaySlot(SQLModel, table=True):
    """One of the SMTP connections a relay allows at once (`TRACKER_SMTP_CONNECTIONS`).

    A sender's worker holds a slot while its connection is open, named like an outbox claim
    (host, pid, token) and renewed as it works, so a slot of a process that died is taken back
    (at once on its host, after the claim lease from another).
    """

    __tablename__ = "relay_slot"

    relay: str = Field(sa_column=Column(String(300), primary_key=True))
    slot: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    holder: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    held_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    """When the holder last renewed it, on the real clock."""


class RegionReport(SQLModel, table=True):
    """A region's results report: that something was entered, and when it was received.

    Its figures are `region_report_value` rows, one per column of the plan's results form.
    """

    __tablename__ = "region_report"

    unit_key: str = Field(sa_column=Column(String(64), ForeignKey("unit.key"), primary_key=True))
    received_at: datetime | None = Field(default=None,
                                         sa_column=Column(UTCDateTime, nullable=True))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    received_by: str | None = Field(default=None,
                                    sa_column=Column(String(320), nullable=True))
    """Who submitted it (staff's login or the agency's address); None before it arrived."""
    received_via: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    """How it arrived: `cli`, `import`, `link` (the reporting page), `mail`."""


class RegionReportValue(SQLModel, table=True):
    """One count or text column of a region's results report, by the column's key in the plan.

    A row per (region, column) rather than a table column per form column, so that a plan whose
    form has another column needs no schema change; each row changes alone, so two commands
    entering different columns of one region never undo each other.  A count column's value is
    in `number`, a text column's in `text`.
    """

    __tablename__ = "region_report_value"

    unit_key: str = Field(sa_column=Column(String(64), ForeignKey("unit.key"), primary_key=True))
    column_key: str = Field(sa_column=Column(String(64), primary_key=True))
    number: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class MediaCoverage(SQLModel, table=True):
    """One entry of a region's «Освещение в СМИ» column: outlet, date, optional link."""

    __tablename__ = "media_coverage"

    id: int | None = Field(default=None, primary_key=True)
    unit_key: str = Field(sa_column=Column(String(64), ForeignKey("unit.key"), nullable=False,
                                           index=True))
    outlet: str = Field(sa_column=Column(Text, nullable=False))
    published_on: date = Field(nullable=False)
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Link(SQLModel, table=True):
    """A recipient's personal link to the reporting page (agency) or the dashboard (manager).

    The token itself is never stored: it is an HMAC of this row's fields under the secret key
    (tracker.access.links), so a copy of the database gives no one a way in.  Revoking bumps
    `generation`, which kills every token made before; the next mail carries a new one.
    """

    __tablename__ = "link"
    __table_args__ = (UniqueConstraint("campaign", "email", name="uq_link_recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign: str = Field(sa_column=Column(String(64), nullable=False))
    email: str = Field(sa_column=Column(String(320), nullable=False))
    """The recipient's address, lower-cased."""
    generation: int = Field(default=0, nullable=False)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    revoked_at: datetime | None = Field(default=None,
                                        sa_column=Column(UTCDateTime, nullable=True))
    """When it was last revoked (for `links show`); the generation is what counts."""


class Upload(SQLModel, table=True):
    """A file an agency sent as evidence, stored once by its SHA-256 however often it is sent.

    In the database rather than on a disk, so that several hosts serving one PostgreSQL see the
    same files and a backup of the database holds them.  Its type was judged by its content.
    """

    __tablename__ = "upload"

    digest: str = Field(sa_column=Column(String(64), primary_key=True))
    media_type: str = Field(sa_column=Column(String(100), nullable=False))
    size: int = Field(nullable=False)
    name: str = Field(sa_column=Column(Text, nullable=False))
    """The file's name as first sent, reduced to a plain base name."""
    stored_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class InboxMessage(SQLModel, table=True):
    """One message read from the tracker's mailbox, recorded before anything is done with it.

    A message is known by its place (`mailbox`, the folder's UIDVALIDITY, its UID), so two
    fetchers never both take it; `message_key` (its Message-ID, unique) catches the same mail
    arriving twice under another UID, which is then recorded as a `duplicate` and never acted
    on.  The claim (`claimed_by`, named like an outbox claim) lets a fetcher that died be
    replaced: its message is handled again from the start, because nothing it did survived
    its transaction.  What the message proposes is kept here until staff decide.
    """

    __tablename__ = "inbox_message"
    __table_args__ = (
        UniqueConstraint("mailbox", "uidvalidity", "uid", name="uq_inbox_place"),
        Index("ix_inbox_state", "state", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mailbox: str = Field(sa_column=Column(String(400), nullable=False))
    """The account and folder it was read from: `user@host/INBOX`."""
    uidvalidity: int = Field(sa_column=Column(BigInteger, nullable=False))
    uid: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: str = Field(sa_column=Column(String(998), nullable=False))
    """Its Message-ID without the angle brackets ('' when it had none)."""
    message_key: str | None = Field(default=None, sa_column=Column(String(998), unique=True,
                                                                   nullable=True))
    """The Message-ID (or, without one, a digest of the message) of the first copy recorded;
    None for a later copy of the same mail."""
    state: str = Field(sa_column=Column(String(16), nullable=False))
    """`claimed` (being handled), `held` (for staff), `accepted`, `rejected`, `done` (nothing
    for staff to decide: a bounce recorded, an automatic reply, a duplicate)."""
    kind: str = Field(default="", sa_column=Column(String(16), nullable=False, default=""))
    """`reply`, `bounce`, `auto_reply`, `other`, `duplicate`, `unreadable` ('' while claimed)."""
    claimed_by: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    received_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    """When the tracker first recorded it (its clock)."""
    handled_at: datetime | None = Field(default=None,
                                        sa_column=Column(UTCDateTime, nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    """Its Date header, when it had a readable one."""
    sender: str = Field(default="", sa_column=Column(String(320), nullable=False, default=""))
    """The From address, lower-cased."""
    sender_name: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    unit_key: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    """The region the sender reports for, when the message belongs to a recipient."""
    recipient: str | None = Field(default=None, sa_column=Column(String(320), nullable=True))
    """The contact address it belongs to (the reminder's recipient, or the matched sender)."""
    body_keys: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """The recipient's bodies in that region, comma-separated."""
    outbox_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("outbox.id"), nullable=True))
    """The mail it answers (a reply) or reports undelivered (a bounce)."""
    matched_by: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    """How it was tied to a recipient: `message-id` (In-Reply-To/References) or `sender`."""
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """What the sender wrote, without the quoted reminder."""
    items: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    """The item numbers it reports done, a JSON list."""
    form: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """An attached results form, as JSON (tracker.inbox): its upload, region and figures, or
    the importer's refusal; '' when none came."""
    attachments: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    """Every attachment, a JSON list: name, type, size, upload digest, what it was taken for."""
    problem: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """Why it is held rather than applied, for staff ('' when nothing is wrong)."""
    decided_by: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    decided_at: datetime | None = Field(default=None,
                                        sa_column=Column(UTCDateTime, nullable=True))
    decision_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    """The message as it came (mail is never deleted, and staff may want the original)."""


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


CAMPAIGN = _table(Campaign)
UNIT = _table(Unit)
BODY = _table(Body)
ITEM = _table(Item)
ASSIGNMENT = _table(Assignment)
EVENT = _table(Event)
CONTACT = _table(Contact)
SETTING = _table(Setting)
OUTBOX = _table(Outbox)
OUTBOX_BODY = _table(OutboxBody)
RELAY = _table(Relay)
RELAY_SLOT = _table(RelaySlot)
REGION_REPORT = _table(RegionReport)
REGION_REPORT_VALUE = _table(RegionReportValue)
MEDIA_COVERAGE = _table(MediaCoverage)
LINK = _table(Link)
UPLOAD = _table(Upload)
INBOX_MESSAGE = _table(InboxMessage)
