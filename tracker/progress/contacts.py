"""Who receives what: agency recipients per region and body, the committee, and managers;
and whom the mails name to answer questions (the reply address, the coordinator).

contacts.yaml is checked like plan.yaml (file, line and field named on any mistake) and loaded
whole: the database then holds exactly what the file says, so removing a person from the file
stops their mail.  The reply address and the coordinator are settings (`tracker.store.settings`),
the coordinator as one JSON value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from tracker.errors import PlanError
from tracker.fieldrules import ADDRESS_MAX, KEY_MAX, NAME_MAX, PHONE_MAX, line_problem
from tracker.plan.fields import Fields
from tracker.plan.model import NATIONAL, Plan
from tracker.plan.yamlsource import LineList, load_yaml
from tracker.store.tables import CONTACT
from tracker.wording import Phrase

LANGS = ("kk", "ru", "both")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]*[0-9](?: ?(?:ext\.?|доб\.?|ішкі) ?[0-9]{1,6})?$")
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


@dataclass(frozen=True)
class Contact:
    role: str  # "agency" or "manager"
    unit: str | None
    body: str | None
    email: str
    name: str
    lang: str
    trusted: bool = False
    """Its replies to our own reminders apply without waiting for staff (tracker.inbox)."""


@dataclass(frozen=True)
class Coordinator:
    """The person the mails name for questions: a name and a phone, an address if given."""

    name: str
    phone: str
    email: str | None = None

    def as_json(self) -> dict[str, str | None]:
        return {"name": self.name, "phone": self.phone, "email": self.email}


@dataclass(frozen=True)
class ContactBook:
    contacts: tuple[Contact, ...]
    reply_to: str | None = None
    coordinator: Coordinator | None = None

    @property
    def agencies(self) -> tuple[Contact, ...]:
        return tuple(c for c in self.contacts if c.role == "agency")

    @property
    def managers(self) -> tuple[Contact, ...]:
        return tuple(c for c in self.contacts if c.role == "manager")


def check_email(value: str, fail: object) -> str:
    """An address the sender will accept: its own check (notifications.headers) decides, so
    an address taken here cannot stop a mail later."""
    from notifications.errors import MessageError
    from notifications.headers import validate_addr_spec

    text = value.strip()
    assert callable(fail)
    problem = line_problem(text, ADDRESS_MAX)
    if problem:
        fail(Phrase("file.email_problem", value=text[:ADDRESS_MAX], problem=problem))
    if not _EMAIL.match(text):
        fail(Phrase("file.not_email", value=text))
    try:
        validate_addr_spec(text, "address")
    except MessageError as exc:
        fail(Phrase("file.email_reason", value=text, reason=str(exc).split(":")[0]))
    return text


def load_contacts(path: Path, plan: Plan, label: str | None = None) -> ContactBook:
    """Read and validate a contacts file against the plan's regions and bodies."""
    source = label or str(path)
    root = Fields(source, load_yaml(path, source), "")
    root.only("reply_to", "coordinator", "contacts", "managers")
    reply_to = None
    if root.has("reply_to"):
        line = root.line("reply_to")
        reply_to = check_email(root.string("reply_to"), lambda m: root.fail(m, line))
    coordinator = _coordinator(root.sub("coordinator", "coordinator")) \
        if root.has("coordinator") else None
    contacts: list[Contact] = []
    seen: dict[tuple[str | None, str | None, str], int] = {}
    for role, key in (("agency", "contacts"), ("manager", "managers")):
        entries = root.sequence(key) if root.has(key) else LineList()
        for index, raw in enumerate(entries):
            line = entries.line_of(index)
            entry = Fields(source, raw, Phrase(f"where.{key}", key=index + 1), line)
            contact = _contact(entry, role, plan)
            identity = (contact.unit, contact.body, contact.email.lower())
            if identity in seen:
                entry.fail(Phrase("file.email_twice", email=contact.email,
                                  line=seen[identity]), line)
            seen[identity] = line
            contacts.append(contact)
    if not contacts:
        raise PlanError.worded(source, None, "file.no_contacts")
    return ContactBook(tuple(contacts), reply_to, coordinator)


