"""The admin area: access, directives, tasks with unit groups, units, users, and the pure helpers."""
import re
from datetime import date, datetime, time

import pytest

from webapp.core.units import group_units, parent_error
from webapp.core.users import check_password
from webapp.models import Assignment, Directive, Task, Unit, Update, User


def unit(name):
    return Unit.get(Unit.name == name)


def html(response):
    return response.get_data(as_text=True)


def counts():
    return (Directive.select().count(), Task.select().count(), Assignment.select().count())


def directive_form(**changes):
    data = {"number": "/UBND-KGVX", "issued": "03/2024", "issuer": unit("UBND tỉnh Quảng Trị").id,
            "place": "Quảng Trị", "subject": "V/v thử nghiệm quản trị",
            "legal_bases": "  Chỉ thị 21/CT-TTg \r\n\r\nKế hoạch 159/KH-UBND  ",
            "recipients": "Sở LĐTBXH\nBưu điện tỉnh", "copies": "Như trên\nLưu: VT",
            "signing_authority": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "signer_title": "PHÓ CHỦ TỊCH",
            "signer_name": "Hoàng Nam"}
    data.update(changes)
    return data


def task_form(**changes):
    data = {"section": "3. UBND các huyện", "number": "9.1", "position": "", "text": "Nhiệm vụ mới",
            "addressed_to": "", "deadline_text": "Trong tháng 04/2024", "deadline_kind": "within_month",
            "deadline_date": "04/2024", "deadline_time": "", "weekday": "", "month_day": "",
            "window_start": "", "window_end": "", "group_kind": "", "group_parent": ""}
    data.update(changes)
    return data


def quang_tri():
    return Directive.get(Directive.number == "/UBND-KGVX")


def task_of(directive, number):
    return Task.get((Task.directive == directive.id) & (Task.number == number))


# --- Access -----------------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["quaicang", "lanhdao"])
def test_non_admins_get_403_and_their_posts_change_nothing(demo, client_for, username):
    client = client_for(username)
    d = quang_tri()
    task = task_of(d, "1.1")
    admin = User.get(User.username == "admin")
    for path in ("/quan-tri/", "/quan-tri/van-ban/", f"/quan-tri/van-ban/{d.id}", "/quan-tri/don-vi/",
                 "/quan-tri/nguoi-dung/", f"/quan-tri/nhiem-vu/{task.id}/sua"):
        assert client.get(path).status_code == 403, path

    before = counts(), User.select().count(), admin.password_hash
    posts = [
        ("/quan-tri/van-ban/moi", directive_form()),
        (f"/quan-tri/van-ban/{d.id}/xoa", {}),
        (f"/quan-tri/nhiem-vu/{task.id}/xoa", {}),
        (f"/quan-tri/van-ban/{d.id}/nhiem-vu/moi", task_form(lead_units=[unit("UBND huyện Cam Lộ").id])),
        ("/quan-tri/nguoi-dung/moi", {"username": "hacker", "full_name": "X", "role": "admin",
                                      "unit": admin.unit_id, "active": "y", "password": "12345678",
                                      "confirm": "12345678"}),
        (f"/quan-tri/nguoi-dung/{admin.id}/mat-khau", {"password": "12345678", "confirm": "12345678"}),
        (f"/quan-tri/don-vi/{unit('UBND tỉnh Quảng Trị').id}/sua", {"name": "Đổi tên", "kind": "ubnd_tinh"}),
    ]
    for path, data in posts:
        assert client.post(path, data=data).status_code == 403, path
    assert (counts(), User.select().count(), User.get_by_id(admin.id).password_hash) == before
    assert unit("UBND tỉnh Quảng Trị").name == "UBND tỉnh Quảng Trị"


def test_admin_pages_render(demo, client_for):
    client = client_for("admin")
    d = quang_tri()
    task = task_of(d, "3.2")
    admin = User.get(User.username == "admin")
    for path in ("/quan-tri/", "/quan-tri/van-ban/", "/quan-tri/van-ban/moi", f"/quan-tri/van-ban/{d.id}",
                 f"/quan-tri/van-ban/{d.id}/sua", f"/quan-tri/van-ban/{d.id}/xoa",
                 f"/quan-tri/van-ban/{d.id}/nhiem-vu/moi", f"/quan-tri/nhiem-vu/{task.id}/sua",
                 f"/quan-tri/nhiem-vu/{task.id}/xoa", "/quan-tri/don-vi/", "/quan-tri/don-vi/moi",
                 f"/quan-tri/don-vi/{admin.unit_id}/sua", "/quan-tri/nguoi-dung/", "/quan-tri/nguoi-dung/moi",
                 f"/quan-tri/nguoi-dung/{admin.id}/sua", "/quan-tri/van-ban/?q=KGVX&page=1"):
        assert client.get(path).status_code == 200, path
    index = html(client.get("/quan-tri/"))
    assert "Văn bản chỉ đạo" in index and "Đơn vị" in index and "Người dùng" in index


