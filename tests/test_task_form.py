"""The long admin task form: the error summary, the deadline fields of the chosen kind only (htmx, and
without JavaScript), the relative kinds, the grouped unit checklists."""
import re
from datetime import date, datetime

from webapp.models import Assignment, Cooperation, Directive, Task, Unit


def html(response):
    return response.get_data(as_text=True)


def unit(name):
    return Unit.get(Unit.name == name)


def quang_tri():
    return Directive.get(Directive.number == "/UBND-KGVX")


def new_task_url():
    return f"/quan-tri/van-ban/{quang_tri().id}/nhiem-vu/moi"


def form(**changes):
    data = {"section": "", "number": "9.1", "position": "", "text": "Nhiệm vụ thử", "addressed_to": "",
            "deadline_text": "", "deadline_kind": "fixed", "deadline_date": "", "deadline_time": "",
            "weekday": "", "month_day": "", "window_start": "", "window_end": "", "deadline_n": "",
            "counted_from": "receipt", "group_kind": "", "group_parent": ""}
    data.update(changes)
    return data


def field_names(page):
    return set(re.findall(r'name="([a-z_]+)"', page))


def test_the_error_summary_lists_every_problem_at_the_top_with_links_to_the_fields(demo, client_for):
    before = Task.select().count()
    response = client_for("admin").post(new_task_url(), data=form(text="", deadline_date="31/02/2024"))
    page = html(response)
    assert response.status_code == 200
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert "có 3 lỗi cần sửa" in summary
    assert '<a href="#text">Nội dung nhiệm vụ: Vui lòng nhập nội dung nhiệm vụ.</a>' in summary
    assert '<a href="#deadline_date">Ngày hạn: Không có ngày 31/02/2024 trong lịch.</a>' in summary
    assert '<a href="#lead_units">Đơn vị chủ trì: Chọn ít nhất một đơn vị chủ trì' in summary
    # Above every field, and each link has its target.
    assert page.index("error-summary") < page.index('id="section"')
    for target in ("text", "deadline_date", "lead_units"):
        assert f'id="{target}"' in page
    assert Task.select().count() == before


def test_only_the_chosen_kinds_deadline_fields_are_shown(demo, client_for):
    client = client_for("admin")
    page = html(client.get(new_task_url()))
    names = field_names(page)
    assert {"deadline_date", "deadline_time"} <= names
    assert not {"weekday", "month_day", "deadline_n", "counted_from", "working_days_only"} & names
    # A task already weekly shows its weekday, time, working-days switch and window.
    weekly = Task.select().join(Directive).where((Task.number == "1.2") & (Directive.number == "/BCĐĐA06")).get()
    names = field_names(html(client.get(f"/quan-tri/nhiem-vu/{weekly.id}/sua")))
    assert {"weekday", "deadline_time", "working_days_only", "window_start", "window_end"} <= names
    assert not {"deadline_date", "deadline_n", "month_day"} & names


def test_htmx_swaps_in_the_fields_of_a_new_kind_keeping_what_was_typed(demo, client_for):
    client = client_for("admin")
    response = client.get(new_task_url() + "?deadline_kind=relative_working_days&deadline_n=05",
                          headers={"HX-Request": "true"})
    fragment = html(response)
    assert response.status_code == 200 and "<html" not in fragment and "<form" not in fragment
    assert field_names(fragment) == {"deadline_n", "counted_from"}
    assert 'value="05"' in fragment and '<option selected value="receipt">' in fragment
    daily = html(client.get(new_task_url() + "?deadline_kind=daily", headers={"HX-Request": "true"}))
    assert {"deadline_time", "working_days_only", "window_start", "window_end"} <= field_names(daily)
    # A new daily duty is owed on working days only unless the admin says otherwise.
    assert re.search(r'<input checked id="working_days_only"', daily)
    weekly = html(client.get(new_task_url() + "?deadline_kind=weekly", headers={"HX-Request": "true"}))
    assert 'id="working_days_only"' in weekly and not re.search(r'<input checked id="working_days_only"', weekly)
    # The user's own choice survives a change between recurring kinds.
    kept = html(client.get(new_task_url() + "?deadline_kind=weekly&working_days_only_shown=1&working_days_only=y",
                           headers={"HX-Request": "true"}))
    assert re.search(r'<input checked id="working_days_only"', kept)


def test_without_javascript_the_refresh_button_shows_the_kinds_fields_and_saves_nothing(demo, client_for):
    client = client_for("admin")
    page = html(client.get(new_task_url()))
    assert '<noscript><button type="submit" name="refresh"' in page
    before = Task.select().count()
    response = client.post(new_task_url(), data=form(deadline_kind="monthly", refresh="1", text=""))
    page = html(response)
    assert response.status_code == 200 and "month_day" in field_names(page)
    assert "error-summary" not in page and 'class="error"' not in page  # nothing marked wrong yet
    assert Task.select().count() == before


