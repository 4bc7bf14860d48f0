"""The agency's page: its assignments as its reminder lists them, and reporting them done."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tracker.web.pages import page_language, render
from tracker.web.visitor import visitor


def page(request: Request) -> Response:
    who = visitor(request)
    lang = page_language(request, who.lang)
    return render(request, "agency.html", lang=lang, who=who)


ROUTES = [Route("/r/{token}", page)]
