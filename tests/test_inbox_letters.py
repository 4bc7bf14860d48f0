"""Replies as agencies' mail programs write them read to the right sender, reminder, new text
and items; hostile messages (lying charsets, broken base64, huge or deeply nested bodies, HTML
with scripts, odd names, no From) are read as far as they can be and never raise."""

from __future__ import annotations

import random
import re
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.imap_server import ImapTestServer
from tests.inbox_samples import (
    REMINDER_ID,
    XLSX,
    File,
    Sample,
    b64,
    raw_message,
    reminder_text,
    reply,
    samples,
    xlsx_bytes,
)
from tracker.inbox.letter import MAX_CONTAINERS, TEXT_LIMIT, read_letter
from tracker.inbox.proposals import proposed_items
from tracker.inbox.quotes import new_text
from tracker.plan.loader import load_plan

PLAN = load_plan(Path(__file__).resolve().parents[1] / "plan.yaml")


@pytest.mark.parametrize("sample", samples(), ids=lambda s: s.name)
def test_each_client_s_reply_reads_to_its_sender_reminder_new_text_and_items(
        sample: Sample) -> None:
    letter = read_letter(sample.raw)
    assert letter.sender == sample.sender.lower()
    assert letter.answers == (REMINDER_ID,)
    assert letter.message_id == f"{sample.name}@agency.example"
    assert letter.subject.startswith(("RE: «", "Re: «"))
    assert letter.sent_at is not None and letter.sent_at.utcoffset() is not None
    assert new_text(letter.text) == sample.new_text
    assert proposed_items(new_text(letter.text), PLAN) == sample.items
    assert tuple(a.name for a in letter.attachments) == sample.files
    assert all(a.data for a in letter.attachments)


def test_the_samples_are_in_the_encodings_they_claim() -> None:
    by_name = {s.name: s.raw for s in samples()}
    assert re.search(rb'charset="?windows-1251', by_name["outlook-ru-cp1251"], re.IGNORECASE)
    assert b"quoted-printable" in by_name["outlook-ru-cp1251"]
    assert b"=?windows-1251?B?" in by_name["outlook-ru-cp1251"]
    assert b"KOI8-R" in by_name["thunderbird-ru-koi8"]
    assert "Выполнены".encode("koi8_r") in by_name["thunderbird-ru-koi8"]
    assert b"Content-Transfer-Encoding: base64" in by_name["gmail-kk"]
    assert b"text/plain" not in by_name["android-ru-html"]
    assert b"filename*0*=utf-8''" in by_name["gmail-kk"]
    assert b'filename="=?utf-8?b?' in by_name["outlook-ru-cp1251"]


def test_the_quoted_reminder_is_the_real_one_and_its_numbers_are_not_proposed() -> None:
    text = reminder_text()
    assert "Құрметті әріптестер (Ақмола облысы, білім басқармасы)!" in text
    assert proposed_items(text, PLAN) == ()
    letter = read_letter(reply("Спасибо, получили.", client="outlook"))
    assert "  12. Білім беру ұйымдарында" in letter.text  # the quote is in the text...
    assert new_text(letter.text) == "Спасибо, получили."  # ...and out of the new text
    assert proposed_items(new_text(letter.text), PLAN) == ()


@pytest.mark.parametrize("client", ["outlook", "gmail"])
def test_an_html_only_reply_reduces_to_the_same_new_text(client: str) -> None:
    body = "Мероприятия 5, 6 и 7 выполнены.\n\nС уважением,\nА. Иванова"
    letter = read_letter(reply(body, client=client, html_only=True))
    assert "<p" not in letter.text and "<div" not in letter.text
    assert "MsoNormal" not in letter.text and "border-left" not in letter.text
    assert new_text(letter.text) == body
    assert proposed_items(new_text(letter.text), PLAN) == (5, 6, 7)


