"""Working days through the app: the demo's daily reports skip weekends and Tết, reporting rates count
the reports that exist, the admin's calendar moves due times, the receipt day of a unit, the moved-date
note on the pages and lists."""
import re
from datetime import date, datetime, time

from webapp.models import (
    Assignment,
    AuditEntry,
    Directive,
    Occurrence,
    Task,
    Unit,
    WorkDay,
)


def html(response):
    return response.get_data(as_text=True)


def assignment(unit_name, number, directive="/UBND-KGVX"):
    return (Assignment.select().join(Task).join(Directive).switch(Assignment).join(Unit)
            .where((Unit.name == unit_name) & (Task.number == number) & (Directive.number == directive)).get())


def occurrence_dates(page):
    return re.findall(r'<tr id="occurrence-\d+">\s*<td class="nowrap">(\d\d:\d\d \d\d/\d\d/\d{4})</td>', page)


# --- The demo's daily reports -------------------------------------------------------------------

def test_the_daily_2b_report_is_not_owed_on_weekends_nor_in_tet_2024(demo, client_for, clock):
    clock.now = datetime(2024, 2, 16, 10, 0)
    gio_linh = assignment("UBND huyện Gio Linh", "3.6")
    page = html(client_for("giolinh").get(f"/giao-viec/{gio_linh.id}"))
    assert "Hằng ngày trước 09:00 (chỉ ngày làm việc)" in page
    # Newest first, up to a week ahead: after Wednesday 07/02 comes Thursday 15/02 (Tết 08–14/02, a weekend).
    assert occurrence_dates(page) == ["09:00 23/02/2024", "09:00 22/02/2024", "09:00 21/02/2024", "09:00 20/02/2024",
                                      "09:00 19/02/2024", "09:00 16/02/2024", "09:00 15/02/2024", "09:00 07/02/2024",
                                      "09:00 06/02/2024", "09:00 05/02/2024"]
    days = {o.due_at.date() for o in Occurrence.select().where(Occurrence.assignment == gio_linh.id)}
    assert not {date(2024, 2, d) for d in range(8, 15)} & days
    assert not any(d.weekday() >= 5 for d in days) and date(2024, 1, 1) not in days


def test_reporting_rates_count_only_the_reports_that_exist(demo, client_for, clock):
    clock.now = datetime(2024, 2, 19, 12, 0)
    gio_linh = Unit.get(Unit.name == "UBND huyện Gio Linh")
    page = html(client_for("lanhdao").get(f"/tong-hop/?unit={gio_linh.id}&period=week&date=2024-02-12"))
    # The week of Tết (12–18/02/2024) owes two daily reports: Thursday 15 and Friday 16.
    row = re.search(r'<th scope="row">UBND huyện Gio Linh</th>\s*<td class="num">(\d+)</td>', page)
    assert row and row.group(1) == "2"


def test_a_duty_edited_to_every_day_regenerates_only_future_unsubmitted_reports(demo, client_for, clock):
    from webapp.core import occurrences
    gio_linh = assignment("UBND huyện Gio Linh", "3.6")
    occurrences.materialise(date(2024, 3, 31), date(2024, 3, 20))
    past = list(Occurrence.select().where((Occurrence.assignment == gio_linh.id)
                                          & (Occurrence.due_at < datetime(2024, 3, 21))).tuples())
    task = gio_linh.task
    data = {"section": task.section, "number": task.number, "position": task.position, "text": task.text,
            "addressed_to": task.addressed_to, "deadline_text": task.deadline_text, "deadline_kind": "daily",
            "deadline_time": "09:00", "window_start": "01/01/2024", "window_end": "", "working_days_only_shown": "1",
            "group_kind": "", "group_parent": "",
            "lead_units": [str(a.unit_id) for a in task.assignments if a.role == "lead"]}
    assert client_for("admin").post(f"/quan-tri/nhiem-vu/{task.id}/sua", data=data).status_code == 302
    occurrences.materialise(date(2024, 3, 31), date(2024, 3, 20))
    assert list(Occurrence.select().where((Occurrence.assignment == gio_linh.id)
                                          & (Occurrence.due_at < datetime(2024, 3, 21))).tuples()) == past
    days = {o.due_at.date() for o in Occurrence.select().where(Occurrence.assignment == gio_linh.id)}
    assert date(2024, 3, 23) in days and date(2024, 3, 24) in days  # the weekend, from now on
    assert date(2024, 3, 16) not in days                            # but not the past one


