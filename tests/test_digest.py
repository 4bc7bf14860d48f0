"""The managers' digest: its numbers agree with status and reports; it reads in a browser."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, Tracker, tracker_with_plan
from tests.helpers_campaign import busy_campaign
from tests.office import browser_flags, chromium
from tests.smtp_server import SmtpTestServer
from tracker.digest.summary import CHANGES_SHOWN

NOW = "2017-04-26T18:30:00+06:00"


@pytest.fixture
def campaign(tracker: Tracker) -> Tracker:
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    tracker.ok("mark", "1-25", "--region", "aktobe", now="2017-04-20T10:00:00+05:00")
    tracker.ok("mark", "5-11", "--region", "astana", now="2017-04-21T10:00:00+06:00")
    tracker.ok("mark", "4", "--region", "mangystau", "--body", "internal_policy",
               now="2017-04-24T10:00:00+05:00")
    tracker.ok("report", "set", "aktobe", "--class-hours", "120", "--children-reached", "5400")
    tracker.ok("report", "submit", "aktobe", now="2017-04-25T17:00:00+05:00")
    tracker.ok("report", "set", "astana", "--class-hours", "80", "--debates", "3")
    tracker.ok("report", "submit", "astana", now="2017-04-26T09:00:00+06:00")
    return tracker


def test_digest_numbers_agree_with_status_and_reports(campaign: Tracker) -> None:
    digest = campaign.json("digest", now=NOW)
    status = campaign.json("status", now=NOW)
    report = campaign.json("report", "show", now=NOW)
    cells = status["cells"]
    done = sum(c["state"] == "done" for c in cells)
    assert digest["completion"]["overall"] == round(done / len(cells), 4)
    for unit in status["units"]:
        assert digest["completion"]["by_unit"][unit["unit"]] == round(
            unit["done"] / unit["total"], 4)
    item5 = [c for c in cells if c["item"] == 5]
    assert digest["completion"]["by_item"]["5"] == round(
        sum(c["state"] == "done" for c in item5) / len(item5), 4)
    assert digest["totals"] == report["totals"]
    assert digest["totals"]["class_hours"] == 200
    assert digest["missing_reports"] == [r["unit"] for r in report["regions"]
                                         if r["received_at"] is None]
    # overdue: window items after 21 April, the rest of a region's items after 25 April,
    # each with the required bodies that have not finished (names, not counts)
    overdue = {(o["item"], o["unit"]): o["bodies"] for o in digest["overdue"]}
    assert (5, "aktobe") not in overdue and (5, "astana") not in overdue
    assert overdue[(4, "akmola")] == ["internal_policy"]
    assert (4, "mangystau") not in overdue
    assert overdue[(3, "astana")] == ["education", "internal_policy", "internal_affairs"]
    assert (26, "national") not in overdue  # due 30 April
    kinds = {c["kind"] for c in digest["changes"]}
    assert kinds == {"mark", "report"}
    assert digest["problems"] == {"failed": 0, "uncertain": 0}


def test_digest_text_names_regions_and_overdue(campaign: Tracker) -> None:
    text = campaign.ok("digest", now=NOW, lang="ru").stdout
    assert "Актюбинская область" in text and "Выполнено в целом" in text
    assert "Нет отчёта об итогах" in text and "Акмолинская область" in text


def test_html_escapes_titles(campaign: Tracker, tmp_path: Path) -> None:
    plan = (REPO / "plan.yaml").read_text(encoding="utf-8")
    start = plan.index("  - number: 7\n")
    ru_line = plan.index("      ru: ", start)
    edited = plan[:ru_line] + '      ru: "<script>alert(1)</script> фотоконкурс"\n' + \
        plan[plan.index("\n", ru_line) + 1:]
    (tmp_path / "plan.yaml").write_text(edited, encoding="utf-8")
    campaign.ok("plan", "load", str(tmp_path / "plan.yaml"))
    page = tmp_path / "digest.html"
    campaign.ok("digest", "--format", "html", "--output", str(page), now=NOW, lang="ru")
    html = page.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_page_shows_the_grid_in_headless_chromium(campaign: Tracker, tmp_path: Path) -> None:
    browser = chromium()
    page = tmp_path / "digest.html"
    campaign.ok("digest", "--format", "html", "--output", str(page), now=NOW)
    flags = browser_flags(tmp_path)
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert 'id="grid"' in dom
    assert dom.count('class="late"') > 100 and dom.count('class="done"') >= 24
    assert 'id="overall"' in dom
    shot = tmp_path / "digest.png"
    subprocess.run([browser, *flags, "--window-size=390,844", f"--screenshot={shot}",
                    page.as_uri()], capture_output=True, timeout=120, check=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a phone-sized page, drawn


def _env(server: SmtpTestServer) -> dict[str, str]:
    return {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(server.port),
            "TRACKER_SMTP_SECURITY": "none", "TRACKER_MAIL_FROM": "noreply@bkk.edu.example"}


def test_send_mails_managers_once_per_day(campaign: Tracker, smtp_server: SmtpTestServer) -> None:
    first = campaign("digest", "--send", now=NOW, env=_env(smtp_server))
    assert first.exit_code == 0, first.output
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == [
        "chair@bkk.edu.example", "vice-minister.office@edu.example"]
    mail = next(m for m in smtp_server.messages if m.rcpt_tos[0].startswith("vice"))
    parsed = mail.parsed()
    assert parsed.get_content_type() == "multipart/alternative"
    html = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert 'id="regions"' in html and "Ход выполнения плана" in html
    assert 'id="grid"' not in html  # the grid of every cell is on the page, not in the mail
    again = campaign("digest", "--send", now="2017-04-26T20:00:00+06:00", env=_env(smtp_server),
                     lang="en")
    assert again.exit_code == 0 and "already recorded" in again.stdout
    assert len(smtp_server.messages) == 2
    rows: list[dict[str, Any]] = campaign.json("outbox")
    assert {r["kind"] for r in rows} == {"digest"}
    # changes since this digest start after it
    later = campaign.json("digest", now="2017-04-27T18:30:00+06:00")
    assert later["since"] == "2017-04-26T12:30:00Z" and later["changes"] == []


def test_daemon_tick_records_the_digest_at_its_hour(campaign: Tracker,
                                                    smtp_server: SmtpTestServer) -> None:
    def digests() -> list[dict[str, Any]]:
        return [r for r in campaign.json("outbox") if r["kind"] == "digest"]

    def tick(now: str) -> None:
        result = campaign("run", "--once", now=now, env=_env(smtp_server))
        assert result.exit_code == 0, result.output

    tick("2017-04-10T17:30:00+06:00")  # the first digest is at 18:00 on the window's first day
    assert digests() == []
    tick("2017-04-26T18:01:00+06:00")
    assert [(r["stage"], r["state"]) for r in digests()] == [("2017-04-26", "sent")] * 2
    tick("2017-04-26T19:00:00+06:00")  # once per day
    assert len(digests()) == 2
    tick("2017-04-30T18:30:00+06:00")  # Sunday: no digest, and Friday's is too old to send
    assert len(digests()) == 2


MAIL_BOUND = 100 * 1024


def test_digest_mail_stays_small_on_a_busy_day(sqlite_tracker: Tracker, tmp_path: Path,
                                               smtp_server: SmtpTestServer) -> None:
    """16 regions, hundreds of changes and overdue cells: each manager's whole message (head,
    text and HTML) stays under 100 kB in kk, ru and both, with the latest changes listed and
    the rest counted, and the summaries by region and by item."""
    contacts = yaml.safe_load((REPO / "contacts.example.yaml").read_text(encoding="utf-8"))
    contacts["managers"] = [{"email": f"{lang}@bkk.edu.example", "name": lang, "lang": lang}
                            for lang in ("kk", "ru", "both")]
    book = tmp_path / "contacts.yaml"
    book.write_text(yaml.safe_dump(contacts, allow_unicode=True), encoding="utf-8")
    sqlite_tracker.ok("contacts", "load", str(book))
    busy_campaign(sqlite_tracker)
    changes = len(sqlite_tracker.json("digest", now=NOW)["changes"])
    assert changes > 300
    sent = sqlite_tracker("digest", "--send", now=NOW, env=_env(smtp_server))
    assert sent.exit_code == 0, sent.output
    mails = {m.rcpt_tos[0].split("@")[0]: m for m in smtp_server.messages}
    assert sorted(mails) == ["both", "kk", "ru"]
    more = changes - CHANGES_SHOWN
    for lang, words in (("kk", [f"тағы {more}"]), ("ru", [f"ещё {more}"]),
                        ("both", [f"тағы {more} / ещё {more}"])):
        message = mails[lang]
        assert len(message.data) <= MAIL_BOUND, (lang, len(message.data))
        parsed = message.parsed()
        html = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
        text = parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        for word in words:
            assert word in html, lang
        assert html.count("<tr>") < 120  # summaries, not 26 x 17 cells
        region = "Восточно-Казахстанская область" if lang == "ru" else "Шығыс Қазақстан облысы"
        assert region in html and region in text
        assert 'id="items"' in html and "25. " in html
    assert "ещё " + str(more) in mails["ru"].parsed().get_body(  # type: ignore[union-attr]
        ("plain",)).get_content()


def test_digest_mail_of_many_schools_lists_the_least_advanced(tmp_path: Path,
                                                              smtp_server: SmtpTestServer) -> None:
    """A plan of 60 schools: the mail names 40 units, the least advanced first, and counts the
    rest, so its size does not grow with the plan."""
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    try:
        from common import generated_plan  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(REPO / "bench"))
    plan = generated_plan(60, tmp_path / "plan.yaml")
    schools = tracker_with_plan(f"sqlite:///{tmp_path / 'schools.db'}", plan,
                                plan.read_text(encoding="utf-8"))
    contacts = yaml.safe_load((REPO / "contacts.example.yaml").read_text(encoding="utf-8"))
    book = tmp_path / "contacts.yaml"
    book.write_text(yaml.safe_dump({"managers": [{"email": "ru@bkk.edu.example",
                                                  "name": "ru", "lang": "ru"}],
                                    "reply_to": contacts["reply_to"], "contacts": []},
                                   allow_unicode=True), encoding="utf-8")
    schools.ok("contacts", "load", str(book))
    schools.ok("mark", "1-25", "--region", ",".join(f"school_{n:05d}" for n in range(1, 22)),
               now="2017-04-20T10:00:00+06:00")
    sent = schools("digest", "--send", now=NOW, env=_env(smtp_server))
    assert sent.exit_code == 0, sent.output
    (mail,) = smtp_server.messages
    html = mail.parsed().get_body(("html",)).get_content()  # type: ignore[union-attr]
    regions = html[html.index('id="regions"'):html.index("</table>", html.index('id="regions"'))]
    assert "Школа №22<" in regions and "Республиканский уровень" in regions
    for done in (1, 21):  # done everywhere: among the 21 counted, not listed
        assert f"Школа №{done}<" not in regions
    assert regions.count("<td>") == 40 and "ещё 21" in regions  # 40 named, a line for the rest
