"""Personal links on a real server: one recipient's token opens its page; anything else is a
plain 404; headers forbid framing and sniffing; the token never reaches the log."""

from __future__ import annotations

from pathlib import Path

from tests.webserver import Served

AGENCY = "edu@akmola.example"


def test_the_link_opens_the_recipients_page_and_a_changed_token_does_not(served: Served) -> None:
    with served.client() as http:
        page = http.get(served.link(AGENCY).removeprefix(served.base))
        assert page.status_code == 200
        assert "Ақмола облысының білім басқармасы" in page.text
        token = served.token(AGENCY)
        for i in (0, 10, len(token) - 1):
            changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
            refused = http.get(f"/r/{changed}")
            assert refused.status_code == 404
            assert refused.text == "404"
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert token not in served.log()
    assert "GET /r/… 200" in served.log()


def test_a_revoked_link_is_refused_and_the_next_one_works(served: Served) -> None:
    old = served.link(AGENCY)
    served.tracker.ok("links", "revoke", AGENCY, lang="en", env=served.env)
    served._links.clear()
    new = served.link(AGENCY)
    assert new != old
    with served.client() as http:
        assert http.get(old.removeprefix(served.base)).status_code == 404
        assert http.get(new.removeprefix(served.base)).status_code == 200


def test_a_link_after_the_campaign_closed_and_its_grace_is_refused(served: Served) -> None:
    link = served.link(AGENCY)
    from tests.webserver import start_server, stop_server

    late = start_server(served.tracker, served.log_file.parent, now="2017-06-30T10:00:00+06:00")
    try:
        with late.client() as http:
            assert http.get(link.removeprefix(served.base)).status_code == 404
    finally:
        stop_server(late.process)


def test_a_kept_page_follows_marks_and_contacts_loads(served: Served, tmp_path: Path) -> None:
    """The server keeps a page while nothing it shows changed: a mark at the terminal and a new
    contacts file each show at the next request."""
    path = served.link(AGENCY).removeprefix(served.base)
    with served.client() as http:
        first = http.get(path).text
        assert http.get(path).text == first  # kept, the same
        served.tracker.ok("mark", "5", "--region", "akmola", "--body", "education", "--note",
                          "хат № 7", lang="en")
        marked = http.get(path).text
        assert marked != first and "хат № 7" in marked
        contacts = tmp_path / "contacts.yaml"
        from tests.webserver import CONTACTS

        contacts.write_text(CONTACTS.read_text(encoding="utf-8").replace(
            "Ақмола облысының білім басқармасы", "Ақмола облысы білім басқармасы (жаңа)"),
            encoding="utf-8")
        served.tracker.ok("contacts", "load", str(contacts), lang="en")
        assert "(жаңа)" in http.get(path).text
        contacts.write_text(CONTACTS.read_text(encoding="utf-8").replace(
            "edu@akmola.example", "other@akmola.example"), encoding="utf-8")
        served.tracker.ok("contacts", "load", str(contacts), lang="en")
        assert http.get(path).status_code == 404  # no longer in the contacts


def test_the_kept_dashboard_follows_a_results_report(served: Served) -> None:
    """A manager's dashboard is kept too, with its own style policy, and a results report
    entered at the terminal shows at the next request."""
    path = served.link("chair@bkk.edu.example").removeprefix(served.base) + "/dashboard"
    with served.client() as http:
        first = http.get(path)
        kept = http.get(path)
        assert kept.text == first.text
        assert kept.headers["content-security-policy"] == \
            first.headers["content-security-policy"]
        served.tracker.ok("report", "set", "aktobe", "--children-reached", "987654", lang="en")
        served.tracker.ok("report", "submit", "aktobe", lang="en")
        assert http.get(path).text != first.text


def test_serve_refuses_bad_settings_in_one_line(tmp_path: Path) -> None:
    """A mistake in the server's settings stops it before it listens: one line in the reader's
    language, exit status 2 (1 for a database not set up), no traceback."""
    from tests.conftest import Tracker

    t = Tracker(f"sqlite:///{tmp_path / 'tracker.db'}")
    missing = t("serve", "--port", "1", lang="ru")
    assert missing.exit_code == 1 and "tracker init" in missing.output
    t.ok("init")
    cases = [({"TRACKER_PUBLIC_URL": "ftp://tracker.example"}, "мекенжайы емес"),
             ({"TRACKER_UPLOAD_LIMIT_MB": "500"}, "TRACKER_UPLOAD_LIMIT_MB=500"),
             ({"TRACKER_TRUSTED_PROXIES": "proxy.local"}, "TRACKER_TRUSTED_PROXIES=proxy.local"),
             ({"TRACKER_SECRET_KEY_FILE": str(tmp_path / "none.key")}, "none.key")]
    for env, words in cases:
        refused = t("serve", "--port", "1", lang="kk", env=env)
        assert refused.exit_code == 2, (env, refused.output)
        assert refused.output.startswith("қате: ") and words in refused.output, refused.output
        assert len(refused.output.strip().splitlines()) == 1 and "Traceback" not in refused.output
