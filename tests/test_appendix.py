"""Phụ lục 01 read from and written to .xlsx: the seed layout, every kind of bad file, name matching."""
import io
import re
import struct
import time
import unicodedata
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from webapp.rules import appendix as appendix_module
from webapp.rules.appendix import (
    MAX_DATA_ROWS,
    AppendixError,
    Column,
    Layout,
    LocalityRow,
    Problem,
    build_appendix,
    computed,
    match_localities,
    normalise_name,
)
from webapp.rules.appendix import read_appendix as read_layout


def phu_luc_01() -> Layout:
    """The Quảng Trị appendix as a layout: per group the total, four quarters, 6 = 2+3+4+5, 7 = 6/1."""
    columns = []
    for first, group, who in ((1, "Người có công", "người có công"), (8, "Đối tượng bảo trợ xã hội",
                                                                       "đối tượng bảo trợ xã hội")):
        columns.append(Column(first, label=f"Tổng số {who}", heading="Tổng số đối tượng", group=group))
        columns += [Column(first + q, label=f"Quý {q}/{{năm}}", heading="Đã chi trả không dùng tiền mặt", group=group)
                    for q in range(1, 5)]
        columns.append(Column(first + 5, ("sum", tuple(first + q for q in range(1, 5))), label="Tổng số cả năm {năm}"))
        columns.append(Column(first + 6, ("rate", (first + 5, first)), label="Tỷ lệ % đạt được cả năm {năm}"))
    return Layout(tuple(columns), "Phụ lục 01", (
        "GIAO CHỈ TIÊU SỐ LƯỢNG CÁC ĐỐI TƯỢNG HƯỞNG CHÍNH SÁCH AN SINH XÃ HỘI",
        "ĐƯỢC MỞ TÀI KHOẢN, CHI TRẢ KHÔNG DÙNG TIỀN MẶT TRONG NĂM {năm}"))


PL01 = phu_luc_01()


def read_appendix(data):
    return read_layout(data, PL01)

# Phụ lục 01 of the Quảng Trị directive, copied from the seed (rates as the fractions Excel stores).
SEED_ROWS = [
    ("Thành phố Đông Hà", (1912, 96, 191, 287, 382, 956, 0.50), (3260, 163, 326, 489, 652, 1630, 0.50)),
    ("Thị xã Quảng Trị", (1151, 58, 115, 173, 230, 576, 0.50), (1178, 59, 118, 177, 236, 590, 0.50)),
    ("Huyện Gio Linh", (2391, 72, 167, 191, 287, 717, 0.30), (6815, 204, 477, 545, 818, 2044, 0.30)),
    ("Huyện Vĩnh Linh", (3015, 90, 211, 241, 362, 904, 0.30), (6505, 195, 455, 520, 781, 1951, 0.30)),
    ("Huyện Cam Lộ", (987, 30, 69, 79, 118, 296, 0.30), (3378, 101, 236, 270, 405, 1012, 0.30)),
    ("Huyện Hải Lăng", (2419, 73, 169, 194, 290, 726, 0.30), (7510, 225, 526, 601, 901, 2253, 0.30)),
    ("Huyện Triệu Phong", (2957, 89, 207, 237, 355, 888, 0.30), (8101, 243, 567, 648, 972, 2430, 0.30)),
    ("Huyện ĐaKông", (967, 10, 29, 39, 68, 146, 0.15), (3601, 36, 108, 144, 252, 540, 0.15)),
    ("Huyện Hướng Hóa", (1176, 12, 35, 47, 82, 176, 0.15), (7131, 71, 214, 285, 499, 1069, 0.15)),
]
SEED_TOTAL = ((16975, 530, 1193, 1488, 2174, 5385, 0.32), (47479, 1297, 3027, 3679, 5516, 13519, 0.28))

DISTRICTS = [(1, "UBND thành phố Đông Hà"), (2, "UBND thị xã Quảng Trị"), (3, "UBND huyện Gio Linh"),
             (4, "UBND huyện Vĩnh Linh"), (5, "UBND huyện Cam Lộ"), (6, "UBND huyện Hải Lăng"),
             (7, "UBND huyện Triệu Phong"), (8, "UBND huyện Đakrông"), (9, "UBND huyện Hướng Hóa")]

# Default layout of seed_workbook(): header rows 6-8, column numbers on row 9, localities 10-18, total 19.
FIRST = 10
TOTAL_ROW = FIRST + len(SEED_ROWS)


