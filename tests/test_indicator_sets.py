"""Defining indicator sets (the admin's pages and core.indicators): what is refused and why, data
never lost silently, the appendix mapping, and the duty whose reports the figures are."""
import io
from datetime import date, datetime, time

import openpyxl
import pytest

from tests.helpers import figures_row, set_like_phu_luc_01
from webapp.core import figures, targets
from webapp.core import indicators as sets
from webapp.models import (
    AppendixColumn,
    Assignment,
    Directive,
    Figure,
    FigureEntry,
    Indicator,
    IndicatorGroup,
    IndicatorSet,
    Occurrence,
    Task,
    Unit,
)
from webapp.rules import appendix


@pytest.fixture
def district(factory):
    """A district with three communes, a weekly duty of theirs, an admin and a commune user."""
    province = factory.unit("UBND tỉnh Thử", kind="ubnd_tinh")
    head = factory.unit("UBND huyện Thử", kind="ubnd_huyen", parent=province)
    communes = [factory.unit(f"UBND xã {name}", kind="ubnd_xa", parent=head) for name in ("Bắc", "Nam", "Đông")]
    directive = factory.directive(issuer=head, number="7/KH-UBND")
    task = factory.task(directive, lead=communes, kind="weekly", weekday=4, deadline_time=time(16, 0),
                        window_start=date(2024, 3, 1), number="2")
    admin = factory.user("quantri", role="admin", unit=head)
    staff = factory.user("canbo_bac", unit=communes[0])
    return head, communes, directive, task, admin, staff


def definition_form(task, scope, indicators=(), groups=(), base=""):
    data = {"name": "Tiêm chủng", "task": str(task.id), "scope": str(scope.id), "reporting_kind": "",
            "target_period": "quarter", "base": base}
    for n, row in enumerate(indicators):
        data.update({f"ind-{n}-{key}": value for key, value in row.items()})
    for n, (group_id, name) in enumerate(groups):
        data.update({f"grp-{n}-id": str(group_id or ""), f"grp-{n}-name": name})
    return data


def test_the_admin_makes_a_set_and_is_told_what_cannot_be(app, district, client_for):
    head, communes, directive, task, admin, _ = district
    client = client_for("quantri")
    form = {"name": "Tiêm chủng", "task": str(task.id), "scope": str(head.id), "reporting_kind": "",
            "target_period": "quarter"}
    assert "Vui lòng nhập tên bộ chỉ tiêu." in client.post("/quan-tri/bo-chi-tieu/moi", data={**form, "name": ""}
                                                           ).get_data(as_text=True)
    one_off = Task.create(directive=directive, number="3", text="Một lần", deadline_kind="fixed",
                          deadline_date=date(2024, 3, 31), created_at=datetime(2024, 3, 1))
    refused = client.post("/quan-tri/bo-chi-tieu/moi", data={**form, "task": str(one_off.id)}).get_data(as_text=True)
    assert "Lựa chọn không hợp lệ." in refused  # only recurring duties are offered
    response = client.post("/quan-tri/bo-chi-tieu/moi", data=form)
    assert response.status_code == 302
    s = IndicatorSet.get()
    assert (s.directive_id, s.task_id, s.scope_id) == (directive.id, task.id, head.id)
    assert [g.name for g in sets.groups_of(s)] == [""]  # no groups: one unnamed
    again = client.post("/quan-tri/bo-chi-tieu/moi", data={**form, "name": "Lần hai"}).get_data(as_text=True)
    assert "Nhiệm vụ này đã có bộ chỉ tiêu «Tiêm chủng»." in again and IndicatorSet.select().count() == 1
    # A directive with a set is not deleted from under it.
    page = client.post(f"/quan-tri/van-ban/{directive.id}/xoa").get_data(as_text=True)
    assert "có bộ chỉ tiêu «Tiêm chủng»" in page and Directive.select().where(Directive.id == directive.id).exists()


