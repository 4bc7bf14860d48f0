"""Contacts grouped into recipients: one mail per address, listing all that address owes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from sqlalchemy import Connection, func, select

from tracker.plan.model import NATIONAL, Plan
from tracker.progress.contacts import Contact, ContactBook
from tracker.store.tables import CONTACT


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    lang: str
    timezone: str
    pairs: tuple[tuple[str, str], ...]
    """(unit, body) pairs this address answers for."""

    @property
    def unit(self) -> str:
        return self.pairs[0][0]

    @cached_property
    def bodies(self) -> list[str]:
        """The bodies this address answers for, sorted (shared by all its mails: do not
        change it)."""
        return sorted({b for _, b in self.pairs})

    def escalates(self, plan: Plan) -> bool:
        """Whether it also hears which regions are behind: it answers nationally for
        `reminders.escalation_body` (the committee)."""
        body = plan.reminders.escalation_body
        return any(unit == NATIONAL and b == body for unit, b in self.pairs)

    def deadlines(self, plan: Plan) -> tuple[str, ...]:
        """The deadlines this recipient is reminded of, earliest first: those of its cells and
        of its levels' work, the escalation's if it escalates, and the results report's if it
        sends one."""
        keys: set[str] = set()
        for unit, body in self.pairs:
            keys |= plan.deadlines_of(unit, body)
            if unit != NATIONAL and body == plan.reminders.report_body:
                keys.add(plan.deadlines.results_report)
        if self.escalates(plan):
            keys.add(plan.deadlines.escalation)
        return tuple(sorted(keys, key=lambda key: (plan.day_of(key), key)))


def recipients_from(plan: Plan, book: ContactBook) -> list[Recipient]:
    """Agency contacts grouped by address (case-insensitive), in file order."""
    grouped: dict[str, list[Contact]] = {}
    for contact in book.agencies:
        grouped.setdefault(contact.email.lower(), []).append(contact)
    result = []
    for entries in grouped.values():
        first = entries[0]
        pairs: dict[tuple[str, str], None] = {}
        for contact in entries:
            assert contact.unit is not None and contact.body is not None
            pairs[(contact.unit, contact.body)] = None
        unit = next(iter(pairs))[0]
        result.append(Recipient(first.email, first.name, first.lang, plan.unit_timezone(unit),
                                tuple(pairs)))
    return result


class Owner(NamedTuple):
    """Who is at an address: the agency recipient (or None), whether a manager, and how to
    address them."""

    recipient: Recipient | None
    manager: bool
    lang: str
    name: str


def _address_book(conn: Connection, address: str) -> ContactBook:
    """The contacts of one address only: a campaign of 7,500 schools has 15,000 contacts, and
    reading and grouping them all would cost each page half a second."""
    c = CONTACT
    rows = conn.execute(select(c.c.role, c.c.unit_key, c.c.body_key, c.c.email, c.c.name,
                               c.c.lang, c.c.trusted)
                        .where(func.lower(c.c.email) == address).order_by(c.c.id)).all()
    return ContactBook(tuple(Contact(*row) for row in rows))


def owner_at(conn: Connection, plan: Plan, email: str) -> Owner | None:
    """Who is at `email` as contacts.yaml says now (see `Owner`); None when nobody is."""
    book = _address_book(conn, email.strip().lower())
    recipient = next(iter(recipients_from(plan, book)), None)
    managers = book.managers
    if recipient is None and not managers:
        return None
    if recipient is not None:
        return Owner(recipient, bool(managers), recipient.lang, recipient.name)
    return Owner(None, True, managers[0].lang, managers[0].name)
