"""The monthly report as an .xlsx: one sheet per section, numbers stored as numbers."""
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .progress_sheet import BOX, FONT, text
from .vietnamese import percent_fraction


def _table(ws, start_row, headers, rows, widths=None):
    for col, label in enumerate(headers, 1):
        cell = ws.cell(start_row, col)
        text(cell, label)
        cell.font = Font(name=FONT, bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BOX
    for r, values in enumerate(rows, start_row + 1):
        for col, value in enumerate(values, 1):
            cell = ws.cell(r, col)
            if value is None:
                pass
            elif isinstance(value, str):
                text(cell, value)
            else:
                cell.value = value
                if isinstance(value, float):
                    cell.number_format = "0.0%"
                elif isinstance(value, int):
                    cell.number_format = "#,##0"
            cell.font = Font(name=FONT, bold=str(values[0]).startswith("Tổng cộng"))
            cell.border = BOX
        if len(values) < len(headers):  # a short row's last cell spans the rest ("Chưa báo cáo")
            for col in range(len(values) + 1, len(headers) + 1):
                ws.cell(r, col).border = BOX
            ws.merge_cells(start_row=r, start_column=len(values), end_row=r, end_column=len(headers))
            ws.cell(r, len(values)).alignment = Alignment(horizontal="center")
    for col, width in enumerate(widths or [], 1):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = width


def _title(ws, lines):
    for row, line in enumerate(lines, 1):
        text(ws.cell(row, 1), line)
        ws.cell(row, 1).font = Font(name=FONT, bold=row == 1, size=13)
    return len(lines) + 2


def _fraction(percent):
    return None if percent is None else percent_fraction(percent)


def build_workbook(data: dict) -> bytes:
    wb = Workbook()
    head = data["header"]
    ws = wb.active
    ws.title = "I. Nhiệm vụ"
    issuer = head["issuer"] if isinstance(head["issuer"], str) else " ".join(head["issuer"])
    period = data.get("period", {}).get("text") or f"Số liệu đến {data['as_of']}"
    row = _title(ws, [f"{head['title']} {head['subtitle']}", issuer, period, "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ"])
    tasks = data["tasks"]
    followup = "extended" in tasks["total"]  # reports frozen before the follow-up loop lack these columns
    extra_heads = ["Đã gia hạn", "Phối hợp: được đề nghị", "Phối hợp: đã gửi"] if followup else []
    _table(ws, row, ["Đơn vị", *[tasks["labels"][c] for c in tasks["classes"]], "Tổng số", "Tỷ lệ hoàn thành",
                     *extra_heads],
           [[r["unit"], *[r["counts"][c] for c in tasks["classes"]], r["total"], _fraction(r["rate"]),
             *([r["extended"], r["partners_asked"], r["partners_sent"]] if followup else [])]
            for r in tasks["rows"] + [tasks["total"]]], [40] + [14] * 10)
    if data["targets"]:
        ws = wb.create_sheet("II. Chỉ tiêu")
        row = _title(ws, [f"II. TIẾN ĐỘ SO VỚI CHỈ TIÊU – {data['targets']['area']}"])
        for group in data["targets"]["groups"]:
            text(ws.cell(row, 1), group["label"])
            ws.cell(row, 1).font = Font(name=FONT, bold=True)
            rows = group["rows"] + [group["total"]]
            # A unit that sent no figures says so, with no figures (never zeros).
            _table(ws, row + 1, ["Địa phương", "Ngày số liệu", "Tổng số đối tượng", "Đã mở tài khoản",
                                 "Đã chi trả KDTM", "Tỷ lệ / tổng số", "Chỉ tiêu đến kỳ", "Tỷ lệ / chỉ tiêu"],
                   [[r["unit"], r.get("day") or "", r["beneficiaries"], r["accounts_opened"], r["paid_cashless"],
                     _fraction(r["rate_total"]), r["target_to_date"], _fraction(r["rate_target"])]
                    if r.get("reported", True) else [r["unit"], "Chưa báo cáo"] for r in rows],
                   [40, 14] + [14] * 6)
            row += len(rows) + 3
    ws = wb.create_sheet("III. Báo cáo định kỳ")
    row = _title(ws, [f"III. TÌNH HÌNH BÁO CÁO ĐỊNH KỲ THÁNG {data['month']}"])
    discipline = data["discipline"]
    _table(ws, row, ["Đơn vị", "Phải nộp", "Đã nộp", "Nộp đúng hạn", "Tỷ lệ nộp", "Tỷ lệ đúng hạn"],
           [[r["unit"], r["expected"], r["submitted"], r["on_time"], _fraction(r["rate"]), _fraction(r["on_time_rate"])]
            for r in discipline["rows"] + [discipline["total"]]], [40] + [14] * 5)
    ws = wb.create_sheet("IV. Quá hạn")
    row = _title(ws, ["IV. NHIỆM VỤ QUÁ HẠN"])
    _table(ws, row, ["Đơn vị", "Nhiệm vụ", "Văn bản", "Hạn", "Số ngày quá hạn", "Ghi chú"],
           [[r["unit"], r["task"], r["directive"], r["due"], r["days"], r.get("note", "")] for r in data["overdue"]],
           [34, 60, 18, 12, 14, 40])
    ws = wb.create_sheet("V. Đánh giá")
    _title(ws, ["V. ĐÁNH GIÁ, KIẾN NGHỊ", *(data["assessment"] or "").splitlines()])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
