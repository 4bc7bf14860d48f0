"""The deadline roles are data: a plan that renames every milestone, adds an interim deadline
and gives the results report and the committee's escalation deadlines of their own works with
no code change, and the 2017 plan keeps what the code meant before the roles were declared."""

from __future__ import annotations

import email.header
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, Tracker, tracker_with_plan
from tests.smtp_server import SmtpTestServer
from tracker.plan.loader import load_plan, plan_from_text
from tracker.plan.model import NATIONAL, Plan

PLAN = (REPO / "plan.yaml").read_text(encoding="utf-8")
RENAMED = {"window_start": "opening", "window_end": "closing", "regional_report": "regions_report",
           "final_report": "minister_report"}
INTERIM_ITEMS = (4, 25)
"""Item 4: the internal policy departments; item 25: the committee and the education
departments (a national and a regional cell)."""
INTERIM_DAYS = ["2017-04-17", "2017-04-18", "2017-04-19", "2017-04-20", "2017-04-21",
                "2017-04-24", "2017-04-25"]
INTERIM_STAGES = ["1d_before", "0d_before", *(f"overdue_{n}" for n in range(1, 6))]


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def interim_plan_text() -> str:
    """plan.yaml with every milestone renamed; an interim report on 18 April that items 4 and 25
    are due by, reminded of the day before and on the day, with follow-ups; the results report
    due on 27 April of its own; the escalation at the regions' deadline; follow-ups after the
    interim and the national deadline only."""
    text = PLAN
    for old, new in RENAMED.items():
        text = re.sub(rf"\b{old}\b", new, text)
    text = _edit(text, "  minister_report:\n    date: 2017-04-30\n", """\
  interim_report:
    date: 2017-04-18
    name: {kk: "Аралық есеп", ru: "Промежуточный отчёт", en: "Interim report"}
  results_form:
    date: 2017-04-27
    name: {kk: "Қорытынды нысаны", ru: "Форма итогов", en: "Results form"}
  minister_report:
    date: 2017-04-30
""")
    text = _edit(text, "  results_report: regions_report ", "  results_report: results_form ")
    text = _edit(text, "  escalation: minister_report ", "  escalation: regions_report ")
    text = _edit(text, "  stages:\n",
                 "  stages:\n    interim_report: [1, 0]\n    results_form: [1, 0]\n")
    text = _edit(text, "overdue_after: [regions_report, minister_report]",
                 "overdue_after: [interim_report, minister_report]")
    for number in INTERIM_ITEMS:
        start = text.index(f"  - number: {number}\n")
        end = text.index("  - number: ", start + 1)
        text = text[:start] + _edit(text[start:end], "due: ongoing", "due: interim_report") \
            + text[end:]
    for old in RENAMED:
        assert not re.search(rf"\b{old}\b", text), old
    return text


@pytest.fixture
def interim(db_url: str, tmp_path: Path) -> Tracker:
    """The interim plan loaded, with the example contacts, on each backend."""
    t = tracker_with_plan(db_url, tmp_path / "interim.yaml", interim_plan_text())
    t.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    return t


def _env(server: SmtpTestServer) -> dict[str, str]:
    return {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(server.port),
            "TRACKER_SMTP_SECURITY": "none", "TRACKER_MAIL_FROM": "Комитет <bkk@edu.example>",
            "TRACKER_SMTP_TIMEOUT": "2"}


def _text_of(server: SmtpTestServer, to: str) -> tuple[str, str]:
    """The one message `to` received: its outbox key header and its plain text."""
    mails = [m for m in server.messages if m.rcpt_tos == (to,)]
    assert len(mails) == 1, (to, len(mails))
    parsed = mails[0].parsed()
    key = str(email.header.make_header(email.header.decode_header(parsed["X-Tracker-Key"])))
    return " ".join(key.split()), parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_the_interim_plan_loads_with_its_roles() -> None:
    plan = plan_from_text(interim_plan_text())
    roles = plan.deadlines
    assert (roles.window.start, roles.window.end) == ("opening", "closing")
    assert (roles.regional_work, roles.national_work) == ("regions_report", "minister_report")
    assert (roles.results_report, roles.escalation) == ("results_form", "regions_report")
    item4, item25 = (plan.items_by_number[n] for n in INTERIM_ITEMS)
    assert plan.cell_deadline(item4, "aktobe") == "interim_report"
    assert plan.cell_deadline(item25, NATIONAL) == plan.cell_deadline(item25, "aktobe") \
        == "interim_report"
    assert plan.last_deadline == date(2017, 4, 30)


