"""What every POST of a page goes through: the size cap, the CSRF token, the origin.

A GET never changes anything (mail scanners open links); every change is a POST carrying a CSRF
token, an HMAC of the page's own token under the secret key, so a page of another site cannot
post for the recipient, and a form copied from one recipient's page does not work on another's.
A request from a browser that says where it comes from (Origin) must come from this server.
The body's size is capped before it is read (tracker.web.guard); files are read whole only
within that cap.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from tracker.web.context import WebContext

CSRF_FIELD = "csrf"


def csrf_token(web: WebContext, token: str) -> str:
    return hmac.new(web.key, f"tracker-csrf-v1\n{token}".encode(), hashlib.sha256).hexdigest()


def _same_origin(request: Request, web: WebContext) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        # not sent (an old browser), or hidden: under `Referrer-Policy: no-referrer` (the
        # guard's) Chromium sends `Origin: null` with a form's POST; the CSRF token decides
        return True
    allowed = {f"{request.url.scheme}://{request.url.netloc}"}
    if web.settings.public_url:
        parts = urlsplit(web.settings.public_url)
        allowed.add(f"{parts.scheme}://{parts.netloc}")
    return origin in allowed


async def read_form(request: Request, token: str) -> FormData:
    """The posted form, once its CSRF token and origin are right; else 403 (nothing read on)."""
    web: WebContext = request.app.state.web
    if not _same_origin(request, web):
        raise HTTPException(403)
    form = await request.form(max_files=1, max_fields=200,
                              max_part_size=web.settings.upload_limit)
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, csrf_token(web, token)):
        await form.close()
        raise HTTPException(403)
    return form


async def file_of(form: FormData, name: str, limit: int) -> tuple[str, bytes] | None:
    """The uploaded file in field `name` as (its name as sent, its bytes), None when no file
    was chosen; larger than `limit` is a 413."""
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    data = await value.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413)
    return value.filename, data
