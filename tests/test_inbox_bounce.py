"""Bounces: delivery failure reports as Postfix, Exim, Exchange and Gmail write them are read
for the address, the server's words and the mail that bounced; a reminder really sent through
the SMTP test server is then marked failed as bounced, once, and staff see it in `outbox`,
`doctor` and the digest.  Delay warnings, delivery confirmations and people quoting a bounce
are not bounces."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests import bounce_samples as samples
from tests.conftest import REPO, Tracker
from tests.helpers_campaign import smtp_env
from tests.smtp_server import SmtpTestServer
from tracker.inbox.bounce import Bounce, bounce_of, record_bounce
from tracker.inbox.letter import read_letter
from tracker.store.database import Database

pytestmark = pytest.mark.timeout(180)

RECIPIENT = "edu@astana.example"
MESSAGE_ID = "<4f0c2a9e1b7d4c3a8e6f5d2c1b0a9f8e@bkk.edu.example>"
SENT = "2017-04-18T09:30:00+06:00"  # Astana's 09:00 reminders are due
READ = datetime(2017, 4, 18, 4, 10, tzinfo=UTC)

REPORTS: dict[str, tuple[Callable[[str, str], bytes], str, str]] = {
    # builder, status, what the diagnostic must say
    "postfix": (samples.postfix_dsn, "5.1.1",
                "550 5.1.1 <edu@astana.example>: Recipient address rejected: User unknown in "
                "virtual mailbox table"),
    "exim": (samples.exim_dsn, "5.0.0", "550 5.2.1 Mailbox disabled for this recipient"),
    "exchange": (samples.exchange_dsn, "5.1.10",
                 "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP "
                 "address lookup"),
    "gmail": (samples.gmail_dsn, "5.1.1",
              "550 5.1.1 The email account that you tried to reach does not exist."),
    "gmail, Russian": (lambda r, m: samples.gmail_dsn(r, m, "ru"), "5.1.1",
                       "The email account that you tried to reach does not exist."),
    "postfix as text": (samples.postfix_plain, "5.1.1",
                        "550 5.1.1 <edu@astana.example>: Recipient address rejected: User "
                        "unknown in local recipient table (in reply to RCPT TO command)"),
    "exchange as text, Russian": (samples.exchange_plain, "5.1.1",
                                  "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"),
    "exchange as text, Russian in Windows-1251": (
        lambda r, m: samples.exchange_plain(r, m, "ru", "windows-1251"), "5.1.1",
        "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"),
    "exchange as text, English": (lambda r, m: samples.exchange_plain(r, m, "en"), "5.1.1",
                                  "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##"),
}


@pytest.mark.parametrize("server", list(REPORTS))
def test_each_servers_report_names_the_address_the_words_and_the_mail(server: str) -> None:
    build, status, words = REPORTS[server]
    found = bounce_of(read_letter(build(RECIPIENT.upper(), MESSAGE_ID)))
    assert found is not None
    assert found.recipient == RECIPIENT  # lower-cased
    assert found.status == status
    assert words.lower() in found.diagnostic.lower() and "\n" not in found.diagnostic
    assert found.original_message_id == MESSAGE_ID.strip("<>")


def test_exims_text_report_names_the_failed_recipient_without_the_mail() -> None:
    found = bounce_of(read_letter(samples.exim_plain(RECIPIENT)))
    assert found == Bounce(RECIPIENT, "550 5.1.1 <edu@astana.example>: Recipient address "
                           "rejected: User unknown", "5.1.1", None)


def test_exim_giving_up_on_a_temporary_refusal_is_a_failure() -> None:
    raw = (b"From: Mail Delivery System <Mailer-Daemon@mail.bkk.edu.example>\r\n"
           b"To: noreply@bkk.edu.example\r\nX-Failed-Recipients: edu@astana.example\r\n"
           b"Subject: Mail delivery failed: returning message to sender\r\n\r\n"
           b"A message that you sent could not be delivered to one or more of its\r\n"
           b"recipients. This is a permanent error. The following address(es) failed:\r\n"
           b"\r\n  edu@astana.example\r\n    retry timeout exceeded\r\n"
           b"    host mx.astana.example [192.0.2.26]: 451 4.4.1 No answer from host\r\n")
    found = bounce_of(read_letter(raw))
    assert found is not None and found.recipient == RECIPIENT and found.status == "4.4.1"
    assert found.diagnostic == ("retry timeout exceeded host mx.astana.example [192.0.2.26]: "
                                "451 4.4.1 No answer from host")


def test_a_report_on_two_recipients_names_the_one_that_failed() -> None:
    raw = samples.postfix_dsn("edu@aktobe.example", MESSAGE_ID).replace(
        b"Final-Recipient: rfc822; edu@aktobe.example",
        b"Final-Recipient: rfc822; akimat@aktobe.example\r\nAction: delivered\r\n"
        b"Status: 2.0.0\r\n\r\nFinal-Recipient: rfc822; edu@aktobe.example")
    found = bounce_of(read_letter(raw))
    assert found is not None and found.recipient == "edu@aktobe.example"


def _delay_in_text() -> bytes:
    return (b"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\n"
            b"To: noreply@bkk.edu.example\r\nReturn-Path: <>\r\n"
            b"Subject: Delivery Status Notification (Delay)\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
            b"** Message not delivered yet **\r\n\r\nThere was a temporary problem delivering "
            b"your message to edu@astana.example. Gmail will retry for 46 more hours.\r\n\r\n"
            b"The response was:\r\n451 4.4.1 No answer from host\r\n")


def _forwarded_by_a_person() -> bytes:
    quoted = samples.postfix_plain(RECIPIENT, MESSAGE_ID).split(b"\r\n\r\n", 1)[1]
    return (b"From: Ainur <ainur@bkk.edu.example>\r\nTo: safe-internet@bkk.edu.example\r\n"
            b"Subject: Fwd: Undelivered Mail Returned to Sender\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + quoted)


NOT_BOUNCES: dict[str, Callable[[], bytes]] = {
    "a delay warning (DSN)": lambda: samples.postfix_dsn(RECIPIENT, MESSAGE_ID, "delayed",
                                                         "4.4.1"),
    "a delivery confirmation (DSN)": lambda: samples.postfix_dsn(
        RECIPIENT, MESSAGE_ID, "delivered", "2.0.0"),
    "a relay's report (DSN)": lambda: samples.postfix_dsn(RECIPIENT, MESSAGE_ID, "relayed",
                                                          "2.0.0"),
    "a delay warning (text)": _delay_in_text,
    "a person quoting a bounce": lambda: samples.human_quoting_a_bounce(RECIPIENT, MESSAGE_ID),
    "a person forwarding a bounce": _forwarded_by_a_person,
    "an out-of-office reply": lambda: samples.auto_reply("Автоматический ответ: Ескерту"),
}


@pytest.mark.parametrize("case", list(NOT_BOUNCES))
def test_what_is_not_a_delivery_failure(case: str) -> None:
    assert bounce_of(read_letter(NOT_BOUNCES[case]())) is None


# -- against a reminder really sent ---------------------------------------------------------


@pytest.fixture
def sent(tracker: Tracker, smtp_server: SmtpTestServer) -> Iterator[tuple[Tracker, str]]:
    """The example contacts, Astana's reminders sent through the SMTP test server: the
    campaign and the Message-ID one reminder to edu@astana.example went out with."""
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    tracker.ok("remind", "send", now=SENT, env=smtp_env(smtp_server))
    ids = [m.message_id for m in smtp_server.messages if m.rcpt_tos == (RECIPIENT,)]
    assert ids and ids[0]
    yield tracker, ids[0]


def _database(campaign: Tracker) -> Database:
    return Database(campaign.url.replace("postgresql://", "postgresql+psycopg://"))


def _record(campaign: Tracker, raw: bytes, now: datetime = READ) -> int | None:
    found = bounce_of(read_letter(raw))
    assert found is not None
    db = _database(campaign)
    try:
        with db.writing() as conn:
            return record_bounce(conn, found, now)
    finally:
        db.dispose()


def _rows(campaign: Tracker) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in campaign.json("outbox")}


def test_a_report_marks_the_mail_it_returns_failed_once(sent: tuple[Tracker, str]) -> None:
    campaign, message_id = sent
    before = _rows(campaign)
    (row_id,) = [i for i, r in before.items() if r["message_id"] == message_id]
    assert before[row_id]["state"] == "sent" and before[row_id]["bounced"] is None
    assert _record(campaign, samples.postfix_dsn(RECIPIENT, message_id)) == row_id
    after = _rows(campaign)
    row = after[row_id]
    assert row["state"] == "failed"
    assert row["bounced"] == {"at": "2017-04-18T04:10:00Z", "diagnostic": row["last_error"]}
    assert "User unknown in virtual mailbox table" in row["last_error"]
    assert row["finished_at"] == before[row_id]["finished_at"]  # when it was sent
    # every other row as it was: other reminders to the same address did not bounce
    assert {i: r for i, r in after.items() if i != row_id} == {
        i: r for i, r in before.items() if i != row_id}
    # the same report read again, later, and another server's report of it: nothing changes
    later = datetime(2017, 4, 19, 4, 0, tzinfo=UTC)
    assert _record(campaign, samples.postfix_dsn(RECIPIENT, message_id), later) == row_id
    assert _record(campaign, samples.gmail_dsn(RECIPIENT, message_id), later) == row_id
    assert _rows(campaign) == after


def test_a_report_matches_the_stored_id_with_or_without_brackets(
        sent: tuple[Tracker, str]) -> None:
    campaign, message_id = sent
    bare = message_id.strip("<>")
    (row_id,) = [i for i, r in _rows(campaign).items() if r["message_id"] == message_id]
    assert _record(campaign, samples.exchange_dsn(RECIPIENT, bare)) == row_id
    assert _rows(campaign)[row_id]["bounced"]["diagnostic"].startswith(
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound")


def test_a_report_naming_no_mail_marks_the_latest_sent_to_the_address(
        sent: tuple[Tracker, str], smtp_server: SmtpTestServer) -> None:
    campaign, _ = sent
    campaign.ok("remind", "send", now="2017-04-21T09:30:00+06:00", env=smtp_env(smtp_server))
    before = _rows(campaign)
    mine = [r for r in before.values() if r["recipient"] == RECIPIENT and r["state"] == "sent"]
    assert len(mine) >= 2  # so that "the latest" means something
    latest = max(mine, key=lambda r: (r["finished_at"], r["id"]))
    assert _record(campaign, samples.exim_plain(RECIPIENT.upper())) == latest["id"]
    after = _rows(campaign)
    assert after[latest["id"]]["state"] == "failed" and after[latest["id"]]["bounced"]
    # read again, it finds the row it marked, not the next older one
    assert _record(campaign, samples.exim_plain(RECIPIENT)) == latest["id"]
    assert _rows(campaign) == after


def test_a_report_of_a_mail_we_never_sent_changes_nothing(sent: tuple[Tracker, str]) -> None:
    campaign, _ = sent
    before = _rows(campaign)
    assert _record(campaign, samples.postfix_dsn("nobody@nowhere.example",
                                                 "<unknown@elsewhere.example>")) is None
    assert _rows(campaign) == before


def test_staff_see_bounced_mail_in_outbox_doctor_and_digest(
        sent: tuple[Tracker, str], smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    campaign, message_id = sent
    row_id = _record(campaign, samples.gmail_dsn(RECIPIENT, message_id))
    assert row_id is not None
    # the outbox's list: the row's state is said as bounced, with the server's words
    line = next(line for line in campaign.ok("outbox", lang="en").stdout.splitlines()
                if line.split()[0] == str(row_id))
    assert " bounced " in line and "The email account that you tried to reach" in line
    ru = campaign.ok("outbox", lang="ru").stdout
    assert "возвращено" in ru
    # doctor: a problem naming how many and to which address, pointing at contacts.yaml
    doctor = campaign("doctor", "--no-smtp", lang="en", now="2017-04-18T10:30:00+06:00")
    assert doctor.exit_code == 1
    assert ("problem  outbox: 1 mail(s) bounced by the recipient's server "
            f"({RECIPIENT}): fix the addresses in contacts.yaml") in doctor.stdout
    kk = campaign("doctor", "--no-smtp", lang="kk", now="2017-04-18T10:30:00+06:00").stdout
    assert f"алушының сервері қайтарған хаттар: 1 ({RECIPIENT})" in kk
    # the digest: JSON, terminal, HTML page, and the mail the managers get
    now = "2017-04-18T18:30:00+06:00"
    digest = campaign.json("digest", now=now)
    assert [(b["id"], b["recipient"], b["unit"]) for b in digest["bounced"]] == [
        (row_id, RECIPIENT, "astana")]
    assert digest["bounced"][0]["diagnostic"].startswith("550 5.1.1 The email account")
    assert digest["problems"]["failed"] == 1
    text = campaign.ok("digest", now=now, lang="ru").stdout
    assert f"возвращено сервером получателя: 1 — {RECIPIENT}" in text
    page = tmp_path / "digest.html"
    campaign.ok("digest", "--format", "html", "--output", str(page), now=now)
    html = page.read_text(encoding="utf-8")
    assert 'id="bounced"' in html and f"1 — {RECIPIENT}" in html
    assert "қайтарылды / возвращено" in html  # the problem row's state
    smtp_server.clear()
    campaign.ok("digest", "--send", now=now, env=smtp_env(smtp_server))
    bodies = [m.parsed().get_body(("plain",)) for m in smtp_server.messages]
    body = "\n".join(b.get_content() for b in bodies if b is not None)
    assert (f"Письма, возвращённые сервером получателя: 1 — {RECIPIENT}; проверьте адреса в "
            "contacts.yaml") in body


def test_a_bounced_row_sent_again_by_staff_is_no_longer_listed(
        sent: tuple[Tracker, str], smtp_server: SmtpTestServer) -> None:
    """Staff fixed the address elsewhere and decided to send it again: the row leaves the
    bounced list the moment it is queued (doctor no longer names it)."""
    campaign, message_id = sent
    row_id = _record(campaign, samples.postfix_dsn(RECIPIENT, message_id))
    campaign.ok("outbox", "retry", str(row_id), now="2017-04-18T11:00:00+06:00")
    assert _rows(campaign)[row_id]["bounced"] is None
    assert campaign.json("digest", now="2017-04-18T18:30:00+06:00")["bounced"] == []
