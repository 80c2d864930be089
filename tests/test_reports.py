"""The monthly report: each section against a hand-computed case, freezing, PDF and Excel."""
import io
import json
import os
from datetime import date, datetime, time
from pathlib import Path
from time import sleep

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from tests.helpers import (
    fallback_fonts,
    figures_row,
    pdf_fonts,
    pdf_hlines,
    pdf_runs,
    put_target,
    set_like_phu_luc_01,
    soffice_convert,
)
from webapp.core import figures, occurrences
from webapp.core import indicators as sets
from webapp.core import reports as queries
from webapp.core.users import create_user
from webapp.models import (
    Assignment,
    Directive,
    Figure,
    Indicator,
    MonthlyReport,
    Occurrence,
    Task,
    Unit,
)
from webapp import pdf as pdf_document
from webapp.rules import nd30


@pytest.fixture
def case(app, factory, clock):
    """Province P with Sở S and districts D1, D2; one directive of P for March 2024:
    T1 S due 10/03, done 09/03 (on time); T2 D1 and D2 due 15/03, D1 done 20/03 (late), D2 not done;
    T3 S monthly before the 28th; T4 D1 daily 09:00 from 25/03 to 31/03, the 25th-28th submitted
    (the 28th late). D1 has target 100 (Q1 10) and figures 100/8/6 on 30/03; D2 a target (Q1 20), no figures."""
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
    put_target(indicator_set, d2, 2024, 0, 200, (20, 40, 60, 80))
    figures.save(indicator_set, d1, date(2024, 3, 30), {d1.id: figures_row(indicator_set, [(100, 8, 6)])}, staff.id,
                 datetime(2024, 3, 30))
    clock.now = datetime(2024, 4, 2, 9, 0)
    occurrences.ensure_current(clock.now)
    report = queries.open_draft(so, directive, 2024, 3, staff.id, clock.now)
    return {"report": report, "so": so, "d1": d1, "d2": d2, "t2": t2, "staff": staff}


def test_each_section_matches_the_hand_computed_case(case, clock):
    data = queries.report_data(case["report"], clock.now)
    head = data["header"]
    assert (head["parent"], head["issuer"]) == ("UBND TỈNH P", ["SỞ S"])
    assert head["subtitle"] == "Kết quả thực hiện Công văn số 12/UBND-VX tháng 03/2024"
    assert head["recipients"] == ["UBND tỉnh P"]
    # Dated the day it is signed (today, 02/04, by default), its figures as of the month's end.
    assert head["place_date"] == "Tỉnh P, ngày 02 tháng 4 năm 2024"
    assert data["as_of"] == "23:59 31/03/2024"
    assert data["period"]["text"] == "Số liệu tính từ ngày 01/03/2024 đến ngày 31/03/2024."

    tasks = {r["unit"]: r for r in data["tasks"]["rows"]}
    assert tasks["Sở S"]["counts"] == {"overdue": 1, "due_soon": 0, "not_due": 0, "done_on_time": 1, "done_late": 0}
    assert tasks["Huyện D1"]["counts"]["done_late"] == 1 and tasks["Huyện D1"]["counts"]["overdue"] == 1
    assert tasks["Huyện D2"]["counts"]["overdue"] == 1 and tasks["Huyện D2"]["rate"] == 0
    total = data["tasks"]["total"]
    assert (total["unit"], total["total"], total["done"], total["rate"]) == ("Tổng cộng (3 đơn vị)", 5, 2, 40.0)

    targets = data["targets"]["groups"][0]
    rows = {r["unit"]: r for r in targets["rows"]}
    d1 = rows["Huyện D1"]
    assert (d1["beneficiaries"], d1["accounts_opened"], d1["paid_cashless"], d1["target_to_date"]) == (100, 8, 6, 10)
    assert d1["rate_target"] == 60.0 and d1["rate_total"] == 6.0 and d1["day"] == "30/03/2024"
    # D2 sent no figures: not a row of zeros, and not in the total, which says what it covers.
    assert rows["Huyện D2"]["reported"] is False and rows["Huyện D2"]["paid_cashless"] is None
    t = targets["total"]
    assert t["unit"] == "Tổng cộng (1/2 đơn vị đã báo cáo)"
    assert (t["paid_cashless"], t["target_to_date"], t["rate_target"]) == (6, 10, 60.0)  # not 6/30 = 20%

    discipline = {r["unit"]: r for r in data["discipline"]["rows"]}
    assert (discipline["Huyện D1"]["expected"], discipline["Huyện D1"]["submitted"],
            discipline["Huyện D1"]["on_time"]) == (7, 4, 3)
    assert (discipline["Sở S"]["expected"], discipline["Sở S"]["submitted"]) == (1, 0)
    dt = data["discipline"]["total"]
    assert dt["unit"] == "Tổng cộng (2 đơn vị)"
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
    total = next(r for r in ws.iter_rows() if str(r[0].value).startswith("Tổng cộng"))
    assert [c.value for c in total[1:7]] == [3, 0, 0, 1, 1, 5] and total[7].value == pytest.approx(0.4)
    ws = wb["II. Chỉ tiêu"]
    d2 = next(r for r in ws.iter_rows() if r[0].value == "Huyện D2")
    assert d2[1].value == "Chưa báo cáo" and [c.value for c in d2[2:]] == [None] * 6
    ws = wb["III. Báo cáo định kỳ"]
    total = next(r for r in ws.iter_rows() if str(r[0].value).startswith("Tổng cộng"))
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


