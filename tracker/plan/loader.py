"""Build a validated `Plan` from plan.yaml.

Checks everything a person could get wrong when editing the file for next year's campaign and
stops at the first problem with file, line and field named.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Literal, cast

from tracker.fieldrules import STAGE_DAYS_MAX
from tracker.plan.fields import Fields, parse_date
from tracker.plan.model import (
    Approval,
    Body,
    Calendar,
    DeadlineRoles,
    DigestPolicy,
    Due,
    Holiday,
    Item,
    Milestone,
    Plan,
    Region,
    ReminderPolicy,
    Section,
    Text,
    Window,
)
from tracker.plan.resultsform import read_results_form
from tracker.plan.yamlsource import LineList, load_yaml
from tracker.wording import Phrase

WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
            "saturday": 6, "sunday": 7}
MAX_ITEM_NUMBER = 10_000
"""Plenty for any plan, and far inside the database's integer columns."""
DEFAULT_DEADLINES = DeadlineRoles(
    window=Window(start="window_start", end="window_end"), regional_work="regional_report",
    national_work="final_report", results_report="regional_report", escalation="final_report")
"""The roles of a plan that declares no `deadlines` (and of plans stored before it could):
the 2017 campaign's milestones.  The only place the code names a campaign's milestones."""
DEFAULT_ESCALATION_BODY = "committee"


def load_plan(path: Path, label: str | None = None) -> Plan:
    """Read and validate a plan file; raises PlanError naming file, line and field."""
    source = label or path.name
    root = Fields(source, load_yaml(path, source), "")
    return build_plan(root, source)


def build_plan(root: Fields, source: str) -> Plan:
    root.only("campaign", "milestones", "deadlines", "calendar", "reminders", "regions",
              "bodies", "completion_forms", "results_form", "sections", "items")
    campaign = root.sub("campaign", "campaign")
    campaign.only("key", "title", "organisers", "approved", "timezone")
    approved = campaign.sub("approved", "campaign.approved")
    approved.only("number", "date", "by")
    milestone_fields = root.sub("milestones", "milestones")
    milestones = _milestones(milestone_fields)
    deadlines = _deadlines(root, milestone_fields, milestones)
    calendar = _calendar(root.sub("calendar", "calendar"))
    regions = _regions(root)
    bodies = _bodies(root)
    forms = _forms(root.sub("completion_forms", "completion_forms"))
    sections = _sections(root)
    items = _items(root, bodies, forms, {s.key for s in sections}, milestones)
    reminders = _reminders(root, milestones, deadlines)
    results_form = read_results_form(root.sub("results_form", "results_form"))
    return Plan(
        key=campaign.key("key"),
        title=campaign.text("title"),
        organisers=campaign.text("organisers"),
        approved=Approval(approved.string("number"), approved.date("date"), approved.text("by")),
        timezone=campaign.timezone("timezone"),
        milestones=milestones,
        calendar=calendar,
        reminders=reminders,
        deadlines=deadlines,
        regions=regions,
        bodies=bodies,
        forms=forms,
        sections=sections,
        items=items,
        results_form=results_form,
        source=source,
    )


def _milestones(fields: Fields) -> dict[str, Milestone]:
    dates: dict[str, date] = {}
    aliases: dict[str, tuple[str, int]] = {}
    names: dict[str, Text] = {}
    for key in fields.mapping:
        fields.own_key(key, "milestone")
        entry = fields.sub(key, Phrase("where.milestone", key=key))
        entry.only("date", "same_as", "name")
        names[key] = entry.text("name")
        if entry.has("same_as"):
            aliases[key] = (entry.string("same_as"), entry.line("same_as"))
        else:
            dates[key] = entry.date("date")
    for key, (target, line) in aliases.items():
        if target not in dates:
            fields.fail(Phrase("file.at_field", field=Phrase("where.milestone", key=key),
                               problem=Phrase("file.same_as", value=target)), line)
        dates[key] = dates[target]
    return {key: Milestone(key, dates[key], names[key]) for key in fields.mapping}


def _deadlines(root: Fields, milestone_fields: Fields,
               milestones: dict[str, Milestone]) -> DeadlineRoles:
    """The `deadlines` block: each role names a milestone, and the dates run in order."""
    if not root.has("deadlines"):
        roles = DEFAULT_DEADLINES
        for key in roles.named():
            if key not in milestones:
                milestone_fields.fail(Phrase("file.no_milestone", value=key),
                                      milestone_fields.mapping.line)
    else:
        fields = root.sub("deadlines", "deadlines")
        fields.only("window", "regional_work", "national_work", "results_report", "escalation")

        def milestone(holder: Fields, field: str) -> str:
            key = holder.string(field)
            if key not in milestones:
                holder.fail(Phrase("file.field", field=field, problem=Phrase(
                    "file.milestone_of", value=key, keys=", ".join(milestones))),
                    holder.line(field))
            return key

        window = fields.sub("window", "deadlines.window")
        window.only("start", "end")
        roles = DeadlineRoles(
            window=Window(milestone(window, "start"), milestone(window, "end")),
            regional_work=milestone(fields, "regional_work"),
            national_work=milestone(fields, "national_work"),
            results_report=milestone(fields, "results_report"),
            escalation=milestone(fields, "escalation"))
    start, end = (milestones[roles.window.start].date, milestones[roles.window.end].date)
    if end < start:
        milestone_fields.fail(Phrase("file.window", end=end, start=start),
                              milestone_fields.line(roles.window.end))
    national, regional = roles.national_work, roles.regional_work
    if milestones[national].date < milestones[regional].date:
        milestone_fields.fail(Phrase("file.order", national=national, regional=regional),
                              milestone_fields.line(national))
    return roles


