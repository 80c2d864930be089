"""The monthly report as a Word document (.docx) in the Nghị định 30/2020 layout, from the same dict
the screen, the PDF and Excel show (core/report_content.py), with the blocks of rules/nd30_docx.py:
A4, margins 20/20/30/15 mm, Times New Roman 13, the two-column header as a borderless table, page
numbers from page 2. Vietnamese offices edit and sign in Word (pure: python-docx only)."""
from . import nd30, nd30_docx
from .vietnamese import format_number

BODY_PT = 13
NOT_REPORTED = "Chưa báo cáo"


def _pct(value) -> str:
    return "" if value is None else f"{format_number(value, 1)}%"


def _n(value) -> str:
    return format_number(value)


def _tasks(doc, tasks) -> None:
    followup = "extended" in tasks["total"]
    headers = ["Đơn vị", *[tasks["labels"][c] for c in tasks["classes"]], "Tổng số", "Tỷ lệ hoàn thành"]
    if followup:
        headers += ["Đã gia hạn", "Phối hợp: đã gửi / được đề nghị"]
    rows = []
    for r in tasks["rows"] + [tasks["total"]]:
        row = [r["unit"], *[_n(r["counts"][c]) for c in tasks["classes"]], _n(r["total"]), _pct(r["rate"])]
        if followup:
            row += [_n(r["extended"]),
                    f"{_n(r['partners_sent'])}/{_n(r['partners_asked'])}" if r["partners_asked"] else "—"]
        rows.append(row)
    widths = [3.4] + [(16.4 - 3.4) / (len(headers) - 1)] * (len(headers) - 1)
    nd30_docx.table(doc, headers, rows, widths, bold_last=True, size=10)
    if followup:
        nd30_docx.paragraph(doc, "Tính các nhiệm vụ văn bản giao cho đơn vị chủ trì, của các văn bản đã ban hành đến "
                                 "thời điểm tính số liệu; hoàn thành được tính khi cơ quan giao việc xác nhận, kể từ lúc "
                                 "đơn vị báo cáo. Đơn vị phối hợp tính riêng ở cột cuối.", size=12)


def _targets(doc, targets) -> None:
    if not targets:
        nd30_docx.paragraph(doc, "Đơn vị báo cáo không có chỉ tiêu theo địa bàn.")
        return
    headers = ["Địa phương", "Ngày số liệu", "Tổng số đối tượng", "Đã mở tài khoản",
               "Đã chi trả không dùng tiền mặt", "Tỷ lệ / tổng số", "Chỉ tiêu đến kỳ", "Tỷ lệ / chỉ tiêu"]
    for index, group in enumerate(targets["groups"], 1):
        nd30_docx.heading(doc, f"{index}. {group['label']} ({targets['area']})", italic=True)
        rows = []
        for r in group["rows"] + [group["total"]]:
            if not r.get("reported", True):
                rows.append([r["unit"], (NOT_REPORTED, 7)])
                continue
            rows.append([r["unit"], r.get("day") or "", _n(r["beneficiaries"]), _n(r["accounts_opened"]),
                         _n(r["paid_cashless"]), _pct(r["rate_total"]), _n(r["target_to_date"]),
                         _pct(r["rate_target"])])
        nd30_docx.table(doc, headers, rows, [3.6, 2.0, 1.8, 1.7, 2.0, 1.8, 1.6, 1.8], bold_last=True, size=10)
    nd30_docx.paragraph(doc, f"Mỗi địa phương tính theo số liệu mới nhất đã gửi đến ngày {targets.get('day', '')} "
                             "(cột Ngày số liệu); địa phương chưa gửi số liệu ghi “Chưa báo cáo” và không tính vào dòng "
                             "tổng cộng; tỷ lệ của dòng tổng cộng tính trên các địa phương đã báo cáo.", size=12)


def _discipline(doc, discipline) -> None:
    if not discipline["rows"]:
        nd30_docx.paragraph(doc, "Không có kỳ báo cáo định kỳ nào đến hạn trong kỳ số liệu.")
        return
    rows = [[r["unit"], _n(r["expected"]), _n(r["submitted"]), _n(r["on_time"]), _pct(r["rate"]),
             _pct(r["on_time_rate"])] for r in discipline["rows"] + [discipline["total"]]]
    nd30_docx.table(doc, ["Đơn vị", "Phải nộp", "Đã nộp", "Nộp đúng hạn", "Tỷ lệ nộp", "Tỷ lệ đúng hạn"], rows,
                    [6.0, 2.1, 2.1, 2.1, 2.1, 2.1], bold_last=True, size=10)


def _short(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _overdue(doc, overdue, note="") -> None:
    if not overdue:
        nd30_docx.paragraph(doc, "Không có nhiệm vụ quá hạn.")
        return
    rows = [[r["unit"], _short(r["task"]), r["directive"] or "", r["due"], _n(r["days"]), r.get("note") or ""]
            for r in overdue]
    nd30_docx.table(doc, ["Đơn vị", "Nhiệm vụ", "Văn bản", "Hạn", "Số ngày quá hạn", "Ghi chú"], rows,
                    [3.0, 5.6, 2.0, 1.9, 1.4, 2.6], numeric_from=4, size=10)
    if note:
        nd30_docx.paragraph(doc, note)


def build_document(data: dict) -> bytes:
    head = data["header"]
    doc = nd30_docx.new_document(body_pt=BODY_PT)
    nd30_docx.header(doc, nd30.Header(parent=head["parent"], issuer=list(head["issuer"]), number=head["number"],
                                      place_date=head["place_date"], summary=head.get("summary", ""),
                                      quoc_hieu=head.get("quoc_hieu", nd30.QUOC_HIEU),
                                      tieu_ngu=head.get("tieu_ngu", nd30.TIEU_NGU)))
    nd30_docx.title(doc, head["title"], head["subtitle"])
    nd30_docx.addressees(doc, head["recipients"])
    if data.get("intro"):
        nd30_docx.paragraph(doc, data["intro"])
    nd30_docx.paragraph(doc, data["period"]["text"])
    nd30_docx.heading(doc, "I. Kết quả thực hiện nhiệm vụ")
    _tasks(doc, data["tasks"])
    nd30_docx.heading(doc, "II. Tiến độ so với chỉ tiêu")
    _targets(doc, data["targets"])
    nd30_docx.heading(doc, f"III. Tình hình báo cáo định kỳ tháng {data['month']}")
    _discipline(doc, data["discipline"])
    nd30_docx.heading(doc, "IV. Nhiệm vụ quá hạn")
    _overdue(doc, data.get("overdue_shown", data["overdue"]), data.get("overdue_note", ""))
    nd30_docx.heading(doc, "V. Đánh giá, kiến nghị")
    paragraphs = [p for p in (data.get("assessment") or "").split("\n") if p.strip()]
    for text in paragraphs or ["(Chưa có nội dung đánh giá, kiến nghị.)"]:
        nd30_docx.paragraph(doc, text.strip(), italic=not paragraphs)
    signature = data["signature"]
    nd30_docx.signature_block(doc, data["copies"], nd30.Signature(list(signature.get("authority", [])),
                                                                  signature.get("title", ""), signature.get("name", "")))
    return nd30_docx.to_bytes(doc)