# --- The figures agree with each other and with the pages ------------------------------------------

@pytest.fixture
def figures_case(app, factory, clock):
    """Province Q with Sở T and districts E1, E2, each owing the daily Phụ lục 2b report (09:00,
    25–31/03/2024), whose figures are a set shaped like Phụ lục 01 entered by the districts themselves,
    with Q1 targets of 96 and 50 people. E1's staff enter E1's figures of 26/03 through the figures page
    at 08:30; E2 sends none."""
    clock.now = datetime(2024, 3, 25, 8, 0)
    province = factory.unit("UBND tỉnh Q", kind="ubnd_tinh")
    so = factory.unit("Sở T", kind="so_nganh", parent=province)
    e1 = factory.unit("Huyện E1", kind="ubnd_huyen", parent=province)
    e2 = factory.unit("Huyện E2", kind="ubnd_huyen", parent=province)
    directive = factory.directive(issuer=province, number="7/UBND-VX", place="Q")
    daily = factory.task(directive, lead=[e1, e2], kind="daily", deadline_time=time(9, 0),
                         window_start=date(2024, 3, 25), window_end=date(2024, 3, 31), number="3.6")
    factory.task(directive, lead=[so], kind="monthly", month_day=28, window_start=date(2024, 3, 1), number="1.5")
    indicator_set = set_like_phu_luc_01(directive, province, task=daily, reporting_kind="")
    for unit, q1 in ((e1, 96), (e2, 50)):
        for group_index in (0, 1):
            put_target(indicator_set, unit, 2024, group_index, 4 * q1, (q1, q1, q1, q1))
    factory.user("canbo_e1", unit=e1)
    factory.user("canbo_t", unit=so)
    return {"so": so, "e1": e1, "e2": e2, "directive": directive, "set": indicator_set}


def enter_figures(client, indicator_set, unit, day, *per_group):
    """Post a unit's figures page: per group, in order, (beneficiaries, accounts opened, paid)."""
    indicators, groups = sets.indicators_of(indicator_set), sets.groups_of(indicator_set)
    form = {f"note-{unit.id}": ""}
    for group, numbers in zip(groups, per_group):
        form.update({f"v-{unit.id}-{i.id}-{group.id}": f"{n:,}".replace(",", ".") for i, n in zip(indicators, numbers)})
    return client.post(f"/so-lieu/bo/{indicator_set.id}/nhap/{unit.id}?day={day:%Y-%m-%d}", data=form)