def _coordinator(entry: Fields) -> Coordinator:
    entry.only("name", "phone", "email")
    name = entry.string("name", maximum=NAME_MAX)
    phone = entry.string("phone", maximum=PHONE_MAX)
    if not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 5:
        entry.fail(Phrase("file.not_phone", value=phone), entry.line("phone"))
    email = None
    if entry.has("email"):
        email = check_email(entry.string("email"), lambda m: entry.fail(m, entry.line("email")))
    return Coordinator(name, phone, email)


def _contact(entry: Fields, role: str, plan: Plan) -> Contact:
    unit = body = None
    if role == "agency":
        entry.only("unit", "body", "email", "name", "lang", "trusted")
        unit = entry.string("unit", maximum=KEY_MAX)
        body = entry.string("body", maximum=KEY_MAX)
        if unit != NATIONAL and unit not in plan.regions_by_key:
            entry.fail(Phrase("file.contact_region", value=unit, national=NATIONAL),
                       entry.line("unit"))
        if body not in plan.bodies:
            entry.fail(Phrase("file.contact_body", value=body, keys=", ".join(plan.bodies)),
                       entry.line("body"))
        level = plan.bodies[body].level
        if (unit == NATIONAL) != (level == "national"):
            entry.fail(Phrase(f"file.body_{level}", value=body), entry.line("unit"))
    else:
        entry.only("email", "name", "lang")
    email = check_email(entry.string("email"), lambda m: entry.fail(m, entry.line("email")))
    name = entry.string("name", maximum=NAME_MAX)
    lang = entry.string("lang") if entry.has("lang") else "both"
    if lang not in LANGS:
        entry.fail(Phrase("file.contact_lang", value=lang), entry.line("lang"))
    trusted = entry.boolean("trusted", False)
    return Contact(role, unit, body, email, name, lang, trusted)


def store_contacts(conn: Connection, book: ContactBook) -> int:
    """Replace the stored contacts with the book's, in the caller's transaction."""
    conn.execute(delete(CONTACT))
    conn.execute(insert(CONTACT), [
        {"role": c.role, "unit_key": c.unit, "body_key": c.body, "email": c.email,
         "name": c.name, "lang": c.lang, "trusted": c.trusted} for c in book.contacts])
    from tracker.store.settings import bump_content_version, set_setting

    bump_content_version(conn)
    set_setting(conn, "reply_to", book.reply_to or "")
    coordinator = book.coordinator
    set_setting(conn, "coordinator", json.dumps(coordinator.as_json(), ensure_ascii=False)
                if coordinator else "")
    return len(book.contacts)


def stored_contacts(conn: Connection) -> ContactBook:
    rows = conn.execute(select(CONTACT.c.role, CONTACT.c.unit_key, CONTACT.c.body_key,
                               CONTACT.c.email, CONTACT.c.name, CONTACT.c.lang,
                               CONTACT.c.trusted)
                        .order_by(CONTACT.c.id)).all()
    from tracker.store.settings import get_setting

    return ContactBook(tuple(Contact(*row) for row in rows),
                       get_setting(conn, "reply_to") or None, stored_coordinator(conn))


def stored_coordinator(conn: Connection) -> Coordinator | None:
    """The coordinator of the contacts last loaded, if they named one."""
    from tracker.store.settings import get_setting

    value = get_setting(conn, "coordinator")
    return Coordinator(**json.loads(value)) if value else None


@dataclass(frozen=True)
class Gap:
    unit: str
    body: str
    items: tuple[int, ...]


def contact_gaps(plan: Plan, book: ContactBook) -> list[Gap]:
    """Required assignments that no contact would be reminded of, by (unit, body)."""
    covered = {(c.unit, c.body) for c in book.agencies}
    missing: dict[tuple[str, str], list[int]] = {}
    for item in plan.items:
        for unit in plan.units_of(item):
            for body in plan.required_bodies(item, unit):
                if (unit, body) not in covered:
                    missing.setdefault((unit, body), []).append(item.number)
    order = {u: i for i, u in enumerate(plan.unit_keys)}
    return [Gap(unit, body, tuple(items)) for (unit, body), items in
            sorted(missing.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))]
