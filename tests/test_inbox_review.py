"""Replies read into the inbox and staff's decisions on them (issue 15): a reply tied to its
reminder by Message-ID or to its sender among the contacts, a forged From held and never
applied, a trusted contact's reply applied at once, `inbox accept` marking as the agency via
mail and recording its form, `--items`, `inbox reject` answering once, two accepts applying
once, a form with a bad cell held with the importer's words, evidence stored.  Real SQLite
and PostgreSQL, reminders really sent through the aiosmtpd test server, real templates."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, Tracker, dump_database
from tests.inbox_rows import (
    LATER,
    contacts_file,
    events,
    mail_env,
    outbox,
    record,
    region_csv,
    region_report,
    region_xlsx,
    reminder_to,
    reply,
    send_reminders,
    shown,
    uploads,
)
from tests.smtp_server import SmtpTestServer

EDU = "edu@akmola.example"
POLICY = "policy@akmola.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _campaign(t: Tracker, smtp: SmtpTestServer, tmp_path: Path,
              trusted: tuple[str, ...] = ()) -> None:
    t.ok("contacts", "load", str(contacts_file(tmp_path / "contacts.yaml", trusted)))
    send_reminders(t, smtp)


def _owed(t: Tracker, address: str) -> list[int]:
    import json

    return json.loads(reminder_to(t, address)["items"])


def test_a_reply_to_a_reminder_is_matched_by_its_message_id_and_held_with_its_items(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    _campaign(tracker, smtp_server, tmp_path)
    reminder = reminder_to(tracker, EDU)
    owed = _owed(tracker, EDU)
    first, second = owed[0], owed[1]
    raw = reply(EDU, f"Сәлеметсіз бе!\n{first}, {second} орындалды.\n\n> quoted reminder 25",
                reminder["message_id"])
    ident = record(tracker.url, raw)
    row = shown(tracker, ident)
    assert row["state"] == "held" and row["kind"] == "reply"
    assert row["matched_by"] == "message-id" and row["answers"] == reminder["id"]
    assert row["recipient"] == EDU and row["unit"] == "akmola" and row["bodies"] == ["education"]
    assert row["items"] == [first, second]
    assert row["problem"] == ""
    listed = tracker.ok("inbox", lang="en").output
    assert f"{EDU}" in listed and "answers mail" in listed and f"items: {first}" in listed
    assert events(tracker.url, "akmola") == []  # nothing applied without staff


def test_a_reply_without_references_is_matched_by_its_sender(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    _campaign(tracker, smtp_server, tmp_path)
    item = _owed(tracker, POLICY)[0]
    ident = record(tracker.url, reply(POLICY.upper(), f"выполнено п. {item}"))
    row = shown(tracker, ident)
    assert (row["kind"], row["matched_by"], row["recipient"]) == ("reply", "sender", POLICY)
    assert row["answers"] is None and row["items"] == [item]
    stranger = record(tracker.url, reply("someone@elsewhere.example", "5 орындалды"))
    assert (shown(tracker, stranger)["kind"], shown(tracker, stranger)["recipient"]) == \
        ("other", None)


def test_a_forged_from_is_held_and_never_applied_even_for_a_trusted_sender(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    _campaign(tracker, smtp_server, tmp_path, trusted=(EDU, POLICY))
    reminder = reminder_to(tracker, EDU)
    item = _owed(tracker, EDU)[0]
    ident = record(tracker.url, reply(POLICY, f"{item} орындалды", reminder["message_id"],
                                      attachments=(("proof.pdf", "application/pdf", PDF),)))
    row = shown(tracker, ident)
    assert row["state"] == "held" and row["recipient"] == EDU and row["sender"] == POLICY
    assert "comes from policy@akmola.example" in row["problem"]
    assert events(tracker.url, "akmola") == [] and uploads(tracker.url) == []
    before = dump_database(tracker.url)
    refused = tracker("inbox", "accept", str(ident), lang="en")
    assert refused.exit_code == 2 and "cannot be accepted" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    assert dump_database(tracker.url) == before


def test_a_trusted_contacts_reply_to_its_own_reminder_is_applied_at_once(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    _campaign(tracker, smtp_server, tmp_path, trusted=(EDU,))
    reminder = reminder_to(tracker, EDU)
    item = _owed(tracker, EDU)[0]
    ident = record(tracker.url, reply(EDU, f"{item} орындалды", reminder["message_id"]))
    row = shown(tracker, ident)
    assert row["state"] == "accepted" and row["decided_by"] == "automatic"
    assert [(e["item_number"], e["body_key"], e["actor"], e["via"])
            for e in events(tracker.url, "akmola")] == [(item, "education", EDU, "mail")]
    # the same contact by sender only (no reference to our mail) waits for staff
    other = _owed(tracker, EDU)[1]
    by_sender = record(tracker.url, reply(EDU, f"{other} орындалды"))
    assert shown(tracker, by_sender)["state"] == "held"


def test_accept_marks_as_the_sender_via_mail_and_records_the_form(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    _campaign(tracker, smtp_server, tmp_path)
    reminder = reminder_to(tracker, EDU)
    first, second = _owed(tracker, EDU)[:2]
    form = region_xlsx(tracker.url, "akmola", {"class_hours": 120, "children_reached": 5400})
    ident = record(tracker.url, reply(
        EDU, f"{first}, {second} орындалды. Есеп қоса беріліп отыр.", reminder["message_id"],
        attachments=(("akmola.xlsx", "application/vnd.openxmlformats-officedocument."
                      "spreadsheetml.sheet", form), ("proof.pdf", "application/pdf", PDF))))
    row = shown(tracker, ident)
    assert row["form"]["unit"] == "akmola" and row["form"]["counts"]["class_hours"] == 120
    assert "form: akmola.xlsx" in tracker.ok("inbox", lang="en").output
    assert region_report(tracker.url, "akmola") is None
    done = tracker.ok("inbox", "accept", str(ident), env={"TRACKER_USER": "aliya"}, lang="en")
    assert f"marked {first}" in done.output and "form recorded" in done.output
    [pdf] = [u for u in uploads(tracker.url) if u["media_type"] == "application/pdf"]
    marks = events(tracker.url, "akmola")
    assert {(e["item_number"], e["body_key"], e["actor"], e["via"], e["evidence"])
            for e in marks} == {(n, "education", EDU, "mail", pdf["digest"])
                                for n in (first, second)}
    report = region_report(tracker.url, "akmola")
    assert report is not None
    assert (report["received_by"], report["received_via"]) == (EDU, "mail")
    assert report["values"]["class_hours"] == 120 and report["values"]["children_reached"] == 5400
    row = shown(tracker, ident)
    assert row["state"] == "accepted" and row["decided_by"] == "aliya"


def test_accept_with_items_applies_only_those(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    _campaign(tracker, smtp_server, tmp_path)
    reminder = reminder_to(tracker, EDU)
    owed = _owed(tracker, EDU)
    ident = record(tracker.url, reply(EDU, f"{owed[0]}, {owed[1]}, {owed[2]} орындалды",
                                      reminder["message_id"]))
    before = dump_database(tracker.url)
    for bad in ("99", "abc", str(max(set(range(1, 27)) - set(owed), default=1))):
        refused = tracker("inbox", "accept", str(ident), "--items", bad, lang="en")
        assert refused.exit_code == 2, (bad, refused.output)
        assert len(refused.output.strip().splitlines()) == 1
    missing = tracker("inbox", "accept", "999", lang="en")
    assert missing.exit_code == 2 and "no such message" in missing.output
    assert dump_database(tracker.url) == before
    tracker.ok("inbox", "accept", str(ident), "--items", f"{owed[1]}", "--note", "п. 1: нет")
    assert [e["item_number"] for e in events(tracker.url, "akmola")] == [owed[1]]
    decided = dump_database(tracker.url)
    again = tracker("inbox", "accept", str(ident), lang="en")
    assert again.exit_code == 2 and "not held" in again.output
    assert dump_database(tracker.url) == decided


def test_reject_records_one_answer_mail_and_a_second_reject_is_refused(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    _campaign(tracker, smtp_server, tmp_path)
    reminder = reminder_to(tracker, EDU)
    item = _owed(tracker, EDU)[0]
    ident = record(tracker.url, reply(EDU, f"{item} орындалды", reminder["message_id"],
                                      subject="Re: есеп"))
    note = "Хат № 12 тіркелмеген / письмо № 12 не приложено <b>"
    env = mail_env(smtp_server)
    no_note = tracker("inbox", "reject", str(ident), lang="en", env=env)
    assert no_note.exit_code == 2
    done = tracker.ok("inbox", "reject", str(ident), "--note", note, lang="en", env=env)
    assert "rejected" in done.output and EDU in done.output
    before = dump_database(tracker.url)
    again = tracker("inbox", "reject", str(ident), "--note", "again", lang="en", env=env)
    assert again.exit_code == 2 and "not held" in again.output
    assert dump_database(tracker.url) == before
    [answer] = [r for r in outbox(tracker.url) if r["kind"] == "answer"]
    assert answer["recipient"] == EDU and answer["state"] == "pending"
    row = shown(tracker, ident)
    assert row["state"] == "rejected" and row["decision_note"] == note
    sent_before = len(smtp_server.messages)
    tracker.ok("remind", "send", "--json", now=LATER, env=env)
    [mail] = [m.data for m in smtp_server.messages[sent_before:]
              if re.search(rb"^X-Tracker-Key: \S+ answer ", m.data, re.MULTILINE)]
    from email import message_from_bytes, policy

    parsed = message_from_bytes(mail, policy=policy.default)
    assert parsed["In-Reply-To"].strip("<>") == shown(tracker, ident)["message_id"]
    text = parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert note in text and "қабылданбады" in text and "не принято" in text
    assert f"  {item}. " in text
    assert "приложено &lt;b&gt;" in html and "приложено <b>" not in html  # escaped


def test_two_staff_accepting_at_once_apply_once(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    _campaign(tracker, smtp_server, tmp_path)
    reminder = reminder_to(tracker, EDU)
    first, second = _owed(tracker, EDU)[:2]
    ident = record(tracker.url, reply(EDU, f"{first}, {second} орындалды",
                                      reminder["message_id"]))
    command = [sys.executable, "-m", "tracker", "--db", tracker.url, "--now", LATER,
               "--lang", "en", "inbox", "accept", str(ident)]
    staff = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, env={**os.environ, "TRACKER_USER": who})
             for who in ("aliya", "bolat")]
    outputs = [p.communicate(timeout=120)[0].decode() for p in staff]
    assert sorted(p.returncode for p in staff) == [0, 2], outputs
    assert any("not held" in o for o in outputs)
    assert sorted(e["item_number"] for e in events(tracker.url, "akmola")) == [first, second]


def test_a_form_with_a_bad_cell_is_held_with_the_importers_words(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    _campaign(tracker, smtp_server, tmp_path, trusted=(EDU,))
    reminder = reminder_to(tracker, EDU)
    bad = region_csv(["Акмолинская область;3;много;2;4;1;5;5400;;"])
    ident = record(tracker.url, reply(EDU, "Есеп қоса беріліп отыр", reminder["message_id"],
                                      attachments=(("itogi.csv", "text/csv", bad),)))
    row = shown(tracker, ident)
    assert row["state"] == "held"  # trusted, but the form is wrong
    assert "itogi.csv" in row["problem"] and "row 2" in row["problem"]
    ru = next(r for r in tracker.json("inbox", lang="ru") if r["id"] == ident)
    assert "строка 2" in ru["problem"]
    other = region_csv(["Актюбинская область;3;5;2;4;1;5;5400;;"])
    second = record(tracker.url, reply(EDU, "есеп", reminder["message_id"],
                                       attachments=(("itogi.csv", "text/csv", other),)))
    assert "another region" in shown(tracker, second)["problem"]
    done = tracker.ok("inbox", "accept", str(ident), lang="en")
    assert "form not recorded" in done.output
    assert region_report(tracker.url, "akmola") is None


def test_evidence_is_stored_once_and_refused_files_are_listed_with_why(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    _campaign(tracker, smtp_server, tmp_path)
    reminder = reminder_to(tracker, EDU)
    item = _owed(tracker, EDU)[0]
    files = (("протокол.pdf", "application/pdf", PDF),
             ("run.pdf", "application/pdf", b"MZ\x90\x00 not a pdf"))
    ident = record(tracker.url, reply(EDU, f"{item} орындалды", reminder["message_id"],
                                      attachments=files))
    record(tracker.url, reply(EDU, "тағы да", reminder["message_id"],
                              attachments=(("copy.pdf", "application/pdf", PDF),)))
    [stored] = uploads(tracker.url)
    assert stored["media_type"] == "application/pdf" and stored["name"] == "протокол.pdf"
    row = shown(tracker, ident)
    taken = {a["name"]: (a["taken"], a["why"]) for a in row["attachments"]}
    assert taken["протокол.pdf"] == ("evidence", "")
    assert taken["run.pdf"][0] == "refused" and "by its content" in taken["run.pdf"][1]
    show = tracker.ok("inbox", "show", str(ident), lang="en").output
    assert "run.pdf" in show and "refused" in show and f"{item} орындалды" in show
    assert f"In-Reply-To: {reminder['message_id']}" in show


def test_an_automatic_reply_is_noted_and_a_strangers_reject_answers_nobody(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    from email import message_from_bytes, policy

    _campaign(tracker, smtp_server, tmp_path)
    reminder = reminder_to(tracker, EDU)
    away = message_from_bytes(reply(EDU, "Жұмыста жоқпын / Нет на месте до 25.04",
                                    reminder["message_id"]), policy=policy.default)
    away["Auto-Submitted"] = "auto-replied"
    ident = record(tracker.url, away.as_bytes())
    row = shown(tracker, ident)
    assert (row["state"], row["kind"]) == ("done", "auto_reply")
    assert "Auto-Submitted: auto-replied" in row["problem"]
    assert ident not in [r["id"] for r in tracker.json("inbox", lang="en")]  # not held
    refused = tracker("inbox", "reject", str(ident), "--note", "x", lang="en",
                      env=mail_env(smtp_server))
    assert refused.exit_code == 2
    stranger = record(tracker.url, reply("spam@elsewhere.example", "buy now"))
    done = tracker.ok("inbox", "reject", str(stranger), "--note", "спам", "--by", "aliya",
                      lang="en", env=mail_env(smtp_server))
    assert "not a contact" in done.output
    assert [r for r in outbox(tracker.url) if r["kind"] == "answer"] == []
    assert shown(tracker, stranger)["decided_by"] == "aliya"


def test_the_listing_speaks_the_readers_language(
        tracker: Tracker, smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    _campaign(tracker, smtp_server, tmp_path)
    reminder = reminder_to(tracker, EDU)
    ident = record(tracker.url, reply(POLICY, "1 орындалды", reminder["message_id"]))
    ru = tracker.ok("inbox", lang="ru").output
    assert "ждёт решения" in ru and "ответ на письмо" in ru and "пришло от" in ru
    kk = tracker.ok("inbox", "show", str(ident), lang="kk").output
    assert "Тіркемелер" in kk and "мекенжайынан келген" in kk
