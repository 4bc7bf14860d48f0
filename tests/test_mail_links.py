"""The personal link in every mail, received by a real SMTP server and opened on a real
`tracker serve`: in the text and the HTML part, the same on a retry, a new one after a revoke,
and never in a row or a log."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import re
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from notifications.message import OutgoingMail, prepare
from notifications.payload import joined, section_of
from notifications.slots import fill, joined_filled, placeholder, slotted_body
from tests.conftest import Tracker, dump_database
from tests.smtp_server import SmtpTestServer
from tests.webserver import Served

AGENCY = "edu@akmola.example"
OTHER = "policy@akmola.example"
MORNING = "2017-04-18T10:30:00+06:00"  # every regional body's first reminder is due
LATER = "2017-04-18T11:30:00+06:00"
TOKEN = r"[A-Za-z0-9_-]{30}"


def _env(smtp: SmtpTestServer, public: str | None) -> dict[str, str]:
    env = {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(smtp.port),
           "TRACKER_SMTP_SECURITY": "none", "TRACKER_MAIL_FROM": "noreply@bkk.edu.example",
           "TRACKER_SMTP_TIMEOUT": "5", "TRACKER_RETRY_BASE": "60", "TRACKER_LANG": "en"}
    if public is not None:
        env["TRACKER_PUBLIC_URL"] = public
    return env


def _send(t: Tracker, smtp: SmtpTestServer, public: str | None, now: str = MORNING,
          status: int = 0) -> dict[str, Any]:
    result = t("remind", "send", "--json", now=now, env=_env(smtp, public))
    assert result.exit_code == status, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _parts(data: bytes) -> tuple[str, str]:
    """The decoded text and HTML parts, as Python's `email` package reads them."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return text, html


def _links_in(data: bytes, base: str) -> tuple[list[str], list[str]]:
    """The personal links in the text part (each at a line's end) and in the HTML's hrefs."""
    text, html = _parts(data)
    pattern = re.escape(base) + "/r/" + TOKEN
    in_text = re.findall(f"({pattern}) *$", text.replace("\r\n", "\n"), re.MULTILINE)
    in_html = [href.strip() for href in re.findall(r'href="([^"]*)"', html)
               if href.startswith(base)]
    return in_text, in_html


def _link_set(data: bytes, base: str) -> set[str]:
    """The links of both parts, each part holding at least one."""
    in_text, in_html = _links_in(data, base)
    assert in_text and in_html
    return set(in_text) | set(in_html)


def _mail_to(smtp: SmtpTestServer, address: str) -> list[bytes]:
    return [m.data for m in smtp.messages if m.rcpt_tos == (address,)]


def _stored(url: str, address: str) -> tuple[bytes, bytes]:
    """The outbox row's head and its shared body, as stored."""
    from tracker.store.tables import OUTBOX, OUTBOX_BODY

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            head, body = conn.execute(
                select(OUTBOX.c.message, OUTBOX_BODY.c.data)
                .join(OUTBOX_BODY, OUTBOX_BODY.c.digest == OUTBOX.c.body_digest)
                .where(OUTBOX.c.recipient == address)).one()
    finally:
        engine.dispose()
    return bytes(head), bytes(body)


def test_a_reminder_carries_its_recipients_link_in_both_parts_and_it_opens_their_page(
        served: Served, smtp_server: SmtpTestServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="tracker")
    caplog.set_level(logging.DEBUG, logger="notifications")
    result = _send(served.tracker, smtp_server, served.base)
    assert result["sent"] == result["recorded"] > 2
    [mail] = _mail_to(smtp_server, AGENCY)
    in_text, in_html = _links_in(mail, served.base)
    assert in_text and set(in_text) == {served.link(AGENCY)}  # in each language's part
    assert in_html and set(in_html) == {served.link(AGENCY)}
    text, _ = _parts(mail)
    assert "Сообщите о выполнении" in text or "Сообщить о выполнении" in text
    [other] = _mail_to(smtp_server, OTHER)
    assert set(_links_in(other, served.base)[0]) == {served.link(OTHER)} != set(in_text)
    with served.client() as http:
        page = http.get(in_text[0].removeprefix(served.base))
        assert page.status_code == 200
        assert "Ақмола облысының білім басқармасы" in page.text
    # what was stored, its slots filled, is byte for byte what the server received
    head, body = _stored(served.tracker.url, AGENCY)
    token = served.token(AGENCY)
    values = {"link": token, "dashboard": f"{token}/dashboard"}
    assert (head + fill(body, values)).rstrip(b"\r\n") == mail.rstrip(b"\r\n")
    # and the stored body with another value in its slot holds no trace of the token
    stand_in = "x" * len(token)
    text, html = _parts(head + fill(body, {"link": stand_in, "dashboard": stand_in}))
    assert token not in text + html and f"/r/{stand_in}" in text
    everything = repr(dump_database(served.tracker.url))
    for address in (AGENCY, OTHER):
        assert served.token(address) not in everything
        assert served.token(address) not in caplog.text
    assert token not in served.log()


def test_a_retry_after_a_4xx_carries_the_same_link_and_a_revoke_before_it_a_new_one(
        served: Served, smtp_server: SmtpTestServer) -> None:
    smtp_server.reply_for(AGENCY, 451, "try later")
    smtp_server.reply_for(OTHER, 451, "try later")
    first = _send(served.tracker, smtp_server, served.base, status=0)
    assert first["deferred"] == 2
    old_other = served.link(OTHER)
    served.tracker.ok("links", "revoke", OTHER, lang="en", env=served.env)
    served._links.clear()
    smtp_server.reset()
    again = _send(served.tracker, smtp_server, served.base, now=LATER)
    assert again["sent"] == 2
    [mail] = _mail_to(smtp_server, AGENCY)
    assert _link_set(mail, served.base) == {served.link(AGENCY)}
    [other] = _mail_to(smtp_server, OTHER)
    new_other = served.link(OTHER)
    assert new_other != old_other
    assert _link_set(other, served.base) == {new_other}
    with served.client() as http:
        assert http.get(old_other.removeprefix(served.base)).status_code == 404
        assert http.get(new_other.removeprefix(served.base)).status_code == 200


