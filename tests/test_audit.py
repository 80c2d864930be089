"""The audit log: every audited write records who, when, what and the values before and after; a
refused change records nothing; the admin page filters the log and nothing can change it."""
import json
from datetime import date, datetime, time, timedelta

import pytest

from webapp.core import audit
from webapp.models import (
    Assignment,
    AuditEntry,
    Cooperation,
    Directive,
    Occurrence,
    FigureEntry,
    Target,
    Task,
    Unit,
    Update,
    User,
)


def unit(name):
    return Unit.get(Unit.name == name)


def user(username):
    return User.get(User.username == username)


def html(response):
    return response.get_data(as_text=True)


def last_id():
    return AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id.desc()).scalar() or 0


def entries_after(mark, **where):
    """The entries written since `mark` (from last_id), oldest first, narrowed by field values."""
    query = AuditEntry.select().where(AuditEntry.id > mark)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(query.order_by(AuditEntry.id))


def values(entry):
    return audit.values_of(entry)


def quai_cang_assignment():
    return (Assignment.select().join(Task).join(Directive).switch(Assignment).join(Unit)
            .where((Unit.name == "Tổ công tác Đề án 06 xã Quài Cang") & (Task.number == "1.1")
                   & (Directive.number == "/BCĐĐA06")).get())


def post_update(client, assignment, **data):
    data.setdefault("version", str(Assignment.get_by_id(assignment.id).version))
    return client.post(f"/giao-viec/{assignment.id}", data=data, content_type="multipart/form-data")


# --- Updates and occurrences ------------------------------------------------------------------

def test_an_update_records_the_author_the_unit_and_the_progress_before_and_after(demo, client_for, clock):
    clock.now = datetime(2024, 3, 25, 16, 30)
    a = quai_cang_assignment()
    mark = last_id()
    response = post_update(client_for("quaicang"), a, state="in_progress", percent="40", note="Đã mời 30 hộ.")
    assert response.status_code == 302
    update = Update.get(Update.assignment == a.id)
    created, changed = entries_after(mark)
    assert (created.action, created.object_type, created.object_id) == ("create", "update", update.id)
    assert values(created)[1]["note"] == "Đã mời 30 hộ." and values(created)[1]["assignment"] == a.id
    assert (changed.action, changed.object_type, changed.object_id) == ("update", "assignment", a.id)
    for entry in (created, changed):
        assert entry.user_id == user("quaicang").id
        assert entry.unit_id == a.unit_id
        assert entry.at == datetime(2024, 3, 25, 16, 30)
    before, after = values(changed)
    assert (before["state"], before["percent"], before["version"]) == ("not_started", 0, 1)
    assert (after["state"], after["percent"], after["version"]) == ("in_progress", 40, 2)
    assert changed.summary == f"Cập nhật tiến độ giao việc #{a.id}"
    labels = {c.field: (c.before, c.after) for c in audit.changes(changed)}
    assert labels["state"] == ("Chưa thực hiện", "Đang thực hiện")


@pytest.mark.parametrize("data", [
    {"state": "not_started", "note": ""},           # nothing new
    {"state": "in_progress", "percent": "140"},     # out of range
    {"state": "in_progress", "version": "99"},      # someone got there first
])
def test_a_refused_update_records_nothing(demo, client_for, data):
    a = quai_cang_assignment()
    mark = last_id()
    response = post_update(client_for("quaicang"), a, **data)
    assert response.status_code == 200
    assert entries_after(mark) == []


