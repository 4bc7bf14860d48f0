"""A real browser for the web tests: Playwright driving Debian's Chromium (/usr/bin/chromium).

Playwright's own browser download is never used (`executable_path`); Chromium runs headless
with nothing of its own reaching the network.  Under CI=true a missing Chromium fails the test
(`.ci/run` installs it); elsewhere the test is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.office import chromium

FLAGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@contextmanager
def browser_page(width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A Playwright page in a fresh headless Chromium of `width` × `height` CSS pixels."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             chromium_sandbox=False, args=FLAGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height},
                                          java_script_enabled=True)
            yield context.new_page()
        finally:
            browser.close()
