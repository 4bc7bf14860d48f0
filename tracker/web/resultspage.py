"""The results page: a region's education department fills in, saves and submits its 25 April
form at its own link, or uploads the filled-in form file.

Only the address that answers for the region's `reminders.report_body` sees it (anyone else:
the plain 404).  Every cell is read by the importer's own parsers (tracker.reports.fields), so
the page refuses what `report import` refuses, with the same words, beside the field; a page
with a bad field stores nothing (400).  Saving is `store.set_fields`, submitting also
`store.submit` (late when past the due day in the region's zone, as `report submit`), an upload
`store.replace_reports` (as `report import`), each recorded as by the address, via the link.
Every POST carries the page's CSRF token and ends in a redirect to the page with a notice.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tracker.errors import UserError
from tracker.fieldrules import NAME_MAX, TITLE_MAX, text_problem
from tracker.plan.model import NATIONAL, FormColumn, Plan
from tracker.reports.fields import (
    CellError,
    MediaEntry,
    check_outlet,
    check_url,
    format_day,
    parse_count,
    parse_date,
    parse_text,
)
from tracker.reports.results import RegionResult
from tracker.web.context import WebContext
from tracker.web.forms import csrf_token, file_of, read_form
from tracker.web.pages import page_language, render
from tracker.web.visitor import Visitor, visitor

FIELD = "c-"
"""A column's field on the page: `c-class_hours` (kept apart from `csrf` and `action`)."""
NOTICES = ("saved", "submitted", "added", "removed", "uploaded")


def reported_region(plan: Plan, who: Visitor) -> str | None:
    """The region whose report this visitor sends, if any: an address answering for a
    region's `report_body` (the first such region, in plan order)."""
    body = plan.reminders.report_body
    units = {unit for unit, b in (who.recipient.pairs if who.recipient else ()) if b == body}
    return next((region.key for region in plan.regions
                 if region.key in units and region.key != NATIONAL), None)


def report_region(plan: Plan, who: Visitor) -> str:
    """`reported_region`, or a 404 for a visitor that sends no report."""
    region = reported_region(plan, who)
    if region is None:
        raise HTTPException(404)
    return region


def _result(web: WebContext, plan: Plan, unit: str) -> RegionResult:
    from tracker.reports.store import load_reports

    with web.db.reading() as conn:
        return next(r for r in load_reports(conn, plan) if r.unit == unit)


def _shown_value(column: FormColumn, result: RegionResult) -> str:
    if not result.entered:
        return ""
    return str(result.count(column.key)) if column.kind == "count" else result.text(column.key)


def _received(plan: Plan, result: RegionResult, lang: str) -> str | None:
    """The line `report submit` prints for the region, when its report has been received."""
    from tracker.timefmt import local
    from tracker.wording import say

    if result.received_at is None:
        return None
    due = plan.day_of(plan.deadlines.results_report).isoformat()
    verdict = say(lang, "report.late", due=due) if result.late else say(lang, "report.on_time")
    return say(lang, "report.received", region=plan.unit_name(result.unit, lang),
               when=local(result.received_at, plan.unit_timezone(result.unit)), verdict=verdict)


def _page(request: Request, who: Visitor, plan: Plan, unit: str, *, status: int = 200,
          posted: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None,
          problem: str | None = None, media_posted: Mapping[str, str] | None = None) -> Response:
    web: WebContext = request.app.state.web
    lang = page_language(request, who.lang)
    result = _result(web, plan, unit)
    columns = [c for c in plan.results_form.columns if c.kind != "media"]
    values = {c.key: (posted or {}).get(c.key, _shown_value(c, result)) for c in columns}
    notice = request.query_params.get("done", "")
    return render(
        request, "results.html", status_code=status, lang=lang, who=who,
        region=plan.unit_name(unit, lang), columns=columns, values=values, field=FIELD,
        errors=errors or {}, problem=problem, media=result.media_coverage,
        media_posted=media_posted or {}, media_column=plan.results_form.media,
        received=_received(plan, result, lang), late=result.late, received_via=result.received_via,
        received_by=result.received_by,
        due=format_day(plan.day_of(plan.deadlines.results_report)),
        zone=plan.unit_timezone(unit), notice=notice if notice in NOTICES else "",
        csrf=csrf_token(web, who.token), lang_query=f"?lang={lang}",
        name_max=NAME_MAX, url_max=TITLE_MAX)