def test_submitting_an_occurrence_is_recorded_but_materialising_is_not(app, factory, client_for, clock):
    clock.now = datetime(2024, 3, 20, 10, 0)
    commune = factory.unit()
    staff = factory.user(unit=commune)
    task = factory.task(lead=[commune], kind="daily", deadline_time=time(9, 0), window_start=date(2024, 3, 1))
    a = Assignment.get(Assignment.task == task.id)
    mark = last_id()
    client = client_for(staff.username)
    client.get(f"/giao-viec/{a.id}")  # materialises the occurrences: derived, not audited
    assert Occurrence.select().where(Occurrence.assignment == a.id).exists()
    assert entries_after(mark) == []
    occurrence = Occurrence.select().where(Occurrence.assignment == a.id).order_by(Occurrence.due_at.desc()).first()
    response = client.post(f"/giao-viec/{a.id}/ky-bao-cao/{occurrence.id}", data={"note": "Đã gửi"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    [entry] = entries_after(mark)
    assert (entry.action, entry.object_type, entry.object_id) == ("update", "occurrence", occurrence.id)
    assert (entry.user_id, entry.unit_id, entry.at) == (staff.id, commune.id, clock.now)
    before, after = values(entry)
    assert before["submitted_at"] is None and after["submitted_at"] == "2024-03-20T10:00:00"
    assert after["submitted_by"] == staff.id and after["note"] == "Đã gửi"


# --- Directives, tasks and assignments --------------------------------------------------------

def task_form(task, **changes):
    data = {"section": task.section, "number": task.number, "position": str(task.position), "text": task.text,
            "addressed_to": task.addressed_to, "deadline_text": task.deadline_text,
            "deadline_kind": "within_month", "deadline_date": "01/2024", "deadline_time": "", "weekday": "",
            "month_day": "", "window_start": "", "window_end": "", "group_kind": "", "group_parent": "",
            "lead_units": [a.unit_id for a in task.assignments if a.delegated_from_id is None]}
    data.update(changes)
    return data


def quang_tri_task(number):
    return Task.select().join(Directive).where((Directive.number == "/UBND-KGVX") & (Task.number == number)).get()


def test_editing_a_task_records_the_task_and_its_new_cooperation(demo, client_for):
    task = quang_tri_task("3.2")
    so = unit("Sở Lao động - Thương binh và Xã hội")
    old_text = task.text
    mark = last_id()
    response = client_for("admin").post(f"/quan-tri/nhiem-vu/{task.id}/sua", data=task_form(
        task, text="Nội dung đã sửa", cooperating_units=[so.id]))
    assert response.status_code == 302
    admin = user("admin")
    [task_entry] = entries_after(mark, object_type="task")
    assert (task_entry.action, task_entry.object_id, task_entry.user_id) == ("update", task.id, admin.id)
    assert task_entry.unit_id == task.directive.issuer_id
    assert [c.field for c in audit.changes(task_entry)] == ["text"]
    assert values(task_entry)[0]["text"] == old_text and values(task_entry)[1]["text"] == "Nội dung đã sửa"
    assert entries_after(mark, object_type="assignment") == []
    [asked] = entries_after(mark, object_type="cooperation")
    new = Cooperation.get((Cooperation.task == task.id) & (Cooperation.unit == so.id))
    assert (asked.action, asked.object_id, asked.unit_id) == ("create", new.id, so.id)
    assert values(asked)[1]["task"] == task.id


def test_a_refused_task_edit_records_nothing(demo, client_for):
    task = quang_tri_task("3.2")  # Đông Hà and Gio Linh have reported on it: they cannot be dropped
    mark = last_id()
    response = client_for("admin").post(f"/quan-tri/nhiem-vu/{task.id}/sua", data=task_form(
        task, text="Nội dung đã sửa", lead_units=[unit("UBND huyện Cam Lộ").id]))
    assert response.status_code == 200 and "Không thể bỏ đơn vị" in html(response)
    assert entries_after(mark) == []  # the task's own entry was rolled back with it


def test_directive_create_edit_and_delete_are_recorded(demo, client_for):
    client = client_for("admin")
    issuer = unit("UBND tỉnh Quảng Trị")
    form = {"number": "99/UBND-TEST", "issued": "03/2024", "issuer": issuer.id, "place": "Quảng Trị",
            "subject": "V/v thử nhật ký", "legal_bases": "", "recipients": "", "copies": "",
            "signing_authority": "", "signer_title": "", "signer_name": ""}
    mark = last_id()
    assert client.post("/quan-tri/van-ban/moi", data=form).status_code == 302
    d = Directive.get(Directive.number == "99/UBND-TEST")
    assert client.post(f"/quan-tri/van-ban/{d.id}/sua", data={**form, "subject": "V/v đã sửa"}).status_code == 302
    task = Task(directive=d, number="1", text="Việc thử", deadline_kind="ongoing")
    client.post(f"/quan-tri/van-ban/{d.id}/nhiem-vu/moi", data=task_form(
        task, deadline_kind="ongoing", deadline_date="", lead_units=[issuer.id]))
    task = Task.get(Task.directive == d.id)
    assignment = Assignment.get(Assignment.task == task.id)
    assert client.post(f"/quan-tri/van-ban/{d.id}/xoa").status_code == 302
    got = [(e.action, e.object_type, e.object_id) for e in entries_after(mark)]
    assert got == [("create", "directive", d.id), ("update", "directive", d.id), ("create", "task", task.id),
                   ("create", "assignment", assignment.id), ("delete", "assignment", assignment.id),
                   ("delete", "task", task.id), ("delete", "directive", d.id)]
    entries = entries_after(mark)
    assert all(e.user_id == user("admin").id for e in entries)
    assert {e.unit_id for e in entries if e.object_type != "assignment"} == {issuer.id}
    edit = entries[1]
    assert audit.changes(edit)[0].before == "V/v thử nhật ký" and audit.changes(edit)[0].after == "V/v đã sửa"
    deleted = entries[-1]
    assert values(deleted)[0]["subject"] == "V/v đã sửa" and deleted.after is None


# --- Targets and progress figures -------------------------------------------------------------

def split_data(district, value):
    from tests.test_targets_pages import split_data as data
    return data(district, lambda i, g, f: value(i, g, f))


def test_splitting_targets_records_each_created_or_changed_row(demo, client_for, clock):
    from tests.test_targets_import import qt_set
    gio_linh = unit("UBND huyện Gio Linh")
    client = client_for("giolinh")
    url = f"/chi-tieu/bo/{qt_set().id}/chia/{gio_linh.id}?year=2024"
    mark = last_id()
    assert client.post(url, data=split_data(gio_linh, lambda i, g, f: 10)).status_code == 302
    created = entries_after(mark)
    assert len(created) == 17 * 2 * 5
    assert {(e.action, e.object_type, e.user_id, e.at) for e in created} == {
        ("create", "target", user("giolinh").id, clock.now)}
    first = Target.get_by_id(created[0].object_id)
    assert created[0].unit_id == first.unit_id and Unit.get_by_id(first.unit_id).parent_id == gio_linh.id
    assert values(created[0])[1] == {"unit": first.unit_id, "indicator": first.indicator_id, "group": first.group_id,
                                     "year": 2024, "part": first.part, "value": 10.0}

    mark = last_id()
    change = lambda i, g, f: 12 if (i, g, f) == (0, 0, "q2") else 10  # noqa: E731
    assert client.post(url, data=split_data(gio_linh, change)).status_code == 302
    [changed] = entries_after(mark)  # the unchanged rows record nothing
    assert changed.action == "update" and changed.object_type == "target"
    assert [(c.field, c.before, c.after) for c in audit.changes(changed)] == [("value", "10.0", "12.0")]
    assert "quý 2 năm 2024" in changed.summary


def test_importing_the_appendix_records_the_admin_and_a_refused_file_records_nothing(demo, client_for):
    from tests.test_appendix import seed_workbook, to_bytes
    from tests.test_targets_import import CORRECTED, upload
    client = client_for("admin")
    mark = last_id()
    assert upload(client, to_bytes(seed_workbook())).status_code == 200  # the OCR misspelling: refused
    assert entries_after(mark) == []
    Target.delete().execute()
    assert upload(client, to_bytes(seed_workbook(rows=CORRECTED))).status_code == 302
    created = entries_after(mark)
    assert len(created) == 90 and {(e.action, e.object_type, e.user_id) for e in created} == {
        ("create", "target", user("admin").id)}
    assert {e.unit_id for e in created} == {t.unit_id for t in Target.select()}


def test_saving_figures_records_created_and_changed_figures(demo, client_for, clock, factory):
    from tests.test_targets_import import qt_set
    from tests.test_targets_pages import entry_form
    clock.now = datetime(2024, 3, 20, 8, 30)
    gio_an = unit("UBND xã Gio An")
    commune_user = factory.user("gioan.audit", unit=gio_an)
    client = client_for("gioan.audit")
    url = f"/so-lieu/bo/{qt_set().id}/nhap/{gio_an.id}?day=2024-03-20"
    mark = last_id()
    assert client.post(url, data=entry_form(gio_an)).status_code == 302
    [entry] = entries_after(mark, object_type="figure_entry")
    assert (entry.action, entry.user_id, entry.unit_id, entry.at) == ("create", commune_user.id, gio_an.id, clock.now)
    after = values(entry)[1]
    assert after["Đã chi trả không dùng tiền mặt – Người có công"] == 30 and after["day"] == "2024-03-20"
    assert FigureEntry.get_by_id(entry.object_id).unit_id == gio_an.id
    # Counting as the district's Phụ lục 2b report is a submission of its occurrence.
    [report] = entries_after(mark, object_type="occurrence")
    assert (report.user_id, report.unit_id) == (commune_user.id, unit("UBND huyện Gio Linh").id)

    mark = last_id()
    assert client.post(url, data=entry_form(gio_an)).status_code == 302
    assert entries_after(mark) == []  # the same figures again: nothing changed
    assert client.post(url, data=entry_form(gio_an, paid=35)).status_code == 302
    [changed] = entries_after(mark)
    assert changed.action == "update"
    assert [(c.field, c.before, c.after) for c in audit.changes(changed)] == [
        ("Đã chi trả không dùng tiền mặt – Người có công", "30.0", "35.0"),
        ("Đã chi trả không dùng tiền mặt – Đối tượng bảo trợ xã hội", "30.0", "35.0")]


def test_refused_figures_record_nothing(demo, client_for, factory):
    from tests.test_targets_import import qt_set
    from tests.test_targets_pages import entry_form
    gio_an = unit("UBND xã Gio An")
    factory.user("gioan.audit", unit=gio_an)
    mark = last_id()
    response = client_for("gioan.audit").post(f"/so-lieu/bo/{qt_set().id}/nhap/{gio_an.id}?day=2024-03-20",
                                              data=entry_form(gio_an, opened=200))
    assert response.status_code == 200
    assert entries_after(mark) == []


# --- Units and users --------------------------------------------------------------------------

def unit_form(u, **changes):
    data = {"name": u.name, "kind": u.kind, "parent": u.parent_id or "", "merged_into": u.merged_into_id or ""}
    if u.active:
        data["active"] = "y"
    data.update(changes)
    return data


def test_unit_create_edit_move_and_deactivate_are_recorded(demo, client_for):
    client = client_for("admin")
    admin = user("admin")
    province = unit("UBND tỉnh Quảng Trị")
    mark = last_id()
    client.post("/quan-tri/don-vi/moi", data={"name": "Sở Nội vụ", "kind": "so_nganh", "parent": province.id,
                                                "active": "y"})
    new = unit("Sở Nội vụ")
    [created] = entries_after(mark)
    assert (created.action, created.object_type, created.object_id, created.unit_id, created.user_id) == (
        "create", "unit", new.id, new.id, admin.id)
    assert values(created)[1]["name"] == "Sở Nội vụ" and values(created)[1]["path"] == new.path

    mark = last_id()
    client.post(f"/quan-tri/don-vi/{new.id}/sua", data=unit_form(new, name="Sở Nội vụ tỉnh Quảng Trị"))
    client.post(f"/quan-tri/don-vi/{new.id}/sua", data=unit_form(unit("Sở Nội vụ tỉnh Quảng Trị"),
                                                                parent=unit("UBND huyện Gio Linh").id))
    moved = Unit.get_by_id(new.id)
    data = unit_form(moved)
    del data["active"]  # unticked: deactivate
    client.post(f"/quan-tri/don-vi/{new.id}/sua", data=data)
    renamed, moved_entry, deactivated = entries_after(mark)
    assert [(c.field, c.before, c.after) for c in audit.changes(renamed)] == [
        ("name", "Sở Nội vụ", "Sở Nội vụ tỉnh Quảng Trị")]
    assert {c.field for c in audit.changes(moved_entry)} == {"parent", "path"}
    assert values(moved_entry)[1]["path"] == moved.path
    assert [(c.field, c.before, c.after) for c in audit.changes(deactivated)] == [("active", "Có", "Không")]
    assert all(e.user_id == admin.id and e.unit_id == new.id and e.action == "update"
               for e in (renamed, moved_entry, deactivated))


def test_a_refused_unit_edit_records_nothing(demo, client_for):
    province = unit("UBND tỉnh Quảng Trị")
    mark = last_id()
    response = client_for("admin").post(f"/quan-tri/don-vi/{province.id}/sua",
                                        data=unit_form(province, parent=unit("UBND huyện Gio Linh").id))
    assert response.status_code == 200
    assert entries_after(mark) == []


def test_users_and_passwords_are_recorded_without_any_hash(demo, client_for, app):
    client = client_for("admin")
    admin = user("admin")
    cam_lo = unit("UBND huyện Cam Lộ")
    mark = last_id()
    client.post("/quan-tri/nguoi-dung/moi", data={
        "username": "canbo.moi", "full_name": "Trần Văn Mới", "role": "staff", "unit": cam_lo.id, "active": "y",
        "password": "mat-khau-moi", "confirm": "mat-khau-moi"})
    new = user("canbo.moi")
    client.post(f"/quan-tri/nguoi-dung/{new.id}/sua", data={
        "full_name": "Trần Văn Mới", "role": "leader", "unit": cam_lo.id, "active": "y"})
    client.post(f"/quan-tri/nguoi-dung/{new.id}/mat-khau", data={"password": "dat-lai-123", "confirm": "dat-lai-123"})
    own = app.test_client()
    own.post("/dang-nhap", data={"username": "canbo.moi", "password": "dat-lai-123"})
    response = own.post("/doi-mat-khau", data={"current": "dat-lai-123", "new": "cua-toi-456",
                                                 "confirm": "cua-toi-456"})
    assert response.status_code == 302
    created, edited, reset, changed = entries_after(mark, object_type="user")
    assert (created.action, created.object_id, created.user_id, created.unit_id) == ("create", new.id, admin.id,
                                                                                     cam_lo.id)
    assert values(created)[1]["username"] == "canbo.moi"
    assert [(c.field, c.after) for c in audit.changes(edited)] == [("role", "Lãnh đạo")]
    assert (reset.user_id, values(reset)[1]["password"]) == (admin.id, audit.PASSWORD_RESET)
    assert "Đặt lại mật khẩu" in reset.summary
    assert (changed.user_id, values(changed)[1]["password"]) == (new.id, audit.PASSWORD_CHANGED)

    hashes = [u.password_hash for u in User.select()]
    for entry in AuditEntry.select():
        text = f"{entry.before or ''} {entry.after or ''} {entry.summary}"
        assert "password_hash" not in text and "calendar_token" not in text
        assert not any(h in text for h in hashes)
        assert "pbkdf2:" not in text and "scrypt:" not in text


# --- The helpers ------------------------------------------------------------------------------

def test_snapshot_is_json_safe_and_leaves_out_secrets(app, factory):
    person = factory.user()
    User.update(calendar_token="bí-mật").where(User.id == person.id).execute()
    values_ = audit.snapshot(User.get_by_id(person.id))
    assert "password_hash" not in values_ and "calendar_token" not in values_
    assert values_["unit"] == person.unit_id and isinstance(values_["created_at"], str)
    json.dumps(values_)
    entry = audit.record("update", "user", person.id, before={"password_hash": "x", "active": True},
                         after={"password_hash": "y", "active": False}, at=datetime(2024, 1, 1))
    assert "password_hash" not in (entry.before + entry.after)


def test_record_change_writes_nothing_when_nothing_changed(app, factory):
    u = factory.unit()
    mark = last_id()
    at = datetime(2024, 3, 20, 10, 0)
    assert audit.record_change("unit", u.id, u, u, at=at) is None
    assert entries_after(mark) == []
    entry = audit.record_change("unit", u.id, None, {"name": "A", "active": True}, at=at)
    assert entry.action == "create" and entry.summary == f"Tạo đơn vị #{u.id}"
    assert audit.record_change("unit", u.id, {"name": "A"}, None, at=at).action == "delete"


# --- The admin page ---------------------------------------------------------------------------

@pytest.fixture
def known_entries(demo):
    """Four entries with known actors, units, objects and days."""
    gio_an, cam_lo = unit("UBND xã Gio An"), unit("UBND huyện Cam Lộ")
    giolinh, admin = user("giolinh"), user("admin")
    rows = [
        ("target", giolinh, gio_an, datetime(2024, 5, 2, 9, 15), "MỤC-MỘT"),
        ("unit", admin, cam_lo, datetime(2024, 5, 3, 10, 0), "MỤC-HAI"),
        ("progress_figure", giolinh, unit("UBND huyện Gio Linh"), datetime(2024, 5, 4, 23, 59), "MỤC-BA"),
        ("user", None, cam_lo, datetime(2024, 5, 6, 0, 0), "MỤC-BỐN"),
    ]
    for obj_type, who, where, at, summary in rows:
        audit.record("update", obj_type, 1, user_id=who.id if who else None, unit_id=where.id, at=at,
                     summary=summary, before={"note": "cũ"}, after={"note": "mới"})


def shown(response):
    """The known entries on the page, in the page's order."""
    page = html(response)
    return sorted((s for s in ("MỤC-MỘT", "MỤC-HAI", "MỤC-BA", "MỤC-BỐN") if s in page), key=page.index)


def test_audit_page_filters_by_user_unit_object_and_day(known_entries, client_for):
    client = client_for("admin")
    base = "/quan-tri/nhat-ky?from=2024-05-01&to=2024-05-31"
    assert shown(client.get(base)) == ["MỤC-BỐN", "MỤC-BA", "MỤC-HAI", "MỤC-MỘT"]  # newest first
    assert shown(client.get(f"{base}&user={user('giolinh').id}")) == ["MỤC-BA", "MỤC-MỘT"]
    # A district's subtree takes in its communes.
    assert shown(client.get(f"{base}&unit={unit('UBND huyện Gio Linh').id}")) == ["MỤC-BA", "MỤC-MỘT"]
    assert shown(client.get(f"{base}&unit={unit('UBND xã Gio An').id}")) == ["MỤC-MỘT"]
    assert shown(client.get(f"{base}&object=unit")) == ["MỤC-HAI"]
    # Both ends of the range are whole days; dd/mm/yyyy works as well as the date input's format.
    assert shown(client.get("/quan-tri/nhat-ky?from=03/05/2024&to=2024-05-04")) == ["MỤC-BA", "MỤC-HAI"]
    page = html(client.get(f"{base}&object=user"))
    assert "Hệ thống" in page and "Sửa" in page and "<details>" in page and "cũ" in page and "mới" in page


def test_audit_page_with_htmx_returns_the_list_only(known_entries, client_for):
    response = client_for("admin").get("/quan-tri/nhat-ky?object=target&from=2024-05-01",
                                       headers={"HX-Request": "true"})
    body = html(response)
    assert response.status_code == 200 and "<html" not in body and "<form" not in body
    assert shown(response) == ["MỤC-MỘT"] and "02/05/2024 09:15" in body
    full = html(client_for("admin").get("/quan-tri/nhat-ky?object=target"))
    assert 'hx-get="/quan-tri/nhat-ky"' in full and 'hx-push-url="true"' in full
    assert '<option value="target" selected>Chỉ tiêu</option>' in full
    assert 'href="/quan-tri/nhat-ky"' in full  # the "Nhật ký" tab


def test_audit_page_reports_an_unreadable_date(known_entries, client_for):
    response = client_for("admin").get("/quan-tri/nhat-ky?from=ngày mai&to=2024-05-31")
    assert "Từ ngày: Ngày không hợp lệ" in html(response)
    assert len(shown(response)) == 4  # the unreadable end of the range is ignored


def test_audit_page_links_to_the_object(demo, client_for):
    a = quai_cang_assignment()
    post_update(client_for("quaicang"), a, state="in_progress", percent="10", note="Bắt đầu")
    page = html(client_for("admin").get("/quan-tri/nhat-ky?object=assignment"))
    assert f'<a href="/giao-viec/{a.id}">#{a.id}</a>' in page
    assert "Lò Văn Thành" in page  # quaicang, the author


def test_audit_page_is_paginated(app, factory, client_for):
    admin = factory.user(role="admin")
    size = app.config["PAGE_SIZE"]
    for n in range(size + 3):
        audit.record("create", "directive", n, at=datetime(2024, 2, 1, 8, 0) + timedelta(minutes=n),
                     summary=f"Mục {n:03d}")
    first = html(client_for(admin.username).get("/quan-tri/nhat-ky?object=directive"))
    assert f"Mục {size + 2:03d}" in first and "Mục 002" not in first and "Trang 1/2" in first
    second = html(client_for(admin.username).get("/quan-tri/nhat-ky?object=directive&page=2"))
    assert "Mục 002" in second and "Mục 000" in second and f"Mục {size + 2:03d}" not in second


@pytest.mark.parametrize("username", ["lanhdao", "quaicang"])
def test_audit_page_is_admin_only(demo, client_for, username):
    assert client_for(username).get("/quan-tri/nhat-ky").status_code == 403


def test_no_route_changes_or_deletes_audit_entries(app, demo, client_for):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/quan-tri/nhat-ky")]
    assert rules
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    client = client_for("admin")
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/quan-tri/nhat-ky").status_code == 405
