"""The urging letter (công văn đôn đốc): picked from the overdue list, recorded, edited, downloaded as
.docx (opened by LibreOffice, headless) and PDF in the Nghị định 30/2020 layout."""
import io
import re
from datetime import date, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.helpers import fallback_fonts, soffice_convert
from webapp.models import (
    Assignment,
    AuditEntry,
    Directive,
    Task,
    Unit,
    UrgingItem,
    UrgingLetter,
)
from webapp.rules import nd30, urging


def assignment(unit_name, number, directive="/UBND-KGVX"):
    return (Assignment.select().join(Task).join(Directive).switch(Assignment).join(Unit)
            .where((Unit.name == unit_name) & (Task.number == number) & (Directive.number == directive)).get())


# --- The pure parts -----------------------------------------------------------------------------

@pytest.mark.parametrize("day, expected", [
    (date(2024, 3, 5), "Quảng Trị, ngày 05 tháng 3 năm 2024"),
    (date(2024, 2, 15), "Quảng Trị, ngày 15 tháng 02 năm 2024"),
    (date(2024, 1, 9), "Quảng Trị, ngày 09 tháng 01 năm 2024"),
    (date(2024, 11, 25), "Quảng Trị, ngày 25 tháng 11 năm 2024"),
])
def test_the_place_and_date_line_pads_days_below_10_and_january_and_february_only(day, expected):
    assert nd30.place_date("Quảng Trị", day) == expected


def test_the_number_keeps_a_visible_blank_until_the_clerk_numbers_it():
    assert nd30.number_line("125/UBND-KGVX") == "Số: 125/UBND-KGVX"
    blank = nd30.number_line("/UBND-KGVX")
    assert blank.startswith("Số:") and blank.endswith("/UBND-KGVX") and "\u00a0\u00a0\u00a0" in blank


def test_names_break_where_they_break_naturally():
    assert nd30.issuer_lines("UBND tỉnh Quảng Trị") == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG TRỊ"]
    assert nd30.issuer_lines("Ban Chỉ đạo Đề án 06 huyện Tuần Giáo") == ["BAN CHỈ ĐẠO ĐỀ ÁN 06", "HUYỆN TUẦN GIÁO"]
    assert nd30.issuer_lines("Công an tỉnh") == ["CÔNG AN TỈNH"]
    # As the Sở writes its own name: not "SỞ LAO ĐỘNG -" / "THƯƠNG BINH VÀ XÃ HỘI", nor mid-phrase.
    assert nd30.issuer_lines("Sở Lao động - Thương binh và Xã hội") == ["SỞ LAO ĐỘNG - THƯƠNG BINH", "VÀ XÃ HỘI"]
    assert nd30.issuer_lines("Sở Nông nghiệp và Phát triển nông thôn") == ["SỞ NÔNG NGHIỆP", "VÀ PHÁT TRIỂN NÔNG THÔN"]
    assert nd30.issuer_lines("Văn phòng UBND tỉnh Quảng Trị") == ["VĂN PHÒNG UBND", "TỈNH QUẢNG TRỊ"]
    # Every line fits the header's left column.
    for name in ("Phòng Lao động - Thương binh và Xã hội thành phố Đông Hà", "Sở Lao động - Thương binh và Xã hội"):
        assert all(nd30.text_width_cm(line, nd30.ISSUER_PT, bold=True) <= nd30.LEFT_COL_CM
                   for line in nd30.issuer_lines(name))


def test_addressees_and_copies_end_their_lines_as_the_decree_says():
    assert nd30.addressee_lines(["Sở Y tế"]) == ("Kính gửi: Sở Y tế.", [])
    assert nd30.addressee_lines(["A", "B", "C"]) == ("Kính gửi:", ["- A;", "- B;", "- C."])
    assert nd30.copies_lines(["Như trên", "CVP"]) == ["- Như trên;", "- CVP;", "- Lưu: VT."]
    assert nd30.copies_lines(["Như trên;", "Lưu: VT, KGVX."]) == ["- Như trên;", "- Lưu: VT, KGVX."]
    # What the author typed with its own marks gets them once; the file copy goes last.
    assert nd30.copies_lines(["- Như trên;;", "Lưu: VT, LĐVL;", "UBND tỉnh (b/c);", ""]) == [
        "- Như trên;", "- UBND tỉnh (b/c);", "- Lưu: VT, LĐVL."]


