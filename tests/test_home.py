"""The unit home: scoped lists, counts per status class, filters and htmx fragments."""
import itertools
from datetime import date, datetime, timedelta

from webapp.core.assignments import counts_by_status, scoped
from webapp.models import Assignment, Directive, Unit
from webapp.rules import status


def rows(page):
    """The text of the list's body rows, without the filter form around it."""
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""


def test_status_counts_in_sql_match_the_python_rule(app, factory, clock):
    """The SQL CASE and rules.status.classify must agree on every boundary."""
    now = datetime(2024, 3, 20, 9, 0)
    clock.now = now
    unit = factory.unit()
    directive = factory.directive()
    dues = [None, now, now - timedelta(seconds=1), now + timedelta(days=3), now + timedelta(days=3, seconds=1)]
    dones = [None, now - timedelta(days=1), now, now + timedelta(seconds=1)]
    expected = {c: 0 for c in status.CLASSES}
    for i, (due, done) in enumerate(itertools.product(dues, dones)):
        task = factory.task(directive, lead=[unit], kind="ongoing", text=f"t{i}")
        Assignment.update(due_at=due, done_at=done).where(Assignment.task == task.id).execute()
        expected[status.classify(due, done, now, 3)] += 1
    admin = factory.user(role="admin", unit=unit)
    assert counts_by_status(scoped(admin), now, 3) == expected
    assert all(expected[c] for c in status.CLASSES)


def test_staff_home_lists_only_their_units_assignments(demo, client_for):
    page = rows(client_for("quaicang").get("/").get_data(as_text=True))
    assert "Tổ công tác Đề án 06 xã Quài Cang" in page
    assert "Quài Nưa" not in page and "Sở Lao động" not in page


def test_counts_on_top_and_filter_by_class(demo, client_for, clock):
    clock.now = datetime(2024, 4, 5, 8, 0)
    client = client_for("tuangiao")
    page = client.get("/").get_data(as_text=True)
    assert "Đang thực hiện quá hạn" in page
    overdue = rows(client.get("/?status=overdue").get_data(as_text=True))
    assert "quá hạn" in overdue and "Hoàn thành" not in overdue
    done = rows(client.get("/?status=done_on_time").get_data(as_text=True))
    assert "Quài Nưa" in done and "Chiềng Sinh" not in done  # Chiềng Sinh finished after 31/03
    late = rows(client.get("/?status=done_late").get_data(as_text=True))
    assert "Chiềng Sinh" in late


def test_filter_by_directive(demo, client_for):
    client = client_for("lanhdao")
    tuan_giao = Directive.get(Directive.number == "/BCĐĐA06")
    page = rows(client.get(f"/?directive={tuan_giao.id}").get_data(as_text=True))
    assert "/BCĐĐA06" in page and "/UBND-KGVX" not in page


def test_htmx_request_gets_the_fragment_and_history_restore_gets_the_page(demo, client_for):
    client = client_for("tuangiao")
    fragment = client.get("/?status=overdue", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'name="status"' in fragment
    full = client.get("/?status=overdue", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in full.get_data(as_text=True)


def test_leader_can_narrow_to_a_unit_in_the_subtree_but_not_outside(demo, client_for):
    client = client_for("tuangiao")
    commune = Unit.get(Unit.name == "UBND xã Quài Cang")
    page = rows(client.get(f"/?unit={commune.id}").get_data(as_text=True))
    assert "Quài Cang" in page and "Quài Nưa" not in page
    outside = Unit.get(Unit.name == "UBND huyện Gio Linh")
    assert client.get(f"/?unit={outside.id}").status_code == 404
    assert client_for("quaicang").get(f"/?unit={commune.id}").status_code == 404


def test_long_lists_are_paginated(app, factory, client_for):
    unit = factory.unit("Xã Dài")
    factory.user("daidong", unit=unit)
    directive = factory.directive()
    for i in range(55):
        factory.task(directive, lead=[unit], text=f"Nhiệm vụ số {i}", due=date(2024, 4, 1))
    client = client_for("daidong")
    first = client.get("/").get_data(as_text=True)
    assert "Trang 1/2" in first and "55 mục" in first
    second = client.get("/?page=2").get_data(as_text=True)
    assert second.count('<tr>') - 1 == 5  # five rows and the header row
    assert client.get("/?page=abc").status_code == 404


def test_empty_home_says_so(app, factory, client_for):
    factory.user("trong", unit=factory.unit("Xã Trống"))
    assert "Không có việc nào khớp với bộ lọc." in client_for("trong").get("/").get_data(as_text=True)


def test_directive_page_shows_sections_and_the_matrix_for_what_the_user_may_see(demo, client_for):
    tuan_giao = Directive.get(Directive.number == "/BCĐĐA06")
    leader_page = client_for("lanhdao").get(f"/van-ban/{tuan_giao.id}").get_data(as_text=True)
    assert "1. Tổ Công tác Đề án 06 cấp xã" in leader_page and "table class=\"matrix\"" in leader_page
    assert leader_page.count('<th scope="row">') == 19 + 3 + 1 + 1 + 1  # groups, telecoms, police, labour, post
    staff_page = client_for("quaicang").get(f"/van-ban/{tuan_giao.id}").get_data(as_text=True)
    assert staff_page.count('<th scope="row">') == 1
    quang_tri = Directive.get(Directive.number == "/UBND-KGVX")
    assert client_for("quaicang").get(f"/van-ban/{quang_tri.id}").status_code == 404
    assert client_for("tuangiao").get(f"/van-ban/{quang_tri.id}").status_code == 404


def test_directive_search(demo, client_for):
    client = client_for("lanhdao")
    page = client.get("/van-ban/?q=cao+điểm").get_data(as_text=True)
    assert "/BCĐĐA06" in page and "/UBND-KGVX" not in page
    assert "Không tìm thấy văn bản nào" in client.get("/van-ban/?q=khongco").get_data(as_text=True)
    fragment = client.get("/van-ban/?q=KGVX", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "/UBND-KGVX" in fragment
    assert "/BCĐĐA06" not in client_for("giolinh").get("/van-ban/").get_data(as_text=True)
