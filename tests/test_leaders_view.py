"""What leaders see, measured: counts without double counting, the dashboard as of a date agreeing
with the monthly report, the unit scorecard and its Excel, recurring duties reported one way, and the
attachment icon from our own static files."""
import io
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.helpers import reported_without_figures
from webapp.core import followup, occurrences, report_content
from webapp.core.assignments import post_update
from webapp.dashboard.queries import Filters, scorecard, sort_scorecard, unit_rows
from webapp.models import (
    Assignment,
    Directive,
    MonthlyReport,
    Occurrence,
    Task,
    Unit,
    User,
)
from webapp.rules import status
from webapp.rules.reporting import period_containing

ROOT = Path(__file__).resolve().parent.parent


def unit(name):
    return Unit.get(Unit.name == name)


def user(name):
    return User.get(User.username == name)


def quang_tri():
    return Directive.get(Directive.number == "/UBND-KGVX")


# --- No double counting -------------------------------------------------------------------------

def test_passed_down_work_is_not_counted_again_and_expands_per_unit(demo, clock):
    clock.now = datetime(2024, 3, 20, 10, 0)
    lanhdao = user("lanhdao")
    province = unit("UBND tỉnh Quảng Trị")
    month = period_containing("month", date(2024, 3, 1))
    rows = {r.unit.name: r for r in unit_rows(lanhdao, Filters(quang_tri().id, province, month), clock.now, 3)}
    # Gio Linh holds its 6 assignments of the directive; its 34 passed to communes are not added.
    assert rows["UBND huyện Gio Linh"].total == 6
    assert rows["UBND huyện Gio Linh"].children == (10, 34)  # 10 of the 17 dissemination ones confirmed
    assert rows["Bưu điện tỉnh Quảng Trị"].children == (1, 9)
    expanded = {r.unit.name: r for r in unit_rows(lanhdao, Filters(quang_tri().id, unit("UBND huyện Gio Linh"), month,
                                                                   delegated=True), clock.now, 3)}
    assert len(expanded) == 17 and sum(r.total for r in expanded.values()) == 34
    assert expanded["UBND xã Gio An"].counts[status.DONE_ON_TIME] == 1
    # A commune looked at by itself owns what was passed to it.
    alone = unit_rows(lanhdao, Filters(quang_tri().id, unit("UBND xã Gio An"), month), clock.now, 3)
    assert sum(r.total for r in alone) == 2


def test_the_directive_page_counts_lead_assignments_and_rolls_up_the_rest(demo, client_for):
    page = client_for("lanhdao").get(f"/van-ban/{quang_tri().id}").get_data(as_text=True)
    assert "cấp dưới: 10/17 hoàn thành" in page and "cấp dưới: 1/9 hoàn thành" in page
    assert '<li class="st-overdue"><strong>22</strong>' in page  # 34 before: 12 partners chased as owners
    assert "UBND xã Gio An" not in page.split('id="matrix"')[1]  # the matrix shows the directive's units


# --- As of a date, in agreement with the monthly report ---------------------------------------

@pytest.mark.parametrize("day", [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)])
def test_the_dashboard_as_of_a_day_agrees_with_the_monthly_report(demo, client_for, clock, day):
    clock.now = datetime(2024, 4, 10, 9, 0)
    so = unit("Sở Lao động - Thương binh và Xã hội")
    report = MonthlyReport.create(unit=so, directive=quang_tri(), scope=quang_tri().id, year=day.year, month=day.month,
                                  created_at=clock.now)
    moment = report_content.as_of(day.year, day.month, clock.now)
    data = report_content.task_results([quang_tri().id], moment)
    overdue_in_report = len(report_content.overdue_items([quang_tri().id], moment))
    admin = user("admin")
    rows = unit_rows(admin, Filters(quang_tri().id, None, period_containing("month", day),
                                    as_of=datetime.combine(day, time(23, 59, 59))), moment, 3)
    counts = {c: sum(r.counts[c] for r in rows) for c in status.CLASSES}
    assert counts == data["total"]["counts"]
    assert counts[status.OVERDUE] == overdue_in_report
    page = client_for("admin").get(f"/tong-hop/?directive={quang_tri().id}&as_of={day:%d/%m/%Y}").get_data(as_text=True)
    assert f"23:59 {day:%d/%m/%Y}" in page


def test_as_of_a_day_a_later_confirmation_counts_from_the_reported_time(demo, clock):
    """Đông Hà reported 3.2 done on 25/01 and waits; confirmed in April it is done on time as of
    31/01 as well — done as of the reported time."""
    a = (Assignment.select().join(Task).where((Task.number == "3.2") & (Task.directive == quang_tri().id)
                                              & (Assignment.unit == unit("UBND thành phố Đông Hà").id)).get())
    moment = datetime(2024, 1, 31, 23, 59, 59)
    assert status.classify(a.due_at, a.done_at, moment, 3, a.reported_at) == status.NOT_DUE
    followup.confirm(a, user("admin").id, datetime(2024, 4, 2))
    a = Assignment.get_by_id(a.id)
    assert status.classify(a.due_at, a.done_at, moment, 3, a.reported_at) == status.DONE_ON_TIME


