"""The monthly report: each section against a hand-computed case, freezing, PDF and Excel."""
import io
import json
from datetime import date, datetime, time

import openpyxl
import pytest
from pypdf import PdfReader

from webapp.core import occurrences
from webapp.core import reports as queries
from webapp.core.users import create_user
from tests.helpers import figures_row, put_target, set_like_phu_luc_01
from webapp.core import figures
from webapp.models import (
    Assignment,
    Figure,
    Indicator,
    MonthlyReport,
    Occurrence,
    Task,
)


@pytest.fixture
def case(app, factory, clock):
    """Province P with Sở S and districts D1, D2; one directive of P for March 2024:
    T1 S due 10/03, done 09/03 (on time); T2 D1 and D2 due 15/03, D1 done 20/03 (late), D2 not done;
    T3 S monthly before the 28th; T4 D1 daily 09:00 from 25/03 to 31/03, the 25th-28th submitted
    (the 28th late). D1 has target 100 (Q1 10) and figures 100/8/6 on 30/03."""
    province = factory.unit("UBND tỉnh P", kind="ubnd_tinh")
    so = factory.unit("Sở S", kind="so_nganh", parent=province)
    d1 = factory.unit("Huyện D1", kind="ubnd_huyen", parent=province)
    d2 = factory.unit("Huyện D2", kind="ubnd_huyen", parent=province)
    directive = factory.directive(issuer=province, number="12/UBND-VX", place="Tỉnh P")
    t1 = factory.task(directive, lead=[so], due=date(2024, 3, 10), number="1")
    t2 = factory.task(directive, lead=[d1, d2], due=date(2024, 3, 15), number="2")
    factory.task(directive, lead=[so], kind="monthly", month_day=28, window_start=date(2024, 3, 1), number="3")
    factory.task(directive, lead=[d1], kind="daily", deadline_time=time(9, 0), window_start=date(2024, 3, 25),
                 window_end=date(2024, 3, 31), number="4")
    Assignment.update(done_at=datetime(2024, 3, 9, 10), state="done").where(Assignment.task == t1.id).execute()
    Assignment.update(done_at=datetime(2024, 3, 20, 10), state="done").where(
        (Assignment.task == t2.id) & (Assignment.unit == d1.id)).execute()
    occurrences.materialise(date(2024, 4, 10), date(2024, 3, 25))
    staff = create_user("canbo_s", "matkhau-thu", "Cán bộ Sở", "staff", so, method="pbkdf2:sha256:1000", now=clock.now)
    for day, at in ((25, time(8)), (26, time(8)), (27, time(8, 59)), (28, time(9, 30))):
        occ = (Occurrence.select().join(Assignment).where((Assignment.unit == d1.id)
                                                          & (Occurrence.due_at == datetime(2024, 3, day, 9))).get())
        occurrences.submit(occ, staff.id, "", None, datetime.combine(date(2024, 3, day), at))
    indicator_set = set_like_phu_luc_01(directive, province)
    put_target(indicator_set, d1, 2024, 0, 100, (10, 20, 30, 40))
    figures.save(indicator_set, d1, date(2024, 3, 30), {d1.id: figures_row(indicator_set, [(100, 8, 6)])}, staff.id,
                 datetime(2024, 3, 30))
    clock.now = datetime(2024, 4, 2, 9, 0)
    occurrences.ensure_current(clock.now)
    report = queries.open_draft(so, directive, 2024, 3, staff.id, clock.now)
    return {"report": report, "so": so, "d1": d1, "d2": d2, "t2": t2, "staff": staff}


def test_each_section_matches_the_hand_computed_case(case, clock):
    data = queries.report_data(case["report"], clock.now)
    head = data["header"]
    assert (head["parent"], head["issuer"]) == ("UBND TỈNH P", "SỞ S")
    assert head["subtitle"] == "Kết quả thực hiện Công văn số 12/UBND-VX tháng 03/2024"
    assert head["place_date"] == "Tỉnh P, ngày 31 tháng 03 năm 2024" and head["recipients"] == ["UBND tỉnh P"]
    assert data["as_of"] == "23:59 31/03/2024"

    tasks = {r["unit"]: r for r in data["tasks"]["rows"]}
    assert tasks["Sở S"]["counts"] == {"overdue": 1, "due_soon": 0, "not_due": 0, "done_on_time": 1, "done_late": 0}
    assert tasks["Huyện D1"]["counts"]["done_late"] == 1 and tasks["Huyện D1"]["counts"]["overdue"] == 1
    assert tasks["Huyện D2"]["counts"]["overdue"] == 1 and tasks["Huyện D2"]["rate"] == 0
    total = data["tasks"]["total"]
    assert (total["total"], total["done"], total["rate"]) == (5, 2, 40.0)

    targets = data["targets"]["groups"][0]
    d1 = next(r for r in targets["rows"] if r["unit"] == "Huyện D1")
    assert (d1["beneficiaries"], d1["accounts_opened"], d1["paid_cashless"], d1["target_to_date"]) == (100, 8, 6, 10)
    assert d1["rate_target"] == 60.0 and d1["rate_total"] == 6.0
    assert targets["total"]["paid_cashless"] == 6

    discipline = {r["unit"]: r for r in data["discipline"]["rows"]}
    assert (discipline["Huyện D1"]["expected"], discipline["Huyện D1"]["submitted"],
            discipline["Huyện D1"]["on_time"]) == (7, 4, 3)
    assert (discipline["Sở S"]["expected"], discipline["Sở S"]["submitted"]) == (1, 0)
    dt = data["discipline"]["total"]
    assert (dt["expected"], dt["submitted"], dt["on_time"], dt["rate"], dt["on_time_rate"]) == (8, 4, 3, 50.0, 37.5)

    assert [(r["unit"], r["days"]) for r in data["overdue"]] == [("Huyện D2", 16), ("Sở S", 3), ("Huyện D1", 2)]