@pytest.mark.parametrize(("text", "new"), [
    ("5 орындалды\n\nOn Tue, Apr 18, 2017 at 10:30 AM «Қауіпсіз интернет» <\n"
     "noreply@bkk.edu.example> wrote:\n\n> 12. Білім беру", "5 орындалды"),
    ("Выполнено\n\n-----Original Message-----\nFrom: x\nSent: y\n\n12. Изучение", "Выполнено"),
    ("Выполнено\n________________________________\nОт: Қауіпсіз интернет\n"
     "Отправлено: 18 апреля 2017 г. 10:30\nКому: edu\nТема: RE\n\n12. Изучение", "Выполнено"),
    ("Орындалды\n\nКімнен: noreply\nЖіберілді: 18 сәуір\nТақырып: x\n12. Білім", "Орындалды"),
    ("Готово\n\nВторник, 18 апреля 2017, 10:30 +06:00 от noreply <noreply@bkk.edu.example>:\n"
     "> 12.", "Готово"),
    ("> 18.04.2017 10:30, noreply пишет:\n> 12. Изучение\n\n5 выполнено\n\n-- \nИванова",
     "5 выполнено"),
    ("> вопрос 1\nответ 1\n> вопрос 2\nответ 2", "ответ 1\nответ 2"),
    ("5 орындалды\n\niPhone-нан жіберілді\n\n> 2017 ж. 18 сәу. жазды:\n> 12", "5 орындалды"),
    ("Пересылаю\n\n---------- Forwarded message ---------\nFrom: x\n12", "Пересылаю"),
    ("Выполнено 5\n\nВы писали 18 апреля 2017 г., 10:30:\n\n> 12. Изучение", "Выполнено 5"),
    ("-------- Исходное сообщение --------\nОт: x\nДата: y\n12", ""),
    ("From: our director\nis happy: 5 is done", "From: our director\nis happy: 5 is done"),
])
def test_new_text_leaves_out_each_mail_program_s_quote(text: str, new: str) -> None:
    assert new_text(text) == new


@pytest.mark.parametrize(("text", "items"), [
    ("5, 6, 7 орындалды", (5, 6, 7)),
    ("Выполнено п. 12", (12,)),
    ("пункты 3–5 выполнены", (3, 4, 5)),
    ("10-12 тармақтар орындалды", (10, 11, 12)),
    ("с 3 по 5 выполнены", (3, 4, 5)),
    ("3-тен 5-ке дейін орындалды", (3, 4, 5)),
    ("пп. 1-3 выполнены", (1, 2, 3)),
    ("Сделано: п.п. 1, 2, 3", (1, 2, 3)),
    ("5-ші іс-шара өткізілді", (5,)),
    ("Орындалды: 5, 6, 7", (5, 6, 7)),
    ("5,6,7,8 - орындалды.", (5, 6, 7, 8)),
    ("Мероприятия №№ 5, 6 выполнены", (5, 6)),
    ("Выполнено мероприятие № 5", (5,)),
    ("Выполнены пункты 5, 6 и 7, а также 9", (5, 6, 7, 9)),
    ("5 және 6 тармақтар, сондай-ақ 8 тармақ орындалды", (5, 6, 8)),
    ("Сообщаем, что мероприятия 5, 6, 7 и 8\nвыполнены в полном объеме.", (5, 6, 7, 8)),
    ("Выполнены:\n5. Издание брошюр\n6. Флешмоб\n\nНе выполнено: 7", (5, 6)),
    ("5 - выполнено\n6 - не выполнено\n7 – орындалды", (5, 7)),
    ("5, 6 орындалды, 7 орындалмады", (5, 6)),
    ("Выполнены 5, 6, не выполнен 7", (5, 6)),
    ("Іс-шаралар 1, 2 және 3 өткізілді. 4 әлі орындалған жоқ.", (1, 2, 3)),
    ("Прошу отметить: 5, 6 выполнены, по 7 работа ведется", (5, 6)),
    ("Пункт 7 не выполнен", ()),
    ("7 тармақ орындалған жоқ", ()),
    ("12 тармақ орындалуда", ()),
    ("До 25 апреля будут выполнены 8 и 9", ()),
    ("Хат № 12 жіберілді", ()),
    ("Хат № 12, 5 тармақ орындалды", (5,)),
    ("Исх. № 12 от 18.04.2017. Выполнены пункты 5 и 6.", (5, 6)),
    ("Ответ на письмо от 18 апреля: пункты 5 и 6 проведены", (5, 6)),
    ("2017 жылы 5 тармақ орындалды", (5,)),
    ("Проведено 12 классных часов, охвачено 350 учащихся", ()),
    ("тел. 8 701 123 45 67, +7 7172 74-22-11 выполнено", ()),
    ("Выполнены 30, 40", ()),
    ("Орындалмаған іс-шаралар: 23.", ()),
    ("5, 6 и 7", ()),
    ("№5, №6 орындалды", (5, 6)),
    ("5 тармағы орындалды", (5,)),
    ("Отчёт по пункту 12 готовится", ()),
    ("Орындалған іс-шаралар: 5, 6", (5, 6)),
    ("по пунктам 5-7 выполнено", (5, 6, 7)),
    ("Письмо 12 получено, выполнено 5", (5,)),
    ("Жауап № 12 от 18.04.2017, орындалды 5", (5,)),
])
def test_proposed_items_reads_done_clauses_in_kazakh_and_russian(
        text: str, items: tuple[int, ...]) -> None:
    assert proposed_items(text, PLAN) == items