def test_a_date_the_dashboard_cannot_read_is_said_and_ignored(demo, client_for):
    response = client_for("lanhdao").get("/tong-hop/?as_of=31/02/2024")
    assert response.status_code == 200 and "Không có ngày 31/02/2024 trong lịch." in response.get_data(as_text=True)


def test_the_monthly_report_marks_extended_and_waiting_items(demo, clock):
    moment = datetime(2024, 3, 31, 23, 59, 59)
    items = {r["unit"]: r for r in report_content.overdue_items([quang_tri().id], moment) if r["task"].startswith("3.2")}
    assert "Đã gia hạn (hạn ban đầu 31/01/2024)" in items["UBND huyện Gio Linh"]["note"]
    assert items["UBND huyện Gio Linh"]["due"] == "15/02/2024"
    assert "UBND thành phố Đông Hà" not in items  # reported in time, waiting for confirmation
    total = report_content.task_results([quang_tri().id], moment)["total"]
    assert total["extended"] == 1 and total["total"] == 62


# --- The unit scorecard ---------------------------------------------------------------------------

@pytest.fixture
def district(app, factory, clock):
    """A district with two communes; March 2024: A has 2 due (one on time, one 4 days late), one
    returned and one extension asked; B has 1 due, still open; B misses its weekly reports."""
    clock.now = datetime(2024, 4, 3, 9, 0)
    f = factory
    d = f.unit("Huyện Thử", kind="ubnd_huyen")
    a, b = f.unit("Xã A", parent=d), f.unit("Xã B", parent=d)
    staff_a, staff_b = f.user("xaa", unit=a), f.user("xab", unit=b)
    leader, district_staff = f.user("lanhdao_huyen", role="leader", unit=d), f.user("canbo_huyen", unit=d)
    directive = f.directive(issuer=d)
    first = f.task(directive, lead=[a, b], due=date(2024, 3, 10), number="1")
    second = f.task(directive, lead=[a], due=date(2024, 3, 20), number="2")
    f.task(directive, lead=[a], due=date(2024, 4, 20), number="3")  # due next month

    def assignment(task, u):
        return Assignment.get((Assignment.task == task.id) & (Assignment.unit == u.id))

    x = assignment(first, a)
    post_update(x, x.version, staff_a.id, "done", None, "", None, datetime(2024, 3, 9))
    followup.return_(assignment(first, a), district_staff.id, "Thiếu hồ sơ", datetime(2024, 3, 9, 15))
    x = assignment(first, a)
    post_update(x, x.version, staff_a.id, "done", None, "", None, datetime(2024, 3, 10, 8))
    followup.confirm(assignment(first, a), district_staff.id, datetime(2024, 3, 11))
    followup.request_extension(assignment(second, a), staff_a.id, date(2024, 3, 25), "Chờ", datetime(2024, 3, 18))
    y = assignment(second, a)
    post_update(y, y.version, staff_a.id, "done", None, "", None, datetime(2024, 3, 24, 12))
    followup.confirm(assignment(second, a), district_staff.id, datetime(2024, 3, 25))
    f.task(directive, lead=[b], kind="weekly", weekday=2, deadline_time=time(14, 0),
           window_start=date(2024, 3, 1), window_end=date(2024, 3, 31), number="4")
    occurrences.materialise(date(2024, 3, 31), clock.now.date())
    return leader, a, b


def test_the_scorecard_figures_on_a_hand_computed_case(district, clock):
    leader, a, b = district
    rows = {r.unit.name: r for r in scorecard(leader, Filters(None, None, period_containing("month", date(2024, 3, 1))),
                                              clock.now, 3)}
    xa, xb = rows["Xã A"], rows["Xã B"]
    assert (xa.due, xa.on_time, xa.on_time_rate, xa.overdue_now) == (2, 1, 50.0, 0)
    assert (xa.late, xa.average_days_late) == (1, 3.0)  # due 20/03 23:59:59, done 24/03 12:00: 3 whole days
    assert (xa.returned, xa.extensions) == (1, 1)
    assert xa.reporting_rate is None  # no report expected of A
    assert (xb.due, xb.on_time, xb.overdue_now, xb.late) == (2, 0, 2, 2)
    assert (xb.rate.expected, xb.rate.submitted) == (4, 0) and xb.reporting_rate == 0.0
    ordered = [r.unit.name for r in sort_scorecard(list(rows.values()), "on_time_rate", descending=True)]
    assert ordered == ["Xã A", "Xã B"]
    assert [r.unit.name for r in sort_scorecard(list(rows.values()), "overdue_now", descending=True)] == ["Xã B", "Xã A"]


