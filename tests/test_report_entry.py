"""Entering, receiving and showing the regions' results reports, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Tracker, dump_database

COUNTS = ("school_assemblies", "class_hours", "contests", "meetings", "debates",
          "parent_meetings", "children_reached")


def _region(show: dict[str, Any], unit: str) -> dict[str, Any]:
    return next(r for r in show["regions"] if r["unit"] == unit)


def test_fresh_show_lists_every_region_with_zeros(tracker: Tracker) -> None:
    show = tracker.json("report", "show")
    assert [r["unit"] for r in show["regions"]] == [
        "akmola", "aktobe", "almaty_region", "atyrau", "east_kazakhstan", "zhambyl",
        "west_kazakhstan", "karaganda", "kostanay", "kyzylorda", "mangystau", "pavlodar",
        "north_kazakhstan", "south_kazakhstan", "astana", "almaty"]
    assert show["regions"][0] == {
        "unit": "akmola", "received_at": None, "late": False, "school_assemblies": 0,
        "class_hours": 0, "contests": 0, "meetings": 0, "debates": 0, "parent_meetings": 0,
        "children_reached": 0, "media_coverage": [], "other": "", "received_by": None,
        "received_via": None}
    assert show["totals"] == {**dict.fromkeys(COUNTS, 0), "media_coverage": 0}


def test_set_then_show_round_trip_and_totals(tracker: Tracker) -> None:
    tracker.ok("report", "set", "aktobe", "--school-assemblies", "310", "--class-hours", "1250",
               "--contests", "40", "--meetings", "87", "--debates", "12",
               "--parent-meetings", "96", "--children-reached", "54000",
               "--other", "Круглый стол, 18.04")
    tracker.ok("report", "set", "Акмолинская область", "--class-hours", "100")
    tracker.ok("report", "set", "Астана қаласы", "--children-reached", "1000")
    # a later set changes only what it names
    tracker.ok("report", "set", "aktobe", "--meetings", "90")
    show = tracker.json("report", "show")
    assert _region(show, "aktobe") == {
        "unit": "aktobe", "received_at": None, "late": False, "school_assemblies": 310,
        "class_hours": 1250, "contests": 40, "meetings": 90, "debates": 12,
        "parent_meetings": 96, "children_reached": 54000, "media_coverage": [],
        "other": "Круглый стол, 18.04", "received_by": None, "received_via": None}
    assert _region(show, "akmola")["class_hours"] == 100
    assert _region(show, "astana")["children_reached"] == 1000
    assert show["totals"] == {"school_assemblies": 310, "class_hours": 1350, "contests": 40,
                              "meetings": 90, "debates": 12, "parent_meetings": 96,
                              "children_reached": 55000, "media_coverage": 0}
    tracker.ok("report", "set", "aktobe", "--other", "")
    assert _region(tracker.json("report", "show"), "aktobe")["other"] == ""


def test_media_add_list_remove(tracker: Tracker) -> None:
    first = tracker.ok("report", "media", "add", "aktobe", "--outlet", "Ақтөбе, газет",
                       "--date", "2017-04-12", "--url", "https://aktobe.kz/a?id=1", lang="en")
    tracker.ok("report", "media", "add", "aktobe", "--outlet", "Хабар", "--date", "2017-04-11")
    tracker.ok("report", "media", "add", "almaty", "--outlet", "Алматы ТВ",
               "--date", "2017-04-13")
    listing = tracker.json("report", "media", "list")
    assert [(m["unit"], m["outlet"], m["date"], m["url"]) for m in listing] == [
        ("aktobe", "Хабар", "2017-04-11", None),
        ("aktobe", "Ақтөбе, газет", "2017-04-12", "https://aktobe.kz/a?id=1"),
        ("almaty", "Алматы ТВ", "2017-04-13", None)]
    assert f"entry {listing[1]['id']}" in first.stdout
    assert [m["outlet"] for m in tracker.json("report", "media", "list", "almaty")] == [
        "Алматы ТВ"]
    show = tracker.json("report", "show")
    assert _region(show, "aktobe")["media_coverage"] == [
        {"outlet": "Хабар", "date": "2017-04-11", "url": None},
        {"outlet": "Ақтөбе, газет", "date": "2017-04-12", "url": "https://aktobe.kz/a?id=1"}]
    assert show["totals"]["media_coverage"] == 3
    tracker.ok("report", "media", "remove", str(listing[0]["id"]))
    remaining = tracker.json("report", "media", "list")
    assert [m["id"] for m in remaining] == [listing[1]["id"], listing[2]["id"]]
    assert "Алматы ТВ" in tracker.ok("report", "media", "list").stdout
    assert tracker.json("report", "show")["totals"]["media_coverage"] == 2


def test_submit_late_flag_follows_the_regions_own_zone(tracker: Tracker) -> None:
    # Aktobe was UTC+5 in 2017: 23:30 on the 25th by its clock is on time
    on_time = tracker.ok("report", "submit", "aktobe", now="2017-04-25T23:30+05:00", lang="en")
    assert "on time" in on_time.stdout
    # Astana (UTC+6) half an hour into the 26th is late
    late = tracker.ok("report", "submit", "astana", now="2017-04-26T00:30+06:00", lang="en")
    assert "late" in late.stdout
    # 23:30 at UTC+6 is 22:30 in Atyrau (UTC+5): on time
    tracker.ok("report", "submit", "atyrau", now="2017-04-25T23:30+06:00")
    # 23:30 at UTC+5 is 00:30 on the 26th in Almaty (UTC+6): late
    tracker.ok("report", "submit", "almaty", now="2017-04-25T23:30+05:00")
    show = tracker.json("report", "show", now="2017-04-26T00:30+06:00")
    assert {r["unit"]: (r["received_at"], r["late"]) for r in show["regions"]
            if r["received_at"]} == {
        "aktobe": ("2017-04-25T18:30:00Z", False),
        "atyrau": ("2017-04-25T17:30:00Z", False),
        "astana": ("2017-04-25T18:30:00Z", True),
        "almaty": ("2017-04-25T18:30:00Z", True)}


def test_resubmit_keeps_the_first_time_unless_again(tracker: Tracker) -> None:
    tracker.ok("report", "submit", "astana", now="2017-04-24T12:00+06:00")
    again = tracker.ok("report", "submit", "astana", now="2017-04-27T12:00+06:00", lang="en")
    assert "already received" in again.stdout
    region = _region(tracker.json("report", "show", now="2017-04-27T12:00+06:00"), "astana")
    assert (region["received_at"], region["late"]) == ("2017-04-24T06:00:00Z", False)
    tracker.ok("report", "submit", "astana", "--again", now="2017-04-27T12:00+06:00")
    region = _region(tracker.json("report", "show", now="2017-04-27T12:00+06:00"), "astana")
    assert (region["received_at"], region["late"]) == ("2017-04-27T06:00:00Z", True)


def test_missing_reports_lists_exactly_the_regions_not_received(tracker: Tracker) -> None:
    from tracker.reports.store import load_reports, missing_reports, totals
    from tracker.store.database import Database, resolve_url

    tracker.ok("report", "set", "kostanay", "--meetings", "4")  # entered, not received
    for unit in ("aktobe", "astana", "almaty"):
        tracker.ok("report", "submit", unit)
    db = Database(resolve_url(tracker.url))
    try:
        plan = db.plan()
        with db.reading() as session:
            missing = missing_reports(session, plan)
            results = load_reports(session, plan)
    finally:
        db.dispose()
    assert missing == [r.key for r in plan.regions
                       if r.key not in ("aktobe", "astana", "almaty")]
    assert "kostanay" in missing and len(missing) == 13
    summary = totals(results)
    assert (summary.count("meetings"), summary.received, summary.missing) == (
        4, 3, tuple(missing))


def test_show_text_in_kazakh_and_russian(tracker: Tracker) -> None:
    tracker.ok("report", "set", "aktobe", "--class-hours", "1250")
    tracker.ok("report", "submit", "aktobe", now="2017-04-25T23:30+05:00")
    tracker.ok("report", "submit", "astana", now="2017-04-26T00:30+06:00")
    kk = tracker.ok("report", "show", now="2017-04-26T00:30+06:00").stdout
    assert "Ақтөбе облысы" in kk and "Барлығы" in kk and "1250" in kk
    assert "2017-04-25 23:30 (+05)" in kk
    assert "Есеп келмеген (14)" in kk and "Кешіктірілген (1): Астана қаласы" in kk
    ru = tracker.ok("report", "show", lang="ru", now="2017-04-26T00:30+06:00").stdout
    assert "Актюбинская область" in ru and "Итого" in ru
    assert "С опозданием (1): город Астана" in ru


BAD_INPUTS = [
    (["report", "set", "narnia", "--meetings", "1"], "unknown region 'narnia'"),
    (["report", "set", "aktobe", "--meetings", "-1"], "-1 is not in the range"),
    (["report", "set", "aktobe", "--meetings", "abc"], "'abc' is not a valid integer"),
    (["report", "set", "aktobe"], "nothing to set"),
    (["report", "submit", "narnia"], "unknown region 'narnia'"),
    (["report", "media", "add", "narnia", "--outlet", "X", "--date", "2017-04-12"],
     "unknown region 'narnia'"),
    (["report", "media", "add", "aktobe", "--outlet", "X", "--date", "12 April"],
     "'12 April' is not a date"),
    (["report", "media", "add", "aktobe", "--outlet", "X", "--date", "2017-02-30"],
     "'2017-02-30' is not a valid date"),
    (["report", "media", "add", "aktobe", "--outlet", "X", "--date", "2017-04-12",
      "--url", "ftp://x.kz/a"], "'ftp://x.kz/a' is not an http(s) URL"),
    (["report", "media", "add", "aktobe", "--outlet", " ", "--date", "2017-04-12"],
     "outlet's name is empty"),
    (["report", "media", "remove", "999"], "no media entry with id 999"),
    (["report", "media", "list", "narnia"], "unknown region 'narnia'"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS,
                         ids=[" ".join(a[1:3]) + f"-{n}" for n, (a, _) in enumerate(BAD_INPUTS)])
def test_bad_input_exit_2_one_line_database_unchanged(tracker: Tracker, args: list[str],
                                                      message: str) -> None:
    tracker.ok("report", "set", "aktobe", "--meetings", "5")
    tracker.ok("report", "media", "add", "aktobe", "--outlet", "Хабар", "--date", "2017-04-12")
    before = dump_database(tracker.url)
    result = tracker(*args, lang="en")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert dump_database(tracker.url) == before
