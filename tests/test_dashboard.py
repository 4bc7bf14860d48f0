"""The managers' dashboard on a real server (SQLite and PostgreSQL): the digest page and the
JSON of `status`, `digest` and `report show` at a manager's link are what the commands print
at the same moment; an agency's link opens none of them."""

from __future__ import annotations

import json
import re

from tests.webserver import Served

MANAGER = "vice-minister.office@edu.example"
"""A manager whose language is Russian."""
BOTH = "chair@bkk.edu.example"
AGENCY = "edu@akmola.example"


def _work(served: Served) -> None:
    served.tracker.ok("mark", "1", "--region", "akmola", "--by", "staff",
                      now="2017-04-13T10:00+06:00")
    served.tracker.ok("report", "set", "aktobe", "--class-hours", "40")
    served.tracker.ok("report", "submit", "aktobe", "--by", "clerk",
                      now="2017-04-13T12:00+05:00")


def test_the_json_views_are_what_the_commands_print(served: Served) -> None:
    _work(served)
    base = f"/r/{served.token(MANAGER)}"
    with served.client() as http:
        status = http.get(f"{base}/status.json")
        digest = http.get(f"{base}/digest.json")
        report = http.get(f"{base}/report.json")
    for response in (status, digest, report):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
    now = json.loads(status.text)["as_of"]
    assert status.text == served.tracker.ok("status", "--json", now=now).stdout
    now = json.loads(digest.text)["as_of"]
    assert digest.text == served.tracker.ok("digest", "--json", now=now).stdout
    assert report.text == served.tracker.ok("report", "show", "--json", now=now).stdout
    aktobe = next(r for r in json.loads(report.text)["regions"] if r["unit"] == "aktobe")
    assert (aktobe["class_hours"], aktobe["received_by"], aktobe["received_via"]) == (
        40, "clerk", "cli")


def _without_the_live_parts(page: str) -> str:
    page = page.replace('<meta http-equiv="refresh" content="300">\n'
                        '<meta name="robots" content="noindex, nofollow">\n', "", 1)
    return re.sub(r'\n<nav class="langs">.*?</nav>', "", page, count=1)


def test_the_dashboard_is_the_digest_page_live_in_the_managers_language(served: Served) -> None:
    _work(served)
    path = f"/r/{served.token(MANAGER)}/dashboard"
    with served.client() as http:
        moment = json.loads(http.get(f"/r/{served.token(MANAGER)}/digest.json").text)["as_of"]
        page = http.get(path)
        kazakh = http.get(f"{path}?lang=kk")
        both = http.get(f"/r/{served.token(BOTH)}/dashboard")
    assert page.status_code == 200 and '<html lang="ru">' in page.text
    assert '<meta http-equiv="refresh" content="300">' in page.text
    assert f'<a href="{path}?lang=kk" hreflang="kk">Қазақша</a>' in page.text
    cli = served.tracker.ok("digest", "--format", "html", now=moment, lang="ru").stdout
    assert _without_the_live_parts(page.text) + "\n" == cli
    assert '<html lang="kk">' in kazakh.text and '<html lang="kk">' in both.text
    policy = page.headers.get_list("content-security-policy")
    assert len(policy) == 1 and "'sha256-" in policy[0] and "unsafe-inline" not in policy[0]
    assert "script-src" not in policy[0] and "default-src 'none'" in policy[0]
    for other in (AGENCY, BOTH):
        assert served.token(other) not in page.text
    assert re.findall(r"/r/[^/\"?]+", page.text) == [f"/r/{served.token(MANAGER)}"]


def test_an_agency_link_opens_no_dashboard(served: Served) -> None:
    base = f"/r/{served.token(AGENCY)}"
    with served.client() as http:
        for tail in ("dashboard", "status.json", "digest.json", "report.json"):
            refused = http.get(f"{base}/{tail}")
            assert (refused.status_code, refused.text) == (404, "404")
        changed = served.token(MANAGER)[:-1] + ("A" if served.token(MANAGER)[-1] != "A" else "B")
        assert http.get(f"/r/{changed}/dashboard").status_code == 404
