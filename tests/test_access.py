"""The access rules of core/access.py on both kinds of tree: the seeds' three tiers (province,
district, commune) and today's two (Lai Châu: province, then its communes). Each rule is an
allow-list; where SQL twins a rule (the scope of a list), the two are compared on every pair."""
from datetime import datetime

import pytest

from tests.helpers import load_demo
from webapp.core import access, reports
from webapp.core.directives import save_task
from webapp.core.report_content import overdue_items, task_results
from webapp.models import Cooperation, Directive, IndicatorSet, Task, Unit, User
from webapp.rules import deadlines as dl

NOW = datetime(2024, 3, 20, 10)


@pytest.fixture
def both_trees(app):
    load_demo(two_tier=True)


def unit(name):
    return Unit.get(Unit.name == name)


def user(username):
    return User.get(User.username == username)


def test_a_leader_picking_a_unit_outside_the_tree_sees_none_of_its_other_cooperations(both_trees, client_for):
    """VNPT Điện Biên works on a Tuần Giáo task, so the Tuần Giáo leader may pick it; its cooperation on a
    Quảng Trị task is none of that leader's business (it showed on the home's partner section)."""
    vnpt = unit("VNPT Điện Biên")
    task = Task.get((Task.number == "1.2") & (Task.directive == Directive.get(Directive.number == "/UBND-KGVX").id))
    Cooperation.create(task=task, unit=vnpt, requested_at=NOW)
    leader = user("tuangiao")
    assert vnpt.id in [u.id for u in access.visible_units(leader)]
    page = client_for("tuangiao").get(f"/?unit={vnpt.id}").get_data(as_text=True)
    assert "386 đối tượng" not in page and "/UBND-KGVX" not in page
    dashboard = client_for("tuangiao").get(f"/tong-hop/?unit={vnpt.id}").get_data(as_text=True)
    assert "/UBND-KGVX" not in dashboard


def test_the_sql_scope_of_cooperations_is_can_view_cooperation_on_every_pair(both_trees):
    users = list(User.select().where(User.username.in_(
        ["lanhdao", "sldtbxh", "giolinh", "tuangiao", "quaicang", "laichau", "skhcn", "tanphong", "ld_doanket",
         "buudienlc", "congan_lc", "binhlu", "admin"])))
    cooperations = list(Cooperation.select(Cooperation, Task).join(Task))
    assert len(users) == 13 and len(cooperations) > 50
    wrong = []
    for u in users:
        condition = access.cooperation_visible(u)
        seen = {c.id for c in Cooperation.select(Cooperation.id).join(Task).where(condition)} if condition is not True \
            else {c.id for c in cooperations}
        for c in cooperations:
            if access.can_view_cooperation(u, c, access.lead_unit_ids(c.task_id)) != (c.id in seen):
                wrong.append((u.username, c.id))
    assert wrong == []


ROLLUPS = [
    # Two tiers: a commune reads neither a neighbour's figures nor the province's rows of communes.
    ("tanphong", "UBND phường Tân Phong", True),
    ("tanphong", "UBND phường Đoàn Kết", False),
    ("tanphong", "UBND tỉnh Lai Châu", False),
    ("ld_doanket", "UBND phường Tân Phong", False),
    ("buudienlc", "UBND tỉnh Lai Châu", False),   # the post office is no province body
    ("congan_lc", "UBND xã Bình Lư", False),      # nor the police
    ("skhcn", "UBND tỉnh Lai Châu", True),        # a Sở follows its province
    ("skhcn", "UBND xã Bình Lư", True),
    ("skhcn", "UBND tỉnh Quảng Trị", False),      # not another province
    ("laichau", "UBND xã Bình Lư", True),
    # Three tiers: the same rule.
    ("giolinh", "UBND huyện Gio Linh", True),
    ("giolinh", "UBND tỉnh Quảng Trị", False),
    ("giolinh", "UBND huyện Hải Lăng", False),
    ("sldtbxh", "UBND tỉnh Quảng Trị", True),
    ("sldtbxh", "UBND huyện Hải Lăng", True),
    ("sldtbxh", "UBND tỉnh Lai Châu", False),
    ("quaicang", "UBND huyện Tuần Giáo", False),
    ("tuangiao", "UBND xã Quài Cang", True),
    ("lanhdao", "UBND tỉnh Quảng Trị", True),
    ("lanhdao", "UBND tỉnh Lai Châu", False),     # another tree
    ("admin", "UBND tỉnh Lai Châu", True),
]


