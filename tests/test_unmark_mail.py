"""`tracker unmark` on an assignment its agency reported itself: one "not accepted" mail,
through the outbox, with the staff's note (escaped in HTML) and the agency's link; marks made
by staff send nothing."""

from __future__ import annotations

import json
import re

from sqlalchemy import create_engine, update

from tests.conftest import Tracker
from tests.smtp_server import SmtpTestServer
from tests.test_mail_links import _env, _link_set, _parts
from tests.webserver import Served

AGENCY = "edu@akmola.example"
NOTE = "<script>alert(1)</script> Хат № 12 тіркелмеген / письмо № 12 не приложено"


def _reported_by_link(url: str, item: int, unit: str, body: str) -> None:
    """Make the last mark of this assignment one its agency made on its page (the reporting
    page records via='link'; here the column is set directly, as it would be stored)."""
    from sqlalchemy import select

    from tracker.store.tables import ASSIGNMENT, EVENT

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as conn:
            ident = conn.execute(select(ASSIGNMENT.c.id).where(
                ASSIGNMENT.c.item_number == item, ASSIGNMENT.c.unit_key == unit,
                ASSIGNMENT.c.body_key == body)).scalar_one()
            conn.execute(update(EVENT).where(EVENT.c.assignment_id == ident,
                                             EVENT.c.action == "mark").values(via="link"))
    finally:
        engine.dispose()


def _unmark_mails(smtp: SmtpTestServer) -> list[bytes]:
    return [m.data for m in smtp.messages
            if re.search(rb"^X-Tracker-Key: \S+ unmark ", m.data, re.MULTILINE)]


def _unmark_rows(t: Tracker) -> list[dict[str, object]]:
    return [r for r in t.json("outbox", lang="en") if r["kind"] == "unmark"]


def test_unmarking_a_self_reported_item_mails_the_agency_once_with_the_note_and_its_link(
        served: Served, smtp_server: SmtpTestServer) -> None:
    t = served.tracker
    env = _env(smtp_server, served.base)
    t.ok("mark", "5", "--region", "akmola", "--body", "education")
    t.ok("mark", "1", "--region", "akmola", "--body", "education")  # staff's own: no mail
    _reported_by_link(t.url, 5, "akmola", "education")
    done = t.ok("unmark", "1,5", "--region", "akmola", "--body", "education", "--note", NOTE,
                lang="en", env=env)
    assert "'Not accepted' mail queued for the agency: 1" in done.output
    again = t.ok("unmark", "1,5", "--region", "akmola", "--body", "education", "--note", NOTE,
                 lang="en", env=env)  # nothing changes: nothing more to say
    assert "Not accepted" not in again.output
    [row] = _unmark_rows(t)
    assert row["recipient"] == AGENCY and row["state"] == "pending"
    sent = json.loads(t.ok("remind", "send", "--json", env=env).stdout)
    assert sent["failed"] == 0
    t.ok("remind", "send", "--json", env=env)
    [mail] = _unmark_mails(smtp_server)
    assert [m.rcpt_tos for m in smtp_server.messages
            if m.data == mail] == [(AGENCY,)]
    text, html = _parts(mail)
    assert NOTE in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    lines = text.replace("\r\n", "\n")
    assert "\n  5. Издание и распространение тематических брошюр" in lines  # its Russian title
    assert "\n  1. " not in lines  # item 1 was staff's own mark
    assert "не приняты" in text and "қабылданбады" in text
    assert _link_set(mail, served.base) == {served.link(AGENCY)}
    with served.client() as http:
        assert http.get(served.link(AGENCY).removeprefix(served.base)).status_code == 200
    [row] = _unmark_rows(t)
    assert row["state"] == "sent"


def test_unmarking_staffs_own_marks_sends_nothing(tracker: Tracker,
                                                  smtp_server: SmtpTestServer) -> None:
    from tests.webserver import CONTACTS

    tracker.ok("contacts", "load", str(CONTACTS))
    tracker.ok("mark", "5", "--region", "akmola")
    done = tracker.ok("unmark", "5", "--region", "akmola", "--note", "by mistake", lang="en",
                      env=_env(smtp_server, None))
    assert "Not accepted" not in done.output
    assert _unmark_rows(tracker) == []


def test_without_mail_settings_staff_are_told_no_mail_was_recorded(tracker: Tracker) -> None:
    from tests.webserver import CONTACTS

    tracker.ok("contacts", "load", str(CONTACTS))
    tracker.ok("mark", "5", "--region", "akmola", "--body", "education")
    _reported_by_link(tracker.url, 5, "akmola", "education")
    done = tracker.ok("unmark", "5", "--region", "akmola", "--body", "education", "--note",
                      "why", lang="en", env={"TRACKER_SMTP_HOST": "", "TRACKER_MAIL_FROM": ""})
    assert "no 'not accepted' mail recorded" in done.stderr
    assert _unmark_rows(tracker) == []
