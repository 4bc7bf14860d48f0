"""The personal link in a mail: where it goes when the mail is rendered, what fills it when
it is sent.

A mail is rendered and stored with a slot (`notifications.slots`) where its recipient's token
goes, so the stored row and the body shared by many rows hold no token.  The sender fills the
slot just before DATA from the recipient's `link` row (made then if missing): tokens are
deterministic, so a retried mail carries the link its first try carried, and one revoked
meanwhile (`tracker links revoke`) carries the new one.  Without `TRACKER_PUBLIC_URL`, or
without a readable key, mails carry no link and read as they did before (`tracker doctor` says
why).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Connection

from notifications.slots import placeholder
from tracker.access.links import ensure, page_url, public_url, token_of
from tracker.access.secretkey import read_key
from tracker.errors import UserError

AFTER_TOKEN: Mapping[str, str] = {"link": "", "dashboard": "/dashboard"}
"""The slots a mail may hold, and what follows the token in each: the agency's page, or a
manager's live dashboard."""
SLOTS = tuple(AFTER_TOKEN)


def mail_base(db_url: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """The public address links in mail start with, or None when mails carry no link: no
    `TRACKER_PUBLIC_URL`, or no key to sign them with."""
    base = public_url(environ)
    if base is None:
        return None
    try:
        read_key(db_url, environ)
    except UserError:
        return None
    return base


def link_in_mail(base: str, slot: str = "link") -> str:
    """The link as a template writes it: `BASE/r/` and the slot the token fills."""
    return page_url(base, placeholder(slot))


def slot_values(conn: Connection, key: bytes, rows: Sequence[tuple[int, str, str]],
                now: datetime) -> dict[int, dict[str, str]]:
    """Each row's slot values by row id, from its recipient's link in its campaign (rows as
    (id, campaign, address)); links made where missing."""
    campaigns: dict[str, set[str]] = {}
    for _, campaign, email in rows:
        campaigns.setdefault(campaign, set()).add(email)
    tokens: dict[tuple[str, str], str] = {}
    for campaign, emails in campaigns.items():
        for email, link in ensure(conn, campaign, emails, now).items():
            tokens[(campaign, email)] = token_of(key, link)
    values = {}
    for row_id, campaign, email in rows:
        token = tokens[(campaign, email.lower())]
        values[row_id] = {slot: token + after for slot, after in AFTER_TOKEN.items()}
    return values