# --- The admin's calendar -----------------------------------------------------------------------

def test_the_calendar_page_shows_the_year_with_the_days_off_and_their_reasons(demo, client_for):
    page = html(client_for("admin").get("/quan-tri/lich-lam-viec?nam=2024"))
    assert page.count('<table class="month">') == 12
    assert 'title="10/02/2024: Tết Nguyên đán"' in page
    assert 'title="02/09/2024: Quốc khánh"' in page
    assert re.search(r'<td class="cal-day swap-working" title="04/05/2024: làm bù">4', page)  # the package's swap
    assert "<td>29/04/2024</td>" not in page and re.search(r"29/04/2024</td><td>Thứ Hai</td><td>Nghỉ bù", page)
    assert "Chưa khai báo ngày nào trong năm 2024" in page


def test_declaring_a_day_off_moves_due_times_and_removing_it_asks_first(demo, client_for, factory):
    unit = Unit.get(Unit.name == "UBND huyện Cam Lộ")
    directive = Directive.get(Directive.number == "/UBND-KGVX")
    task = factory.task(directive=directive, lead=[unit], due=date(2024, 3, 25), text="Việc hạn thứ Hai")
    client = client_for("admin")
    response = client.post("/quan-tri/lich-lam-viec?nam=2024",
                           data={"day": "25/03/2024", "working": "off", "label": "Nghỉ theo thông báo của tỉnh"})
    assert response.status_code == 302
    a = Assignment.get(Assignment.task == task.id)
    assert (a.due_at, a.due_moved_from) == (datetime(2024, 3, 26, 23, 59, 59), datetime(2024, 3, 25, 23, 59, 59))
    page = html(client.get(f"/giao-viec/{a.id}"))
    assert "(dời sang 26/03/2024 do trùng ngày nghỉ Nghỉ theo thông báo của tỉnh)" in page
    calendar = html(client.get("/quan-tri/lich-lam-viec?nam=2024"))
    assert 'class="cal-day declared-off" title="25/03/2024: Nghỉ theo thông báo của tỉnh"' in calendar
    row = WorkDay.get()
    entry = AuditEntry.get((AuditEntry.object_type == "work_day") & (AuditEntry.object_id == row.id))
    assert entry.action == "create" and "25/03/2024" in entry.summary
    # Removing: a confirmation page first, then the day is as before.
    confirm = html(client.get(f"/quan-tri/lich-lam-viec/{row.id}/xoa"))
    assert "Xóa khai báo ngày nghỉ 25/03/2024?" in confirm and WorkDay.select().count() == 1
    assert client.post(f"/quan-tri/lich-lam-viec/{row.id}/xoa").status_code == 302
    a = Assignment.get(Assignment.task == task.id)
    assert (a.due_at, a.due_moved_from) == (datetime(2024, 3, 25, 23, 59, 59), None)
    assert AuditEntry.select().where((AuditEntry.object_type == "work_day") & (AuditEntry.action == "delete")).count() == 1


def test_a_saturday_worked_in_exchange_owes_the_daily_report_from_now_on(demo, client_for):
    from webapp.core import occurrences
    gio_linh = assignment("UBND huyện Gio Linh", "3.6")
    occurrences.materialise(date(2024, 3, 31), date(2024, 3, 20))
    assert not Occurrence.select().where((Occurrence.assignment == gio_linh.id)
                                         & (Occurrence.due_at == datetime(2024, 3, 23, 9))).exists()
    response = client_for("admin").post("/quan-tri/lich-lam-viec",
                                        data={"day": "23/03/2024", "working": "working", "label": "Làm bù"})
    assert response.status_code == 302
    occurrences.materialise(date(2024, 3, 31), date(2024, 3, 20))
    assert Occurrence.select().where((Occurrence.assignment == gio_linh.id)
                                     & (Occurrence.due_at == datetime(2024, 3, 23, 9))).exists()


