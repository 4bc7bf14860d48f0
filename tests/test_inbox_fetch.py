"""`tracker inbox fetch` against a real Dovecot: every message recorded once with its place and
Message-ID, moved to the done folder (never deleted), copies recorded as duplicates, a message
whose handling raised held as unreadable, nothing new on a second fetch; the settings refused
by name, each security mode as configured, a refused login in one line without the password;
`tracker doctor`'s inbox line and the daemon's tick reading the inbox."""

from __future__ import annotations

import json
import logging
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import REPO, Tracker, dump_database
from tests.helpers_campaign import smtp_env
from tests.imap_server import ImapTestServer
from tests.smtp_server import SmtpTestServer
from tracker.inbox import handling

pytestmark = pytest.mark.timeout(180)

USER = "inbox@tracker.test"
DONE = "Tracker-Done"
SECRET = "inbox-Pa55-7f3e"
MONDAY = "2017-04-18T09:30:00+06:00"  # reminders are due in twelve regions


def reply(n: int, message_id: str | None = None, subject: str | None = None) -> bytes:
    """A small reply as a mail program writes it (CRLF, a Message-ID unless told)."""
    mid = message_id if message_id is not None else f"<reply-{n}@akmola.example>"
    head = f"Message-ID: {mid}\r\n" if mid else ""
    return (f"From: =?utf-8?b?0JjQstCw0L3QvtCy?= <edu{n}@akmola.example>\r\n"
            f"To: {USER}\r\n{head}"
            f"Subject: {subject or f'Re: reminder {n}'}\r\n"
            "Date: Fri, 14 Apr 2017 09:30:00 +0600\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
            f"5, 6 орындалды. № {n}\r\n").encode()


def imap_env(server: ImapTestServer, tmp_path: Path, security: str = "tls",
             **extra: str) -> dict[str, str]:
    """TRACKER_IMAP_* for `server`, its CA trusted through SSL_CERT_FILE (as for SMTP)."""
    cafile = tmp_path / "imap-ca.pem"
    if not cafile.exists():
        server.ca.cert_pem.write_to_path(str(cafile))
    return {**server.environ(security=security), "SSL_CERT_FILE": str(cafile), **extra}


def rows(url: str) -> list[dict[str, Any]]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT * FROM inbox_message ORDER BY uid")).mappings()
            return [dict(row) for row in found]
    finally:
        engine.dispose()


