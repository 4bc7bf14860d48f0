"""Staff see who reported what and how: `history`, `status --region` and the digest (text,
JSON, HTML) say by whom and whether at the terminal, through a link or by import, with the
evidence; existing JSON keys stay as they were."""

from __future__ import annotations

from pathlib import Path

from tests.agencypage import EDU, PDF, post
from tests.conftest import Tracker
from tests.webserver import Served

LATER = "2017-04-20T10:00:00+06:00"
SINCE = "2017-04-01T00:00+06:00"
LINK = "https://edu.akmola.kz/news/12"


def _import(tracker: Tracker) -> None:
    """Item 3 in akmola recorded as an importer records it: the marking service, via import."""
    from datetime import datetime

    from tracker.progress.marking import change
    from tracker.progress.selection import select
    from tracker.store.database import Database

    db = Database(tracker.url)
    try:
        selection = select(db.plan(), ("3",), ("akmola",), "education")
        change(db, selection, "mark", actor="import: akmola.xlsx", note="", via="import",
               now=datetime.fromisoformat(tracker.now))
    finally:
        db.engine.dispose()


def test_history_status_and_digest_say_who_reported_what_and_how(served: Served,
                                                                 tmp_path: Path) -> None:
    tracker = served.tracker
    tracker.ok("mark", "2", "--region", "akmola", "--body", "education", "--by", "Айгерім")
    _import(tracker)
    with served.client() as http:
        assert post(http, served, EDU, "mark", ["5:akmola:education"], note="хат 12",
                    url=LINK).status_code == 303
        assert post(http, served, EDU, "mark", ["6:akmola:education"],
                    file=("бұйрық.pdf", PDF)).status_code == 303

    events = tracker.json("history", "--region", "akmola", now=LATER)
    assert [(e["item"], e["via"]) for e in events] == [
        (2, "cli"), (3, "import"), (5, "link"), (6, "link")]
    assert events[2]["evidence_url"] == LINK and events[2]["evidence"] is None
    assert events[3]["evidence"]["name"] == "бұйрық.pdf"
    assert {"at", "item", "unit", "body", "action", "by", "note", "done_at"} <= set(events[0])

    text = tracker.ok("history", "--region", "akmola", now=LATER, lang="en").stdout
    assert f"by {EDU}, via link; evidence: {LINK}" in text
    assert "by Айгерім, at the terminal" in text and "import: akmola.xlsx, import" in text
    russian = tracker.ok("history", "--region", "akmola", now=LATER, lang="ru").stdout
    assert f"автор: {EDU}, по ссылке; подтверждение: бұйрық.pdf (sha256 " in russian

    status = tracker.ok("status", "--region", "akmola", now=LATER, lang="en").stdout
    assert f"✓ education department: {EDU}, 2017-04-14 10:0" in status
    assert "via link; evidence: бұйрық.pdf" in status
    assert "✓ education department: Айгерім, 2017-04-14 10:00 (+06), at the terminal" in status

    digest = tracker.json("digest", "--since", SINCE, now=LATER)
    changes = [c for c in digest["changes"] if c.get("unit") == "akmola"]
    assert [(c["item"], c["via"], c["by"]) for c in changes] == [
        (2, "cli", "Айгерім"), (3, "import", "import: akmola.xlsx"), (5, "link", EDU),
        (6, "link", EDU)]
    assert changes[2]["evidence_url"] == LINK
    assert {"at", "kind", "item", "unit", "body", "by", "note"} <= set(changes[0])
    kk, ru = (" ".join(tracker.ok("digest", "--since", SINCE, now=LATER, lang=lang).stdout.split())
              for lang in ("kk", "ru"))  # (a table wraps its lines)
    assert "сілтеме арқылы" in kk and "терминалда" in kk and "импорт арқылы" in kk
    assert "по ссылке" in ru and "в терминале" in ru and "импортом" in ru
    page = tmp_path / "digest.html"
    tracker.ok("digest", "--format", "html", "--output", str(page), "--since", SINCE, now=LATER)
    assert f"({EDU}, сілтеме арқылы) — хат 12; растау: {LINK}" in page.read_text("utf-8")


def test_evidence_save_names_an_unknown_digest_and_keeps_an_existing_file(
        tracker: Tracker, tmp_path: Path) -> None:
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"mine")
    unknown = tracker("evidence", "save", "0123456789ab", str(kept), lang="en")
    assert unknown.exit_code != 0 and "0123456789ab: no such uploaded file" in unknown.output
    assert kept.read_bytes() == b"mine"