def _calendar(fields: Fields) -> Calendar:
    fields.only("weekend", "holidays", "working_days")
    weekend: set[int] = set()
    days = fields.sequence("weekend")
    for index, name in enumerate(days):
        if str(name).lower() not in WEEKDAYS:
            fields.fail(Phrase("file.weekday", value=name), days.line_of(index))
        weekend.add(WEEKDAYS[str(name).lower()])
    if len(weekend) == len(WEEKDAYS):
        # With no working day no deadline can be moved to one: the search never ends.
        fields.fail(Phrase("file.no_workday"),
                    fields.line("weekend"))
    holidays: list[Holiday] = []
    listed = fields.sequence("holidays") if fields.has("holidays") else LineList()
    for index, raw in enumerate(listed):
        entry = Fields(fields.source, raw, Phrase("where.holiday", key=index + 1),
                       listed.line_of(index))
        entry.only("date", "name")
        holidays.append(Holiday(entry.date("date"), entry.text("name")))
    working: set[date] = set()
    extra = fields.sequence("working_days") if fields.has("working_days") else LineList()
    for index, raw in enumerate(extra):
        line = extra.line_of(index)
        working.add(parse_date(raw, lambda msg, line=line: fields.fail(msg, line)))
    return Calendar(frozenset(weekend), tuple(holidays), frozenset(working))


def _regions(root: Fields) -> tuple[Region, ...]:
    regions = []
    for key, entry in root.keyed_list("regions", "region"):
        entry.only("key", "name", "timezone")
        if key == "national":
            entry.fail(Phrase("file.national_key"), entry.mapping.line)
        regions.append(Region(key, entry.text("name"), entry.timezone("timezone")))
    return tuple(regions)


def _bodies(root: Fields) -> dict[str, Body]:
    bodies = {}
    for key, entry in root.keyed_list("bodies", "body"):
        entry.only("key", "name", "level", "by_agreement")
        level = entry.string("level")
        if level not in ("regional", "national"):
            entry.fail(Phrase("file.level", value=level), entry.line("level"))
        bodies[key] = Body(key, entry.text("name"), cast(Literal["regional", "national"], level),
                           entry.boolean("by_agreement", False))
    return bodies


def _forms(fields: Fields) -> dict[str, Text]:
    forms = {}
    for key in fields.mapping:
        fields.own_key(key, "completion form")
        holder = Fields(fields.source, fields.mapping, Phrase("where.form", key=key))
        forms[key] = holder.text(key)
    return forms


def _sections(root: Fields) -> tuple[Section, ...]:
    sections = []
    for key, entry in root.keyed_list("sections", "section"):
        entry.only("key", "number", "title")
        number = (entry.integer("number", 1, maximum=MAX_ITEM_NUMBER) if entry.has("number")
                  else None)
        sections.append(Section(key, number, entry.text("title")))
    return tuple(sections)


def _items(root: Fields, bodies: dict[str, Body], forms: dict[str, Text], sections: set[str],
           milestones: dict[str, Milestone]) -> tuple[Item, ...]:
    entries = root.sequence("items")
    seen: dict[int, int] = {}
    items = []
    for index, raw in enumerate(entries):
        line = entries.line_of(index)
        entry = Fields(root.source, raw, Phrase("where.item_at", key=index + 1), line)
        number = entry.integer("number", 1, maximum=MAX_ITEM_NUMBER)
        entry.where = Phrase("where.item", key=number)
        if number in seen:
            entry.fail(Phrase("file.duplicate_item", n=number, line=seen[number]),
                       entry.line("number"))
        seen[number] = entry.line("number")
        entry.only("number", "section", "title", "form", "due", "responsible")
        section = entry.string("section")
        if section not in sections:
            entry.fail(Phrase("file.unknown_section", value=section), entry.line("section"))
        title = entry.text("title")
        form = entry.string("form")
        if form not in forms:
            entry.fail(Phrase("file.unknown_form", value=form), entry.line("form"))
        items.append(Item(number, section, title, form, _due(entry, milestones),
                          _responsible(entry, bodies)))
    if not items:
        root.fail(Phrase("file.nothing_listed", field="items"), root.line("items"))
    return tuple(sorted(items, key=lambda item: item.number))