def test_a_relative_working_days_task_counts_from_each_units_receipt(demo, client_for, clock):
    clock.now = datetime(2024, 2, 2, 10)  # Friday before Tết
    client = client_for("admin")
    gio_linh, cam_lo = unit("UBND huyện Gio Linh"), unit("UBND huyện Cam Lộ")
    response = client.post(new_task_url(), data=form(
        deadline_kind="relative_working_days", deadline_n="05", counted_from="receipt",
        deadline_text="Trong vòng 05 ngày làm việc kể từ ngày nhận được văn bản",
        lead_units=[gio_linh.id, cam_lo.id]))
    assert response.status_code == 302, html(response)
    task = Task.get(Task.number == "9.1")
    assert (task.deadline_kind, task.deadline_n, task.counted_from) == ("relative_working_days", 5, "receipt")
    # Received on Friday 02/02: 05, 06, 07/02, then Tết 08–14/02, then 15 and 16/02.
    assert {a.due_at for a in task.assignments} == {datetime(2024, 2, 16, 23, 59, 59)}
    assert all(a.received_on == date(2024, 2, 2) for a in task.assignments)
    assert task.rule.describe() == "Trong 05 ngày làm việc kể từ ngày nhận văn bản"


def test_relative_from_issue_needs_a_full_issue_date(demo, client_for):
    client = client_for("admin")
    before = Task.select().count()
    response = client.post(new_task_url(), data=form(deadline_kind="relative_days", deadline_n="10",
                                                     counted_from="issue", lead_units=[unit("UBND huyện Cam Lộ").id]))
    assert response.status_code == 200
    assert "Văn bản chưa có ngày ban hành đủ ngày, tháng, năm" in html(response)
    assert Task.select().count() == before
    bad = client.post(new_task_url(), data=form(deadline_kind="relative_days", deadline_n="0",
                                                lead_units=[unit("UBND huyện Cam Lộ").id]))
    assert "Số ngày: Cần nhập số ngày của thời hạn, từ 1 đến 365." in html(bad)
    bad = client.post(new_task_url(), data=form(deadline_kind="relative_days", deadline_n="năm",
                                                lead_units=[unit("UBND huyện Cam Lộ").id]))
    assert "Số ngày phải là số nguyên" in html(bad)
    assert Task.select().count() == before


def test_units_are_picked_from_checklists_grouped_by_parent_with_select_all_of_a_kind(demo, client_for):
    client = client_for("admin")
    page = html(client.get(new_task_url()))
    assert "<select multiple" not in page and "Ctrl" not in page
    gio_linh = unit("UBND huyện Gio Linh")
    group = re.search(r"<details class=\"picker-group\"[^>]*>\s*<summary>Thuộc UBND huyện Gio Linh.*?</details>",
                      page, re.S).group(0)
    assert "Chọn tất cả 17 UBND xã / phường / thị trấn" in group
    assert group.count('name="lead_units"') == 18  # 17 communes and the district's Phòng (its post office is Bưu điện tỉnh's)
    assert 'data-kind="ubnd_xa"' in group and "data-search" in page and "admin-form.js" in page
    # Each commune's working group sits alone under its commune: it joins the district's group.
    tuan_giao = re.search(r"<details class=\"picker-group\"[^>]*>\s*<summary>Thuộc UBND huyện Tuần Giáo.*?</details>",
                          page, re.S).group(0)
    assert "Chọn tất cả 19 Tổ công tác cấp xã" in tuan_giao and "Chọn tất cả 19 UBND xã" in tuan_giao
    assert "Thuộc UBND xã Quài Cang" not in page
    # Posting the boxes ticked assigns those units.
    communes = [u.id for u in Unit.select().where((Unit.parent == gio_linh.id) & (Unit.kind == "ubnd_xa"))]
    response = client.post(new_task_url(), data=form(deadline_date="29/03/2024", lead_units=communes,
                                                     cooperating_units=[gio_linh.id]))
    assert response.status_code == 302
    task = Task.get(Task.number == "9.1")
    assert sorted(a.unit_id for a in task.assignments) == sorted(communes)
    assert [c.unit_id for c in Cooperation.select().where(Cooperation.task == task.id)] == [gio_linh.id]