def fetch(tracker: Tracker, env: dict[str, str]) -> dict[str, Any]:
    result = tracker("inbox", "fetch", "--json", env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    found: dict[str, Any] = json.loads(result.stdout)
    return found


# -- what a fetch records and where the mail goes ----------------------------------------------


def test_every_message_recorded_once_and_moved_never_deleted(
        tracker: Tracker, imap_server: ImapTestServer, tmp_path: Path) -> None:
    messages = [reply(n) for n in range(1, 6)]
    copy = reply(99, message_id="<reply-2@akmola.example>", subject="Fwd: the same reply")
    anonymous = reply(7, message_id="")
    uids = imap_server.append_many(USER, "INBOX", [*messages, copy, anonymous])
    validity = imap_server.uidvalidity(USER)
    env = imap_env(imap_server, tmp_path)

    summary = fetch(tracker, env)
    assert summary["new"] == 7 and summary["moved"] == 7
    assert summary["kinds"] == {"other": 6, "duplicate": 1}

    recorded = rows(tracker.url)
    assert [(r["uidvalidity"], r["uid"]) for r in recorded] == [(validity, uid) for uid in uids]
    assert {r["mailbox"] for r in recorded} == {f"{USER}@127.0.0.1/INBOX"}
    ids = [f"reply-{n}@akmola.example" for n in range(1, 6)] + ["reply-2@akmola.example", ""]
    assert [r["message_id"] for r in recorded] == ids
    assert all(r["state"] != handling.CLAIMED and r["handled_at"] is not None for r in recorded)
    assert [bytes(r["raw"]) for r in recorded] == [*messages, copy, anonymous]
    first, duplicate = recorded[1], recorded[5]
    assert first["message_key"] == "reply-2@akmola.example" and first["kind"] == "other"
    assert (duplicate["message_key"], duplicate["kind"], duplicate["state"]) == (
        None, "duplicate", handling.DONE)
    assert recorded[6]["message_key"].startswith("sha256:")  # no Message-ID: its bytes
    assert recorded[0]["sender"] == "edu1@akmola.example"
    assert recorded[0]["subject"] == "Re: reminder 1" and recorded[0]["sent_at"] is not None

    # Moved, byte for byte, not marked read, nothing deleted; the folder was created for it.
    assert imap_server.messages(USER, "INBOX") == []
    moved = imap_server.messages(USER, DONE)
    assert [m.data for m in moved] == [*messages, copy, anonymous]
    assert all("\\Deleted" not in m.flags and "\\Seen" not in m.flags for m in moved)

    before = dump_database(tracker.url)
    again = fetch(tracker, env)
    assert (again["new"], again["moved"]) == (0, 0)
    assert dump_database(tracker.url) == before

    # Mail arriving later is read by the next fetch, the same mail again only as a copy.
    later = imap_server.append_many(USER, "INBOX", [reply(8), reply(1)])
    assert fetch(tracker, env)["kinds"] == {"other": 1, "duplicate": 1}
    assert [r["uid"] for r in rows(tracker.url)][-2:] == later


def test_the_counts_in_the_readers_language(sqlite_tracker: Tracker,
                                            imap_server: ImapTestServer, tmp_path: Path) -> None:
    copy = reply(3, "<reply-1@akmola.example>")
    imap_server.append_many(USER, "INBOX", [reply(1), reply(2), copy])
    env = imap_env(imap_server, tmp_path, TRACKER_IMAP_DONE_FOLDER="Өңделді")
    result = sqlite_tracker("inbox", "fetch", env=env, lang="ru")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "INBOX: новых писем: 3 (ответов: 0, возвратов: 0, автоответов: 0, прочих: 2, копий: 1, "
        "нечитаемых: 0); перемещено в Өңделді: 3"]
    assert len(imap_server.messages(USER, "Өңделді")) == 3
    kk = sqlite_tracker("inbox", "fetch", env=env, lang="kk")
    assert kk.exit_code == 0 and "жаңа хаттар: 0" in kk.stdout


