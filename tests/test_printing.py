"""Documents people print, checked as printed: the results form (.xlsx) through LibreOffice,
the digest page through Chromium, the final report (.docx) through LibreOffice.

Each is filled with a realistic state (every region reporting, long media lists, many changes)
and converted to PDF; the tests count the pages and read the text back to see that no header
word was broken over two lines and no region's name was cut.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Tracker
from tests.office import office_convert, pdf_pages, pdf_size, pdf_text, words

REGIONS = ("akmola", "aktobe", "almaty_region", "atyrau", "east_kazakhstan", "zhambyl",
           "west_kazakhstan", "karaganda", "kostanay", "kyzylorda", "mangystau", "pavlodar",
           "north_kazakhstan", "south_kazakhstan", "astana", "almaty")
FORM_HEADERS = ("Наименование области", "Кол-во общешкольных линеек", "Кол-во классных часов",
                "Кол-во конкурсов (конкурсы плакатов, буклетов, творческих работ, сочинений, "
                "флеш-моб, акции)", "Кол-во встреч", "Кол-во дебатов",
                "Кол-во родительских собраний", "Охват детей",
                "Освещение в СМИ (наименование СМИ, дата размещения)", "Другие")
TITLE = "Итоги информационной кампании «Безопасный интернет»"


def _every_region_reports(tracker: Tracker) -> None:
    """All 16 regions with figures, two publications (one with a long URL) and a note."""
    for number, region in enumerate(REGIONS, start=1):
        tracker.ok("report", "set", region, "--school-assemblies", str(300 + number),
                   "--class-hours", "1250", "--contests", "40", "--meetings", "87",
                   "--debates", "12", "--parent-meetings", "96", "--children-reached", "54000",
                   "--other", "Круглый стол с родителями и учителями, 18.04")
        tracker.ok("report", "media", "add", region, "--outlet", "Ақтөбе газеті",
                   "--date", "2017-04-12",
                   "--url", "https://aktobegazeti.kz/2017/04/12/qauipsiz-internet")
        tracker.ok("report", "media", "add", region, "--outlet", "Хабар", "--date", "2017-04-13")


def _broken_words(page: str, headers: tuple[str, ...]) -> list[str]:
    """Header words that do not appear whole on `page`."""
    present = words(page)
    return [word for header in headers for word in header.split() if word not in present]


def test_results_form_prints_landscape_one_page_wide(sqlite_tracker: Tracker,
                                                     tmp_path: Path) -> None:
    _every_region_reports(sqlite_tracker)
    form = tmp_path / "itogi.xlsx"
    sqlite_tracker.ok("report", "export", str(form))
    pdf = office_convert(form, "pdf", tmp_path)
    width, height = pdf_size(pdf)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    # one page wide: every column on each page; 16 tall rows take two pages, not four or eight
    pages = pdf_text(pdf)
    assert pdf_pages(pdf) == len(pages) == 2
    first, second = pages
    assert any(TITLE in line for line in first.splitlines())  # the title on one line
    assert "Отчет до 25 апреля 2017 г" in first
    for page in pages:  # the header repeated on each page, no word broken
        assert _broken_words(page, FORM_HEADERS) == [], page
        assert "Другие" in page and "Наименование" in page
    names = first + second
    assert "Восточно-Казахстанская" in words(names) and "Итого" in second
    assert names.count("https://aktobegazeti.kz/2017/04/12/qauipsiz-internet") == 16
    # what was printed is still the form the import reads
    sqlite_tracker.ok("report", "import", str(form))
    shown = sqlite_tracker.json("report", "show")
    assert shown["totals"]["school_assemblies"] == sum(300 + n for n in range(1, 17))
    assert shown["totals"]["media_coverage"] == 32
