"""What a reminder says, read as its recipients read it: what is due and when at the top, one
short line per item, overdue items apart, no boilerplate repeated, a contact person, and the
results form attached for the education department that still owes it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from openpyxl import load_workbook

from notifications.render import MailRenderer
from tests.conftest import REPO, Tracker
from tests.smtp_server import SmtpTestServer
from tracker.reports.exporter import header_row, title_lines
from tracker.store.database import Database

REPORT_DAY = "2017-04-25T10:30:00+06:00"  # the report's day: the window's items are 4 days late
FIRST_DAY = "2017-04-18T10:30:00+06:00"  # 3 days before the window's end, 7 before the report
ENV = {"TRACKER_SMTP_SECURITY": "none", "TRACKER_MAIL_FROM": "noreply@bkk.edu.example",
       "TRACKER_REPLY_TO": "safe-internet@bkk.edu.example"}


@pytest.fixture
def server() -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as smtp:
        yield smtp


@pytest.fixture
def campaign(tracker: Tracker) -> Tracker:
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    tracker.ok("mark", "5", "--region", "akmola")  # 22 items left of the education's 23
    return tracker


def _send(t: Tracker, server: SmtpTestServer, now: str) -> None:
    t.ok("remind", "send", now=now,
         env={**ENV, "TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(server.port)})


def _mail(server: SmtpTestServer, to: str) -> EmailMessage:
    return next(m for m in server.messages if m.rcpt_tos == (to,)).parsed()


def _text(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def _part(text: str, lang: str) -> str:
    """The Kazakh or the Russian half of a mail in both languages."""
    kk, ru = text.split("-" * 70)
    return kk if lang == "kk" else ru


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


def test_the_top_says_how_many_are_open_and_the_nearest_deadline_in_local_time(
        campaign: Tracker, server: SmtpTestServer) -> None:
    _send(campaign, server, REPORT_DAY)
    text = _text(_mail(server, "edu@akmola.example"))
    kk, ru = _part(text, "kk"), _part(text, "ru")
    assert _lines(kk)[2] == (
        "Орындалмаған іс-шаралар: 22, оның ішінде мерзімі өткені: 12. Ең жақын мерзім: "
        "25 сәуір, сейсенбі, 23:59 (жергілікті уақыт, UTC+06:00) — бүгін.")
    assert _lines(ru)[2] == (
        "Не выполнено мероприятий: 22, из них просрочено: 12. Ближайший срок: "
        "25 апреля, вторник, 23:59 (местное время, UTC+06:00) — сегодня.")
    # Atyrau (UTC+5) reads its deadline in its own time
    atyrau = _part(_text(_mail(server, "edu@atyrau.example")), "ru")
    assert "23:59 (местное время, UTC+05:00) — сегодня." in atyrau


def test_overdue_items_stand_apart_from_those_due_today(campaign: Tracker,
                                                        server: SmtpTestServer) -> None:
    _send(campaign, server, REPORT_DAY)
    ru = _part(_text(_mail(server, "edu@akmola.example")), "ru")
    overdue, today = ru.split("Срок истёк 21 апреля, пятница, 23:59 (просрочено на 4 дня): "
                              "Окончание информационной кампании\n")[1].split(
        "Срок 25 апреля, вторник, 23:59 (сегодня): Отчет регионов об итогах информационной "
        "кампании\n")
    assert "  6. Организация и проведение с участием родителей флешмобов" in overdue
    assert "  7. Организация и проведение фотоконкурса на тему «Безопасный интернет»" in overdue
    assert "  1. Оформление и обновление тематических стендов для родителей и учащихся\n" \
        in today
    assert "  6. " not in today and "  1. " not in overdue
    kk = _part(_text(_mail(server, "edu@akmola.example")), "kk")
    assert "Мерзімі өтті 21 сәуір, жұма, 23:59 (4 күнге кешікті): Ақпараттық кампанияның " \
        "аяқталуы\n" in kk


def test_one_short_line_per_item_and_no_repeated_boilerplate(campaign: Tracker,
                                                            server: SmtpTestServer) -> None:
    _send(campaign, server, REPORT_DAY)
    text = _text(_mail(server, "edu@akmola.example"))
    ru = _part(text, "ru")
    items = [line for line in ru.splitlines() if line[:2] == "  " and line[2:3].isdigit()]
    assert len(items) == 22 + 1  # the open ones, and item 5 among the done
    assert all(len(line) <= 90 for line in items)
    # the item's second sentence is not shown, nor the recipient's own region and body per row
    assert "Распространение информационных листовок" not in ru
    assert "Исполнитель" not in ru and "Орындаушы" not in _part(text, "kk")
    assert ru.count("Акмолинская область, управление образования") == 1  # the greeting
    assert ru.count("Информация в МОН РК") == 1  # the completion form, once
    assert "Отмечено как выполненное, 1:\n  5. Издание и распространение тематических брошюр" \
        in ru
    assert "Орындалды деп белгіленген, 1:\n  5. Әр түрлі мақсатты топтарға арналған" \
        in _part(text, "kk")


def test_a_late_mail_says_so_without_the_scheduling_detail(campaign: Tracker,
                                                           server: SmtpTestServer) -> None:
    _send(campaign, server, REPORT_DAY)  # 10:30: more than an hour after 09:00
    text = _text(_mail(server, "edu@akmola.example"))
    assert "Это напоминание отправлено с опозданием.\n" in text
    assert "Бұл еске салу кешігіп жіберілді.\n" in text
    assert "09:00" not in text and "плановое" not in text and "жоспарланған" not in text


@pytest.mark.parametrize(("days", "ru", "kk"), [
    (1, "просрочено на 1 день", "1 күнге кешікті"), (2, "просрочено на 2 дня", "2 күнге кешікті"),
    (4, "просрочено на 4 дня", "4 күнге кешікті"), (5, "просрочено на 5 дней", "5 күнге кешікті"),
    (11, "просрочено на 11 дней", "11 күнге кешікті"), (12, "просрочено на 12 дней", None),
    (21, "просрочено на 21 день", None), (22, "просрочено на 22 дня", None),
    (111, "просрочено на 111 дней", None),
])
def test_days_late_and_left_take_the_right_russian_form(days: int, ru: str,
                                                         kk: str | None) -> None:
    env = MailRenderer(REPO / "templates").environment
    late = env.from_string('{% from "_reminder.j2" import days_late %}{{ days_late(n, l) }}')
    left = env.from_string('{% from "_reminder.j2" import days_left %}{{ days_left(n, l) }}')
    assert late.render(n=days, l="ru") == ru
    if kk:
        assert late.render(n=days, l="kk") == kk
    word = ru.rsplit(" ", 1)[1]
    assert left.render(n=days, l="ru") == \
        f"{'остался' if word == 'день' else 'осталось'} {days} {word}"


def test_the_subject_counts_days_in_words_not_abbreviations(campaign: Tracker,
                                                             server: SmtpTestServer) -> None:
    _send(campaign, server, FIRST_DAY)
    subject = str(_mail(server, "policy@akmola.example")["Subject"])
    assert subject == ("«Қауіпсіз интернет»: мерзімге 3 күн қалды (21.04.2017) / "
                       "«Безопасный интернет»: до срока осталось 3 дня (21.04.2017)")


def test_the_committee_is_not_told_to_reply_to_itself(campaign: Tracker,
                                                      server: SmtpTestServer) -> None:
    _send(campaign, server, REPORT_DAY)
    committee = _text(_mail(server, "bkk@edu.example"))
    assert "ответьте на это письмо" not in committee and "жауап беріңіз" not in committee
    assert "Адрес для ответа" not in committee
    assert "Отмечайте выполнение в системе контроля плана: tracker mark <номер> --region " \
           "national." in committee
    # the regions behind, alike ones on one line, items as runs
    assert "  1–4, 6–15, 17–25: Акмолинская область\n" in committee
    assert "  1–15, 17–25: Актюбинская область, Алматинская область," in committee
    # the parents' association is a partner: it answers to the committee's address
    association = _text(_mail(server, "parents@association.example"))
    assert "Адрес для ответа: safe-internet@bkk.edu.example" in association


def test_the_coordinator_is_named_in_both_languages(campaign: Tracker,
                                                   server: SmtpTestServer) -> None:
    _send(campaign, server, FIRST_DAY)
    mail = _mail(server, "police@akmola.example")
    text = _text(mail)
    assert ("Сұрақтар бойынша: Әлия Серікқызы Нұрланова, тел. +7 7172 74-22-11, "
            "a.nurlanova@bkk.edu.example") in _part(text, "kk")
    assert ("Контактное лицо: Әлия Серікқызы Нұрланова, тел. +7 7172 74-22-11, "
            "a.nurlanova@bkk.edu.example") in _part(text, "ru")
    html = mail.get_body(("html",))
    assert html is not None and "Контактное лицо: Әлия Серікқызы Нұрланова" in html.get_content()


def _workbook_rows(data: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_education_department_gets_its_region_form_pre_filled(
        campaign: Tracker, server: SmtpTestServer, tmp_path: object) -> None:
    campaign.ok("report", "set", "akmola", "--school-assemblies", "48", "--class-hours", "610")
    _send(campaign, server, FIRST_DAY)
    mail = _mail(server, "edu@akmola.example")
    assert mail.get_content_type() == "multipart/mixed"
    html, text = mail.get_body(("html",)), _text(mail)
    assert html is not None and "<table" in html.get_content()
    files = list(mail.iter_attachments())
    assert [f.get_filename() for f in files] == ["safe-internet-2017-results-akmola.xlsx"]
    assert "safe-internet-2017-results-akmola.xlsx" in text
    assert "заполните её и отправьте ответом на это письмо" in text
    rows = _workbook_rows(files[0].get_content())
    plan = Database(campaign.url).plan()
    assert rows[0][0] == title_lines(plan)[0] and rows[1][0] == title_lines(plan)[1]
    assert list(rows[3]) == header_row(plan)
    region = rows[4]
    assert region[0] == "Акмолинская область" and region[1:3] == (48, 610)
    assert rows[5][0] == "Итого" and len(rows) == 6  # that region's row alone
    # the form read back is what the region reported
    path = tmp_path / "akmola.xlsx"  # type: ignore[operator]
    path.write_bytes(files[0].get_content())
    campaign.ok("report", "import", str(path))
    shown = campaign.json("report", "show")["regions"][0]
    assert (shown["unit"], shown["school_assemblies"], shown["class_hours"]) == \
        ("akmola", 48, 610)
    # other bodies of the region, and regions whose report is in, get no form
    assert not list(_mail(server, "policy@akmola.example").iter_attachments())


def test_no_form_once_the_report_is_in(campaign: Tracker, server: SmtpTestServer) -> None:
    campaign.ok("report", "set", "akmola", "--school-assemblies", "48")
    campaign.ok("report", "submit", "akmola", now="2017-04-17T12:00:00+06:00")
    _send(campaign, server, FIRST_DAY)
    mail = _mail(server, "edu@akmola.example")
    assert mail.get_content_type() == "multipart/alternative"
    assert "safe-internet-2017-results" not in _text(mail)
    assert list(_mail(server, "edu@aktobe.example").iter_attachments())


def test_the_mails_stay_short(campaign: Tracker, server: SmtpTestServer) -> None:
    """A regional mail in both languages with 22 items was 77 kB and the committee's 34 kB;
    with the form attached the regional one now is under 50 kB."""
    _send(campaign, server, REPORT_DAY)
    regional = next(m for m in server.messages if m.rcpt_tos == ("edu@akmola.example",))
    committee = next(m for m in server.messages if m.rcpt_tos == ("bkk@edu.example",))
    assert len(regional.data) < 50_000 and len(committee.data) < 25_000
    assert len(_part(_text(regional.parsed()), "ru").splitlines()) < 50


def test_a_long_list_of_done_items_is_given_as_runs(tracker: Tracker,
                                                    server: SmtpTestServer) -> None:
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    tracker.ok("mark", "1-25", "--region", "akmola")
    _send(tracker, server, FIRST_DAY)  # the education department still owes the report
    mail = _mail(server, "edu@akmola.example")
    ru = _part(_text(mail), "ru")
    assert _lines(ru)[2] == ("Срок: 25 апреля, вторник, 23:59 (местное время, UTC+06:00) — "
                             "осталось 7 дней.")
    assert "Отмечено как выполненное, 23: 1–3, 5–15, 17–25\n" in ru
    assert "Оформление и обновление" not in ru
    assert list(mail.iter_attachments())


@pytest.mark.parametrize(("title", "shown"), [
    ("Оформление стендов. Распространение листовок", "Оформление стендов"),
    ("Флешмоб «Реальная жизнь – лучше виртуального мира»",
     "Флешмоб «Реальная жизнь – лучше виртуального мира»"),
    ("Проведение семинаров «Как мы обеспечиваем безопасность детей в Интернете» с участием "
     "педагогов", "Проведение семинаров «Как мы обеспечиваем безопасность детей в Интернете» с…"),
    ("Проведение семинаров «Как мы обеспечиваем безопасность детей в Интернете, дома и в "
     "школе»", "Проведение семинаров «Как мы обеспечиваем безопасность детей в Интернете, "
     "дома…»"),  # the quote cut open is closed
    ("т.е. сокращения. Не конец", "т.е. сокращения"),
])
def test_a_title_is_cut_to_its_first_sentence_and_a_word_with_an_ellipsis(
        title: str, shown: str) -> None:
    from tracker.brief import brief

    assert brief(title) == shown
    assert len(brief(title)) <= 80 + 1  # «…» and a closing quote


def test_item_numbers_read_as_runs() -> None:
    from tracker.mail.compose import ranges

    assert ranges([1, 2, 3, 4, 6, 7, 9, 12, 13]) == "1–4, 6–7, 9, 12–13"
    assert ranges([5]) == "5" and ranges([]) == ""


def test_a_blank_form_made_from_another_is_the_form_written_for_it() -> None:
    """Blank forms are one workbook with the region's name replaced: byte for byte what the
    exporter writes for that region; a region with figures gets its own workbook."""
    from tracker.mail.resultsform import RegionForms, region_form
    from tracker.plan.loader import load_plan
    from tracker.reports.results import RegionResult

    plan = load_plan(REPO / "plan.yaml")
    aktobe = RegionResult("aktobe", counts={"class_hours": 12}, entered=True)
    forms = RegionForms(plan, {"aktobe": aktobe})
    for region in plan.regions:
        made = forms.form(region.key)
        written = region_form(plan, aktobe if region.key == "aktobe" else None, region.key)
        assert made == written, region.key
    assert _workbook_rows(forms.form("aktobe").data)[4][:3] == ("Актюбинская область", 0, 12)
    assert forms.form("akmola") is forms.form("akmola")  # once per run
