"""The whole loop in a real browser: a reminder received by the SMTP test server holds a
personal link; Chromium (Playwright driving Debian's /usr/bin/chromium) opens it, reports two
items and the results form; the command line shows them, attributed to the agency, via link.
The same on a 390 px phone, where nothing is wider than the screen."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import browser_page
from tests.conftest import Tracker
from tests.helpers_campaign import smtp_env
from tests.smtp_server import SmtpTestServer
from tests.webserver import CONTACTS, Served, start_server, stop_server

MORNING = "2017-04-18T09:30:00+06:00"
"""A reminder morning: 09:00 has passed in Astana and Akmola (UTC+6), not yet in Aktobe."""
AFTER = "2017-04-18T18:00:00+06:00"
"""When the command line looks (the server's clock ran on from the morning for a minute)."""
_LINK = re.compile(r"https?://[^\s<>\"]+/r/[A-Za-z0-9_-]{30}")


@pytest.fixture
def loop(tracker: Tracker, tmp_path: Path) -> Iterator[tuple[Served, SmtpTestServer]]:
    tracker.ok("contacts", "load", str(CONTACTS))
    served = start_server(tracker, tmp_path, now=MORNING)
    try:
        with SmtpTestServer() as smtp:
            env = {**smtp_env(smtp), "TRACKER_PUBLIC_URL": served.base}
            tracker.ok("remind", "send", now=MORNING, env=env, lang="en")
            yield served, smtp
    finally:
        stop_server(served.process)


def mailed_link(smtp: SmtpTestServer, address: str) -> str:
    """The link in the text and HTML parts of the reminder `address` received (the same)."""
    received = [m for m in smtp.messages if address in m.rcpt_tos]
    assert received, f"no reminder reached {address}"
    message = email.message_from_bytes(received[0].data, policy=email.policy.default)
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    in_text = _LINK.findall(text.get_content())
    in_html = _LINK.findall(html.get_content())
    assert in_text and set(in_text) == set(in_html), (in_text, in_html)
    return in_text[0]


def _report_two_and_the_form(page: object, link: str) -> list[str]:
    """Report the first two open items with a note, then fill and submit the results form;
    the values of the two reported assignments."""
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(link)
    boxes = page.locator("input[name=a]")
    chosen = [boxes.nth(0).get_attribute("value"), boxes.nth(1).get_attribute("value")]
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.fill("#note", "Хат № 12, 17.04.2017")
    page.click("form.report button[type=submit]")
    expect(page.locator("#notice")).to_be_visible()
    assert "№ " + chosen[0].split(":")[0] in page.inner_text("#notice")
    page.click("nav.pages a[href*='/results']")
    for field in page.locator("input[inputmode=numeric]").all():
        field.fill("12")
    page.click("button[value=submit]")
    expect(page.locator("p.notice, .notice")).to_be_visible()
    return [c for c in chosen if c]


def _attributed(tracker: Tracker, address: str, unit: str, chosen: list[str]) -> None:
    history = tracker.json("history", lang="en", now=AFTER)
    mine = {(e["item"], e["unit"], e["body"]) for e in history
            if e["by"] == address and e["via"] == "link" and e["action"] == "mark"}
    wanted = {(int(n), u, b) for n, u, b in (c.split(":") for c in chosen)}
    assert wanted <= mine, (wanted, history[-3:])
    status = tracker.json("status", lang="en", now=AFTER)
    cells = {(c["item"], c["unit"]): c for c in status["cells"]}
    for number, cell_unit, body in wanted:
        assert cells[(number, cell_unit)]["bodies"][body] == "done"
    report = next(r for r in tracker.json("report", "show", lang="en",
                                               now=AFTER)["regions"]
                  if r["unit"] == unit)
    assert report["received_at"] is not None and report["school_assemblies"] == 12
    assert (report["received_by"], report["received_via"]) == (address, "link")


def test_a_mailed_link_opens_in_chromium_and_reports_work_and_the_form(
        loop: tuple[Served, SmtpTestServer]) -> None:
    served, smtp = loop
    link = mailed_link(smtp, "edu@akmola.example")
    assert link.startswith(served.base)
    with browser_page(1280, 900) as page:
        chosen = _report_two_and_the_form(page, link)
    _attributed(served.tracker, "edu@akmola.example", "akmola", chosen)


def test_the_same_on_a_390_px_phone(loop: tuple[Served, SmtpTestServer]) -> None:
    served, smtp = loop
    link = mailed_link(smtp, "edu@astana.example")
    with browser_page(390, 844) as page:
        page.goto(link)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        chosen = _report_two_and_the_form(page, link)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _attributed(served.tracker, "edu@astana.example", "astana", chosen)