def test_the_digest_carries_each_managers_own_dashboard_link(
        served: Served, smtp_server: SmtpTestServer) -> None:
    from tracker.access.links import holder
    from tracker.access.secretkey import read_key
    from tracker.store.database import Database

    result = served.tracker("digest", "--send", now=MORNING,
                            env=_env(smtp_server, served.base))
    assert result.exit_code == 0, result.output
    db = Database(served.tracker.url)
    key = read_key(served.tracker.url)
    seen = {}
    try:
        for message in smtp_server.messages:
            text, html = _parts(message.data)
            pattern = re.escape(served.base) + f"/r/({TOKEN})/dashboard"
            tokens = re.findall(pattern + " *$", text.replace("\r\n", "\n"), re.MULTILINE)
            assert tokens and set(tokens) == {tokens[0]}  # the one link, in each language
            token = tokens[0]
            assert f'href="{served.base}/r/{token}/dashboard' in html
            with db.reading() as conn:
                link = holder(conn, key, token, db.plan(), datetime.fromisoformat(MORNING))
            assert link is not None
            seen[message.rcpt_tos[0]] = link.email
    finally:
        db.dispose()
    assert seen == {"vice-minister.office@edu.example": "vice-minister.office@edu.example",
                    "chair@bkk.edu.example": "chair@bkk.edu.example"}


def test_without_a_public_address_mails_carry_no_link_and_doctor_says_so(
        tracker: Tracker, smtp_server: SmtpTestServer) -> None:
    from tests.webserver import CONTACTS

    tracker.ok("contacts", "load", str(CONTACTS))
    _send(tracker, smtp_server, None)
    [mail] = _mail_to(smtp_server, AGENCY)
    text, html = _parts(mail)
    assert "/r/" not in text and "/r/" not in html
    assert "Сообщите о выполнении" not in text
    _, body = _stored(tracker.url, AGENCY)
    assert b"\n=%" not in body
    doctor = tracker("doctor", "--json", lang="en", env=_env(smtp_server, None))
    findings = json.loads(doctor.stdout)
    links = [f for f in findings["findings"] if f["area"] == "links"]
    assert links and "TRACKER_PUBLIC_URL" in links[0]["detail"]


@pytest.mark.parametrize("text", [
    "Сәлем.\nСілтеме: https://x.kz/r/{}\nСоңы.\n",
    "Hello.\nLink: https://x.kz/r/{}\nThe end.\n",
    "Привет" * 30 + "a{}\n" + "b" * 200 + "{}",
    "c" * 74 + "=" + "{}\n" + ". dot line\n",
    "d" * 75 + "{}\n{}",
])
def test_a_filled_body_is_the_message_with_the_value_in_place(text: str) -> None:
    """The marker lines of either transfer encoding, filled, decode to the text with the value
    (and only trailing spaces after it), and the DATA payload made from the cut body is the
    payload of the whole message: the size SMTP's SIZE announces included."""
    slot = placeholder("link")
    mail = OutgoingMail(message_id="<a@b.example>", sender="a@b.example",
                        recipients=("c@d.example",), subject="s",
                        text=text.format(slot, slot),
                        html=f'<a href="https://x.kz/r/{slot}">{slot}</a>', slots=("link",),
                        date=datetime.fromisoformat(MORNING))
    prepared = prepare(mail)
    value = "T0ken_-value-30-characters-abc"
    filled = prepared.head + fill(prepared.body, {"link": value})
    assert joined_filled(prepared.head, slotted_body(prepared.body), {"link": value}) == \
        joined(b"", section_of(filled))
    assert max(map(len, filled.split(b"\r\n"))) <= 76
    decoded, html = _parts(filled)
    expected = text.format(value, value)
    assert re.sub(r" +\n", "\n", decoded.replace("\r\n", "\n")).rstrip() == expected.rstrip()
    assert f'href="https://x.kz/r/{value}' in html
    assert value.encode() not in prepared.body


@pytest.mark.parametrize(("public", "status", "words"), [
    ("http://tracker.bkk.edu.example", "problem", "https://"),
    ("https://tracker.bkk.edu.example?x=1", "problem", "not an address"),
    ("http://127.0.0.1:8080", "ok", "/r/…"),
    ("https://tracker.bkk.edu.example", "ok", "owner only"),
])
def test_doctor_checks_the_public_address(sqlite_tracker: Tracker, smtp_server: SmtpTestServer,
                                          public: str, status: str, words: str) -> None:
    result = sqlite_tracker("doctor", "--json", lang="en", env=_env(smtp_server, public))
    [found] = [f for f in json.loads(result.stdout)["findings"] if f["area"] == "links"]
    assert found["status"] == status and words in found["detail"], found


def test_doctor_refuses_a_key_others_can_read(sqlite_tracker: Tracker,
                                              smtp_server: SmtpTestServer) -> None:
    import os

    key = os.environ["TRACKER_SECRET_KEY_FILE"]
    os.chmod(key, 0o644)
    result = sqlite_tracker("doctor", "--json", lang="en",
                            env=_env(smtp_server, "https://tracker.bkk.edu.example"))
    [found] = [f for f in json.loads(result.stdout)["findings"] if f["area"] == "links"]
    assert found["status"] == "problem" and key in found["detail"], found
