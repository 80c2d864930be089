"""Phụ lục 01 of the demo's set through the app: web upload and CLI import, export, and the round trip."""
import io

import openpyxl

from tests.test_appendix import SEED_ROWS, SEED_TOTAL, seed_workbook, to_bytes, with_cached
from webapp.models import Directive, IndicatorSet, Target
from webapp.seed import QT_DISTRICTS

CORRECTED = [("Huyện ĐaKrông",) + row[1:] if row[0] == "Huyện ĐaKông" else row for row in SEED_ROWS]


def qt_set():
    """The demo's Quảng Trị set (Phụ lục 01 is its appendix)."""
    return IndicatorSet.select().join(Directive).where(Directive.number == "/UBND-KGVX").get()


def target_snapshot():
    return sorted((t.unit_id, t.indicator_id, t.group_id, t.year, t.part, t.value, str(t.updated_at))
                  for t in Target.select())


def upload(client, data, year="2024", name="phu-luc-01.xlsx", url=None):
    return client.post(url or f"/chi-tieu/bo/{qt_set().id}/nhap", data={"year": year, "file": (io.BytesIO(data), name)},
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
    assert "90 mới, 0 thay đổi, 0 không đổi" in first  # 9 districts × 2 groups × (the total and 4 quarters)
    before = target_snapshot()
    second = client.get(upload(client, data).headers["Location"]).get_data(as_text=True)
    assert "0 mới, 0 thay đổi, 90 không đổi" in second
    assert target_snapshot() == before

    exported = client.get(f"/chi-tieu/bo/{qt_set().id}/xuat?year=2024")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    ws = openpyxl.load_workbook(io.BytesIO(exported.data), data_only=True).active  # the values as cached
    by_name = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 2).value, str)}
    total = by_name["Tổng cộng"]
    ncc, btxh = SEED_TOTAL
    assert [ws.cell(total, c).value for c in range(3, 9)] == list(ncc[:6])
    assert round(ws.cell(total, 9).value, 2) == 0.32 and ws.cell(total, 9).number_format == "0%"
    assert [ws.cell(total, c).value for c in range(10, 16)] == list(btxh[:6])
    assert round(ws.cell(total, 16).value, 2) == 0.28
    assert ws.cell(total, 3).number_format == "#,##0"
    # Named as the appendix names them, in its order, so that TT matches the source.
    for tt, ((name, ncc_row, btxh_row), (_, place)) in enumerate(zip(CORRECTED, QT_DISTRICTS), 1):
        row = by_name[place[:1].upper() + place[1:]]
        assert ws.cell(row, 1).value == tt, name
        assert [ws.cell(row, c).value for c in range(3, 9)] == list(ncc_row[:6]), name
        assert [ws.cell(row, c).value for c in range(10, 16)] == list(btxh_row[:6]), name
    # And the exported file imports back to the same targets.
    again = client.get(upload(client, exported.data).headers["Location"]).get_data(as_text=True)
    assert "90 không đổi" in again and target_snapshot() == before


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
    # With no set holding targets, the command cannot guess which one: it lists them.
    refused = runner.invoke(args=["import-targets", str(source), "--year", "2024"])
    assert refused.exit_code != 0 and "--set" in refused.output and "Tiến độ mở tài khoản" in refused.output
    result = runner.invoke(args=["import-targets", str(source), "--year", "2024", "--set", str(qt_set().id)])
    assert result.exit_code == 0 and "90 mới" in result.output
    out = tmp_path / "out.xlsx"
    result = runner.invoke(args=["export-targets", str(out), "--year", "2024"])  # the only set with targets
    assert result.exit_code == 0 and out.exists(), result.output
    ws = openpyxl.load_workbook(out, data_only=True).active
    column = [ws.cell(r, 3).value for r in range(1, ws.max_row + 1)]
    assert 1912 in column and 16975 in column
    assert runner.invoke(args=["export-targets", str(out), "--year", "2024", "--set", "999"]).exit_code != 0
    bad = tmp_path / "bad.xlsx"
    seed_workbook().save(bad)
    result = runner.invoke(args=["import-targets", str(bad), "--year", "2024"])
    assert result.exit_code != 0 and "không lưu gì" in result.output and "ĐaKông" in result.output
    assert Target.select().count() == 90
    assert runner.invoke(args=["export-targets", str(out), "--year", "1999"]).exit_code != 0


def test_the_old_addresses_lead_to_the_set(demo, client_for):
    client = client_for("admin")
    set_id = qt_set().id
    assert client.get("/chi-tieu/xuat?year=2024").headers["Location"] == f"/chi-tieu/bo/{set_id}/xuat?year=2024"
    assert client.get("/chi-tieu/?year=2024").headers["Location"] == f"/chi-tieu/bo/{set_id}?year=2024"
    moved = upload(client, to_bytes(seed_workbook(rows=CORRECTED)), url="/chi-tieu/nhap")
    assert moved.status_code == 307 and moved.headers["Location"] == f"/chi-tieu/bo/{set_id}/nhap"


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
    "a wrong formula kept beside its value": lambda: with_cached(corrected(H10="=D10+E10"), "H10", 287),
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
            queries.import_appendix(qt_set(), make(), 2024, datetime(2024, 5, 1))
        except appendix.AppendixError as exc:
            assert exc.problems and all(p.reason for p in exc.problems), kind
        else:
            raise AssertionError(f"{kind}: imported")
        assert target_snapshot() == before, kind
