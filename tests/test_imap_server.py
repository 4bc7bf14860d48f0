"""The IMAP test server is a real Dovecot: TLS with the test CA, STARTTLS, passwords checked,
mail kept byte for byte, UIDs surviving a restart, and instances independent of each other."""

from __future__ import annotations

import imaplib
import re
import shutil
import ssl
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.imap_server import ImapTestServer, mailbox_name

USER = "inbox@tracker.test"
RUSSIAN = (
    "From: =?windows-1251?b?yOLg7e7iIMgu?= <edu@akmola.example>\r\n"
    "To: inbox@tracker.test\r\n"
    "Subject: =?windows-1251?b?wfvr7iDi++/u6+3l7e4=?=\r\n"
    "Message-ID: <reply-1@akmola.example>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=windows-1251\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Пункты 5, 6, 7 выполнены.\r\n"
    "Отчёт прилагается.\r\n"
).encode("cp1251")


def _login_fails(connection: imaplib.IMAP4, user: str, password: str) -> bool:
    try:
        connection.login(user, password)
    except imaplib.IMAP4.error as refused:
        return "AUTHENTICATIONFAILED" in str(refused) or "failed" in str(refused).lower()
    return False


def test_login_over_implicit_tls_trusts_only_the_test_ca(imap_server: ImapTestServer) -> None:
    with imaplib.IMAP4_SSL(imap_server.host, imap_server.tls_port,
                           ssl_context=imap_server.ssl_context(), timeout=10) as imap:
        assert imap.login(USER, imap_server.users[USER])[0] == "OK"
        assert isinstance(imap.sock, ssl.SSLSocket)
        assert imap.sock.version() in ("TLSv1.2", "TLSv1.3")
    # The certificate is the test CA's: a client trusting only the system's CAs refuses it.
    with pytest.raises(ssl.SSLCertVerificationError):
        imaplib.IMAP4_SSL(imap_server.host, imap_server.tls_port,
                          ssl_context=ssl.create_default_context(), timeout=10)


def test_starttls_on_the_plain_port(imap_server: ImapTestServer) -> None:
    with imaplib.IMAP4(imap_server.host, imap_server.port, timeout=10) as imap:
        assert "STARTTLS" in imap.capabilities
        assert imap.starttls(imap_server.ssl_context())[0] == "OK"
        assert imap.login(USER, imap_server.users[USER])[0] == "OK"
    # Clear text works too (for the explicit clear-text setting), and the log tells them apart.
    with imaplib.IMAP4(imap_server.host, imap_server.port, timeout=10) as imap:
        assert imap.login(USER, imap_server.users[USER])[0] == "OK"
    assert imap_server.logins() == [(USER, True), (USER, False)]


def test_wrong_password_and_unknown_user_are_refused(imap_server: ImapTestServer) -> None:
    context = imap_server.ssl_context()
    with imaplib.IMAP4_SSL(imap_server.host, imap_server.tls_port, ssl_context=context) as imap:
        assert _login_fails(imap, USER, imap_server.users[USER] + "x")
    with imaplib.IMAP4_SSL(imap_server.host, imap_server.tls_port, ssl_context=context) as imap:
        assert _login_fails(imap, "nobody@tracker.test", imap_server.users[USER])
    other = "other@tracker.test"  # its password has a space and quotes: imaplib quotes it
    with imaplib.IMAP4(imap_server.host, imap_server.port) as imap:
        imap.starttls(context)
        assert _login_fails(imap, other, imap_server.users[USER])
        assert imap.login(other, imap_server.users[other])[0] == "OK"


def test_append_then_fetch_gives_the_same_bytes(imap_server: ImapTestServer) -> None:
    when = datetime(2017, 4, 14, 9, 30, tzinfo=UTC)
    uid = imap_server.append(USER, "INBOX", RUSSIAN, flags=["\\Flagged"], when=when)
    [stored] = imap_server.messages(USER, "INBOX")
    assert (stored.uid, stored.data) == (uid, RUSSIAN)
    assert "\\Flagged" in stored.flags and "\\Seen" not in stored.flags
    message = stored.parsed()
    assert message["Subject"] == "Было выполнено"
    assert message.get_content().splitlines() == ["Пункты 5, 6, 7 выполнены.", "Отчёт прилагается."]
    with imap_server.client(USER) as imap:  # as a client reads it: by UID, with the date
        imap.select("INBOX")
        status, data = imap.uid("FETCH", str(uid), "(INTERNALDATE RFC822.SIZE BODY.PEEK[])")
    head, body = data[0]
    assert status == "OK" and body == RUSSIAN
    assert f"RFC822.SIZE {len(RUSSIAN)}".encode() in head
    assert b'INTERNALDATE "14-Apr-2017 09:30:00 +0000"' in head
    # Reading did not mark it read: the tracker's own fetch decides that.
    assert "\\Seen" not in imap_server.messages(USER, "INBOX")[0].flags


