"""Raw replies to a reminder as agencies' mail programs write them, for the inbox's tests.

Each builder returns the message's bytes as it would arrive over IMAP: Outlook (plain twin in
Windows-1251 quoted-printable, HTML with Word's markup, the original below «От:/Отправлено:»),
Gmail (UTF-8 base64, «... жазды:» / «..., Имя <адрес>:» over `>` lines, gmail_quote HTML),
Thunderbird (format=flowed, «... пишет:», a bottom-posted answer, a "-- " signature; also KOI8-R
8bit), an iPhone (quoted-printable, "Отправлено с iPhone", the attribution inside the quote),
and Samsung's Android mail (HTML only, base64, «-------- Исходное сообщение --------»).

What they quote is the tracker's real reminder: inbox_reminder.txt and .html were rendered by
`tracker remind send` from templates/reminder.* for Akmola's education department at
2017-04-18T10:30+06:00 (item 5 marked), as the aiosmtpd test server received it.

`SAMPLES` holds ready messages with what reading them must give; `reply` builds any other
(another sender, the Message-ID of a real outbox row, a results form attached).
"""

from __future__ import annotations

import base64
import email.header
import email.policy
import io
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
REMINDER_ID = "b4adb6767321578b26273e0c4969d87e@bkk.edu.example"
"""The Message-ID the reminder went out with (the outbox's, for Akmola's education)."""
REMINDER_FROM = "«Қауіпсіз интернет» <noreply@bkk.edu.example>"
REMINDER_SUBJECT = ("«Қауіпсіз интернет»: мерзімге 3 күн қалды (21.04.2017) / "
                    "«Безопасный интернет»: до срока осталось 3 дня (21.04.2017)")
REPLY_TO = "safe-internet@bkk.edu.example"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
_WIRE = email.policy.SMTP.clone(refold_source="none")
"""CRLF lines, headers written as the client wrote them (the library would refold them)."""
CLIENTS = ("outlook", "gmail", "thunderbird", "iphone", "android")


@cache
def reminder_text() -> str:
    return (HERE / "inbox_reminder.txt").read_text(encoding="utf-8")


@cache
def reminder_html() -> str:
    return (HERE / "inbox_reminder.html").read_text(encoding="utf-8")


def results_form(unit: str = "akmola") -> tuple[str, bytes]:
    """The tracker's own exported results form for `unit` (as the reminder attaches it)."""
    from tracker.mail.resultsform import region_form
    from tracker.plan.loader import load_plan

    form = region_form(load_plan(HERE.parent / "plan.yaml"), None, unit)
    return form.filename, form.data