def seed_workbook(header_row=6, first_col=1, rows=SEED_ROWS, total=SEED_TOTAL, number_row=True):
    """A workbook laid out like the seed appendix; header_row/first_col move the whole table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "PL01"

    def put(row, col, value):  # col 1 = TT
        ws.cell(row=row, column=first_col + col - 1, value=value)

    titles = ["Phụ lục 01", "GIAO CHỈ TIÊU SỐ LƯỢNG CÁC ĐỐI TƯỢNG HƯỞNG CHÍNH SÁCH AN SINH XÃ HỘI",
              "ĐƯỢC MỞ TÀI KHOẢN, CHI TRẢ KHÔNG DÙNG TIỀN MẶT TRONG NĂM 2024",
              "(Kèm theo Công văn số: /UBND-KGVX ngày / /2024 của UBND tỉnh)"]
    for i, text in enumerate(titles):
        put(header_row - 5 + i, 1, text)
    h = header_row
    put(h, 1, "TT")
    put(h, 2, "Tên địa phương")
    for start, heading, total_label, who in (
            (3, "Người có công đang hưởng trợ cấp hàng tháng", "Tổng số người có công", "người có công"),
            (10, "Đối tượng bảo trợ xã hội đang hưởng trợ cấp hàng tháng", "Tổng số đối tượng bảo trợ xã hội",
             "đối tượng bảo trợ xã hội")):
        put(h, start, heading)
        put(h + 1, start, total_label)
        put(h + 1, start + 1, f"Số lượng {who} được mở tài khoản, chi trả không dùng tiền mặt "
                              "(mức tối thiểu đạt được)")
        for q in range(4):
            put(h + 2, start + 1 + q, f"Quý {q + 1}/2024")
        put(h + 2, start + 5, "Tổng số cả năm 2024")
        put(h + 2, start + 6, "Tỷ lệ % đạt được cả năm 2024")
    c = first_col - 1
    for first, last, top, bottom in ((1, 1, 0, 2), (2, 2, 0, 2), (3, 9, 0, 0), (10, 16, 0, 0),
                                     (3, 3, 1, 2), (4, 9, 1, 1), (10, 10, 1, 2), (11, 16, 1, 1)):
        ws.merge_cells(start_row=h + top, start_column=c + first, end_row=h + bottom, end_column=c + last)
    if number_row:
        labels = ["A", "B", 1, 2, 3, 4, 5, "$6=2+3+4+5$", "$7=6/1$", 8, 9, 10, 11, 12, "$13=9+10+11+12$",
                  "$14=13/8$"]
        for col, label in enumerate(labels, start=1):
            put(h + 3, col, label)
    first_data = h + 4 if number_row else h + 3
    for i, (name, ncc, btxh) in enumerate(rows):
        for col, value in enumerate((i + 1, name, *ncc, *btxh), start=1):
            put(first_data + i, col, value)
    if total is not None:
        for col, value in enumerate((None, "Tổng cộng", *total[0], *total[1]), start=1):
            put(first_data + len(rows), col, value)
    return wb


def to_bytes(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def problems_of(data):
    with pytest.raises(AppendixError) as info:
        read_appendix(data)
    return info.value.problems


def only_problem(data):
    problems = problems_of(data)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def edited(**cells):
    """Seed bytes with some cells changed: edited(D10="12a")."""
    wb = seed_workbook()
    for ref, value in cells.items():
        wb.active[ref] = value
    return to_bytes(wb)


def expected_figures(ncc, btxh):
    """The value columns of a row: 1–5 and 8–12 (the sums and rates are computed, not kept)."""
    return {**{1 + i: ncc[i] for i in range(5)}, **{8 + i: btxh[i] for i in range(5)}}


def group_of(row, first):
    """(total, q1, q2, q3, q4) of a row's group starting at column `first` (1 or 8)."""
    return tuple(row.values[first + i] for i in range(5))


# --- The good file ------------------------------------------------------------------------------

def test_the_seed_appendix_reads_back_every_number():
    rows = read_appendix(to_bytes(seed_workbook()))
    assert [r.name for r in rows] == [name for name, _, _ in SEED_ROWS]
    assert [r.row for r in rows] == list(range(FIRST, TOTAL_ROW))
    for row, (_, ncc, btxh) in zip(rows, SEED_ROWS):
        assert row.values == expected_figures(ncc, btxh)
        assert computed(PL01, row.values)[6] == ncc[5] and computed(PL01, row.values)[13] == btxh[5]
        assert row.name_column == "B" and row.sheet == "PL01"
    dong_ha = computed(PL01, rows[0].values)
    assert [dong_ha[n] for n in range(1, 8)] == [1912, 96, 191, 287, 382, 956, 0.5]
    assert sum(computed(PL01, r.values)[6] for r in rows) == 5385
    assert sum(computed(PL01, r.values)[13] for r in rows) == 13519