# --- hostile and broken messages: read as far as they go, never raise ------------------------

def _plain(body: bytes, content_type: str = "text/plain", cte: str = "8bit",
           extra: tuple[tuple[str, str], ...] = ()) -> bytes:
    return raw_message([("From", "Edu <edu@akmola.example>"), ("Subject", "Re: x"),
                        ("Message-ID", "<h@x>"), ("MIME-Version", "1.0"),
                        ("Content-Type", content_type), ("Content-Transfer-Encoding", cte),
                        *extra], body)


RU = "Выполнены пункты 5 и 6, пункт 7 не выполнен."


KK = "5 тармақ орындалды, Әлия Нұрланова"


@pytest.mark.parametrize(("content_type", "data", "text"), [
    ("text/plain", RU.encode("cp1251"), RU),  # no charset
    ("text/plain; charset=iso-8859-1", RU.encode("cp1251"), RU),  # lies: Latin
    ("text/plain; charset=koi8-r", RU.encode("cp1251"), RU),  # lies: the other Cyrillic table
    ("text/plain; charset=windows-1251", RU.encode("koi8_r"), RU),
    ("text/plain; charset=utf-8", RU.encode("cp1251"), RU),  # lies: not UTF-8 at all
    ("text/plain; charset=x-unknown-charset", RU.encode("koi8_r"), RU),
    ('text/plain; charset="win-1251"', RU.encode("cp1251"), RU),
    ("text/plain", RU.encode("utf-8"), RU),
    ("text/plain; charset=kz-1048", KK.encode("kz1048"), KK),
    ("text/plain; charset=iso-8859-1", "Grüße, 5 erledigt".encode("latin-1"),
     "Grüße, 5 erledigt"),  # a true Latin-1 letter stays one
])
def test_a_missing_unknown_or_lying_charset_is_read_as_the_text_it_is(
        content_type: str, data: bytes, text: str) -> None:
    assert read_letter(_plain(data, content_type)).text == text


def test_broken_base64_keeps_what_decodes_and_never_raises() -> None:
    good = b64(RU.encode("utf-8"))
    for broken in (good[:-7], good.replace(b"Q", b"!", 3), b"@@@@" + good, good[:13] + b"=",
                   b"\xff\xfe\x00garbage"):
        letter = read_letter(_plain(broken, "text/plain; charset=utf-8", "base64"))
        assert isinstance(letter.text, str)
        assert "\x00" not in letter.text
    assert read_letter(_plain(good[:-7], "text/plain; charset=utf-8", "base64")).text.startswith(
        "Выполнены пункты 5")


