"""Writing the final report as a Word document that Word and LibreOffice both open well.

Real heading styles (so the navigation pane and a table of contents work), real tables with a
header row that repeats on every page, A4 with margins for filing, and Times New Roman, which
has every Kazakh letter, on every style used: the template's headings otherwise use theme
fonts, which a reader's machine may replace with one that lacks ә, ғ, қ, ң, ө, ұ, ү, һ, і.
The document's language is set too, so the editor's spell-checker checks Kazakh or Russian.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import _Row
from docx.text.paragraph import Paragraph as WordParagraph

from tracker.finalreport.model import Cell, Document, Heading, Link, Paragraph, Table
from tracker.typesetting import longest_word_em

FONT = "Times New Roman"
TABLE_FONT_SIZE = Pt(10)
A4 = (Mm(210), Mm(297))
MARGINS = (Mm(25), Mm(15), Mm(20), Mm(20))
"""Left, right, top, bottom: room for binding on the left."""
USABLE_WIDTH = A4[0] - MARGINS[0] - MARGINS[1]
LANDSCAPE_WIDTH = A4[1] - MARGINS[0] - MARGINS[1]
_CELL_MARGINS = int(Mm(2 * 1.9 + 1))
"""A table cell's left and right margins (Table Grid's 108 twips each) and a little room."""
_LANGUAGE_TAGS = {"kk": "kk-KZ", "ru": "ru-RU"}
_HEADINGS = {"Title": 15, "Heading 1": 14, "Heading 2": 12}
"""Styles the report uses besides Normal, and their size in points."""
_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_ALIGN = {"l": WD_ALIGN_PARAGRAPH.LEFT, "r": WD_ALIGN_PARAGRAPH.RIGHT,
          "c": WD_ALIGN_PARAGRAPH.CENTER}
_LINK_COLOUR = "0563C1"


def write_docx(document: Document, path: Path) -> None:
    """Write `document` to `path` as .docx."""
    doc = new_document()
    language = _LANGUAGE_TAGS.get(document.lang, "ru-RU")
    _set_up_page(doc)
    _set_up_styles(doc, language)
    properties = doc.core_properties
    properties.title = document.title
    properties.language = language
    properties.author = properties.last_modified_by = ""
    properties.comments = properties.subject = properties.keywords = ""
    header = doc.sections[0].header.paragraphs[0]
    header.text = document.draft_label
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_heading(document.title, level=0)
    for block in document.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=block.level)
        elif isinstance(block, Table):
            _add_table(doc, block)
        else:
            _add_paragraph(doc, block)
    doc.save(str(path))


def _set_up_page(doc: WordDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = A4
    section.left_margin, section.right_margin = MARGINS[:2]
    section.top_margin, section.bottom_margin = MARGINS[2:]


def _set_up_styles(doc: WordDocument, language: str) -> None:
    """Times New Roman everywhere, black headings, and the document's language."""
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(4)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    normal.element.get_or_add_rPr().append(lang)
    for name, size in _HEADINGS.items():
        style = doc.styles[name]
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in _THEME_FONTS:  # a theme font would win over the name set below
            fonts.attrib.pop(qn(attribute), None)
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12 if name != "Heading 2" else 8)
        style.paragraph_format.space_after = Pt(6)
    doc.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _add_paragraph(doc: WordDocument, block: Paragraph) -> None:
    paragraph = doc.add_paragraph(style="List Bullet" if block.bullet else None)
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if block.lead:
        paragraph.add_run(block.lead).bold = True
    if block.text:
        paragraph.add_run(f" {block.text}" if block.lead else block.text)


def least_widths(block: Table) -> list[int]:
    """Each column's least width in EMU: its widest word, bold in the header, in the table's
    font, and the cell's margins; a narrower column breaks the word («Линей / ки»).  Links
    may break anywhere and do not count."""
    words: list[list[float]] = [[longest_word_em(text, True, True)] for text in block.header]
    for row in (*block.rows, *([block.total] if block.total else [])):
        for column, value in enumerate(row):
            if isinstance(value, str):
                words[column].append(longest_word_em(value, block.total is row, True))
    return [int(Pt(max(column) * TABLE_FONT_SIZE.pt)) + _CELL_MARGINS for column in words]


def fit_widths(block: Table, usable: int) -> list[int] | None:
    """The widths in EMU that share `usable` by the block's weights while giving each column
    at least its least width; None when the least widths alone are wider than `usable`."""
    least = least_widths(block)
    if sum(least) > usable:
        return None
    fixed: dict[int, int] = {}
    while True:
        free = usable - sum(fixed.values())
        weight = sum(w for i, w in enumerate(block.widths) if i not in fixed)
        share = {i: int(free * w / weight) for i, w in enumerate(block.widths) if i not in fixed}
        short = {i: least[i] for i, width in share.items() if width < least[i]}
        if not short:
            return [fixed.get(i, share.get(i, 0)) for i in range(len(least))]
        fixed.update(short)


def _add_table(doc: WordDocument, block: Table) -> None:
    """A grid table, its width split by the block's weights but no column narrower than its
    widest word, the header row repeated.  A table too wide for the portrait page gets a
    landscape page of its own."""
    fitted = fit_widths(block, USABLE_WIDTH)
    if fitted is None:
        _new_section(doc, landscape=True)
        fitted = fit_widths(block, LANDSCAPE_WIDTH) or least_widths(block)
    widths = [Emu(width) for width in fitted]
    rows: list[tuple[tuple[Cell, ...], str, bool]] = [
        (block.header, "c" * len(widths), True),
        *((row, block.align, False) for row in block.rows),
        *([(block.total, block.align, True)] if block.total else [])]
    table = doc.add_table(rows=len(rows), cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # LibreOffice reads the grid, Word the cells
    for word_row, (cells, align, bold) in zip(table.rows, rows, strict=True):
        _fill_row(word_row, cells, widths, align, bold)
    header_flag = OxmlElement("w:tblHeader")
    header_flag.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header_flag)
    if doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE:
        _new_section(doc, landscape=False)


def _new_section(doc: WordDocument, landscape: bool) -> None:
    """Start a new page, landscape or portrait A4 with the report's margins."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4[1], A4[0]) if landscape else A4


def _fill_row(row: _Row, cells: tuple[Cell, ...], widths: list[Emu], align: str,
              bold: bool) -> None:
    for cell, value, width, side in zip(row.cells, cells, widths, align, strict=True):
        cell.width = width
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.alignment = _ALIGN[side]
        if isinstance(value, Link):
            _add_link(paragraph, value)
        elif value:
            run = paragraph.add_run(value)
            run.font.size = TABLE_FONT_SIZE
            if bold:
                run.bold = True


def _add_link(paragraph: WordParagraph, link: Link) -> None:
    """A clickable link (python-docx has no call for one): a w:hyperlink with its own run."""
    relation = paragraph.part.relate_to(link.url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    for tag, value in (("w:color", _LINK_COLOUR), ("w:sz", str(int(TABLE_FONT_SIZE.pt * 2))),
                       ("w:u", "single")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        properties.append(element)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = link.text
    run.append(text)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)
