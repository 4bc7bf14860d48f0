"""The issue's "done when", end to end with every real part: reminders sent through the SMTP
test server, agencies' replies written as their mail programs write them and delivered into a
real Dovecot, `tracker inbox fetch` over TLS, staff reading `tracker inbox` and accepting.

A reply shows up with the right region, items and form; `accept` marks them (via mail, the
sender as actor) and records the form; a bounce marks its outbox row; an automatic reply is
set aside; a forged From is held and cannot be accepted; the mail itself is moved to the done
folder, never deleted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.bounce_samples import auto_reply, postfix_dsn
from tests.conftest import Tracker
from tests.imap_server import ImapTestServer
from tests.inbox_rows import (
    LATER,
    contacts_file,
    events,
    outbox,
    region_report,
    region_xlsx,
    reminder_to,
    send_reminders,
)
from tests.inbox_samples import XLSX, File, reply
from tests.smtp_server import SmtpTestServer

pytestmark = pytest.mark.timeout(300)

USER = "inbox@tracker.test"


def imap_env(server: ImapTestServer, tmp_path: Path) -> dict[str, str]:
    cafile = tmp_path / "imap-ca.pem"
    server.ca.cert_pem.write_to_path(str(cafile))
    return {**server.environ(USER, security="tls"), "SSL_CERT_FILE": str(cafile)}


def listed(tracker: Tracker, state: str = "all") -> dict[str, dict[str, Any]]:
    """`tracker inbox --json`, by sender."""
    rows = json.loads(tracker.ok("inbox", "--state", state, "--json").stdout)
    return {row["sender"]: row for row in rows}


def test_replies_from_mail_programs_reach_the_inbox_and_accepting_them_marks_the_work(
        tracker: Tracker, smtp_server: SmtpTestServer, imap_server: ImapTestServer,
        tmp_path: Path) -> None:
    tracker.ok("contacts", "load", str(contacts_file(tmp_path / "contacts.yaml")))
    send_reminders(tracker, smtp_server)
    akmola = reminder_to(tracker, "edu@akmola.example")
    aktobe = reminder_to(tracker, "edu@aktobe.example")
    gone = reminder_to(tracker, "policy@akmola.example")
    owed = json.loads(akmola["items"])
    first, second = owed[0], owed[1]
    form = region_xlsx(tracker.url, "akmola", {"school_assemblies": 120, "class_hours": 340})
    outlook = reply(f"Сәлеметсіз бе!\n\n{first}, {second} орындалды. Нысан тіркелді.",
                    client="outlook", lang="kk", sender="edu@akmola.example",
                    answers=akmola["message_id"].strip("<>"),
                    message_id="outlook-kk@akmola.example",
                    files=[File("Ақмола.xlsx", XLSX, form)])
    forged = reply(f"Выполнено п. {first}.", client="gmail", lang="ru",
                   sender="someone@mail.example", name="Someone",
                   answers=aktobe["message_id"].strip("<>"),
                   message_id="forged@mail.example")
    bounce = postfix_dsn("policy@akmola.example", gone["message_id"])
    away = auto_reply("Автоматический ответ: Нет на месте", sender="edu@almaty.example")
    imap_server.append_many(USER, "INBOX", [outlook, forged, bounce, away])

    result = tracker("inbox", "fetch", now=LATER, env=imap_env(imap_server, tmp_path))
    assert result.exit_code == 0, result.output

    shown = listed(tracker)
    reply_row = shown["edu@akmola.example"]
    assert reply_row["unit"] == "akmola" and reply_row["region"], reply_row
    assert reply_row["items"] == [first, second]
    assert reply_row["state"] == "held" and reply_row["kind"] == "reply"
    assert reply_row["answers"] == akmola["id"], reply_row
    assert "120" in json.dumps(reply_row["form"], ensure_ascii=False), reply_row["form"]
    assert shown["someone@mail.example"]["state"] == "held"
    assert shown["someone@mail.example"]["problem"], shown["someone@mail.example"]
    assert shown["edu@almaty.example"]["kind"] == "auto_reply"
    assert shown["edu@almaty.example"]["state"] == "done"
    bounced = next(r for r in outbox(tracker.url) if r["id"] == gone["id"])
    assert bounced["state"] == "failed"
    assert "bounced" in tracker.ok("outbox", lang="en").stdout

    # the mail is moved, never deleted
    assert imap_server.messages(USER, "INBOX") == []
    done_folders = [f for f in imap_server.folders(USER) if f != "INBOX"]
    assert sum(len(imap_server.messages(USER, f)) for f in done_folders) == 4

    # staff accept the reply: the items are marked via mail, the form recorded
    assert region_report(tracker.url, "akmola") is None
    ident = str(reply_row["id"])
    # the managers' digest says replies wait (the reply and the forged one), in every form
    assert tracker.json("digest", now=LATER)["inbox_held"] == 2
    assert "ответные письма, ждущие решения: 2 (tracker inbox)" in \
        tracker.ok("digest", now=LATER, lang="ru").stdout
    page = tmp_path / "digest.html"
    tracker.ok("digest", "--format", "html", "--output", str(page), now=LATER)
    assert 'id="inbox-held"' in page.read_text(encoding="utf-8")
    # staff read the form's figures under the form's own headings, in their language
    assert "Линейки 120, Кл. часы 340" in tracker.ok("inbox", "show", ident, lang="ru").stdout
    held = tracker.ok("inbox", lang="kk").stdout
    assert "Линейкалар 120" in held and f"«Сәлеметсіз бе! {first}, {second} орындалды." in held
    tracker.ok("inbox", "accept", ident, now=LATER)
    marked = [e for e in events(tracker.url, "akmola") if e["action"] == "mark"]
    assert {e["item_number"] for e in marked} == {first, second}
    assert {(e["via"], e["actor"]) for e in marked} == {("mail", "edu@akmola.example")}
    report = region_report(tracker.url, "akmola")
    assert report is not None and report["received_via"] == "mail"
    assert report["values"]["school_assemblies"] == 120
    assert listed(tracker)["edu@akmola.example"]["state"] == "accepted"
    assert tracker.json("digest", now=LATER)["inbox_held"] == 1
    # the managers read who sent the report and how
    assert "Акмолинская область: поступил отчёт (edu@akmola.example, по почте)" in \
        tracker.ok("digest", lang="ru", now=LATER).stdout

    # the forged one can never be accepted, and nothing changes when it is tried
    refused = tracker("inbox", "accept", str(shown["someone@mail.example"]["id"]))
    assert refused.exit_code == 2, refused.output
    assert not [e for e in events(tracker.url, "aktobe") if e["via"] == "mail"]

    # a second fetch finds nothing new
    again = tracker("inbox", "fetch", "--json", now=LATER, env=imap_env(imap_server, tmp_path))
    assert again.exit_code == 0 and json.loads(again.stdout)["new"] == 0, again.output


def test_every_mail_programs_reply_arrives_whole_through_dovecot(
        tracker: Tracker, smtp_server: SmtpTestServer, imap_server: ImapTestServer,
        tmp_path: Path) -> None:
    """Outlook, Gmail, Thunderbird, iPhone and Samsung replies, in Kazakh and Russian, in
    UTF-8, Windows-1251 and KOI8-R, base64, quoted-printable and HTML-only, each with what it
    must read as (tests.inbox_samples), all answering one real reminder: after APPEND and
    `inbox fetch`, each is listed with its sender, the text typed above the quote, the items it
    reports done that the reminder's recipient owes, and its files; a reply from an address
    the answered reminder was not sent to is held with that problem and cannot be accepted."""
    from tests.inbox_samples import samples

    tracker.ok("contacts", "load", str(contacts_file(tmp_path / "contacts.yaml")))
    send_reminders(tracker, smtp_server)
    owed = set(json.loads(reminder_to(tracker, "edu@akmola.example")["items"]))
    replies = samples()
    imap_server.append_many(USER, "INBOX", [sample.raw for sample in replies])
    result = tracker("inbox", "fetch", now=LATER, env=imap_env(imap_server, tmp_path))
    assert result.exit_code == 0, result.output
    rows = {row["message_id"]: row for row in
            json.loads(tracker.ok("inbox", "--state", "all", "--json").stdout)}
    assert len(rows) == len(replies)
    for sample in replies:
        row = rows[f"{sample.name}@agency.example"]
        assert row["sender"] == sample.sender.lower(), sample.name
        assert row["text"] == sample.new_text, sample.name
        assert [a["name"] for a in row["attachments"]] == list(sample.files), sample.name
        if sample.sender == "edu@akmola.example":
            assert (row["kind"], row["unit"]) == ("reply", "akmola"), sample.name
            assert row["items"] == [n for n in sample.items if n in owed], sample.name
        else:  # a colleague answering from her own address: the reminder went to another
            assert (row["kind"], row["state"]) == ("reply", "held"), sample.name
            assert "edu@akmola.example" in row["problem"], row["problem"]
            refused = tracker("inbox", "accept", str(row["id"]))
            assert refused.exit_code == 2, refused.output