def test_figures_a_district_enters_count_as_its_2b_report_and_a_silent_one_is_not_reported(figures_case, client_for,
                                                                                          clock):
    clock.now = datetime(2024, 3, 26, 8, 30)
    response = enter_figures(client_for("canbo_e1"), figures_case["set"], figures_case["e1"], date(2024, 3, 26),
                             (1944, 360, 342), (3330, 360, 342))
    assert response.status_code == 302
    clock.now = datetime(2024, 4, 2, 9, 0)
    occurrences.ensure_current(clock.now)
    client = client_for("canbo_t")
    client.post("/bao-cao/tao", data={"unit": figures_case["so"].id, "directive": figures_case["directive"].id,
                                      "month": 3, "year": 2024})
    report = MonthlyReport.get()
    data = queries.report_data(report, clock.now)
    people = data["targets"]["groups"][0]
    rows = {r["unit"]: r for r in people["rows"]}
    assert (rows["Huyện E1"]["reported"], rows["Huyện E1"]["day"], rows["Huyện E1"]["paid_cashless"]) == (
        True, "26/03/2024", 342)
    assert rows["Huyện E2"]["reported"] is False
    # Section III agrees with section II: E1's figures are its 2b report of 26/03, sent on time; E2 sent nothing.
    discipline = {r["unit"]: r for r in data["discipline"]["rows"]}
    assert (discipline["Huyện E1"]["submitted"], discipline["Huyện E1"]["on_time"]) == (1, 1)
    assert discipline["Huyện E2"]["submitted"] == 0
    # The total covers E1 alone: 342 / 96 = 356,25%, shown 356,3% (halves up), not 342 / 146.
    assert people["total"]["unit"] == "Tổng cộng (1/2 đơn vị đã báo cáo)"
    assert people["total"]["rate_target"] == pytest.approx(356.25)
    page = client.get(f"/bao-cao/{report.id}").get_data(as_text=True)
    assert "356,3%" in page and "356,2%" not in page and "234,2%" not in page
    assert page.count(">Chưa báo cáo<") == 2  # E2, once per group
    cells = [c.value for row in openpyxl.load_workbook(io.BytesIO(client.get(f"/bao-cao/{report.id}/excel").data))[
        "II. Chỉ tiêu"].iter_rows() for c in row]
    assert 3.563 in [round(v, 3) for v in cells if isinstance(v, float)]


def test_section_i_counts_only_the_tasks_that_existed_at_the_moment(case, factory, clock):
    """A directive issued on 05/04 (entered on 20/03 as a draft would be) is not in March's report."""
    province = case["so"].parent
    later = factory.directive(issuer=province, number="20/UBND-VX", issued_on=date(2024, 4, 5))
    factory.task(later, lead=[case["so"]], due=date(2024, 4, 30), number="1")
    march = queries.open_draft(case["so"], None, 2024, 3, case["staff"].id, clock.now)
    tasks = {r["unit"]: r for r in queries.report_data(march, clock.now)["tasks"]["rows"]}
    assert tasks["Sở S"]["total"] == 2  # 1 and 3 of 12/UBND-VX only
    assert "20/UBND-VX" not in queries.report_data(march, clock.now)["header"]["subtitle"]
    clock.now = datetime(2024, 4, 20, 9, 0)
    april = queries.open_draft(case["so"], None, 2024, 4, case["staff"].id, clock.now)
    assert {r["unit"]: r for r in queries.report_data(april, clock.now)["tasks"]["rows"]}["Sở S"]["total"] == 3


def test_the_data_period_is_a_choice_of_the_report_stated_in_its_text(case, client_for, clock):
    """By Nghị định 09/2019, Điều 12, March's report covers 15/02–14/03: D1's daily reports of 25–31/03
    and the 28/03 monthly one fall outside; T2 (due 15/03) is not overdue yet on 14/03."""
    report = case["report"]
    client = client_for("canbo_s")
    page = client.get(f"/bao-cao/{report.id}").get_data(as_text=True)
    assert 'name="period"' in page and "Số liệu tính từ ngày 01/03/2024 đến ngày 31/03/2024." in page
    assert client.post(f"/bao-cao/{report.id}", data={"period": "nd09"}).status_code == 302
    data = queries.report_data(MonthlyReport.get_by_id(report.id), clock.now)
    assert data["period"]["text"] == ("Số liệu tính từ ngày 15/02/2024 đến ngày 14/03/2024, theo kỳ báo cáo quy định "
                                      "tại Điều 12 Nghị định số 09/2019/NĐ-CP.")
    assert data["as_of"] == "23:59 14/03/2024" and data["discipline"]["rows"] == []
    assert data["overdue"] == []  # T1 done on 09/03; T2 due 15/03 and T3 on 28/03: not yet overdue
    assert data["period"]["text"] in client.get(f"/bao-cao/{report.id}").get_data(as_text=True)
    # A period that is no choice changes nothing.
    assert client.post(f"/bao-cao/{report.id}", data={"period": "quarter"}).status_code == 200
    assert MonthlyReport.get_by_id(report.id).period == "nd09"


