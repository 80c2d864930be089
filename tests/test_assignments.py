"""The assignment page: posting updates in place, validation, conflicts, evidence and access."""
import io
from datetime import datetime

import pytest

from webapp.models import Assignment, Directive, Task, Unit, Update

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


def assignment_of(unit_name, task_number, directive="/BCĐĐA06"):
    return (Assignment.select().join(Task).join(Directive).switch(Assignment).join(Unit)
            .where((Unit.name == unit_name) & (Task.number == task_number) & (Directive.number == directive))
            .get())


def snapshot(assignment_id):
    a = Assignment.get_by_id(assignment_id)
    return (a.state, a.percent, a.done_at, a.version, Update.select().where(Update.assignment == a.id).count())


@pytest.fixture
def quai_cang(demo):
    return assignment_of("Tổ công tác Đề án 06 xã Quài Cang", "1.1")


def post(client, assignment, htmx=False, **data):
    data.setdefault("version", str(Assignment.get_by_id(assignment.id).version))
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/giao-viec/{assignment.id}", data=data, headers=headers,
                       content_type="multipart/form-data")


def test_staff_reports_own_assignment_done_it_waits_for_confirmation_and_history_shows_it(
        quai_cang, client_for, clock):
    clock.now = datetime(2024, 3, 25, 16, 30)
    client = client_for("quaicang")
    response = post(client, quai_cang, state="done", note="Đã thành lập tổ 7 người.")
    assert response.status_code == 302
    a = Assignment.get_by_id(quai_cang.id)
    assert (a.state, a.percent, a.done_at, a.reported_at, a.version) == (
        "awaiting", 100, None, datetime(2024, 3, 25, 16, 30), 2)
    page = client.get(f"/giao-viec/{a.id}").get_data(as_text=True)
    assert "Đã thành lập tổ 7 người." in page and "Chờ xác nhận" in page
    assert "Đang thực hiện trong hạn" in page  # reported before the due time: not chased meanwhile


def test_a_confirmed_completion_is_done_as_of_the_reported_time(quai_cang, client_for, clock):
    clock.now = datetime(2024, 3, 25, 16, 30)
    post(client_for("quaicang"), quai_cang, state="done", note="Xong")
    clock.now = datetime(2024, 4, 2, 9, 0)  # confirmed after the due time (31/03)
    response = client_for("tuangiao").post(f"/giao-viec/{quai_cang.id}/xac-nhan", data={"note": ""})
    assert response.status_code == 302
    a = Assignment.get_by_id(quai_cang.id)
    assert (a.state, a.done_at) == ("done", datetime(2024, 3, 25, 16, 30))
    page = client_for("quaicang").get(f"/giao-viec/{a.id}").get_data(as_text=True)
    assert "Hoàn thành đúng hạn" in page


def test_htmx_update_returns_the_panel_fragment_with_the_new_entry(quai_cang, client_for):
    response = post(client_for("quaicang"), quai_cang, htmx=True, state="in_progress", percent="40",
                    note="Đã mời 30 hộ đến trụ sở.")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "Đã cập nhật tiến độ." in body and "Đã mời 30 hộ đến trụ sở." in body
    assert Assignment.get_by_id(quai_cang.id).percent == 40


def test_done_after_the_due_time_is_late(quai_cang, client_for, clock):
    # Due "đến hết ngày 31/3/2024", a Sunday: Điều 148 moves it to the end of Monday 01/04.
    clock.now = datetime(2024, 4, 2, 0, 0, 1)
    post(client_for("quaicang"), quai_cang, state="done", note="Xong")
    page = client_for("quaicang").get(f"/giao-viec/{quai_cang.id}").get_data(as_text=True)
    assert "Đang thực hiện quá hạn" in page and "Chờ xác nhận" in page  # reported late: still chased
    client_for("tuangiao").post(f"/giao-viec/{quai_cang.id}/xac-nhan", data={})
    page = client_for("quaicang").get(f"/giao-viec/{quai_cang.id}").get_data(as_text=True)
    assert "Hoàn thành quá hạn" in page


