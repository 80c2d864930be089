"""The appendices and roll-ups as LibreOffice prints them (issue 15): landscape A4, one page wide, the
title together on the first page, every header whole, and no text drawn over another (a row too low
for its wrapped text makes LibreOffice spill the lines over the rows around it)."""
import os
import re
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from tests.test_targets_import import qt_set
from webapp.core import indicators as sets
from webapp.models import IndicatorSet, Unit


def calc_to_pdf(tmp_path, data: bytes, name: str) -> PdfReader:
    """Open an .xlsx with LibreOffice Calc, headless, and print it to PDF."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: in CI the appendices must be printed with it")
        pytest.skip("LibreOffice is not installed (make test installs it; never skipped in CI)")
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"  # its own profile: parallel runs do not share a lock
    result = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                             "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180)
    out = tmp_path / f"{name}.pdf"
    assert result.returncode == 0 and out.exists(), result.stderr + result.stdout + " (LibreOffice Calc installed?)"
    return PdfReader(out)


def fragments(page):
    """(text, left, baseline, right, size) of each piece of text drawn on a page."""
    found = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        scale = abs(cm[0]) or 1
        x, y = tm[4] * scale + cm[4], tm[5] * scale + cm[5]
        size = size * abs(tm[0] or 1) * scale
        found.append((text.strip(), x, y, x + 0.42 * size * len(text.strip()), size))
    page.extract_text(visitor_text=visit)
    return found


def overlaps(page) -> list:
    """Pairs of texts drawn over each other: closer than a line apart, sharing some width."""
    pieces = fragments(page)
    clashes = []
    for i, (text, left, y, right, size) in enumerate(pieces):
        for other, left2, y2, right2, size2 in pieces[i + 1:]:
            if abs(y - y2) < 0.75 * min(size, size2) and left < right2 - 1 and left2 < right - 1:
                clashes.append((text, other))
    return clashes


def squash(text: str) -> str:
    return unicodedata.normalize("NFC", re.sub(r"[\s.,]+", "", text))


def text_of(pdf) -> str:
    return squash(" ".join(page.extract_text() for page in pdf.pages))


def test_phu_luc_01_prints_on_one_landscape_page_with_every_header_whole_and_nothing_overlapping(
        demo, client_for, tmp_path):
    pdf = calc_to_pdf(tmp_path, client_for("admin").get(f"/chi-tieu/bo/{qt_set().id}/xuat?year=2024").data, "pl01")
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.height)) == 595  # A4
    text = text_of(pdf)
    for expected in ("Phụ lục 01", "GIAO CHỈ TIÊU SỐ LƯỢNG CÁC ĐỐI TƯỢNG HƯỞNG CHÍNH SÁCH AN SINH XÃ HỘI",
                     "Kèm theo Công văn số …/UBND-KGVX năm 2024 của UBND tỉnh Quảng Trị",
                     "Tổng số người có công", "Tổng số đối tượng bảo trợ xã hội", "Tỷ lệ % đạt được cả năm 2024",
                     "13=9+10+11+12", "Thành phố Đông Hà", "Huyện Hướng Hóa", "Tổng cộng", "16975", "5385", "32%",
                     "47479", "13519", "28%"):
        assert squash(expected) in text, expected
    assert overlaps(page) == []


def test_the_roll_ups_print_landscape_one_page_wide_without_overlapping_headers(demo, client_for, tmp_path):
    province = Unit.get(Unit.name == "UBND tỉnh Quảng Trị")
    data = client_for("sldtbxh").get(f"/so-lieu/bo/{qt_set().id}/tong-hop/{province.id}/excel?day=2024-03-20").data
    pdf = calc_to_pdf(tmp_path, data, "tong-hop")
    for page in pdf.pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)
        assert overlaps(page) == []
    first = squash(pdf.pages[0].extract_text())  # one page wide: both groups and the notes on the first page
    assert squash("Người có công") in first and squash("Đối tượng bảo trợ xã hội") in first and squash("Ghi chú") in first
    text = text_of(pdf)
    for expected in ("Đã chi trả không dùng tiền mặt", "Chỉ tiêu đã chi trả không dùng tiền mặt đến kỳ",
                     "Tỷ lệ % đã chi trả không dùng tiền mặt so với chỉ tiêu đến kỳ", "Chưa báo cáo",
                     "Thành phố Đông Hà", "Tổng cộng", "1/9 đơn vị báo cáo kỳ này"):
        assert squash(expected) in text, expected
    # Tuần Giáo's weekly roll-up: no groups, a period and a stock figure.
    tg = IndicatorSet.get(IndicatorSet.name.contains("hằng tuần"))
    district = Unit.get(Unit.name == "UBND huyện Tuần Giáo")
    pdf = calc_to_pdf(tmp_path, client_for("tuangiao").get(
        f"/so-lieu/bo/{tg.id}/tong-hop/{district.id}/excel?day=2024-03-20").data, "tuan")
    for page in pdf.pages:  # the header repeated on each printed page, nothing drawn over anything
        assert overlaps(page) == [] and squash("Ghi chú") in squash(page.extract_text())
    names = [i.name for i in sets.indicators_of(tg)]
    for expected in names + ["Xã Quài Cang", "Thị trấn Tuần Giáo"]:
        assert squash(expected) in text_of(pdf), expected


def test_the_overlap_check_finds_text_spilling_out_of_a_low_row(tmp_path):
    """The check itself: a long wrapped text in a row of one line spills over the next row."""
    import io

    import openpyxl
    from openpyxl.styles import Alignment
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.column_dimensions["A"].width = 10
    ws["A1"] = "Tổng số đối tượng bảo trợ xã hội đang hưởng trợ cấp hàng tháng"
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="center")
    ws["A2"] = "Dòng sau"
    ws.row_dimensions[1].height = 15
    out = io.BytesIO()
    wb.save(out)
    pdf = calc_to_pdf(tmp_path, out.getvalue(), "tran")
    assert overlaps(pdf.pages[0])
