"""The plan as JSON, stored in the database so that reading commands need no YAML.

`plan_to_dict` and `plan_from_dict` are exact inverses (a test round-trips the bundled plan).
"""

from __future__ import annotations

from datetime import date, time
from typing import Any, Literal, cast

from tracker.plan.model import (
    Approval,
    Body,
    Calendar,
    ColumnKind,
    DeadlineRoles,
    DigestPolicy,
    Due,
    FormColumn,
    Holiday,
    Item,
    Milestone,
    Plan,
    Region,
    ReminderPolicy,
    ResultsForm,
    Section,
    Text,
    Window,
)

FORMAT_VERSION = 1


def _text(t: Text) -> dict[str, str]:
    return {"kk": t.kk, "ru": t.ru, "en": t.en}


def _untext(d: dict[str, str]) -> Text:
    return Text(d["kk"], d["ru"], d["en"])


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "key": plan.key,
        "title": _text(plan.title),
        "organisers": _text(plan.organisers),
        "approved": {"number": plan.approved.number, "date": plan.approved.date.isoformat(),
                     "by": _text(plan.approved.by)},
        "timezone": plan.timezone,
        "milestones": {m.key: {"date": m.date.isoformat(), "name": _text(m.name)}
                       for m in plan.milestones.values()},
        "calendar": {
            "weekend": sorted(plan.calendar.weekend),
            "holidays": [{"date": h.date.isoformat(), "name": _text(h.name)}
                         for h in plan.calendar.holidays],
            "working_days": sorted(d.isoformat() for d in plan.calendar.working_days),
        },
        "reminders": {
            "send_time": plan.reminders.send_time.strftime("%H:%M"),
            "stages": {k: list(v) for k, v in plan.reminders.stages.items()},
            "overdue_days": plan.reminders.overdue_days,
            "overdue_after": list(plan.reminders.overdue_after),
            "report_body": plan.reminders.report_body,
            "escalation_body": plan.reminders.escalation_body,
            "digest": {"time": plan.reminders.digest.time.strftime("%H:%M"),
                       "timezone": plan.reminders.digest.timezone},
        },
        "deadlines": _deadlines_to_dict(plan.deadlines),
        "regions": [{"key": r.key, "name": _text(r.name), "timezone": r.timezone}
                    for r in plan.regions],
        "bodies": [{"key": b.key, "name": _text(b.name), "level": b.level,
                    "by_agreement": b.by_agreement} for b in plan.bodies.values()],
        "completion_forms": {k: _text(v) for k, v in plan.forms.items()},
        "sections": [{"key": s.key, "number": s.number, "title": _text(s.title)}
                     for s in plan.sections],
        "items": [{"number": i.number, "section": i.section, "title": _text(i.title),
                   "form": i.form, "due": {"kind": i.due.kind, "milestone": i.due.milestone},
                   "responsible": list(i.responsible)} for i in plan.items],
        "results_form": _form_to_dict(plan.results_form),
    }


def plan_from_dict(d: dict[str, Any]) -> Plan:
    """The stored plan; fields added in later versions take their defaults, so a database
    written by an older tracker keeps working until `tracker init` re-syncs it."""
    rem = d["reminders"]
    deadlines = _deadlines_from_dict(d["deadlines"]) if "deadlines" in d else _default_deadlines()
    return Plan(
        key=d["key"],
        title=_untext(d["title"]),
        organisers=_untext(d["organisers"]),
        approved=Approval(d["approved"]["number"], date.fromisoformat(d["approved"]["date"]),
                          _untext(d["approved"]["by"])),
        timezone=d["timezone"],
        milestones={k: Milestone(k, date.fromisoformat(v["date"]), _untext(v["name"]))
                    for k, v in d["milestones"].items()},
        calendar=Calendar(
            frozenset(d["calendar"]["weekend"]),
            tuple(Holiday(date.fromisoformat(h["date"]), _untext(h["name"]))
                  for h in d["calendar"]["holidays"]),
            frozenset(date.fromisoformat(x) for x in d["calendar"]["working_days"]),
        ),
        reminders=ReminderPolicy(
            time.fromisoformat(rem["send_time"]),
            {k: tuple(v) for k, v in rem["stages"].items()},
            rem["overdue_days"],
            tuple(rem["overdue_after"]) if "overdue_after" in rem
            else (deadlines.regional_work, deadlines.national_work),
            rem.get("report_body", "education"),
            rem["escalation_body"] if "escalation_body" in rem else _default_escalation_body(),
            DigestPolicy(time.fromisoformat(rem["digest"]["time"]), rem["digest"]["timezone"]),
        ),
        deadlines=deadlines,
        regions=tuple(Region(r["key"], _untext(r["name"]), r["timezone"]) for r in d["regions"]),
        bodies={b["key"]: Body(b["key"], _untext(b["name"]),
                               cast(Literal["regional", "national"], b["level"]),
                               b["by_agreement"]) for b in d["bodies"]},
        forms={k: _untext(v) for k, v in d["completion_forms"].items()},
        sections=tuple(Section(s["key"], s["number"], _untext(s["title"])) for s in d["sections"]),
        items=tuple(Item(i["number"], i["section"], _untext(i["title"]), i["form"],
                         Due(i["due"]["kind"], i["due"]["milestone"]), tuple(i["responsible"]))
                    for i in d["items"]),
        results_form=_form_from_dict(d.get("results_form")),
        source="database",
    )


def _deadlines_to_dict(roles: DeadlineRoles) -> dict[str, Any]:
    return {"window": {"start": roles.window.start, "end": roles.window.end},
            "regional_work": roles.regional_work, "national_work": roles.national_work,
            "results_report": roles.results_report, "escalation": roles.escalation}


def _deadlines_from_dict(d: dict[str, Any]) -> DeadlineRoles:
    return DeadlineRoles(Window(d["window"]["start"], d["window"]["end"]), d["regional_work"],
                         d["national_work"], d["results_report"], d["escalation"])


def _default_deadlines() -> DeadlineRoles:
    """The roles of a plan stored before they were declared: what the code meant then.  The
    loader is imported only here, for such a plan (it brings the YAML reader along)."""
    from tracker.plan.loader import DEFAULT_DEADLINES

    return DEFAULT_DEADLINES


def _default_escalation_body() -> str:
    from tracker.plan.loader import DEFAULT_ESCALATION_BODY

    return DEFAULT_ESCALATION_BODY


def _form_to_dict(form: ResultsForm) -> dict[str, Any]:
    return {"region_header": form.region_header,
            "columns": [{"key": c.key, "kind": c.kind, "header": c.header,
                         "short": _text(c.short), "label": _text(c.label),
                         "report": _text(c.report), "hint": c.hint, "width": c.width}
                        for c in form.columns]}


def _form_from_dict(d: dict[str, Any] | None) -> ResultsForm:
    """The stored results form; a plan stored before the form was part of the plan had the
    2017 form, which is the bundled plan's."""
    if d is None:
        from tracker.plan.resultsform import bundled_results_form

        return bundled_results_form()
    return ResultsForm(d["region_header"], tuple(
        FormColumn(c["key"], cast(ColumnKind, c["kind"]), c["header"], _untext(c["short"]),
                   _untext(c["label"]), _untext(c["report"]), c["hint"], c["width"])
        for c in d["columns"]))
