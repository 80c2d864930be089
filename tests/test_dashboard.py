"""The leaders' summary: scope, counts, overdue ordering, reporting rates, filters."""
from datetime import date, datetime, time

from webapp.core import occurrences
from webapp.dashboard.queries import Filters, overdue, reporting_rows, unit_rows
from webapp.models import Directive, Occurrence, Unit, User
from webapp.rules.reporting import period_containing


def body(response):
    return response.get_data(as_text=True)


def test_staff_cannot_open_the_dashboard(demo, client_for):
    assert client_for("quaicang").get("/tong-hop/").status_code == 403
    assert client_for("quaicang").get("/tong-hop/qua-han").status_code == 403


def test_district_leader_sees_nothing_outside_the_district(demo, client_for, clock):
    clock.now = datetime(2024, 4, 5, 8, 0)
    client = client_for("tuangiao")
    page = body(client.get("/tong-hop/"))
    assert "UBND xã Quài Cang" in page
    for outside in ("Gio Linh", "Đông Hà", "Sở Lao động", "/UBND-KGVX", "Bưu điện tỉnh"):
        assert outside not in page, outside
    overdue_page = body(client.get("/tong-hop/qua-han"))
    assert "Gio Linh" not in overdue_page and "Tuần Giáo" in overdue_page
    gio_linh = Unit.get(Unit.name == "UBND huyện Gio Linh")
    assert client.get(f"/tong-hop/?unit={gio_linh.id}").status_code == 404
    quang_tri = Directive.get(Directive.number == "/UBND-KGVX")
    assert "Gio Linh" not in body(client.get(f"/tong-hop/?directive={quang_tri.id}"))


def test_counts_roll_up_one_level_below_the_unit_and_link_to_the_list(demo, client_for, clock):
    clock.now = datetime(2024, 4, 5, 8, 0)
    tuan_giao = User.get(User.username == "tuangiao")
    filters = Filters(None, None, period_containing("month", date(2024, 3, 1)))
    rows = {r.unit.name: r for r in unit_rows(tuan_giao, filters, clock.now, 3)}
    # 19 commune groups missed task 1.1 except Quài Nưa (on time) and Chiềng Sinh (late).
    communes = [r for name, r in rows.items() if name.startswith("UBND xã") or name.startswith("UBND thị trấn")]
    assert len(communes) == 19
    assert sum(r.counts["done_on_time"] for r in communes) == 1
    assert sum(r.counts["done_late"] for r in communes) == 1
    assert sum(r.total for r in communes) == 38
    assert "VNPT Điện Biên" in rows  # a unit outside the district that the district's directive tasks
    page = body(client_for("tuangiao").get("/tong-hop/"))
    quai_cang = Unit.get(Unit.name == "UBND xã Quài Cang")
    assert f'/?unit={quai_cang.id}&amp;status=overdue' in page


def test_overdue_list_puts_the_longest_overdue_first(demo, client_for, clock):
    clock.now = datetime(2024, 4, 5, 8, 0)
    leader = User.get(User.username == "tuangiao")
    items = list(overdue(leader, Filters(None, None, period_containing("month", date(2024, 4, 1))), clock.now, 3))
    dues = [a.due_at for a in items]
    assert dues == sorted(dues) and dues[0] == datetime(2024, 3, 12, 23, 59, 59)  # 3.1, "khẩn trương"
    page = body(client_for("tuangiao").get("/tong-hop/qua-han"))
    assert "<strong>23</strong> ngày" in page and page.index("3.1. Khẩn trương") < page.index("1.1. Thành lập")


def test_reporting_rates_on_a_hand_computed_case(app, factory, clock):
    """Two communes report weekly on Wednesdays at 14:00 in March 2024 (6, 13, 20, 27).
    By 21/03 three reports each are due. A: on time, late, on time. B: on time, missing, missing.
    Expected 6, submitted 4, on time 3: 66,7% and 50,0%."""
    district = factory.unit("Huyện Thử", kind="ubnd_huyen")
    a, b = factory.unit("Xã A", parent=district), factory.unit("Xã B", parent=district)
    factory.task(lead=[a, b], kind="weekly", weekday=2, deadline_time=time(14, 0),
                 window_start=date(2024, 3, 1), window_end=date(2024, 3, 31))
    clock.now = datetime(2024, 3, 21, 9, 0)
    occurrences.materialise(date(2024, 3, 31), clock.now.date())
    user = factory.user(unit=a)

    def submit(unit, day, at):
        occ = (Occurrence.select().join_from(Occurrence, Occurrence.assignment.rel_model)
               .where((Occurrence.assignment.rel_model.unit == unit.id)
                      & (Occurrence.due_at == datetime(2024, 3, day, 14))).get())
        occurrences.submit(occ, user.id, "", None, at)
    submit(a, 6, datetime(2024, 3, 6, 9))
    submit(a, 13, datetime(2024, 3, 14, 8))
    submit(a, 20, datetime(2024, 3, 20, 14))
    submit(b, 6, datetime(2024, 3, 5, 16))
    leader = factory.user(role="leader", unit=district)
    filters = Filters(None, None, period_containing("month", date(2024, 3, 1)))
    rows = {r.unit.name: r.rate for r in unit_rows(leader, filters, clock.now, 3)}
    assert (rows["Xã A"].expected, rows["Xã A"].submitted, rows["Xã A"].on_time) == (3, 3, 2)
    assert (rows["Xã B"].expected, rows["Xã B"].submitted, rows["Xã B"].on_time) == (3, 1, 1)
    total = rows["Xã A"] + rows["Xã B"]
    assert round(total.rate, 1) == 66.7 and total.on_time_rate == 50.0
    assert sum(r["expected"] for r in reporting_rows(leader, filters, clock.now)) == 6
    week = Filters(None, None, period_containing("week", date(2024, 3, 13)))
    assert {r.unit.name: r.rate.expected for r in unit_rows(leader, week, clock.now, 3)} == {"Xã A": 1, "Xã B": 1}


def test_filters_are_kept_in_the_url_and_htmx_gets_the_fragment(demo, client_for, clock):
    client = client_for("lanhdao")
    tuan_giao = Directive.get(Directive.number == "/BCĐĐA06")
    fragment = body(client.get(f"/tong-hop/?directive={tuan_giao.id}&period=quarter&date=2024-03-05",
                               headers={"HX-Request": "true"}))
    assert "<html" not in fragment and "Quý 1/2024" in fragment
    assert f'<input type="hidden" name="directive" value="{tuan_giao.id}">' in fragment
    assert "/UBND-KGVX" not in fragment.split("Theo văn bản")[1]
    assert client.get("/tong-hop/?date=not-a-date").status_code == 200