def test_a_ten_megabyte_body_is_kept_to_the_text_limit_quickly() -> None:
    body = ("Выполнено п. 12.\r\n" + "Ж" * 70 + "\r\n").encode("utf-8") * 75_000
    assert len(body) > 10_000_000
    started = time.monotonic()
    letter = read_letter(_plain(body, "text/plain; charset=utf-8"))
    assert len(letter.text) <= TEXT_LIMIT
    assert letter.text.startswith("Выполнено п. 12.\n")
    html = b"<html><body>" + b"<p>5 \xd0\xb2\xd1\x8b\xd0\xbf</p>" * 700_000 + b"</body></html>"
    letter = read_letter(_plain(html, "text/html; charset=utf-8"))
    assert len(letter.text) <= TEXT_LIMIT
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("depth", [3, 40, MAX_CONTAINERS + 1, 3000])
def test_deeply_nested_multiparts_never_raise(depth: int) -> None:
    body = b"Content-Type: text/plain; charset=utf-8\r\n\r\n5 done\r\n"
    for level in range(depth):
        boundary = b"b%d" % level
        body = (b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n--'
                + boundary + b"\r\n" + body + b"\r\n--" + boundary + b"--\r\n")
    raw = b"From: edu@akmola.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n" + body
    started = time.monotonic()
    letter = read_letter(raw)
    assert letter.sender == "edu@akmola.example" and letter.subject == "deep"
    assert ("5 done" in letter.text) == (depth <= MAX_CONTAINERS)
    assert time.monotonic() - started < 20


def test_html_with_scripts_styles_comments_and_entities_reduces_to_what_a_reader_sees() -> None:
    html = ("<html><head><title>T</title><style>p{color:red}</style>"
            "<script>var s='5, 6 орындалды';</script></head><body>"
            "<!-- 9 выполнено --><p>Пункты&nbsp;5&#44; 6 &amp; 7 &laquo;выполнены&raquo;</p>"
            "<p onclick=\"alert(1)\">&lt;script&gt;x&lt;/script&gt;</p>"
            "<noscript>8 выполнено</noscript><div><span>Иванова</span></div>"
            "<img src=x onerror=alert(1)><iframe>10 выполнено</iframe></body></html>")
    letter = read_letter(_plain(html.encode("utf-8"), "text/html; charset=utf-8"))
    assert letter.text == "Пункты 5, 6 & 7 «выполнены»\n<script>x</script>\nИванова"
    assert proposed_items(new_text(letter.text), PLAN) == (5, 6, 7)


def test_rfc_2231_and_2047_file_names_are_decoded() -> None:
    form = xlsx_bytes()
    raw = reply("Нысан тіркелді, 5 орындалды.", client="thunderbird",
                files=[File("Ақмола нысаны.xlsx", XLSX, form, "rfc2231"),
                       File("Отчёт.xlsx", XLSX, form, "rfc2047")])
    letter = read_letter(raw)
    assert [a.name for a in letter.attachments] == ["Ақмола нысаны.xlsx", "Отчёт.xlsx"]
    assert letter.attachments[0].data == form and letter.attachments[0].content_type == XLSX
    # continuations in Windows-1251, as an old client writes a long name
    name = "Отчет о проведении кампании.pdf".encode("cp1251")
    quoted = "".join(f"%{b:02X}" for b in name)
    part = (b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee file\r\n--B\r\n"
            b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
            b"Content-Disposition: attachment;\r\n filename*0*=windows-1251''"
            + quoted[:30].encode() + b";\r\n filename*1*=" + quoted[30:].encode()
            + b"\r\n\r\n" + b64(b"%PDF-1.4 x") + b"--B--\r\n")
    letter = read_letter(_plain(part, 'multipart/mixed; boundary="B"', "7bit"))
    assert [a.name for a in letter.attachments] == ["Отчет о проведении кампании.pdf"]
    assert letter.attachments[0].data == b"%PDF-1.4 x"


def test_no_from_raw_8bit_headers_and_odd_names_never_raise() -> None:
    raw = (b"Subject: " + "Отчёт".encode("cp1251") + b"\r\nDate: not a date\r\n"
           b"In-Reply-To: garbage, <" + REMINDER_ID.encode() + b">\r\n\r\n"
           + "Выполнено п. 12".encode("cp1251"))
    letter = read_letter(raw)
    assert letter.sender == "" and letter.sender_name == ""
    assert letter.subject == "Отчёт"
    assert letter.sent_at is None
    assert letter.answers == (REMINDER_ID,)
    assert letter.text == "Выполнено п. 12"
    for sender in ('"=?utf-8?q?=D0=90=2C_<x@y>?=" <edu@akmola.example>',
                   "=?x-unknown?B?AAAA?= <edu@akmola.example>", "<>", '"unterminated <edu@',
                   "Ivanova <EDU@AKMOLA.EXAMPLE>, other@x.kz", "=?utf-8?B?broken"):
        letter = read_letter(_plain(b"x", extra=(("Reply-To", "r@x.kz"),)).replace(
            b"From: Edu <edu@akmola.example>", b"From: " + sender.encode()))
        assert "\x00" not in letter.sender_name
        if "edu@akmola.example" in sender.lower() and "unterminated" not in sender:
            assert letter.sender == "edu@akmola.example", sender


