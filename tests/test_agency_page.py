"""The agency page on a real server, on both backends: the recipient's work as its reminder
lists it (outstanding by deadline, overdue first, in the unit's own time, then done, by whom
and how), reporting it done with a note and a file, taking it back, and a double submit."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.agencypage import EDU, PDF, csrf_of, offered, path_of, post
from tests.conftest import dump_database
from tests.webserver import Served, start_server, stop_server

LATER = "2017-04-20T10:00:00+06:00"
"""When the CLI reads back what the server (whose clock starts at 14 April 10:00 and runs on)
recorded."""

OVERDUE_ON_24TH = [5, 6, 7, 8, 9, 10, 11, 13, 14, 17, 18, 19, 24]
"""akmola's education items due by the end of the information campaign (21 April)."""
DUE_25TH = [2, 3, 12, 15, 20, 21, 22, 23, 25]
"""...and those due with the regions' results report (25 April), item 1 aside (marked)."""


def test_outstanding_by_deadline_overdue_first_in_local_time_then_done(served: Served,
                                                                        tmp_path: Path) -> None:
    served.tracker.ok("mark", "1", "--region", "akmola", "--body", "education",
                      "--by", "Айгерім", "--note", "хат 1")
    late = start_server(served.tracker, tmp_path, now="2017-04-24T10:00:00+06:00")
    try:
        with late.client() as http:
            page = http.get(path_of(served, EDU))
            assert page.status_code == 200
            html = page.text
            assert [int(v.split(":")[0]) for v in offered(html)] == OVERDUE_ON_24TH + DUE_25TH
            assert all(v.endswith(":akmola:education") for v in offered(html))
            # the overdue group first and marked, each deadline at 23:59 where akmola is
            overdue = html.index("Мерзімі өтті</span>: 21.04.2017, 23:59 (жергілікті уақыт, "
                                 "UTC+06:00) — <span class=\"overdue\">3 күнге кешікті")
            coming = html.index("Мерзімі: 25.04.2017, 23:59 (жергілікті уақыт, UTC+06:00)")
            assert overdue < html.index('value="5:akmola:education"') < coming
            assert coming < html.index('value="2:akmola:education"')
            # then done: by whom, how (the terminal), the note
            done = html[html.index("Орындалған іс-шаралар: 1"):]
            assert "№ 1</strong>" in done and "енгізген: Айгерім, терминалда" in done
            assert "«хат 1»" in done and 'class="take-back"' not in done  # not its own
            assert html.index("Орындалмаған іс-шаралар: 22") < html.index("Орындалған")

            russian = http.get(path_of(served, EDU) + "?lang=ru").text
            assert "Срок истёк</span>: 21.04.2017, 23:59 (местное время, UTC+06:00)" in russian
            assert "внёс: Айгерім, в терминале" in russian
            # another region, another zone: Aktobe's day ends an hour later (UTC+05)
            aktobe = http.get(path_of(served, "edu@aktobe.example")).text
            assert "25.04.2017, 23:59 (жергілікті уақыт, UTC+05:00)" in aktobe
            assert "UTC+06:00" not in aktobe
            assert all(v.endswith(":aktobe:education") for v in offered(aktobe))
            # a manager-only address has no assignments: its link opens the dashboard
            manager = http.get(path_of(served, "vice-minister.office@edu.example"))
            assert manager.status_code == 303
            assert manager.headers["location"] == (
                path_of(served, "vice-minister.office@edu.example") + "/dashboard")
    finally:
        stop_server(late.process)


def _history(served: Served) -> list[dict[str, object]]:
    return list(served.tracker.json("history", "--region", "akmola", now=LATER))


def test_report_two_with_a_note_and_a_pdf_replay_and_take_one_back(served: Served,
                                                                   tmp_path: Path) -> None:
    page = path_of(served, EDU)
    with served.client() as http:
        csrf = csrf_of(http.get(page).text)
        chosen = ["5:akmola:education", "6:akmola:education"]
        sent = post(http, served, EDU, "mark", chosen, note="Хат № 12, 14.04",
                    file=("../../x.pdf", PDF), csrf=csrf)
        assert sent.status_code == 303
        location = urlsplit(sent.headers["location"])
        assert location.path == page and parse_qs(location.query)["marked"] == ["5,6"]
        shown = http.get(sent.headers["location"]).text
        assert "Орындалды деп хабарланды: № 5, 6." in shown
        assert "5:akmola:education" not in offered(shown)
        assert "сілтеме арқылы" in shown and "x.pdf" in shown

        digest = hashlib.sha256(PDF).hexdigest()
        events = _history(served)
        assert [(e["item"], e["action"], e["by"], e["via"], e["note"]) for e in events] == [
            (5, "mark", EDU, "link", "Хат № 12, 14.04"), (6, "mark", EDU, "link",
                                                         "Хат № 12, 14.04")]
        assert all(e["evidence"] == {"digest": digest, "name": "x.pdf"} for e in events)
        cells = served.tracker.json("status", now=LATER)["cells"]
        bodies = {c["item"]: c["bodies"] for c in cells if c["unit"] == "akmola"}
        assert bodies[5]["education"] == bodies[6]["education"] == "done"
        assert bodies[7]["education"] == "pending"

        # the same form posted again (a double click, a replay): nothing changes twice
        before = dump_database(served.tracker.url)
        again = post(http, served, EDU, "mark", chosen, note="Хат № 12, 14.04",
                     file=("../../x.pdf", PDF), csrf=csrf)
        assert again.status_code == 303
        assert parse_qs(urlsplit(again.headers["location"]).query)["unchanged"] == ["1"]
        assert dump_database(served.tracker.url) == before
        assert len(before["upload"]) == 1 and len(_history(served)) == 2

        saved = tmp_path / "evidence.pdf"
        served.tracker.ok("evidence", "save", digest[:12], str(saved), lang="en")
        assert saved.read_bytes() == PDF

        back = post(http, served, EDU, "unmark", ["6:akmola:education"], note="қате", csrf=csrf)
        assert back.status_code == 303
        assert parse_qs(urlsplit(back.headers["location"]).query)["unmarked"] == ["6"]
        shown = http.get(back.headers["location"]).text
        assert "Хабарлама қайтарылды: № 6." in shown and "6:akmola:education" in offered(shown)
        last = _history(served)[-1]
        assert (last["item"], last["action"], last["by"], last["via"], last["note"]) == (
            6, "unmark", EDU, "link", "қате")

        # what staff recorded is not the agency's to take back
        served.tracker.ok("mark", "1", "--region", "akmola", "--body", "education")
        before = dump_database(served.tracker.url)
        refused = post(http, served, EDU, "unmark", ["1:akmola:education"], csrf=csrf)
        assert refused.status_code == 400
        assert "Бұл белгіні сіз қоймағансыз" in refused.text
        assert dump_database(served.tracker.url) == before
