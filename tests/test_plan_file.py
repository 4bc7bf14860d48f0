"""plan.yaml against the approved plan: an expectation table written by hand from the document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO, Tracker
from tests.plan_expectations import (
    EXPECTED_DATES,
    EXPECTED_ITEMS,
    EXPECTED_REGIONS,
    EXPECTED_TITLE_STARTS,
)
from tracker.plan.codec import plan_from_dict, plan_to_dict
from tracker.plan.loader import load_plan
from tracker.plan.model import Plan

SEED = REPO.parent / "shared" / "seed" / "000_484448a00979549b.txt"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(REPO / "plan.yaml")


def test_items_match_the_document(plan: Plan) -> None:
    assert sorted(i.number for i in plan.items) == list(range(1, 27))
    for item in plan.items:
        section_number, form, due, bodies = EXPECTED_ITEMS[item.number]
        assert plan.sections_by_key[item.section].number == section_number, item.number
        assert item.form == form, item.number
        actual_due = item.due.milestone if item.due.kind == "date" else item.due.kind
        assert actual_due == due, item.number
        assert item.responsible == bodies, item.number
        assert item.title.kk.startswith(EXPECTED_TITLE_STARTS[item.number]), item.number
        assert item.title.ru and item.title.en


def test_regions_dates_and_calendar(plan: Plan) -> None:
    assert {r.key: r.timezone for r in plan.regions} == EXPECTED_REGIONS
    assert [r.key for r in plan.regions] == list(EXPECTED_REGIONS)
    assert {k: m.date.isoformat() for k, m in plan.milestones.items()} == EXPECTED_DATES
    from datetime import date

    assert not plan.calendar.is_working_day(date(2017, 4, 22))  # Saturday
    assert not plan.calendar.is_working_day(date(2017, 5, 1))  # People's Unity Day
    assert not plan.calendar.is_working_day(date(2017, 5, 8))  # moved from 7 May
    assert plan.calendar.is_working_day(date(2017, 4, 25))


def test_each_date_is_written_once() -> None:
    text = (REPO / "plan.yaml").read_text(encoding="utf-8")
    for day in ("2017-04-10", "2017-04-21", "2017-04-25", "2017-04-30"):
        assert len(re.findall(day, text)) == 1, day


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not beside this checkout")
def test_kazakh_titles_are_verbatim(plan: Plan) -> None:
    seed = " ".join(SEED.read_text(encoding="utf-8").split())
    for item in plan.items:
        assert item.title.kk in seed, item.number
    for section in plan.sections:
        assert section.title.kk in seed, section.key


def test_required_bodies_follow_by_agreement_rule(plan: Plan) -> None:
    item5 = plan.items_by_number[5]
    assert plan.required_bodies(item5, "aktobe") == ("education", "internal_policy",
                                                     "internal_affairs")
    item16 = plan.items_by_number[16]  # the association alone: required although by agreement
    assert plan.required_bodies(item16, "national") == ("parents_association",)
    item25 = plan.items_by_number[25]
    assert plan.units_of(item25)[-1] == "national"
    assert plan.bodies_in(item25, "national") == ("committee",)
    assert plan.bodies_in(item25, "astana") == ("education",)


def test_json_codec_round_trips(plan: Plan) -> None:
    assert plan_from_dict(plan_to_dict(plan)) == plan  # `source` is not compared


def test_items_json_matches_the_document(tracker: Tracker) -> None:
    items = tracker.json("items")
    assert len(items) == 26
    by_number = {i["number"]: i for i in items}
    assert by_number[5] == {
        "number": 5,
        "section": by_number[5]["section"],
        "title": by_number[5]["title"],
        "completion_form": "mes_info",
        "due": {"kind": "window", "start": "2017-04-10", "end": "2017-04-21"},
        "responsible": ["education", "internal_policy", "internal_affairs", "ngo"],
        "scope": ["regional"],
    }
    assert by_number[26]["due"] == {"kind": "date", "date": "2017-04-30"}
    assert by_number[26]["completion_form"] == "minister_info"
    assert by_number[26]["scope"] == ["national"]
    assert by_number[25]["scope"] == ["regional", "national"]
    assert by_number[1]["due"] == {"kind": "ongoing"}
    due_kinds = {"ongoing": "ongoing", "window": "window", "final_report": "date"}
    for number, (_, form, due, bodies) in EXPECTED_ITEMS.items():
        assert by_number[number]["due"]["kind"] == due_kinds[due]
        assert by_number[number]["completion_form"] == form
        assert by_number[number]["responsible"] == list(bodies)
        assert by_number[number]["title"]["kk"].startswith(EXPECTED_TITLE_STARTS[number])


def test_regions_json(tracker: Tracker) -> None:
    regions = tracker.json("regions")
    assert [r["key"] for r in regions] == list(EXPECTED_REGIONS)
    assert {r["key"]: r["timezone"] for r in regions} == EXPECTED_REGIONS
    aktobe = next(r for r in regions if r["key"] == "aktobe")
    assert aktobe["name"]["kk"] == "Ақтөбе облысы"
    assert aktobe["name"]["ru"] == "Актюбинская область"


def test_lang_changes_titles(tracker: Tracker) -> None:
    kk = tracker.ok("items").stdout
    ru = tracker.ok("items", lang="ru").stdout
    assert "Ата-аналар мен оқушылар үшін" in kk
    assert "Ата-аналар мен оқушылар үшін" not in ru


def test_plan_check_accepts_the_bundled_plan(tmp_path: Path) -> None:
    t = Tracker(f"sqlite:///{tmp_path / 'unused.db'}")
    result = t.ok("plan", "check", lang="en")
    assert "26 items" in result.stdout
    assert not (tmp_path / "unused.db").exists()


def test_libyaml_and_pure_python_parsers_read_the_same_values_and_lines() -> None:
    """The plan and contacts are composed by libyaml when PyYAML has it (four times faster at
    school scale); the values, and the lines that error messages name, must not change."""
    import yaml

    from tracker.plan import yamlsource

    def shape(value: object) -> object:
        if isinstance(value, yamlsource.LineMap):
            return ("map", value.line, [(k, value.line_of(k), shape(v)) for k, v in value.items()])
        if isinstance(value, yamlsource.LineList):
            return ("list", value.line, value.item_lines, [shape(v) for v in value])
        return (type(value).__name__, value)

    class PurePython(yaml.SafeLoader):
        yaml_implicit_resolvers = yamlsource._Loader.yaml_implicit_resolvers

    if yaml.__with_libyaml__:  # PyPI's wheels have it; a build without it parses in Python
        assert issubclass(yamlsource._Loader, yaml.CSafeLoader)
    for name in ("plan.yaml", "contacts.example.yaml"):
        text = (REPO / name).read_text(encoding="utf-8")
        fast = shape(yamlsource.load_yaml_text(text, name))
        original, yamlsource._Loader = yamlsource._Loader, PurePython  # type: ignore[misc]
        try:
            assert shape(yamlsource.load_yaml_text(text, name)) == fast, name
        finally:
            yamlsource._Loader = original  # type: ignore[misc]
