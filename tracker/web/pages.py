"""The page templates (templates/web): one jinja2 environment, escaping everything it shows.

Pages are rendered on the server and work without JavaScript: forms post, links are links.
Each page is in the recipient's language first (`?lang=kk|ru` switches; a GET changes nothing,
so the choice rides in the address, not in a cookie).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tracker.resources import bundled

LANGS = ("kk", "ru")


def environment(template_dir: Path | None = None) -> Environment:
    folder = (template_dir or bundled("templates")) / "web"
    return Environment(loader=FileSystemLoader(str(folder)), undefined=StrictUndefined,
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


def page_language(request: Request, first: str) -> str:
    """`?lang=` when it is kk or ru, else the recipient's own (`both` reads Kazakh first)."""
    asked = request.query_params.get("lang", "")
    if asked in LANGS:
        return asked
    return first if first in LANGS else "kk"


def render(request: Request, name: str, status_code: int = 200, **data: Any) -> HTMLResponse:
    """A page of templates/web, with what every page shows (its language, the switch)."""
    pages: Environment = request.app.state.web.pages
    html = pages.get_template(name).render(path=request.url.path, **data)
    return HTMLResponse(html, status_code=status_code)