@pytest.mark.parametrize("data, message", [
    ({"state": "in_progress", "percent": "150"}, "Tiến độ phải là số từ 0 đến 100."),
    ({"state": "not_started", "percent": "30"}, "Chưa thực hiện thì tiến độ phải là 0%."),
    ({"state": "not_started", "note": ""}, "Chưa có thay đổi nào"),
    ({"state": "flying"}, "Lựa chọn không hợp lệ."),
    ({"state": "in_progress", "note": "x" * 5001}, "Ghi chú tối đa 5.000 ký tự."),
])
def test_bad_input_shows_a_message_and_changes_nothing(quai_cang, client_for, data, message):
    before = snapshot(quai_cang.id)
    response = post(client_for("quaicang"), quai_cang, htmx=True, **data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert snapshot(quai_cang.id) == before


def test_an_update_on_a_changed_assignment_shows_the_conflict_and_keeps_the_text(quai_cang, client_for):
    first, second = client_for("quaicang"), client_for("quaicang")
    stale_version = str(quai_cang.version)
    post(first, quai_cang, state="in_progress", percent="50", note="Người thứ nhất", version=stale_version)
    after_first = snapshot(quai_cang.id)
    response = post(second, quai_cang, htmx=True, state="done", note="Người thứ hai", version=stale_version)
    body = response.get_data(as_text=True)
    assert "vừa được người khác cập nhật" in body and "Người thứ hai" in body
    assert snapshot(quai_cang.id) == after_first


def test_evidence_is_stored_under_a_generated_name_and_downloaded_as_attachment(quai_cang, client_for, app):
    client = client_for("quaicang")
    post(client, quai_cang, state="in_progress", percent="20", note="Ảnh biên bản",
         evidence=(io.BytesIO(PNG), "bien ban.png"))
    update = Update.get(Update.assignment == quai_cang.id)
    assert update.evidence_name == "bien ban.png" and update.evidence_path != "bien ban.png"
    response = client.get(f"/giao-viec/{quai_cang.id}/minh-chung/{update.id}")
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("content, name, message", [
    (b"MZ\x90\x00 not a pdf", "bao-cao.pdf", "không phải là tệp PDF hợp lệ"),
    (PDF, "virus.exe", "Chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG."),
    (b"PK\x03\x04 broken zip", "bao-cao.docx", "không phải là tệp DOCX hợp lệ"),
    (PDF + b"0" * (10 * 1024 * 1024), "lon.pdf", "Tệp quá lớn: tối đa 10 MB."),
])
def test_bad_evidence_files_are_refused_and_nothing_is_saved(quai_cang, client_for, app, content, name, message):
    before = snapshot(quai_cang.id)
    response = post(client_for("quaicang"), quai_cang, htmx=True, state="in_progress", percent="10",
                    note="Kèm tệp", evidence=(io.BytesIO(content), name))
    assert message in response.get_data(as_text=True)
    assert snapshot(quai_cang.id) == before
    upload_dir = app.config["UPLOAD_DIR"]
    import os
    assert not os.path.isdir(upload_dir) or os.listdir(upload_dir) == []


def test_commune_user_cannot_read_or_change_another_units_assignment(quai_cang, client_for):
    other = assignment_of("Tổ công tác Đề án 06 xã Quài Nưa", "1.1")
    update = Update.get(Update.assignment == other.id)
    before = snapshot(other.id)
    client = client_for("quaicang")
    assert client.get(f"/giao-viec/{other.id}").status_code == 404
    assert post(client, other, state="done", note="Chen ngang").status_code == 404
    assert client.get(f"/giao-viec/{other.id}/minh-chung/{update.id}").status_code == 404
    # An evidence id of another assignment cannot be read through one's own assignment either.
    assert client.get(f"/giao-viec/{quai_cang.id}/minh-chung/{update.id}").status_code == 404
    assert snapshot(other.id) == before


def test_commune_user_cannot_fetch_another_units_evidence_file(quai_cang, client_for):
    other = assignment_of("Tổ công tác Đề án 06 xã Quài Tở", "1.1")
    owner = client_for("admin")
    post(owner, other, state="in_progress", percent="10", note="Báo cáo tuần",
         evidence=(io.BytesIO(PDF), "bao-cao.pdf"))
    update = Update.get(Update.assignment == other.id)
    assert owner.get(f"/giao-viec/{other.id}/minh-chung/{update.id}").status_code == 200
    assert client_for("quaicang").get(f"/giao-viec/{other.id}/minh-chung/{update.id}").status_code == 404


def test_leader_sees_the_subtree_but_does_not_post_for_another_unit(quai_cang, client_for):
    before = snapshot(quai_cang.id)
    leader = client_for("tuangiao")
    assert leader.get(f"/giao-viec/{quai_cang.id}").status_code == 200
    assert post(leader, quai_cang, state="done", note="Thay").status_code == 403
    assert snapshot(quai_cang.id) == before
    quang_tri = assignment_of("Sở Lao động - Thương binh và Xã hội", "1.1", "/UBND-KGVX")
    assert leader.get(f"/giao-viec/{quang_tri.id}").status_code == 404


def test_leader_of_the_issuing_body_sees_units_outside_its_subtree(demo, client_for):
    telecom = assignment_of("VNPT Điện Biên", "5.1")
    assert client_for("tuangiao").get(f"/giao-viec/{telecom.id}").status_code == 200
    assert client_for("quaicang").get(f"/giao-viec/{telecom.id}").status_code == 404


def test_unknown_assignment_is_404(demo, client_for):
    assert client_for("admin").get("/giao-viec/999999").status_code == 404


def test_the_update_form_works_as_a_plain_post_without_javascript(quai_cang, client_for):
    client = client_for("quaicang")
    response = post(client, quai_cang, state="in_progress", percent="30", note="Không dùng JS")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/giao-viec/{quai_cang.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã cập nhật tiến độ." in page and "Không dùng JS" in page


def test_a_crafted_post_without_a_note_field_is_handled(quai_cang, client_for):
    response = post(client_for("quaicang"), quai_cang, htmx=True, state="in_progress", percent="15")
    assert response.status_code == 200 and Assignment.get_by_id(quai_cang.id).percent == 15