def test_items_and_status_follow_the_declared_deadlines(interim: Tracker) -> None:
    items = {i["number"]: i["due"] for i in interim.json("items")}
    assert items[4] == items[25] == {"kind": "date", "date": "2017-04-18"}
    assert items[5] == {"kind": "window", "start": "2017-04-10", "end": "2017-04-21"}
    assert items[26] == {"kind": "date", "date": "2017-04-30"}
    interim.ok("mark", "4", "--region", "aktobe", now="2017-04-18T10:00+05:00")
    cells = interim.json("status", now="2017-04-19T12:00+06:00")["cells"]
    assert {c["state"] for c in cells if c["item"] == 4 and c["unit"] == "aktobe"} == {"done"}
    plan = load_plan(REPO / "plan.yaml")
    assert len(cells) == sum(len(plan.units_of(i)) for i in plan.items)  # one per (item, unit)


def test_simulate_reminds_of_the_interim_deadline_at_its_stages(interim: Tracker) -> None:
    mails = interim.json("simulate", "--from", "2017-04-01", "--to", "2017-05-31")
    by_to: dict[str, list[dict[str, Any]]] = {}
    for mail in mails:
        by_to.setdefault(mail["to"], []).append(mail)
    told = {to for to, theirs in by_to.items()
            if any(m["deadline"] == "interim_report" for m in theirs)}
    regions = {r.key.replace("_", "-") for r in load_plan(REPO / "plan.yaml").regions}
    assert told == ({f"edu@{r}.example" for r in regions} | {f"policy@{r}.example" for r in regions}
                    | {"bkk@edu.example"})
    for to in told:
        interim_mails = [m for m in by_to[to] if m["deadline"] == "interim_report"]
        assert [m["stage"] for m in interim_mails] == INTERIM_STAGES, to
        assert [m["local"][:10] for m in interim_mails] == INTERIM_DAYS, to
        assert {m["local"][11:16] for m in interim_mails} == {"09:00"}
        first = interim_mails[0]["items"]  # the day before: the interim alone is on that day
        assert first == ([4] if to.startswith("policy@") else [25]), to
    # the others are reminded of the window's end and the regions' deadline, with no
    # follow-ups after the latter (overdue_after no longer lists it)
    for to in (t for t in by_to if t.startswith(("ngo@", "police@"))):
        assert {m["deadline"] for m in by_to[to]} == {"closing", "regions_report"}, to
        assert not any(m["stage"].startswith("overdue") for m in by_to[to]), to
    # the results report has a deadline of its own: its reporters hear of it on its days
    results = [m for m in mails if m["deadline"] == "results_form"]
    assert {m["to"] for m in results} == {f"edu@{r}.example" for r in regions}
    assert {(m["local"][:10], m["stage"]) for m in results} == {
        ("2017-04-26", "1d_before"), ("2017-04-27", "0d_before")}
    assert {tuple(m["items"]) for m in results} == {()}
    # the national bodies' follow-ups run until after the national deadline (30 April)
    assert max(m["local"][:10] for m in by_to["parents@association.example"]) == "2017-05-10"


def test_done_interim_work_is_no_longer_reminded(interim: Tracker) -> None:
    interim.ok("mark", "4", "--region", "all", now="2017-04-17T12:00+06:00")
    mails = interim.json("simulate", "--from", "2017-04-17T12:00+06:00", "--to", "2017-04-26")
    policy = [m for m in mails if m["to"] == "policy@akmola.example"]
    assert policy and not any(4 in m["items"] for m in policy)
    # 19 April has the interim's follow-up alone: with item 4 done there is nothing to say
    days = {m["local"][:10] for m in policy}
    assert "2017-04-19" not in days and {"2017-04-18", "2017-04-20"} <= days