def test_who_reads_a_units_roll_up(both_trees):
    wrong = [(who, whose) for who, whose, allowed in ROLLUPS if access.can_view_rollup(user(who), unit(whose)) is not allowed]
    assert wrong == []


def test_post_offices_police_and_enterprises_are_not_province_bodies(both_trees):
    for name in ("Bưu điện tỉnh Lai Châu", "Công an tỉnh Lai Châu", "Bưu điện tỉnh Quảng Trị", "VNPT Điện Biên",
                 "UBND phường Tân Phong", "UBND huyện Gio Linh"):
        assert access.province_of_body(unit(name)) is None, name
    assert access.province_of_body(unit("Sở Tư pháp tỉnh Lai Châu")) == unit("UBND tỉnh Lai Châu")
    assert access.province_of_body(unit("Văn phòng UBND tỉnh Quảng Trị")) == unit("UBND tỉnh Quảng Trị")


SETS = [
    ("tanphong", "7360/KH-UBND", True), ("buudienlc", "7360/KH-UBND", True), ("skhcn", "7360/KH-UBND", True),
    ("tanphong", "/UBND-KGVX", False), ("skhcn", "/BCĐĐA06", False),
    ("giolinh", "/UBND-KGVX", True), ("sldtbxh", "/UBND-KGVX", True), ("giolinh", "/BCĐĐA06", False),
    ("laichau", "/UBND-KGVX", False), ("lanhdao", "7360/KH-UBND", False),
]


def test_who_sees_an_indicator_set(both_trees):
    def of(number):
        return IndicatorSet.get(IndicatorSet.directive == Directive.get(Directive.number == number).id)
    wrong = [(who, number) for who, number, allowed in SETS if access.can_view_set(user(who), of(number)) is not allowed]
    assert wrong == []


def test_a_commune_holding_a_monthly_duty_reports_on_its_own_work_only(both_trees, factory):
    """A monthly duty made any unit's report cover every unit of the directive."""
    plan = Directive.get(Directive.number == "7360/KH-UBND")
    communes = list(Unit.select().where((Unit.parent == unit("UBND tỉnh Lai Châu").id) & (Unit.kind == "ubnd_xa")))
    science = unit("Sở Khoa học và Công nghệ tỉnh Lai Châu")
    save_task(Task(directive=plan, number="IV.9", text="Báo cáo hằng tháng", deadline_kind=dl.MONTHLY, month_day=25),
              communes + [science], [], now=NOW)
    ward = unit("UBND phường Tân Phong")
    own = reports.open_draft(ward, plan, 2024, 3, None, NOW)
    rows = task_results([plan.id], NOW, own.unit)["rows"]
    assert [r["unit"] for r in rows] == ["UBND phường Tân Phong"]
    assert {item["unit"] for item in overdue_items([plan.id], NOW, own.unit)} <= {"UBND phường Tân Phong"}
    # The Sở, a body of the province that issued the plan, owes its consolidated report: every unit.
    consolidated = task_results([plan.id], NOW, science)["rows"]
    assert len(consolidated) == len(communes) + 3  # the communes, and the three Sở leading II.1
    # On the three tiers the same: the Sở of Quảng Trị covers every district; a commune group with
    # a monthly duty of its own covers itself.
    quang_tri = Directive.get(Directive.number == "/UBND-KGVX")
    assert len(task_results([quang_tri.id], NOW, unit("Sở Lao động - Thương binh và Xã hội"))["rows"]) > 9
    post = unit("Bưu điện huyện Tuần Giáo")  # holds Tuần Giáo's monthly 4.1
    tuan_giao = Directive.get(Directive.number == "/BCĐĐA06")
    assert [r["unit"] for r in task_results([tuan_giao.id], NOW, post)["rows"]] == ["Bưu điện huyện Tuần Giáo"]


def test_a_department_of_another_province_reports_on_its_own_work_only(both_trees):
    """A Sở of Lai Châu holding a monthly duty on a Quảng Trị directive reports on its own work."""
    quang_tri = Directive.get(Directive.number == "/UBND-KGVX")
    science = unit("Sở Khoa học và Công nghệ tỉnh Lai Châu")
    save_task(Task(directive=quang_tri, number="9.1", text="Báo cáo hằng tháng", deadline_kind=dl.MONTHLY, month_day=28),
              [science], [], now=NOW)
    assert [r["unit"] for r in task_results([quang_tri.id], NOW, science)["rows"]] == [science.name]
