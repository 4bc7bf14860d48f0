"""Personal links: a signed, unguessable token per recipient of a campaign.

A token is `base64url(id, generation, MAC)`: the `link` row's id and generation, and the first
16 bytes of HMAC-SHA256 under the secret key over the campaign, the recipient's address, the id
and the generation.  Nothing secret is stored: the row holds no token, so the same token comes
out every time it is made (a retried mail carries the link its first try carried), and a copy of
the database opens nothing.  A token is good while its row's generation is the same (revoking
bumps it), the campaign is the one loaded, and the campaign has not been closed longer than the
grace (`TRACKER_LINK_GRACE_DAYS`, default 30).  What the holder may see is decided afresh from
contacts.yaml at each request (an agency's assignments, a manager's dashboard).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from tracker.errors import UserError
from tracker.plan.model import Plan
from tracker.store.tables import LINK

TOKEN_LENGTH = 30
"""Characters of a token: 4 + 2 + 16 bytes in base64url without padding."""
_PACK = struct.Struct(">IH")
_MAC_BYTES = 16
GRACE_ENV = "TRACKER_LINK_GRACE_DAYS"
DEFAULT_GRACE_DAYS = 30


@dataclass(frozen=True)
class Link:
    id: int
    campaign: str
    email: str
    generation: int
    created_at: datetime
    revoked_at: datetime | None


def _mac(key: bytes, campaign: str, email: str, ident: int, generation: int) -> bytes:
    message = f"tracker-link-v1\n{campaign}\n{email}\n{ident}\n{generation}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()[:_MAC_BYTES]


def token_of(key: bytes, link: Link) -> str:
    raw = _PACK.pack(link.id, link.generation) + _mac(key, link.campaign, link.email, link.id,
                                                      link.generation)
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode(token: str) -> tuple[int, int, bytes] | None:
    if len(token) != TOKEN_LENGTH or not token.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "==")
    except (binascii.Error, ValueError):
        return None
    if len(raw) != _PACK.size + _MAC_BYTES:
        return None
    if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != token:
        return None  # the last character has spare bits: only the one spelling is the token
    ident, generation = _PACK.unpack(raw[:_PACK.size])
    return ident, generation, raw[_PACK.size:]


def link_id(token: str) -> int | None:
    """The id of the link row a token names, if it is spelled as a token at all (whether it is
    good is `holder`'s question)."""
    decoded = _decode(token)
    return None if decoded is None else decoded[0]


def grace(environ: Mapping[str, str] = os.environ) -> timedelta:
    """How long links stay good after the campaign closes; a bad value is refused in words."""
    raw = environ.get(GRACE_ENV, "").strip()
    if not raw:
        return timedelta(days=DEFAULT_GRACE_DAYS)
    if not raw.isdigit() or int(raw) > 3650:
        raise UserError.said("link.bad_grace", variable=GRACE_ENV, value=raw)
    return timedelta(days=int(raw))


def campaign_closes(plan: Plan) -> datetime:
    """The end of the campaign's last deadline day in the westernmost of its zones."""
    from tracker.progress.cellstate import day_end

    day = plan.last_deadline
    zones = {plan.unit_timezone(unit) for unit in plan.unit_keys}
    return max(day_end(day, zone) for zone in zones)


def expires(plan: Plan, environ: Mapping[str, str] = os.environ) -> datetime:
    return campaign_closes(plan) + grace(environ)


def _row(found: object) -> Link:
    return Link(*found)  # type: ignore[misc]


_COLUMNS = (LINK.c.id, LINK.c.campaign, LINK.c.email, LINK.c.generation, LINK.c.created_at,
            LINK.c.revoked_at)


def ensure(conn: Connection, campaign: str, emails: Iterable[str], now: datetime
           ) -> dict[str, Link]:
    """The links of these recipients (by lower-cased address), made where missing; safe when
    several senders or pages make the same link at once (the second insert is skipped, not an
    error that would fail the caller's transaction)."""
    from tracker.store.database import upsert_insert

    wanted = {email.lower() for email in emails}
    found = {link.email: link for link in _links(conn, campaign, wanted)}
    missing = sorted(wanted - found.keys())
    if missing:
        conn.execute(upsert_insert(conn, LINK).on_conflict_do_nothing(
            index_elements=["campaign", "email"]),
            [{"campaign": campaign, "email": email, "generation": 0, "created_at": now,
              "revoked_at": None} for email in missing])
        found.update({link.email: link for link in _links(conn, campaign, set(missing))})
    return found


def _links(conn: Connection, campaign: str, emails: set[str]) -> list[Link]:
    if not emails:
        return []
    rows = conn.execute(select(*_COLUMNS).where(LINK.c.campaign == campaign,
                                                LINK.c.email.in_(sorted(emails)))).all()
    return [_row(row) for row in rows]


def revoke(conn: Connection, campaign: str, email: str, now: datetime) -> Link:
    """Kill every token of this recipient made so far; the next one made is new."""
    link = ensure(conn, campaign, [email], now)[email.lower()]
    conn.execute(update(LINK).where(LINK.c.id == link.id)
                 .values(generation=LINK.c.generation + 1, revoked_at=now))
    return _links(conn, campaign, {link.email})[0]


def holder(conn: Connection, key: bytes, token: str, plan: Plan, now: datetime,
           until: datetime | None = None) -> Link | None:
    """The link this token is, if it is good now (`until`: when links of this plan expire, if
    the caller has it at hand): else None, whatever the reason (a caller learns nothing from a
    refusal)."""
    decoded = _decode(token)
    if decoded is None:
        return None
    ident, generation, mac = decoded
    row = conn.execute(select(*_COLUMNS).where(LINK.c.id == ident)).first()
    if row is None:
        # compare anyway, so that an unknown id costs what a wrong MAC does
        hmac.compare_digest(mac, _mac(key, plan.key, "", ident, generation))
        return None
    link = _row(row)
    good = hmac.compare_digest(mac, _mac(key, link.campaign, link.email, ident, generation))
    if not good or generation != link.generation or link.campaign != plan.key:
        return None
    if now >= (until or expires(plan)):
        return None
    return link


def public_url(environ: Mapping[str, str] = os.environ) -> str | None:
    """`TRACKER_PUBLIC_URL` without its trailing slash: the address agencies see."""
    value = environ.get("TRACKER_PUBLIC_URL", "").strip().rstrip("/")
    return value or None


def page_url(base: str, token: str) -> str:
    """A recipient's page: `BASE/r/TOKEN` (the agency's page, or a manager's dashboard)."""
    return f"{base}/r/{token}"