def test_preview_and_send_speak_of_the_interim_deadline(interim: Tracker) -> None:
    preview = interim.json("remind", "preview", now="2017-04-17T09:30+06:00")
    sent_to = {m["to"]: m for m in preview["send"]}
    assert sent_to["policy@astana.example"]["deadline"] == "interim_report"
    assert sent_to["policy@astana.example"]["stage"] == "1d_before"
    assert sent_to["policy@astana.example"]["items"] == [4]
    assert "policy@aktobe.example" not in sent_to  # 08:30 in Aktobe
    assert "ngo@astana.example" not in sent_to  # no deadline of theirs is near
    with SmtpTestServer() as server:
        result = interim("remind", "send", "--json", now="2017-04-18T10:30+06:00",
                         env=_env(server))
        assert result.exit_code == 0, result.output
        key, text = _text_of(server, "policy@akmola.example")
        assert key == "safe_internet_2017 interim_report 0d_before policy@akmola.example"
        assert "Аралық есеп" in text and "Промежуточный отчёт" in text  # the headline
        due: dict[int, str] = {}  # item -> the heading of its deadline, Kazakh first
        heading = ""
        for line in text.splitlines():
            if line.startswith("Мерзімі "):
                heading = line
            elif re.match(r"\s+\d+\. ", line):
                due.setdefault(int(line.split(".")[0]), heading)
        assert due[4].startswith("Мерзімі 18 сәуір") and "Аралық есеп" in due[4]  # its own
        assert due[5].startswith("Мерзімі 21 сәуір")  # a window item
        assert due[22].startswith("Мерзімі 25 сәуір")  # the regions' other work
        key, _ = _text_of(server, "ngo@akmola.example")
        assert key == "safe_internet_2017 closing 3d_before ngo@akmola.example"


def test_the_escalation_follows_its_role(interim: Tracker) -> None:
    """The committee hears which regions are behind at the regions' deadline (declared so),
    and not at the national one."""
    behind = "Іс-шаралары әлі орындалмаған өңірлер"
    with SmtpTestServer() as server:
        assert interim("remind", "send", now="2017-04-24T10:30+06:00",
                       env=_env(server)).exit_code == 0
        key, text = _text_of(server, "bkk@edu.example")
        assert key.startswith("safe_internet_2017 interim_report overdue_4 ")
        assert behind in text
        # the missing results reports, with the form's own due day (27 April here, not 25)
        assert "Қорытынды есебін (27 сәуір) әлі жібермеген өңірлер" in text
        assert "Регионы, не представившие отчёт об итогах (27 апреля)" in text
        assert "25 сәуір" not in text and "25 апреля" not in text
        server.clear()
        assert interim("remind", "send", now="2017-04-28T10:30+06:00",
                       env=_env(server)).exit_code == 0
        key, text = _text_of(server, "bkk@edu.example")
        assert key.startswith("safe_internet_2017 minister_report 2d_before ")
        assert behind not in text and "26." in text


def test_the_digest_judges_overdue_by_each_cells_deadline(interim: Tracker) -> None:
    interim.ok("mark", "4", "--region", "aktobe", now="2017-04-18T10:00+05:00")
    digest = interim.json("digest", now="2017-04-19T12:00+06:00")
    overdue = {(o["item"], o["unit"]) for o in digest["overdue"]}
    regions = [r.key for r in load_plan(REPO / "plan.yaml").regions]
    assert overdue == ({(4, r) for r in regions if r != "aktobe"} | {(25, r) for r in regions}
                       | {(25, NATIONAL)})
    # before the end of 18 April in Aktobe (UTC+5) its cells are not overdue yet
    early = interim.json("digest", now="2017-04-19T00:30+06:00")
    assert not any(o["unit"] == "aktobe" for o in early["overdue"])
    assert any((o["item"], o["unit"]) == (25, "astana") for o in early["overdue"])
    with SmtpTestServer() as server:
        result = interim("digest", "--send", now="2017-04-19T18:30+06:00", env=_env(server))
        assert result.exit_code == 0, result.output
        assert len(server.messages) == 2  # the managers


