"""The loaded contacts for readers: `contacts list`, JSON for scripts, a table for a terminal.

The JSON mirrors contacts.yaml (reply_to, coordinator, contacts, managers) with fixed keys, so
what `contacts load` took can be checked against the file; the table names regions and bodies
in the language chosen with --lang.
"""

from __future__ import annotations

from typing import Any

from tracker.brief import brief
from tracker.plan.model import Plan
from tracker.progress.contacts import Contact, ContactBook

_WORDS: dict[str, dict[str, str]] = {
    "kk": {"reply_to": "Жауап мекенжайы", "coordinator": "Үйлестіруші", "none": "жоқ",
           "unit": "Өңір", "body": "Орындаушы", "email": "Мекенжай", "name": "Аты",
           "lang": "Тіл", "managers": "Шолу алатын басшылар", "both": "kk+ru",
           "count": "барлығы {agencies} орындаушы мекенжайы, {managers} басшы",
           "empty": "байланыстар жүктелмеген: tracker contacts load FILE",
           "trusted": "сенімді мекенжайлар (жауап хаттары бірден қабылданады): {emails}"},
    "ru": {"reply_to": "Адрес для ответа", "coordinator": "Координатор", "none": "нет",
           "unit": "Регион", "body": "Исполнитель", "email": "Адрес", "name": "Имя",
           "lang": "Язык", "managers": "Руководители, получающие сводку", "both": "kk+ru",
           "count": "всего адресов исполнителей: {agencies}, руководителей: {managers}",
           "empty": "контакты не загружены: tracker contacts load FILE",
           "trusted": "доверенные адреса (ответные письма принимаются сразу): {emails}"},
    "en": {"reply_to": "Reply to", "coordinator": "Coordinator", "none": "none",
           "unit": "Region", "body": "Body", "email": "Email", "name": "Name",
           "lang": "Lang", "managers": "Managers (the digest)", "both": "kk+ru",
           "count": "{agencies} agency contact(s), {managers} manager(s)",
           "empty": "no contacts loaded: tracker contacts load FILE",
           "trusted": "trusted addresses (their replies apply at once): {emails}"},
}


CELL_MAX = 48
"""Characters of a name the table shows (the association's name runs to 125); JSON has all."""


def words(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["kk"])


def contacts_json(book: ContactBook) -> dict[str, Any]:
    """`contacts list --json`: what contacts.yaml said, in its order."""
    return {
        "reply_to": book.reply_to,
        "coordinator": book.coordinator.as_json() if book.coordinator else None,
        "contacts": [{"unit": c.unit, "body": c.body, "email": c.email, "name": c.name,
                      "lang": c.lang, "trusted": c.trusted} for c in book.agencies],
        "managers": [{"email": c.email, "name": c.name, "lang": c.lang}
                     for c in book.managers],
    }


def contacts_text(plan: Plan, book: ContactBook, lang: str) -> list[str]:
    """`contacts list`: the reply address and coordinator, then a table of the agencies and
    one of the managers."""
    w = words(lang)
    if not book.contacts:
        return [w["empty"]]
    coordinator = book.coordinator
    lines = [f"{w['reply_to']}: {book.reply_to or w['none']}",
             f"{w['coordinator']}: " + (", ".join(filter(None, (
                 coordinator.name, coordinator.phone, coordinator.email)))
                 if coordinator else w["none"]), ""]
    rows = [(plan.unit_name(c.unit or "", lang),
             brief(plan.bodies[c.body].name.get(lang), CELL_MAX) if c.body in plan.bodies
             else str(c.body), *_person(c, w)) for c in book.agencies]
    lines += _table([(w["unit"], w["body"], w["email"], w["name"], w["lang"]), *rows])
    if book.managers:
        lines += ["", f"{w['managers']}:"]
        lines += _table([(w["email"], w["name"], w["lang"]),
                         *(_person(c, w) for c in book.managers)])
    trusted = sorted({c.email for c in book.agencies if c.trusted})
    if trusted:
        lines += ["", w["trusted"].format(emails=", ".join(trusted))]
    lines += ["", w["count"].format(agencies=len(book.agencies), managers=len(book.managers))]
    return lines


def _person(contact: Contact, w: dict[str, str]) -> tuple[str, str, str]:
    return (contact.email, brief(contact.name, CELL_MAX),
            w["both"] if contact.lang == "both" else contact.lang)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    """Columns padded to their widest cell; the last one is not padded."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)),
                       row[-1]]).rstrip() for row in rows]
