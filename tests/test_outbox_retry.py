"""`outbox retry`: several ids, ranges and lists, or every row in a state; all or nothing;
a confirmation for many; scheduled at `--now`, so a drill's retry goes out in the drill.

Real databases, the real SMTP test server refusing every recipient (5xx) to make failed rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import Result

from tests.conftest import REPO, Tracker, dump_database
from tests.helpers_campaign import smtp_env
from tests.smtp_server import SmtpTestServer

MORNING = "2017-04-18T09:30:00+06:00"  # 48 reminders due
NOON = "2017-04-18T12:00:00+06:00"
NOON_UTC = "2017-04-18T06:00:00Z"


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English wording (TRACKER_LANG, as `--lang en`); the Kazakh and
    Russian are tests/test_language_mail.py's."""
    monkeypatch.setenv("TRACKER_LANG", "en")


@pytest.fixture
def failed_campaign(tracker: Tracker, smtp_server: SmtpTestServer) -> Tracker:
    """48 reminders refused with 5xx: 48 failed rows, ids 1-48."""
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    smtp_server.set_mode("defer", code=554, stage="RCPT")
    assert tracker("remind", "send", now=MORNING, env=smtp_env(smtp_server)).exit_code == 1
    smtp_server.set_mode("accept")
    smtp_server.clear()
    return tracker


def _rows(t: Tracker) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in t.json("outbox")}


def _refused(result: Result, *words: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: "), line
    for word in words:
        assert word in line, line


def test_ids_ranges_and_lists_are_queued_again_at_now(failed_campaign: Tracker,
                                                      smtp_server: SmtpTestServer) -> None:
    ids = sorted(_rows(failed_campaign))
    assert len(ids) == 48 and ids == list(range(ids[0], ids[0] + 48))
    first = ids[0]
    result = failed_campaign.ok("outbox", "retry", str(first), f"{first + 2},{first + 4}",
                                f"{first + 6}-{first + 9}", now=NOON)
    assert result.stdout == (f"7 outbox row(s) queued again: {first}, {first + 2}, {first + 4}, "
                             f"{first + 6}-{first + 9}\n")
    rows = _rows(failed_campaign)
    queued = {first, first + 2, first + 4, *range(first + 6, first + 10)}
    assert {i for i, r in rows.items() if r["state"] == "pending"} == queued
    assert {rows[i]["next_attempt_at"] for i in queued} == {NOON_UTC}
    assert {rows[i]["attempts"] for i in queued} == {0}
    # the next run at that moment sends them (with the western regions' new reminders), once;
    # the failed rows nobody retried stay failed
    sent = failed_campaign("remind", "send", now=NOON, env=smtp_env(smtp_server))
    assert sent.exit_code == 0, sent.output
    received = [m.message_id for m in smtp_server.messages]
    assert len(received) == len(set(received))
    assert {rows[i]["message_id"] for i in queued} <= set(received)
    assert not {rows[i]["message_id"] for i in set(ids) - queued} & set(received)
    after = _rows(failed_campaign)
    assert {i for i in ids if after[i]["state"] == "sent"} == queued


def test_one_id_says_so(failed_campaign: Tracker) -> None:
    first = min(_rows(failed_campaign))
    result = failed_campaign.ok("outbox", "retry", str(first))
    assert result.stdout == f"outbox row {first} queued again\n"


@pytest.mark.parametrize("args", [["x"], ["5-"], ["-3"], ["7-5"], ["0"], ["1,,2"], ["²"],
                                  ["1-99999999999"], ["99999999999999999999"]])
def test_bad_ids_are_one_line_and_change_nothing(failed_campaign: Tracker,
                                                 args: list[str]) -> None:
    before = dump_database(failed_campaign.url)
    first = min(_rows(failed_campaign))
    _refused(failed_campaign("outbox", "retry", str(first), *args))
    assert dump_database(failed_campaign.url) == before


def test_one_row_that_cannot_be_retried_changes_nothing(failed_campaign: Tracker) -> None:
    first = min(_rows(failed_campaign))
    failed_campaign.ok("outbox", "retry", str(first))
    before = dump_database(failed_campaign.url)
    _refused(failed_campaign("outbox", "retry", f"{first}-{first + 3}"),
             f"outbox row {first} is pending: only uncertain or failed rows can be retried",
             "nothing was changed")
    _refused(failed_campaign("outbox", "retry", str(first + 1), "100000"),
             "no outbox row 100000; nothing was changed")
    assert dump_database(failed_campaign.url) == before


def test_a_state_takes_every_row_in_it_after_a_confirmation(failed_campaign: Tracker) -> None:
    before = dump_database(failed_campaign.url)
    _refused(failed_campaign("outbox", "retry", "--state", "failed"),
             "48 rows would be queued again; add --yes", "nothing was changed")
    assert dump_database(failed_campaign.url) == before
    result = failed_campaign.ok("outbox", "retry", "--state", "failed", "--yes")
    first = min(_rows(failed_campaign))
    assert result.stdout == f"48 outbox row(s) queued again: {first}-{first + 47}\n"
    assert {r["state"] for r in _rows(failed_campaign).values()} == {"pending"}
    nothing = failed_campaign.ok("outbox", "retry", "--state", "uncertain")
    assert nothing.stdout == "0 outbox row(s) queued again\n"


def test_many_ids_need_the_confirmation_too(failed_campaign: Tracker) -> None:
    first = min(_rows(failed_campaign))
    ids = f"{first}-{first + 10}"
    _refused(failed_campaign("outbox", "retry", ids), "11 rows would be queued again")
    failed_campaign.ok("outbox", "retry", ids, "--yes")
    ten = failed_campaign.ok("outbox", "retry", f"{first + 11}-{first + 20}")  # 10: no --yes
    assert ten.stdout.startswith("10 outbox row(s) queued again")


def test_ids_or_state_but_not_both(failed_campaign: Tracker) -> None:
    _refused(failed_campaign("outbox", "retry"), "give the rows' IDS or --state")
    _refused(failed_campaign("outbox", "retry", "1", "--state", "failed"), "not both")


def test_now_after_the_command_schedules_the_retry_there(failed_campaign: Tracker) -> None:
    first = min(_rows(failed_campaign))
    failed_campaign.ok("outbox", "retry", str(first), "--now", NOON)
    assert _rows(failed_campaign)[first]["next_attempt_at"] == NOON_UTC


def test_a_retry_after_the_campaign_closed_is_refused(failed_campaign: Tracker) -> None:
    """The next run would skip it as "campaign closed": the drill that retried on the real
    clock.  Said at once instead, nothing changed."""
    before = dump_database(failed_campaign.url)
    first = min(_rows(failed_campaign))
    _refused(failed_campaign("outbox", "retry", str(first), now="2026-12-01T10:00:00+05:00"),
             "the campaign closed at 2017-05-", "in a drill give --now")
    assert dump_database(failed_campaign.url) == before
