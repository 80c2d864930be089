"""Pages of the demo's Quảng Trị set: split to communes, the figures form, the roll-ups (Phụ lục 2a and
2b of earlier versions) with their Excel, the appendix page, access."""
import io
from datetime import date, datetime

import openpyxl

from tests.test_targets_import import qt_set
from webapp.core import indicators as sets
from webapp.models import Figure, FigureEntry, Occurrence, Target, Unit


def unit(name):
    return Unit.get(Unit.name == name)


def parts():
    """The Quảng Trị set's indicators (total, opened, paid) and groups."""
    s = qt_set()
    return s, sets.indicators_of(s), sets.groups_of(s)


def split_data(district, value=lambda commune_index, group_index, field: 0):
    """The split form: per commune, per group, the total (the base's year) and four quarters (paid)."""
    s, (total, _, paid), groups = parts()
    fields = [(total.id, 0, "total")] + [(paid.id, q, f"q{q}") for q in range(1, 5)]
    data = {}
    communes = Unit.select().where((Unit.parent == district.id) & (Unit.kind == "ubnd_xa")).order_by(Unit.sort_name)
    for index, commune in enumerate(communes):
        for g, group in enumerate(groups):
            for indicator_id, part, name in fields:
                data[f"t-{commune.id}-{group.id}-{indicator_id}-{part}"] = str(value(index, g, name))
    return data


