"""Reading and posting an agency's page as a browser would, for the web tests."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.webserver import Served

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EDU = "edu@akmola.example"
"""The education department of akmola: (akmola, education), Kazakh first, UTC+06."""
POLICY = "policy@akmola.example"


def path_of(served: Served, email: str) -> str:
    return served.link(email).removeprefix(served.base)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "the page has no form"
    return found.group(1)


def offered(html: str) -> list[str]:
    """The assignments the report form offers, in page order (`item:unit:body`)."""
    return re.findall(r'name="a" value="([^"]+)"', html.split('class="take-back"')[0])


def post(http: httpx.Client, served: Served, email: str, action: str, chosen: list[str],
         *, note: str = "", url: str = "", file: tuple[str, bytes] | None = None,
         csrf: str | None = None, lang: str = "kk") -> httpx.Response:
    """The form of `email`'s page posted to /mark or /unmark (the CSRF token read from the
    page unless given)."""
    page = path_of(served, email)
    token = csrf if csrf is not None else csrf_of(http.get(page).text)
    data: dict[str, Any] = {"csrf": token, "a": chosen, "note": note, "url": url, "lang": lang}
    files = {"file": (file[0], file[1], "application/octet-stream")} if file else None
    return http.post(f"{page}/{action}", data=data, files=files)