def test_a_definition_is_checked_whole_and_saved_in_its_order(app, district, client_for):
    head, communes, directive, task, admin, _ = district
    s = sets.create_set(directive, "Tiêm chủng", task, head, "", "quarter", now=datetime(2024, 3, 1))
    client = client_for("quantri")
    url = f"/quan-tri/bo-chi-tieu/{s.id}"
    rows = [{"name": "Số trẻ", "aggregation": "stock"}, {"name": "Đã tiêm", "aggregation": "period", "has_targets": "1"}]
    assert client.post(url, data=definition_form(task, head, rows, base="0")).status_code == 302
    children, vaccinated = sets.indicators_of(s)
    assert (children.is_base, vaccinated.has_targets, vaccinated.aggregation) == (True, True, "period")
    for bad, message in (
            ([{"name": "Số trẻ"}, {"name": "số trẻ"}], "Hai chỉ số cùng tên «số trẻ»."),
            ([{"name": "Số trẻ", "retired": "1"}], "cần ít nhất một chỉ số đang theo dõi"),
            ([{"id": str(children.id), "name": "Số trẻ", "at_most": str(vaccinated.id)},
              {"id": str(vaccinated.id), "name": "Đã tiêm", "at_most": str(children.id)}], "thành vòng"),
            ([{"id": str(children.id), "name": "Số trẻ", "at_most": str(children.id)}], "chính nó"),
            ([{"name": "Số trẻ", "aggregation": "bất kỳ"}], "không hợp lệ")):
        page = client.post(url, data=definition_form(task, head, bad)).get_data(as_text=True)
        assert message in page, message
    assert [i.name for i in sets.indicators_of(s)] == ["Số trẻ", "Đã tiêm"]  # nothing of the refused forms
    # "Not more than" an indicator of the set, kept in the order of the form.
    rows = [{"id": str(vaccinated.id), "name": "Đã tiêm", "aggregation": "period", "at_most": str(children.id),
             "has_targets": "1"}, {"id": str(children.id), "name": "Số trẻ", "aggregation": "stock"}]
    assert client.post(url, data=definition_form(task, head, rows, base="1")).status_code == 302
    assert [(i.name, i.at_most_id) for i in sets.indicators_of(s)] == [("Đã tiêm", children.id), ("Số trẻ", None)]
    assert sets.base_of(sets.indicators_of(s)).id == children.id
    page = client.get(url).get_data(as_text=True)
    assert "Xem trước mẫu nhập số liệu" in page and "Đã tiêm" in page


def test_an_indicator_or_group_with_figures_is_retired_never_dropped(app, district, client_for):
    head, communes, directive, task, admin, staff = district
    s = sets.create_set(directive, "Tiêm chủng", task, head, "", "quarter", now=datetime(2024, 3, 1))
    sets.save_definition(s, [sets.IndicatorInput(None, "Số trẻ", aggregation="stock"),
                             sets.IndicatorInput(None, "Đã tiêm", aggregation="period")], [], now=datetime(2024, 3, 1))
    children, vaccinated = sets.indicators_of(s)
    [unnamed] = sets.groups_of(s)
    figures.save(s, communes[0], date(2024, 3, 8), {communes[0].id: figures_row(s, [(100, 10)])}, staff.id,
                 datetime(2024, 3, 8, 10))
    client = client_for("quantri")
    url = f"/quan-tri/bo-chi-tieu/{s.id}"
    # Blanking the name of an indicator with figures is refused, with the way out.
    rows = [{"id": str(children.id), "name": "Số trẻ", "aggregation": "stock"},
            {"id": str(vaccinated.id), "name": "", "aggregation": "period"}]
    page = client.post(url, data=definition_form(task, head, rows)).get_data(as_text=True)
    assert "Chỉ số «Đã tiêm» đã có số liệu" in page and "Ngừng theo dõi" in page
    assert Indicator.select().where(Indicator.indicator_set == s.id).count() == 2
    # Retired, it keeps its figures and leaves the form.
    rows[1].update(name="Đã tiêm", retired="1")
    assert client.post(url, data=definition_form(task, head, rows)).status_code == 302
    assert Figure.select().where(Figure.indicator == vaccinated.id).count() == 1
    assert [i.name for i in sets.indicators_of(s)] == ["Số trẻ"]
    form = client_for("canbo_bac").get(f"/so-lieu/bo/{s.id}/nhap/{communes[0].id}?day=2024-03-15").get_data(
        as_text=True)
    assert "Số trẻ" in form and "Đã tiêm" not in form
    # The set's first group takes over its unnamed one, with its figures; a group with figures stays.
    assert client.post(url, data=definition_form(task, head, rows, groups=[(None, "Trẻ dưới 1 tuổi")])
                       ).status_code == 302
    [group] = sets.groups_of(s)
    assert (group.id, group.name) == (unnamed.id, "Trẻ dưới 1 tuổi")
    page = client.post(url, data=definition_form(task, head, rows, groups=[(group.id, "")])).get_data(as_text=True)
    assert "Nhóm «Trẻ dưới 1 tuổi» đã có số liệu hoặc chỉ tiêu: không xóa được." in page
    # A set with data is not deleted either.
    assert "không xóa được" in client.post(f"{url}/xoa").get_data(as_text=True)
    assert IndicatorSet.select().count() == 1


