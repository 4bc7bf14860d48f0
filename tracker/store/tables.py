"""The tables as light SQLAlchemy Core descriptions, for the commands' statements.

Generated from tracker.store.models (the schema of record) by `python -m tracker.store.tablegen`:
do not edit by hand.  They carry names and the column types that convert values, but no keys,
constraints or Python-side defaults (fine for DML): an insert through them gives every NOT NULL
column explicitly.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Date, Integer, LargeBinary, String, Text, column, table
from sqlalchemy.sql.expression import TableClause

from tracker.store.database import UTCDateTime

CAMPAIGN = table(
    "campaign", column("id", Integer), column("key", String), column("plan_json", Text),
    column("loaded_at", UTCDateTime()),
)


UNIT = table(
    "unit", column("key", String), column("kind", String), column("name_kk", Text),
    column("name_ru", Text), column("name_en", Text), column("timezone", String),
    column("position", Integer),
)


BODY = table(
    "body", column("key", String), column("level", String), column("by_agreement", Boolean),
    column("name_kk", Text), column("name_ru", Text), column("name_en", Text),
)


ITEM = table(
    "item", column("number", Integer), column("section", String), column("title_kk", Text),
    column("title_ru", Text), column("title_en", Text), column("form", String),
    column("due_kind", String), column("due_date", Date),
)


ASSIGNMENT = table(
    "assignment", column("id", Integer), column("item_number", Integer), column("unit_key", String),
    column("body_key", String), column("required", Boolean), column("state", String),
    column("done_at", UTCDateTime()), column("updated_at", UTCDateTime()),
)


EVENT = table(
    "event", column("id", Integer), column("assignment_id", Integer), column("at", UTCDateTime()),
    column("action", String), column("actor", String), column("note", Text),
    column("done_at", UTCDateTime()), column("via", String), column("evidence_url", Text),
    column("evidence", String),
)


CONTACT = table(
    "contact", column("id", Integer), column("role", String), column("unit_key", String),
    column("body_key", String), column("email", String), column("name", Text),
    column("lang", String), column("trusted", Boolean),
)


SETTING = table(
    "setting", column("key", String), column("value", Text),
)


OUTBOX = table(
    "outbox", column("id", Integer), column("dedupe_key", String), column("campaign", String),
    column("kind", String), column("deadline", String), column("stage", String),
    column("recipient", String), column("recipient_name", Text), column("lang", String),
    column("unit_key", String), column("body_keys", Text), column("items", Text),
    column("send_at", UTCDateTime()), column("recorded_at", UTCDateTime()), column("late", Boolean),
    column("state", String), column("attempts", Integer), column("next_attempt_at", UTCDateTime()),
    column("claimed_by", String), column("claimed_at", UTCDateTime()),
    column("finished_at", UTCDateTime()), column("last_error", Text), column("message_id", String),
    column("subject", Text), column("message", LargeBinary), column("body_digest", String),
    column("bounced_at", UTCDateTime()),
)


OUTBOX_BODY = table(
    "outbox_body", column("digest", String), column("data", LargeBinary),
)


RELAY = table(
    "relay", column("key", String), column("next_send_at", UTCDateTime()),
    column("paused_until", UTCDateTime()), column("pauses", Integer), column("last_refusal", Text),
)


RELAY_SLOT = table(
    "relay_slot", column("relay", String), column("slot", Integer), column("holder", String),
    column("held_at", UTCDateTime()),
)


REGION_REPORT = table(
    "region_report", column("unit_key", String), column("received_at", UTCDateTime()),
    column("updated_at", UTCDateTime()), column("received_by", String),
    column("received_via", String),
)


REGION_REPORT_VALUE = table(
    "region_report_value", column("unit_key", String), column("column_key", String),
    column("number", Integer), column("text", Text),
)


MEDIA_COVERAGE = table(
    "media_coverage", column("id", Integer), column("unit_key", String), column("outlet", Text),
    column("published_on", Date), column("url", Text),
)


LINK = table(
    "link", column("id", Integer), column("campaign", String), column("email", String),
    column("generation", Integer), column("created_at", UTCDateTime()),
    column("revoked_at", UTCDateTime()),
)


UPLOAD = table(
    "upload", column("digest", String), column("media_type", String), column("size", Integer),
    column("name", Text), column("stored_at", UTCDateTime()), column("data", LargeBinary),
)


INBOX_MESSAGE = table(
    "inbox_message", column("id", Integer), column("mailbox", String),
    column("uidvalidity", BigInteger), column("uid", BigInteger), column("message_id", String),
    column("message_key", String), column("state", String), column("kind", String),
    column("claimed_by", String), column("claimed_at", UTCDateTime()),
    column("received_at", UTCDateTime()), column("handled_at", UTCDateTime()),
    column("sent_at", UTCDateTime()), column("sender", String), column("sender_name", Text),
    column("subject", Text), column("unit_key", String), column("recipient", String),
    column("body_keys", Text), column("outbox_id", Integer), column("matched_by", String),
    column("text", Text), column("items", Text), column("form", Text), column("attachments", Text),
    column("problem", Text), column("decided_by", String), column("decided_at", UTCDateTime()),
    column("decision_note", Text), column("raw", LargeBinary),
)


TABLES: tuple[TableClause, ...] = (
    CAMPAIGN, UNIT, BODY, ITEM, ASSIGNMENT, EVENT, CONTACT, SETTING, OUTBOX, OUTBOX_BODY, RELAY,
    RELAY_SLOT, REGION_REPORT, REGION_REPORT_VALUE, MEDIA_COVERAGE, LINK, UPLOAD, INBOX_MESSAGE,
)
"""Every table of the schema, in the order the models define them."""
