"""Reading the inbox: N agencies' replies in a real Dovecot, a fifth with the results form.

    python bench/inbox.py [--messages 1000] [--runs 3]

End to end is one `tracker inbox fetch` (a whole process on SQLite: log in, select, UID
SEARCH, fetch each chunk, record each message, read it, handle it in the transaction that
finishes its row, move each chunk to the done folder).  In the same run, the floor: the
standard `imaplib` alone logging in to the same server, selecting the folder and fetching the
same messages in the same chunks with UID FETCH BODY.PEEK[], nothing else.  Goal: end to end
at least half the floor's messages per second.  The replies are written as agencies' mail
programs write them (kk and ru, quoted reminder below, UTF-8 quoted-printable); every fifth
carries the region's results form as an XLSX attachment, the export the reminders attach
(tracker.mail.resultsform).  With `--runs N` the two take turns N times, each end-to-end run
on a fresh server and database, and the medians are compared.
"""

from __future__ import annotations

import argparse
import imaplib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from common import REPO, TRACKER, machine

sys.path.insert(0, str(REPO))

from tests.imap_server import ImapTestServer
from tracker.inbox import fetch as inbox_fetch

USER = "inbox@tracker.test"
MOMENT = "2017-04-20T10:30:00+06:00"
TEXTS = ("5, 6, 7 орындалды. Есеп қоса беріліп отыр.\n\nҚұрметпен,\n{name}",
         "Пункты 3–5 выполнены, отчёт во вложении.\n\nС уважением,\n{name}")


def replies(count: int, db_url: str) -> list[bytes]:
    """`count` replies from the example contacts; every fifth with its region's form."""
    from tracker.mail.resultsform import region_form
    from tracker.store.database import Database

    db = Database(db_url)
    plan = db.plan()
    db.dispose()
    text = (REPO / "contacts.example.yaml").read_text(encoding="utf-8")
    senders = re.findall(r"unit: (\w+)\n\s+body: \w+\n\s+email: (\S+)\n\s+name: \"([^\"]+)\"",
                         text)
    senders = [found for found in senders if found[0] in plan.regions_by_key]
    forms = {unit: region_form(plan, None, unit) for unit, _, _ in senders}
    sent = datetime(2017, 4, 18, 9, 30, tzinfo=UTC)
    out: list[bytes] = []
    for n in range(count):
        unit, address, name = senders[n % len(senders)]
        message = EmailMessage()
        message["From"] = f"{name} <{address}>"
        message["To"] = USER
        message["Subject"] = "Re: «Қауіпсіз интернет»: мерзімі жақындады / срок приближается"
        message["Date"] = format_datetime(sent + timedelta(minutes=n))
        message["Message-ID"] = make_msgid(f"r{n}", domain=address.split("@")[1])
        message["In-Reply-To"] = f"<reminder-{n}@bkk.edu.example>"
        message["References"] = f"<reminder-{n}@bkk.edu.example>"
        quoted = "\n".join("> " + line for line in
                           ["Құрметті әріптестер!", "Тапсырмалардың мерзімі жақындады.",
                            "Уважаемые коллеги! Срок исполнения поручений приближается."] * 8)
        message.set_content(TEXTS[n % 2].format(name=name) + "\n\n" + quoted + "\n",
                            cte="quoted-printable")
        if n % 5 == 0:
            form = forms[unit]
            maintype, subtype = form.content_type.split("/", 1)
            message.add_attachment(form.data, maintype=maintype, subtype=subtype,
                                   filename=form.filename)
        out.append(bytes(message))
    return out


