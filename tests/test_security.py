"""Security: the SMTP password stays secret, input cannot forge mail headers, TLS is not optional,
the database file is private and HTML is escaped.

Each test looks for the bad outcome where it would show: in the daemon's log, in every table of
the database, in JSON outputs and error messages, in the bytes the mail server received.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.conftest import REPO, Tracker, dump_database
from tests.helpers_campaign import smtp_env
from tests.smtp_server import SmtpTestServer

pytestmark = pytest.mark.timeout(180)

SECRET = "Құпия-Сөз-7f3a9c-secret"
WRONG = "wrong-Пароль-e41d0b"
MORNING = "2017-04-18T10:30:00+06:00"  # 04:30Z: both zones' 09:00 has passed, 64 mails due
ATTACKER = "evil@attacker.example"
HEADERS = {"From", "To", "Subject", "Date", "Message-ID", "Reply-To", "MIME-Version",
           "Content-Type", "Content-Transfer-Encoding", "X-Tracker-Key", "Auto-Submitted",
           "Content-Language", "X-Auto-Response-Suppress", "Precedence"}
"""Every header a reminder may carry; anything else would have been injected."""


class RecordingServer(SmtpTestServer):
    """The test server, also recording every AUTH attempt (so a clear-text login would show)
    and optionally echoing the password it was given in its refusal, as a badly written server
    might: the client must not repeat that reply verbatim."""

    def __init__(self, *, echo_password: bool = False,
                 echo: Callable[[str, bytes, bytes], str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.auth_attempts: list[str] = []
        self.echo_password = echo_password
        self.echo = echo
        """Makes the 535's text from (mechanism, login, password): an encoded AUTH argument."""

    def _authenticate(self, mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            self.auth_attempts.append(auth_data.login.decode())
            if self.echo is not None:
                return AuthResult(success=False, handled=False, message=(
                    "535 5.7.8 not accepted: "
                    + self.echo(mechanism, auth_data.login, auth_data.password)))
            if self.echo_password:
                return AuthResult(success=False, handled=False, message=(
                    f"535 5.7.8 password {auth_data.password.decode()} is not accepted"))
        return super()._authenticate(mechanism, auth_data)


@pytest.fixture
def campaign(tracker: Tracker) -> Tracker:
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    return tracker


@pytest.fixture
def ca_file(smtp_ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    smtp_ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def secured(smtp_ca: trustme.CA) -> Iterator[RecordingServer]:
    """STARTTLS required, AUTH required, our certificate authority."""
    with RecordingServer(require_starttls=True, auth=("bkk", SECRET), ca=smtp_ca) as server:
        yield server


def _secure_env(server: SmtpTestServer, ca_file: Path, **extra: str) -> dict[str, str]:
    return smtp_env(server, TRACKER_SMTP_SECURITY="starttls", TRACKER_SMTP_USERNAME="bkk",
                    SSL_CERT_FILE=str(ca_file), **extra)


def _password_file(tmp_path: Path, secret: str, mode: int = 0o600) -> Path:
    path = tmp_path / "smtp-password"
    path.write_text(secret + "\n", encoding="utf-8")
    path.chmod(mode)
    return path


def _daemon_once(url: str, env: dict[str, str], now: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tracker", "--db", url, "--now", now, "run",
                           "--once", "--workers", "2"], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120, cwd=REPO)


def _encodings(secret: str, user: str = "bkk") -> set[str]:
    """The password in each encoding AUTH PLAIN and LOGIN send, padded and not."""
    password, login = secret.encode(), user.encode()
    found = set()
    for framed in (password, b"\0" + login + b"\0" + password, login + b"\0" + password,
                   login + b"\0" + login + b"\0" + password):
        text = base64.b64encode(framed).decode()
        found |= {text, text.rstrip("=")}
    return found


def _no_secret(*texts: str) -> None:
    forms = {SECRET, WRONG} | _encodings(SECRET) | _encodings(WRONG)
    for text in texts:
        assert not [form for form in forms if form in text]


def test_password_never_in_logs_rows_json_or_errors(campaign: Tracker, secured: RecordingServer,
                                                    ca_file: Path, tmp_path: Path) -> None:
    # A wrong password first: the error names the user, never the password.
    wrong = _daemon_once(campaign.url, _secure_env(secured, ca_file,
                                                   TRACKER_SMTP_PASSWORD=WRONG), MORNING)
    assert wrong.returncode == 1 and "rejected the credentials" in wrong.stderr
    _no_secret(wrong.stdout, wrong.stderr)
    # The right one, from an owner-only file, as a daemon would be deployed.
    env = _secure_env(secured, ca_file,
                      TRACKER_SMTP_PASSWORD_FILE=str(_password_file(tmp_path, SECRET)))
    good = _daemon_once(campaign.url, env, MORNING)
    assert good.returncode == 0, good.stderr
    sent = campaign.json("outbox", "--state", "sent")
    assert len(sent) >= 64 and len(secured.messages) == len(sent)  # reminders and the digest
    assert all(m.tls and m.login == "bkk" for m in secured.messages)
    _no_secret(good.stdout, good.stderr)
    _no_secret(repr(dump_database(campaign.url)))
    for args in (["outbox", "--json"], ["digest", "--json"], ["remind", "preview", "--json"],
                 ["doctor", "--json"], ["doctor"], ["remind", "send", "--json"]):
        result = campaign(*args, now=MORNING, env=env)
        assert result.exit_code in (0, 1), result.output
        _no_secret(result.output)
    for message in secured.messages:
        _no_secret(message.data.decode("utf-8", "replace"))


def test_password_echoed_by_the_server_is_redacted(campaign: Tracker, smtp_ca: trustme.CA,
                                                   ca_file: Path) -> None:
    with RecordingServer(require_starttls=True, auth=("bkk", "other"), ca=smtp_ca,
                         echo_password=True) as server:
        env = _secure_env(server, ca_file, TRACKER_SMTP_PASSWORD=SECRET)
        result = campaign("remind", "send", now=MORNING, env=env)
        assert result.exit_code == 1 and "rejected the credentials" in result.stderr
        assert server.auth_attempts, "the server did see a login attempt"
        assert "***" in result.stderr  # the server's words are kept, the secret masked
        _no_secret(result.output)
        daemon = _daemon_once(campaign.url, env, MORNING)
        assert daemon.returncode == 1
        _no_secret(daemon.stdout, daemon.stderr)
        doctor = campaign("doctor", now=MORNING, env=env)
        assert doctor.exit_code == 1 and "***" in doctor.output
        _no_secret(doctor.output)
    _no_secret(repr(dump_database(campaign.url)))


def _b64(data: bytes, pad: bool) -> str:
    text = base64.b64encode(data).decode()
    return text if pad else text.rstrip("=")


_ECHOES: dict[str, tuple[str, Callable[[str, bytes, bytes], str]]] = {
    "plain": ("PLAIN", lambda m, u, p: _b64(b"\0" + u + b"\0" + p, True)),
    "plain unpadded": ("PLAIN", lambda m, u, p: _b64(b"\0" + u + b"\0" + p, False)),
    "plain user\\0pass": ("PLAIN", lambda m, u, p: _b64(u + b"\0" + p, True)),
    "plain authzid": ("PLAIN", lambda m, u, p: _b64(u + b"\0" + u + b"\0" + p, False)),
    "login": ("LOGIN", lambda m, u, p: _b64(p, True)),
    "login unpadded": ("LOGIN", lambda m, u, p: _b64(p, False)),
    "login inside more": ("LOGIN", lambda m, u, p: "x" + _b64(b"ab" + p + b"cd", True)),
    "as it is": ("LOGIN", lambda m, u, p: p.decode()),
}


@pytest.mark.parametrize("echo", sorted(_ECHOES))
def test_password_echoed_by_the_server_in_any_encoding_is_masked(
        campaign: Tracker, smtp_ca: trustme.CA, ca_file: Path, echo: str) -> None:
    """Issue 12 item 7: a 535 that repeats the AUTH argument (base64 of \\0user\\0password,
    or of the password) shows in no output, log, doctor's report or outbox row."""
    mechanism, make = _ECHOES[echo]
    with RecordingServer(require_starttls=True, auth=("bkk", "other"), ca=smtp_ca,
                         echo=make, auth_mechanisms=(mechanism,)) as server:
        env = _secure_env(server, ca_file, TRACKER_SMTP_PASSWORD=SECRET)
        result = campaign("remind", "send", now=MORNING, env=env)
        assert result.exit_code == 1 and "rejected the credentials" in result.stderr
        assert "not accepted: ***" in result.stderr  # the server's words kept, the secret masked
        _no_secret(result.output)
        daemon = _daemon_once(campaign.url, env, MORNING)
        assert daemon.returncode == 1 and "rejected the credentials" in daemon.stderr
        _no_secret(daemon.stdout, daemon.stderr)
        for args in (["doctor"], ["doctor", "--json"]):
            doctor = campaign(*args, now=MORNING, env=env)
            assert doctor.exit_code == 1
            _no_secret(doctor.output)
        assert server.auth_attempts
    _no_secret(repr(dump_database(campaign.url)), campaign.ok("outbox", "--json").output)


def test_password_file_readable_by_others_is_refused_without_showing_it(
        campaign: Tracker, secured: RecordingServer, ca_file: Path, tmp_path: Path) -> None:
    env = _secure_env(secured, ca_file, TRACKER_SMTP_PASSWORD_FILE=str(
        _password_file(tmp_path, SECRET, 0o644)))
    result = campaign("remind", "send", now=MORNING, env=env)
    assert result.exit_code == 1 and "readable by group or others" in result.stderr
    _no_secret(result.output)
    assert secured.messages == [] and secured.auth_attempts == []


def test_database_password_in_the_url_is_never_printed() -> None:
    url = f"postgresql://tracker:{SECRET}@127.0.0.1:1/tracker"  # nothing listens on port 1
    for args in (["status"], ["init"], ["doctor", "--no-smtp"], ["outbox", "--json"]):
        result = Tracker(url)(*args)
        assert result.exit_code == 1, result.output
        assert "tracker:***@" in result.output or "database error" in result.output
        _no_secret(result.output)


def test_line_breaks_in_names_and_titles_cannot_add_headers(tracker: Tracker,
                                                            smtp_server: SmtpTestServer,
                                                            tmp_path: Path) -> None:
    injected = f"\\r\\nBcc: {ATTACKER}\\r\\nX-Injected: yes\\r\\n\\r\\nforged body"
    plan = (REPO / "plan.yaml").read_text(encoding="utf-8")
    title = '    kk: "«Қауіпсіз интернет» республикалық ақпараттық кампаниясы"\n'
    assert plan.count(title) == 1
    # Inside the «...» that the subject quotes, so the text reaches the Subject header.
    plan = plan.replace(title, f'    kk: "«Қауіпсіз{injected} интернет»"\n')
    item = '    kk: "Білім беру мекемелері педагогтерінің'
    plan = plan.replace(item, f'    kk: "Семинар{injected} ', 1)
    (tmp_path / "plan.yaml").write_text(plan, encoding="utf-8")
    tracker.ok("plan", "load", str(tmp_path / "plan.yaml"))
    contacts = (REPO / "contacts.example.yaml").read_text(encoding="utf-8").replace(
        'name: "Астана қаласының білім басқармасы"', f'name: "Астана{injected}"')
    assert injected in contacts
    (tmp_path / "contacts.yaml").write_text(contacts, encoding="utf-8")
    tracker.ok("contacts", "load", str(tmp_path / "contacts.yaml"))
    result = tracker("remind", "send", "--json", now=MORNING, env=smtp_env(smtp_server))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sent"] == len(smtp_server.messages) > 0
    astana = [m for m in smtp_server.messages if m.rcpt_tos == ("edu@astana.example",)]
    assert len(astana) == 1
    for message in smtp_server.messages:
        assert ATTACKER not in message.rcpt_tos and len(message.rcpt_tos) == 1
        parsed = email.message_from_bytes(message.data, policy=email.policy.default)
        assert set(parsed.keys()) <= HEADERS, set(parsed.keys()) - HEADERS
        assert parsed["Bcc"] is None and parsed["X-Injected"] is None
        head = message.data.split(b"\r\n\r\n", 1)[0]
        assert b"\nBcc:" not in head and b"\nX-Injected:" not in head
        assert b"forged body" not in message.data.split(b"\r\n\r\n", 1)[1][:200]
    parsed = email.message_from_bytes(astana[0].data, policy=email.policy.default)
    # The words are kept, harmless, as text on one line: in the display name and the subject.
    assert f"Bcc: {ATTACKER}" in str(parsed["To"]) and "edu@astana.example" in str(parsed["To"])
    assert f"«Қауіпсіз Bcc: {ATTACKER} X-Injected: yes forged body интернет»" in str(
        parsed["Subject"])


@pytest.mark.parametrize("address", [
    f"edu@astana.example\\r\\nBcc: {ATTACKER}", f"edu@astana.example\\nBcc: {ATTACKER}",
    f"edu@astana.example, {ATTACKER}", f"edu@astana.example>, <{ATTACKER}",
    f"Edu <edu@astana.example>\\r\\nBcc: {ATTACKER}"])
def test_line_breaks_in_addresses_are_refused(tracker: Tracker, tmp_path: Path,
                                              address: str) -> None:
    contacts = (REPO / "contacts.example.yaml").read_text(encoding="utf-8").replace(
        "email: edu@astana.example", f'email: "{address}"')
    path = tmp_path / "contacts.yaml"
    path.write_text(contacts, encoding="utf-8")
    before = dump_database(tracker.url)
    result = tracker("contacts", "load", str(path), lang="en")
    assert result.exit_code == 2 and "is not an email address" in result.stderr
    assert dump_database(tracker.url) == before
    reply = contacts.replace(f'email: "{address}"', "email: edu@astana.example").replace(
        "reply_to: safe-internet@bkk.edu.example", f'reply_to: "{address}"')
    path.write_text(reply, encoding="utf-8")
    result = tracker("contacts", "load", str(path), lang="en")
    assert result.exit_code == 2 and "is not an email address" in result.stderr
    assert dump_database(tracker.url) == before


@pytest.mark.parametrize("variable", ["TRACKER_MAIL_FROM", "TRACKER_REPLY_TO"])
def test_line_breaks_in_sender_settings_are_refused(campaign: Tracker,
                                                    smtp_server: SmtpTestServer,
                                                    variable: str) -> None:
    env = smtp_env(smtp_server, **{variable: f"noreply@bkk.edu.example\r\nBcc: {ATTACKER}"})
    result = campaign("remind", "send", now=MORNING, env=env)
    assert result.exit_code == 1 and variable in result.stderr
    assert smtp_server.messages == []


def test_server_without_starttls_is_refused_unless_security_none(campaign: Tracker,
                                                                 tmp_path: Path) -> None:
    # A plain server that would even accept a login in clear text.
    with RecordingServer(auth=("bkk", SECRET), auth_require_tls=False) as plain:
        env = smtp_env(plain, TRACKER_SMTP_USERNAME="bkk", TRACKER_SMTP_PASSWORD=SECRET)
        del env["TRACKER_SMTP_SECURITY"]  # the default must be the safe one
        refused = campaign("remind", "send", now=MORNING, env=env)
        assert refused.exit_code == 1 and "does not offer STARTTLS" in refused.stderr
        assert plain.messages == [] and plain.auth_attempts == [], "no login in clear text"
        pending = campaign.json("outbox", "--state", "pending")
        assert pending and all(r["attempts"] == 0 for r in pending), "no attempt was spent"
        doctor = campaign("doctor", lang="en", now=MORNING, env=env)
        assert doctor.exit_code == 1
        assert any(line.startswith("problem") and "STARTTLS" in line
                   for line in doctor.output.splitlines())
        assert plain.auth_attempts == []
        allowed = campaign("remind", "send", "--json", now=MORNING,
                           env={**env, "TRACKER_SMTP_SECURITY": "none"})
        assert allowed.exit_code == 0, allowed.output
        assert json.loads(allowed.stdout)["sent"] == len(pending) == len(plain.messages)


def test_untrusted_certificate_is_refused(campaign: Tracker, tmp_path: Path) -> None:
    stranger = trustme.CA()  # a certificate from a CA this machine does not trust
    with RecordingServer(require_starttls=True, auth=("bkk", SECRET), ca=stranger) as server:
        env = smtp_env(server, TRACKER_SMTP_SECURITY="starttls", TRACKER_SMTP_USERNAME="bkk",
                       TRACKER_SMTP_PASSWORD=SECRET)
        result = campaign("remind", "send", now=MORNING, env=env)
        assert result.exit_code == 1 and "TLS" in result.stderr
        assert server.messages == [] and server.auth_attempts == []


def test_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "private" / "tracker.db"
    old = os.umask(0)  # even a careless umask must not widen it
    try:
        Tracker(f"sqlite:///{path}").ok("init")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    from tracker.store.database import Database

    db = Database(f"sqlite:///{path}")
    try:
        with db.writing() as session:  # WAL and shared-memory files exist while it is open
            from sqlalchemy import text

            session.execute(text("UPDATE setting SET value = value"))
        with db.reading() as session:
            session.execute(text("SELECT 1")).all()
            for suffix in ("-wal", "-shm"):  # they hold recent changes: private as well
                side = path.with_name(path.name + suffix)
                assert stat.S_IMODE(side.stat().st_mode) == 0o600, suffix
    finally:
        db.dispose()


def test_default_data_folder_is_created_owner_only_under_umask_000(tmp_path: Path) -> None:
    """Issue 12 item 7: `init` with no --db makes ~/.local/share/tracker (and any parent it
    must make) 0700, even under umask 000."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("TRACKER_DATABASE_URL", "TRACKER_HOME", "XDG_DATA_HOME")}
    script = "import os, sys; os.umask(0); from tracker.cli.entry import main; main()"
    run = subprocess.run([sys.executable, "-c", script, "init"], env={**env, "HOME": str(home)},
                         capture_output=True, text=True, timeout=120, cwd=REPO)
    assert run.returncode == 0, run.stderr
    database = home / ".local" / "share" / "tracker" / "tracker.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    for folder in (database.parent, database.parent.parent, database.parent.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_html_is_escaped_in_the_digest_page_and_the_reminder(tracker: Tracker,
                                                             smtp_server: SmtpTestServer,
                                                             tmp_path: Path) -> None:
    script = "<script>alert('x')</script>"
    image = '<img src=x onerror="alert(1)">'
    plan = (REPO / "plan.yaml").read_text(encoding="utf-8")
    item = '    kk: "Білім беру мекемелері педагогтерінің'
    plan = plan.replace(item, f'    kk: "{script.replace(chr(39), "")} ', 1)
    (tmp_path / "plan.yaml").write_text(plan, encoding="utf-8")
    tracker.ok("plan", "load", str(tmp_path / "plan.yaml"))
    contacts = (REPO / "contacts.example.yaml").read_text(encoding="utf-8").replace(
        'name: "Астана қаласының білім басқармасы"', f"name: '{image}'")
    (tmp_path / "contacts.yaml").write_text(contacts, encoding="utf-8")
    tracker.ok("contacts", "load", str(tmp_path / "contacts.yaml"))
    tracker.ok("mark", "1", "--region", "astana", "--note", script, "--by", image)
    smtp_server.reply_for("edu@almaty.example", 550, "5.1.1 <b>no such user</b>")
    assert tracker("remind", "send", now=MORNING, env=smtp_env(smtp_server)).exit_code == 1
    page = tracker.ok("digest", "--format", "html", now=MORNING).stdout
    for raw in (script, image, "<script>", "<b>no such user</b>"):
        assert raw not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x" in page
    assert "&lt;b&gt;no such user&lt;/b&gt;" in page
    mail = next(m for m in smtp_server.messages if m.rcpt_tos == ("edu@astana.example",))
    html = mail.parsed().get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html