def page(request: Request) -> Response:
    who = visitor(request)
    plan = request.app.state.web.db.plan()
    return _page(request, who, plan, report_region(plan, who))


def _done(request: Request, who: Visitor, what: str) -> Response:
    lang = page_language(request, who.lang)
    return RedirectResponse(f"/r/{who.token}/results?lang={lang}&done={what}", status_code=303)


def _read_columns(plan: Plan, form: FormData, lang: str) -> tuple[dict[str, str],
                                                                  dict[str, int | str],
                                                                  dict[str, str]]:
    """The posted columns as sent, as read (the importer's parsers), and what is wrong."""
    posted: dict[str, str] = {}
    values: dict[str, int | str] = {}
    errors: dict[str, str] = {}
    for column in plan.results_form.writable:
        raw = form.get(FIELD + column.key)
        text = raw if isinstance(raw, str) else ""
        posted[column.key] = text
        try:
            values[column.key] = parse_count(text) if column.kind == "count" else \
                parse_text(text)
        except CellError as exc:
            errors[column.key] = exc.said(lang)
    return posted, values, errors


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _read_entry(form: FormData, lang: str) -> tuple[dict[str, str], MediaEntry | None,
                                                    dict[str, str]]:
    """A media entry as posted (outlet, date, link), checked as `report media add` does."""
    posted = {name: _field(form, name) for name in ("outlet", "date", "url")}
    errors: dict[str, str] = {}
    outlet = day = url = None
    try:
        problem = text_problem(posted["outlet"], NAME_MAX)
        if problem:
            raise CellError("cell.text", problem=problem)
        outlet = check_outlet(posted["outlet"])
    except CellError as exc:
        errors["outlet"] = exc.said(lang)
    try:
        day = parse_date(posted["date"])
    except CellError as exc:
        errors["date"] = exc.said(lang)
    try:
        if len(posted["url"]) > TITLE_MAX:
            raise CellError("cell.text", problem=text_problem(posted["url"], TITLE_MAX))
        url = check_url(posted["url"]) if posted["url"] else None
    except CellError as exc:
        errors["url"] = exc.said(lang)
    if errors or outlet is None or day is None:
        return posted, None, errors
    return posted, MediaEntry(outlet, day, url), {}


async def post(request: Request) -> Response:
    """Read the form (and its file) here; the database work runs in the thread pool, so a
    request waiting on the database does not hold up the others."""
    who = await run_in_threadpool(visitor, request)
    web: WebContext = request.app.state.web
    plan = web.db.plan()
    unit = report_region(plan, who)
    form = await read_form(request, who.token)
    try:
        sent = await file_of(form, "file", web.settings.upload_limit) \
            if _field(form, "action") == "upload" else None
        return await run_in_threadpool(_act, request, who, plan, unit, form, sent)
    finally:
        await form.close()


def _act(request: Request, who: Visitor, plan: Plan, unit: str, form: FormData,
         sent: tuple[str, bytes] | None) -> Response:
    from tracker.reports import store

    web: WebContext = request.app.state.web
    lang = page_language(request, who.lang)
    action = _field(form, "action")
    now = web.clock.now()
    if action in ("save", "submit"):
        posted, values, errors = _read_columns(plan, form, lang)
        if errors:
            return _page(request, who, plan, unit, status=400, posted=posted, errors=errors)
        with web.db.writing() as conn:
            store.set_fields(conn, plan, unit, values, now)
            if action == "submit":
                store.submit(conn, plan, unit, now, by=who.email, via="link")
        return _done(request, who, "submitted" if action == "submit" else "saved")
    if action == "add_media":
        entry_posted, entry, entry_errors = _read_entry(form, lang)
        if entry is None:
            return _page(request, who, plan, unit, status=400, media_posted=entry_posted,
                         errors={f"media-{k}": v for k, v in entry_errors.items()})
        with web.db.writing() as conn:
            store.add_media(conn, unit, entry, now)
        return _done(request, who, "added")
    if action == "remove_media":
        ident = _field(form, "id")
        with web.db.writing() as conn:
            own = {item.entry.id for item in store.list_media(conn, plan, unit)}
            if not ident.isdigit() or int(ident) not in own:
                raise HTTPException(404)
            store.remove_media(conn, int(ident), now)
        return _done(request, who, "removed")
    if action == "upload":
        return _upload(request, who, plan, unit, sent, lang)
    raise HTTPException(400)