def test_an_empty_set_can_be_deleted_after_a_confirmation(app, district, client_for):
    head, communes, directive, task, admin, _ = district
    s = sets.create_set(directive, "Tiêm chủng", task, head, "", "quarter", now=datetime(2024, 3, 1))
    client = client_for("quantri")
    assert "Xóa bộ chỉ tiêu?" in client.get(f"/quan-tri/bo-chi-tieu/{s.id}/xoa").get_data(as_text=True)
    assert IndicatorSet.select().count() == 1  # the page only asks
    assert client.post(f"/quan-tri/bo-chi-tieu/{s.id}/xoa").status_code == 302
    assert IndicatorSet.select().count() == 0 and IndicatorGroup.select().count() == 0


def test_the_appendix_mapping_is_checked_and_used_by_import_and_export(app, district, client_for):
    head, communes, directive, task, admin, _ = district
    s = sets.create_set(directive, "Tiêm chủng", task, head, "", "quarter", now=datetime(2024, 3, 1))
    sets.save_definition(s, [sets.IndicatorInput(None, "Số trẻ", aggregation="stock", is_base=True),
                             sets.IndicatorInput(None, "Đã tiêm", aggregation="period")], [], now=datetime(2024, 3, 1))
    children, vaccinated = sets.indicators_of(s)
    [group] = sets.groups_of(s)
    client = client_for("quantri")
    url = f"/quan-tri/bo-chi-tieu/{s.id}/phu-luc"

    def columns(*rows):
        data = {"label": "Phụ lục B", "title": "CHỈ TIÊU NĂM {năm}"}
        for n, (content, formula) in enumerate(rows):
            data.update({f"col-{n}-content": content, f"col-{n}-formula": formula, f"col-{n}-label": ""})
        return data

    child, q1, q2 = (f"t:{children.id}:{group.id}:0", f"t:{vaccinated.id}:{group.id}:1",
                     f"t:{vaccinated.id}:{group.id}:2")
    for rows, message in (
            (((child, ""), ("f", "3+2"), (q1, "")), "Cột 2 chỉ tính từ các cột đứng trước nó"),
            (((child, ""), (q1, ""), ("f", "2*3")), "Công thức chỉ là tổng các cột"),
            (((child, ""), (q1, ""), (q1, "")), "Cột 3 và cột 2 cùng là một chỉ tiêu."),
            (((child, ""), ("f", "1/1"), ("f", "2+1")), "Cột 2 không phải cột số liệu hay cột tổng."),
            (((f"t:{children.id}:{group.id}:9", ""),), "kỳ không hợp lệ")):
        page = client.post(url, data=columns(*rows)).get_data(as_text=True)
        assert message in page, message
    assert AppendixColumn.select().count() == 0
    assert client.post(url, data=columns((child, ""), (q1, ""), (q2, ""), ("f", "2+3"), ("f", "4 / 1"))
                       ).status_code == 302
    assert [(c.number, c.formula) for c in sets.columns_of(s)] == [(1, ""), (2, ""), (3, ""), (4, "2+3"), (5, "4/1")]
    assert Indicator.get_by_id(children.id).has_targets  # mapped: it takes targets now
    s = IndicatorSet.get_by_id(s.id)
    layout = sets.layout_of(s)
    data = appendix.build_appendix(layout, 2024, [("Xã Bắc", {1: 100, 2: 20, 3: 30}), ("Xã Nam", {1: 50, 2: 5, 3: 5})])
    assert targets.import_appendix(s, data, 2024, datetime(2024, 3, 5)) == {"created": 6, "updated": 0,
                                                                           "unchanged": 0}
    exported = openpyxl.load_workbook(io.BytesIO(targets.export_appendix(s, communes, 2024)), data_only=True).active
    assert exported["A1"].value == "Phụ lục B" and exported["A2"].value == "CHỈ TIÊU NĂM 2024"
    assert exported["A3"].value == "(Kèm theo Công văn số 7/KH-UBND ngày 01/03/2024 của UBND huyện Thử)"
    rows = {exported.cell(r, 2).value: [exported.cell(r, c).value for c in range(3, 8)]
            for r in range(1, exported.max_row + 1)}
    assert rows["Xã Bắc"][:4] == [100, 20, 30, 50] and rows["Tổng cộng"][:4] == [150, 25, 35, 60]
    assert "Xã Đông" not in rows  # no targets: not in the appendix


