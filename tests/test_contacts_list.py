"""`contacts list`: what is loaded, as JSON with the file's keys and as a table in the reader's
language; and the coordinator of contacts.yaml, checked at the door and stored."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, Tracker, dump_database
from tests.test_door import assert_refused

EXAMPLE = REPO / "contacts.example.yaml"
CONTACTS = EXAMPLE.read_text(encoding="utf-8")
COORDINATOR = '''coordinator:
  name: "Әлия Серікқызы Нұрланова"
  phone: "+7 7172 74-22-11"
  email: a.nurlanova@bkk.edu.example
'''


def test_the_json_is_what_the_file_says(tracker: Tracker) -> None:
    tracker.ok("contacts", "load", str(EXAMPLE))
    listed = tracker.json("contacts", "list")
    source = yaml.safe_load(CONTACTS)
    assert list(listed) == ["reply_to", "coordinator", "contacts", "managers"]
    assert listed["reply_to"] == source["reply_to"]
    assert listed["coordinator"] == source["coordinator"]
    assert listed["contacts"] == [
        {"unit": c["unit"], "body": c["body"], "email": c["email"], "name": c["name"],
         "lang": c.get("lang", "both"), "trusted": c.get("trusted", False)}
        for c in source["contacts"]]
    assert listed["managers"] == [
        {"email": c["email"], "name": c["name"], "lang": c.get("lang", "both")}
        for c in source["managers"]]


@pytest.mark.parametrize(("lang", "present", "absent"), [
    (None, ["Жауап мекенжайы: safe-internet@bkk.edu.example",
            "Үйлестіруші: Әлия Серікқызы Нұрланова, +7 7172 74-22-11",
            "\nАқмола облысы", "білім басқармасы", "Шолу алатын басшылар:",
            "барлығы 66 орындаушы мекенжайы, 2 басшы"],
     ["Reply to", "Coordinator", "education", "akmola "]),
    ("ru", ["Адрес для ответа: safe-internet@bkk.edu.example", "Координатор: Әлия",
            "Акмолинская область", "управление образования",
            "всего адресов исполнителей: 66, руководителей: 2"],
     ["Reply to", "\nАқмола облысы", "akmola "]),
    ("en", ["Reply to: safe-internet@bkk.edu.example", "Coordinator: Әлия",
            "66 agency contact(s), 2 manager(s)"], ["Үйлестіруші", "Координатор"]),
])
def test_the_table_speaks_the_chosen_language(tracker: Tracker, lang: str | None,
                                              present: list[str], absent: list[str]) -> None:
    tracker.ok("contacts", "load", str(EXAMPLE))
    out = tracker.ok("contacts", "list", lang=lang).stdout
    for text in present:
        assert text in out, text
    for text in absent:
        assert text not in out, text
    assert "edu@akmola.example" in out and "chair@bkk.edu.example" in out
    # the association's 125-character name is cut to fit a line of the table
    assert max(len(line) for line in out.splitlines()) < 220


def test_nothing_loaded_is_said_not_an_empty_table(tracker: Tracker) -> None:
    assert tracker.ok("contacts", "list").stdout.strip() == \
        "байланыстар жүктелмеген: tracker contacts load FILE"
    assert tracker.json("contacts", "list") == {
        "reply_to": None, "coordinator": None, "contacts": [], "managers": []}


def test_loading_a_file_without_a_coordinator_removes_it(tracker: Tracker,
                                                          tmp_path: Path) -> None:
    tracker.ok("contacts", "load", str(EXAMPLE))
    path = tmp_path / "contacts.yaml"
    path.write_text(CONTACTS.replace(COORDINATOR, ""), encoding="utf-8")
    tracker.ok("contacts", "load", str(path))
    assert tracker.json("contacts", "list")["coordinator"] is None
    assert "Үйлестіруші: жоқ" in tracker.ok("contacts", "list").stdout


def test_a_coordinator_without_an_address_is_taken(tracker: Tracker, tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(CONTACTS.replace("  email: a.nurlanova@bkk.edu.example\n", ""),
                    encoding="utf-8")
    tracker.ok("contacts", "load", str(path))
    assert tracker.json("contacts", "list")["coordinator"] == {
        "name": "Әлия Серікқызы Нұрланова", "phone": "+7 7172 74-22-11", "email": None}


@pytest.mark.parametrize(("old", "new", "words"), [
    ('phone: "+7 7172 74-22-11"', 'phone: "позвонить"', ["contacts.yaml:13:", "phone number"]),
    ('phone: "+7 7172 74-22-11"', 'phone: "12-34"', ["contacts.yaml:13:", "phone number"]),
    ('phone: "+7 7172 74-22-11"', 'phone: "+7 7172\\e74"',
     ["contacts.yaml:13:", "control character"]),
    ('  phone: "+7 7172 74-22-11"\n', "", ["contacts.yaml:12:", "missing field 'phone'"]),
    ('name: "Әлия Серікқызы Нұрланова"', 'name: ""', ["contacts.yaml:12:", "'name' is empty"]),
    ("email: a.nurlanova@bkk.edu.example", "email: a.nurlanova", ["contacts.yaml:14:",
                                                                   "not an email address"]),
    ("email: a.nurlanova@bkk.edu.example", "mail: a.nurlanova@bkk.edu.example",
     ["contacts.yaml:14:", "unknown field 'mail'"]),
    (COORDINATOR, "coordinator: Әлия\n", ["contacts.yaml:11:", "expected a mapping"]),
])
def test_a_coordinator_the_mails_could_not_show_is_refused_at_the_door(
        tracker: Tracker, tmp_path: Path, old: str, new: str, words: list[str]) -> None:
    assert old in CONTACTS
    path = tmp_path / "contacts.yaml"
    path.write_text(CONTACTS.replace(old, new, 1), encoding="utf-8")
    tracker.ok("contacts", "load", str(EXAMPLE))
    before = dump_database(tracker.url)
    for command in ("check", "load"):
        assert_refused(tracker("contacts", command, str(path), lang="en"), *words)
    assert dump_database(tracker.url) == before


def test_a_trusted_contact_is_loaded_listed_and_a_wrong_value_refused(
        tracker: Tracker, tmp_path: Path) -> None:
    """`trusted: true` lets an address's replies apply at once (the inbox), so it is checked
    at the door and shown where staff look: a non-boolean is refused naming the line."""
    text = CONTACTS.replace("    email: policy@akmola.example\n",
                            "    email: policy@akmola.example\n    trusted: true\n", 1)
    good = tmp_path / "contacts.yaml"
    good.write_text(text, encoding="utf-8")
    tracker.ok("contacts", "load", str(good))
    listed = tracker.json("contacts", "list")
    assert [c["email"] for c in listed["contacts"] if c["trusted"]] == ["policy@akmola.example"]
    assert "доверенные адреса (ответные письма принимаются сразу): policy@akmola.example" in \
        tracker.ok("contacts", "list", lang="ru").stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("trusted: true", "trusted: иә"), encoding="utf-8")
    before = dump_database(tracker.url)
    result = tracker("contacts", "load", str(bad), lang="en")
    assert result.exit_code == 2
    line = text.splitlines().index("    trusted: true") + 1
    assert f"{bad}:{line}" in result.output and "trusted" in result.output, result.output
    assert dump_database(tracker.url) == before