def test_admin_forms_carry_the_csrf_token(demo, app, client_for):
    client = client_for("admin")
    app.config["WTF_CSRF_ENABLED"] = True  # as in the real app; the login above ran without it
    quaicang = User.get(User.username == "quaicang")
    data = {"password": "mat-khau-moi-2024", "confirm": "mat-khau-moi-2024"}
    assert client.post(f"/quan-tri/nguoi-dung/{quaicang.id}/mat-khau", data=data).status_code == 400
    main = html(client.get(f"/quan-tri/nguoi-dung/{quaicang.id}/sua")).split("<main", 1)[1]
    tokens = re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', main)
    assert len(tokens) == 2  # the account form and the password form
    response = client.post(f"/quan-tri/nguoi-dung/{quaicang.id}/mat-khau", data={**data, "csrf_token": tokens[1]})
    assert response.status_code == 302
    d = quang_tri()
    page = html(client.get(f"/quan-tri/van-ban/{d.id}/xoa"))
    assert 'name="csrf_token"' not in page.split("<main", 1)[1]  # refused: no delete form at all


def test_unknown_ids_are_404(demo, client_for):
    client = client_for("admin")
    for path in ("/quan-tri/van-ban/9999", "/quan-tri/van-ban/9999/sua", "/quan-tri/van-ban/9999/xoa",
                 "/quan-tri/van-ban/9999/nhiem-vu/moi", "/quan-tri/nhiem-vu/9999/sua",
                 "/quan-tri/nhiem-vu/9999/xoa", "/quan-tri/don-vi/9999/sua", "/quan-tri/nguoi-dung/9999/sua"):
        assert client.get(path).status_code == 404, path
    assert client.post("/quan-tri/nguoi-dung/9999/mat-khau").status_code == 404


# --- Directives -------------------------------------------------------------------------------

def test_create_directive(demo, client_for):
    client = client_for("admin")
    response = client.post("/quan-tri/van-ban/moi", data=directive_form(number="12/CV-TEST"))
    assert response.status_code == 302
    d = Directive.get(Directive.number == "12/CV-TEST")
    assert response.headers["Location"].endswith(f"/quan-tri/van-ban/{d.id}")
    assert (d.issued_on, d.issued_precision, d.issued_label) == (date(2024, 3, 1), "month", "03/2024")
    assert d.legal_bases == "Chỉ thị 21/CT-TTg\nKế hoạch 159/KH-UBND"
    assert d.signing_authority == "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH"
    assert d.issuer_id == unit("UBND tỉnh Quảng Trị").id
    assert "Đã thêm văn bản." in html(client.get(response.headers["Location"]))


def test_edit_directive_keeps_a_blank_number_and_a_year(demo, client_for):
    client = client_for("admin")
    d = quang_tri()
    response = client.post(f"/quan-tri/van-ban/{d.id}/sua", data=directive_form(number="", issued="2024",
                                                                               subject="V/v đã sửa"))
    assert response.status_code == 302
    d = Directive.get_by_id(d.id)
    assert (d.number, d.issued_on, d.issued_precision, d.subject) == ("", date(2024, 1, 1), "year", "V/v đã sửa")


def test_directive_with_bad_date_or_no_subject_is_not_saved(demo, client_for):
    client = client_for("admin")
    before = counts()
    response = client.post("/quan-tri/van-ban/moi", data=directive_form(issued="tháng ba", subject=" "))
    assert response.status_code == 200
    page = html(response)
    assert "Ngày không hợp lệ" in page and "Vui lòng nhập trích yếu." in page
    assert counts() == before


def test_delete_directive_with_history_is_refused(demo, client_for):
    client = client_for("admin")
    d = quang_tri()
    before = counts()
    assert "lịch sử phải được lưu giữ" in html(client.get(f"/quan-tri/van-ban/{d.id}/xoa"))
    response = client.post(f"/quan-tri/van-ban/{d.id}/xoa")
    assert response.status_code == 200
    assert "không thể xóa" in html(response)
    assert counts() == before