def test_the_scorecard_page_links_each_figure_to_its_list(district, client_for):
    leader, a, b = district
    client = client_for("lanhdao_huyen")
    page = client.get("/tong-hop/xep-hang?date=2024-03-01&sort=returned&dir=desc").get_data(as_text=True)
    assert "Xã A" in page and 'aria-sort="descending"' in page
    link = f"/?unit={a.id}&amp;flag=returned&amp;since=2024-03-01&amp;until=2024-03-31"
    assert link in page
    listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    body = listed.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == 1 and "1. Nhiệm vụ thử" in body
    late = client.get(f"/?unit={b.id}&due_from=2024-03-01&due_to=2024-03-31&status=late").get_data(as_text=True)
    assert late.split("<tbody>", 1)[1].count("Đang thực hiện quá hạn") == 2


def test_the_scorecard_excel_has_numbers_as_numbers_and_text_as_text(district, client_for, factory):
    leader, a, b = district
    factory.unit("=HYPERLINK(\"http://x\")", parent=Unit.get(Unit.name == "Huyện Thử"))
    response = client_for("lanhdao_huyen").get("/tong-hop/xep-hang/excel?date=2024-03-01")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 9)] for r in range(5, ws.max_row + 1)}
    assert rows["Xã A"] == [2, 0.5, 0, 3, 1, 1, None]
    assert rows["Xã B"][0] == 2 and rows["Xã B"][6] == 0.0
    assert isinstance(rows["Xã A"][0], int) and ws.cell(5, 3).number_format == "0.0%"
    assert all(ws.cell(r, 1).data_type == "s" for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value)


def test_staff_cannot_open_the_scorecard(demo, client_for):
    assert client_for("giolinh").get("/tong-hop/xep-hang").status_code == 403
    assert client_for("giolinh").get("/tong-hop/xep-hang/excel").status_code == 403


# --- Issue 11's leftovers on the assignment page ----------------------------------------------------

def test_a_recurring_duty_is_reported_one_way_and_its_status_follows_the_occurrences(demo, client_for, clock):
    clock.now = datetime(2024, 3, 20, 15, 0)
    reported_without_figures()  # a plain report here; a set's report is its figures (tests/test_indicator_sets.py)
    weekly = (Assignment.select().join(Task).switch(Assignment).join(Unit)
              .where((Unit.name == "Tổ công tác Đề án 06 xã Quài Cang") & (Task.number == "1.2")).get())
    client = client_for("quaicang")
    page = client.get(f"/giao-viec/{weekly.id}").get_data(as_text=True)
    assert "Các kỳ báo cáo" in page and "Gửi cập nhật" not in page  # one way to report
    assert "Đã nộp 0/2 kỳ đã đến hạn" in page
    first = Occurrence.select().where(Occurrence.assignment == weekly.id).order_by(Occurrence.due_at).first()
    client.post(f"/giao-viec/{weekly.id}/ky-bao-cao/{first.id}", data={"note": "Tuần 1"})
    page = client.get(f"/giao-viec/{weekly.id}").get_data(as_text=True)
    assert "Đã nộp 1/2 kỳ đã đến hạn" in page and "Chưa thực hiện · 0%" not in page
    a = Assignment.get_by_id(weekly.id)
    assert (a.state, a.percent) == ("in_progress", 50)
    # The generic form is refused on the server too, and nothing changes.
    response = client.post(f"/giao-viec/{weekly.id}", data={"state": "done", "note": "x", "version": str(a.version)})
    assert response.status_code == 200 and "báo cáo theo từng kỳ" in response.get_data(as_text=True)
    assert Assignment.get_by_id(weekly.id).version == a.version


def test_attachments_are_shown_with_our_own_icon_not_an_emoji(demo, client_for, app):
    for template in ("assignments/_panel.html", "assignments/_occurrences.html", "assignments/detail.html",
                     "assignments/cooperation.html"):
        assert "📎" not in (ROOT / "templates" / template).read_text()
    assert (ROOT / "static" / "attach.svg").read_text().startswith("<svg")
    so_lead = (Assignment.select().join(Task).where((Task.number == "1.1") & (Task.directive == quang_tri().id)
                                                    & (Assignment.unit == unit("Sở Lao động - Thương binh và Xã hội").id))
               .get())
    from webapp.core import cooperation
    from webapp.core.uploads import store_evidence
    from webapp.models import Cooperation

    class Upload:
        filename, stream = "y-kien.pdf", io.BytesIO(b"%PDF-1.4\n%x\n")
    c = Cooperation.get((Cooperation.task == so_lead.task_id) & (Cooperation.unit == unit("UBND huyện Cam Lộ").id))
    cooperation.send_input(c, user("admin").id, "Kèm tệp", "", store_evidence(Upload(), app.config["UPLOAD_DIR"]),
                           datetime(2024, 2, 1))
    page = client_for("sldtbxh").get(f"/giao-viec/{so_lead.id}").get_data(as_text=True)
    assert 'class="file-link"' in page and "attach.svg" in page and "y-kien.pdf" in page
