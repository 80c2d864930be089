"""Building blocks of an administrative document in Word (.docx) in the Nghị định 30/2020/NĐ-CP
layout (pure: python-docx only). A document is built top to bottom:

    doc = new_document(body_pt=13)
    header(doc, nd30.Header(...))          # two-column borderless table: issuer | Quốc hiệu
    title(doc, "BÁO CÁO", "Kết quả …")     # reports; a công văn has its "V/v" in the header instead
    addressees(doc, ["UBND huyện A", …])   # Kính gửi
    paragraph(doc, "…")                    # body: justified, first line indented
    heading(doc, "I. …"); table(doc, …)    # a report's sections and their figures
    signature_block(doc, copies, nd30.Signature(...))
    data = to_bytes(doc)

Sizes follow /work/shared/docs/nd30.md: A4, margins top 20, bottom 20, left 30, right 15 mm; Times
New Roman 13–14; page numbers from page 2, centred at the top; Quốc hiệu 12.5 bold caps; Tiêu ngữ 14
bold with a line under it as long as the text; issuing body 12.5 bold caps, broken where the name
breaks (rules/nd30.issuer_lines), with a line of 40% of its width under it; the place and date 14
italic; Nơi nhận 12 bold italic with 11-point items. The header table is as wide as the text with no
cell margins, so its columns hold what rules/nd30.py measured for them.
"""
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from . import nd30
from .nd30 import Header, Signature, addressee_lines

FONT = "Times New Roman"
BODY_PT = 14
PAGE_WIDTH_MM, MARGINS_MM = 210, {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_CM = (PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10
LEFT_COL_CM, RIGHT_COL_CM = nd30.LEFT_COL_CM, nd30.RIGHT_COL_CM
FIRST_LINE_INDENT_CM = 1.27
text_width_cm = nd30.text_width_cm


def new_document(body_pt: float = BODY_PT):
    """An empty A4 portrait document: the margins, Times New Roman at `body_pt` for every script
    (Vietnamese letters must not fall back to another face), single line spacing, page numbers."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)  # the page number sits inside the top margin
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(body_pt)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.0
    page_numbers(section)
    return doc


def _body_pt(doc) -> float:
    size = doc.styles["Normal"].font.size
    return size.pt if size else BODY_PT


def page_numbers(section) -> None:
    """Page numbers at the top, centred, 13 pt, from page 2 on (none on the first page)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(p, "", 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _run(paragraph, text: str, size: float = BODY_PT, bold=False, italic=False):
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    return run


def _line(cell_or_doc, width_cm: float, column_cm: float, space_after: float = 0):
    """A solid line `width_cm` long, centred in a column: the bottom border of an empty, tiny
    paragraph indented on both sides (Word and LibreOffice draw it the same)."""
    p = cell_or_doc.add_paragraph()
    side = max(0.0, (column_cm - width_cm) / 2)
    fmt = p.paragraph_format
    fmt.left_indent, fmt.right_indent = Cm(side), Cm(side)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)
    _run(p, "", size=2)
    return p


def _centered(container, text: str, size: float, bold=False, italic=False, space_before=0.0):
    p = container.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(space_before)
    _run(p, text, size, bold, italic)
    return p


def _cell_margins(table, cm: float) -> None:
    """The space left and right inside every cell of a table."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(round(cm * 567)))  # twentieths of a point
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _no_cell_margins(table) -> None:
    _cell_margins(table, 0)


def borderless_table(doc, widths_cm: list[float]):
    """A table with no borders, fixed column widths, as wide as the text."""
    table = doc.add_table(rows=1, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)
    for cell, width in zip(table.rows[0].cells, widths_cm):
        cell.width = Cm(width)
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    return table


def _first(cell, text: str, size: float, bold=False, italic=False):
    """Write into a new cell's own empty paragraph, centred."""
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, text, size, bold, italic)
    return p


def header(doc, h: Header) -> None:
    """Ô 1–5b: the body above (not bold) and the issuing body (bold, a short line under it), số/ký
    hiệu and a công văn's "V/v" on the left; Quốc hiệu, Tiêu ngữ (a line as long as it) and the place
    and date (italic) on the right."""
    table = borderless_table(doc, [LEFT_COL_CM, RIGHT_COL_CM])
    _no_cell_margins(table)
    left, right = table.rows[0].cells
    lines = [(h.parent, False)] if h.parent else []
    lines += [(line, True) for line in h.issuer]
    for index, (line, bold) in enumerate(lines):
        (_first if index == 0 else _centered)(left, line, nd30.ISSUER_PT, bold=bold)
    widest = max(text_width_cm(line, nd30.ISSUER_PT, bold=True) for line in h.issuer)
    _line(left, widest * nd30.SHORT_RULE, LEFT_COL_CM, space_after=6)
    _centered(left, h.number, nd30.NUMBER_PT)
    if h.summary:
        _centered(left, h.summary, 12, space_before=3)
    _first(right, h.quoc_hieu, nd30.QUOC_HIEU_PT, bold=True)
    _centered(right, h.tieu_ngu, nd30.TIEU_NGU_PT, bold=True)
    _line(right, text_width_cm(h.tieu_ngu, nd30.TIEU_NGU_PT, bold=True), RIGHT_COL_CM, space_after=6)
    _centered(right, h.place_date, nd30.PLACE_DATE_PT, italic=True)


def title(doc, kind: str, summary: str) -> None:
    """Ô 5a of a report or decision: "BÁO CÁO" in bold caps, its summary in bold, a line of 40% of
    the summary's width under it."""
    size = max(_body_pt(doc), 13)
    _centered(doc, kind, 14, bold=True, space_before=18)
    _centered(doc, summary, size, bold=True)
    width = min(text_width_cm(summary, size, bold=True), TEXT_WIDTH_CM)
    _line(doc, width * nd30.SHORT_RULE, TEXT_WIDTH_CM, space_after=6)


def addressees(doc, names: list[str]) -> None:
    """Kính gửi (14 pt): one addressee on the same line; several one per line."""
    first, rest = addressee_lines(names)
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.space_after = Pt(6)
    if not rest:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, first, 14)
        return
    p.paragraph_format.left_indent = Cm(3.0)
    _run(p, first, 14)
    for line in rest:
        q = doc.add_paragraph()
        q.paragraph_format.left_indent = Cm(4.5)
        _run(q, line, 14)
    q.paragraph_format.space_after = Pt(6)


