"""The demo data holds both seed directives completely, placed around today or at their own dates."""
import re
from datetime import date, datetime, time, timedelta

import pytest
from peewee import fn

from tests.helpers import load_demo, make_app
from webapp.core import figures
from webapp.core import indicators as sets
from webapp.models import (
    Assignment,
    Cooperation,
    Directive,
    Extension,
    Occurrence,
    Figure,
    FigureEntry,
    IndicatorSet,
    Target,
    Task,
    Unit,
    Update,
    User,
)
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
    qt_set = IndicatorSet.select().join(Directive).where(Directive.number == "/UBND-KGVX").get()
    total, _, paid = sets.indicators_of(qt_set)
    first, second = sets.groups_of(qt_set)
    districts = Target.select(Target.group, Target.indicator, fn.SUM(Target.value)).join(
        Unit, on=(Target.unit == Unit.id)).where((Target.year == 2024) & (Unit.kind == "ubnd_huyen")).group_by(
        Target.group, Target.indicator).tuples()
    assert {(g, i): v for g, i, v in districts} == {(first.id, total.id): 16975, (first.id, paid.id): 5385,
                                                     (second.id, total.id): 47479, (second.id, paid.id): 13519}
    dong_ha = Unit.get(Unit.name == "UBND thành phố Đông Hà")
    wards = {part: value for part, value in Target.select(Target.part, fn.SUM(Target.value)).join(
        Unit, on=(Target.unit == Unit.id)).where((Unit.parent == dong_ha.id) & (Target.group == first.id)).group_by(
        Target.part).tuples()}
    assert (wards[0], wards[1]) == (1912, 96)


# --- The demo placed around today -------------------------------------------------------------

def counts_on_home(client):
    """The home page's count per status class, read from its counts bar: {"Sắp đến hạn": 6, …}."""
    page = client.get("/").get_data(as_text=True)
    bar = page[page.index('<ul class="counts"'):]
    bar = bar[:bar.index("</ul>")]
    return {text.split(" ", 1)[1].strip() if not text.strip()[0].isalpha() else text.strip(): int(number.replace(".", ""))
            for number, text in re.findall(r"<strong>([\d.]+)</strong>\s*([^<]+)</a>", bar)}