def test_bad_declarations_are_refused_in_vietnamese_and_change_nothing(demo, client_for):
    client = client_for("admin")
    client.post("/quan-tri/lich-lam-viec", data={"day": "18/03/2024", "working": "off", "label": ""})
    for data, message in [
        ({"day": "18/03/2024", "working": "off"}, "Ngày 18/03/2024 đã được khai báo là ngày nghỉ"),
        ({"day": "19/03/2024", "working": "working"}, "Ngày 19/03/2024 đã là ngày làm việc"),
        ({"day": "10/02/2024", "working": "off"}, "Ngày 10/02/2024 đã là ngày nghỉ (Tết Nguyên đán)."),
        ({"day": "30/02/2024", "working": "off"}, "Không có ngày 30/02/2024 trong lịch."),
        ({"day": "", "working": "off"}, "Vui lòng nhập ngày (dd/mm/yyyy)."),
    ]:
        response = client.post("/quan-tri/lich-lam-viec", data={"label": "", **data})
        assert response.status_code == 200 and message in html(response), message
        assert "error-summary" in html(response)
    assert WorkDay.select().count() == 1


# --- The receipt day and the moved-date note ----------------------------------------------------

def test_the_unit_corrects_its_receipt_day_and_the_due_time_follows(app, factory, client_for, clock):
    clock.now = datetime(2024, 2, 20, 9, 0)
    province = factory.unit("UBND tỉnh Nhận", kind="ubnd_tinh")
    district = factory.unit("UBND huyện Nhận", kind="ubnd_huyen", parent=province)
    staff = factory.user("huyen_nhan", unit=district)
    other = factory.user("huyen_khac", unit=factory.unit("UBND huyện Khác", kind="ubnd_huyen", parent=province))
    directive = factory.directive(issuer=province, issued_on=date(2024, 2, 1), issued_precision="day")
    factory.now = datetime(2024, 2, 6, 8, 0)
    task = factory.task(directive=directive, lead=[district], kind="relative_working_days", deadline_n=5,
                        counted_from="receipt")
    a = Assignment.get(Assignment.task == task.id)
    # Assigned on Tuesday 06/02: 07/02, then Tết, then 15, 16, 19, 20/02.
    assert a.received_on == date(2024, 2, 6) and a.due_at == datetime(2024, 2, 20, 23, 59, 59)
    client = client_for(staff.username)
    page = html(client.get(f"/giao-viec/{a.id}"))
    assert "Ngày nhận văn bản" in page and "06/02/2024" in page and "Sửa ngày nhận" in page
    response = client.post(f"/giao-viec/{a.id}/ngay-nhan", data={"received_on": "02/02/2024"})
    assert response.status_code == 302
    a = Assignment.get_by_id(a.id)
    assert a.received_on == date(2024, 2, 2) and a.due_at == datetime(2024, 2, 16, 23, 59, 59)
    entry = AuditEntry.select().where((AuditEntry.object_type == "assignment") & (AuditEntry.object_id == a.id)
                                      & AuditEntry.summary.contains("ngày nhận")).get()
    assert '"received_on": "2024-02-06"' in entry.before and '"received_on": "2024-02-02"' in entry.after
    for bad, message in [("21/02/2024", "không thể sau hôm nay"), ("31/01/2024", "không thể trước ngày ban hành"),
                         ("hôm qua", "Ngày không hợp lệ")]:
        response = client.post(f"/giao-viec/{a.id}/ngay-nhan", data={"received_on": bad})
        assert response.status_code == 200 and message in html(response)
    assert client_for(other.username).post(f"/giao-viec/{a.id}/ngay-nhan",
                                           data={"received_on": "05/02/2024"}).status_code == 404
    assert Assignment.get_by_id(a.id).received_on == date(2024, 2, 2)


def test_a_moved_due_date_is_noted_on_the_assignment_the_directive_and_the_lists(demo, client_for, clock):
    note = "(dời sang 01/04/2024 do trùng ngày nghỉ Chủ nhật)"
    quai_cang = assignment("Tổ công tác Đề án 06 xã Quài Cang", "1.1", "/BCĐĐA06")
    client = client_for("quaicang")
    assert note in html(client.get(f"/giao-viec/{quai_cang.id}"))
    assert note in html(client.get("/"))
    directive = Directive.get(Directive.number == "/BCĐĐA06")
    assert note in html(client_for("tuangiao").get(f"/van-ban/{directive.id}"))
    clock.now = datetime(2024, 4, 2, 8, 0)
    assert note in html(client_for("tuangiao").get(f"/tong-hop/qua-han?directive={directive.id}"))
    assert time(23, 59, 59) == quai_cang.due_at.time()