def test_the_header_numbers_dates_and_addresses_as_nghi_dinh_30_says(case, client_for, clock):
    report, so = case["report"], case["so"]
    so.abbreviation = "SLĐTBXH"
    so.save()
    client = client_for("canbo_s")
    page = client.get(f"/bao-cao/{report.id}").get_data(as_text=True)
    # Before the văn thư numbers it: the blank kept visible before the unit's symbol.
    assert "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-SLĐTBXH" in page and "Số: /BC-<" not in page
    form = {"number": "7", "place": "Tỉnh P", "signed_on": "05/04/2024", "recipients": "UBND tỉnh P",
            "copies": "Như trên;;\nLưu: VT, LĐVL;\nUBND tỉnh (b/c);", "signing_authority": "KT. Giám đốc",
            "signer_title": "Phó Giám đốc", "signer_name": "Nguyễn Văn Bình", "period": "month"}
    assert client.post(f"/bao-cao/{report.id}", data={**form, "signed_on": "31/02/2024"}).status_code == 200
    assert MonthlyReport.get_by_id(report.id).signed_on is None  # refused, nothing saved
    assert client.post(f"/bao-cao/{report.id}", data=form).status_code == 302
    data = queries.report_data(MonthlyReport.get_by_id(report.id), clock.now)
    head = data["header"]
    assert head["number"] == "Số: 07/BC-SLĐTBXH"
    assert head["place_date"] == "Tỉnh P, ngày 05 tháng 4 năm 2024"   # the signing date set, not the cut-off
    assert data["period"]["text"].endswith("đến ngày 31/03/2024.")
    assert data["copies"] == ["- Như trên;", "- UBND tỉnh (b/c);", "- Lưu: VT, LĐVL."]
    assert data["signature"] == {"authority": ["KT. GIÁM ĐỐC"], "title": "PHÓ GIÁM ĐỐC", "name": "Nguyễn Văn Bình"}
    page = client.get(f"/bao-cao/{report.id}").get_data(as_text=True)
    document = page.split('<article class="document report">')[1].split("</article>")[0]
    assert "Kính gửi: Ủy ban nhân dân tỉnh P." in document and ";;" not in document
    assert 'value="05/04/2024"' in page
    assert '<div class="issuer-name"><div class="strong">SỞ S</div><div class="rule short"' in page
    assert '<span class="ruled">Độc lập - Tự do - Hạnh phúc</span>' in page
    assert 'class="underline"' not in page
    # The next month's draft keeps the header and signature, not the number or the date.
    clock.now = datetime(2024, 4, 25, 9, 0)
    april = queries.open_draft(so, report.directive, 2024, 4, case["staff"].id, clock.now)
    assert (april.number, april.signed_on, april.signer_name, april.copies) == (
        "", None, "Nguyễn Văn Bình", "Như trên;;\nLưu: VT, LĐVL;\nUBND tỉnh (b/c);")


def test_a_report_frozen_in_the_old_shape_still_shows_in_every_format(case, client_for, clock):
    """Submitted before version 2: the issuer's name as one string, Nơi nhận without its marks."""
    old = {"as_of": "23:59 29/02/2024", "month": "02/2024",
           "header": {"parent": "UBND TỈNH P", "issuer": "SỞ S", "number": "Số: 3/BC-SS", "quoc_hieu": QH,
                      "tieu_ngu": "Độc lập - Tự do - Hạnh phúc", "place_date": "Tỉnh P, ngày 29 tháng 02 năm 2024",
                      "title": "BÁO CÁO", "subtitle": "Kết quả tháng 02/2024", "recipients": ["UBND tỉnh P"]},
           "tasks": {"classes": ["overdue"], "labels": {"overdue": "Quá hạn"},
                     "rows": [{"unit": "Sở S", "counts": {"overdue": 1}, "total": 1, "done": 0, "rate": 0.0}],
                     "total": {"unit": "Tổng cộng", "counts": {"overdue": 1}, "total": 1, "done": 0, "rate": 0.0}},
           "targets": {"area": "UBND tỉnh P", "groups": [{"label": "Người có công", "rows": [
               {"unit": "Huyện D1", "beneficiaries": 100, "accounts_opened": 8, "paid_cashless": 6, "rate_total": 6.0,
                "target_to_date": 10, "rate_target": 60.0}], "total": {
               "unit": "Tổng cộng", "beneficiaries": 100, "accounts_opened": 8, "paid_cashless": 6, "rate_total": 6.0,
               "target_to_date": 10, "rate_target": 60.0}}]},
           "discipline": {"rows": [], "total": {"unit": "Tổng cộng", "expected": 0, "submitted": 0, "on_time": 0,
                                                "rate": None, "on_time_rate": None}},
           "overdue": [], "assessment": "Cũ.", "copies": ["Như trên", "Lưu: VT"],
           "signature": {"authority": ["KT. GIÁM ĐỐC"], "title": "PHÓ GIÁM ĐỐC", "name": "Nguyễn A"}}
    frozen = MonthlyReport.create(unit=case["so"], directive=None, scope=0, year=2024, month=2, created_at=clock.now,
                                  submitted_at=datetime(2024, 3, 1), frozen=json.dumps(old))
    client = client_for("canbo_s")
    page = client.get(f"/bao-cao/{frozen.id}").get_data(as_text=True)
    assert "Tỉnh P, ngày 29 tháng 02 năm 2024" in page and "Số: 3/BC-SS" in page and "- Lưu: VT." in page
    for kind in ("pdf", "docx", "excel"):
        assert client.get(f"/bao-cao/{frozen.id}/{kind}").status_code == 200, kind
    assert "Nguyễn A" in PdfReader(io.BytesIO(client.get(f"/bao-cao/{frozen.id}/pdf").data)).pages[0].extract_text()


