"""What a reply's files are taken as: the region's results form, evidence, or refused.

A file is judged by its content, as the reporting pages judge an upload: a workbook or a CSV
holding the results form's header is the form, read by the report importer for the sender's
own region exactly as the results page reads an uploaded form (tracker.web.resultspage); a
form with a bad cell, of another region or without the region's figures is kept with the
importer's words, in every language, and makes the message wait for staff.  Any other file is
evidence (tracker.evidence judges and stores it once by its digest) or refused, with why.
Nothing here marks anything: staff (or a trusted contact's reply) decide what is applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from tracker.errors import UserError
from tracker.evidence import EvidenceRefused, judge, store
from tracker.inbox.letter import Attachment
from tracker.inbox.problems import Worded, each_language, worded
from tracker.mail.recipients import Recipient
from tracker.plan.model import NATIONAL, Plan
from tracker.reports.importer import ImportedFile
from tracker.reports.results import RegionResult

EVIDENCE_MAX = 10 * 1024 * 1024
"""The largest evidence file kept from a mail (the reporting page's default limit)."""
_CSV_TYPES = ("text/csv", "application/csv", "text/comma-separated-values")


@dataclass
class Taken:
    """The files of one message: an entry for each, the form read from one of them, the digest
    of the first evidence file (what the marks cite), and what is wrong."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    form: dict[str, Any] | None = None
    evidence: str | None = None
    problems: list[Worded] = field(default_factory=list)

    @property
    def form_ok(self) -> bool:
        return self.form is not None and not self.form.get("problem")


def report_region(plan: Plan, recipient: Recipient) -> str | None:
    """The region whose results report this recipient sends: one it answers for as the
    plan's `reminders.report_body` (the first in plan order), as the results page decides."""
    body = plan.reminders.report_body
    units = {unit for unit, b in recipient.pairs if b == body}
    return next((r.key for r in plan.regions if r.key in units and r.key != NATIONAL), None)


def _looks_like_form(attachment: Attachment, suffix: str | None) -> bool:
    """A workbook may be the form; text only when it was sent as a CSV (a signature or a
    plain-text note is UTF-8 text too)."""
    if suffix == ".xlsx":
        return True
    return suffix == ".csv" and (attachment.name.lower().endswith(".csv")
                                 or attachment.content_type.lower() in _CSV_TYPES)


def _read(data: bytes, suffix: str, plan: Plan, name: str, lang: str) -> ImportedFile:
    from tracker.reports.formfile import read_form_bytes

    return read_form_bytes(data, suffix, plan, name, lang)


def _no_header(plan: Plan, name: str) -> str:
    """The importer's words for a file without the form's header row: not a form at all."""
    from tracker.reports.fields import REGION_KEY
    from tracker.wording import say

    return say("en", "import.no_header", source=name, header=plan.results_form.region_header,
               key=REGION_KEY)


def form_values(result: RegionResult) -> dict[str, Any]:
    """A region's report as the message keeps it until it is accepted."""
    return {"unit": result.unit, "counts": dict(result.counts), "texts": dict(result.texts),
            "media": [{"outlet": e.outlet, "published_on": e.published_on.isoformat(),
                       "url": e.url} for e in result.media_coverage]}


def form_result(form: dict[str, Any]) -> RegionResult:
    """The report `form_values` kept, to record it."""
    from datetime import date

    from tracker.reports.fields import MediaEntry

    media = tuple(MediaEntry(e["outlet"], date.fromisoformat(e["published_on"]), e["url"])
                  for e in form.get("media", []))
    return RegionResult(form["unit"], counts=dict(form.get("counts", {})),
                        texts=dict(form.get("texts", {})), media_coverage=media, entered=True)


def _form(plan: Plan, attachment: Attachment, suffix: str, name: str,
          recipient: Recipient | None, sender: str) -> dict[str, Any] | None:
    """The form this file holds (with its problem), or None when it holds no form."""
    try:
        imported = _read(attachment.data, suffix, plan, name, "en")
    except UserError as exc:
        if str(exc) == _no_header(plan, name):
            return None
        return {"name": name, "problem": _importer_words(exc, attachment, suffix, plan, name)}
    unit = report_region(plan, recipient) if recipient is not None else None
    if unit is None:
        return {"name": name, "problem": worded("inbox.problem.form_sender", name=name,
                                                sender=sender)}
    other = next((r.unit for r in imported.reports if r.unit != unit), None)
    if other is not None:
        return {"name": name, "unit": unit, "problem": {
            lang: worded("inbox.problem.other_region", name=name,
                         other=plan.unit_name(other, lang), own=plan.unit_name(unit, lang))[lang]
            for lang in ("kk", "ru", "en")}}
    if not imported.reports:
        return {"name": name, "unit": unit, "problem": {
            lang: worded("inbox.problem.no_row", name=name, own=plan.unit_name(unit, lang))[lang]
            for lang in ("kk", "ru", "en")}}
    return {"name": name, **form_values(imported.reports[0])}


def _importer_words(first: UserError, attachment: Attachment, suffix: str, plan: Plan,
                    name: str) -> Worded:
    """The importer's refusal in every language (it words a cell's problem in the language it
    reads the file in, so the file is read again for each)."""

    def in_language(lang: str) -> str:
        if lang == "en":
            return first.in_language(lang)
        try:
            _read(attachment.data, suffix, plan, name, lang)
        except UserError as exc:
            return exc.in_language(lang)
        return first.in_language(lang)

    return each_language(in_language)


def take(conn: Connection, plan: Plan, attachments: tuple[Attachment, ...],
         recipient: Recipient | None, sender: str, now: datetime, keep: bool) -> Taken:
    """Judge every file; store the evidence when `keep` (a reply tied to its recipient), else
    only list it (the raw message still holds it)."""
    from tracker.reports.formfile import content_suffix, shown_name

    taken = Taken()
    for index, attachment in enumerate(attachments):
        name = shown_name(attachment.name or "file")
        entry: dict[str, Any] = {"index": index, "name": name, "type": attachment.content_type,
                                 "size": len(attachment.data), "taken": "kept",
                                 "media_type": "", "digest": "", "why": None}
        taken.entries.append(entry)
        suffix = content_suffix(attachment.data)
        form = _form(plan, attachment, suffix, name, recipient, sender) \
            if suffix is not None and _looks_like_form(attachment, suffix) else None
        if form is not None:
            if taken.form is not None:
                entry["taken"] = "refused"
                entry["why"] = worded("inbox.problem.second_form", name=name)
                continue
            entry["taken"] = "form"
            form["attachment"] = index
            taken.form = form
            if form.get("problem"):
                entry["why"] = form["problem"]
                taken.problems.append(form["problem"])
            continue
        if len(attachment.data) > EVIDENCE_MAX:
            entry.update(taken="refused", why=worded("inbox.refused.size", limit=EVIDENCE_MAX))
            continue
        try:
            upload = judge(name, attachment.data)
        except EvidenceRefused:
            entry.update(taken="refused", why=worded("inbox.refused.kind"))
            continue
        entry.update(media_type=upload.media_type, digest=upload.digest)
        if keep:
            store(conn, upload, attachment.data, now)
            entry["taken"] = "evidence"
            taken.evidence = taken.evidence or upload.digest
    return taken
