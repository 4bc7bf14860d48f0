"""`tracker final-report`: the draft information to the Minister, as .docx and .md.

The campaign below is entered through the CLI on SQLite and PostgreSQL; the files are then read
back (the .docx with python-docx) and checked for the facts the committee needs: which regions
did not do an item, the national totals, who sent their report late, the publications.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.document import Document as WordDocument

from tests.conftest import Tracker
from tests.office import office_convert
from tracker.finalreport.markdown import render_markdown
from tracker.finalreport.model import Document, Link, Paragraph, Table

NOW = "2017-04-28T10:00:00+06:00"
NBSP = "\u00a0"
REGIONS = ("akmola", "aktobe", "almaty_region", "atyrau", "east_kazakhstan", "zhambyl",
           "west_kazakhstan", "karaganda", "kostanay", "kyzylorda", "mangystau", "pavlodar",
           "north_kazakhstan", "south_kazakhstan", "astana", "almaty")
URL = "https://aktobegazeti.kz/2017/04/12/qauipsiz-internet"
SECTIONS_RU = (
    "Привлечение внимания общества к вопросам защиты ребенка от негативного воздействия "
    "информации, пропаганды и агитации, наносящих вред его здоровью",
    "3. Пропаганда родительской ответственности",
    "4. «Реальная жизнь – лучше виртуального мира»",
    "6. Заключение")
TOTALS_RU = {
    "Количество общешкольных линеек": "310",
    "Количество классных часов": f"1{NBSP}350",
    "Количество встреч": "90",
    "Количество дебатов": "12",
    "Количество родительских собраний": "96",
    "Охват детей": f"57{NBSP}500",
    "Количество публикаций в СМИ": "2",
}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder for the reports alone (the SQLite database sits in tmp_path)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    return folder


def _campaign(tracker: Tracker) -> None:
    """Item 1 done everywhere but Kostanay and Almaty; item 3 partly done in Karaganda;
    reports from Aktobe (on time), Astana (late) and Akmola (entered, not sent)."""
    tracker.ok("mark", "1", "--region",
               ",".join(r for r in REGIONS if r not in ("kostanay", "almaty")))
    tracker.ok("mark", "3", "--region", "karaganda", "--body", "education")
    tracker.ok("mark", "5-11", "--region", "aktobe")
    tracker.ok("mark", "26", "--region", "national")
    tracker.ok("report", "set", "aktobe", "--school-assemblies", "310", "--class-hours", "1250",
               "--contests", "40", "--meetings", "87", "--debates", "12",
               "--parent-meetings", "96", "--children-reached", "54000",
               "--other", "Круглый стол с родителями, 18.04")
    tracker.ok("report", "set", "astana", "--class-hours", "100", "--children-reached", "1000")
    tracker.ok("report", "set", "akmola", "--meetings", "3", "--children-reached", "2500")
    tracker.ok("report", "media", "add", "aktobe", "--outlet", "Ақтөбе", "--date", "2017-04-12",
               "--url", URL)
    tracker.ok("report", "media", "add", "astana", "--outlet", "Хабар", "--date", "2017-04-13")
    tracker.ok("report", "submit", "aktobe", now="2017-04-25T23:30+05:00")
    tracker.ok("report", "submit", "astana", now="2017-04-26T09:00+06:00")


def _write(tracker: Tracker, path: Path, *args: str, lang: str | None = None) -> str:
    result = tracker.ok("final-report", str(path), *args, now=NOW, lang=lang)
    assert result.stdout.count("\n") == 1 and str(path) in result.stdout
    return path.read_text(encoding="utf-8") if path.suffix == ".md" else ""


def _bullets_after(paragraphs: list[tuple[str, str]], start: str) -> list[str]:
    """The bullet lines under the paragraph that begins with `start` (an item's number)."""
    index = next(n for n, (_, text) in enumerate(paragraphs) if text.startswith(start))
    lines = []
    for style, text in paragraphs[index + 1:]:
        if style != "List Bullet":
            break
        lines.append(text)
    return lines


def _table(doc: WordDocument, first_header: str) -> list[list[str]]:
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    return next(t for t in tables if t[0][0] == first_header)


def test_docx_in_russian_states_the_facts(tracker: Tracker, out: Path) -> None:
    _campaign(tracker)
    target = out / "itogi.docx"
    _write(tracker, target, "--lang", "ru")
    assert sorted(p.name for p in out.iterdir()) == ["itogi.docx"]  # no temp file left
    doc = open_docx(str(target))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    headings = {text: style for style, text in paragraphs if style.startswith("Heading")}

    assert paragraphs[0] == ("Title", "Итоговая информация о проведении республиканской "
                                      "информационной кампании «Безопасный интернет»")
    assert doc.sections[0].header.paragraphs[0].text == "ПРОЕКТ"
    front = " ".join(text for _, text in paragraphs[:6])
    assert "ПРОЕКТ." in front and "28.04.2017 10:00 (UTC+06)" in front
    assert "Сроки проведения: с 10 по 21 апреля 2017 года." in front
    assert "Организаторы информационной кампании: Комитет по охране прав детей" in front
    assert "№ 3051/1.1-10/4347 от 30.03.2017" in front
    for title in SECTIONS_RU:
        assert headings[title] == "Heading 2"
    for title in ("Выполнение плана мероприятий", "Общие итоги выполнения плана",
                  "Итоги информационной кампании в регионах",
                  "Освещение в средствах массовой информации"):
        assert headings[title] == "Heading 1"

    assert _bullets_after(paragraphs, "1. ") == [
        "Выполнено в 14 из 16 регионов.",
        "Не выполнено (2): Костанайская область, город Алматы."]
    item3 = _bullets_after(paragraphs, "3. ")
    assert item3[-1] == ("Выполнено частично (1): Карагандинская область (нет отметки о "
                         "выполнении: управление внутренней политики, департамент внутренних "
                         "дел).")
    assert "Карагандинская область" not in item3[1]
    assert _bullets_after(paragraphs, "26. ") == ["Республиканский уровень: выполнено."]

    texts = [text for _, text in paragraphs]
    assert "Представлены с опозданием (1): город Астана." in texts
    missing = next(t for t in texts if t.startswith("Отчеты не представлены (14): "))
    assert "Акмолинская область" in missing and "Актюбинская область" not in missing
    assert "Акмолинская область" in next(t for t in texts if t.startswith("В итоги включены"))

    totals = _table(doc, "Показатель")
    assert totals[0] == ["Показатель", "Всего"]
    assert TOTALS_RU.items() <= {row[0]: row[1] for row in totals[1:]}.items()
    regions = {row[0]: row[1:] for row in _table(doc, "Регион")}
    assert regions["Актюбинская область"] == [
        "310", f"1{NBSP}250", "40", "87", "12", "96", f"54{NBSP}000", "1"]
    assert regions["Итого"] == ["310", f"1{NBSP}350", "40", "90", "12", "96", f"57{NBSP}500",
                                "2"]
    assert regions["Костанайская область"] == ["—"] * 8

    media = _table(doc, "№")
    assert media[0] == ["№", "Наименование СМИ", "Дата размещения", "Регион", "Ссылка"]
    assert media[1:] == [["1", "Ақтөбе", "12.04.2017", "Актюбинская область", URL],
                         ["2", "Хабар", "13.04.2017", "город Астана", ""]]
    links = [rel.target_ref for rel in doc.part.rels.values() if rel.is_external]
    assert URL in links

    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert doc.styles["Heading 1"].font.name == "Times New Roman"
    assert round(doc.sections[0].page_width.mm) == 210
    assert round(doc.sections[0].page_height.mm) == 297


def test_markdown_has_the_same_facts(tracker: Tracker, out: Path) -> None:
    _campaign(tracker)
    text = _write(tracker, out / "itogi.md", "--lang", "ru")
    assert text.startswith("# Итоговая информация о проведении республиканской информационной "
                           "кампании «Безопасный интернет»\n")
    assert "**ПРОЕКТ.**" in text
    for title in SECTIONS_RU:
        assert f"\n### {title}\n" in text
    assert "\n## Освещение в средствах массовой информации\n" in text
    assert ("**1.** Оформление и обновление тематических стендов для родителей и учащихся."
            in text)
    assert ("- Выполнено в 14 из 16 регионов.\n"
            "- **Не выполнено (2):** Костанайская область, город Алматы.\n") in text
    assert "**Представлены с опозданием (1):** город Астана." in text
    for label, value in TOTALS_RU.items():
        assert f"\n| {label} | {value} |\n" in text
    assert (f"| **Итого** | **310** | **1{NBSP}350** | **40** | **90** | **12** | **96** | "
            f"**57{NBSP}500** | **2** |") in text
    assert "| 1 | Ақтөбе | 12.04.2017 | Актюбинская область | [" in text
    assert f"]({URL}) |" in text
    assert "| 2 | Хабар | 13.04.2017 | город Астана |  |" in text


def test_kazakh_and_russian_wording_differ(tracker: Tracker, out: Path) -> None:
    _campaign(tracker)
    kk = _write(tracker, out / "kk.md", "--lang", "kk")
    ru = _write(tracker, out / "ru.md", "--lang", "ru")
    assert kk.startswith("# «Қауіпсіз интернет» республикалық ақпараттық кампаниясын өткізу "
                         "туралы қорытынды ақпарат\n")
    assert "**ЖОБА.**" in kk and "**Өткізу уақыты:** 2017 жылғы 10 – 21 сәуір аралығы." in kk
    assert "\n### 3. Ата-ана жауапкершілігін насихаттау\n" in kk
    assert "- **Орындалмаған өңірлер (2):** Қостанай облысы, Алматы қаласы.\n" in kk
    assert "**Есебін кешіктіріп ұсынған өңірлер (1):** Астана қаласы." in kk
    assert f"| Қамтылған балалар саны | 57{NBSP}500 |" in kk
    for russian in ("Не выполнено", "Итого", "Костанайская область", "Охват детей"):
        assert russian in ru and russian not in kk
    _write(tracker, out / "kk.docx", "--lang", "kk")
    doc = open_docx(str(out / "kk.docx"))
    assert doc.sections[0].header.paragraphs[0].text == "ЖОБА"
    assert "Іс-шаралар жоспарының орындалуы" in [p.text for p in doc.paragraphs
                                                  if p.style.name == "Heading 1"]
    assert doc.core_properties.language == "kk-KZ"


def test_language_defaults_to_the_global_one_when_kazakh_or_russian(
        tracker: Tracker, out: Path) -> None:
    assert _write(tracker, out / "a.md", lang="kk").startswith("# «Қауіпсіз интернет»")
    assert _write(tracker, out / "b.md", lang="ru").startswith("# Итоговая информация")
    assert _write(tracker, out / "c.md", lang="en").startswith("# Итоговая информация")
    assert _write(tracker, out / "d.md", "--lang", "kk", lang="ru").startswith("# «")


def test_nothing_recorded_yet(tracker: Tracker, out: Path) -> None:
    text = _write(tracker, out / "empty.md", "--lang", "ru")
    assert "- Не выполнено ни в одном регионе.\n\n" in text  # no list of all 16 names
    assert "Ни один регион пока не выполнил план полностью." in text
    assert "получены от 0 из 16 регионов" in text
    assert "Сведения о публикациях в СМИ не поступали." in text
    assert "| Охват детей | 0 |" in text


@pytest.mark.parametrize(("name", "message"), [
    ("itogi.pdf", "final-report writes .docx or .md files"),
    ("itogi", "final-report writes .docx or .md files"),
    ("no-such-folder/itogi.docx", "does not exist"),
])
def test_bad_target_exit_2(tracker: Tracker, out: Path, name: str, message: str) -> None:
    target = out / name
    result = tracker("final-report", str(target), now=NOW)
    assert result.exit_code == 2, result.output
    assert str(target) in result.stderr and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(out.iterdir()) == []


def test_markdown_escapes_what_regions_typed() -> None:
    document = Document("ru", "T", "ПРОЕКТ", (
        Paragraph("5. не список"),
        Paragraph("*Айна* | [ТВ]", lead="СМИ:"),
        Table(("СМИ", "Ссылка"), (("*Айна* | ТВ", Link("x", "https://a.kz/a b(1)|")),),
              (1, 1), "ll")))
    text = render_markdown(document)
    assert "\n5\\. не список\n" in text
    assert "**СМИ:** \\*Айна\\* \\| \\[ТВ\\]" in text
    assert "| \\*Айна\\* \\| ТВ | [x](https://a.kz/a%20b%281%29%7C) |" in text


def test_libreoffice_reads_the_docx(sqlite_tracker: Tracker, out: Path) -> None:
    _campaign(sqlite_tracker)
    _write(sqlite_tracker, out / "itogi.docx", "--lang", "ru")
    converted = office_convert(out / "itogi.docx", "txt:Text", out / "converted")
    text = converted.read_text(encoding="utf-8-sig")
    assert "Итоговая информация" in text and "Костанайская область" in text