def test_computed_columns_add_up_and_divide():
    values = computed(PL01, {1: 16975, 2: 530, 3: 1193, 4: 1488, 5: 2174, 8: 0, 9: 0, 10: 0, 11: 0, 12: 0})
    assert values[6] == 5385 and values[7] == pytest.approx(0.3172, abs=1e-4)
    assert values[13] == 0 and values[14] is None  # nothing to divide by


def test_a_layout_is_numbered_one_to_n():
    with pytest.raises(ValueError):
        Layout((Column(1), Column(3)))
    assert PL01.column(6).number_label == "6=2+3+4+5" and PL01.column(7).number_label == "7=6/1"


def test_the_header_is_found_by_content_on_another_row_column_and_sheet():
    wb = seed_workbook(header_row=12, first_col=3)
    notes = wb.create_sheet("Ghi chú", 0)  # the table is not on the first sheet
    notes["A1"] = "Số liệu tính đến 31/12/2023"
    wb.active["E15"] = 6  # a plain number instead of "$6=2+3+4+5$" is fine too
    rows = read_appendix(to_bytes(wb))
    assert [r.row for r in rows] == list(range(16, 25))
    assert rows[0].name == "Thành phố Đông Hà" and rows[0].name_column == "D"
    assert group_of(rows[-1], 8) == (7131, 71, 214, 285, 499)


def test_without_the_column_number_row_the_name_header_is_enough():
    rows = read_appendix(to_bytes(seed_workbook(number_row=False)))
    assert [r.row for r in rows] == list(range(9, 18))
    assert group_of(rows[7], 1) == (967, 10, 29, 39, 68)


def test_text_numbers_with_dot_thousands_blank_rows_and_rate_forms_are_accepted():
    wb = seed_workbook()
    ws = wb.active
    ws["C10"] = "1.912"  # as the seed prints it
    ws["J10"] = " 3260 "
    ws["H10"] = 956.0  # whole floats are whole numbers
    ws["I10"] = 50  # a percent written as 50
    ws["P10"] = "50%"
    ws["I11"] = None  # an empty rate is fine
    ws.insert_rows(13)  # a blank row between localities
    rows = read_appendix(to_bytes(wb))
    assert len(rows) == 9
    assert rows[0].values == expected_figures(SEED_ROWS[0][1], SEED_ROWS[0][2])
    assert rows[3].row == 14


def test_html_or_script_in_a_name_is_read_as_plain_text():
    name = '<script>alert("x")</script><b>Huyện Gio Linh</b>'
    data = edited(B12=name)
    rows = read_appendix(data)
    assert rows[2].name == name


# --- Bad files: one problem each, in Vietnamese, at the right cell --------------------------------

def test_not_a_zip():
    problem = only_problem(b"just some text, not a spreadsheet")
    assert (problem.sheet, problem.cell) == ("", "")
    assert "Tệp không phải là tệp Excel .xlsx hợp lệ" in problem.reason