def test_an_edited_form_shows_the_assigned_units_ticked_and_their_groups_open(demo, client_for):
    task = Task.select().join(Directive).where((Task.number == "3.2") & (Directive.number == "/UBND-KGVX")).get()
    page = html(client_for("admin").get(f"/quan-tri/nhiem-vu/{task.id}/sua"))
    province = unit("UBND tỉnh Quảng Trị")
    group = re.search(r'<details class="picker-group" open data-group>\s*<summary>Thuộc UBND tỉnh Quảng Trị'
                      r'.*?</details>', page, re.S).group(0)
    assert "đã chọn 9" in group
    ticked = re.findall(r'<input type="checkbox" name="lead_units" value="(\d+)"[^>]*checked', group)
    assert len(ticked) == 9 and Assignment.select().where(
        (Assignment.task == task.id) & Assignment.delegated_from.is_null()).count() == 9
    assert province.id  # the group is the province's children


def test_the_directive_switch_for_dieu_148(demo, client_for):
    client = client_for("admin")
    tuan_giao = Directive.get(Directive.number == "/BCĐĐA06")
    task = Task.get((Task.directive == tuan_giao.id) & (Task.number == "1.1"))
    due = {a.due_at for a in task.assignments}
    assert due == {datetime(2024, 4, 1, 23, 59, 59)}  # "đến hết ngày 31/3/2024", a Sunday: moved
    page = html(client.get(f"/quan-tri/van-ban/{tuan_giao.id}/sua"))
    assert 'id="shift_days_off"' in page and re.search(r'<input checked id="shift_days_off"', page)
    data = {"number": tuan_giao.number, "issued": "03/2024", "issuer": tuan_giao.issuer_id, "place": "Tuần Giáo",
            "subject": tuan_giao.subject, "legal_bases": "", "recipients": "", "copies": "", "signing_authority": "",
            "signer_title": "", "signer_name": ""}  # the box unticked: the campaign ends on Sunday itself
    assert client.post(f"/quan-tri/van-ban/{tuan_giao.id}/sua", data=data).status_code == 302
    assert {a.due_at for a in Task.get_by_id(task.id).assignments} == {datetime(2024, 3, 31, 23, 59, 59)}
    assert {a.due_moved_from for a in Task.get_by_id(task.id).assignments} == {None}


def test_a_large_group_of_the_checklists_loads_on_demand_and_the_form_stays_small(demo, client_for):
    """A province with 150 communes straight under it: their boxes are not on the form; opening the
    group loads 200 at a time, typing narrows them, ticked ones stay on the form, and without
    JavaScript the search button shows the matches."""
    from tests.helpers import TEST_NOW
    from webapp.core.units import create_unit
    wide = create_unit("UBND tỉnh Rộng", "ubnd_tinh", None, now=TEST_NOW)
    communes = [create_unit(f"UBND xã Rộng {i:03d}", "ubnd_xa", wide, now=TEST_NOW) for i in range(150)]
    client = client_for("admin")
    page = html(client.get(new_task_url()))
    group = re.search(r'<details class="picker-group"[^>]*data-lazy[^>]*>\s*<summary>Thuộc UBND tỉnh Rộng.*?</details>',
                      page, re.S).group(0)
    assert "(150 đơn vị)" in group and "UBND xã Rộng 001" not in page and 'name="lead_units_q"' in page
    chunk = html(client.get(f"/quan-tri/nhom-don-vi?field=lead_units&group={wide.id}",
                            headers={"HX-Request": "true"}))
    assert chunk.count('name="lead_units"') == 150 and "Tải thêm" not in chunk
    narrowed = html(client.get(f"/quan-tri/nhom-don-vi?field=cooperating_units&group={wide.id}"
                               f"&cooperating_units_q=rong+01&cooperating_units={communes[12].id}"))
    assert narrowed.count('name="cooperating_units"') == 11  # 001, 010–019, 101 but the ticked 012
    # Without JavaScript: the search posts the form back (nothing saved) with the matches shown.
    before = Task.select().count()
    found = html(client.post(new_task_url(), data=form(refresh="1", lead_units_q="Rộng 14")))
    assert Task.select().count() == before
    assert len(re.findall(r'name="lead_units" value="\d+"', found.split("Thuộc UBND tỉnh Rộng")[1].split("</details>")[0])) == 12  # 014, 114, 140–149
    # A ticked box of the large group is saved, and shown ticked on the form again.
    response = client.post(new_task_url(), data=form(deadline_date="29/03/2024", lead_units=[communes[3].id]))
    assert response.status_code == 302
    task = Task.get(Task.number == "9.1")
    edit = html(client.get(f"/quan-tri/nhiem-vu/{task.id}/sua"))
    assert re.search(rf'name="lead_units" value="{communes[3].id}"[^>]*checked', edit)
    assert "UBND xã Rộng 004" not in edit
