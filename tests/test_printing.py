"""Documents people print, checked as printed: the results form (.xlsx) through LibreOffice,
the digest page through Chromium, the final report (.docx) through LibreOffice.

Each is filled with a realistic state (every region reporting, long media lists, many changes)
and converted to PDF; the tests count the pages and read the text back to see that no header
word was broken over two lines and no region's name was cut.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, Tracker
from tests.helpers_campaign import REGIONS, busy_campaign
from tests.office import dump_dom, office_convert, pdf_pages, pdf_size, pdf_text, print_page, words
from tracker.digest.summary import CHANGES_SHOWN

FORM_HEADERS = ("Наименование области", "Кол-во общешкольных линеек", "Кол-во классных часов",
                "Кол-во конкурсов (конкурсы плакатов, буклетов, творческих работ, сочинений, "
                "флеш-моб, акции)", "Кол-во встреч", "Кол-во дебатов",
                "Кол-во родительских собраний", "Охват детей",
                "Освещение в СМИ (наименование СМИ, дата размещения)", "Другие")
REGION_NAMES = {lang: [r["name"][lang] for r in yaml.safe_load(
    (REPO / "plan.yaml").read_text(encoding="utf-8"))["regions"]] for lang in ("kk", "ru")}
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


DIGEST_AT = "2017-04-26T18:30:00+06:00"
_MEASURE = """<script>
const cells = [...document.querySelectorAll("th.unit")];
const clipped = cells.filter(c => c.scrollHeight > c.clientHeight + 1
                                  || c.scrollWidth > c.clientWidth + 1).map(c => c.textContent);
const legend = document.querySelector(".legend").getBoundingClientRect().bottom;
const names = Math.min(...cells.map(c => c.getBoundingClientRect().top));
document.body.dataset.clipped = JSON.stringify(clipped);
document.body.dataset.overlap = String(legend > names);
</script>"""


def _measured(page: Path, media: str) -> dict[str, str]:
    """Region headers clipped, and whether they overlap the legend, as Chromium lays the page
    out for `media` (print: its print rules applied on an A4-landscape-wide window)."""
    html = page.read_text(encoding="utf-8")
    if media == "print":
        html = html.replace("@media print {", "@media all {")
    probe = page.with_name(f"{page.stem}-{media}.html")
    probe.write_text(html.replace("</body>", f"{_MEASURE}</body>"), encoding="utf-8")
    width = 1090 if media == "print" else 1280
    dom = dump_dom(probe, width, 800)
    found = dict(re.findall(r'data-(clipped|overlap)="([^"]*)"', dom))
    assert set(found) == {"clipped", "overlap"}, dom[:500]
    return {key: unescape(value) for key, value in found.items()}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_digest_page_prints_in_three_pages(sqlite_tracker: Tracker, tmp_path: Path,
                                           lang: str) -> None:
    busy_campaign(sqlite_tracker)
    changes = len(sqlite_tracker.json("digest", now=DIGEST_AT)["changes"])
    assert changes > 300
    page = tmp_path / "digest.html"
    sqlite_tracker.ok("digest", "--format", "html", "--output", str(page), now=DIGEST_AT,
                      lang=lang)
    pdf = print_page(page, tmp_path / "digest.pdf")
    width, height = pdf_size(pdf)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    assert pdf_pages(pdf) <= 3
    first = pdf_text(pdf, layout=False)[0]
    names = [line.strip() for line in first.splitlines()]
    for name in REGION_NAMES[lang]:  # the grid on the first page, every name whole
        assert name in names, name
    text = "".join(pdf_text(pdf))
    more = {"ru": "ещё", "kk": "тағы"}[lang]
    assert f"{more} {changes - CHANGES_SHOWN}" in text  # the latest changes, the rest counted
    for media in ("screen", "print"):
        measured = _measured(page, media)
        assert json.loads(measured["clipped"]) == [], media
        assert measured["overlap"] == "false", media


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_final_report_headers_keep_their_words_whole(sqlite_tracker: Tracker, tmp_path: Path,
                                                     lang: str) -> None:
    from docx import Document as open_docx

    _every_region_reports(sqlite_tracker)
    sqlite_tracker.ok("mark", "1-3", "--region", ",".join(REGIONS[:10]))
    report = tmp_path / "information.docx"
    sqlite_tracker.ok("final-report", str(report), "--lang", lang, now="2017-04-28T10:00+06:00")
    headers = [cell.text for table in open_docx(str(report)).tables
               for cell in table.rows[0].cells]
    assert len(headers) > 12  # the national totals, the regions' figures, the media list
    pdf = office_convert(report, "pdf", tmp_path)
    text = "\n".join(pdf_text(pdf))
    assert _broken_words(text, tuple(headers)) == []
    assert "54\u00a0000" in text or "54 000" in text  # a figure is not broken either