def test_kinh_gui_names_the_receiving_body_in_full():
    assert nd30.addressee_lines(["UBND tỉnh Quảng Trị"]) == ("Kính gửi: Ủy ban nhân dân tỉnh Quảng Trị.", [])
    assert nd30.addressee_lines(["- UBND huyện A;", "HĐND huyện A"]) == (
        "Kính gửi:", ["- Ủy ban nhân dân huyện A;", "- Hội đồng nhân dân huyện A."])


@pytest.mark.parametrize("typed, symbol, line", [
    ("12", "BC-SLĐTBXH", "Số: 12/BC-SLĐTBXH"),
    ("5", "BC-SLĐTBXH", "Số: 05/BC-SLĐTBXH"),            # below 10: a leading zero
    ("05/BC-SLĐTBXH", "", "Số: 05/BC-SLĐTBXH"),
    ("7/UBND-KGVX", "BC-X", "Số: 07/UBND-KGVX"),          # a full number and symbol as typed
    ("", "BC-SLĐTBXH", "Số:\u00a0" + "\u00a0" * 7 + "/BC-SLĐTBXH"),  # the văn thư's blank, visible
])
def test_the_number_line_completes_the_symbol_and_pads_numbers_below_10(typed, symbol, line):
    assert nd30.number_line(typed, symbol) == line


@pytest.mark.parametrize("name, abbreviation", [
    ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"), ("UBND tỉnh Quảng Trị", "UBND"),
    ("Ủy ban nhân dân huyện Gio Linh", "UBND"), ("Ban Chỉ đạo Đề án 06 huyện Tuần Giáo", "BCĐĐA06"),
    ("Sở Y tế", "SYT"), ("Công an tỉnh Quảng Trị", "CA"),
])
def test_a_units_abbreviation_is_suggested_from_its_name(name, abbreviation):
    assert nd30.abbreviation_of(name) == abbreviation


def test_a_units_paragraph_lists_its_tasks_with_due_dates_and_days_overdue():
    unit = urging.LateUnit("UBND huyện A", [
        urging.LateTask("3.6", "Báo cáo Phụ lục 2b", datetime(2024, 3, 19, 9), 1, 14),
        urging.LateTask("3.2", "Phổ biến kế hoạch", datetime(2024, 1, 31, 23, 59, 59), 48, 10, cooperating=True)])
    assert urging.unit_paragraph(unit) == (
        ": chưa hoàn thành 2 nhiệm vụ đã quá hạn: nhiệm vụ 3.2 (phối hợp) “Phổ biến kế hoạch” (hạn 31/01/2024, "
        "quá hạn 48 ngày); nhiệm vụ 3.6 “Báo cáo Phụ lục 2b” (hạn 09:00 19/03/2024, quá hạn 1 ngày).")


# --- Through the app ----------------------------------------------------------------------------

def test_a_leader_picks_items_and_gets_a_recorded_draft(demo, client_for):
    client = client_for("lanhdao")
    page = client.get("/tong-hop/qua-han").get_data(as_text=True)
    gio_linh, cam_lo = assignment("UBND huyện Gio Linh", "3.2"), assignment("UBND huyện Cam Lộ", "3.2")
    assert f'name="item" value="{gio_linh.id}"' in page
    response = client.post("/tong-hop/don-doc/moi", data={"item": [str(gio_linh.id), str(cam_lo.id)]})
    assert response.status_code == 302
    letter = UrgingLetter.get()
    assert response.headers["Location"].endswith(f"/tong-hop/don-doc/{letter.id}")
    assert letter.issuer.name == "UBND tỉnh Quảng Trị"       # the directive's issuer, inside the leader's tree
    assert letter.number == "/UBND-KGVX" and letter.signer_name == "Hoàng Nam"
    assert letter.letter_date == date(2024, 3, 20)
    assert letter.new_due == date(2024, 3, 27)               # five working days after Wednesday 20/03
    items = {i.assignment_id: i for i in UrgingItem.select()}
    # Gio Linh was granted an extension to 15/02/2024 (the demo): overdue since then.
    assert set(items) == {gio_linh.id, cam_lo.id} and items[gio_linh.id].days_overdue == 33
    entry = AuditEntry.get((AuditEntry.object_type == "urging_letter") & (AuditEntry.object_id == letter.id))
    assert entry.action == "create" and str(gio_linh.id) in entry.after
    # The assignment page says it was urged; the overdue list too.
    detail = client_for("giolinh").get(f"/giao-viec/{gio_linh.id}").get_data(as_text=True)
    assert "Đã đôn đốc ngày 20/03/2024" in detail and "xem công văn" not in detail  # staff: no link
    assert "xem công văn" in client.get(f"/giao-viec/{gio_linh.id}").get_data(as_text=True)
    assert "đã đôn đốc 20/03/2024" in client.get("/tong-hop/qua-han").get_data(as_text=True)
    # Each late unit is told, once, on its notification list.
    told = client_for("giolinh").get("/thong-bao/").get_data(as_text=True)
    assert told.count("UBND tỉnh Quảng Trị đôn đốc ngày 20/03/2024") == 1


