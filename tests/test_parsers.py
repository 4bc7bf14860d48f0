"""One reading of a date and one of a region, the same on the command line and in an imported
form: `12.04.2017` is 2017-04-12 everywhere, and a region may be named by its key or by any of
its names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, Tracker, dump_database
from tests.test_report_files import RU, row, write_csv


def _cell(status: dict[str, Any], item: int, unit: str) -> dict[str, Any]:
    return next(c for c in status["cells"] if c["item"] == item and c["unit"] == unit)


def test_mark_on_reads_the_ministrys_dates_as_iso_ones(sqlite_tracker: Tracker) -> None:
    sqlite_tracker.ok("mark", "2", "--region", "aktobe", "--on", "12.04.2017")
    sqlite_tracker.ok("mark", "3", "--region", "aktobe", "--on", "2017-04-12")
    sqlite_tracker.ok("mark", "4", "--region", "aktobe", "--on", "1.4.2017")
    status = sqlite_tracker.json("status")
    assert _cell(status, 2, "aktobe")["done_at"] == "2017-04-11T19:00:00Z"  # UTC+5
    assert _cell(status, 3, "aktobe")["done_at"] == "2017-04-11T19:00:00Z"
    assert _cell(status, 4, "aktobe")["done_at"] == "2017-03-31T19:00:00Z"


def test_simulate_reads_both_spellings_alike(sqlite_tracker: Tracker) -> None:
    sqlite_tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    iso = sqlite_tracker.json("simulate", "--from", "2017-04-17", "--to", "2017-04-19")
    dotted = sqlite_tracker.json("simulate", "--from", "17.04.2017", "--to", "19.04.2017")
    assert iso == dotted and iso


def test_media_dates_are_one_reading_on_the_command_line_and_in_a_form(
        sqlite_tracker: Tracker, tmp_path: Path) -> None:
    sqlite_tracker.ok("report", "media", "add", "aktobe", "--outlet", "Хабар", "--date",
                      "12.04.2017")
    sqlite_tracker.ok("report", "media", "add", "aktobe", "--outlet", "Ақтөбе", "--date",
                      "2017-04-12")
    typed = [m["date"] for m in sqlite_tracker.json("report", "media", "list")]
    file = write_csv(tmp_path / "form.csv", [
        RU, row("Ақтөбе облысы", media="Хабар, 12.04.2017; Ақтөбе, 2017-04-12")])
    sqlite_tracker.ok("report", "import", str(file))
    imported = [m["date"] for m in sqlite_tracker.json("report", "media", "list")]
    assert typed == imported == ["2017-04-12", "2017-04-12"]


BAD_DATES = [
    (["mark", "5", "--region", "aktobe", "--on", "31.04.2017"], "--on", "'31.04.2017'",
     "is not a valid date"),
    (["mark", "5", "--region", "aktobe", "--on", "12/04/2017"], "--on", "'12/04/2017'",
     "is not a date (YYYY-MM-DD or DD.MM.YYYY)"),
    (["mark", "5", "--region", "aktobe", "--on", "12.04.1917"], "--on", "'12.04.1917'",
     "is outside 1970-2100"),
    (["simulate", "--from", "32.04.2017", "--to", "2017-04-20"], "--from", "'32.04.2017'",
     "is not a valid date"),
    (["simulate", "--from", "2017-04-01", "--to", "20.4.17"], "--to", "'20.4.17'",
     "is not a date"),
    (["report", "media", "add", "aktobe", "--outlet", "X", "--date", "30.02.2017"], "--date",
     "'30.02.2017'", "is not a valid date"),
]


@pytest.mark.parametrize(("args", "option", "value", "reason"), BAD_DATES,
                         ids=[" ".join(a[-2:]) for a, *_ in BAD_DATES])
def test_a_bad_date_is_one_line_naming_value_and_option(
        sqlite_tracker: Tracker, args: list[str], option: str, value: str, reason: str) -> None:
    before = dump_database(sqlite_tracker.url)
    result = sqlite_tracker(*args, lang="en")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0] and value in lines[0] and reason in lines[0]
    assert dump_database(sqlite_tracker.url) == before


def test_an_imported_date_is_refused_for_the_same_reason(sqlite_tracker: Tracker,
                                                         tmp_path: Path) -> None:
    file = write_csv(tmp_path / "form.csv", [RU, row("aktobe", media="Хабар, 31.04.2017")])
    result = sqlite_tracker("report", "import", str(file), lang="en")
    assert result.exit_code == 2
    assert "'31.04.2017' is not a valid date" in result.stderr


AKTOBE = ["aktobe", "AKTOBE", "Актюбинская область", "  актюбинская   ОБЛАСТЬ ", "Ақтөбе облысы",
          "Актюбинская", "Ақтөбе", "Ақтөбе обл.", "Aktobe Region"]


@pytest.mark.parametrize("name", AKTOBE)
def test_a_region_is_named_alike_on_the_command_line_and_in_a_form(
        sqlite_tracker: Tracker, tmp_path: Path, name: str) -> None:
    marked = sqlite_tracker.json("status", "--region", name)
    assert {c["unit"] for c in marked["cells"]} == {"aktobe"}
    sqlite_tracker.ok("mark", "1", "--region", name)
    assert _cell(sqlite_tracker.json("status"), 1, "aktobe")["state"] == "done"
    sqlite_tracker.ok("report", "set", name, "--meetings", "4")
    file = write_csv(tmp_path / "form.csv", [RU, row(name, (1, 1, 1, 5, 1, 1, 1))])
    sqlite_tracker.ok("report", "import", str(file))
    show = sqlite_tracker.json("report", "show")
    aktobe = next(r for r in show["regions"] if r["unit"] == "aktobe")
    assert aktobe["meetings"] == 5


def test_names_go_with_keys_in_one_region_list(sqlite_tracker: Tracker) -> None:
    sqlite_tracker.ok("mark", "1", "--region", "город Астана,Ақтөбе облысы,almaty")
    status = sqlite_tracker.json("status")
    assert {c["unit"] for c in status["cells"] if c["item"] == 1 and c["state"] == "done"} == {
        "astana", "aktobe", "almaty"}


@pytest.mark.parametrize("name", ["Алматы", "Казахстанская область", "Нарния"])
def test_a_name_that_means_no_one_region_is_refused(sqlite_tracker: Tracker, name: str) -> None:
    """«Алматы» alone is both Алматы облысы and Алматы қаласы: never guessed."""
    before = dump_database(sqlite_tracker.url)
    for args in (["mark", "1", "--region", name], ["report", "set", name, "--meetings", "1"]):
        result = sqlite_tracker(*args, lang="en")
        assert result.exit_code == 2 and f"unknown region '{name}'" in result.stderr, args
        assert len(result.stderr.strip().splitlines()) == 1
    assert dump_database(sqlite_tracker.url) == before


def test_almaty_city_and_region_keep_their_own_names(sqlite_tracker: Tracker) -> None:
    city = sqlite_tracker.json("status", "--region", "Алматы қаласы")
    region = sqlite_tracker.json("status", "--region", "Алматинская")
    assert {c["unit"] for c in city["cells"]} == {"almaty"}
    assert {c["unit"] for c in region["cells"]} == {"almaty_region"}
