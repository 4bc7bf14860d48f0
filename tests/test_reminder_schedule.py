"""When reminders go out: stages, working days, time zones, grouping and catch-up."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import REPO, Tracker
from tracker.mail.schedule import campaign_closes, stages_for
from tracker.plan.loader import load_plan
from tracker.plan.model import Plan


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(REPO / "plan.yaml")


def _days(plan: Plan, deadline: str) -> list[tuple[str, str]]:
    return [(s.day.isoformat(), s.name) for s in stages_for(plan, deadline)]


def test_stages_move_off_weekends_and_holidays(plan: Plan) -> None:
    # 25 April 2017 is a Tuesday: the 3-day stage (Saturday 22nd) moves back to Friday 21st;
    # overdue follow-ups skip the weekend and 1 May.
    assert _days(plan, "regional_report") == [
        ("2017-04-18", "7d_before"), ("2017-04-21", "4d_before"), ("2017-04-24", "1d_before"),
        ("2017-04-25", "0d_before"), ("2017-04-26", "overdue_1"), ("2017-04-27", "overdue_2"),
        ("2017-04-28", "overdue_3"), ("2017-05-02", "overdue_4"), ("2017-05-03", "overdue_5")]
    # 30 April is a Sunday: the 2-, 1- and 0-day stages all land on Friday 28th, as one;
    # after it, 1 May and 8-9 May are holidays.
    assert _days(plan, "final_report") == [
        ("2017-04-25", "5d_before"), ("2017-04-28", "2d_before"), ("2017-05-02", "overdue_1"),
        ("2017-05-03", "overdue_2"), ("2017-05-04", "overdue_3"), ("2017-05-05", "overdue_4"),
        ("2017-05-10", "overdue_5")]
    assert _days(plan, "window_end") == [
        ("2017-04-18", "3d_before"), ("2017-04-20", "1d_before"), ("2017-04-21", "0d_before")]
    closes = campaign_closes(plan)
    assert closes.astimezone(ZoneInfo("Asia/Almaty")).date() >= date(2017, 5, 11)


@pytest.fixture
def campaign(tracker: Tracker) -> Tracker:
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    return tracker


def test_simulate_april_reminds_every_body_at_nine_local_on_working_days(
        campaign: Tracker, plan: Plan) -> None:
    mails = campaign.json("simulate", "--from", "2017-04-01", "--to", "2017-05-31")
    keys = [(m["to"], m["deadline"], m["stage"]) for m in mails]
    assert len(keys) == len(set(keys)), "one mail per recipient and stage"
    per_day = [(m["to"], m["local"][:10]) for m in mails]
    assert len(per_day) == len(set(per_day)), "one mail per recipient and day"
    for mail in mails:
        local = datetime.fromisoformat(mail["local"])
        assert local.strftime("%H:%M") == "09:00"
        zone = plan.unit_timezone(mail["unit"])
        assert local.utcoffset() == datetime.fromisoformat(mail["send_at"].replace(
            "Z", "+00:00")).astimezone(ZoneInfo(zone)).utcoffset()
        assert plan.calendar.is_working_day(local.date()), mail
    aktobe = [m for m in mails if m["to"] == "edu@aktobe.example"]
    assert aktobe[0]["send_at"] == "2017-04-18T04:00:00Z"  # 09:00 at UTC+5 in 2017
    assert aktobe[0]["local"] == "2017-04-18T09:00+05:00"
    astana = [m for m in mails if m["to"] == "edu@astana.example"]
    assert astana[0]["send_at"] == "2017-04-18T03:00:00Z"  # 09:00 at UTC+6
    # every region's bodies hear before 25 April; the committee before 30 April
    before_report = {(m["unit"], m["body"]) for m in mails if m["local"] < "2017-04-26"}
    for region in plan.regions:
        for body in ("education", "internal_policy", "internal_affairs", "ngo"):
            assert (region.key, body) in before_report
    committee = [m for m in mails if m["body"] == "committee"]
    assert committee and committee[0]["local"] < "2017-04-30"
    assert {m["deadline"] for m in committee} == {"final_report"}
    assert committee[0]["items"] == [25, 26]


def test_done_work_is_not_reminded(campaign: Tracker) -> None:
    campaign.ok("mark", "1-26", "--region", "aktobe")
    mails = campaign.json("simulate", "--from", "2017-04-01", "--to", "2017-05-31")
    aktobe = [m for m in mails if m["unit"] == "aktobe"]
    # `mark` without --body marks every body, the NGO's part too; what remains is the
    # education department's reminder that the results report has not come in
    assert {(m["body"], tuple(m["items"])) for m in aktobe} == {("education", ())}
    campaign.ok("unmark", "8", "--region", "aktobe", "--body", "ngo")
    mails = campaign.json("simulate", "--from", "2017-04-01", "--to", "2017-05-31")
    ngo = [m for m in mails if m["to"] == "ngo@aktobe.example"]
    assert ngo and all(m["items"] == [8] for m in ngo)


def test_preview_catches_up_with_the_latest_stage_only(campaign: Tracker) -> None:
    preview = campaign.json("remind", "preview", now="2017-04-24T10:00:00+05:00")
    aktobe = [m for m in preview["send"] if m["to"] == "edu@aktobe.example"]
    assert [(m["deadline"], m["stage"], m["late"]) for m in aktobe] == [
        ("regional_report", "1d_before", False)]
    overtaken = sorted((m["deadline"], m["stage"]) for m in preview["skip"]
                       if m["to"] == "edu@aktobe.example")
    assert overtaken == [("window_end", "0d_before"), ("window_end", "1d_before"),
                         ("window_end", "3d_before")]
    late = campaign.json("remind", "preview", now="2017-04-24T13:30:00+05:00")
    assert all(m["late"] for m in late["send"] if m["to"] == "edu@aktobe.example")


def test_nothing_is_due_outside_the_campaign(campaign: Tracker) -> None:
    early = campaign.json("remind", "preview", now="2017-04-01T09:00:00+06:00")
    assert early["send"] == [] and early["skip"] == [] and not early["closed"]
    today = campaign.json("remind", "preview", now="2026-11-28T09:00:00+05:00")
    assert today["closed"] and today["send"] == []
    assert campaign.json("simulate", "--from", "2026-01-01", "--to", "2026-12-31") == []


def test_missing_results_report_keeps_reminding_the_education_department(
        campaign: Tracker) -> None:
    campaign.ok("mark", "1-25", "--region", "all")
    mails = campaign.json("simulate", "--from", "2017-04-01", "--to", "2017-05-31")
    regional = [m for m in mails if m["unit"] != "national"]
    assert {m["body"] for m in regional} == {"education"}
    # on the 20th only the window's end has a stage: nothing is owed for it, so no mail
    assert not [m for m in regional if m["local"].startswith("2017-04-20")]
    assert all(m["items"] == [] for m in regional)
    committee = [m for m in mails if m["body"] == "committee"]
    assert committee, "the committee hears that reports are missing"
    campaign.ok("report", "set", "aktobe", "--class-hours", "12")
    campaign.ok("report", "submit", "aktobe")
    mails = campaign.json("simulate", "--from", "2017-04-01", "--to", "2017-05-31")
    assert "edu@aktobe.example" not in {m["to"] for m in mails}
    assert "edu@atyrau.example" in {m["to"] for m in mails}


def test_a_tick_over_many_recipients_says_what_each_would_be_told_alone(plan: Plan) -> None:
    """A tick over many recipients, many in the same position (alike units and progress),
    gives each exactly the mails it would get alone: nothing one recipient is told leaks into
    another's mail."""
    import random

    from tests.test_views import reference_preview_json
    from tracker.mail.due import Progress, plan_tick
    from tracker.mail.recipients import Recipient
    from tracker.mail.tick import TickResult
    from tracker.progress.status import AssignmentGroup
    from tracker.views.reminders import preview_json_text

    chooser = random.Random(2017)
    required = {(n, u, b) for n, u, b in plan.assignments()
                if b in plan.required_bodies(plan.items_by_number[n], u)}
    # units fall into three classes that progress alike, so many recipients share positions
    unit_class = {unit: chooser.randrange(3) for unit in plan.unit_keys}
    class_state = {(n, b, c): chooser.choice(["done", "pending", "pending"])
                   for n, _, b in plan.assignments() for c in range(3)}
    states = {(n, u, b): class_state[n, b, unit_class[u]] for n, u, b in plan.assignments()}
    done_at = datetime(2017, 4, 15, 10, tzinfo=ZoneInfo("Asia/Almaty"))
    groups = [AssignmentGroup(n, b, (n, u, b) in required, state,
                              done_at if state == "done" else None, [u])
              for (n, u, b), state in states.items()]
    pairs = sorted({(u, b) for _, u, b in plan.assignments()})
    recipients = []
    for number in range(60):  # some answer for one pair, some for several; many alike
        mine = tuple(chooser.sample(pairs, chooser.choice([1, 1, 1, 2, 3])))
        recipients.append(Recipient(f"r{number}@example.kz", f"R{number}", "kk",
                                    plan.unit_timezone(mine[0][0]), mine))
    recipients += [Recipient(f"twin{n}@example.kz", "T", "ru", r.timezone, r.pairs)
                   for n, r in enumerate(recipients[:20])]
    reporter = plan.reminders.report_body  # one per region: many owe a missing report alike
    recipients += [Recipient(f"{r.key}@example.kz", r.key, "kk", r.timezone,
                             ((r.key, reporter),)) for r in plan.regions]
    missing = [r.key for r in plan.regions if unit_class[r.key] == 0]
    progress = Progress(groups, missing_reports=missing)
    twins_told = 0
    assert len({(r.timezone, tuple((unit_class[u], b) for u, b in r.pairs))
                for r in recipients}) < len(recipients) - 30
    for moment in ("2017-04-12T10:00+06:00", "2017-04-21T18:00+06:00",
                   "2017-04-26T11:00+06:00", "2017-04-29T12:00+06:00"):
        now = datetime.fromisoformat(moment)
        together = plan_tick(plan, recipients, progress, now, recorded=set())
        twins_told += sum(m.recipient.email.startswith("twin") for m in together.send)
        tick = TickResult(together.send, together.skip)  # printed in pieces, as in one go
        assert "".join(preview_json_text(tick, 3)) == json.dumps(
            reference_preview_json(tick, 3), ensure_ascii=False, separators=(",", ":"))
        for recipient in recipients:
            alone = plan_tick(plan, [recipient], progress, now, recorded=set())
            assert [m for m in together.send if m.recipient is recipient] == alone.send
            assert [m for m in together.skip if m.recipient is recipient] == alone.skip
        reported_missing = {m.report_missing for m in together.send if m.report_missing}
        assert reported_missing <= set(missing)
    assert twins_told > 20


def test_items_by_unit_lists_each_units_items_in_order_sharing_alike_tuples() -> None:
    """The per-class computation of `items_by_unit` against its definition, unit by unit."""
    import random

    from tracker.mail.due import items_by_unit

    chooser = random.Random(25)
    for _ in range(500):
        units = [f"school_{n}" for n in range(chooser.randint(1, 15))]
        units_of = {item: set(chooser.sample(units, chooser.randint(0, len(units))))
                    for item in chooser.sample(range(1, 27), chooser.randint(1, 10))}
        found = items_by_unit(units_of)
        expected = {unit: tuple(item for item in sorted(units_of) if unit in units_of[item])
                    for unit in units}
        assert found == {unit: items for unit, items in expected.items() if items}
        by_items = {}
        for items in found.values():
            assert by_items.setdefault(items, items) is items  # equal tuples are one object