def test_all_overdue_of_a_directive_in_one_letter(demo, client_for):
    client = client_for("tuangiao")
    directive = Directive.get(Directive.number == "/BCĐĐA06")
    page = client.get(f"/tong-hop/qua-han?directive={directive.id}").get_data(as_text=True)
    assert "Đôn đốc tất cả" in page
    response = client.post("/tong-hop/don-doc/moi", data={"directive": str(directive.id)})
    assert response.status_code == 302
    letter = UrgingLetter.get()
    assert letter.issuer.name == "Ban Chỉ đạo Đề án 06 huyện Tuần Giáo"
    named = {i.assignment.unit.name for i in UrgingItem.select()}
    # The commune groups whose 13/03 weekly report is missing, and nothing outside the district.
    assert "Tổ công tác Đề án 06 xã Quài Cang" in named and all("Tuần Giáo" in u or "Tổ công tác" in u
                                                                 or "xã" in u for u in named)


def test_nothing_picked_or_not_overdue_or_out_of_sight_makes_no_letter(demo, client_for):
    on_time = assignment("UBND thành phố Đông Hà", "3.2")  # done on time
    outside = assignment("UBND huyện Gio Linh", "3.2")
    for username, data in (("lanhdao", {}), ("lanhdao", {"item": str(on_time.id)}),
                           ("tuangiao", {"item": str(outside.id)}), ("lanhdao", {"item": "abc"})):
        response = client_for(username).post("/tong-hop/don-doc/moi", data=data)
        assert response.status_code == 302 and "/tong-hop/qua-han" in response.headers["Location"]
    assert UrgingLetter.select().count() == 0
    assert client_for("giolinh").post("/tong-hop/don-doc/moi", data={"item": str(outside.id)}).status_code == 403


def test_the_leader_edits_the_free_parts_and_bad_dates_change_nothing(demo, client_for):
    client = client_for("lanhdao")
    gio_linh = assignment("UBND huyện Gio Linh", "3.2")
    client.post("/tong-hop/don-doc/moi", data={"item": str(gio_linh.id)})
    letter = UrgingLetter.get()
    form = {"number": "125/UBND-KGVX", "place": "Quảng Trị", "letter_date": "21/03/2024", "new_due": "29/03/2024",
            "copies": "Như trên\nChủ tịch UBND tỉnh\nLưu: VT, KGVX", "signing_authority": "KT. CHỦ TỊCH",
            "signer_title": "PHÓ CHỦ TỊCH", "signer_name": "Hoàng Nam"}
    bad = client.post(f"/tong-hop/don-doc/{letter.id}", data={**form, "new_due": "20/03/2024"})
    assert bad.status_code == 200 and "Hạn mới phải sau ngày ban hành công văn." in bad.get_data(as_text=True)
    bad = client.post(f"/tong-hop/don-doc/{letter.id}", data={**form, "letter_date": "31/02/2024"})
    assert "Không có ngày 31/02/2024 trong lịch." in bad.get_data(as_text=True)
    assert UrgingLetter.get_by_id(letter.id).number == "/UBND-KGVX"
    assert client.post(f"/tong-hop/don-doc/{letter.id}", data=form).status_code == 302
    saved = UrgingLetter.get_by_id(letter.id)
    assert (saved.number, saved.letter_date, saved.new_due) == ("125/UBND-KGVX", date(2024, 3, 21), date(2024, 3, 29))
    page = client.get(f"/tong-hop/don-doc/{letter.id}").get_data(as_text=True)
    assert "Số: 125/UBND-KGVX" in page and "Quảng Trị, ngày 21 tháng 3 năm 2024" in page
    assert "trước ngày 29/03/2024" in page
    # Another leader's tree cannot open it.
    assert client_for("tuangiao").get(f"/tong-hop/don-doc/{letter.id}").status_code == 404