QH = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


# --- The documents a văn thư receives: PDF, Word, LibreOffice ---------------------------------------

@pytest.fixture
def demo_report(demo, client_for, clock):
    """The demo's March 2024 report of the Sở, opened and filled in as its staff would, on 05/04."""
    clock.now = datetime(2024, 4, 5, 9, 0)
    client = client_for("sldtbxh")
    so = Unit.get(Unit.name == "Sở Lao động - Thương binh và Xã hội")
    directive = Directive.get(Directive.number == "/UBND-KGVX")
    client.post("/bao-cao/tao", data={"unit": so.id, "directive": directive.id, "month": 3, "year": 2024})
    report = MonthlyReport.get()
    response = client.post(f"/bao-cao/{report.id}", data={
        "number": "", "place": "Quảng Trị", "signed_on": "05/04/2024", "period": "month", "recipients": "",
        "assessment": "Các huyện cần khẩn trương hướng dẫn đối tượng mở tài khoản.\nĐề nghị UBND tỉnh chỉ đạo.",
        "copies": "Như trên\nUBND tỉnh (b/c)\nLưu: VT, BTXH", "signing_authority": "KT. GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC", "signer_name": "Nguyễn Thị Hương"})
    assert response.status_code == 302
    return client, MonthlyReport.get_by_id(report.id)


def _run(page, start):
    return next(r for r in page if r[0].startswith(start))


