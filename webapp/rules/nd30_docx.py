"""Building blocks of an administrative document in Word (.docx) in the Nghị định 30/2020/NĐ-CP
layout (pure: python-docx only). A document is built top to bottom:

    doc = new_document()
    header(doc, nd30.Header(...))          # two-column borderless table: issuer | Quốc hiệu
    title(doc, "BÁO CÁO", "Kết quả …")     # reports; a công văn has its "V/v" in the header instead
    addressees(doc, ["UBND huyện A", …])   # Kính gửi
    paragraph(doc, "…")                    # body: justified, first line indented
    signature_block(doc, copies, nd30.Signature(...))
    data = to_bytes(doc)

Sizes follow /work/shared/docs/nd30.md: A4, margins top 20, bottom 20, left 30, right 15 mm; Times
New Roman 13–14; Quốc hiệu 12.5 bold caps; Tiêu ngữ 14 bold with a line under it as long as the text;
issuing body 13 bold caps with a short line (about 40% of its width) under it; Nơi nhận 12 bold italic
with 11-point items.
"""
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from .nd30 import Header, Signature, addressee_lines

FONT = "Times New Roman"
BODY_PT = 14
PAGE_WIDTH_MM, MARGINS_MM = 210, {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_CM = (PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10
LEFT_COL_CM, RIGHT_COL_CM = 6.2, TEXT_WIDTH_CM - 6.2
# Fonts with Times New Roman's metrics, to measure the lines drawn under a text.
_METRIC_FONTS = {False: "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
                 True: "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"}


def text_width_cm(text: str, size_pt: float, bold: bool = False) -> float:
    """The printed width of a line of text in Times New Roman, measured with a metric-compatible
    font when one is installed, estimated otherwise."""
    try:
        from PIL import ImageFont
        font = ImageFont.truetype(_METRIC_FONTS[bold], size=1000)
        points = font.getlength(text) / 1000 * size_pt
    except (ImportError, OSError):
        points = len(text) * size_pt * (0.56 if bold else 0.5)
    return points / 72 * 2.54


def new_document():
    """An empty A4 portrait document: the margins, Times New Roman 14 for every script (Vietnamese
    letters must not fall back to another face), single line spacing."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.0
    page_numbers(section)
    return doc


def page_numbers(section) -> None:
    """Page numbers at the top, centred, from page 2 on (none on the first page)."""
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
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
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
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
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
    """Ô 1–5b: issuing body and số/ký hiệu (and a công văn's "V/v") on the left; Quốc hiệu, Tiêu ngữ
    and the place and date on the right."""
    table = borderless_table(doc, [LEFT_COL_CM, RIGHT_COL_CM])
    left, right = table.rows[0].cells
    if h.parent:
        _first(left, h.parent, 13)
        first = False
    else:
        first = True
    for line in h.issuer:
        if first:
            _first(left, line, 13, bold=True)
            first = False
        else:
            _centered(left, line, 13, bold=True)
    widest = max(text_width_cm(line, 13, bold=True) for line in h.issuer)
    _line(left, widest * 0.4, LEFT_COL_CM, space_after=4)
    _centered(left, h.number, 13)
    if h.summary:
        _centered(left, h.summary, 12, space_before=3)
    _first(right, h.quoc_hieu, 12.5, bold=True)
    _centered(right, h.tieu_ngu, 14, bold=True)
    _line(right, text_width_cm(h.tieu_ngu, 14, bold=True), RIGHT_COL_CM, space_after=10)
    _centered(right, h.place_date, 14, italic=True)


def title(doc, kind: str, summary: str) -> None:
    """Ô 5a of a report or decision: "BÁO CÁO", its summary in bold, a short line under it."""
    _centered(doc, kind, 14, bold=True, space_before=18)
    _centered(doc, summary, 14, bold=True)
    _line(doc, min(text_width_cm(summary, 14, bold=True), TEXT_WIDTH_CM) * 0.4, TEXT_WIDTH_CM, space_after=6)


def addressees(doc, names: list[str]) -> None:
    """Kính gửi: one addressee on the same line; several one per line."""
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


def paragraph(doc, text: str, bold_lead: str = "", italic=False):
    """A body paragraph: justified, first line indented 1.27 cm, 6 pt after, 1.15 line spacing.
    `bold_lead` is written in bold before the text (a unit's name)."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = p.paragraph_format
    fmt.first_line_indent = Cm(1.27)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    if bold_lead:
        _run(p, bold_lead, BODY_PT, bold=True)
    _run(p, text, BODY_PT, italic=italic)
    return p


def signature_block(doc, copies: list[str], signer: Signature) -> None:
    """Ô 7 and 9: Nơi nhận (bold italic label, 11-point items) on the left, the signer's authority,
    title, space to sign and name on the right."""
    table = borderless_table(doc, [TEXT_WIDTH_CM * 0.5, TEXT_WIDTH_CM * 0.5])
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