def test_delete_directive_without_history(app, factory, client_for):
    admin = factory.user("quantri", role="admin")
    task = factory.task(lead=[factory.unit(), factory.unit()])
    d = task.directive
    client = client_for(admin.username)
    assert "2 giao việc" in html(client.get(f"/quan-tri/van-ban/{d.id}/xoa"))
    response = client.post(f"/quan-tri/van-ban/{d.id}/xoa")
    assert response.status_code == 302
    assert counts() == (0, 0, 0)


# --- Tasks ------------------------------------------------------------------------------------

def test_create_task_for_a_group_of_districts_with_a_cooperating_unit(demo, client_for):
    client = client_for("admin")
    d = quang_tri()
    so = unit("Sở Lao động - Thương binh và Xã hội")
    response = client.post(f"/quan-tri/van-ban/{d.id}/nhiem-vu/moi", data=task_form(
        addressed_to="UBND các huyện, thị xã, thành phố", group_kind="ubnd_huyen",
        group_parent=unit("UBND tỉnh Quảng Trị").id, cooperating_units=[so.id]))
    assert response.status_code == 302
    task = task_of(d, "9.1")
    leads = sorted(a.unit.name for a in task.assignments)
    assert len(leads) == 9 and all(name.startswith("UBND") for name in leads)
    assert "UBND huyện Tuần Giáo" not in leads  # another province
    assert [c.unit.name for c in task.cooperations] == [so.name]  # a partner, not an assignment
    assert task.deadline_date == date(2024, 4, 1)
    # "Trong tháng 04/2024" ends on 30/04, a holiday followed by 1/5: Điều 148 moves it to 02/05.
    assert {(a.due_at, a.due_moved_from) for a in task.assignments} == {(datetime(2024, 5, 2, 23, 59, 59),
                                                                         task.rule.due_at())}
    assert task.position == max(t.position for t in d.tasks)  # appended at the end


def test_group_and_selected_units_are_merged(demo, client_for):
    client = client_for("admin")
    d = quang_tri()
    tuan_giao = unit("UBND huyện Tuần Giáo")
    response = client.post(f"/quan-tri/van-ban/{d.id}/nhiem-vu/moi", data=task_form(
        group_kind="ubnd_huyen", group_parent=unit("UBND tỉnh Quảng Trị").id,
        lead_units=[tuan_giao.id, unit("UBND huyện Cam Lộ").id], cooperating_units=[tuan_giao.id]))
    assert response.status_code == 302
    task = task_of(d, "9.1")
    assert task.assignments.count() == 10
    assert Assignment.get((Assignment.task == task.id) & (Assignment.unit == tuan_giao.id)).role == "lead"


@pytest.mark.parametrize("changes, field_message", [
    ({"deadline_kind": "fixed", "deadline_date": "32/01/2024"}, "Không có ngày 32/01/2024 trong lịch."),
    ({"deadline_kind": "fixed", "deadline_date": "mai"}, "Ngày không hợp lệ"),
    ({"deadline_kind": "fixed", "deadline_date": ""}, "Cần nhập ngày hạn cho loại thời hạn này."),
    ({"deadline_kind": "within_month", "deadline_date": "2024"}, "Cần cả tháng và năm."),
    ({"deadline_kind": "weekly", "deadline_time": "", "weekday": ""}, "Cần chọn thứ trong tuần."),
    ({"deadline_kind": "daily", "deadline_time": "25:00"}, "Giờ không hợp lệ"),
    ({"deadline_kind": "monthly", "month_day": "35"}, "Ngày trong tháng phải từ 1 đến 31."),
    ({"deadline_kind": "ongoing", "window_start": "31/03/2024", "window_end": "11/03/2024"},
     "Ngày kết thúc đợt phải sau ngày bắt đầu."),
])
def test_invalid_deadline_shows_a_vietnamese_message_and_saves_nothing(demo, client_for, changes, field_message):
    client = client_for("admin")
    d = quang_tri()
    before = counts()
    response = client.post(f"/quan-tri/van-ban/{d.id}/nhiem-vu/moi",
                           data=task_form(lead_units=[unit("UBND huyện Cam Lộ").id], **changes))
    assert response.status_code == 200
    assert field_message in html(response)
    assert counts() == before


