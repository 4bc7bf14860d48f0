"""`tracker doctor`: one line per finding, exit status 1 exactly when something needs a person.

Each test breaks one thing staff could get wrong (a variable, the schema, the password, the
contacts, a crashed sender) and checks that doctor names it, and only it, without sending mail
and without showing the password.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from tests.conftest import REPO, Tracker
from tests.helpers_campaign import smtp_env
from tests.smtp_server import Mode, SmtpTestServer

pytestmark = pytest.mark.timeout(120)

PASSWORD = "doctor-Құпия-91c2"
LINE = re.compile(r"^(ok|problem|skipped) +[a-z ]+: \S.*$")
NOW = "2017-04-18T10:30:00+06:00"


@pytest.fixture
def campaign(tracker: Tracker) -> Tracker:
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    return tracker


@pytest.fixture
def secured(smtp_server_factory: Any) -> SmtpTestServer:
    server: SmtpTestServer = smtp_server_factory(require_starttls=True, auth=("bkk", PASSWORD))
    return server


def _env(server: SmtpTestServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    assert server.ca is not None
    cafile = tmp_path / "ca.pem"
    server.ca.cert_pem.write_to_path(str(cafile))
    settings = {"TRACKER_SMTP_SECURITY": "starttls", "TRACKER_SMTP_USERNAME": "bkk",
                "TRACKER_SMTP_PASSWORD": PASSWORD, "SSL_CERT_FILE": str(cafile),
                "TRACKER_PUBLIC_URL": "https://tracker.bkk.edu.example", **extra}
    return smtp_env(server, **settings)


def _findings(result: Result) -> dict[str, list[tuple[str, str]]]:
    """area -> [(status, detail)], after checking every line has the one-line shape."""
    found: dict[str, list[tuple[str, str]]] = {}
    lines = result.stdout.splitlines()
    assert lines, result.output
    for line in lines:
        assert LINE.match(line), line
        status, rest = line.split(None, 1)
        area, detail = rest.split(": ", 1)
        found.setdefault(area, []).append((status, detail))
    assert PASSWORD not in result.output
    return found


def _statuses(found: dict[str, list[tuple[str, str]]]) -> dict[str, set[str]]:
    return {area: {status for status, _ in entries} for area, entries in found.items()}


def test_all_well_exits_0_and_sends_nothing(campaign: Tracker, secured: SmtpTestServer,
                                            tmp_path: Path) -> None:
    result = campaign("doctor", lang="en", now=NOW, env=_env(secured, tmp_path))
    assert result.exit_code == 0, result.output
    found = _findings(result)
    assert set(found) == {"configuration", "retries", "database", "personal links", "pace",
                          "contacts", "managers", "outbox", "mail server", "inbox"}
    inbox = found.pop("inbox")  # no TRACKER_IMAP_HOST: the inbox is not read, not a problem
    assert inbox == [("skipped", "not set (no TRACKER_IMAP_HOST): replies are not read")]
    assert all(statuses == {"ok"} for statuses in _statuses(found).values()), result.output
    server_line = found["mail server"][0][1]
    assert "STARTTLS" in server_line and "login accepted" in server_line
    engine = "SQLite" if campaign.url.startswith("sqlite") else "PostgreSQL"
    assert re.search(rf"schema current \(revision \d+\), {engine} \d+\.\d+",
                     found["database"][0][1]), found["database"]
    assert secured.connections == 1 and secured.messages == []
    as_json = campaign.json("doctor", lang="en", now=NOW, env=_env(secured, tmp_path))
    assert as_json["healthy"] is True and len(as_json["findings"]) == 10


def test_configuration_mistakes_are_named_and_the_server_not_contacted(
        campaign: Tracker, secured: SmtpTestServer, tmp_path: Path) -> None:
    env = _env(secured, tmp_path, TRACKER_SMTP_PORT="smtp", TRACKER_MAX_ATTEMPTS="lots")
    result = campaign("doctor", lang="en", now=NOW, env=env)
    assert result.exit_code == 1
    found = _findings(result)
    assert found["configuration"] == [("problem", "TRACKER_SMTP_PORT must be an integer from 1 "
                                                  "to 65535; got 'smtp'")]
    assert found["retries"][0][0] == "problem" and "TRACKER_MAX_ATTEMPTS" in found["retries"][0][1]
    assert found["mail server"][0][0] == "skipped"
    assert _statuses(found)["database"] == {"ok"}
    assert secured.connections == 0
    missing = campaign("doctor", lang="en", now=NOW, env={**env, "TRACKER_SMTP_HOST": "",
                                               "TRACKER_SMTP_PORT": "", "TRACKER_MAX_ATTEMPTS": ""})
    assert missing.exit_code == 1 and "TRACKER_SMTP_HOST is required" in missing.stdout


def test_wrong_password_and_missing_tls_are_problems(campaign: Tracker, secured: SmtpTestServer,
                                                     tmp_path: Path) -> None:
    wrong = campaign("doctor", lang="en", now=NOW, env=_env(secured, tmp_path,
                                                 TRACKER_SMTP_PASSWORD="not-" + PASSWORD))
    assert wrong.exit_code == 1
    server_line = _findings(wrong)["mail server"][0]
    assert server_line[0] == "problem" and "rejected the credentials" in server_line[1]
    assert "not-" + PASSWORD not in wrong.output
    with SmtpTestServer() as plain:  # no STARTTLS on offer
        clear = campaign("doctor", lang="en", now=NOW, env=_env(secured, tmp_path,
                                                     TRACKER_SMTP_PORT=str(plain.port)))
        assert clear.exit_code == 1
        assert "does not offer STARTTLS" in _findings(clear)["mail server"][0][1]
        assert plain.messages == []
    secured.set_mode(Mode.REFUSE)
    down = campaign("doctor", lang="en", now=NOW, env=_env(secured, tmp_path))
    assert down.exit_code == 1 and "connect to" in _findings(down)["mail server"][0][1]
    assert secured.messages == []


def test_database_problems(tmp_path: Path, db_url: str, smtp_server: SmtpTestServer) -> None:
    env = smtp_env(smtp_server)
    fresh = Tracker(db_url)("doctor", lang="en", env=env)  # never initialised
    assert fresh.exit_code == 1
    found = _findings(fresh)
    assert found["database"][0][0] == "problem"
    assert "tracker init" in found["database"][0][1]
    assert _statuses(found)["contacts"] == {"skipped"} and _statuses(found)["outbox"] == {
        "skipped"}
    tracker = Tracker(db_url)
    tracker.ok("init")
    from tracker.store.database import Database
    from tracker.store.schema import HEAD_REVISION, downgrade

    db = Database(db_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        downgrade(db, "0002")
    finally:
        db.dispose()
    behind = tracker("doctor", lang="en", env=env)
    assert behind.exit_code == 1
    detail = _findings(behind)["database"][0][1]
    assert f"revision 0002, this tracker needs {HEAD_REVISION}" in detail
    assert "tracker init" in detail
    gone = Tracker(f"sqlite:///{tmp_path / 'nowhere' / 'none.db'}")("doctor", lang="en", env=env)
    assert gone.exit_code == 1 and "run `tracker init` first" in gone.stdout
    assert not (tmp_path / "nowhere" / "none.db").exists(), "doctor created nothing"


def test_contact_gaps_and_missing_managers(tracker: Tracker, smtp_server: SmtpTestServer,
                                           tmp_path: Path) -> None:
    env = smtp_env(smtp_server)
    empty = tracker("doctor", lang="en", now=NOW, env=env)
    assert empty.exit_code == 1
    assert "no contacts are loaded" in _findings(empty)["contacts"][0][1]
    data = yaml.safe_load((REPO / "contacts.example.yaml").read_text(encoding="utf-8"))
    data["contacts"] = [c for c in data["contacts"] if c["unit"] not in ("aktobe", "astana")]
    del data["managers"]
    path = tmp_path / "contacts.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    tracker.ok("contacts", "load", str(path))
    gaps = tracker.json("contacts", "gaps")
    result = tracker("doctor", lang="en", now=NOW, env=env)
    assert result.exit_code == 1
    found = _findings(result)
    status, detail = found["contacts"][0]
    assert status == "problem" and detail.startswith(f"{len(gaps)} (region, body) pair(s)")
    assert "aktobe/education" in detail
    assert found["managers"][0][0] == "problem"
    assert _statuses(found)["mail server"] == {"ok"}


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped): a crashed sender's."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_outbox_problems_failed_uncertain_and_stuck(campaign: Tracker,
                                                    smtp_server: SmtpTestServer) -> None:
    env = smtp_env(smtp_server)
    smtp_server.reply_for("edu@astana.example", 550)
    assert campaign("remind", "send", now=NOW, env=env).exit_code == 1  # one failed
    # Two rows as a sender killed mid-run leaves them: one claimed, one on the wire.
    from sqlalchemy import update

    from tracker.store.database import Database
    from tracker.store.models import OUTBOX

    smtp_server.reply_for("edu@almaty.example", 451)
    assert campaign("remind", "send", now="2017-04-20T10:30:00+06:00", env=env).exit_code == 1
    owner = f"{socket.gethostname()}:{_dead_pid()}"
    db = Database(campaign.url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with db.writing() as session:
            pending = [r["id"] for r in campaign.json("outbox", "--state", "pending")]
            sent = [r["id"] for r in campaign.json("outbox", "--state", "sent")][:1]
            assert pending and sent
            at = datetime.fromisoformat("2017-04-20T10:30:00+06:00")
            session.execute(update(OUTBOX).where(OUTBOX.c.id == pending[0]).values(
                state="claimed", claimed_by=owner, claimed_at=at))
            session.execute(update(OUTBOX).where(OUTBOX.c.id == sent[0]).values(
                state="transmitting", claimed_by=owner, claimed_at=at))
    finally:
        db.dispose()
    result = campaign("doctor", lang="en", now="2017-04-20T10:31:00+06:00", env=env)
    assert result.exit_code == 1
    outbox_lines = [d for s, d in _findings(result)["outbox"] if s == "problem"]
    assert any(d.startswith("2 failed mail(s)") for d in outbox_lines), outbox_lines
    assert any("1 claimed and 1 transmitting row(s) belong to a sender that stopped" in d
               for d in outbox_lines), outbox_lines
    # A later run settles them; the transmitting one is now honestly uncertain.
    campaign.ok("remind", "send", now="2017-04-20T12:00:00+06:00", env=env)
    after = campaign("doctor", lang="en", now="2017-04-20T12:01:00+06:00", env=env)
    outbox_lines = [d for s, d in _findings(after)["outbox"] if s == "problem"]
    assert any(d.startswith("1 uncertain mail(s)") for d in outbox_lines), outbox_lines
    assert not any("stopped" in d for d in outbox_lines)


def test_claim_held_past_the_lease_by_a_live_process_id(campaign: Tracker,
                                                         smtp_server: SmtpTestServer) -> None:
    """In containers every daemon is pid 1 on a reused host name: a restarted one looks like
    its dead predecessor, so recovery leaves the old claim alone; doctor must say so."""
    from sqlalchemy import update

    from tracker.store.database import Database
    from tracker.store.models import OUTBOX

    env = smtp_env(smtp_server)
    smtp_server.set_mode(Mode.REFUSE)
    assert campaign("remind", "send", now=NOW, env=env).exit_code == 1  # nothing could go
    smtp_server.set_mode(Mode.ACCEPT)
    row = campaign.json("outbox", "--state", "pending")[0]["id"]
    db = Database(campaign.url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with db.writing() as session:
            session.execute(update(OUTBOX).where(OUTBOX.c.id == row).values(
                state="claimed", claimed_by=f"{socket.gethostname()}:1",
                claimed_at=datetime.fromisoformat(NOW)))
    finally:
        db.dispose()
    fresh = campaign("doctor", lang="en", now="2017-04-18T10:31:00+06:00", env=env)
    assert not any("still exists" in d for _, d in _findings(fresh)["outbox"]), fresh.output
    stale = campaign("doctor", lang="en", now="2017-04-18T10:45:00+06:00", env=env)  # lease: 600 s
    assert stale.exit_code == 1
    assert any(d.startswith("1 row(s) claimed more than 600 s ago by a process id that still "
                            "exists") for _, d in _findings(stale)["outbox"]), stale.output


def test_pending_mail_long_overdue_means_no_daemon(campaign: Tracker,
                                                   smtp_server: SmtpTestServer) -> None:
    env = smtp_env(smtp_server)
    smtp_server.set_mode(Mode.REFUSE)
    assert campaign("remind", "send", now=NOW, env=env).exit_code == 1  # recorded, not sent
    smtp_server.set_mode(Mode.ACCEPT)
    soon = campaign("doctor", lang="en", now=NOW, env=env)
    assert soon.exit_code == 0, soon.output
    late = campaign("doctor", lang="en", now="2017-04-18T16:30:00+06:00", env=env)
    assert late.exit_code == 1
    assert any("is `tracker run` running?" in d for _, d in _findings(late)["outbox"])


def test_doctor_command_module_imports_only_click() -> None:
    """`tracker --help` stays fast: registering doctor pulls in no database or mail library."""
    code = ("import sys; import tracker.cli.doctor; "
            "print(sorted(m for m in ('sqlalchemy', 'aiosmtplib', 'jinja2', 'tracker.doctor') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    assert out.strip() == "[]"


def test_a_database_engine_too_old_for_the_outbox_is_named_with_what_is_needed() -> None:
    from tracker.doctor import version_problem

    assert str(version_problem("SQLite", (3, 34, 1))) == (
        "SQLite 3.34.1 is too old: tracker needs 3.35 or newer")
    assert str(version_problem("PostgreSQL", (11, 22))) == (
        "PostgreSQL 11.22 is too old: tracker needs 12 or newer")
    assert version_problem("SQLite", (3, 35, 0)) is None
    assert version_problem("PostgreSQL", (12, 0)) is None
