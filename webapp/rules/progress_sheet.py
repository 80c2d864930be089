"""Excel exports of the daily Phụ lục 2a / 2b, laid out in the style of the Phụ lục 01 export."""
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

FONT = "Times New Roman"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
COLUMNS = ("Tổng số đối tượng", "Đã mở tài khoản (lũy kế)", "Đã chi trả không dùng tiền mặt (lũy kế)",
           "Tỷ lệ % so với tổng số", "Chỉ tiêu đến kỳ", "Tỷ lệ % so với chỉ tiêu đến kỳ")
TITLES = {"2a": "TIẾN ĐỘ MỞ TÀI KHOẢN, CHI TRẢ KHÔNG DÙNG TIỀN MẶT TRÊN ĐỊA BÀN TỈNH",
          "2b": "TIẾN ĐỘ MỞ TÀI KHOẢN, CHI TRẢ KHÔNG DÙNG TIỀN MẶT TRÊN ĐỊA BÀN HUYỆN"}


def text(cell, value: str) -> None:
    """A text cell that can never act as a formula, whatever it starts with (= + - @)."""
    cell.value = value
    cell.data_type = "s"


def _style(cell, bold=False, wrap=True, align="center"):
    cell.font = Font(name=FONT, size=12, bold=bold)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    cell.border = BOX


def _fraction(percent):
    return None if percent is None else percent / 100


def build_progress_report(form: str, unit_name: str, day, tables: dict, groups: dict) -> bytes:
    """tables: {group: (rows, total)} of progress.RollupRow; groups: {group: label}."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"Phụ lục {form}"
    width = 2 + len(COLUMNS) * len(groups)
    last = get_column_letter(width)
    for row, (value, bold) in enumerate([(f"Phụ lục {form}", True), (TITLES[form], True),
                                         (f"{unit_name} – số liệu đến ngày {day:%d/%m/%Y}", False)], 1):
        ws.merge_cells(f"A{row}:{last}{row}")
        text(ws.cell(row, 1), value)
        ws.cell(row, 1).font = Font(name=FONT, size=13, bold=bold)
        ws.cell(row, 1).alignment = Alignment(horizontal="center")
    header, sub, numbers = 5, 6, 7
    for col, label in ((1, "TT"), (2, "Tên địa phương")):
        ws.merge_cells(start_row=header, start_column=col, end_row=sub, end_column=col)
        text(ws.cell(header, col), label)
    for g_index, label in enumerate(groups.values()):
        first = 3 + g_index * len(COLUMNS)
        ws.merge_cells(start_row=header, start_column=first, end_row=header, end_column=first + len(COLUMNS) - 1)
        text(ws.cell(header, first), label)
        for offset, column in enumerate(COLUMNS):
            text(ws.cell(sub, first + offset), column)
    for col in range(1, width + 1):
        text(ws.cell(numbers, col), "A" if col == 1 else "B" if col == 2 else str(col - 2))
        for row in (header, sub, numbers):
            _style(ws.cell(row, col), bold=row != numbers)
    group_keys = list(groups)
    children = tables[group_keys[0]][0]
    for index in range(len(children) + 1):
        row = numbers + 1 + index
        is_total = index == len(children)
        ws.cell(row, 1, None if is_total else index + 1)
        text(ws.cell(row, 2), "Tổng cộng" if is_total else children[index].unit.name)
        for g_index, group in enumerate(group_keys):
            rows, total = tables[group]
            r = total if is_total else rows[index]
            first = 3 + g_index * len(COLUMNS)
            values = (r.beneficiaries, r.accounts_opened, r.paid_cashless, _fraction(r.rate_total),
                      r.target_to_date, _fraction(r.rate_target))
            for offset, value in enumerate(values):
                cell = ws.cell(row, first + offset, value)
                cell.number_format = "0.0%" if offset in (3, 5) else "#,##0"
        for col in range(1, width + 1):
            _style(ws.cell(row, col), bold=is_total, align="left" if col == 2 else "right" if col > 2 else "center")
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 30
    for col in range(3, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 13
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = f"{header}:{numbers}"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