def test_task_needs_a_lead_unit(demo, client_for):
    client = client_for("admin")
    d = quang_tri()
    before = counts()
    response = client.post(f"/quan-tri/van-ban/{d.id}/nhiem-vu/moi", data=task_form())
    assert response.status_code == 200
    assert "Chọn ít nhất một đơn vị chủ trì" in html(response)
    response = client.post(f"/quan-tri/van-ban/{d.id}/nhiem-vu/moi", data=task_form(
        group_kind="to_cong_tac", group_parent=unit("UBND tỉnh Quảng Trị").id))
    assert "Không có đơn vị đang hoạt động nào thuộc loại này" in html(response)
    assert counts() == before


def test_weekly_task_in_a_campaign_window(demo, client_for):
    client = client_for("admin")
    d = quang_tri()
    response = client.post(f"/quan-tri/van-ban/{d.id}/nhiem-vu/moi", data=task_form(
        deadline_kind="weekly", deadline_date="01/01/2024", weekday="2", deadline_time="14h",
        window_start="11/3/2024", window_end="31/03/2024", lead_units=[unit("UBND huyện Cam Lộ").id]))
    assert response.status_code == 302
    task = task_of(d, "9.1")
    assert (task.weekday, task.deadline_time, task.deadline_date) == (2, time(14, 0), None)
    assert (task.window_start, task.window_end) == (date(2024, 3, 11), date(2024, 3, 31))


def test_editing_a_task_to_drop_a_unit_with_updates_is_refused(demo, client_for):
    client = client_for("admin")
    task = task_of(quang_tri(), "3.2")  # Đông Hà and Gio Linh have reported on it
    before = sorted((a.unit_id, a.role) for a in task.assignments)
    response = client.post(f"/quan-tri/nhiem-vu/{task.id}/sua", data=task_form(
        number="3.2", text="Nội dung đã sửa", lead_units=[unit("UBND huyện Cam Lộ").id]))
    assert response.status_code == 200
    assert "Không thể bỏ đơn vị đã cập nhật tiến độ" in html(response)
    task = Task.get_by_id(task.id)
    assert task.text.startswith("Phối hợp với Sở")
    assert sorted((a.unit_id, a.role) for a in task.assignments) == before


def test_editing_a_task_keeps_its_units_and_history(demo, client_for):
    client = client_for("admin")
    task = task_of(quang_tri(), "3.2")
    own = [a for a in task.assignments if a.delegated_from_id is None]  # Gio Linh passed it to its communes
    passed_down = {a.id: a.due_at for a in task.assignments if a.delegated_from_id is not None}
    assert passed_down
    assigned = [a.unit_id for a in own]
    updates = Update.select().count()
    form = html(client.get(f"/quan-tri/nhiem-vu/{task.id}/sua"))
    assert 'value="01/2024"' in form  # within_month shown as mm/yyyy
    response = client.post(f"/quan-tri/nhiem-vu/{task.id}/sua", data=task_form(
        number="3.2", text="Nội dung đã sửa", deadline_date="02/2024", position="10", lead_units=assigned))
    assert response.status_code == 302
    task = Task.get_by_id(task.id)
    assert (task.text, task.position, task.deadline_date) == ("Nội dung đã sửa", 10, date(2024, 2, 1))
    own = [a for a in task.assignments if a.delegated_from_id is None]
    assert sorted(a.unit_id for a in own) == sorted(assigned)
    # Gio Linh's extension to 15/02 is overtaken by the new rule (29/02): every unit gets the rule's date.
    assert {a.due_at for a in own} == {task.rule.due_at()}
    assert {a.original_due_at for a in own if a.unit.name == "UBND huyện Gio Linh"} == {task.rule.due_at()}
    assert {a.id: a.due_at for a in task.assignments if a.delegated_from_id is not None} == passed_down
    assert Update.select().count() == updates


def test_delete_task(demo, client_for):
    client = client_for("admin")
    d = quang_tri()
    with_history, without = task_of(d, "3.2"), task_of(d, "3.3")
    response = client.post(f"/quan-tri/nhiem-vu/{with_history.id}/xoa")
    assert response.status_code == 200 and "không thể xóa" in html(response)
    assert Task.get_or_none(Task.id == with_history.id) is not None
    response = client.post(f"/quan-tri/nhiem-vu/{without.id}/xoa")
    assert response.status_code == 302
    assert Task.get_or_none(Task.id == without.id) is None
    assert not Assignment.select().where(Assignment.task == without.id).exists()


# --- Units ------------------------------------------------------------------------------------

