"""Calendar feeds on a real server, parsed back with icalendar: one event per deadline an
agency owes work by, alarms at the reminder stages at 09:00 in the agency's own zone, UIDs that
stay put, and a feed that changes when work is reported.  `tracker calendar export` writes the
same feed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.webserver import Served, start_server, stop_server
from tracker.mail.schedule import stages_for
from tracker.plan.loader import load_plan
from tracker.resources import bundled

AKTOBE = "edu@aktobe.example"
AKMOLA = "edu@akmola.example"
CHAIR = "chair@bkk.edu.example"


def _feed(served: Served, email: str, query: str = "") -> tuple[bytes, Calendar]:
    with served.client() as http:
        answer = http.get(f"/r/{served.token(email)}/calendar.ics{query}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "set-cookie" not in answer.headers
    return answer.content, Calendar.from_ical(answer.content)


def _events(calendar: Calendar) -> dict[str, Any]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def _by_day(calendar: Calendar) -> dict[str, Any]:
    return {e.decoded("dtstart").date().isoformat(): e for e in calendar.walk("VEVENT")}


def _plan() -> Any:
    return load_plan(bundled("plan.yaml"))


def test_an_agencys_deadlines_with_alarms_at_the_stages_in_its_own_zone(served: Served) -> None:
    plan = _plan()
    raw, aktobe = _feed(served, AKTOBE)
    _, akmola = _feed(served, AKMOLA)
    for calendar, zone, offset in ((aktobe, "Asia/Aqtobe", 5), (akmola, "Asia/Almaty", 6)):
        days = _by_day(calendar)
        # the window's end and the regions' report: the two deadlines a region's agency owes by
        assert sorted(days) == ["2017-04-21", "2017-04-25"]
        assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == [zone]
        for key, day in (("window_end", "2017-04-21"), ("regional_report", "2017-04-25")):
            event = days[day]
            start = event.decoded("dtstart")
            assert str(start.tzinfo) == zone and start.time() == time(0)
            assert event.decoded("dtend") - start == timedelta(days=1)
            assert event["transp"] == "TRANSPARENT"
            rings = sorted(start + alarm.decoded("trigger") for alarm in event.walk("VALARM"))
            stages = [s for s in stages_for(plan, key) if not s.overdue]
            assert rings == [datetime.combine(s.day, time(9), ZoneInfo(zone)) for s in stages]
            # 09:00 there: 04:00 UTC in Aktobe (UTC+5), 03:00 UTC in Almaty (UTC+6 in 2017)
            assert {r.astimezone(UTC).hour for r in rings} == {9 - offset}
    window_end = _by_day(aktobe)["2017-04-21"]
    # the recipient reads both languages: Kazakh first, then Russian
    assert str(window_end["summary"]) == ("Ақпараттық кампанияның аяқталуы: 13 орындалмаған / "
                                          "Окончание информационной кампании: не выполнено — 13")
    description = str(window_end["description"])
    assert "№5 — " in description and "Не выполнено:" in description
    report = str(_by_day(aktobe)["2017-04-25"]["description"])
    assert "Ақтөбе облысы: нәтижелер нысаны әлі жіберілмеген" in report
    # stable: the same bytes on the next read, and UIDs that hold neither token nor address
    again, _ = _feed(served, AKTOBE)
    assert again == raw
    for uid in _events(aktobe):
        assert served.token(AKTOBE) not in uid and "aktobe" not in uid
    assert not set(_events(aktobe)) & set(_events(akmola))
    _, russian = _feed(served, AKTOBE, "?lang=ru")
    assert set(_events(russian)) == set(_events(aktobe))
    assert str(_by_day(russian)["2017-04-21"]["summary"]).startswith("Окончание")


def _mark(served: Served, items: str, at: str) -> None:
    served.tracker.ok("mark", items, "--region", "aktobe", "--body", "education", lang="en",
                      now=f"2017-04-14T{at}:00+06:00")


def test_reported_work_changes_the_event_and_all_done_says_so(served: Served,
                                                               tmp_path: Path) -> None:
    # a server whose day has gone on past the marks below (the fixture's starts at init's moment)
    evening = start_server(served.tracker, tmp_path, now="2017-04-14T18:00:00+06:00")
    try:
        _changes(evening)
    finally:
        stop_server(evening.process)


def _changes(served: Served) -> None:
    _, before = _feed(served, AKTOBE)
    old = _by_day(before)["2017-04-21"]
    _mark(served, "5", "11:00")
    _, after = _feed(served, AKTOBE)
    new = _by_day(after)["2017-04-21"]
    assert new["uid"] == old["uid"]
    assert new["sequence"] > old["sequence"]
    assert new.decoded("last-modified") == datetime(2017, 4, 14, 5, tzinfo=UTC)
    assert old.decoded("last-modified") < new.decoded("last-modified")
    assert ": 12 орындалмаған" in str(new["summary"])
    assert "№5 — " not in str(new["description"])
    assert "Орындалды: №5" in str(new["description"])
    # item 1 is due by the report only: the window's event stays as it was
    _mark(served, "1", "12:00")
    _, later = _feed(served, AKTOBE)
    assert _by_day(later)["2017-04-21"] == new
    assert _by_day(later)["2017-04-25"]["sequence"] > _by_day(after)["2017-04-25"]["sequence"]

    _mark(served, "5-11,13,14,17-19,24", "13:00")
    _, done = _feed(served, AKTOBE)
    finished = _by_day(done)["2017-04-21"]
    assert str(finished["summary"]).startswith("Ақпараттық кампанияның аяқталуы: бәрі орындалды ✓")
    assert finished.walk("VALARM") == []  # nothing left to be reminded of
    assert finished["uid"] == old["uid"]

    # the results form received: the report's event no longer asks for it
    report_before = _by_day(done)["2017-04-25"]
    served.tracker.ok("report", "submit", "aktobe", lang="en", now="2017-04-14T14:00:00+06:00")
    _, received = _feed(served, AKTOBE)
    report = _by_day(received)["2017-04-25"]
    assert "нәтижелер нысаны" not in str(report["description"])
    assert report["sequence"] == report_before["sequence"] + 1
    assert report.decoded("last-modified") == datetime(2017, 4, 14, 8, tzinfo=UTC)


def test_a_manager_gets_the_campaigns_milestones(served: Served) -> None:
    plan = _plan()
    _, calendar = _feed(served, CHAIR)
    days = sorted(e.decoded("dtstart").date() for e in calendar.walk("VEVENT"))
    assert days == sorted(m.date for m in plan.milestones.values())
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Almaty"]
    final = _by_day(calendar)["2017-04-30"]
    assert "Орындалмаған:" in str(final["description"])
    assert final.walk("VALARM") == []


def test_the_export_writes_the_same_feed(served: Served, tmp_path: Path) -> None:
    raw, _ = _feed(served, AKTOBE)
    target = tmp_path / "aktobe.ics"
    out = served.tracker.ok("calendar", "export", "--to", AKTOBE.upper(), str(target),
                            lang="en").output
    assert out.strip() == f"{target}: {AKTOBE}'s calendar, 2 event(s)"
    assert target.read_bytes() == raw
    assert Calendar.from_ical(target.read_bytes()).walk("VEVENT")


def test_an_unknown_address_or_a_bad_token_gets_no_feed(served: Served, tmp_path: Path) -> None:
    target = tmp_path / "nobody.ics"
    refused = served.tracker("calendar", "export", "--to", "nobody@example.org", str(target),
                             lang="en")
    assert refused.exit_code != 0
    assert refused.output.strip() == "error: nobody@example.org is not in the contacts"
    assert not target.exists()
    token = served.token(AKTOBE)
    with served.client() as http:
        answer = http.get(f"/r/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/calendar.ics")
    assert answer.status_code == 404 and answer.text == "404"
