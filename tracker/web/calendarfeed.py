"""A recipient's deadlines as a calendar feed at their link: GET /r/{token}/calendar.ics.

A calendar client subscribes to the address once and reads it again every hour or so; the feed
is built on each read (tracker.deadlinecalendar), so it shows what has been reported since.
A GET, like every GET here, changes nothing.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tracker.deadlinecalendar import deadline_calendar
from tracker.mail.recipients import Owner
from tracker.web.context import WebContext
from tracker.web.pages import page_language
from tracker.web.visitor import visitor

MEDIA_TYPE = "text/calendar; charset=utf-8"


def feed(request: Request) -> Response:
    who = visitor(request)
    web: WebContext = request.app.state.web
    asked = page_language(request, who.lang) if "lang" in request.query_params else who.lang
    plan = web.db.plan()
    with web.db.reading() as conn:
        calendar = deadline_calendar(conn, plan, who.email, web.clock.now(), asked,
                                     Owner(who.recipient, who.manager, who.lang, who.name))
    if calendar is None:
        raise HTTPException(404)
    return Response(calendar.to_ical(), media_type=MEDIA_TYPE,
                    headers={"content-disposition": 'inline; filename="deadlines.ics"'})


ROUTES = [Route("/r/{token}/calendar.ics", feed)]