def paragraph(doc, text: str, bold_lead: str = "", italic=False, bold=False, size: float | None = None):
    """A body paragraph: justified, first line indented 1.27 cm, 6 pt after, 1.15 line spacing.
    `bold_lead` is written in bold before the text (a unit's name)."""
    size = size or _body_pt(doc)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = p.paragraph_format
    fmt.first_line_indent = Cm(FIRST_LINE_INDENT_CM)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    if bold_lead:
        _run(p, bold_lead, size, bold=True)
    _run(p, text, size, bold=bold, italic=italic)
    return p


def heading(doc, text: str, italic=False):
    """A section heading of the body ("I. Kết quả …"): bold, indented like the paragraphs, kept with
    what follows."""
    p = paragraph(doc, text, bold=True, italic=italic)
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True
    return p


def _cell_text(cell, text: str, size: float, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT):
    p = cell.paragraphs[0]
    p.alignment = align
    _run(p, text, size, bold=bold)


def table(doc, headers: list[str], rows: list[list], widths_cm: list[float], *, numeric_from: int = 1,
          bold_last: bool = False, size: float = 11) -> None:
    """A table of figures with single borders: a bold header row repeated on every page, text left,
    figures right (columns from `numeric_from` on), rows never split across pages. Cells are text as
    the report shows them ("1.944", "17,6%", "Chưa báo cáo")."""
    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _cell_margins(grid, 0.08)
    for cell, label in zip(grid.rows[0].cells, headers):
        _cell_text(cell, label, size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    repeat = OxmlElement("w:tblHeader")
    grid.rows[0]._tr.get_or_add_trPr().append(repeat)
    for index, values in enumerate(rows):
        cells = grid.add_row().cells
        bold = bold_last and index == len(rows) - 1
        for col, (cell, value) in enumerate(zip(cells, values)):
            align = WD_ALIGN_PARAGRAPH.RIGHT if col >= numeric_from else WD_ALIGN_PARAGRAPH.LEFT
            if isinstance(value, tuple):  # (text, columns it spans), centred: "Chưa báo cáo"
                value, span = value
                cell = cell.merge(cells[col + span - 1])
                align = WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(cell, "" if value is None else str(value), size, bold=bold, align=align)
    for column, width in zip(grid.columns, widths_cm):
        column.width = Cm(width)
    for row in grid.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


def signature_block(doc, copies: list[str], signer: Signature) -> None:
    """Ô 7 and 9: Nơi nhận (bold italic label, 11-point items) on the left, the signer's authority,
    title, space to sign and name on the right."""
    table = borderless_table(doc, [TEXT_WIDTH_CM * 0.45, TEXT_WIDTH_CM * 0.55])
    _no_cell_margins(table)
    keep = OxmlElement("w:cantSplit")  # the signature block never breaks across two pages
    table.rows[0]._tr.get_or_add_trPr().append(keep)
    left, right = table.rows[0].cells
    label = left.paragraphs[0]
    label.paragraph_format.space_before = Pt(12)
    _run(label, "Nơi nhận:", 12, bold=True, italic=True)
    for line in copies:
        p = left.add_paragraph()
        _run(p, line, 11)
    lines = [*signer.authority, signer.title] if signer.title else list(signer.authority)
    p = right.paragraphs[0]
    p.paragraph_format.space_before = Pt(12)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, lines[0] if lines else "", 14, bold=True)
    for line in lines[1:]:
        _centered(right, line, 14, bold=True)
    space = right.add_paragraph()
    space.paragraph_format.space_before = Pt(64)
    _centered(right, signer.name, 14, bold=True)


def to_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
