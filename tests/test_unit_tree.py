"""The admin unit tree: opened as far as a few screens hold, a unit's children loaded on demand a
hundred at a time (htmx, or the page opened at that unit without JavaScript), and a search by name;
the page stays small whatever the number of units."""
from tests.helpers import TEST_NOW
from webapp.core.units import create_unit
from webapp.models import Unit


def html(response):
    assert response.status_code == 200
    return response.get_data(as_text=True)


def big_province(n=260):
    root = create_unit("UBND tỉnh Rộng", "ubnd_tinh", None, now=TEST_NOW)
    district = create_unit("UBND huyện Một", "ubnd_huyen", root, now=TEST_NOW)
    communes = [create_unit(f"UBND xã Số {i:03d}", "ubnd_xa", root, now=TEST_NOW) for i in range(n)]
    group = create_unit("Tổ công tác xã Số 007", "to_cong_tac", communes[7], now=TEST_NOW)
    return root, district, communes, group


def test_a_small_tree_is_shown_whole(demo, client_for):
    page = html(client_for("admin").get("/quan-tri/don-vi/"))
    for name in ("UBND tỉnh Quảng Trị", "UBND huyện Gio Linh", "UBND xã Gio An", "Tổ công tác Đề án 06 xã Quài Cang"):
        assert name in page, name
    assert "Tải thêm" not in page


def test_a_wide_tree_opens_a_hundred_at_a_time(app, factory, client_for):
    root, district, communes, group = big_province()  # 261 units under the province: the district first
    client = client_for(factory.user(role="admin", unit=root).username)
    page = html(client.get("/quan-tri/don-vi/"))
    assert "UBND xã Số 098" in page and "UBND xã Số 099" not in page
    assert "Tổ công tác xã Số 007" in page  # the level below is opened while it fits in the page
    assert "Tải thêm (161 đơn vị nữa)" in page and len(page) < 60_000
    # The next chunk, as htmx asks for it, ends with the button for the rest.
    chunk = html(client.get(f"/quan-tri/don-vi/{root.id}/con?tu=100", headers={"HX-Request": "true"}))
    assert "UBND xã Số 099" in chunk and "UBND xã Số 198" in chunk and "UBND xã Số 199" not in chunk
    assert "Tải thêm (61 đơn vị nữa)" in chunk
    assert "<html" not in chunk
    last = html(client.get(f"/quan-tri/don-vi/{root.id}/con?tu=200"))
    assert "UBND xã Số 259" in last and "Tải thêm" not in last
    # A commune with a unit under it opens on demand, or as a page opened at it without JavaScript.
    assert "Tổ công tác xã Số 007" in html(client.get(f"/quan-tri/don-vi/{communes[7].id}/con"))
    opened = html(client.get(f"/quan-tri/don-vi/?mo={communes[7].id}"))
    assert "Tổ công tác xã Số 007" in opened
    third = html(client.get(f"/quan-tri/don-vi/?mo={root.id}&trang=3"))
    assert "UBND xã Số 199" in third and "UBND xã Số 198" not in third and "‹ 200 đơn vị trước" in third


def test_units_are_found_by_name_without_tone_marks(app, factory, client_for):
    root, *_ = big_province(30)
    admin = factory.user(role="admin", unit=root)
    page = html(client_for(admin.username).get("/quan-tri/don-vi/?q=to+cong+tac"))
    assert "Tổ công tác xã Số 007" in page and "thuộc UBND xã Số 007" in page and "UBND xã Số 008" not in page
    assert "Không có đơn vị nào có “không có”" in html(client_for(admin.username).get("/quan-tri/don-vi/?q=không+có"))