def test_the_pdf_is_set_in_a_times_face_with_page_numbers_and_the_nghi_dinh_30_header(demo_report):
    client, report = demo_report
    data = client.get(f"/bao-cao/{report.id}/pdf").data
    # Every letter in Liberation Serif 2 / Tinos / Times New Roman: no face fell back (DejaVu for "ễ").
    assert fallback_fonts(data) == set(), pdf_fonts(data)
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Nguyễn Thị Hương" in text and "THƯƠNG BINH" in text and "GIÁM ĐỐC" in text
    assert "Kính gửi: Ủy ban nhân dân tỉnh Quảng Trị." in " ".join(text.split())
    pages = pdf_runs(data)
    assert len(pages) >= 2
    # Page numbers from page 2, centred in the top margin (20 mm = 56,7 pt), 13 pt; none on page 1.
    centre = (30 + 165 / 2) / 25.4 * 72
    assert not [r for r in pages[0] if r[2] < 56.7]
    for number, page in enumerate(pages[1:], 2):
        [mark] = [r for r in page if r[2] < 56.7]
        assert mark[0] == str(number) and mark[3] == 13 and abs(mark[1] + 3.25 * len(mark[0]) - centre) < 3
    first = pages[0]
    assert _run(first, "UBND TỈNH QUẢNG TRỊ")[3:] == (12.5, "Liberation-Serif")          # not bold
    assert _run(first, "SỞ LAO ĐỘNG - THƯƠNG BINH")[3:] == (12.5, "Liberation-Serif-Bold")
    assert _run(first, "VÀ XÃ HỘI")[4] == "Liberation-Serif-Bold"                         # broken as a clerk would
    assert _run(first, "Số:")[0].endswith("/BC-SLĐTBXH") and _run(first, "Số:")[3] == 13
    assert _run(first, "CỘNG HÒA XÃ HỘI")[3:] == (12.5, "Liberation-Serif-Bold")
    assert _run(first, "Độc lập - Tự do - Hạnh phúc")[3:] == (14, "Liberation-Serif-Bold")
    assert _run(first, "Quảng Trị, ngày 05 tháng 4 năm 2024")[3:] == (14, "Liberation-Serif-Italic")
    assert _run(first, "BÁO CÁO")[3:] == (14, "Liberation-Serif-Bold")
    # Body paragraphs: the first line indented 1,27 cm (36 pt) from the lines after it.
    opening = [r for r in first if r[3] == 13 and r[4] == "Liberation-Serif" and r[2] > _run(first, "Kính gửi")[2]]
    assert 35 < opening[0][1] - opening[1][1] < 37
    # The solid lines: under the issuing body 40% of its width, under the tiêu ngữ as long as it, under
    # the summary 40% of its width, each centred on its text.
    lines = pdf_hlines(data)[0]
    for text, size, share in (("SỞ LAO ĐỘNG - THƯƠNG BINH", 12.5, 0.4), ("Độc lập - Tự do - Hạnh phúc", 14, 1),
                              ("Kết quả thực hiện Công văn số /UBND-KGVX tháng 03/2024", 13, 0.4)):
        run = _run(first, text[:20])
        width = nd30.text_width_cm(text, size, bold=True) / 2.54 * 72
        middle = (run[1] + width / 2) if run[0] == text else (30 + 165 / 2) / 25.4 * 72
        below = [line for line in lines if run[2] < line[2] < run[2] + 30 and abs((line[0] + line[1]) / 2 - middle) < 3]
        assert below and abs(below[0][1] - below[0][0] - share * width) < 3, (text, below)
    last = pages[-1]
    assert _run(last, "Nơi nhận:")[3:] == (12, "Liberation-Serif-Bold-Italic")
    assert [r[0] for r in last if r[3] == 11 and r[0].startswith("- ")][-3:] == [
        "- Như trên;", "- UBND tỉnh (b/c);", "- Lưu: VT, BTXH."]
    assert _run(last, "Nguyễn Thị Hương")[4] == "Liberation-Serif-Bold"


