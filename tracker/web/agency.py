"""The agency's page: its assignments as its reminder lists them, and reporting them done.

GET /r/{token} shows the work (and never changes anything: mail scanners open links).
POST /r/{token}/mark reports chosen assignments done, with a short note and optionally an
evidence link or one file; POST /r/{token}/unmark takes back what this address reported
itself.  Both go through the marking service `tracker mark` uses (tracker.progress.marking), in
one transaction, recorded as by the recipient's address via the link, and answer with a
redirect to the page and a notice of what changed (post, redirect, get): a second submit of the
same form finds nothing left to change, and the compare-and-set records no second event.
Only the visitor's own assignments can change; anything else is refused with a kk/ru message
(400) and nothing written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tracker.evidence import EvidenceRefused, Upload, judge, link_problem, store
from tracker.fieldrules import NOTE_MAX, text_problem
from tracker.plan.model import Plan
from tracker.progress.marking import apply
from tracker.progress.selection import Selection
from tracker.progress.worklist import Assignment, work_list
from tracker.web.agencyview import page_data
from tracker.web.context import WebContext
from tracker.web.forms import csrf_token, file_of, read_form
from tracker.web.pagecache import cached
from tracker.web.pages import LANGS, page_language, render
from tracker.web.visitor import Visitor, visitor

LISTED_MAX = 200
"""Assignment numbers a notice repeats (more is a forged address, not a real report)."""


class Refusal(Exception):
    """A report the page refuses with its own message (`reason`: a key of agency.html's
    words); nothing is written."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _numbers(text: str) -> list[int]:
    parts = [p for p in text.split(",")[:LISTED_MAX] if p.isdigit() and len(p) < 6]
    return sorted({int(p) for p in parts})


def _show(request: Request, who: Visitor, lang: str, *, status: int = 200,
          problem: str | None = None, note: str = "", url: str = "") -> Response:
    web: WebContext = request.app.state.web
    assert who.recipient is not None
    now = web.clock.now()
    plan = web.db.plan()
    with web.db.reading() as conn:
        work = work_list(conn, plan, who.recipient, now)
    query = request.query_params
    notice = {"marked": _numbers(query.get("marked", "")),
              "unmarked": _numbers(query.get("unmarked", "")),
              "unchanged": query.get("unchanged") == "1"}
    return render(request, "agency.html", status_code=status, lang=lang, who=who,
                  home=f"/r/{who.token}", reports=_sends_report(plan, who),
                  csrf=csrf_token(web, who.token), notice=notice,
                  problem=problem, note=note, url=url,
                  limit_mb=web.settings.upload_limit // (1024 * 1024),
                  **page_data(plan, work, who.email, now))


def _sends_report(plan: Plan, who: Visitor) -> bool:
    """Whether the page links to the results form: this address sends a region's report."""
    from tracker.web.resultspage import reported_region

    return reported_region(plan, who) is not None


@cached
def page(request: Request) -> Response:
    who = visitor(request)
    if who.recipient is None:
        return RedirectResponse(f"/r/{who.token}/dashboard", status_code=303)
    return _show(request, who, page_language(request, who.lang))


@dataclass
class Report:
    """What a posted form asks for, read and checked before anything is written."""

    chosen: list[Assignment]
    note: str
    url: str
    file: tuple[Upload, bytes] | None


def _chosen(values: Iterable[object]) -> list[Assignment]:
    found: set[Assignment] = set()
    for value in values:
        parts = value.split(":") if isinstance(value, str) else []
        if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 6:
            raise Refusal("not_yours")
        found.add((int(parts[0]), parts[1], parts[2]))
    if not found:
        raise Refusal("none_chosen")
    return sorted(found)


async def _report(form: FormData, limit: int, with_evidence: bool) -> Report:
    chosen = _chosen(form.getlist("a"))
    raw_note = form.get("note")
    note = (raw_note if isinstance(raw_note, str) else "").replace("\r\n", "\n").strip()
    if text_problem(note, NOTE_MAX):
        raise Refusal("bad_note")
    raw_url = form.get("url") if with_evidence else None
    url = (raw_url if isinstance(raw_url, str) else "").strip()
    if url and link_problem(url):
        raise Refusal("bad_link")
    sent = await file_of(form, "file", limit) if with_evidence else None
    upload = None
    if sent is not None:
        try:
            upload = (judge(*sent), sent[1])
        except EvidenceRefused:
            raise Refusal("bad_file") from None
    return Report(chosen, note, url, upload)


def _record(web: WebContext, who: Visitor, action: str, report: Report, lang: str) -> list[int]:
    """The change in one transaction, after checking every chosen assignment is this
    visitor's (and, to take back, that it reported it itself): the items that changed."""
    assert who.recipient is not None
    plan = web.db.plan()
    now = web.clock.now()
    with web.db.writing() as conn:
        work = work_list(conn, plan, who.recipient, now)
        done = {a for a, _ in work.done}
        for assignment in report.chosen:
            if assignment not in work.open | done:
                raise Refusal("not_yours")
            if action == "unmark" and assignment in done and \
                    assignment not in work.reported_by(who.email):
                raise Refusal("not_self")
        digest = None
        if report.file is not None:
            digest = store(conn, report.file[0], report.file[1], now).digest
        by_pair: dict[tuple[str, str], list[int]] = {}
        for number, unit, body in report.chosen:
            by_pair.setdefault((unit, body), []).append(number)
        changed: set[int] = set()
        for (unit, body), numbers in sorted(by_pair.items()):
            selection = Selection(tuple(numbers), frozenset(), (unit,), body)
            result = apply(conn, plan, selection, action, actor=who.actor, note=report.note,
                           now=now, lang=lang, via="link", evidence_url=report.url or None,
                           evidence=digest)
            changed |= {number for number, _, _ in result.changed}
    return sorted(changed)


async def _change(request: Request, action: str) -> Response:
    who = await run_in_threadpool(visitor, request)
    if who.recipient is None:
        raise HTTPException(404)
    if request.method != "POST":
        # the language switch of a refused report's page points here: back to the page
        lang = page_language(request, who.lang)
        return RedirectResponse(f"/r/{who.token}?{urlencode({'lang': lang})}", status_code=303)
    web: WebContext = request.app.state.web
    form = await read_form(request, who.token)
    try:
        chosen_lang = form.get("lang")
        lang = chosen_lang if isinstance(chosen_lang, str) and chosen_lang in LANGS else \
            page_language(request, who.lang)
        try:
            report = await _report(form, web.settings.upload_limit, action == "mark")
            changed = await run_in_threadpool(_record, web, who, action, report, lang)
        except Refusal as refused:
            note, url = form.get("note"), form.get("url")
            return await run_in_threadpool(
                _show, request, who, lang, status=400, problem=refused.reason,
                note=note if isinstance(note, str) else "",
                url=url if isinstance(url, str) else "")
    finally:
        await form.close()
    query = {"lang": lang}
    if changed:
        query[f"{action}ed"] = ",".join(map(str, changed))
    else:
        query["unchanged"] = "1"
    return RedirectResponse(f"/r/{who.token}?{urlencode(query)}#notice", status_code=303)


async def mark(request: Request) -> Response:
    return await _change(request, "mark")


async def unmark(request: Request) -> Response:
    return await _change(request, "unmark")


ROUTES = [Route("/r/{token}", page),
          Route("/r/{token}/mark", mark, methods=["GET", "POST"]),
          Route("/r/{token}/unmark", unmark, methods=["GET", "POST"])]
