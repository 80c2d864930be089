"""Phụ lục 01 through the app: web upload and CLI import, export, and the round trip."""
import io

import openpyxl

from tests.test_appendix import SEED_ROWS, SEED_TOTAL, seed_workbook, to_bytes
from webapp.models import Target
from webapp.seed import QT_DISTRICTS

CORRECTED = [("Huyện ĐaKrông",) + row[1:] if row[0] == "Huyện ĐaKông" else row for row in SEED_ROWS]


def target_snapshot():
    return sorted((t.unit_id, t.year, t.group, t.total, t.q1, t.q2, t.q3, t.q4, str(t.updated_at))
                  for t in Target.select())


def upload(client, data, year="2024", name="phu-luc-01.xlsx"):
    return client.post("/chi-tieu/nhap", data={"year": year, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_seed_appendix_as_printed_names_the_ocr_misspelling_and_saves_nothing(demo, client_for):
    Target.delete().execute()
    response = upload(client_for("admin"), to_bytes(seed_workbook()))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Không có số liệu nào được lưu" in page
    assert "ĐaKông" in page and "UBND huyện Đakrông" in page
    assert Target.select().count() == 0


def test_import_then_import_again_changes_nothing_and_export_reproduces_the_appendix(demo, client_for, app):
    Target.delete().execute()
    client = client_for("admin")
    data = to_bytes(seed_workbook(rows=CORRECTED))
    first = client.get(upload(client, data).headers["Location"]).get_data(as_text=True)
    assert "18 mới, 0 thay đổi, 0 không đổi" in first
    before = target_snapshot()
    second = client.get(upload(client, data).headers["Location"]).get_data(as_text=True)
    assert "0 mới, 0 thay đổi, 18 không đổi" in second
    assert target_snapshot() == before

    exported = client.get("/chi-tieu/xuat?year=2024")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    ws = openpyxl.load_workbook(io.BytesIO(exported.data)).active
    by_name = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 2).value, str)}
    total = by_name["Tổng cộng"]
    ncc, btxh = SEED_TOTAL
    assert [ws.cell(total, c).value for c in range(3, 9)] == list(ncc[:6])
    assert round(ws.cell(total, 9).value, 2) == 0.32 and ws.cell(total, 9).number_format == "0%"
    assert [ws.cell(total, c).value for c in range(10, 16)] == list(btxh[:6])
    assert round(ws.cell(total, 16).value, 2) == 0.28
    assert ws.cell(total, 3).number_format == "#,##0"
    for (name, ncc_row, btxh_row), (unit_name, _) in zip(CORRECTED, QT_DISTRICTS):  # same order
        row = by_name[unit_name]
        assert [ws.cell(row, c).value for c in range(3, 9)] == list(ncc_row[:6]), name
        assert [ws.cell(row, c).value for c in range(10, 16)] == list(btxh_row[:6]), name
    # And the exported file imports back to the same targets.
    again = client.get(upload(client, exported.data).headers["Location"]).get_data(as_text=True)
    assert "18 không đổi" in again and target_snapshot() == before


def test_bad_uploads_leave_the_targets_as_they_were(demo, client_for):
    client = client_for("admin")
    before = target_snapshot()
    wb = seed_workbook(rows=CORRECTED)
    wb.active["C10"] = -5
    for data, name, message in ((to_bytes(wb), "x.xlsx", "âm"), (b"not a zip at all", "x.xlsx", ".xlsx"),
                                (to_bytes(seed_workbook(rows=CORRECTED)), "x.xls", "Chỉ nhận tệp .xlsx"),
                                (b"", "", "Vui lòng chọn tệp")):
        page = upload(client, data, name=name).get_data(as_text=True)
        assert message in page, message
        assert target_snapshot() == before


def test_only_admins_import(demo, client_for):
    before = target_snapshot()
    response = upload(client_for("lanhdao"), to_bytes(seed_workbook(rows=CORRECTED)))
    assert response.status_code == 403 and target_snapshot() == before


def test_cli_import_and_export(demo, app, tmp_path):
    Target.delete().execute()
    source = tmp_path / "in.xlsx"
    seed_workbook(rows=CORRECTED).save(source)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-targets", str(source), "--year", "2024"])
    assert result.exit_code == 0 and "18 mới" in result.output
    out = tmp_path / "out.xlsx"
    result = runner.invoke(args=["export-targets", str(out), "--year", "2024"])
    assert result.exit_code == 0 and out.exists()
    ws = openpyxl.load_workbook(out).active
    assert 16975 in [ws.cell(r, 3).value for r in range(1, ws.max_row + 1)]
    bad = tmp_path / "bad.xlsx"
    seed_workbook().save(bad)
    Target.delete().execute()
    result = runner.invoke(args=["import-targets", str(bad), "--year", "2024"])
    assert result.exit_code != 0 and "không lưu gì" in result.output and Target.select().count() == 0
    assert runner.invoke(args=["export-targets", str(out), "--year", "1999"]).exit_code != 0


def corrected(**cells):
    wb = seed_workbook(rows=CORRECTED)
    for ref, value in cells.items():
        wb.active[ref] = value
    return to_bytes(wb)


def merged_data_row():
    wb = seed_workbook(rows=CORRECTED)
    wb.active.merge_cells("C12:D12")
    return to_bytes(wb)


def duplicate_locality():
    rows = list(CORRECTED)
    rows[1] = (rows[0][0],) + rows[1][1:]
    return to_bytes(seed_workbook(rows=rows))


def empty_workbook():
    return to_bytes(openpyxl.Workbook())


BAD_FILES = {
    "not a zip": lambda: b"plain text, not a workbook",
    "xls renamed": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
    "empty workbook": empty_workbook,
    "text in a number cell": lambda: corrected(D10="12a"),
    "negative": lambda: corrected(C10=-1912),
    "wrong 6 = 2+3+4+5": lambda: corrected(H10=957),
    "wrong Tổng cộng": lambda: corrected(C19=16976),
    "formula": lambda: corrected(D10="=SUM(1,2)"),
    "merged data cells": merged_data_row,
    "duplicate locality": duplicate_locality,
    "unknown locality": lambda: corrected(B11="Huyện Không Có"),
    "script in a name": lambda: corrected(B11="<script>alert(1)</script>"),
}


def test_every_kind_of_bad_file_leaves_the_database_unchanged(demo, app):
    from datetime import datetime

    from webapp.core import targets as queries
    from webapp.rules import appendix
    before = target_snapshot()
    for kind, make in BAD_FILES.items():
        try:
            queries.import_appendix(make(), 2024, datetime(2024, 5, 1))
        except appendix.AppendixError as exc:
            assert exc.problems and all(p.reason for p in exc.problems), kind
        else:
            raise AssertionError(f"{kind}: imported")
        assert target_snapshot() == before, kind