def unit_form(u, **changes):
    data = {"name": u.name, "kind": u.kind, "parent": u.parent_id or "", "merged_into": u.merged_into_id or ""}
    if u.active:
        data["active"] = "y"
    data.update(changes)
    return data


def test_unit_cannot_move_under_its_own_descendant(demo, client_for):
    client = client_for("admin")
    province = unit("UBND tỉnh Quảng Trị")
    for target in (unit("Bưu điện huyện Gio Linh"), province):
        response = client.post(f"/quan-tri/don-vi/{province.id}/sua", data=unit_form(province, parent=target.id))
        assert response.status_code == 200
        assert "đơn vị cấp dưới của nó" in html(response)
    assert Unit.get_by_id(province.id).path == province.path
    assert Unit.get_by_id(province.id).parent_id == province.parent_id


def test_moving_a_unit_rewrites_its_subtree(demo, client_for):
    client = client_for("admin")
    district, new_parent = unit("UBND huyện Gio Linh"), unit("UBND tỉnh Điện Biên")
    post_office = unit("Phòng Lao động - Thương binh và Xã hội huyện Gio Linh")
    response = client.post(f"/quan-tri/don-vi/{district.id}/sua",
                           data=unit_form(district, parent=new_parent.id, name="UBND huyện Gio Linh (mới)"))
    assert response.status_code == 302
    district = Unit.get_by_id(district.id)
    assert district.name == "UBND huyện Gio Linh (mới)"
    assert district.path == f"{new_parent.path}{district.id}/"
    assert Unit.get_by_id(post_office.id).path == f"{district.path}{post_office.id}/"


def test_create_unit_and_merge_it(demo, client_for):
    client = client_for("admin")
    province = unit("UBND tỉnh Quảng Trị")
    response = client.post("/quan-tri/don-vi/moi", data={"name": "Sở Nội vụ", "kind": "so_nganh",
                                                         "parent": province.id, "active": "y"})
    assert response.status_code == 302
    new = unit("Sở Nội vụ")
    assert new.path == f"{province.path}{new.id}/" and new.active
    so = unit("Sở Lao động - Thương binh và Xã hội")
    response = client.post(f"/quan-tri/don-vi/{so.id}/sua", data=unit_form(so, merged_into=new.id))
    assert response.status_code == 302
    so = Unit.get_by_id(so.id)
    assert (so.active, so.merged_into_id) == (False, new.id)
    assert "Đã sáp nhập vào Sở Nội vụ" in html(client.get("/quan-tri/don-vi/"))


def test_the_units_abbreviation_is_suggested_then_edited_and_checked(demo, client_for):
    client = client_for("admin")
    province = unit("UBND tỉnh Quảng Trị")
    assert unit("Sở Lao động - Thương binh và Xã hội").abbreviation == "SLĐTBXH"   # suggested from the name
    client.post("/quan-tri/don-vi/moi", data={"name": "Sở Tài nguyên và Môi trường", "kind": "so_nganh",
                                            "parent": province.id, "active": "y", "abbreviation": ""})
    new = unit("Sở Tài nguyên và Môi trường")
    assert new.abbreviation == "STNMT"
    page = html(client.get(f"/quan-tri/don-vi/{new.id}/sua"))
    assert 'name="abbreviation"' in page and 'value="STNMT"' in page
    response = client.post(f"/quan-tri/don-vi/{new.id}/sua", data=unit_form(new, abbreviation=" stnmt-qt "))
    assert response.status_code == 302 and Unit.get_by_id(new.id).abbreviation == "STNMT-QT"
    assert "STNMT-QT" in html(client.get("/quan-tri/don-vi/"))
    for bad in ("BC/STNMT", "X" * 31):
        response = client.post(f"/quan-tri/don-vi/{new.id}/sua", data=unit_form(new, abbreviation=bad))
        assert response.status_code == 200 and "has-error" in html(response)
        assert Unit.get_by_id(new.id).abbreviation == "STNMT-QT"


def test_unit_needs_a_name(demo, client_for):
    client = client_for("admin")
    before = Unit.select().count()
    response = client.post("/quan-tri/don-vi/moi", data={"name": "  ", "kind": "so_nganh", "parent": ""})
    assert response.status_code == 200 and "Vui lòng nhập tên đơn vị." in html(response)
    assert Unit.select().count() == before


# --- Users ------------------------------------------------------------------------------------