def test_the_docx_has_the_same_report_in_word(demo_report):
    client, report = demo_report
    response = client.get(f"/bao-cao/{report.id}/docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert response.headers["Content-Disposition"] == 'attachment; filename="bao-cao-2024-03.docx"'
    doc = Document(io.BytesIO(response.data))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    normal = doc.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Times New Roman", 13)
    runs = [r for p in doc.paragraphs for r in p.runs] + [
        r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert {r.font.name for r in runs if r.text} == {"Times New Roman"}
    # Page numbers: a PAGE field at the top, centred, none on the first page.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml and "PAGE" not in section.first_page_header._element.xml
    # The header: a borderless table of two columns.
    header = doc.tables[0]
    assert {e.get(qn("w:val")) for e in header._tbl.tblPr.find(qn("w:tblBorders"))} == {"nil"}
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "UBND TỈNH QUẢNG TRỊ", "SỞ LAO ĐỘNG - THƯƠNG BINH", "VÀ XÃ HỘI",
        "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-SLĐTBXH"]
    cell_runs = {r.text: r for c in (left, right) for p in c.paragraphs for r in p.runs if r.text}
    assert not cell_runs["UBND TỈNH QUẢNG TRỊ"].bold and cell_runs["SỞ LAO ĐỘNG - THƯƠNG BINH"].bold
    assert cell_runs["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].bold
    tieu_ngu = cell_runs["Độc lập - Tự do - Hạnh phúc"]
    assert tieu_ngu.bold and tieu_ngu.font.size.pt == 14
    assert cell_runs["Quảng Trị, ngày 05 tháng 4 năm 2024"].italic
    # The line under the issuing body: 40% of its widest line, centred in its column.
    rule = next(p for p in left.paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None)
    drawn = nd30.LEFT_COL_CM - rule.paragraph_format.left_indent.cm - rule.paragraph_format.right_indent.cm
    widest = nd30.text_width_cm("SỞ LAO ĐỘNG - THƯƠNG BINH", 12.5, bold=True)
    assert abs(drawn - 0.4 * widest) < 0.05
    body = {p.text: p for p in doc.paragraphs}
    assert "Kính gửi: Ủy ban nhân dân tỉnh Quảng Trị." in body
    period = body["Số liệu tính từ ngày 01/03/2024 đến ngày 31/03/2024."]
    assert round(period.paragraph_format.first_line_indent.cm, 2) == 1.27
    # The tables' figures are the report's.
    data = queries.report_data(report, datetime(2024, 4, 5, 9, 0))
    tasks = next(t for t in doc.tables if "Tỷ lệ hoàn thành" in [c.text for c in t.rows[0].cells])
    total = [c.text for c in tasks.rows[-1].cells]
    assert total[0] == data["tasks"]["total"]["unit"] and total[6] == str(data["tasks"]["total"]["total"])
    people = next(t for t in doc.tables if t.rows[0].cells[0].text == "Địa phương")
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in people.rows}
    # The wards' beneficiaries add up to the city's Phụ lục 01 total.
    assert rows["UBND thành phố Đông Hà"][1:] == ["20/03/2024", "1.912", "360", "342", "17,9%", "96", "356,3%"]
    assert rows["UBND huyện Cam Lộ"][1] == "Chưa báo cáo"
    assert [c.text for c in people.rows[-1].cells][0] == "Tổng cộng (1/9 đơn vị đã báo cáo)"
    # The wards entered their figures as users do: those are Đông Hà's Phụ lục 2b reports of the three days,
    # so section III agrees with section II.
    discipline = {r["unit"]: r for r in data["discipline"]["rows"]}
    assert (discipline["UBND thành phố Đông Hà"]["submitted"], discipline["UBND thành phố Đông Hà"]["on_time"]) == (3, 3)
    footer = doc.tables[-1].rows[0].cells[0]
    label = footer.paragraphs[0].runs[0]
    assert label.text == "Nơi nhận:" and label.bold and label.italic and label.font.size.pt == 12
    items = [p for p in footer.paragraphs[1:]]
    assert [p.text for p in items] == ["- Như trên;", "- UBND tỉnh (b/c);", "- Lưu: VT, BTXH."]
    assert {r.font.size.pt for p in items for r in p.runs} == {11}


def test_libreoffice_opens_the_docx_and_lays_it_out_on_numbered_a4_pages(demo_report, tmp_path):
    client, report = demo_report
    pdf = soffice_convert(tmp_path, client.get(f"/bao-cao/{report.id}/docx").data, "pdf", "bao-cao.docx")
    pages = pdf_runs(pdf)
    weasy_pages = len(PdfReader(io.BytesIO(client.get(f"/bao-cao/{report.id}/pdf").data)).pages)
    # As many pages as the printed report, give or take its tables' breaks; not one page per table row.
    assert 2 <= len(pages) <= weasy_pages + 1
    assert fallback_fonts(pdf) == set(), pdf_fonts(pdf)
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert not [r for r in pages[0] if r[2] < 56.7]
    for number, page in enumerate(pages[1:], 2):
        assert [r[0] for r in page if r[2] < 56.7] == [str(number)]
    text = " ".join(r[0] for page in pages for r in page)
    assert "Nguyễn Thị Hương" in text and "356,3%" in text and "Chưa báo cáo" in text


# --- What a report covers, and how much of section IV a document lists ------------------------------

@pytest.fixture
def many_late(app, factory, clock):
    """Province R, its Sở U owing the monthly report of directive 30/UBND-VX, and a district whose 60
    communes each missed the task due 10/03/2024."""
    clock.now = datetime(2024, 3, 20, 10, 0)
    province = factory.unit("UBND tỉnh R", kind="ubnd_tinh")
    so = factory.unit("Sở U", kind="so_nganh", parent=province)
    district = factory.unit("Huyện V", kind="ubnd_huyen", parent=province)
    communes = [factory.unit(f"Xã V{n:02d}", kind="ubnd_xa", parent=district) for n in range(60)]
    directive = factory.directive(issuer=province, number="30/UBND-VX", place="R")
    factory.task(directive, lead=communes, due=date(2024, 3, 10), number="1")
    factory.task(directive, lead=[so], kind="monthly", month_day=28, window_start=date(2024, 3, 1), number="2")
    staff = factory.user("canbo_u", unit=so)
    return {"so": so, "communes": communes, "directive": directive, "staff": staff}


def test_section_iv_lists_the_50_longest_overdue_and_the_excel_all_of_them(many_late, client_for, clock):
    report = queries.open_draft(many_late["so"], many_late["directive"], 2024, 3, many_late["staff"].id, clock.now)
    data = queries.report_data(report, clock.now)
    assert len(data["overdue"]) == 60 and len(data["overdue_shown"]) == 50
    assert data["overdue_note"] == ("Trên đây là 50 việc quá hạn lâu nhất trong tổng số 60 việc quá hạn; "
                                    "danh sách đầy đủ trong tệp Excel của báo cáo.")
    client = client_for("canbo_u")
    page = client.get(f"/bao-cao/{report.id}").get_data(as_text=True)
    table = page.split("IV. Nhiệm vụ quá hạn")[1].split("V. Đánh giá")[0]
    assert table.count("<tr>") == 1 + 50 and data["overdue_note"] in table
    doc = Document(io.BytesIO(client.get(f"/bao-cao/{report.id}/docx").data))
    overdue = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][-2:] == ["Số ngày quá hạn", "Ghi chú"])
    assert len(overdue.rows) == 1 + 50 and data["overdue_note"] in [p.text for p in doc.paragraphs]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/bao-cao/{report.id}/excel").data))
    rows = [r for r in workbook["IV. Quá hạn"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert len(rows) == 60


def test_a_report_by_a_unit_that_owes_no_monthly_report_covers_its_own_subtree(many_late, factory, clock):
    commune = many_late["communes"][7]
    user = factory.user("canbo_xa", unit=commune)
    report = queries.open_draft(commune, many_late["directive"], 2024, 3, user.id, clock.now)
    data = queries.report_data(report, clock.now)
    assert [r["unit"] for r in data["tasks"]["rows"]] == ["Xã V07"]
    assert [r["unit"] for r in data["overdue"]] == ["Xã V07"] and data["overdue_note"] == ""
    # The Sở, which owes the directive's monthly report, covers every unit.
    so_report = queries.open_draft(many_late["so"], many_late["directive"], 2024, 3, many_late["staff"].id, clock.now)
    assert len(queries.report_data(so_report, clock.now)["tasks"]["rows"]) == 61


def test_pdfs_are_laid_out_in_a_child_process_that_gives_its_memory_back(case, client_for, monkeypatch):
    assert pdf_document.in_child(os.getpid) != os.getpid()
    calls = []
    real = pdf_document.in_child

    def watched(function, *args, **kwargs):
        calls.append(function.__name__)
        return real(function, *args, **kwargs)
    monkeypatch.setattr(pdf_document, "in_child", watched)
    response = client_for("canbo_s").get(f"/bao-cao/{case['report'].id}/pdf")
    assert response.data.startswith(b"%PDF") and calls == ["_layout"]
    with pytest.raises(ZeroDivisionError):  # a failure in the child comes back as itself
        pdf_document.in_child(divmod, 1, 0)


def note_pid_then_sleep(folder: str, seconds: float) -> None:
    """In a layout child: say who it is, sleep, then leave a mark that it was not stopped."""
    (Path(folder) / "pid").write_text(str(os.getpid()))
    sleep(seconds)
    (Path(folder) / "finished").write_text("x")


def test_a_layout_past_the_limit_is_killed_at_the_limit_not_waited_for(tmp_path):
    with pytest.raises(pdf_document.PdfTimeout) as stopped:
        pdf_document.in_child(note_pid_then_sleep, str(tmp_path), 30, timeout=3)
    assert "không dựng xong bản PDF trong 3 giây" in str(stopped.value)
    pid = int((tmp_path / "pid").read_text())
    with pytest.raises(ProcessLookupError):  # killed and reaped: no process outlives the request
        os.kill(pid, 0)
    assert not (tmp_path / "finished").exists()


def test_a_pdf_that_takes_too_long_gives_a_page_saying_so(case, client_for, monkeypatch):
    monkeypatch.setattr(pdf_document, "TIMEOUT_S", 0.001)  # no layout is done in a millisecond
    response = client_for("canbo_s").get(f"/bao-cao/{case['report'].id}/pdf")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Không tạo được bản PDF" in page and "bản Word (.docx)" in page