def test_folders_with_kazakh_and_russian_names(imap_server: ImapTestServer) -> None:
    folder = 'Өңделді/Обработано "A&B"'
    # Modified UTF-7 is UTF-7 with '&' for '+' (RFC 3501 5.1.3): checked against the codec.
    kazakh = "Өңделді".encode("utf-7").decode().replace("+", "&")
    assert mailbox_name(folder).startswith(f'"{kazakh}/')
    uid = imap_server.append(USER, folder, RUSSIAN)
    assert folder in imap_server.folders(USER)
    assert [m.uid for m in imap_server.messages(USER, folder)] == [uid]
    assert imap_server.messages(USER, "INBOX") == []
    assert imap_server.messages(USER, "Missing") == []


@pytest.mark.parametrize("hard", [False, True], ids=["stop", "crash"])
def test_uids_survive_stop_and_start(imap_server: ImapTestServer, hard: bool) -> None:
    first = imap_server.append_many(USER, "INBOX", [RUSSIAN, b"Subject: 2\r\n\r\ntwo\r\n"])
    validity = imap_server.uidvalidity(USER)
    port, tls_port = imap_server.port, imap_server.tls_port
    with imap_server.client(USER) as reading:
        reading.select("INBOX")
        imap_server.stop(hard=hard)
        # A client in the middle of a session loses its connection, as in an outage.
        with pytest.raises((imaplib.IMAP4.abort, OSError)):
            reading.uid("FETCH", "1:*", "(BODY.PEEK[])")
    assert not imap_server.running
    with pytest.raises(OSError):
        imaplib.IMAP4(imap_server.host, port, timeout=5)
    imap_server.start()
    assert (imap_server.port, imap_server.tls_port) == (port, tls_port)
    assert imap_server.uidvalidity(USER) == validity
    assert [m.uid for m in imap_server.messages(USER)] == first
    assert imap_server.messages(USER)[0].data == RUSSIAN
    assert imap_server.append(USER, "INBOX", b"Subject: 3\r\n\r\nthree\r\n") == first[-1] + 1


def test_two_servers_at_once_are_independent(
        imap_server_factory: Callable[..., ImapTestServer]) -> None:
    one = imap_server_factory()
    two = imap_server_factory(users={"second@tracker.test": "second-secret"})
    assert len({one.port, one.tls_port, two.port, two.tls_port}) == 4
    one.append(USER, "INBOX", RUSSIAN)
    two.append("second@tracker.test", "INBOX", b"Subject: other\r\n\r\nx\r\n")
    assert [m.data for m in one.messages(USER)] == [RUSSIAN]
    assert [m.parsed()["Subject"] for m in two.messages("second@tracker.test")] == ["other"]
    with imaplib.IMAP4_SSL(two.host, two.tls_port, ssl_context=two.ssl_context()) as imap:
        assert _login_fails(imap, USER, one.users[USER])
    one.stop()
    assert two.messages("second@tracker.test")  # the other one keeps serving


def test_the_log_is_the_instances_own(imap_server: ImapTestServer) -> None:
    imap_server.append(USER, "INBOX", RUSSIAN)
    log = imap_server.log()
    assert re.search(r"Login: user=<inbox@tracker\.test>.*TLS", log), log
    assert imap_server.users[USER] not in log
    assert imap_server.log_path.parent == imap_server.root


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception),
                                             ("", pytest.skip.Exception)])
def test_missing_dovecot_fails_under_ci_and_skips_elsewhere(
        monkeypatch: pytest.MonkeyPatch, ci: str, outcome: type[BaseException]) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(outcome, match="Dovecot"):
        ImapTestServer()