def floor(server: ImapTestServer, chunk: int) -> tuple[float, int]:
    """imaplib alone: log in, select, UID SEARCH, UID FETCH BODY.PEEK[] chunk by chunk."""
    start = time.perf_counter()
    imap = imaplib.IMAP4_SSL(server.host, server.tls_port, ssl_context=server.ssl_context(),
                             timeout=30)
    imap.login(USER, server.users[USER])
    imap.select("INBOX")
    uids = imap.uid("SEARCH", "UNDELETED")[1][0].split()
    fetched = 0
    for at in range(0, len(uids), chunk):
        which = b",".join(uids[at:at + chunk]).decode()
        data = imap.uid("FETCH", which, "(UID BODY.PEEK[])")[1]
        fetched += sum(1 for item in data if isinstance(item, tuple))
    imap.logout()
    return time.perf_counter() - start, fetched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="turns of end to end and floor")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-inbox-"))
    env = {**os.environ, "TRACKER_SECRET_KEY_FILE": str(work / "secret.key")}
    prepared = work / "prepared.db"
    subprocess.run([*TRACKER, "--db", f"sqlite:///{prepared}", "init"], check=True,
                   capture_output=True, env=env)
    subprocess.run([*TRACKER, "--db", f"sqlite:///{prepared}", "contacts", "load",
                    str(REPO / "contacts.example.yaml")], check=True, capture_output=True,
                   env=env)
    mail = replies(args.messages, f"sqlite:///{prepared}")
    size = sum(map(len, mail)) // len(mail)
    ends: list[float] = []
    floors: list[float] = []
    for _ in range(max(1, args.runs)):
        with ImapTestServer() as server:
            server.append_many(USER, "INBOX", mail)
            seconds, fetched = floor(server, inbox_fetch.CHUNK)
            assert fetched == len(mail), fetched
            floors.append(seconds)
            cafile = server.root / "ca.pem"
            server.ca.cert_pem.write_to_path(str(cafile))
            db_file = work / "inbox.db"
            for stale in (db_file, db_file.with_name(db_file.name + "-wal"),
                          db_file.with_name(db_file.name + "-shm")):
                stale.unlink(missing_ok=True)
            shutil.copyfile(prepared, db_file)
            start = time.perf_counter()
            result = subprocess.run([*TRACKER, "--db", f"sqlite:///{db_file}", "--now", MOMENT,
                                     "inbox", "fetch", "--json"], capture_output=True,
                                    text=True, env={**env, **server.environ(),
                                                    "SSL_CERT_FILE": str(cafile)})
            ends.append(time.perf_counter() - start)
            if result.returncode:
                raise SystemExit(result.stdout + result.stderr)
            assert f'"new":{len(mail)}' in result.stdout.replace(" ", ""), result.stdout
            assert server.messages(USER, "INBOX") == []
    # Where the time goes: reading each message into a Letter (tracker.inbox.letter), alone,
    # in this process; and the command's start (imports, database, login) with nothing new.
    from tracker.inbox.letter import read_letter

    began = time.perf_counter()
    for raw in mail:
        read_letter(raw)
    reading = time.perf_counter() - began
    with ImapTestServer() as server:
        cafile = server.root / "ca.pem"
        server.ca.cert_pem.write_to_path(str(cafile))
        began = time.perf_counter()
        subprocess.run([*TRACKER, "--db", f"sqlite:///{prepared}", "--now", MOMENT, "inbox",
                        "fetch"], capture_output=True, check=True,
                       env={**env, **server.environ(), "SSL_CERT_FILE": str(cafile)})
        empty = time.perf_counter() - began
    end_to_end, floor_seconds = statistics.median(ends), statistics.median(floors)
    e2e_rate, floor_rate = len(mail) / end_to_end, len(mail) / floor_seconds
    print(f"machine: {machine()}")
    print(f"mailbox: Dovecot on 127.0.0.1 over TLS; {len(mail)} replies of {size:,} bytes on "
          f"average, {len(mail[::5])} with an XLSX form; chunks of {inbox_fetch.CHUNK}; SQLite")
    print(f"  end to end (`tracker inbox fetch`, whole process): {end_to_end:6.2f} s "
          f"({e2e_rate:7.1f} messages/s)")
    print(f"  floor: imaplib login, select, UID FETCH BODY.PEEK[]: {floor_seconds:6.2f} s "
          f"({floor_rate:7.1f} messages/s)")
    print(f"  ratio end to end / floor: {e2e_rate / floor_rate:.2f}  (goal >= 0.5)")
    rest = end_to_end - reading - empty
    print(f"  of end to end: the command's start with an empty folder {empty:.2f} s; "
          f"read_letter alone {reading:.2f} s ({reading / len(mail) * 1000:.1f} ms a message); "
          f"the rest (fetch, record, handle, move) {rest:.2f} s "
          f"({rest / len(mail) * 1000:.1f} ms a message)")
    print(f"  ({len(ends)} runs in turns, medians; end to end {min(ends):.2f}-{max(ends):.2f} s,"
          f" floor {min(floors):.2f}-{max(floors):.2f} s)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
