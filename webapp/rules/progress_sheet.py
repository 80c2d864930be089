"""Excel of a roll-up of an indicator set (Phụ lục 2a / 2b and their like), in the style of the
appendices: title lines, a header per group with its columns, the column-number row, one row per unit
(a unit that has not reported says so and shows no zeros), "Tổng cộng" as SUM formulas, rates as
formulas, every formula with its value cached; landscape A4, one page wide, the header repeated."""
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from . import xlsx_cache
from .appendix import lines_needed, safe_text, set_height

FONT = "Times New Roman"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NAME_WIDTH, NUMBER_WIDTH, NOTE_WIDTH = 28, 12, 18


def text(cell, value: str) -> None:
    """A text cell that can never act as a formula, whatever it starts with (= + - @)."""
    cell.value = value
    cell.data_type = "s"


@dataclass(frozen=True)
class SheetColumn:
    """A column of a group: a number ("value", "target") or a rate ("rate": value / base, "target_rate":
    value / target), `of` naming the two columns (indexes within the group) it divides."""
    label: str
    kind: str = "value"
    decimals: bool = False
    of: tuple = ()


@dataclass
class SheetRow:
    name: str
    values: list  # per group, per column: a number, or None (rates: a fraction or None)
    note: str = ""


def _style(cell, bold=False, wrap=True, align="center", italic=False):
    cell.font = Font(name=FONT, size=12, bold=bold, italic=italic)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    cell.border = BOX


def build_rollup(titles: list[str], unit_label: str, groups: list, rows: list[SheetRow], total: SheetRow,
                 sheet_title: str = "Tổng hợp", after: list | None = None) -> bytes:
    """groups: [(group name or "", [SheetColumn])]. Rows that have not reported carry no numbers and
    their note says so; the Tổng cộng row sums each number column (SUM over the rows above); `after`
    rows (a unit's own figures) come below it, outside the sums."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    cache = xlsx_cache.Cache()
    named = any(name for name, _ in groups)
    columns = [(g, i, c) for g, (_, cols) in enumerate(groups) for i, c in enumerate(cols)]
    width = 3 + len(columns)
    note_col = width
    last = get_column_letter(width)
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = NAME_WIDTH
    for index in range(len(columns)):
        ws.column_dimensions[get_column_letter(3 + index)].width = NUMBER_WIDTH
    ws.column_dimensions[get_column_letter(note_col)].width = NOTE_WIDTH
    total_width = 5 + NAME_WIDTH + NUMBER_WIDTH * len(columns) + NOTE_WIDTH
    for row, value in enumerate(titles, 1):
        ws.merge_cells(f"A{row}:{last}{row}")
        cell = ws.cell(row, 1)
        text(cell, value)
        italic = row == len(titles) and row > 1
        cell.font = Font(name=FONT, size=13, bold=not italic, italic=italic)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        set_height(ws, row, lines_needed(value, total_width, bold=not italic, size=13), size=13)
    header = len(titles) + 2
    sub = header + 1 if named else header
    numbers = sub + 1
    for col in range(1, width + 1):
        for row in range(header, numbers + 1):
            _style(ws.cell(row, col), bold=row != numbers)
    for col, label in ((1, "TT"), (2, unit_label), (note_col, "Ghi chú")):
        if sub > header:
            ws.merge_cells(start_row=header, start_column=col, end_row=sub, end_column=col)
        text(ws.cell(header, col), label)
    heights = {header: 1, sub: 1}
    col = 3
    for name, cols in groups:
        if named:
            if len(cols) > 1:
                ws.merge_cells(start_row=header, start_column=col, end_row=header, end_column=col + len(cols) - 1)
            text(ws.cell(header, col), name or "Tổng số")
            heights[header] = max(heights[header], lines_needed(name, NUMBER_WIDTH * len(cols), bold=True))
        for offset, column in enumerate(cols):
            text(ws.cell(sub, col + offset), column.label)
            heights[sub] = max(heights[sub], lines_needed(column.label, NUMBER_WIDTH, bold=True))
        col += len(cols)
    for row, lines in heights.items():
        set_height(ws, row, lines)
    for index in range(1, width + 1):
        label = "A" if index == 1 else "B" if index == 2 else "C" if index == note_col else index - 2
        ws.cell(numbers, index).value = label
    first = numbers + 1
    for index, row_data in enumerate([*rows, total, *(after or [])]):
        row = first + index
        is_total = index == len(rows)
        if index < len(rows):
            ws.cell(row, 1, index + 1)
        safe_text(ws.cell(row, 2), "Tổng cộng" if is_total else row_data.name)
        safe_text(ws.cell(row, note_col), row_data.note)
        set_height(ws, row, max(lines_needed(row_data.name, NAME_WIDTH), lines_needed(row_data.note, NOTE_WIDTH)))
        col = 3
        for g, (_, cols) in enumerate(groups):
            values = row_data.values[g] if g < len(row_data.values) else [None] * len(cols)
            for offset, column in enumerate(cols):
                cell = ws.cell(row, col + offset)
                value = values[offset]
                if column.kind in ("rate", "target_rate"):
                    top, bottom = (get_column_letter(col + i) for i in column.of)
                    if value is not None:
                        cache.formula(cell, f"={top}{row}/{bottom}{row}", value)
                    cell.number_format = "0.0%"
                elif is_total and rows:
                    letter = get_column_letter(col + offset)
                    if value is not None:
                        cache.formula(cell, f"=SUM({letter}{first}:{letter}{row - 1})", value)
                    cell.number_format = "#,##0.0#" if column.decimals else "#,##0"
                else:
                    if value is not None:
                        cell.value = int(value) if float(value).is_integer() else value
                    cell.number_format = "#,##0.0#" if column.decimals else "#,##0"
            col += len(cols)
        for index_col in range(1, width + 1):
            _style(ws.cell(row, index_col), bold=is_total,
                   align="left" if index_col in (2, note_col) else "right" if index_col > 2 else "center",
                   italic=(index_col == note_col and not is_total) or index > len(rows))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_title_rows = f"{header}:{numbers}"
    ws.freeze_panes = f"C{first}"
    return xlsx_cache.save(wb, {ws.title: cache})
