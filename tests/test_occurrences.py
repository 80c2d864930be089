"""Occurrences of recurring duties: on-demand materialisation, rule edits and submission."""
from datetime import date, datetime, time

import pytest

from tests.helpers import reported_without_figures
from webapp.core import occurrences
from webapp.core.directives import save_task
from webapp.models import Assignment, Directive, Occurrence, Task, Unit
from webapp.rules import status


def occurrences_of(unit_name, task_number, directive):
    return list(Occurrence.select().join(Assignment).join(Task).join(Directive)
                .switch(Assignment).join(Unit)
                .where((Unit.name == unit_name) & (Task.number == task_number) & (Directive.number == directive))
                .order_by(Occurrence.due_at))


def test_seed_duties_all_get_their_occurrences(demo):
    occurrences.materialise(date(2024, 4, 30), today=date(2024, 4, 1))
    weekly = occurrences_of("Tổ công tác Đề án 06 xã Quài Cang", "1.2", "/BCĐĐA06")
    assert [o.due_at for o in weekly] == [datetime(2024, 3, d, 14) for d in (13, 20, 27)]
    groups = (Occurrence.select().join(Assignment).join(Task)
              .where((Task.number == "1.2") & (Task.deadline_kind == "weekly")).count())
    assert groups == 19 * 3 + 0  # 19 commune groups, three Wednesdays
    # The daily Phụ lục 2a and 2b are owed on working days only: January without 1/1, February without
    # Tết (08–14/02), April without Giỗ Tổ (18/04) and the 29–30/04 swap; never a Saturday or Sunday.
    daily_2a = occurrences_of("Sở Lao động - Thương binh và Xã hội", "1.4", "/UBND-KGVX")
    assert len(daily_2a) == 22 + 16 + 21 + 19 and daily_2a[0].due_at == datetime(2024, 1, 2, 10)
    assert all(o.due_at.weekday() < 5 for o in daily_2a)
    daily_2b = occurrences_of("UBND huyện Gio Linh", "3.6", "/UBND-KGVX")
    assert daily_2b[-1].due_at == datetime(2024, 4, 26, 9)
    monthly = occurrences_of("Sở Lao động - Thương binh và Xã hội", "1.5", "/UBND-KGVX")
    assert [o.due_at.date() for o in monthly] == [date(2024, m, 28) for m in (1, 2, 3, 4)]
    police = occurrences_of("Công an huyện Tuần Giáo", "2.2", "/BCĐĐA06")
    assert [o.due_at.date() for o in police] == [date(2024, 3, d) for d in (14, 21, 28)]
    post = occurrences_of("Bưu điện huyện Tuần Giáo", "4.1", "/BCĐĐA06")
    assert [o.due_at.date() for o in post] == [date(2024, 3, 31), date(2024, 4, 30)]
    # Cooperating units carry no report obligation of their own.
    assert occurrences_of("UBND huyện Gio Linh", "1.4", "/UBND-KGVX") == []


def test_materialising_twice_makes_no_duplicates(demo):
    before = Occurrence.select().count()  # the demo's figure entries made the days they report
    first = occurrences.materialise(date(2024, 3, 31), today=date(2024, 3, 20))
    count = Occurrence.select().count()
    assert first == count - before > 0
    assert occurrences.materialise(date(2024, 3, 31), today=date(2024, 3, 20)) == 0
    Assignment.update(occurrences_until=None).execute()  # as if two workers raced from the start
    occurrences.materialise(date(2024, 3, 31), today=date(2024, 3, 20))
    assert Occurrence.select().count() == count


def test_extending_the_range_adds_only_the_new_days(app, factory):
    unit = factory.unit("Huyện Báo Cáo Ngày")
    factory.task(lead=[unit], kind="daily", deadline_time=time(9, 0), window_start=date(2024, 1, 1),
                 working_days_only=True)
    occurrences.materialise(date(2024, 1, 31), today=date(2024, 1, 15))
    before = Occurrence.select().count()
    assert before == 22  # January 2024's 23 weekdays without 1/1
    occurrences.materialise(date(2024, 2, 29), today=date(2024, 1, 15))
    # February 2024 has 21 weekdays, 5 of them in Tết.
    assert Occurrence.select().count() == before + 16


