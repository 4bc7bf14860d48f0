"""Automatic replies are recognised by their headers and, when a program sets none, by the
subjects Outlook, Gmail, Yandex, Mail.ru and Lotus Notes write in Kazakh, Russian and
English; a person's reply (even one that says they are on leave, or that Outlook marked with
X-Auto-Response-Suppress) is not one."""

from __future__ import annotations

import pytest

from tests.bounce_samples import auto_reply
from tracker.inbox.autoreply import automatic
from tracker.inbox.letter import read_letter

REMINDER = "«Қауіпсіз интернет»: еске салу / напоминание"

BY_SUBJECT = [
    f"Automatic reply: {REMINDER}",  # Outlook, English
    f"Автоматический ответ: {REMINDER}",  # Outlook, Russian
    f"Автоматты жауап: {REMINDER}",  # Outlook, Kazakh
    f"Out of Office: {REMINDER}",  # Outlook 2007, Exchange 2003
    f"Out of Office AutoReply: {REMINDER}",
    f"Нет на месте: {REMINDER}",  # Outlook 2007, Russian
    f"Автоответ: Re: {REMINDER}",  # Yandex, Mail.ru
    "Автоответ",
    "Демалыстамын",  # a Kazakh official's own subject: "I am on leave"
    "Жұмыста жоқпын 5 мамырға дейін",
    "Я в отпуске до 5 мая",
    "AUTO: Aigul Serikovna is out of the office (returning 05.05.2017)",  # Lotus Notes
    f"Re: {REMINDER} (автоответ)",
    f"Autoreply: {REMINDER}",
]


@pytest.mark.parametrize("subject", BY_SUBJECT)
def test_an_automatic_subject(subject: str) -> None:
    assert automatic(read_letter(auto_reply(subject))) == f"subject: {subject}"


BY_HEADER = [
    ("Auto-Submitted: auto-replied\n", "Auto-Submitted: auto-replied"),  # Gmail's vacation
    ("Auto-Submitted: auto-generated\nX-Auto-Response-Suppress: All\n",  # Exchange's OOF
     "Auto-Submitted: auto-generated"),
    ("X-Autoreply: yes\n", "X-Autoreply: yes"),
    ("X-Autorespond: =?utf-8?b?0J7RgtC/0YPRgdC6?=\n", "X-Autorespond: Отпуск"),
    ("Precedence: bulk\n", "Precedence: bulk"),
    ("Precedence: junk\n", "Precedence: junk"),
    ("Precedence: list\n", "Precedence: list"),
    ("Precedence: auto_reply\n", "Precedence: auto_reply"),
]


@pytest.mark.parametrize(("headers", "why"), BY_HEADER)
def test_an_automatic_header(headers: str, why: str) -> None:
    letter = read_letter(auto_reply(f"Re: {REMINDER}", headers=headers))
    assert automatic(letter) == why


def _read_receipt() -> bytes:
    """Outlook's read receipt (RFC 8098), in Russian."""
    return (b"From: <edu@astana.example>\r\nTo: safe-internet@bkk.edu.example\r\n"
            b"Subject: =?utf-8?b?0J/RgNC+0YfQuNGC0LDQvdC+OiDQldGB0LrQtdGA0YLRgw==?=\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/report; "
            b"report-type=disposition-notification; boundary=\"r\"\r\n\r\n"
            b"--r\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            b"\xd0\x9f\xd1\x80\xd0\xbe\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd0\xbd\xd0\xbe\r\n"
            b"--r\r\nContent-Type: message/disposition-notification\r\n\r\n"
            b"Final-Recipient: rfc822;edu@astana.example\r\n"
            b"Disposition: automatic-action/MDN-sent-automatically; displayed\r\n\r\n"
            b"--r--\r\n")


def test_reports_are_a_machines() -> None:
    """A read receipt, and a delivery report that is no failure (the bounce reader, asked
    first, says None of a delay warning): noted, never answered."""
    from tests.bounce_samples import postfix_dsn

    receipt = read_letter(_read_receipt())
    assert automatic(receipt) == "multipart/report; report-type=disposition-notification"
    delayed = postfix_dsn("edu@astana.example", "<a@b.example>", "delayed", "4.4.1")
    assert automatic(read_letter(delayed.replace(b"Auto-Submitted: auto-replied\r\n", b""))
                     ) == "multipart/report; report-type=delivery-status"


PEOPLE = [
    (f"Re: {REMINDER}", "Auto-Submitted: no\n"),
    (f"RE: {REMINDER}", "X-Auto-Response-Suppress: All\n"),  # Outlook sets it on every mail
    (f"Re: {REMINDER}", "Precedence: normal\n"),
    (f"Re: {REMINDER}: 5, 6 орындалды", ""),
    (f"Re: {REMINDER} — исполнитель в отпуске, ответит заместитель", ""),
    ("Автоматизация отчётов: пункт 12 выполнен", ""),
    ("Auto: отчёт по пункту 7", ""),  # a person's "Auto", not Lotus Notes' capitals
]


@pytest.mark.parametrize(("subject", "headers"), PEOPLE)
def test_a_person_wrote_it(subject: str, headers: str) -> None:
    assert automatic(read_letter(auto_reply(subject, headers=headers))) is None