@pytest.mark.parametrize("now", [
    datetime(2026, 12, 4, 10, 0),   # a Friday
    datetime(2027, 3, 14, 20, 0),   # a Sunday evening
    datetime(2027, 6, 2, 7, 30),    # a Wednesday morning, before the reports of the day
])
def test_the_demo_lives_around_today(app, client_for, now):
    app.config["CLOCK"].now = now
    load_demo(now, original_dates=False)
    qt, tg = Directive.get(Directive.number == "/UBND-KGVX"), Directive.get(Directive.number == "/BCĐĐA06")
    # Quảng Trị's directive was issued about three weeks ago, Tuần Giáo's campaign is in its second week.
    assert qt.issued_precision == "day" and 18 <= (now.date() - qt.issued_on).days <= 25
    campaign = Task.select().join(Directive).where((Directive.id == tg.id) & (Task.number == "1.2")).get()
    assert 7 <= (now.date() - campaign.window_start).days <= 13 and campaign.window_end > now.date()
    assert campaign.deadline_text == "Định kỳ trước 14 giờ thứ tư hàng tuần"  # the directive's own wording
    # Nothing has happened after now.
    assert not Update.select().where(Update.created_at > now).exists()
    assert not Occurrence.select().where(Occurrence.submitted_at > now).exists()
    assert not FigureEntry.select().where(FigureEntry.entered_at > now).exists()
    assert not Extension.select().where(Extension.requested_at > now).exists()
    # Every status class shows on the leader's home, something waits for confirmation.
    counts = counts_on_home(client_for("lanhdao"))
    for label in ("Đang thực hiện quá hạn", "Sắp đến hạn", "Đang thực hiện trong hạn", "Hoàn thành đúng hạn",
                  "Hoàn thành quá hạn"):
        assert counts[label] > 0, (label, counts)
    assert Assignment.select().where(Assignment.state == "awaiting").exists()
    # The daily Phụ lục 2b reports due so far: mostly in, a few missing, a few late.
    daily = (Occurrence.select().join(Assignment).join(Task)
             .where((Task.directive == qt.id) & (Task.number == "3.6") & (Occurrence.due_at <= now)))
    submitted = daily.where(Occurrence.submitted_at.is_null(False))
    assert 0.6 < submitted.count() / daily.count() < 1
    assert submitted.where(Occurrence.submitted_at > Occurrence.due_at).exists()
    # Đông Hà's wards entered figures as users do, and their beneficiaries add up to the city's Phụ lục 01.
    dong_ha = Unit.get(Unit.name == "UBND thành phố Đông Hà")
    qt_set = IndicatorSet.get(IndicatorSet.directive == qt.id)
    base = sets.base_of(sets.indicators_of(qt_set))
    wards = Figure.select(Figure.day).join(Unit, on=(Figure.unit == Unit.id)).where(Unit.parent == dong_ha.id)
    last_day = wards.select(fn.MAX(Figure.day)).scalar()
    assert 0 < (now.date() - last_day).days <= 4
    beneficiaries = (Figure.select(Figure.group, fn.SUM(Figure.value)).join(Unit, on=(Figure.unit == Unit.id))
                     .where((Unit.parent == dong_ha.id) & (Figure.day == last_day) & (Figure.indicator == base.id))
                     .group_by(Figure.group).tuples())
    assert sorted(v for _, v in beneficiaries) == [1912, 3260]
    assert Target.select().where(Target.year == qt.issued_on.year).count() == Target.select().count() > 0
    # The other districts enter their own figures as their daily report; every figure of a district
    # report went in through the form, counted as that day's report.
    entered = FigureEntry.select().join(Unit, on=(FigureEntry.unit == Unit.id)).where(
        (Unit.kind == "ubnd_huyen") & (FigureEntry.indicator_set == qt_set.id))
    assert entered.count() > 10
    for entry in entered:
        report = (Occurrence.select().join(Assignment)
                  .where((Assignment.task == qt_set.task_id) & (Assignment.unit == entry.unit_id)
                         & (Occurrence.due_at >= datetime.combine(entry.day, time.min))
                         & (Occurrence.due_at <= datetime.combine(entry.day, time.max))).get())
        assert report.submitted_at == entry.entered_at
    # Tuần Giáo's commune groups send their weekly numbers; the district sees them by commune.
    tg_set = IndicatorSet.get(IndicatorSet.directive == tg.id)
    weekly = FigureEntry.select().where(FigureEntry.indicator_set == tg_set.id)
    assert weekly.count() >= 10
    district = Unit.get(Unit.name == "UBND huyện Tuần Giáo")
    result = figures.rollup(tg_set, district, figures.last_day(tg_set, district, now.date()),
                            since=figures.last_day(tg_set, district, now.date()) - timedelta(days=6))
    assert len(result.rows) == 19 and all(r.unit.kind == "ubnd_xa" for r in result.rows)
    opened, left = sets.indicators_of(tg_set)
    [group] = sets.groups_of(tg_set)
    assert result.total.units_reported >= 12 and result.total.value(opened.id, group.id) > 0
    assert result.total.value(left.id, group.id) > 0


def test_seed_demo_places_the_demo_around_the_app_clock_or_keeps_the_original_dates(app, tmp_path):
    app.config["CLOCK"].now = datetime(2026, 12, 4, 10, 0)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "quanh ngày hôm nay" in result.output
    assert Directive.get(Directive.number == "/UBND-KGVX").issued_on.year == 2026
    (tmp_path / "original").mkdir()
    other = make_app(tmp_path / "original")
    result = other.test_cli_runner().invoke(args=["seed-demo", "--original-dates"])
    assert result.exit_code == 0 and "ngày tháng gốc năm 2024" in result.output
    qt = Directive.get(Directive.number == "/UBND-KGVX")
    assert (qt.issued_on, qt.issued_precision) == (date(2024, 1, 1), "year")
    task = Task.get((Task.directive == qt.id) & (Task.number == "2.1"))
    assert task.deadline_date == date(2024, 1, 15) and task.deadline_text == "Hoàn thành trước ngày 15/01/2024"