def test_rule_edit_regenerates_only_future_unsubmitted_occurrences(app, factory):
    unit = factory.unit("Xã Định Kỳ")
    task = factory.task(lead=[unit], kind="daily", deadline_time=time(9, 0), window_start=date(2024, 3, 1))
    occurrences.materialise(date(2024, 3, 10), today=date(2024, 3, 5))
    by_day = {o.due_at.date(): o for o in Occurrence.select()}
    occurrences.submit(by_day[date(2024, 3, 3)], factory.user(unit=unit).id, "đã nộp", None, datetime(2024, 3, 3, 8))
    occurrences.submit(by_day[date(2024, 3, 8)], factory.user(unit=unit).id, "nộp sớm", None, datetime(2024, 3, 5, 8))
    task.deadline_time = time(15, 0)
    save_task(task, [unit], [], now=datetime(2024, 3, 5, 10, 0))
    occurrences.materialise(date(2024, 3, 10), today=date(2024, 3, 5))
    due = {o.due_at.date(): o.due_at.time() for o in Occurrence.select()}
    assert due[date(2024, 3, 3)] == time(9) and due[date(2024, 3, 5)] == time(9)   # past and today: kept
    assert due[date(2024, 3, 8)] == time(9)                                       # submitted: kept
    assert due[date(2024, 3, 6)] == time(15) and due[date(2024, 3, 10)] == time(15)
    assert Occurrence.select().count() == 10


def test_submission_is_once_and_late_is_shown_as_late(app, factory):
    unit = factory.unit()
    factory.task(lead=[unit], kind="weekly", weekday=2, deadline_time=time(14, 0), window_start=date(2024, 3, 11),
                 window_end=date(2024, 3, 31))
    occurrences.materialise(date(2024, 3, 31), today=date(2024, 3, 11))
    first, second, _ = Occurrence.select().order_by(Occurrence.due_at)
    user = factory.user(unit=unit)
    occurrences.submit(first, user.id, "", None, datetime(2024, 3, 13, 14, 0))
    occurrences.submit(second, user.id, "", None, datetime(2024, 3, 20, 14, 1))
    with pytest.raises(occurrences.AlreadySubmitted):
        occurrences.submit(first, user.id, "lần hai", None, datetime(2024, 3, 14))
    first, second = Occurrence.get_by_id(first.id), Occurrence.get_by_id(second.id)
    now = datetime(2024, 4, 1)
    assert status.classify(first.due_at, first.submitted_at, now) == status.DONE_ON_TIME
    assert status.classify(second.due_at, second.submitted_at, now) == status.DONE_LATE
    assert first.note == ""


def weekly_assignment(unit_name="Tổ công tác Đề án 06 xã Quài Cang"):
    """The weekly report of a commune group, reported plainly (its indicator set detached): these
    tests are about occurrences themselves; a set's reports are submitted with their figures."""
    reported_without_figures()
    return (Assignment.select().join(Task).switch(Assignment).join(Unit)
            .where((Unit.name == unit_name) & (Task.number == "1.2") & (Task.deadline_kind == "weekly")).get())