def test_submitting_freezes_the_report_and_counts_as_the_months_report(case, clock, client_for):
    report = case["report"]
    client = client_for("canbo_s")
    client.post(f"/bao-cao/{report.id}", data={"assessment": "Các huyện cần khẩn trương.", "signer_name": "Nguyễn A",
                                               "signer_title": "PHÓ GIÁM ĐỐC", "signing_authority": "KT. GIÁM ĐỐC"})
    before = queries.report_data(MonthlyReport.get_by_id(report.id), clock.now)
    assert client.post(f"/bao-cao/{report.id}/nop").status_code == 302
    frozen = MonthlyReport.get_by_id(report.id)
    assert frozen.submitted_at == clock.now and frozen.was_late  # the 28th had passed
    monthly = (Occurrence.select().join(Assignment).join(Task)
               .where((Assignment.unit == case["so"].id) & (Task.deadline_kind == "monthly")
                      & (Occurrence.due_at == datetime(2024, 3, 28, 23, 59, 59))).get())
    assert monthly.submitted_at == clock.now
    # The data changes afterwards; the submitted report does not.
    Assignment.update(done_at=datetime(2024, 4, 2), state="done").where(Assignment.unit == case["d2"].id).execute()
    Figure.update(value=50).where(Figure.indicator == Indicator.get(Indicator.name == "Đã chi trả không dùng tiền mặt")
                                  ).execute()
    clock.now = datetime(2024, 4, 20)
    after = queries.report_data(MonthlyReport.get_by_id(report.id), clock.now)
    for section in ("tasks", "targets", "discipline", "overdue", "assessment", "signature"):
        assert after[section] == json.loads(json.dumps(before[section])), section
    page = client.get(f"/bao-cao/{report.id}").get_data(as_text=True)
    assert "Các huyện cần khẩn trương." in page and "Lưu dự thảo" not in page
    assert client.post(f"/bao-cao/{report.id}", data={"assessment": "đổi"}).status_code == 403
    assert "muộn" in client.get("/bao-cao/").get_data(as_text=True)


def test_the_pdf_has_a4_pages_with_the_title_and_the_totals(case, client_for):
    response = client_for("canbo_s").get(f"/bao-cao/{case['report'].id}/pdf")
    assert response.mimetype == "application/pdf" and response.headers["Content-Disposition"].startswith("attachment")
    pdf = PdfReader(io.BytesIO(response.data))
    assert len(pdf.pages) >= 1
    for page in pdf.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "BÁO CÁO" in text and "Kết quả thực hiện Công văn số 12/UBND-VX tháng 03/2024" in " ".join(text.split())
    assert "Tổng cộng" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Việc của đơn vị" not in text and "Đăng xuất" not in text


def test_the_excel_download_has_the_same_figures(case, client_for):
    data = client_for("canbo_s").get(f"/bao-cao/{case['report'].id}/excel").data
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["I. Nhiệm vụ", "II. Chỉ tiêu", "III. Báo cáo định kỳ", "IV. Quá hạn", "V. Đánh giá"]
    ws = wb["I. Nhiệm vụ"]
    total = next(r for r in ws.iter_rows() if r[0].value == "Tổng cộng")
    assert [c.value for c in total[1:7]] == [3, 0, 0, 1, 1, 5] and total[7].value == pytest.approx(0.4)
    ws = wb["III. Báo cáo định kỳ"]
    total = next(r for r in ws.iter_rows() if r[0].value == "Tổng cộng")
    assert [c.value for c in total[1:4]] == [8, 4, 3] and total[5].value == pytest.approx(0.375)
    overdue = [r for r in wb["IV. Quá hạn"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [(r[0], r[4]) for r in overdue] == [("Huyện D2", 16), ("Sở S", 3), ("Huyện D1", 2)]


def test_only_the_unit_and_those_above_see_its_reports(case, client_for, factory):
    report = case["report"]
    factory.user("ngoai", unit=case["d2"])
    assert client_for("ngoai").get(f"/bao-cao/{report.id}").status_code == 404
    assert client_for("ngoai").post(f"/bao-cao/{report.id}/nop").status_code == 404
    assert client_for("ngoai").get(f"/bao-cao/{report.id}/pdf").status_code == 404
    assert MonthlyReport.get_by_id(report.id).submitted_at is None
