"""Messages recorded in the inbox the way the fetcher's ledger records them, without IMAP.

Until `tracker inbox fetch` lands, the tests of handling and review put a message in as the
ledger will: an `inbox_message` row in state `claimed` holding the raw bytes, then, in the same
transaction, `handling.handle` and the Outcome's columns written over the claim.  The raw
messages are real ones built with the standard library's email package: replies to reminders
the tracker really sent (through the aiosmtpd test server) quoting their Message-ID.
"""

from __future__ import annotations

import email.utils
import itertools
import json
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import insert, select, update

from tests.conftest import REPO, Tracker
from tests.smtp_server import SmtpTestServer

MORNING = "2017-04-18T10:30:00+06:00"
"""Every regional body's first reminder is due."""
LATER = "2017-04-19T11:00:00+06:00"
REPLY_TO = "safe-internet@bkk.edu.example"
_UIDS = itertools.count(1)


def mail_env(smtp: SmtpTestServer) -> dict[str, str]:
    return {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(smtp.port),
            "TRACKER_SMTP_SECURITY": "none", "TRACKER_MAIL_FROM": "noreply@bkk.edu.example",
            "TRACKER_SMTP_TIMEOUT": "5", "TRACKER_LANG": "en"}


def contacts_file(path: Path, trusted: tuple[str, ...] = ()) -> Path:
    """The example contacts, with the addresses in `trusted` marked trusted."""
    data = yaml.safe_load((REPO / "contacts.example.yaml").read_text(encoding="utf-8"))
    for entry in data["contacts"]:
        if entry["email"] in trusted:
            entry["trusted"] = True
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def send_reminders(t: Tracker, smtp: SmtpTestServer) -> None:
    result = t("remind", "send", "--json", now=MORNING, env=mail_env(smtp))
    assert result.exit_code == 0, result.output


def reminder_to(t: Tracker, address: str) -> dict[str, Any]:
    """The sent reminder row of `address` (its outbox id, Message-ID with brackets)."""
    rows = [r for r in outbox(t.url) if r["recipient"] == address and r["kind"] == "reminder"
            and r["state"] == "sent"]
    assert rows, address
    return rows[0]


def _engine(url: str) -> Any:
    from sqlalchemy import create_engine

    return create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


def outbox(url: str) -> list[dict[str, Any]]:
    from tracker.store.tables import OUTBOX

    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(
                OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.recipient, OUTBOX.c.state,
                OUTBOX.c.message_id, OUTBOX.c.stage, OUTBOX.c["items"])).mappings()]
    finally:
        engine.dispose()


def reply(sender: str, text: str, answers: str | None = None, *,
          attachments: tuple[tuple[str, str, bytes], ...] = (),
          subject: str = "Re: «Қауіпсіз интернет»", name: str = "") -> bytes:
    """A reply as a mail program writes it: In-Reply-To and References naming `answers` (a
    Message-ID with its brackets), the text, and files (name, content type, bytes)."""
    message = EmailMessage()
    message["From"] = email.utils.formataddr((name, sender)) if name else sender
    message["To"] = REPLY_TO
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(datetime.fromisoformat(LATER))
    message["Message-ID"] = email.utils.make_msgid(domain=sender.split("@")[-1])
    if answers:
        message["In-Reply-To"] = answers
        message["References"] = answers
    message.set_content(text)
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def record(url: str, raw: bytes, now: str = LATER) -> int:
    """Record `raw` as the ledger does (claimed, then handled in the same transaction); its
    row id."""
    from tracker.inbox.handling import handle
    from tracker.inbox.letter import read_letter
    from tracker.store.database import Database
    from tracker.store.tables import INBOX_MESSAGE

    moment = datetime.fromisoformat(now)
    db = Database(url)
    try:
        plan = db.plan()
        letter = read_letter(raw)
        uid = next(_UIDS)
        with db.writing() as conn:
            ident: int = conn.execute(insert(INBOX_MESSAGE).values(
                mailbox="tracker@bkk.edu.example/INBOX", uidvalidity=1, uid=uid,
                message_id=letter.message_id, message_key=letter.message_id or f"uid-{uid}",
                state="claimed", kind="", claimed_by="test", claimed_at=moment,
                received_at=moment, sent_at=letter.sent_at, sender=letter.sender,
                sender_name=letter.sender_name, subject=letter.subject, body_keys="",
                text="", items="[]", form="", attachments="[]", problem="",
                decision_note="", raw=raw).returning(INBOX_MESSAGE.c.id)).scalar_one()
            outcome = handle(conn, plan, letter, ident, moment)
            conn.execute(update(INBOX_MESSAGE).where(INBOX_MESSAGE.c.id == ident).values(
                **outcome.values(), claimed_by=None, handled_at=moment))
        return ident
    finally:
        db.dispose()


def region_csv(rows: list[str]) -> bytes:
    """A results form as CSV in the export's layout: its header and the given rows."""
    header = ("Наименование области;Кол-во общешкольных линеек;Кол-во классных часов;"
              "Кол-во конкурсов (конкурсы плакатов, буклетов, творческих работ, сочинений, "
              "флеш-моб, акции);Кол-во встреч;Кол-во дебатов;Кол-во родительских собраний;"
              "Охват детей;Освещение в СМИ (наименование СМИ, дата размещения);Другие")
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def region_xlsx(url: str, unit: str, counts: dict[str, int]) -> bytes:
    """The tracker's own exported form for one region, filled in."""
    import io

    from tracker.reports.exporter import write_xlsx
    from tracker.reports.results import RegionResult
    from tracker.store.database import Database

    db = Database(url)
    try:
        buffer = io.BytesIO()
        write_xlsx(buffer, db.plan(), [RegionResult(unit, counts=counts, entered=True)])
        return buffer.getvalue()
    finally:
        db.dispose()


def events(url: str, unit: str) -> list[dict[str, Any]]:
    """Every event of a region's assignments, with the assignment's item and body."""
    from tracker.store.tables import ASSIGNMENT, EVENT

    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(
                select(ASSIGNMENT.c.item_number, ASSIGNMENT.c.body_key, EVENT.c.action,
                       EVENT.c.actor, EVENT.c.via, EVENT.c.evidence, EVENT.c.note)
                .join(ASSIGNMENT, ASSIGNMENT.c.id == EVENT.c.assignment_id)
                .where(ASSIGNMENT.c.unit_key == unit).order_by(EVENT.c.id)).mappings()]
    finally:
        engine.dispose()


def region_report(url: str, unit: str) -> dict[str, Any] | None:
    from tracker.store.tables import REGION_REPORT, REGION_REPORT_VALUE

    engine = _engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(select(REGION_REPORT).where(
                REGION_REPORT.c.unit_key == unit)).mappings().first()
            if row is None:
                return None
            values = {k: n for k, n in conn.execute(select(
                REGION_REPORT_VALUE.c.column_key, REGION_REPORT_VALUE.c.number).where(
                REGION_REPORT_VALUE.c.unit_key == unit))}
            return {**dict(row), "values": values}
    finally:
        engine.dispose()


def uploads(url: str) -> list[dict[str, Any]]:
    from tracker.store.tables import UPLOAD

    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(
                UPLOAD.c.digest, UPLOAD.c.media_type, UPLOAD.c.size, UPLOAD.c.name)).mappings()]
    finally:
        engine.dispose()


def shown(t: Tracker, ident: int) -> dict[str, Any]:
    [row] = [r for r in t.json("inbox", "--state", "all", lang="en") if r["id"] == ident]
    return row


def as_json(value: str) -> Any:
    return json.loads(value)