def test_an_xls_renamed_to_xlsx():
    problem = only_problem(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert "Tệp không phải là tệp Excel .xlsx hợp lệ" in problem.reason
    assert ".xls" in problem.reason and "lưu lại" in problem.reason


def test_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "Tệp không phải là tệp Excel .xlsx hợp lệ" in only_problem(out.getvalue()).reason


def test_a_truncated_workbook():
    data = to_bytes(seed_workbook())
    assert "Tệp không phải là tệp Excel .xlsx hợp lệ" in only_problem(data[: len(data) // 2]).reason


def test_an_empty_workbook_has_no_header():
    problem = only_problem(to_bytes(Workbook()))
    assert "Không tìm thấy bảng Phụ lục 01" in problem.reason
    assert "Tên địa phương" in problem.reason


def test_text_in_a_number_cell():
    problem = only_problem(edited(D10="12a"))
    assert (problem.sheet, problem.cell) == ("PL01", "D10")
    assert "chữ «12a»" in problem.reason and "không phải số" in problem.reason
    assert str(problem) == f"Trang tính «PL01», ô D10: {problem.reason}"


@pytest.mark.parametrize("value", ["1,912", "12 người", "1.91"])
def test_ambiguous_text_numbers_are_refused(value):
    problem = only_problem(edited(C10=value))
    assert problem.cell == "C10" and "không phải số" in problem.reason


def test_a_negative_number():
    problem = only_problem(edited(J11=-1178))
    assert problem.cell == "J11" and "Số âm" in problem.reason


def test_a_fraction_in_a_count_column():
    problem = only_problem(edited(C12=2391.5))
    assert problem.cell == "C12" and "phần lẻ (2.391,5)" in problem.reason


def test_an_empty_count_cell():
    problem = only_problem(edited(K10=None))
    assert problem.cell == "K10" and "Ô trống" in problem.reason


@pytest.mark.parametrize("value, words", [(True, "đúng/sai"), (datetime(2024, 1, 1), "ngày giờ"),
                                          ("#DIV/0!", "giá trị lỗi")])
def test_yes_no_dates_and_error_values_are_not_numbers(value, words):
    problem = only_problem(edited(E13=value))
    assert problem.cell == "E13" and words in problem.reason


def test_a_wrong_year_total():
    problems = problems_of(edited(H12=718))
    assert [p.cell for p in problems] == ["H12", f"H{TOTAL_ROW}"]
    assert problems[0].reason == "Cột 6 phải bằng 2+3+4+5: 72 + 167 + 191 + 287 = 717, nhưng ô ghi 718."
    assert "Dòng Tổng cộng, cột 6" in problems[1].reason


def test_a_wrong_column_13():
    problem = problems_of(edited(O11=591))[0]
    assert problem.cell == "O11" and problem.reason.startswith("Cột 13 phải bằng 9+10+11+12")


def test_a_wrong_rate():
    problem = only_problem(edited(I12=0.45))
    assert problem.cell == "I12"
    assert problem.reason == ("Tỷ lệ ghi 45,0% nhưng cột 6/cột 1 = 717/2.391 = 30,0% "
                              "(chênh quá 1 điểm phần trăm).")


def test_a_wrong_total():
    problem = only_problem(edited(**{f"D{TOTAL_ROW}": 531}))
    assert problem.cell == f"D{TOTAL_ROW}"
    assert problem.reason == "Dòng Tổng cộng, cột 2: tổng các địa phương là 530 nhưng ô ghi 531."


def test_a_wrong_rate_on_the_total_row():
    problem = only_problem(edited(**{f"P{TOTAL_ROW}": 0.3}))
    assert problem.cell == f"P{TOTAL_ROW}" and "13.519/47.479 = 28,5%" in problem.reason


def test_a_missing_total_row():
    problem = only_problem(to_bytes(seed_workbook(total=None)))
    assert (problem.cell, problem.reason) == ("", "Không có dòng «Tổng cộng» ở cuối bảng.")


def test_the_total_row_label_is_recognised_loosely():
    rows = read_appendix(edited(**{f"B{TOTAL_ROW}": "TỔNG CỘNG:"}))
    assert len(rows) == 9


def test_a_duplicate_locality():
    problems = problems_of(edited(B14="UBND  huyện Gio linh"))
    duplicate = [p for p in problems if p.cell == "B14"]
    assert duplicate[0].reason == ("Địa phương «UBND  huyện Gio linh» bị trùng với dòng 12 "
                                   "(ô B12, «Huyện Gio Linh»).")


@pytest.mark.parametrize("cell, value", [("D10", 1e308), ("D10", 2 ** 63), ("D10", "9" * 5000), ("C10", 1e300),
                                         ("I10", 1e308)])
def test_a_number_too_large_is_named_in_a_short_message(cell, value):
    problems = problems_of(edited(**{cell: value}))
    mine = [p for p in problems if p.cell == cell]
    assert len(mine) == 1 and "quá lớn" in mine[0].reason
    assert all(len(p.reason) < 200 for p in problems), [p.reason for p in problems]


def test_a_formula_in_a_value_cell_is_refused():
    problem = only_problem(edited(D10="=48*2"))
    assert problem.cell == "D10"
    assert "công thức «=48*2»" in problem.reason and "giá trị số" in problem.reason


def with_cached(data: bytes, cell: str, value) -> bytes:
    """The workbook with a cell's formula keeping `value` beside it, as Excel saves it."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            body = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                start = body.index(f'<c r="{cell}"'.encode())
                end = body.index(b"</c>", start)
                chunk = body[start:end].replace(b"<v></v>", b"").replace(b"<v />", b"").replace(b"<v/>", b"")
                body = body[:start] + chunk + f"<v>{value}</v>".encode() + body[end:]
            target.writestr(member, body)
    return out.getvalue()


def test_formulas_where_the_appendix_shows_them_are_read_by_their_values():
    """6 = 2+3+4+5 and 7 = 6/1 may be formulas (our own export writes them): a kept value is checked
    like a typed one, a formula without one is computed again; either way the file imports."""
    assert len(read_appendix(edited(H10="=D10+E10+F10+G10", I10="=H10/C10"))) == 9
    good = with_cached(edited(H10="=D10+E10+F10+G10"), "H10", 956)
    assert [r.values for r in read_appendix(good)][0] == expected_figures(SEED_ROWS[0][1], SEED_ROWS[0][2])
    wrong = with_cached(edited(H10="=D10+E10+F10"), "H10", 574)
    problems = problems_of(wrong)
    assert problems[0].cell == "H10" and "Cột 6 phải bằng 2+3+4+5" in problems[0].reason
    rate = with_cached(edited(I10="=H10/C10"), "I10", 0.9)
    assert "Tỷ lệ ghi 90,0% nhưng cột 6/cột 1" in only_problem(rate).reason
    total = with_cached(edited(**{f"C{TOTAL_ROW}": f"=SUM(C{FIRST}:C{TOTAL_ROW - 1})"}), f"C{TOTAL_ROW}", 16976)
    assert "Dòng Tổng cộng, cột 1: tổng các địa phương là 16.975 nhưng ô ghi 16.976." in only_problem(total).reason


def test_merged_cells_in_a_data_row():
    wb = seed_workbook()
    wb.active.merge_cells("D11:E11")
    problems = problems_of(to_bytes(wb))
    assert problems[0].cell == "D11"
    assert "Ô gộp D11:E11" in problems[0].reason and "bỏ gộp" in problems[0].reason
    assert "E11" not in [p.cell for p in problems]  # the hidden cell is not reported as empty as well


def test_hidden_rows_and_columns_in_the_table_are_refused():
    wb = seed_workbook()
    wb.active.row_dimensions[12].hidden = True
    wb.active.column_dimensions["E"].hidden = True
    problems = problems_of(to_bytes(wb))
    assert [(p.cell, "bị ẩn" in p.reason) for p in problems if "ẩn" in p.reason] == [("E10", True), ("B12", True)]
    assert "Dòng 12 đang bị ẩn" in problems[1].reason and "Cột E đang bị ẩn" in problems[0].reason


def with_sheet_xml(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML rewritten by `change` (bytes -> bytes)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            body = source.read(member)
            target.writestr(member, change(body) if member.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


def single_quoted_and_prefixed(xml: bytes) -> bytes:
    """The same sheet as another producer may write it, still valid XML: attributes in single quotes,
    the main namespace under a prefix."""
    xml = re.sub(rb'(\s[\w:]+)="([^"]*)"', rb"\1='\2'", xml)
    xml = re.sub(rb"<(/?)(?![?])(?!\w+:)(\w+)", rb"<\1x:\2", xml)
    return xml.replace(b"xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'",
                       b"xmlns:x='http://schemas.openxmlformats.org/spreadsheetml/2006/main'", 1)


def test_hidden_rows_and_columns_are_found_however_the_xml_is_quoted():
    wb = seed_workbook()
    wb.active.row_dimensions[12].hidden = True
    wb.active.column_dimensions["E"].hidden = True
    wb.active.merge_cells("D11:E11")
    data = with_sheet_xml(to_bytes(wb), single_quoted_and_prefixed)
    assert b"hidden='1'" in data or b"hidden='1'" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    cells = [p.cell for p in problems_of(data)]
    assert {"E10", "B12", "D11"} <= set(cells)  # the hidden column, the hidden row and the merge


def test_a_sheet_whose_xml_is_broken_is_refused_as_such():
    data = with_sheet_xml(to_bytes(seed_workbook()), lambda xml: xml.replace(b"</sheetData>", b"<row></sheetData>"))
    problems = problems_of(data)
    assert len(problems) == 1 and "không" in problems[0].reason


def test_hidden_rows_outside_the_table_are_fine():
    wb = seed_workbook()
    wb.active.row_dimensions[2].hidden = True  # a title line
    wb.active.column_dimensions["T"].hidden = True  # a note beside the table
    assert len(read_appendix(to_bytes(wb))) == 9


def test_too_many_shared_strings_are_refused_before_openpyxl_reads_them(monkeypatch):
    source, out = zipfile.ZipFile(io.BytesIO(to_bytes(seed_workbook()))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member, source.read(member))
        strings = "".join(f"<si><t>chuỗi số {i}</t></si>" for i in range(300_000))
        target.writestr("xl/sharedStrings.xml", f'<sst count="300000" uniqueCount="300000">{strings}</sst>')
    data = out.getvalue()

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")
    monkeypatch.setattr(appendix_module, "load_workbook", never)
    problems = problems_of(data)  # refused from the zip's directory, without parsing a cell
    assert "quá nhiều chữ" in problems[0].reason and len(problems) == 1


def test_a_merged_total_label_is_fine():
    wb = seed_workbook()
    wb.active.merge_cells(f"A{TOTAL_ROW}:B{TOTAL_ROW}")
    wb.active[f"A{TOTAL_ROW}"] = "Tổng cộng"  # merging kept only A's (empty) value
    assert len(read_appendix(to_bytes(wb))) == 9


def test_more_than_the_row_limit_stops_early():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("PL01")
    ws.append(["A", "B", 1, 2, 3, 4, 5, "6=2+3+4+5", "7=6/1", 8, 9, 10, 11, 12, "13=9+10+11+12", "14=13/8"])
    for i in range(MAX_DATA_ROWS + 1):
        ws.append([i + 1, f"Xã {i + 1}", 10, 1, 1, 1, 1, 4, 0.4, 10, 1, 1, 1, 1, 4, 0.4])
    data = to_bytes(wb)
    started = time.monotonic()
    problem = only_problem(data)
    assert time.monotonic() - started < 2
    assert problem.sheet == "PL01" and "hơn 2.000 dòng" in problem.reason


def test_a_very_long_list_of_problems_is_cut_with_a_count():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("PL01")
    ws.append(["A", "B", 1, 2, 3, 4, 5, "6=2+3+4+5", "7=6/1", 8, 9, 10, 11, 12, "13=9+10+11+12", "14=13/8"])
    for i in range(150):  # two bad cells a row: 300 problems
        ws.append([i + 1, f"Xã {i + 1}", "x", 1, 1, 1, 1, 4, None, "y", 1, 1, 1, 1, 4, None])
    ws.append([None, "Tổng cộng", 0, 150, 150, 150, 150, 600, None, 0, 150, 150, 150, 150, 600, None])
    problems = problems_of(to_bytes(wb))
    assert len(problems) == 201
    assert problems[-1].reason.startswith("Còn 100 lỗi khác không liệt kê")


def test_a_zip_bomb_is_refused_before_it_is_opened():
    data = bytearray(to_bytes(seed_workbook()))
    # Claim a huge uncompressed size for the first member in the central directory.
    at = data.index(b"PK\x01\x02")
    data[at + 24:at + 28] = struct.pack("<I", 0xFFFFFFF0)
    started = time.monotonic()
    problem = only_problem(bytes(data))
    assert time.monotonic() - started < 1
    assert "giải nén ra quá lớn" in problem.reason


def test_a_file_with_several_errors_lists_them_all():
    wb = seed_workbook()
    ws = wb.active
    ws["D10"] = "12a"          # text
    ws["K11"] = -59            # negative
    ws["H12"] = 700            # 6 != 2+3+4+5
    ws["B15"] = "Huyện Gio Linh"  # duplicate of row 12
    ws["F16"] = "=SUM(1,2)"   # formula
    ws[f"C{TOTAL_ROW}"] = 1    # wrong total
    ws.merge_cells("L17:M17")  # merged data cells
    problems = problems_of(to_bytes(wb))
    cells = [p.cell for p in problems]
    for cell in ("D10", "K11", "H12", "B15", "F16", f"C{TOTAL_ROW}", "L17"):
        assert cell in cells, (cell, [str(p) for p in problems])
    assert all(p.sheet == "PL01" for p in problems)
    message = str(AppendixError(problems))
    assert "ô D10" in message and "ô L17" in message


# --- Names ---------------------------------------------------------------------------------------

def test_normalise_name_folds_prefixes_case_spaces_and_unicode_forms():
    combining = unicodedata.normalize("NFD", "Thành phố Đông Hà")
    assert combining != "Thành phố Đông Hà"
    variants = ["Thành phố Đông Hà", "UBND thành phố  Đông Hà", "đông hà", combining, "TP. Đông Hà",
                "TP Đông Hà", " ĐÔNG HÀ "]
    assert {normalise_name(v) for v in variants} == {normalise_name("Đông Hà")}
    assert normalise_name("Thị xã Quảng Trị") == normalise_name("TX. Quảng Trị") == normalise_name("Quảng Trị")
    assert normalise_name("Huyện Hướng Hóa") == normalise_name("huyện Hướng Hoá")  # old/new tone placement
    assert normalise_name("Huyện") == "huyện"  # a bare prefix is kept, not emptied


def test_normalise_name_on_dakrong_spellings():
    assert normalise_name("Đakrông") == normalise_name("ĐaKrông") == normalise_name("Đa Krông") \
        == normalise_name("Huyện Đakrông")
    assert normalise_name("ĐaKông") != normalise_name("Đakrông")  # the OCR slip is left to suggestions


def test_match_localities_maps_rows_to_units():
    rows = read_appendix(edited(B17="Huyện Đakrông"))
    assert match_localities(rows, DISTRICTS, "PL01") == {FIRST + i: i + 1 for i in range(9)}


def test_match_localities_names_the_closest_units_for_a_misspelling():
    rows = read_appendix(to_bytes(seed_workbook()))
    with pytest.raises(AppendixError) as info:
        match_localities(rows, DISTRICTS, "PL01")
    [problem] = info.value.problems
    assert (problem.sheet, problem.cell) == ("PL01", "B17")
    assert problem.reason.startswith("Không tìm thấy đơn vị nào có tên «Huyện ĐaKông». Tên gần giống: "
                                     "«UBND huyện Đakrông»")


def test_match_localities_reports_every_unmatched_and_ambiguous_row():
    rows = [LocalityRow("Huyện Gio Linh", 10, {}), LocalityRow("Huyện Xyz Qwv", 11, {}),
            LocalityRow("Huyện Cam Lộ", 12, {})]
    units = [(1, "Huyện Gio Linh"), (2, "UBND huyện Gio Linh"), (3, "Huyện Cam Lộ")]
    with pytest.raises(AppendixError) as info:
        match_localities(rows, units, "")
    problems = info.value.problems
    assert [p.cell for p in problems] == ["B10", "B11"]
    assert "khớp với nhiều đơn vị" in problems[0].reason
    assert problems[1].reason == "Không tìm thấy đơn vị nào có tên «Huyện Xyz Qwv»."
    assert str(problems[1]).startswith("Ô B11: ")


def test_problem_text():
    assert str(Problem("PL01", "D9", "Sai.")) == "Trang tính «PL01», ô D9: Sai."
    assert str(Problem("PL01", "", "Sai.")) == "Trang tính «PL01»: Sai."
    assert str(Problem("", "", "Sai.")) == "Sai."


# --- Writing -------------------------------------------------------------------------------------

def seed_as_rows():
    return [(name, expected_figures(ncc, btxh)) for name, ncc, btxh in SEED_ROWS]


def cached_values(data: bytes) -> dict:
    """{cell: (formula, cached value)} of the formula cells of the first sheet."""
    import re
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    return {ref: (formula, value) for ref, formula, value in
            re.findall(r'<c r="([A-Z]+\d+)"[^>]*><f>([^<]*)</f><v>([^<]*)</v></c>', xml)}


def test_build_appendix_lays_out_the_table_like_the_seed():
    data = build_appendix(PL01, 2024, seed_as_rows(),
                          reference="Công văn số …/UBND-KGVX ngày 08/01/2024 của UBND tỉnh Quảng Trị")
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws["A1"].value == "Phụ lục 01"
    assert ws["A3"].value == "ĐƯỢC MỞ TÀI KHOẢN, CHI TRẢ KHÔNG DÙNG TIỀN MẶT TRONG NĂM 2024"
    assert ws["A4"].value == "(Kèm theo Công văn số …/UBND-KGVX ngày 08/01/2024 của UBND tỉnh Quảng Trị)"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A6:A8", "B6:B8", "C6:I6", "J6:P6", "C7:C8", "D7:I7", "J7:J8", "K7:P7"} <= merged
    assert ws["C6"].value == "Người có công" and ws["J6"].value == "Đối tượng bảo trợ xã hội"
    assert ws["C7"].value == "Tổng số người có công" and ws["D7"].value == "Đã chi trả không dùng tiền mặt"
    assert [ws.cell(8, c).value for c in range(4, 10)] == [
        "Quý 1/2024", "Quý 2/2024", "Quý 3/2024", "Quý 4/2024", "Tổng số cả năm 2024",
        "Tỷ lệ % đạt được cả năm 2024"]
    assert [c.value for c in ws[9]] == ["A", "B", 1, 2, 3, 4, 5, "6=2+3+4+5", "7=6/1", 8, 9, 10, 11, 12,
                                        "13=9+10+11+12", "14=13/8"]
    for i, (name, ncc, btxh) in enumerate(SEED_ROWS):
        row = [c.value for c in ws[FIRST + i]]
        assert row[:2] == [i + 1, name]
        assert row[2:7] == list(ncc[:5]) and row[9:14] == list(btxh[:5])
    total = ws[TOTAL_ROW]
    assert total[1].value == "Tổng cộng" and total[1].font.b
    for cell in (*ws[FIRST][2:7], *ws[FIRST][9:14]):
        assert type(cell.value) is int and cell.data_type == "n" and cell.number_format == "#,##0"
    assert ws.max_row == TOTAL_ROW
    assert ws["B6"].font.name == "Times New Roman" and ws["B6"].font.b and ws["B6"].alignment.wrap_text
    assert ws[f"C{FIRST}"].border.left.style == "thin"
    assert ws.column_dimensions["B"].width >= 20


def test_year_totals_rates_and_the_total_row_are_the_formulas_the_appendix_shows_with_their_values():
    """Issue 15: 6 = 2+3+4+5 as =D+E+F+G, 7 = 6/1 as =H/C, Tổng cộng as SUM, each keeping its value so
    that any viewer shows numbers."""
    data = build_appendix(PL01, 2024, seed_as_rows())
    cached = cached_values(data)
    assert cached[f"H{FIRST}"] == ("D10+E10+F10+G10", "956")
    assert cached[f"I{FIRST}"] == ("H10/C10", "0.5")
    assert cached[f"O{FIRST + 1}"] == ("K11+L11+M11+N11", "590")
    assert cached[f"C{TOTAL_ROW}"] == (f"SUM(C{FIRST}:C{TOTAL_ROW - 1})", "16975")
    assert cached[f"H{TOTAL_ROW}"] == (f"SUM(H{FIRST}:H{TOTAL_ROW - 1})", "5385")
    assert cached[f"O{TOTAL_ROW}"][1] == "13519"
    assert round(float(cached[f"I{TOTAL_ROW}"][1]), 4) == 0.3172 and cached[f"I{TOTAL_ROW}"][0] == f"H{TOTAL_ROW}/C{TOTAL_ROW}"
    values = load_workbook(io.BytesIO(data), data_only=True).active  # what a viewer that does not recalculate shows
    assert [values.cell(TOTAL_ROW, c).value for c in range(3, 9)] == [16975, 530, 1193, 1488, 2174, 5385]
    assert [values.cell(TOTAL_ROW, c).value for c in range(10, 16)] == [47479, 1297, 3027, 3679, 5516, 13519]
    assert round(values.cell(TOTAL_ROW, 9).value, 2) == 0.32 and round(values.cell(TOTAL_ROW, 16).value, 2) == 0.28
    assert values.cell(TOTAL_ROW, 9).number_format == "0%"


def test_the_appendix_prints_landscape_on_a4_one_page_wide_with_the_header_repeated():
    ws = load_workbook(io.BytesIO(build_appendix(PL01, 2024, seed_as_rows()))).active
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0  # as many pages down as it takes
    assert ws.print_title_rows.replace("$", "") == "6:9"
    # Rows as tall as their wrapped text (tests/test_appendix_print.py checks it in LibreOffice): the
    # group line one line, the labels below ("Tỷ lệ % đạt được cả năm 2024") several.
    assert ws.row_dimensions[6].height < 25 and ws.row_dimensions[8].height >= 3 * 15


def test_build_then_read_round_trips():
    rows = seed_as_rows()
    back = read_appendix(build_appendix(PL01, 2024, rows))
    assert [(r.name, r.values) for r in back] == rows


def test_a_zero_total_leaves_the_rate_empty_and_round_trips():
    rows = [("Xã Quài Cang", {1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 8: 5, 9: 1, 10: 1, 11: 0, 12: 0})]
    data = build_appendix(PL01, 2025, rows)
    ws = load_workbook(io.BytesIO(data)).active
    assert ws[f"I{FIRST}"].value is None
    assert [(r.name, r.values) for r in read_appendix(data)] == rows


def test_a_name_that_looks_like_a_formula_is_written_as_text():
    names = ["=HYPERLINK(\"http://x\",\"bấm\")", "+1", "-Xã A", "@SUM(A1)"]
    rows = [(n, {1: 1, 2: 1, 3: 0, 4: 0, 5: 0, 8: 1, 9: 0, 10: 0, 11: 0, 12: 1}) for n in names]
    data = build_appendix(PL01, 2024, rows, reference="=1+1")
    ws = load_workbook(io.BytesIO(data)).active
    for i, name in enumerate(names):
        cell = ws[f"B{FIRST + i}"]
        assert (cell.value, cell.data_type) == (name, "s")
        assert cell.quotePrefix
    formulas = {formula for formula, _ in cached_values(data).values()}
    assert not any("HYPERLINK" in f or "A1" in f for f in formulas)
    assert [r.name for r in read_appendix(data)] == names


def test_another_layout_reads_and_writes_its_own_columns():
    """A set with no groups, one base and a target per quarter for two quarters, a sum and a rate."""
    layout = Layout((Column(1, label="Số trẻ", heading="Số trẻ trong độ tuổi"),
                     Column(2, label="Quý 1/{năm}", heading="Số trẻ được tiêm"),
                     Column(3, label="Quý 2/{năm}", heading="Số trẻ được tiêm"),
                     Column(4, ("sum", (2, 3)), label="6 tháng"),
                     Column(5, ("rate", (4, 1)), label="Tỷ lệ")), "Phụ lục A", ("CHỈ TIÊU TIÊM CHỦNG",))
    rows = [("Xã A", {1: 120, 2: 30, 3: 40}), ("Xã B", {1: 80, 2: 20, 3: 20})]
    data = build_appendix(layout, 2025, rows)
    assert [(r.name, r.values) for r in read_layout(data, layout)] == rows
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[ws.max_row - 3]] == ["A", "B", 1, 2, 3, "4=2+3", "5=4/1"]
    with pytest.raises(AppendixError) as refused:
        read_layout(data, PL01)  # a file laid out for another set is not mistaken for it
    assert "có 5 cột đánh số" in refused.value.problems[0].reason and "có 14 cột" in refused.value.problems[0].reason
