"""Contacts grouped into recipients: one mail per address, listing all that address owes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from tracker.plan.model import NATIONAL, Plan
from tracker.progress.contacts import Contact, ContactBook


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