def test_the_results_report_follows_its_own_deadline(interim: Tracker, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    interim.ok("report", "set", "aktobe", "--class-hours", "12")
    submitted = interim.ok("report", "submit", "aktobe", now="2017-04-26T23:30+05:00",
                          lang="en").stdout
    assert "on time" in submitted  # due on 27 April here, not 25
    late = interim.ok("report", "submit", "almaty", now="2017-04-28T00:30+06:00",
                     lang="en").stdout
    assert "late (due by the end of 2017-04-27 there)" in late
    preview = interim.json("remind", "preview", now="2017-04-27T10:30+06:00")
    told = {m["to"]: m for m in preview["send"]}
    assert told["edu@akmola.example"]["deadline"] == "results_form"
    assert "edu@aktobe.example" not in told
    # Almaty's report came in only on the 28th: on the 27th it was still owed
    assert told["edu@almaty.example"]["deadline"] == "results_form"
    with SmtpTestServer() as server:
        assert interim("remind", "send", now="2017-04-27T10:30+06:00",
                       env=_env(server)).exit_code == 0
        _, text = _text_of(server, "edu@akmola.example")
        assert "; 27 сәуірге дейін) әлі келіп түскен жоқ" in text
        assert "; до 27 апреля) ещё не поступил" in text
    file = tmp_path / "itogi.xlsx"
    interim.ok("report", "export", str(file), now="2017-04-28T12:00+06:00")
    sheet = load_workbook(file).active
    assert sheet is not None and sheet.cell(row=1, column=1).value == "Отчет до 27 апреля 2017 г"
    report = tmp_path / "final.md"
    interim.ok("final-report", str(report), "--lang", "ru", now="2017-04-29T12:00+06:00")
    text = report.read_text(encoding="utf-8")
    assert "срок представления — 27 апреля 2017 года" in text
    assert "с 10 по 21 апреля 2017 года" in text


# The 2017 plan: what the code meant before the roles were data, as reference rules.

def _reference_cell_deadline(plan: Plan, number: int, unit: str) -> str:
    if unit == NATIONAL:
        return "final_report"
    return "window_end" if plan.items_by_number[number].due.kind == "window" else "regional_report"


def test_2017_cells_are_due_by_what_they_were_due_by() -> None:
    plan = load_plan(REPO / "plan.yaml")
    for number, unit, _ in plan.assignments():
        assert plan.cell_deadline(plan.items_by_number[number], unit) == \
            _reference_cell_deadline(plan, number, unit), (number, unit)


def test_2017_reminders_list_what_they_listed() -> None:
    """Per deadline and level, the items a reminder lists; per body, its deadlines."""
    plan = load_plan(REPO / "plan.yaml")
    window = {i.number for i in plan.items if i.due.kind == "window"}
    for unit in ("aktobe", NATIONAL):
        cells = {n for n, u, _ in plan.assignments() if u == unit}
        national = unit == NATIONAL
        reference = {"window_end": set() if national else window & cells,
                     "regional_report": set() if national else cells,
                     "final_report": cells if national else set()}
        for deadline, items in reference.items():
            assert plan.reminded_at(deadline, unit) & cells == items, (deadline, unit)
        for body in {b for n, u, b in plan.assignments() if u == unit}:
            expected = ({"final_report"} if national else
                        {"regional_report"} | ({"window_end"} if any(
                            body in plan.items_by_number[n].responsible for n in window)
                            else set()))
            assert plan.deadlines_of(unit, body) == expected, (unit, body)


def test_a_plan_stored_before_the_roles_reads_as_2017(tracker: Tracker) -> None:
    """A database written by an older tracker holds a plan without `deadlines` and without
    `escalation_body`: it keeps working, with the meaning the code had then."""
    from sqlalchemy import create_engine, text

    from tracker.plan.codec import plan_from_dict, plan_to_dict

    plan = load_plan(REPO / "plan.yaml")
    old = plan_to_dict(plan)
    del old["deadlines"], old["reminders"]["escalation_body"]
    assert plan_from_dict(old) == plan
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    before = tracker.json("simulate", "--from", "2017-04-01", "--to", "2017-05-31")
    engine = create_engine(tracker.url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE campaign SET plan_json = :j"),
                         {"j": json.dumps(old, ensure_ascii=False, sort_keys=True)})
    finally:
        engine.dispose()
    assert tracker.json("simulate", "--from", "2017-04-01", "--to", "2017-05-31") == before