def test_district_splits_its_targets_and_sees_a_warning_when_short(demo, client_for):
    gio_linh = unit("UBND huyện Gio Linh")
    s, (total, _, _), groups = parts()
    client = client_for("giolinh")
    url = f"/chi-tieu/bo/{s.id}/chia/{gio_linh.id}?year=2024"
    page = client.get(url).get_data(as_text=True)
    assert "UBND xã Gio An" in page and "2.391" in page  # the district's target shown beside the sums
    data = split_data(gio_linh, lambda i, g, f: 10)
    preview = client.post(url, data={**data, "preview": "1"}, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in preview and f'data-sum="{groups[0].id}-{total.id}-0">170' in preview
    assert "thấp hơn chỉ tiêu được giao" in preview
    assert Target.select().join(Unit).where(Unit.parent == gio_linh.id).count() == 0  # a preview saves nothing
    response = client.post(url, data=data)
    assert response.status_code == 302
    saved = Target.select().join(Unit).where(Unit.parent == gio_linh.id)
    assert saved.count() == 17 * 2 * 5 and all(t.value == 10 for t in saved)
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu chỉ tiêu cho 17 đơn vị" in after and "thấp hơn chỉ tiêu được giao" in after
    # one warning per group, once, in the warning style (not repeated as a red error under the success)
    assert after.count("thấp hơn chỉ tiêu được giao") == after.count('<p class="warning" role="status">⚠') == 2


def test_split_with_bad_numbers_saves_nothing(demo, client_for):
    gio_linh = unit("UBND huyện Gio Linh")
    data = split_data(gio_linh, lambda i, g, f: "abc" if i == 3 and f == "q2" else 5)
    page = client_for("giolinh").post(f"/chi-tieu/bo/{qt_set().id}/chia/{gio_linh.id}?year=2024",
                                      data=data).get_data(as_text=True)
    assert "Phải là một số nguyên không âm." in page
    assert Target.select().join(Unit).where(Unit.parent == gio_linh.id).count() == 0


def test_only_the_district_splits_its_targets(demo, client_for):
    gio_linh = unit("UBND huyện Gio Linh")
    url = f"/chi-tieu/bo/{qt_set().id}/chia/{gio_linh.id}"
    assert client_for("quaicang").get(url).status_code == 404
    assert client_for("sldtbxh").get(url).status_code == 403
    assert client_for("lanhdao").get(url).status_code == 403
    assert client_for("lanhdao").post(url, data=split_data(gio_linh)).status_code == 403
    assert client_for("admin").get(url).status_code == 200
    # The old address leads to the set's page.
    assert client_for("giolinh").get(f"/chi-tieu/chia/{gio_linh.id}?year=2024").headers["Location"] == url + "?year=2024"


def entry_form(commune, b=100, opened=40, paid=30, note=""):
    """The figures form of one commune: both groups filled the same."""
    _, indicators, groups = parts()
    data = {f"v-{commune.id}-{i.id}-{g.id}": str(v) for g in groups for i, v in zip(indicators, (b, opened, paid))}
    return data | {f"note-{commune.id}": note}


def test_a_commune_enters_its_figures_and_the_districts_2b_report_counts_as_sent(demo, client_for, clock, factory):
    clock.now = datetime(2024, 3, 20, 8, 30)
    gio_an = unit("UBND xã Gio An")
    factory.user("gioan", unit=gio_an)
    client = client_for("gioan")
    url = f"/so-lieu/bo/{qt_set().id}/nhap/{gio_an.id}"
    assert client.post(f"{url}?day=2024-03-20", data=entry_form(gio_an)).status_code == 302
    assert Figure.select().where(Figure.unit == gio_an.id).count() == 6
    entry = FigureEntry.get(FigureEntry.unit == gio_an.id)
    assert entry.proxy_id is None  # entered by the commune itself
    report = (Occurrence.select().join_from(Occurrence, Occurrence.assignment.rel_model)
              .where((Occurrence.assignment.rel_model.unit == unit("UBND huyện Gio Linh").id)
                     & (Occurrence.due_at == datetime(2024, 3, 20, 9, 0))).get())
    assert report.submitted_at == datetime(2024, 3, 20, 8, 30) and "UBND xã Gio An" in report.note
    lower = client.post(f"{url}?day=2024-03-21", data=entry_form(gio_an, opened=35)).get_data(as_text=True)
    assert "cần ghi lý do" in lower
    assert Figure.select().where(Figure.day == date(2024, 3, 21)).count() == 0
    assert client.post(f"{url}?day=2024-03-21", data=entry_form(gio_an, opened=35, note="Rà soát, loại 5 đối tượng")
                       ).status_code == 302
    # The old address of the form leads to the commune's own form.
    assert client.get("/so-lieu/?day=2024-03-22").headers["Location"] == f"{url}?day=2024-03-22"


def test_a_district_enters_for_its_communes_and_is_marked_as_such(demo, client_for, clock):
    clock.now = datetime(2024, 3, 21, 8, 0)
    gio_linh, gio_an, gio_mai = unit("UBND huyện Gio Linh"), unit("UBND xã Gio An"), unit("UBND xã Gio Mai")
    client = client_for("giolinh")
    url = f"/so-lieu/bo/{qt_set().id}/nhap/{gio_linh.id}?day=2024-03-21"
    page = client.get(url).get_data(as_text=True)
    assert "UBND xã Gio An" in page and "UBND xã Trung Sơn" in page and "Lưu số liệu và nộp báo cáo" in page
    response = client.post(url, data={**entry_form(gio_an), **entry_form(gio_mai, 50, 10, 5), "report_note": "2b"})
    assert response.status_code == 302
    for commune in (gio_an, gio_mai):
        entry = FigureEntry.get((FigureEntry.unit == commune.id) & (FigureEntry.day == date(2024, 3, 21)))
        assert entry.proxy_id == gio_linh.id
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "do UBND huyện Gio Linh nhập thay" in after and "đã nộp" in after
    report = (Occurrence.select().join_from(Occurrence, Occurrence.assignment.rel_model)
              .where((Occurrence.assignment.rel_model.unit == gio_linh.id)
                     & (Occurrence.due_at == datetime(2024, 3, 21, 9, 0))).get())
    assert report.submitted_at == datetime(2024, 3, 21, 8, 0) and report.note == "2b"
    # A half-filled group is refused, naming the cell; nothing of the form is saved.
    _, indicators, groups = parts()
    half = {**entry_form(gio_an, 120), f"v-{gio_mai.id}-{indicators[0].id}-{groups[0].id}": "60"}
    refused = client.post(url.replace("21", "22"), data=half).get_data(as_text=True)
    assert "Vui lòng nhập số (0 nếu chưa có)." in refused
    assert not FigureEntry.select().where(FigureEntry.day == date(2024, 3, 22)).exists()


def test_a_commune_cannot_enter_figures_for_another_commune(demo, client_for, factory):
    factory.user("gioan", unit=unit("UBND xã Gio An"))
    other = unit("UBND xã Gio Mai")
    response = client_for("gioan").post(f"/so-lieu/bo/{qt_set().id}/nhap/{other.id}?day=2024-03-20",
                                        data=entry_form(other))
    assert response.status_code == 404
    assert Figure.select().where(Figure.unit == other.id).count() == 0


def test_roll_ups_of_a_district_and_the_province_show_targets_rates_and_export_to_excel(demo, client_for, clock,
                                                                                     factory):
    clock.now = datetime(2024, 4, 2, 8, 0)
    s = qt_set()
    for name, paid in (("UBND xã Gio An", 30), ("UBND xã Gio Mai", 50)):
        commune = unit(name)
        factory.user(name.split()[-1].lower() + "x", unit=commune)
        client_for(name.split()[-1].lower() + "x").post(f"/so-lieu/bo/{s.id}/nhap/{commune.id}?day=2024-04-01",
                                                        data=entry_form(commune, paid=paid))
    gio_linh, province = unit("UBND huyện Gio Linh"), unit("UBND tỉnh Quảng Trị")
    client = client_for("sldtbxh")
    page = client.get(f"/so-lieu/bo/{s.id}/tong-hop/{gio_linh.id}?day=2024-04-01").get_data(as_text=True)
    assert "UBND xã Gio An" in page and "Tổng cộng" in page and "<svg" in page
    assert page.count("Chưa báo cáo") == 2 * 15  # the 15 other communes, in each group, never as zeros
    province_page = client.get(f"/so-lieu/bo/{s.id}/tong-hop/{province.id}?day=2024-04-01").get_data(as_text=True)
    # Gio Linh: 200 beneficiaries, 80 paid; target to date 72 + 167 = 239 → 33,5%
    assert "UBND huyện Gio Linh" in province_page and "33,5%" in province_page
    # The total compares the districts that reported with their own targets: Đông Hà's wards reported
    # 18–20/03 and Gio Linh today; the others are "chưa báo cáo".
    assert province_page.count("Chưa báo cáo") == 2 * 7
    excel = client.get(f"/so-lieu/bo/{s.id}/tong-hop/{province.id}/excel?day=2024-04-01")
    assert excel.headers["Content-Disposition"].startswith("attachment")
    ws = openpyxl.load_workbook(io.BytesIO(excel.data), data_only=True).active
    rows = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
    gio = rows["Huyện Gio Linh"]
    # base, opened, % opened, paid, % paid, target to date, % of the target
    assert [ws.cell(gio, c).value for c in (3, 4, 6, 8)] == [200, 80, 80, 239]
    assert ws.cell(gio, 9).number_format == "0.0%" and round(ws.cell(gio, 9).value, 3) == 0.335
    assert ws.cell(rows["Huyện Vĩnh Linh"], 3).value is None
    assert ws.cell(rows["Huyện Vĩnh Linh"], ws.max_column).value == "Chưa báo cáo"
    district_rows = [r for name, r in rows.items() if isinstance(name, str) and name[:4] in ("Huyệ", "Thàn", "Thị ")]
    assert len(district_rows) == 9
    assert ws.cell(rows["Tổng cộng"], 6).value == sum(ws.cell(r, 6).value or 0 for r in district_rows) > 80
    formulas = openpyxl.load_workbook(io.BytesIO(excel.data)).active
    assert formulas.cell(rows["Tổng cộng"], 6).value.startswith("=SUM(")
    assert formulas.cell(gio, 9).value == f"=F{gio}/H{gio}"
    # The old address leads to the set's roll-up.
    old = client.get(f"/so-lieu/2a/{province.id}?day=2024-04-01")
    assert old.headers["Location"] == f"/so-lieu/bo/{s.id}/tong-hop/{province.id}?day=2024-04-01"


def test_roll_ups_are_only_for_people_inside_or_above(demo, client_for):
    gio_linh, province = unit("UBND huyện Gio Linh"), unit("UBND tỉnh Quảng Trị")
    s = qt_set().id
    assert client_for("quaicang").get(f"/so-lieu/bo/{s}/tong-hop/{gio_linh.id}").status_code == 404
    assert client_for("tuangiao").get(f"/so-lieu/bo/{s}/tong-hop/{province.id}").status_code == 404
    assert client_for("giolinh").get(f"/so-lieu/bo/{s}/tong-hop/{gio_linh.id}").status_code == 200
    assert client_for("lanhdao").get(f"/so-lieu/bo/{s}/tong-hop/{province.id}").status_code == 200
    assert client_for("giolinh").get(f"/so-lieu/bo/{s}/tong-hop/{unit('UBND thành phố Đông Hà').id}").status_code == 404


def test_the_targets_page_shows_the_appendix_of_its_own_province_in_the_official_order(demo, client_for):
    page = client_for("sldtbxh").get(f"/chi-tieu/bo/{qt_set().id}?year=2024").get_data(as_text=True)
    [total_row] = page.split('<tr class="total">')[1:]
    for number in ("16.975", "5.385", "32%", "47.479", "13.519", "28%"):
        assert number in total_row, number
    # Issue 15: named as the appendix names them, in its order, and only this province's districts.
    names = ["Thành phố Đông Hà", "Thị xã Quảng Trị", "Huyện Gio Linh", "Huyện Vĩnh Linh", "Huyện Cam Lộ",
             "Huyện Hải Lăng", "Huyện Triệu Phong", "Huyện Đakrông", "Huyện Hướng Hóa"]
    assert [page.index(n) for n in names] == sorted(page.index(n) for n in names)
    assert "Tuần Giáo" not in page
    giolinh = client_for("giolinh").get(f"/chi-tieu/bo/{qt_set().id}").get_data(as_text=True)
    assert "Huyện Gio Linh" in giolinh and "Huyện Cam Lộ" not in giolinh
    assert client_for("quaicang").get(f"/chi-tieu/bo/{qt_set().id}").status_code == 404
    assert "Tiến độ mở tài khoản" not in client_for("quaicang").get("/chi-tieu/").get_data(as_text=True)


def test_the_figure_pages_take_a_day_typed_dd_mm_yyyy_and_explain_one_they_cannot_read(demo, client_for, clock):
    clock.now = datetime(2024, 4, 2, 8, 0)
    gio_linh = unit("UBND huyện Gio Linh")
    s = qt_set().id
    client = client_for("sldtbxh")
    typed = client.get(f"/so-lieu/bo/{s}/tong-hop/{gio_linh.id}?day=22/03/2024").get_data(as_text=True)
    assert 'value="22/03/2024"' in typed and 'type="date"' not in typed
    wrong = client.get(f"/so-lieu/bo/{s}/tong-hop/{gio_linh.id}?day=31/02/2024")
    assert wrong.status_code == 200
    page = wrong.get_data(as_text=True)
    assert 'role="alert"' in page and 'value="31/02/2024"' in page
    form = client_for("giolinh").get(f"/so-lieu/bo/{s}/nhap/{gio_linh.id}?day=15/03/2024").get_data(as_text=True)
    assert "Số liệu ngày 15/03/2024" in form and 'value="15/03/2024"' in form
    before = Figure.select().count()
    response = client_for("giolinh").post(f"/so-lieu/bo/{s}/nhap/{gio_linh.id}?day=31/02/2024",
                                          data=entry_form(gio_linh))
    assert response.status_code == 400 and Figure.select().count() == before


def test_numbers_beyond_what_the_database_holds_are_refused_with_the_limit_and_nothing_is_saved(demo, client_for,
                                                                                                 factory, clock):
    clock.now = datetime(2024, 3, 20, 8, 30)
    gio_linh = unit("UBND huyện Gio Linh")
    s = qt_set().id
    huge = str(2 ** 63)
    data = split_data(gio_linh, lambda i, g, f: huge if i == 0 and f == "total" else 5)
    page = client_for("giolinh").post(f"/chi-tieu/bo/{s}/chia/{gio_linh.id}?year=2024", data=data).get_data(as_text=True)
    assert "Số quá lớn: tối đa 2.000.000.000." in page
    assert Target.select().join(Unit).where(Unit.parent == gio_linh.id).count() == 0
    gio_an = unit("UBND xã Gio An")
    factory.user("gioan", unit=gio_an)
    before = Figure.select().count()
    for value in (huge, "9" * 5000):
        page = client_for("gioan").post(f"/so-lieu/bo/{s}/nhap/{gio_an.id}?day=2024-03-20",
                                        data=entry_form(gio_an, b=value)).get_data(as_text=True)
        assert page.count("Số quá lớn: tối đa 2.000.000.000.") == 2  # one per group
    assert Figure.select().count() == before


def test_a_roll_up_of_many_units_shows_them_a_page_at_a_time_with_the_total_of_all(app, factory, client_for):
    from tests.helpers import figures_row
    from webapp.core import figures
    district = factory.unit("UBND huyện Nhiều Xã", kind="ubnd_huyen")
    communes = [factory.unit(f"UBND xã Số {n:02d}", parent=district) for n in range(1, 58)]
    s = sets.create_set(factory.directive(issuer=district), "Số hộ được thăm", None, district, "ubnd_xa", "year",
                        now=factory.now)
    sets.save_definition(s, [sets.IndicatorInput(None, "Số hộ", aggregation="stock")],
                         [sets.GroupInput(g.id, g.name) for g in sets.groups_of(s)], now=factory.now)
    officer = factory.user("nhieuxa", unit=district)
    figures.save(s, district, date(2024, 3, 20), {c.id: figures_row(s, [[n]]) for n, c in enumerate(communes, 1)},
                 officer.id, factory.now)
    factory.user("quantri", role="admin")
    client = client_for("quantri")
    first = client.get(f"/so-lieu/bo/{s.id}/tong-hop/{district.id}?day=2024-03-20").get_data(as_text=True)
    second = client.get(f"/so-lieu/bo/{s.id}/tong-hop/{district.id}?day=2024-03-20&page=2").get_data(as_text=True)
    assert "Trang 1/2 · 57 mục" in first and "Trang 2/2 · 57 mục" in second
    assert [f"UBND xã Số {n:02d}" in first for n in (1, 50, 51)] == [True, True, False]
    assert [f"UBND xã Số {n:02d}" in second for n in (50, 51, 57)] == [False, True, True]
    assert "1.653" in first and "1.653" in second  # Tổng cộng: 1 + 2 + … + 57 on every page
    assert "57/57" in second
    excel = client.get(f"/so-lieu/bo/{s.id}/tong-hop/{district.id}/excel?day=2024-03-20")
    names = [row[1] for row in openpyxl.load_workbook(io.BytesIO(excel.data)).active.iter_rows(values_only=True)]
    assert sum(1 for name in names if str(name).startswith("Xã Số") or str(name).startswith("UBND xã Số")) == 57