def _words(lang: str) -> dict[str, Any]:
    """The page's own sentences for problems found in code (results.html holds the rest)."""
    return {
        "kk": {"no_file": "Файл таңдалмаған.",
               "not_form": "«{name}» — XLSX немесе CSV нысаны емес (файлдың ішіне қарай "
                           "тексеріледі, атына емес).",
               "other_region": "«{name}» файлында басқа өңірдің жолы бар: {other}. Бұл бетте "
                               "тек {own} есебі қабылданады; ештеңе сақталмады.",
               "no_row": "«{name}» файлында {own} көрсеткіштері жоқ."},
        "ru": {"no_file": "Файл не выбран.",
               "not_form": "«{name}» — не форма XLSX или CSV (файл проверяется по "
                           "содержимому, а не по имени).",
               "other_region": "В файле «{name}» есть строка другого региона: {other}. На этой "
                               "странице принимается только отчёт: {own}; ничего не сохранено.",
               "no_row": "В файле «{name}» нет показателей: {own}."},
    }[lang]


def _upload(request: Request, who: Visitor, plan: Plan, unit: str,
            sent: tuple[str, bytes] | None, lang: str) -> Response:
    from tracker.reports import store
    from tracker.reports.formfile import content_suffix, read_form_bytes, shown_name

    web: WebContext = request.app.state.web
    words = _words(lang)
    if sent is None:
        return _page(request, who, plan, unit, status=400, problem=words["no_file"])
    name, data = shown_name(sent[0]), sent[1]
    suffix = content_suffix(data)
    if suffix is None:
        return _page(request, who, plan, unit, status=400,
                     problem=words["not_form"].format(name=name))
    try:
        imported = read_form_bytes(data, suffix, plan, name, lang)
    except UserError as exc:
        return _page(request, who, plan, unit, status=400, problem=exc.in_language(lang))
    own = plan.unit_name(unit, lang)
    other = next((r.unit for r in imported.reports if r.unit != unit), None)
    if other is not None:
        return _page(request, who, plan, unit, status=400, problem=words["other_region"].format(
            name=name, other=plan.unit_name(other, lang), own=own))
    if not imported.reports:
        return _page(request, who, plan, unit, status=400,
                     problem=words["no_row"].format(name=name, own=own))
    with web.db.writing() as conn:
        store.replace_reports(conn, plan, imported.reports, web.clock.now(), by=who.email,
                              via="link")
    return _done(request, who, "uploaded")


def form_file(request: Request) -> Response:
    """The region's row in the export's own layout (`report export`), to fill in and upload."""
    from tracker.reports.exporter import write_xlsx

    who = visitor(request)
    web: WebContext = request.app.state.web
    plan = web.db.plan()
    unit = report_region(plan, who)
    buffer = io.BytesIO()
    write_xlsx(buffer, plan, [_result(web, plan, unit)])
    return Response(buffer.getvalue(), media_type="application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet",
                    headers={"content-disposition": f'attachment; filename="{unit}.xlsx"'})


ROUTES = [
    Route("/r/{token}/results", page, methods=["GET"]),
    Route("/r/{token}/results", post, methods=["POST"]),
    Route("/r/{token}/results.xlsx", form_file, methods=["GET"]),
]
