"""Contacts grouped into recipients: one mail per address, listing all that address owes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from tracker.plan.model import NATIONAL, Plan
from tracker.progress.contacts import Contact, ContactBook

COMMITTEE = "committee"


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

    @cached_property
    def escalates(self) -> bool:
        """The committee also hears which regions are behind."""
        return any(unit == NATIONAL and body == COMMITTEE for unit, body in self.pairs)

    def deadlines(self, plan: Plan) -> tuple[str, ...]:
        """The deadlines this recipient is reminded of, earliest first."""
        keys: set[str] = set()
        for unit, body in self.pairs:
            if unit == NATIONAL:
                keys.add("final_report")
                continue
            keys.add("regional_report")
            if body in plan.bodies_with_window_items:
                keys.add("window_end")
        return tuple(sorted(keys, key=lambda k: plan.milestones[k].date))


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
