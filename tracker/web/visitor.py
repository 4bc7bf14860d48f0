"""Who is behind a personal link: the recipient a good token names, and what they answer for.

What a link opens is read from contacts.yaml as loaded now, not from the token: an agency sees
the assignments its address answers for (as its reminder lists them), a manager the dashboard;
an address that is both sees both.  A bad, revoked or expired token, or one whose address is no
longer in the contacts, is the same plain 404 (a caller learns nothing from it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select
from starlette.exceptions import HTTPException
from starlette.requests import Request

from tracker.access.links import Link, expires, holder
from tracker.mail.recipients import Recipient, owner_at
from tracker.plan.model import Plan
from tracker.store.tables import CAMPAIGN
from tracker.web.context import WebContext


@dataclass(frozen=True)
class Visitor:
    link: Link
    token: str
    email: str
    name: str
    lang: str
    """The recipient's language from contacts (kk, ru or both): the page's first language."""
    recipient: Recipient | None
    """The agency side: the (unit, body) pairs this address answers for; None for a manager."""
    manager: bool

    @property
    def actor(self) -> str:
        """How its changes are recorded: by the recipient's address."""
        return self.email


def current_plan(web: WebContext, conn: Connection) -> Plan:
    """The plan as loaded now: read again when staff have loaded another since (`plan load`
    while the server runs), so no page shows the old one."""
    loaded = conn.execute(select(CAMPAIGN.c.loaded_at)).scalar()
    if loaded != web.plan_loaded_at:
        web.db.forget_plan()
        web.plan_loaded_at = loaded
        web.expires = expires(web.db.plan(conn), web.environ)
    return web.db.plan(conn)


def visitor(request: Request) -> Visitor:
    """The recipient of the link in the path, or a 404 (counted by the guard)."""
    web: WebContext = request.app.state.web
    token = str(request.path_params.get("token", ""))
    db = web.db
    with db.reading() as conn:
        plan = current_plan(web, conn)
        link = holder(conn, web.key, token, plan, web.clock.now(), web.expires)
        owner = owner_at(conn, plan, link.email) if link is not None else None
    if link is None or owner is None:
        raise HTTPException(404)
    return Visitor(link, token, link.email, owner.name, owner.lang, owner.recipient,
                   owner.manager)
