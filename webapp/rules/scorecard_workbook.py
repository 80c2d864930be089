"""The unit scorecard (xếp hạng đơn vị) as an .xlsx: numbers stored as numbers, text never a formula."""
from datetime import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .progress_sheet import BOX, FONT, text
from .vietnamese import percent_fraction

HEADERS = ("Đơn vị", "Việc đến hạn trong kỳ", "Hoàn thành đúng hạn (%)", "Đang quá hạn", "Số ngày trễ bình quân",
           "Số lần bị trả lại", "Số lần xin gia hạn", "Tỷ lệ báo cáo định kỳ (%)")
# Column formats: whole numbers, one decimal, percentages stored as fractions (0.5 = 50%).
FORMATS = (None, "#,##0", "0.0%", "#,##0", "#,##0.0", "#,##0", "#,##0", "0.0%")
PERCENT_COLUMNS = {2, 7}


def build(scope: str, period_label: str, moment: datetime, rows: list[tuple]) -> bytes:
    """rows: (unit name, due, on-time %, overdue now, average days late, returned, extensions,
    reporting %) with None where a figure does not apply (nothing due, no report expected)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Xếp hạng đơn vị"
    for row, line in enumerate([f"XẾP HẠNG ĐƠN VỊ – {scope}", f"{period_label}, số liệu tính đến "
                                f"{moment:%H:%M %d/%m/%Y}"], 1):
        text(ws.cell(row, 1), line)
        ws.cell(row, 1).font = Font(name=FONT, bold=row == 1, size=13)
    top = 4
    for col, label in enumerate(HEADERS, 1):
        cell = ws.cell(top, col)
        text(cell, label)
        cell.font = Font(name=FONT, bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BOX
    for r, values in enumerate(rows, top + 1):
        for col, value in enumerate(values, 1):
            cell = ws.cell(r, col)
            if col == 1:
                text(cell, value)
            elif value is not None:
                cell.value = percent_fraction(value) if col - 1 in PERCENT_COLUMNS else value
                cell.number_format = FORMATS[col - 1]
            cell.font = Font(name=FONT)
            cell.border = BOX
    for col, width in enumerate([40, 14, 14, 12, 14, 12, 12, 14], 1):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = width
    ws.freeze_panes = ws.cell(top + 1, 2)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
