"""The demo data holds both seed directives completely."""
from webapp.models import Assignment, Cooperation, Directive, Target, Task, Unit, User
from webapp.seed import QT_DISTRICTS, TELECOMS, TUAN_GIAO_COMMUNES


def assignments_of(number):
    """The directive's own assignments (lead units), not those the units passed down."""
    return (Assignment.select().join(Task).join(Directive)
            .where((Directive.number == number) & Assignment.delegated_from.is_null()).count())


def cooperations_of(number):
    return Cooperation.select().join(Task).join(Directive).where(Directive.number == number).count()


def test_quang_tri_directive_yields_the_assignments_its_text_gives(demo):
    districts = 9
    # Section 1, Sở LĐTBXH leads 5 tasks: dissemination (with the districts), the 386 paid at once
    # (with Bưu điện tỉnh), the pension group (with Bưu điện tỉnh), daily Phụ lục 2a (with the
    # districts), the monthly report before the 28th.
    so_lead, so_coop = 5, districts + 1 + 1 + districts
    # Section 2, Bưu điện tỉnh leads 3: the 386 before 15/01, the pension group (with the Sở), campaigning.
    post_lead, post_coop = 3, 1
    # Section 3, each district leads 6: split targets, disseminate, lists, authorisations, verification,
    # daily Phụ lục 2b.
    district_lead = 6 * districts
    assert len(QT_DISTRICTS) == districts
    assert assignments_of("/UBND-KGVX") == so_lead + post_lead + district_lead == 62
    # Cooperating units own no assignment: each owes the lead unit its input (a cooperation).
    assert cooperations_of("/UBND-KGVX") == so_coop + post_coop == 21
    assert Task.select().join(Directive).where(Directive.number == "/UBND-KGVX").count() == 14


def test_tuan_giao_directive_yields_one_assignment_per_commune_group(demo):
    communes = len(TUAN_GIAO_COMMUNES)
    assert communes == 19
    # 2 tasks per commune group, Công an huyện 3, Phòng LĐTBXH 4, Bưu điện huyện 2, 3 telecoms 1 each.
    lead = 2 * communes + 3 + 4 + 2 + len(TELECOMS)
    assert assignments_of("/BCĐĐA06") == lead == 50
    assert cooperations_of("/BCĐĐA06") == 1  # Bưu điện huyện pays with Phòng LĐTBXH


def test_directive_headers_are_entered_as_the_text_gives_them(demo):
    qt = Directive.get(Directive.number == "/UBND-KGVX")
    assert qt.issuer.name == "UBND tỉnh Quảng Trị"
    assert qt.signer_name == "Hoàng Nam" and qt.signing_authority.endswith("KT. CHỦ TỊCH")
    assert len(qt.lines("legal_bases")) == 3 and "159/KH-UBND" in qt.legal_bases
    assert qt.lines("recipients")[-1] == "UBND các huyện, thị xã, thành phố"
    assert "Lưu VT, KT, KGVX" in qt.lines("copies")
    tg = Directive.get(Directive.number == "/BCĐĐA06")
    assert tg.issued_label == "03/2024" and tg.signer_name == "Lê Xuân Cảnh"
    assert len(tg.lines("legal_bases")) == 4


def test_deadlines_follow_the_text(demo):
    def task(number, directive):
        return Task.select().join(Directive).where((Task.number == number) & (Directive.number == directive)).get()
    assert task("1.1", "/UBND-KGVX").rule.describe() == "Trong tháng 01/2024"
    assert task("1.4", "/UBND-KGVX").rule.describe().startswith("Hằng ngày trước 10:00")
    assert task("3.6", "/UBND-KGVX").rule.describe().startswith("Hằng ngày trước 09:00")
    assert task("1.5", "/UBND-KGVX").rule.describe().startswith("Trước ngày 28 hằng tháng")
    assert task("2.1", "/UBND-KGVX").rule.describe() == "Hạn ngày 15/01/2024"
    assert task("1.2", "/BCĐĐA06").rule.describe() == "Thứ Tư hằng tuần trước 14:00 (từ 11/03/2024 đến 31/03/2024)"
    assert task("2.3", "/BCĐĐA06").rule.describe() == "Thường xuyên"


def test_units_and_demo_users(demo):
    assert Unit.select().where(Unit.kind == "ubnd_huyen").count() == 10  # 9 in Quảng Trị + Tuần Giáo
    assert Unit.select().where(Unit.kind == "to_cong_tac").count() == 19
    province_post = Unit.get(Unit.name == "Bưu điện tỉnh Quảng Trị")
    for name, place in QT_DISTRICTS:
        district = Unit.get(Unit.name == name)
        kinds = sorted(c.kind for c in district.children if c.kind != "ubnd_xa")
        assert kinds == ["phong_huyen"], name
        # The district post office belongs to the province's post office, which passes tasks down to it.
        assert Unit.get(Unit.name == f"Bưu điện {place}").parent_id == province_post.id
    communes = {name: Unit.select().where((Unit.parent == Unit.get(Unit.name == name).id)
                                          & (Unit.kind == "ubnd_xa")).count()
                for name in ("UBND huyện Gio Linh", "UBND thành phố Đông Hà")}
    assert communes == {"UBND huyện Gio Linh": 17, "UBND thành phố Đông Hà": 9}
    roles = {u.username: u.role for u in User.select()}
    assert roles == {"admin": "admin", "lanhdao": "leader", "sldtbxh": "staff", "giolinh": "staff",
                     "tuangiao": "leader", "quaicang": "staff"}
    quaicang = User.get(User.username == "quaicang")
    assert quaicang.unit.name == "Tổ công tác Đề án 06 xã Quài Cang"
    assert quaicang.unit.path.startswith(Unit.get(Unit.name == "UBND huyện Tuần Giáo").path)


def test_demo_targets_are_the_seed_appendix_and_dong_ha_is_split(demo):
    from peewee import fn
    province = (Target.select(Target.group, fn.SUM(Target.total), fn.SUM(Target.q1 + Target.q2 + Target.q3 + Target.q4))
                .join(Unit).where((Target.year == 2024) & (Unit.kind == "ubnd_huyen")).group_by(Target.group).tuples())
    assert dict((g, (t, y)) for g, t, y in province) == {"nguoi_co_cong": (16975, 5385),
                                                         "bao_tro_xa_hoi": (47479, 13519)}
    dong_ha = Unit.get(Unit.name == "UBND thành phố Đông Hà")
    wards = (Target.select(fn.SUM(Target.total), fn.SUM(Target.q1)).join(Unit)
             .where((Unit.parent == dong_ha.id) & (Target.group == "nguoi_co_cong")).tuples().get())
    assert wards == (1912, 96)
