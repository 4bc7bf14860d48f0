"""Contacts grouped into recipients: one mail per address, listing all that address owes."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.contacts import ContactBook
from tracker.plan.model import NATIONAL, Plan

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

    @property
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
    grouped: dict[str, list[tuple[str, str, str, str]]] = {}
    for contact in book.agencies:
        assert contact.unit is not None and contact.body is not None
        grouped.setdefault(contact.email.lower(), []).append(
            (contact.email, contact.name, contact.lang, f"{contact.unit}\0{contact.body}"))
    result = []
    for entries in grouped.values():
        email, name, lang, _ = entries[0]
        pairs = tuple(dict.fromkeys(tuple(e[3].split("\0")) for e in entries))
        pair_list = tuple((p[0], p[1]) for p in pairs)
        result.append(Recipient(email, name, lang, plan.unit_timezone(pair_list[0][0]),
                                pair_list))
    return result