def test_a_message_whose_handling_raises_is_held_unreadable_and_moved(
        tracker: Tracker, imap_server: ImapTestServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = handling.handle

    def fragile(conn: Any, plan: Any, letter: Any, message_row: int, now: Any) -> Any:
        # Its own writes must vanish with it: the row's subject changed, then a crash.
        conn.execute(text("UPDATE inbox_message SET subject = 'half-handled' WHERE id = :id"),
                     {"id": message_row})
        if "reminder 2" in letter.subject:
            raise KeyError("a reader's bug")
        return real(conn, plan, letter, message_row, now)

    monkeypatch.setattr(handling, "handle", fragile)
    imap_server.append_many(USER, "INBOX", [reply(1), reply(2), reply(3)])
    summary = fetch(tracker, imap_env(imap_server, tmp_path))
    assert summary["kinds"] == {"other": 2, "unreadable": 1} and summary["moved"] == 3
    recorded = rows(tracker.url)
    held = recorded[1]
    assert (held["state"], held["kind"]) == (handling.HELD, "unreadable")
    assert "KeyError" in held["problem"] and "a reader's bug" in held["problem"]
    assert held["subject"] == "Re: reminder 2"  # the failed handling's write rolled back
    assert [r["subject"] for r in (recorded[0], recorded[2])] == ["half-handled"] * 2
    assert imap_server.messages(USER, "INBOX") == []
    assert len(imap_server.messages(USER, DONE)) == 3


def test_without_move_the_messages_are_copied_then_expunged(
        sqlite_tracker: Tracker, imap_server: ImapTestServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A server without UID MOVE: UID COPY, \\Deleted and UID EXPUNGE of just those."""
    from tracker.inbox.mailbox import Mailbox

    monkeypatch.setattr(Mailbox, "can_move", property(lambda self: False))
    kept = imap_server.append(USER, "INBOX", reply(9), flags=["\\Deleted"])  # not ours
    imap_server.append_many(USER, "INBOX", [reply(1), reply(2)])
    assert fetch(sqlite_tracker, imap_env(imap_server, tmp_path))["moved"] == 2
    assert [m.uid for m in imap_server.messages(USER, "INBOX")] == [kept]
    moved = imap_server.messages(USER, DONE)
    assert [m.data for m in moved] == [reply(1), reply(2)]
    assert all("\\Deleted" not in m.flags for m in moved)


def test_a_stopped_fetchers_claim_is_finished_from_the_row(
        sqlite_tracker: Tracker, imap_server: ImapTestServer, tmp_path: Path) -> None:
    """A fetcher killed after recording a message and before handling it: the next fetch
    takes its claim over (its process is gone) and handles the bytes the row kept."""
    from datetime import UTC, datetime

    from tracker.inbox import ledger
    from tracker.inbox.letter import read_letter
    from tracker.store.database import Database

    [uid] = imap_server.append_many(USER, "INBOX", [reply(1)])
    dead = f"{socket.gethostname()}:{_dead_pid()}:deadbeef"
    db = Database(sqlite_tracker.url)
    with db.writing() as conn:
        taken, _ = ledger.claim(conn, f"{USER}@127.0.0.1/INBOX", imap_server.uidvalidity(USER),
                                uid, reply(1), read_letter(reply(1)), dead,
                                datetime(2017, 4, 14, tzinfo=UTC))
    db.dispose()
    assert taken == "claimed"
    summary = fetch(sqlite_tracker, imap_env(imap_server, tmp_path))
    assert (summary["new"], summary["resumed"], summary["moved"]) == (0, 1, 1)
    [row] = rows(sqlite_tracker.url)
    assert row["state"] == handling.HELD and row["claimed_by"] != dead
    assert imap_server.messages(USER, "INBOX") == []


def _dead_pid() -> int:
    """A process id no process has now (a child that has exited and been reaped)."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


# -- how it connects ---------------------------------------------------------------------------


@pytest.mark.parametrize("security", ["tls", "starttls", "none"])
def test_each_security_mode_as_configured(sqlite_tracker: Tracker, imap_server: ImapTestServer,
                                          tmp_path: Path, security: str) -> None:
    imap_server.append(USER, "INBOX", reply(1))
    summary = fetch(sqlite_tracker, imap_env(imap_server, tmp_path, security))
    assert summary["new"] == 1
    # TLS from the first byte, or upgraded before the password went; clear only when asked.
    assert imap_server.logins()[-1] == (USER, security != "none")


def test_tls_is_the_default_and_the_certificate_is_checked(
        sqlite_tracker: Tracker, imap_server: ImapTestServer, tmp_path: Path) -> None:
    env = imap_env(imap_server, tmp_path)
    del env["TRACKER_IMAP_SECURITY"]
    assert fetch(sqlite_tracker, env)["new"] == 0
    untrusted = sqlite_tracker("inbox", "fetch", env={**env, "SSL_CERT_FILE": ""}, lang="en")
    assert untrusted.exit_code == 1
    assert untrusted.output.splitlines() == [
        f"error: IMAP 127.0.0.1:{imap_server.tls_port}: TLS failed: CERTIFICATE_VERIFY_FAILED"]


def test_a_wrong_password_is_one_line_without_the_password(
        tracker: Tracker, imap_server_factory: Any, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    server: ImapTestServer = imap_server_factory(users={USER: SECRET})
    server.append(USER, "INBOX", reply(1))
    wrong = SECRET + "-wrong"
    before = dump_database(tracker.url)
    with caplog.at_level(logging.DEBUG):
        result = tracker("inbox", "fetch", env=imap_env(server, tmp_path,
                                                        TRACKER_IMAP_PASSWORD=wrong), lang="en")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"error: IMAP 127.0.0.1:{server.tls_port} refused the login of {USER}: "
        "[AUTHENTICATIONFAILED] Authentication failed."]
    for where in (result.output, caplog.text, server.log()):
        assert SECRET not in where and wrong not in where
    assert dump_database(tracker.url) == before
    assert len(server.messages(USER)) == 1


def test_a_password_in_kazakh_logs_in(sqlite_tracker: Tracker, imap_server_factory: Any,
                                      tmp_path: Path) -> None:
    """AUTHENTICATE PLAIN carries UTF-8 (imaplib's LOGIN would refuse the letters)."""
    server: ImapTestServer = imap_server_factory(users={USER: "Құпия сөз-91"})
    assert fetch(sqlite_tracker, imap_env(server, tmp_path))["new"] == 0
    assert server.logins() == [(USER, True)]


def test_an_unreachable_server_is_exit_1_in_one_line(sqlite_tracker: Tracker,
                                                     imap_server: ImapTestServer,
                                                     tmp_path: Path) -> None:
    env = imap_env(imap_server, tmp_path, TRACKER_IMAP_TIMEOUT="3")
    imap_server.stop()
    result = sqlite_tracker("inbox", "fetch", env=env, lang="en")
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith(f"error: IMAP 127.0.0.1:{imap_server.tls_port} unreachable: ")


def test_a_done_folder_the_server_refuses_is_exit_1_and_nothing_recorded(
        sqlite_tracker: Tracker, imap_server: ImapTestServer, tmp_path: Path) -> None:
    imap_server.append(USER, "INBOX", reply(1))
    before = dump_database(sqlite_tracker.url)
    env = imap_env(imap_server, tmp_path, TRACKER_IMAP_DONE_FOLDER="~Done")
    result = sqlite_tracker("inbox", "fetch", env=env, lang="en")
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith(f"error: IMAP 127.0.0.1:{imap_server.tls_port} refused CREATE: ")
    assert dump_database(sqlite_tracker.url) == before
    assert len(imap_server.messages(USER)) == 1


# -- settings ----------------------------------------------------------------------------------


def _password_file(tmp_path: Path, mode: int) -> str:
    path = tmp_path / f"imap-password-{mode:o}"
    path.write_text(SECRET + "\n")
    path.chmod(mode)
    return str(path)


@pytest.mark.parametrize(("change", "named"), [
    ({"TRACKER_IMAP_HOST": ""}, "TRACKER_IMAP_HOST"),
    ({"TRACKER_IMAP_PORT": "99999"}, "TRACKER_IMAP_PORT"),
    ({"TRACKER_IMAP_PORT": "imap"}, "TRACKER_IMAP_PORT"),
    ({"TRACKER_IMAP_SECURITY": "ssl"}, "TRACKER_IMAP_SECURITY"),
    ({"TRACKER_IMAP_USERNAME": ""}, "TRACKER_IMAP_USERNAME"),
    ({"TRACKER_IMAP_PASSWORD": ""}, "TRACKER_IMAP_PASSWORD"),
    ({"TRACKER_IMAP_PASSWORD_FILE": "/nonexistent/imap"}, "TRACKER_IMAP_PASSWORD_FILE"),
    ({"TRACKER_IMAP_TIMEOUT": "-1"}, "TRACKER_IMAP_TIMEOUT"),
    ({"TRACKER_IMAP_DONE_FOLDER": "INBOX"}, "TRACKER_IMAP_DONE_FOLDER"),
    ({"TRACKER_IMAP_FOLDER": "bad\x01name"}, "TRACKER_IMAP_FOLDER"),
    ("group-readable", "TRACKER_IMAP_PASSWORD_FILE"),
    ("both", "TRACKER_IMAP_PASSWORD_FILE"),
], ids=lambda value: value if isinstance(value, str) else "-".join(value))
def test_a_bad_setting_is_exit_2_naming_the_variable(
        sqlite_tracker: Tracker, tmp_path: Path, change: Any, named: str) -> None:
    env = {"TRACKER_IMAP_HOST": "127.0.0.1", "TRACKER_IMAP_USERNAME": USER,
           "TRACKER_IMAP_PASSWORD": SECRET}
    if change == "group-readable":
        env = {**env, "TRACKER_IMAP_PASSWORD": "",
               "TRACKER_IMAP_PASSWORD_FILE": _password_file(tmp_path, 0o640)}
    elif change == "both":
        env["TRACKER_IMAP_PASSWORD_FILE"] = _password_file(tmp_path, 0o600)
    else:
        env.update(change)
    before = dump_database(sqlite_tracker.url)
    for lang in ("kk", "ru", "en"):
        result = sqlite_tracker("inbox", "fetch", env=env, lang=lang)
        assert result.exit_code == 2, result.output
        [line] = result.output.splitlines()
        assert named in line and SECRET not in line
    assert dump_database(sqlite_tracker.url) == before


def test_the_password_file_is_read(sqlite_tracker: Tracker, imap_server_factory: Any,
                                   tmp_path: Path) -> None:
    server: ImapTestServer = imap_server_factory(users={USER: SECRET})
    env = {**imap_env(server, tmp_path), "TRACKER_IMAP_PASSWORD": "",
           "TRACKER_IMAP_PASSWORD_FILE": _password_file(tmp_path, 0o600)}
    server.append(USER, "INBOX", reply(1))
    assert fetch(sqlite_tracker, env)["new"] == 1


# -- doctor and the daemon ---------------------------------------------------------------------


def _inbox_lines(result: Any, area: str = "inbox") -> list[str]:
    return [line for line in result.stdout.splitlines() if f" {area}: " in line]


def test_doctor_says_the_inbox_is_not_set_logged_in_or_refused(
        sqlite_tracker: Tracker, imap_server_factory: Any, tmp_path: Path) -> None:
    plain = {"TRACKER_IMAP_HOST": ""}
    assert _inbox_lines(sqlite_tracker("doctor", "--no-smtp", env=plain, lang="en")) == [
        "skipped  inbox: not set (no TRACKER_IMAP_HOST): replies are not read"]
    server: ImapTestServer = imap_server_factory(users={USER: SECRET})
    server.append_many(USER, "INBOX", [reply(1), reply(2)])
    env = imap_env(server, tmp_path)
    assert _inbox_lines(sqlite_tracker("doctor", env=env, lang="en")) == [
        f"ok       inbox: IMAP 127.0.0.1:{server.tls_port} (tls), user {USER}: logged in; "
        f"2 message(s) waiting in INBOX; handled mail goes to {DONE}"]
    assert len(server.messages(USER)) == 2  # looked at, not read or moved
    assert all("\\Seen" not in m.flags for m in server.messages(USER))
    wrong = sqlite_tracker("doctor", env={**env, "TRACKER_IMAP_PASSWORD": "nope"}, lang="ru")
    assert wrong.exit_code == 1
    [line] = _inbox_lines(wrong, "входящая почта")
    assert line.startswith("проблема   входящая почта: IMAP") and "AUTHENTICATIONFAILED" in line
    assert SECRET not in wrong.output and "nope" not in wrong.output
    bad = sqlite_tracker("doctor", "--no-smtp", env={**env, "TRACKER_IMAP_PORT": "0"},
                         lang="en")
    assert bad.exit_code == 1 and "TRACKER_IMAP_PORT" in _inbox_lines(bad)[0]


def test_the_daemon_tick_reads_the_inbox_and_goes_on_sending_when_it_cannot(
        sqlite_tracker: Tracker, imap_server: ImapTestServer, smtp_server: SmtpTestServer,
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sqlite_tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    imap_server.append_many(USER, "INBOX", [reply(1), reply(2)])
    env = {**smtp_env(smtp_server), **imap_env(imap_server, tmp_path),
           "TRACKER_IMAP_TIMEOUT": "3"}
    imap_server.stop()
    with caplog.at_level(logging.INFO, logger="tracker.daemon"):
        result = sqlite_tracker("run", "--once", env=env, now=MONDAY)
    assert result.exit_code == 0, (result.output, caplog.text)
    failures = [r for r in caplog.records if r.getMessage().startswith("inbox: ")]
    assert len(failures) == 1 and "unreachable" in failures[0].getMessage()
    assert "\n" not in failures[0].getMessage() and failures[0].exc_info is None
    assert smtp_server.messages, caplog.text  # the tick sent its reminders all the same
    caplog.clear()
    imap_server.start()
    with caplog.at_level(logging.INFO, logger="tracker.daemon"):
        result = sqlite_tracker("run", "--once", env=env, now=MONDAY)
    assert result.exit_code == 0, (result.output, caplog.text)
    assert len(rows(sqlite_tracker.url)) == 2
    assert "inbox: 2 new message(s)" in caplog.text
