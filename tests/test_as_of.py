"""`--now` bounds what status, digest and history show: the state as of a moment is what the
events recorded up to it say, on both backends.

Each test records progress at several moments, takes the views at each moment right after
recording it (what a person asking then saw), and after everything is recorded asks again at
those moments: the answers must be the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import Tracker

STEPS: list[tuple[str, list[str]]] = [
    ("2017-04-12T10:00+06:00", ["mark", "1-3", "--region", "all"]),
    ("2017-04-14T15:00+06:00", ["mark", "5-11", "--region", "almaty,aktobe", "--body",
                                "education", "--note", "Хат № 12"]),
    ("2017-04-20T12:00+06:00", ["unmark", "2", "--region", "almaty", "--note", "қате"]),
    ("2017-04-24T09:00+06:00", ["mark", "12", "--region", "almaty", "--on", "2017-04-13"]),
    ("2017-04-28T16:00+06:00", ["mark", "1-26", "--region", "almaty"]),
]


def _views(tracker: Tracker, now: str) -> dict[str, Any]:
    return {
        "status": tracker.json("status", now=now),
        "grid": tracker.ok("status", now=now).stdout,
        "region": tracker.ok("--lang", "ru", "status", "--region", "almaty", now=now).stdout,
        "digest": tracker.json("digest", now=now),
        "digest_text": tracker.ok("digest", now=now).stdout,
        "history": tracker.json("history", now=now),
        "items": tracker.json("items", "--region", "almaty", "--state", "pending", now=now),
    }


def _pct(status: dict[str, Any], unit: str) -> float:
    summary = next(u for u in status["units"] if u["unit"] == unit)
    return summary["done"] / summary["total"]


def test_views_at_an_earlier_moment_are_what_they_were_then(tracker: Tracker) -> None:
    seen = {}
    for moment, args in STEPS:
        tracker.ok(*args, now=moment)
        seen[moment] = _views(tracker, moment)
    for moment, before in seen.items():
        assert _views(tracker, moment) == before, moment
    # the case: on 20 April Almaty had not done what it marked on 28 April
    april_20 = tracker.json("status", now="2017-04-20T12:00+06:00")
    assert _pct(april_20, "almaty") == _pct(seen["2017-04-20T12:00+06:00"]["status"], "almaty")
    assert _pct(april_20, "almaty") < _pct(tracker.json("status", now=STEPS[-1][0]), "almaty")
    # ... and a moment between two recordings reads like the earlier one
    between = tracker.json("status", now="2017-04-22T12:00+06:00")
    assert [(c["item"], c["unit"], c["state"], c["bodies"]) for c in between["cells"]] == [
        (c["item"], c["unit"], c["state"], c["bodies"])
        for c in seen["2017-04-20T12:00+06:00"]["status"]["cells"]]
    assert tracker.json("history", now="2017-04-22T12:00+06:00") == (
        seen["2017-04-20T12:00+06:00"]["history"])


def test_history_lists_only_events_recorded_up_to_now(tracker: Tracker) -> None:
    for moment, args in STEPS:
        tracker.ok(*args, now=moment)
    events = tracker.json("history", now="2017-12-31T00:00+06:00")
    for moment, _ in STEPS:
        bounded = tracker.json("history", now=moment)
        assert bounded == [e for e in events if e["at"] <= _utc(moment)]
        assert tracker.json("history", "--limit", "3", now=moment) == bounded[-3:]
    assert tracker.ok("history", now="2017-04-11T00:00+06:00", lang="en").stdout.strip() == (
        "no changes recorded yet")


def test_what_was_known_bounds_the_view_not_when_the_work_was_done(tracker: Tracker) -> None:
    """`mark --on` dates the work; the mark itself was recorded (known) later."""
    tracker.ok("mark", "12", "--region", "aktobe", "--on", "2017-04-13",
               now="2017-04-24T09:00+06:00")
    cell = [c for c in tracker.json("status", now="2017-04-20T12:00+06:00")["cells"]
            if (c["item"], c["unit"]) == (12, "aktobe")]
    assert [(c["state"], c["done_at"]) for c in cell] == [("pending", None)]
    cell = [c for c in tracker.json("status", now="2017-04-24T09:00+06:00")["cells"]
            if (c["item"], c["unit"]) == (12, "aktobe")]
    assert [(c["state"], c["done_at"]) for c in cell] == [("done", "2017-04-12T19:00:00Z")]


def test_digest_since_is_never_after_its_moment(tracker: Tracker) -> None:
    for moment, args in STEPS:
        tracker.ok(*args, now=moment)
    digest = tracker.json("digest", "--since", "2017-04-29T00:00+06:00",
                          now="2017-04-20T12:00+06:00")
    assert digest["since"] == digest["as_of"] == "2017-04-20T06:00:00Z"
    assert digest["changes"] == []
    digest = tracker.json("digest", "--since", "2017-04-14T00:00+06:00",
                          now="2017-04-20T12:00+06:00")
    assert {c["at"] for c in digest["changes"]} == {"2017-04-14T09:00:00Z",
                                                    "2017-04-20T06:00:00Z"}


def test_a_report_received_later_is_not_received_yet(tracker: Tracker, tmp_path: Path) -> None:
    """The arrival of a results report is dated too: report show, the digest and the final
    report at an earlier moment list it as missing."""
    tracker.ok("report", "set", "aktobe", "--meetings", "4", now="2017-04-20T10:00+06:00")
    tracker.ok("report", "submit", "aktobe", now="2017-04-24T10:00+06:00")
    seen = {moment: (tracker.json("report", "show", now=moment),
                     tracker.json("digest", now=moment)["missing_reports"])
            for moment in ("2017-04-22T10:00+06:00", "2017-04-24T10:00+06:00")}
    tracker.ok("report", "submit", "astana", now="2017-04-27T10:00+06:00")
    for moment, (show, missing) in seen.items():
        assert tracker.json("report", "show", now=moment) == show
        assert tracker.json("digest", now=moment)["missing_reports"] == missing
    early, late = seen["2017-04-22T10:00+06:00"], seen["2017-04-24T10:00+06:00"]
    assert "aktobe" in early[1] and "aktobe" not in late[1] and "astana" in late[1]
    aktobe = next(r for r in early[0]["regions"] if r["unit"] == "aktobe")
    assert (aktobe["received_at"], aktobe["meetings"]) == (None, 4)
    target = tmp_path / "report.md"
    assert "0/16 regional reports" in tracker.ok(
        "final-report", str(target), "--lang", "ru", now="2017-04-22T10:00+06:00", lang="en").stdout


def _utc(moment: str) -> str:
    from datetime import UTC, datetime

    return datetime.fromisoformat(moment).astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_reminders_due_at_an_earlier_moment_are_what_was_open_then(tracker: Tracker) -> None:
    """A drill at an earlier `--now` reminds of what was open then, not of the state after
    marks recorded later; a results report received later is still owed then."""
    from tests.conftest import REPO

    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    morning, report_day = "2017-04-18T09:30+06:00", "2017-04-25T09:30+06:00"
    before = {m: tracker.json("remind", "preview", "--json", now=m) for m in (morning, report_day)}
    tracker.ok("mark", "1-26", "--region", "almaty", now="2017-04-26T10:00+06:00")
    tracker.ok("report", "set", "almaty", "--meetings", "4", now="2017-04-26T10:00+06:00")
    tracker.ok("report", "submit", "almaty", now="2017-04-26T10:00+06:00")
    for moment, due in before.items():
        assert tracker.json("remind", "preview", "--json", now=moment) == due
    assert any(mail["unit"] == "almaty" for mail in before[morning]["send"])
    assert any(mail["unit"] == "almaty" for mail in before[report_day]["send"])