def test_assignment_page_lists_occurrences_and_submits_in_place(demo, client_for, clock):
    clock.now = datetime(2024, 3, 20, 15, 0)  # the 20/03 report was due at 14:00
    a = weekly_assignment()
    client = client_for("quaicang")
    page = client.get(f"/giao-viec/{a.id}").get_data(as_text=True)
    assert "Các kỳ báo cáo" in page and "14:00 27/03/2024" in page and "Nộp muộn" in page
    occ = Occurrence.get((Occurrence.assignment == a.id) & (Occurrence.due_at == datetime(2024, 3, 20, 14)))
    response = client.post(f"/giao-viec/{a.id}/ky-bao-cao/{occ.id}", data={"note": "Đã mở 12 tài khoản."},
                           headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Đã nộp báo cáo kỳ hạn 14:00 20/03/2024." in body
    assert "Hoàn thành quá hạn" in body and "Đã mở 12 tài khoản." in body
    saved = Occurrence.get_by_id(occ.id)
    assert saved.submitted_at == datetime(2024, 3, 20, 15, 0) and saved.submitted_by.username == "quaicang"
    again = client.post(f"/giao-viec/{a.id}/ky-bao-cao/{occ.id}", data={"note": "lần hai"})
    text = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "Kỳ này đã được Lò Văn Thành nộp lúc 15:00 20/03/2024" in text and "lần hai" in text
    assert Occurrence.get_by_id(occ.id).note == "Đã mở 12 tài khoản."


def test_occurrence_submission_without_javascript_redirects(demo, client_for, clock):
    clock.now = datetime(2024, 3, 13, 10, 0)
    a = weekly_assignment()
    client = client_for("quaicang")
    client.get(f"/giao-viec/{a.id}")
    occ = Occurrence.get((Occurrence.assignment == a.id) & (Occurrence.due_at == datetime(2024, 3, 13, 14)))
    response = client.post(f"/giao-viec/{a.id}/ky-bao-cao/{occ.id}", data={"note": "Đúng hạn"})
    assert response.status_code == 302
    assert "Hoàn thành đúng hạn" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_other_units_and_leaders_cannot_submit_an_occurrence(demo, client_for, clock):
    a = weekly_assignment("Tổ công tác Đề án 06 xã Quài Nưa")
    client_for("admin").get(f"/giao-viec/{a.id}")  # materialise
    occ = Occurrence.select().where(Occurrence.assignment == a.id).first()
    url = f"/giao-viec/{a.id}/ky-bao-cao/{occ.id}"
    assert client_for("quaicang").post(url, data={"note": "x"}).status_code == 404
    assert client_for("tuangiao").post(url, data={"note": "x"}).status_code == 403
    assert client_for("quaicang").get(f"/giao-viec/{a.id}/ky-bao-cao").status_code == 404
    own = weekly_assignment()
    assert client_for("quaicang").post(f"/giao-viec/{own.id}/ky-bao-cao/{occ.id}", data={}).status_code == 404
    assert Occurrence.get_by_id(occ.id).submitted_at is None


def test_a_refused_file_leaves_the_occurrence_unsubmitted(demo, client_for, clock):
    import io
    a = weekly_assignment()
    client = client_for("quaicang")
    client.get(f"/giao-viec/{a.id}")
    occ = Occurrence.select().where(Occurrence.assignment == a.id).first()
    response = client.post(f"/giao-viec/{a.id}/ky-bao-cao/{occ.id}", headers={"HX-Request": "true"},
                           data={"note": "kèm tệp", "evidence": (io.BytesIO(b"not a pdf"), "bc.pdf")},
                           content_type="multipart/form-data")
    assert "không phải là tệp PDF hợp lệ" in response.get_data(as_text=True)
    assert Occurrence.get_by_id(occ.id).submitted_at is None


def test_a_recurring_duty_is_overdue_while_a_report_is_missing_and_done_when_all_are_in(demo, client_for, clock):
    a = weekly_assignment()
    client = client_for("quaicang")
    clock.now = datetime(2024, 3, 13, 15, 0)
    client.get("/")
    assert Assignment.get_by_id(a.id).due_at == datetime(2024, 3, 13, 14)
    assert "quá hạn" in client.get("/?status=overdue").get_data(as_text=True).split("<tbody>")[1]
    for day in (13, 20, 27):
        occ = Occurrence.get((Occurrence.assignment == a.id) & (Occurrence.due_at == datetime(2024, 3, day, 14)))
        clock.now = datetime(2024, 3, day, 13, 0)
        client.post(f"/giao-viec/{a.id}/ky-bao-cao/{occ.id}", data={"note": f"tuần {day}"})
    clock.now = datetime(2024, 4, 2, 8, 0)
    client.get("/")
    refreshed = Assignment.get_by_id(a.id)
    assert status.classify(refreshed.due_at, refreshed.done_at, clock.now) == status.DONE_ON_TIME


def test_a_task_with_submitted_reports_cannot_be_deleted(demo, client_for, clock):
    a = weekly_assignment()
    client = client_for("quaicang")
    client.get(f"/giao-viec/{a.id}")
    occ = Occurrence.select().where(Occurrence.assignment == a.id).first()
    client.post(f"/giao-viec/{a.id}/ky-bao-cao/{occ.id}", data={"note": "đã nộp"})
    page = client_for("admin").post(f"/quan-tri/nhiem-vu/{a.task_id}/xoa", data={}).get_data(as_text=True)
    assert "không thể xóa" in page
    assert Occurrence.get_by_id(occ.id).submitted_at is not None


def test_the_delete_page_says_submitted_reports_forbid_the_delete(demo, client_for):
    a = weekly_assignment()
    client = client_for("quaicang")
    client.get(f"/giao-viec/{a.id}")
    occ = Occurrence.select().where(Occurrence.assignment == a.id).first()
    client.post(f"/giao-viec/{a.id}/ky-bao-cao/{occ.id}", data={"note": "đã nộp"})
    page = client_for("admin").get(f"/quan-tri/nhiem-vu/{a.task_id}/xoa").get_data(as_text=True)
    assert "Không thể xóa" in page and "nộp báo cáo" in page