def test_a_forwarded_message_s_files_are_kept_but_not_its_text() -> None:
    inner = EmailMessage()
    inner["From"] = "district@akmola.example"
    inner["Subject"] = "Нысан"
    inner.set_content("Аудандық бөлім: 9 орындалды")
    inner.add_attachment(xlsx_bytes(), maintype="application",
                         subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         filename="district.xlsx")
    outer = EmailMessage()
    outer["From"] = "edu@akmola.example"
    outer["Subject"] = "Fwd: Нысан"
    outer.set_content("Пересылаю форму района. 5 выполнено.")
    outer.add_attachment(inner)
    letter = read_letter(outer.as_bytes())
    assert letter.text.strip() == "Пересылаю форму района. 5 выполнено."
    assert [a.name for a in letter.attachments] == ["district.xlsx"]


def test_mangled_copies_of_every_sample_never_raise() -> None:
    rng = random.Random(15)
    for sample in samples():
        raw = sample.raw
        for _ in range(12):
            cut = rng.randrange(len(raw))
            mangled = bytearray(raw[:cut] if rng.random() < 0.5 else raw)
            for _ in range(rng.randrange(1, 40)):
                if mangled:
                    mangled[rng.randrange(len(mangled))] = rng.randrange(256)
            letter = read_letter(bytes(mangled))
            for text in (letter.text, letter.subject, letter.sender, letter.sender_name,
                         *letter.headers.values()):
                assert "\x00" not in text
                text.encode("utf-8")  # storable: no lone surrogates
            new_text(letter.text)
            proposed_items(letter.text, PLAN)
    assert read_letter(b"").sender == ""
    assert read_letter(b"\x00\xff" * 100).answers == ()


def test_a_delivery_report_s_status_parts_are_neither_text_nor_files() -> None:
    original = reply("5 орындалды", client="gmail", files=[File("form.xlsx", XLSX, xlsx_bytes(),
                                                                 "plain")])
    report = (b"--R\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
              b"Delivery to edu@akmola.example failed.\r\n--R\r\n"
              b"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n"
              b"\r\nFinal-Recipient: rfc822; edu@akmola.example\r\nAction: failed\r\n"
              b"Status: 5.1.1\r\n\r\n--R\r\nContent-Type: text/rfc822-headers\r\n\r\n"
              b"Subject: x\r\n\r\n--R\r\nContent-Type: message/rfc822\r\n\r\n" + original
              + b"\r\n--R--\r\n")
    letter = read_letter(_plain(report, 'multipart/report; report-type=delivery-status; '
                                        'boundary="R"', "7bit"))
    assert letter.text.strip() == "Delivery to edu@akmola.example failed."
    assert [a.name for a in letter.attachments] == ["form.xlsx"]  # the returned original's
    assert letter.message is not None and letter.message.get_content_type() == "multipart/report"


def test_every_sample_reads_the_same_after_a_round_trip_through_dovecot(
        imap_server: ImapTestServer) -> None:
    user = next(iter(imap_server.users))
    imap_server.append_many(user, "INBOX", [s.raw for s in samples()])
    stored = imap_server.messages(user)
    assert len(stored) == len(samples())
    for sample, message in zip(samples(), stored, strict=True):
        letter = read_letter(message.data)
        assert (letter.sender, new_text(letter.text), proposed_items(new_text(letter.text), PLAN),
                tuple(a.name for a in letter.attachments)) == (
            sample.sender.lower(), sample.new_text, sample.items, sample.files), sample.name