def test_the_docx_is_a4_in_times_new_roman_with_the_two_column_header(demo, client_for):
    client = client_for("lanhdao")
    client.post("/tong-hop/don-doc/moi", data={"item": str(assignment("UBND huyện Gio Linh", "3.2").id)})
    letter = UrgingLetter.get()
    response = client.get(f"/tong-hop/don-doc/{letter.id}/docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in response.headers["Content-Disposition"]
    doc = Document(io.BytesIO(response.data))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    header = doc.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ" in left and "V/v đôn đốc thực hiện Công văn số /UBND-KGVX" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}  # a borderless table
    runs = {run.text: run for cell in header.rows[0].cells for p in cell.paragraphs for run in p.runs}
    assert runs["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].bold and runs["Độc lập - Tự do - Hạnh phúc"].font.size.pt == 14
    assert runs["Quảng Trị, ngày 20 tháng 3 năm 2024"].italic
    assert runs["ỦY BAN NHÂN DÂN"].bold and runs["ỦY BAN NHÂN DÂN"].font.size.pt == 12.5
    footer = doc.tables[-1]
    label = footer.rows[0].cells[0].paragraphs[0].runs[0]
    assert label.text == "Nơi nhận:" and label.bold and label.italic and label.font.size.pt == 12


def test_the_docx_opens_in_libreoffice_with_the_right_units_and_figures(demo, client_for, tmp_path):
    client = client_for("lanhdao")
    picked = [assignment("UBND huyện Gio Linh", "3.2"), assignment("UBND huyện Gio Linh", "3.6"),
              assignment("UBND huyện Cam Lộ", "3.2")]
    client.post("/tong-hop/don-doc/moi", data={"item": [str(a.id) for a in picked]})
    letter = UrgingLetter.get()
    data = client.get(f"/tong-hop/don-doc/{letter.id}/docx").data
    text = soffice_convert(tmp_path, data, "txt:Text (encoded):UTF8").decode("utf-8-sig")
    flat = re.sub(r"\s+", " ", text)
    assert "ỦY BAN NHÂN DÂN" in text and "TỈNH QUẢNG TRỊ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Quảng Trị, ngày 20 tháng 3 năm 2024" in text
    assert "V/v đôn đốc thực hiện Công văn số /UBND-KGVX" in flat
    # Kính gửi the two late districts named in full, one per line, in Vietnamese order, "." at the last.
    assert "- Ủy ban nhân dân huyện Cam Lộ;" in text and "- Ủy ban nhân dân huyện Gio Linh." in text
    assert text.index("Ủy ban nhân dân huyện Cam Lộ;") < text.index("Ủy ban nhân dân huyện Gio Linh.")
    # One paragraph per unit with its tasks, due dates and days overdue.
    gio_linh = next(line for line in text.splitlines() if line.strip().startswith("- UBND huyện Gio Linh:"))
    assert "chưa hoàn thành 2 nhiệm vụ" in gio_linh
    assert "nhiệm vụ 3.2" in gio_linh and "(hạn 15/02/2024, quá hạn 33 ngày)" in gio_linh  # extended
    assert "nhiệm vụ 3.6" in gio_linh and "(hạn 09:00 02/01/2024, quá hạn 78 ngày)" in gio_linh
    cam_lo = next(line for line in text.splitlines() if line.strip().startswith("- UBND huyện Cam Lộ:"))
    assert "chưa hoàn thành 1 nhiệm vụ" in cam_lo and "quá hạn 48 ngày" in cam_lo and "3.6" not in cam_lo
    assert "trước ngày 27/03/2024" in flat
    assert "Nơi nhận:" in text and "- Như trên;" in text and "- Lưu: VT." in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "PHÓ CHỦ TỊCH" in text and "Hoàng Nam" in text
    # And LibreOffice lays it out on A4 pages.
    pdf = soffice_convert(tmp_path, data, "pdf")
    from pypdf import PdfReader
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4)) == (210, 297)


def test_the_pdf_has_the_same_letter(demo, client_for):
    client = client_for("lanhdao")
    client.post("/tong-hop/don-doc/moi", data={"item": str(assignment("UBND huyện Gio Linh", "3.2").id)})
    letter = UrgingLetter.get()
    response = client.get(f"/tong-hop/don-doc/{letter.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    from pypdf import PdfReader
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages))
    assert "Kính gửi: Ủy ban nhân dân huyện Gio Linh." in text
    assert "quá hạn 33 ngày" in text and "Quảng Trị, ngày 20 tháng 3 năm 2024" in text
    # Every letter in a Times New Roman face: no Vietnamese letter fell back to another font.
    assert fallback_fonts(response.data) == set() and "Ủy ban nhân dân huyện Gio Linh" in text