def _due(entry: Fields, milestones: dict[str, Milestone]) -> Due:
    due = entry.string("due")
    if due in ("ongoing", "window"):
        return Due(cast(Literal["ongoing", "window"], due))
    if due not in milestones:
        entry.fail(Phrase("file.unknown_deadline", value=due, keys=", ".join(milestones)),
                   entry.line("due"))
    return Due("date", due)


def _responsible(entry: Fields, bodies: dict[str, Body]) -> tuple[str, ...]:
    listed = entry.sequence("responsible")
    result: list[str] = []
    for index, raw in enumerate(listed):
        body = str(raw)
        if body not in bodies:
            entry.fail(Phrase("file.unknown_body", value=body), listed.line_of(index))
        if body in result:
            entry.fail(Phrase("file.body_twice", value=body), listed.line_of(index))
        result.append(body)
    if not result:
        entry.fail(Phrase("file.no_body"), entry.line("responsible"))
    return tuple(result)


def _reminders(root: Fields, milestones: dict[str, Milestone],
               roles: DeadlineRoles) -> ReminderPolicy:
    default_digest = DigestPolicy(time(18, 0), "Asia/Almaty")
    default_stages = {roles.window.end: (3, 1, 0), roles.regional_work: (7, 3, 1, 0),
                      roles.national_work: (5, 2, 1, 0)}
    default_overdue_after = tuple(dict.fromkeys((roles.regional_work, roles.national_work)))
    if not root.has("reminders"):
        return ReminderPolicy(time(9, 0), default_stages, 5, default_overdue_after,
                              "education", DEFAULT_ESCALATION_BODY, default_digest)
    fields = root.sub("reminders", "reminders")
    fields.only("send_time", "stages", "overdue_days", "overdue_after", "report_body",
                "escalation_body", "digest")
    send_time = fields.clock_time("send_time") if fields.has("send_time") else time(9, 0)
    stages: dict[str, tuple[int, ...]] = default_stages
    if fields.has("stages"):
        listed = fields.sub("stages", "reminders.stages")
        stages = {}
        for key in listed.mapping:
            if key not in milestones:
                listed.fail(Phrase("file.unknown_milestone", value=key), listed.line(key))
            days = listed.sequence(key)
            values: list[int] = []
            for index, raw in enumerate(days):
                if (isinstance(raw, bool) or not isinstance(raw, int) or raw < 0
                        or raw > STAGE_DAYS_MAX):
                    listed.fail(Phrase("file.field", field=key, problem=Phrase(
                        "file.stage_days", max=STAGE_DAYS_MAX, value=repr(raw))),
                        days.line_of(index))
                values.append(raw)
            stages[key] = tuple(sorted(set(values), reverse=True))
    overdue = (fields.integer("overdue_days", 0, maximum=STAGE_DAYS_MAX)
               if fields.has("overdue_days") else 5)
    overdue_after = default_overdue_after
    if fields.has("overdue_after"):
        listed_after = fields.sequence("overdue_after")
        for index, raw in enumerate(listed_after):
            if str(raw) not in milestones:
                fields.fail(Phrase("file.at_field", field="overdue_after",
                                   problem=Phrase("file.unknown_milestone", value=raw)),
                            listed_after.line_of(index))
        overdue_after = tuple(str(raw) for raw in listed_after)
    digest = default_digest
    if fields.has("digest"):
        sub = fields.sub("digest", "reminders.digest")
        sub.only("time", "timezone")
        digest = DigestPolicy(sub.clock_time("time"), sub.timezone("timezone"))
    report_body = fields.string("report_body") if fields.has("report_body") else "education"
    known_bodies = {str(b.get("key")) for b in root.raw("bodies") if hasattr(b, "get")}
    if report_body not in known_bodies:
        fields.fail(Phrase("file.at_field", field="report_body",
                           problem=Phrase("file.unknown_body", value=report_body)),
                    fields.line("report_body"))
    escalation_body = _escalation_body(root, fields)
    return ReminderPolicy(send_time, stages, overdue, overdue_after, report_body,
                          escalation_body, digest)


def _escalation_body(root: Fields, fields: Fields) -> str:
    """The national body that hears which regions are behind (the committee)."""
    if not fields.has("escalation_body"):
        return DEFAULT_ESCALATION_BODY
    body = fields.string("escalation_body")
    levels = {str(b.get("key")): b.get("level") for b in root.raw("bodies") if hasattr(b, "get")}
    if body not in levels:
        fields.fail(Phrase("file.at_field", field="escalation_body",
                           problem=Phrase("file.unknown_body", value=body)),
                    fields.line("escalation_body"))
    if levels[body] != "national":
        fields.fail(Phrase("file.at_field", field="escalation_body",
                           problem=Phrase("file.not_national", value=body)),
                    fields.line("escalation_body"))
    return body


def plan_from_text(text: str, source: str = "plan.yaml") -> Plan:
    """Validate a plan given as text (used by tests and by `plan check -`)."""
    from tracker.plan.yamlsource import load_yaml_text

    return build_plan(Fields(source, load_yaml_text(text, source), ""), source)