def new_user(**changes):
    data = {"username": "canbo.moi", "full_name": "Trần Văn Mới", "role": "staff",
            "unit": unit("UBND huyện Cam Lộ").id, "active": "y", "password": "mat-khau-moi",
            "confirm": "mat-khau-moi", "email": " moi@camlo.quangtri.gov.vn "}
    data.update(changes)
    return data


def test_create_user(demo, client_for):
    client = client_for("admin")
    response = client.post("/quan-tri/nguoi-dung/moi", data=new_user())
    assert response.status_code == 302
    user = User.get(User.username == "canbo.moi")
    assert (user.full_name, user.role, user.unit.name) == ("Trần Văn Mới", "staff", "UBND huyện Cam Lộ")
    assert check_password(user, "mat-khau-moi") and user.must_change_password
    assert user.email == "moi@camlo.quangtri.gov.vn" and user.email_reminders


@pytest.mark.parametrize("changes, message", [
    ({"username": "quaicang"}, "Tên đăng nhập “quaicang” đã có người dùng"),
    ({"username": "Admin"}, "Tên đăng nhập “Admin” đã có người dùng"),
    ({"username": "ab"}, "Tên đăng nhập gồm 3–60 ký tự"),
    ({"username": "lò văn"}, "Tên đăng nhập gồm 3–60 ký tự"),
    ({"password": "ngan", "confirm": "ngan"}, "Mật khẩu phải có từ 8 đến 200 ký tự."),
    ({"confirm": "khac-nhau"}, "Mật khẩu nhập lại không khớp."),
    ({"email": "moi@"}, "Địa chỉ e-mail không hợp lệ"),
])
def test_bad_new_user_is_refused(demo, client_for, changes, message):
    client = client_for("admin")
    before = User.select().count()
    response = client.post("/quan-tri/nguoi-dung/moi", data=new_user(**changes))
    assert response.status_code == 200
    assert message in html(response)
    assert User.select().count() == before


def test_edit_user(demo, client_for):
    client = client_for("admin")
    user = User.get(User.username == "giolinh")
    response = client.post(f"/quan-tri/nguoi-dung/{user.id}/sua", data={
        "full_name": "Lê Văn Hải", "role": "leader", "unit": unit("UBND huyện Cam Lộ").id})
    assert response.status_code == 302
    user = User.get_by_id(user.id)
    assert (user.role, user.unit.name, user.active) == ("leader", "UBND huyện Cam Lộ", False)


def test_admin_cannot_demote_or_deactivate_themself(demo, client_for):
    client = client_for("admin")
    admin = User.get(User.username == "admin")
    response = client.post(f"/quan-tri/nguoi-dung/{admin.id}/sua", data={
        "full_name": admin.full_name, "role": "staff", "unit": admin.unit_id})
    assert response.status_code == 200
    page = html(response)
    assert "Bạn không thể tự bỏ quyền quản trị" in page and "Bạn không thể tự khóa tài khoản" in page
    admin = User.get_by_id(admin.id)
    assert (admin.role, admin.active) == ("admin", True)


def test_password_reset_sets_must_change_password(demo, client_for, app):
    client = client_for("admin")
    user = User.get(User.username == "quaicang")
    response = client.post(f"/quan-tri/nguoi-dung/{user.id}/mat-khau",
                           data={"password": "mat-khau-moi-2024", "confirm": "mat-khau-moi-2024"})
    assert response.status_code == 302
    user = User.get_by_id(user.id)
    assert user.must_change_password and check_password(user, "mat-khau-moi-2024")
    assert client_for("quaicang", "mat-khau-moi-2024")  # logs in with the new password


def test_password_reset_rejects_a_short_password(demo, client_for):
    client = client_for("admin")
    user = User.get(User.username == "quaicang")
    response = client.post(f"/quan-tri/nguoi-dung/{user.id}/mat-khau", data={"password": "123", "confirm": "123"})
    assert response.status_code == 200 and "Mật khẩu phải có từ 8 đến 200 ký tự." in html(response)
    assert not User.get_by_id(user.id).must_change_password


def test_group_units_and_parent_check(demo):
    province = unit("UBND tỉnh Quảng Trị")
    assert len(group_units("ubnd_huyen", province)) == 9
    assert len(group_units("ubnd_huyen", None)) == 10
    district = unit("UBND huyện Gio Linh")
    assert parent_error(province, district)
    assert parent_error(district, district)
    assert parent_error(district, unit("UBND tỉnh Điện Biên")) is None