def test_a_report_an_indicator_set_fills_is_submitted_with_its_figures_not_without(app, district, client_for, clock):
    head, communes, directive, task, admin, staff = district
    s = sets.create_set(directive, "Tiêm chủng", task, head, "", "quarter", now=datetime(2024, 3, 1))
    sets.save_definition(s, [sets.IndicatorInput(None, "Đã tiêm", aggregation="period")], [], now=datetime(2024, 3, 1))
    clock.now = datetime(2024, 3, 8, 10, 0)
    client = client_for("canbo_bac")
    duty = Assignment.get((Assignment.task == task.id) & (Assignment.unit == communes[0].id))
    page = client.get(f"/giao-viec/{duty.id}").get_data(as_text=True)
    assert "Nhập số liệu và nộp" in page and 'class="occurrence-form"' not in page
    occurrence = Occurrence.get((Occurrence.assignment == duty.id) & (Occurrence.due_at == datetime(2024, 3, 8, 16)))
    refused = client.post(f"/giao-viec/{duty.id}/ky-bao-cao/{occurrence.id}", data={"note": "không số"})
    assert "nộp cùng số liệu" in refused.get_data(as_text=True)
    assert Occurrence.get_by_id(occurrence.id).submitted_at is None
    [indicator] = sets.indicators_of(s)
    [group] = sets.groups_of(s)
    evidence = (b"%PDF-1.4\n%list\n", "danh-sach.pdf")
    response = client.post(f"/so-lieu/bo/{s.id}/nhap/{communes[0].id}?day=2024-03-08", content_type="multipart/form-data",
                           data={f"v-{communes[0].id}-{indicator.id}-{group.id}": "12", "report_note": "Tuần 1",
                                 "evidence": (io.BytesIO(evidence[0]), evidence[1])})
    assert response.status_code == 302
    done = Occurrence.get_by_id(occurrence.id)
    assert (done.submitted_at, done.note, done.evidence_name) == (clock.now, "Tuần 1", "danh-sach.pdf")
    page = client.get(f"/giao-viec/{duty.id}").get_data(as_text=True)
    assert "Đã tiêm: <strong>12</strong>" in page and "Sửa số liệu" in page
    assert FigureEntry.get().proxy_id is None


def test_the_official_order_of_units_is_set_on_the_unit_form_and_followed_by_the_tables(app, district, client_for):
    head, communes, directive, task, admin, _ = district
    client = client_for("quantri")
    dong = communes[2]
    response = client.post(f"/quan-tri/don-vi/{dong.id}/sua", data={
        "name": dong.name, "kind": "ubnd_xa", "parent": str(head.id), "merged_into": "", "active": "y", "position": "1"})
    assert response.status_code == 302 and Unit.get_by_id(dong.id).position == 1
    s = set_like_phu_luc_01(directive, head, task, reporting_kind="")
    assert [u.name for u in sets.row_units(s, head)] == ["UBND xã Đông", "UBND xã Bắc", "UBND xã Nam"]
    assert [u.place_name for u in sets.row_units(s, head)] == ["Xã Đông", "Xã Bắc", "Xã Nam"]


def test_the_report_of_earlier_versions_reads_the_sets_shaped_like_phu_luc_01(app, district):
    """models.GROUPS and core.progress, kept for the monthly report: only the sets with a base and a
    targeted indicator, by their groups' ids."""
    from webapp.models import GROUPS
    head, communes, directive, task, admin, _ = district
    other = sets.create_set(directive, "Không có gốc", None, head, "", "year", now=datetime(2024, 3, 1))
    sets.save_definition(other, [sets.IndicatorInput(None, "Số")], [sets.GroupInput(None, "Nhóm lạ")],
                         now=datetime(2024, 3, 1))
    assert dict(GROUPS.items()) == {}
    s = set_like_phu_luc_01(Directive.create(number="8/KH", subject="V/v", issuer=head, created_at=datetime(2024, 3, 1)),
                            head)
    assert list(GROUPS.values()) == ["Người có công", "Đối tượng bảo trợ xã hội"]
    assert set(GROUPS) == {g.id for g in sets.groups_of(s)}


def test_a_set_without_targets_has_no_appendix_and_says_so(app, district, client_for):
    head, communes, directive, task, admin, _ = district
    s = sets.create_set(directive, "Tiêm chủng", task, head, "", "quarter", now=datetime(2024, 3, 1))
    sets.save_definition(s, [sets.IndicatorInput(None, "Đã tiêm", aggregation="period")], [], now=datetime(2024, 3, 1))
    client = client_for("quantri")
    page = client.get(f"/chi-tieu/bo/{s.id}").get_data(as_text=True)
    assert "chưa giao chỉ tiêu cho chỉ số nào" in page and "Nhập chỉ tiêu" not in page
    exported = client.get(f"/chi-tieu/bo/{s.id}/xuat")
    assert exported.status_code == 302 and "chưa giao chỉ tiêu" in client.get(exported.headers["Location"]).get_data(
        as_text=True)
    with pytest.raises(appendix.AppendixError) as refused:
        targets.import_appendix(s, b"PK", 2024, datetime(2024, 3, 5))
    assert "Mẫu phụ lục" in str(refused.value)