def small_pdf() -> bytes:
    """A minimal PDF, as a scanned order would start."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
            b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@dataclass(frozen=True)
class File:
    name: str
    content_type: str
    data: bytes
    name_form: str = "rfc2231"
    """How the name is written: `rfc2231` (filename*=utf-8''..., Thunderbird, Gmail's newer
    form), `rfc2047` (name="=?utf-8?B?...?=", Outlook, Gmail), or `plain`."""


def _encoded_word(text: str, charset: str = "utf-8") -> str:
    """`text` as RFC 2047 words; a Cyrillic code page loses what it lacks ("?"), as Outlook's
    does."""
    if charset == "utf-8":
        return email.header.Header(text, charset).encode()
    data = base64.b64encode(text.encode(charset, "replace")).decode("ascii")
    label = "windows-1251" if charset == "cp1251" else charset
    return f"=?{label}?B?{data}?="


def _quoted(text: str) -> str:
    return "\n".join((">" if not line else "> " + line) for line in text.split("\n"))


def _text_part(text: str, subtype: str, charset: str, cte: str) -> EmailMessage:
    part = EmailMessage(policy=email.policy.SMTP)
    data = text.replace("\n", "\r\n").encode(charset, "replace")  # as Outlook: "?"
    part.set_content(data, maintype="text", subtype=subtype, cte=cte)
    part.set_param("charset", charset.upper() if charset != "cp1251" else "windows-1251")
    if subtype == "plain" and charset == "utf-8" and cte == "8bit":
        part.set_param("format", "flowed")
    return part


def _file_part(file: File) -> EmailMessage:
    part = EmailMessage(policy=email.policy.SMTP)
    maintype, subtype = file.content_type.split("/", 1)
    part.set_content(file.data, maintype=maintype, subtype=subtype, cte="base64")
    del part["Content-Disposition"]
    if file.name_form == "rfc2047":
        word = _encoded_word(file.name)
        part.set_param("name", word)
        part.set_raw("Content-Disposition", f'attachment; filename="{word}"')
    elif file.name_form == "plain":
        part.set_param("name", file.name)
        part.set_raw("Content-Disposition", f'attachment; filename="{file.name}"')
    else:
        part.add_header("Content-Disposition", "attachment", filename=file.name)
    return part


def _html_page(body: str, quoted_html: str, client: str, attribution: str) -> str:
    inner = quoted_html.split("<body", 1)[-1].split(">", 1)[-1].rsplit("</body>", 1)[0]
    typed = "".join(f"<p class=MsoNormal>{line or '&nbsp;'}<o:p></o:p></p>"
                    if client == "outlook" else f"<div>{line or '<br>'}</div>"
                    for line in body.split("\n"))
    if client == "outlook":
        return ("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head>"
                "<meta http-equiv=Content-Type content=\"text/html; charset=utf-8\">"
                "<style><!-- p.MsoNormal{margin:0cm;font-size:11.0pt} --></style></head>"
                f"<body lang=RU><div class=WordSection1>{typed}"
                "<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm'>"
                f"<p class=MsoNormal>{attribution}</p></div>{inner}</div></body></html>")
    if client == "android":
        return (f"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                f"charset=UTF-8\"></head><body><div dir=\"auto\">{typed}</div><br><br>"
                f"<div style=\"font-size:100%;color:#000000\"><div>{attribution}</div>"
                f"{inner}</div></body></html>")
    return (f"<div dir=\"ltr\">{typed}</div><br><div class=\"gmail_quote\">"
            f"<div dir=\"ltr\" class=\"gmail_attr\">{attribution}<br></div>"
            "<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;"
            f"border-left:1px solid rgb(204,204,204);padding-left:1ex\">{inner}</blockquote>"
            "</div>")


_ATTRIBUTION = {
    ("outlook", "ru"): ("From: {who}\nSent: Tuesday, April 18, 2017 10:30 AM\n"
                        "To: edu@akmola.example\nSubject: {subject}", True),
    ("outlook", "ru-local"): ("-----Исходное сообщение-----\nОт: {who}\n"
                              "Отправлено: 18 апреля 2017 г. 10:30\nКому: edu@akmola.example\n"
                              "Тема: {subject}", True),
    ("outlook", "kk"): ("Кімнен: {who}\nЖіберілді: 18 сәуір 2017 ж. 10:30\n"
                        "Кімге: edu@akmola.example\nТақырып: {subject}", True),
    ("gmail", "ru"): ("вт, 18 апр. 2017 г. в 10:30, {who}:", False),
    ("gmail", "kk"): ("2017 ж. 18 сәу., сс 10:30 {who} жазды:", False),
    ("thunderbird", "ru"): ("18.04.2017 10:30, noreply@bkk.edu.example пишет:", False),
    ("thunderbird", "kk"): ("18.04.2017 10:30, noreply@bkk.edu.example жазды:", False),
    ("iphone", "ru"): ("18 апр. 2017 г., в 10:30, {who} написал(а):", False),
    ("iphone", "kk"): ("2017 ж. 18 сәу., 10:30 уақытта {who} жазды:", False),
    ("android", "ru"): ("-------- Исходное сообщение --------\nОт: {who}\n"
                        "Дата: 18.04.2017 10:30 (GMT+06:00)\nКому: edu@akmola.example\n"
                        "Тема: {subject}", True),
    ("android", "kk"): ("-------- Бастапқы хабар --------\nКімнен: {who}\n"
                        "Күні: 18.04.2017 10:30 (GMT+06:00)\nКімге: edu@akmola.example\n"
                        "Тақырып: {subject}", True),
}
"""Client and language → (what introduces the original, whether the original follows
unquoted below it)."""
_SIGN_OFF = {"iphone": {"ru": "Отправлено с iPhone", "kk": "iPhone-нан жіберілді"},
             "android": {"ru": "Отправлено с устройства Samsung Galaxy",
                         "kk": "Samsung Galaxy-ден жіберілді"}}


def reply(body: str, *, client: str = "gmail", lang: str = "ru", sender: str =
          "edu@akmola.example", name: str = "Ақмола облысы білім басқармасы",
          answers: str | None = REMINDER_ID, charset: str = "utf-8", cte: str | None = None,
          html: bool | None = None, files: Sequence[File] = (), bottom: bool = False,
          signature: str = "", message_id: str = "reply-1@akmola.example",
          quoted: str | None = None, date: str = "Tue, 18 Apr 2017 15:02:11 +0600",
          html_only: bool = False) -> bytes:
    """A reply with `body` typed above (or, `bottom`, below) the reminder it quotes, written as
    `client` writes it in `lang` ('kk', 'ru', or 'ru-local' for Outlook's localised header)."""
    quoted_text = reminder_text() if quoted is None else quoted
    header, unquoted = _ATTRIBUTION[(client, lang)] if (client, lang) in _ATTRIBUTION else \
        _ATTRIBUTION[(client, "ru")]
    attribution = header.format(who=REMINDER_FROM, subject="RE: " + REMINDER_SUBJECT)
    typed = body + (f"\n\n-- \n{signature}" if signature else "")
    sign_off = _SIGN_OFF.get(client, {}).get(lang[:2], "")
    if sign_off:
        typed += "\n\n" + sign_off
    if unquoted:
        plain = f"{typed}\n\n{attribution}\n\n{quoted_text}"
    elif client == "iphone":
        plain = f"{typed}\n\n{_quoted(attribution + chr(10) + chr(10) + quoted_text)}"
    elif bottom:
        plain = f"{attribution}\n{_quoted(quoted_text)}\n\n{typed}"
    else:
        plain = f"{typed}\n\n{attribution}\n\n{_quoted(quoted_text)}\n"
    with_html = (client in ("outlook", "gmail", "iphone", "android")) if html is None else html
    transfer = cte or {"outlook": "quoted-printable", "gmail": "base64", "thunderbird": "8bit",
                       "iphone": "quoted-printable", "android": "base64"}[client]
    text_part = _text_part(plain, "plain", charset, transfer)
    if with_html:
        page = _html_page(typed.replace("<", "&lt;"), reminder_html() if quoted is None
                          else f"<body><p>{quoted}</p></body>", client,
                          attribution.replace("<", "&lt;").replace("\n", "<br>"))
        html_part = _text_part(page, "html", "utf-8" if charset == "utf-8" else charset,
                               transfer)
        if client == "android" or html_only:
            readable = html_part  # Samsung's mail sends HTML only
        else:
            readable = EmailMessage(policy=email.policy.SMTP)
            readable.set_content("")
            readable.make_alternative()
            readable.set_payload([text_part, html_part])
            readable.set_boundary(f"_000_{client}_alt_")
    else:
        readable = text_part
    if files:
        message = EmailMessage(policy=email.policy.SMTP)
        message.set_content("")
        message.make_mixed()
        message.set_payload([readable, *(_file_part(f) for f in files)])
        message.set_boundary(f"_004_{client}_mixed_")
    else:
        message = readable
    _headers(message, client=client, sender=sender, name=name, answers=answers,
             message_id=message_id, date=date, charset=charset)
    return message.as_bytes(policy=_WIRE)


def _headers(message: EmailMessage, *, client: str, sender: str, name: str,
             answers: str | None, message_id: str, date: str, charset: str) -> None:
    header_charset = "utf-8" if charset == "utf-8" or client != "outlook" else charset
    fields: list[tuple[str, str]] = []
    if sender:
        fields.append(("From", f"{_encoded_word(name, header_charset)} <{sender}>" if name
                       else sender))
    fields += [("To", REPLY_TO),
               ("Subject", _encoded_word(("RE: " if client == "outlook" else "Re: ")
                                         + REMINDER_SUBJECT, header_charset)),
               ("Date", date), ("Message-ID", f"<{message_id}>")]
    if answers:
        fields += [("In-Reply-To", f"<{answers}>"), ("References", f"<{answers}>")]
    fields.append(("MIME-Version", "1.0"))
    fields += {"outlook": [("X-Mailer", "Microsoft Outlook 16.0"),
                           ("Thread-Index", "AdK4Gv7Qk2m3Yx9PRqW0c3bH2e1a9A=="),
                           ("Content-Language", "ru")],
               "gmail": [("X-Gm-Message-State", "AN3rC/4kQ1Xb")],
               "thunderbird": [("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; "
                                "rv:52.0) Gecko/20100101 Thunderbird/52.0")],
               "iphone": [("X-Mailer", "iPhone Mail (14E304)")],
               "android": [("X-Mailer", "Samsung Mail")]}[client]
    existing = list(message.items())
    for key in list(message.keys()):
        del message[key]
    for key, value in fields:
        message.set_raw(key, value)
    for key, value in existing:
        if key.lower() != "mime-version":
            message.set_raw(key, str(value))


@dataclass(frozen=True)
class Sample:
    """A ready reply and what reading it must give."""

    name: str
    raw: bytes
    sender: str
    new_text: str
    items: tuple[int, ...]
    files: tuple[str, ...] = ()
    """The attachments' names, in order."""


def _sample(label: str, body: str, items: tuple[int, ...], *, files: Sequence[File] = (),
            **options: object) -> Sample:
    raw = reply(body, files=files, message_id=f"{label}@agency.example",
                **options)  # type: ignore[arg-type]
    sender = str(options.get("sender", "edu@akmola.example"))
    return Sample(label, raw, sender, body, items, tuple(f.name for f in files))


@cache
def samples() -> tuple[Sample, ...]:
    """One reply per client, language and encoding, with what each must read as."""
    form_name, form = results_form()
    form_file = File(form_name, XLSX, form, "plain")
    kk_form = File("Ақмола_нәтижелер.xlsx", XLSX, form, "rfc2231")
    order = File("Бұйрық № 45.pdf", PDF, small_pdf(), "rfc2047")
    sign_kk = "Құрметпен,\nАқмола облысы білім басқармасы\nБ. Сейтқали, тел. 8 (7162) 25-14-03"
    sign_ru = "С уважением,\nА. Иванова\nтел. +7 701 555 12 34"
    return (
        _sample("outlook-kk", "Сәлеметсіз бе!\n\n5, 6, 7 орындалды. Нысан тіркелді.\n\n"
                + sign_kk, (5, 6, 7), client="outlook", lang="kk", files=[form_file]),
        _sample("outlook-ru-cp1251", "Добрый день!\n\nВыполнено п. 12. Приказ № 45 от "
                "17.04.2017 прилагается.\n\n" + sign_ru, (12,), client="outlook",
                lang="ru-local", charset="cp1251", files=[order], sender="Ivanova@Akmola.Example",
                name="Иванова Анна"),
        _sample("gmail-kk", "10-12 тармақтар орындалды, 13 тармақ әлі орындалған жоқ.",
                (10, 11, 12), client="gmail", lang="kk", files=[kk_form]),
        _sample("gmail-ru-qp", "Пункты 3–5 выполнены.\nПо пункту 6 работа ведётся.",
                (3, 4, 5), client="gmail", lang="ru", cte="quoted-printable"),
        _sample("thunderbird-ru-bottom", "5 и 6 выполнены, 7 не выполнен.", (5, 6),
                client="thunderbird", lang="ru", bottom=True, signature=sign_ru),
        _sample("thunderbird-ru-koi8", "Выполнены пункты 8, 9 и 10, а также 14.",
                (8, 9, 10, 14), client="thunderbird", lang="ru", charset="koi8-r"),
        _sample("iphone-ru", "Выполнено п. 12", (12,), client="iphone", lang="ru"),
        _sample("iphone-kk", "17 және 18 іс-шаралар өткізілді", (17, 18), client="iphone",
                lang="kk", cte="base64"),
        _sample("android-ru-html", "Мероприятия 19, 20 проведены. Охвачено 350 учащихся.",
                (19, 20), client="android", lang="ru"),
        _sample("android-kk-html", "24 іс-шара орындалды. Хат № 12.", (24,),
                client="android", lang="kk", files=[form_file]),
    )


def raw_message(headers: Sequence[tuple[str, str]], body: bytes) -> bytes:
    """A message written byte by byte, for shapes no mail library writes (hostile cases)."""
    head = "".join(f"{name}: {value}\r\n" for name, value in headers).encode("ascii",
                                                                               "surrogateescape")
    return head + b"\r\n" + body


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def xlsx_bytes() -> bytes:
    """A small real XLSX (not the tracker's layout), for a file kept as evidence."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Іс-шара", "Орындалды"])
    sheet.append([5, "иә"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
