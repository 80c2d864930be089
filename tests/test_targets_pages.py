"""Pages of targets and progress figures: split to communes, figure entry, Phụ lục 2a/2b, access."""
import io
from datetime import date, datetime

import openpyxl

from webapp.models import Occurrence, ProgressFigure, Target, Unit


def unit(name):
    return Unit.get(Unit.name == name)


def split_data(district, value=lambda commune_index, group, field: 0):
    data = {}
    for index, commune in enumerate(Unit.select().where((Unit.parent == district.id) & (Unit.kind == "ubnd_xa"))
                                    .order_by(Unit.sort_name)):
        for group in ("nguoi_co_cong", "bao_tro_xa_hoi"):
            for field in ("total", "q1", "q2", "q3", "q4"):
                data[f"v-{commune.id}-{group}-{field}"] = str(value(index, group, field))
    return data


def test_district_splits_its_targets_and_sees_a_warning_when_short(demo, client_for):
    gio_linh = unit("UBND huyện Gio Linh")
    client = client_for("giolinh")
    page = client.get(f"/chi-tieu/chia/{gio_linh.id}?year=2024").get_data(as_text=True)
    assert "xã Gio An" in page and "2.391" in page  # the district's target shown beside the sums
    data = split_data(gio_linh, lambda i, g, f: 10)
    preview = client.post(f"/chi-tieu/chia/{gio_linh.id}?year=2024", data={**data, "preview": "1"},
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in preview and 'data-sum="nguoi_co_cong-total">170' in preview
    assert "thấp hơn chỉ tiêu của huyện" in preview
    assert Target.select().join(Unit).where(Unit.parent == gio_linh.id).count() == 0  # a preview saves nothing
    response = client.post(f"/chi-tieu/chia/{gio_linh.id}?year=2024", data=data)
    assert response.status_code == 302
    saved = Target.select().join(Unit).where(Unit.parent == gio_linh.id)
    assert saved.count() == 17 * 2 and all(t.total == 10 for t in saved)
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu chỉ tiêu cho 17 xã" in after and "thấp hơn chỉ tiêu của huyện" in after
    # one warning per group, once, in the warning style (not repeated as a red error under the success)
    assert after.count("thấp hơn chỉ tiêu của huyện") == after.count('<p class="warning" role="status">⚠') == 2


def test_split_with_bad_numbers_saves_nothing(demo, client_for):
    gio_linh = unit("UBND huyện Gio Linh")
    data = split_data(gio_linh, lambda i, g, f: "abc" if i == 3 and f == "q2" else 5)
    page = client_for("giolinh").post(f"/chi-tieu/chia/{gio_linh.id}?year=2024", data=data).get_data(as_text=True)
    assert "Phải là số nguyên không âm." in page
    assert Target.select().join(Unit).where(Unit.parent == gio_linh.id).count() == 0


def test_only_the_district_splits_its_targets(demo, client_for):
    gio_linh = unit("UBND huyện Gio Linh")
    assert client_for("quaicang").get(f"/chi-tieu/chia/{gio_linh.id}").status_code == 404
    assert client_for("sldtbxh").get(f"/chi-tieu/chia/{gio_linh.id}").status_code == 403
    assert client_for("lanhdao").get(f"/chi-tieu/chia/{gio_linh.id}").status_code == 403
    assert client_for("lanhdao").post(f"/chi-tieu/chia/{gio_linh.id}", data=split_data(gio_linh)).status_code == 403
    assert client_for("admin").get(f"/chi-tieu/chia/{gio_linh.id}").status_code == 200


def entry_form(b=100, opened=40, paid=30, note=""):
    return {f"{g}-{k}": str(v) for g in ("nguoi_co_cong", "bao_tro_xa_hoi")
            for k, v in (("beneficiaries", b), ("accounts_opened", opened), ("paid_cashless", paid))} | \
        {"nguoi_co_cong-note": note, "bao_tro_xa_hoi-note": note}


def test_a_commune_enters_its_figures_and_the_districts_2b_report_counts_as_sent(demo, client_for, clock, factory):
    clock.now = datetime(2024, 3, 20, 8, 30)
    gio_an = unit("UBND xã Gio An")
    factory.user("gioan", unit=gio_an)
    client = client_for("gioan")
    assert client.post("/so-lieu/?day=2024-03-20", data=entry_form()).status_code == 302
    assert ProgressFigure.select().where(ProgressFigure.unit == gio_an.id).count() == 2
    report = (Occurrence.select().join_from(Occurrence, Occurrence.assignment.rel_model)
              .where((Occurrence.assignment.rel_model.unit == unit("UBND huyện Gio Linh").id)
                     & (Occurrence.due_at == datetime(2024, 3, 20, 9, 0))).get())
    assert report.submitted_at == datetime(2024, 3, 20, 8, 30)
    lower = client.post("/so-lieu/?day=2024-03-21", data=entry_form(opened=35)).get_data(as_text=True)
    assert "cần ghi lý do" in lower
    assert ProgressFigure.select().where(ProgressFigure.day == date(2024, 3, 21)).count() == 0


def test_a_commune_cannot_enter_figures_for_another_commune(demo, client_for, factory):
    factory.user("gioan", unit=unit("UBND xã Gio An"))
    other = unit("UBND xã Gio Mai")
    response = client_for("gioan").post(f"/so-lieu/?day=2024-03-20&unit={other.id}", data=entry_form())
    assert ProgressFigure.select().where(ProgressFigure.unit == other.id).count() == 0
    assert response.status_code in (302, 200)  # the unit parameter is ignored for non-admins: own unit
    assert ProgressFigure.select().where(ProgressFigure.unit == unit("UBND xã Gio An").id).count() == 2


def test_phu_luc_2b_and_2a_show_the_roll_up_with_targets_and_export_to_excel(demo, client_for, clock, factory):
    clock.now = datetime(2024, 4, 2, 8, 0)
    for name, paid in (("UBND xã Gio An", 30), ("UBND xã Gio Mai", 50)):
        factory.user(name.split()[-1].lower() + "x", unit=unit(name))
        client_for(name.split()[-1].lower() + "x").post("/so-lieu/?day=2024-04-01", data=entry_form(paid=paid))
    gio_linh, province = unit("UBND huyện Gio Linh"), unit("UBND tỉnh Quảng Trị")
    client = client_for("sldtbxh")
    page = client.get(f"/so-lieu/2b/{gio_linh.id}?day=2024-04-01").get_data(as_text=True)
    assert "xã Gio An" in page and "Tổng cộng" in page and "<svg" in page
    province_page = client.get(f"/so-lieu/2a/{province.id}?day=2024-04-01").get_data(as_text=True)
    # Gio Linh: 200 beneficiaries, 80 paid; target to date 72 + 167 = 239 → 33,5%
    assert "UBND huyện Gio Linh" in province_page and "33,5%" in province_page
    excel = client.get(f"/so-lieu/2a/{province.id}/excel?day=2024-04-01")
    assert excel.headers["Content-Disposition"].startswith("attachment")
    ws = openpyxl.load_workbook(io.BytesIO(excel.data)).active
    rows = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
    gio = rows["UBND huyện Gio Linh"]
    assert [ws.cell(gio, c).value for c in (3, 4, 5, 7)] == [200, 80, 80, 239]
    assert ws.cell(gio, 8).number_format == "0.0%" and round(ws.cell(gio, 8).value, 3) == 0.335
    district_rows = [r for name, r in rows.items() if isinstance(name, str) and name.startswith("UBND ")]
    assert len(district_rows) == 9
    assert ws.cell(rows["Tổng cộng"], 5).value == sum(ws.cell(r, 5).value for r in district_rows) > 80


def test_roll_ups_are_only_for_people_inside_or_above(demo, client_for):
    gio_linh, province = unit("UBND huyện Gio Linh"), unit("UBND tỉnh Quảng Trị")
    assert client_for("quaicang").get(f"/so-lieu/2b/{gio_linh.id}").status_code == 404
    assert client_for("tuangiao").get(f"/so-lieu/2a/{province.id}").status_code == 404
    assert client_for("giolinh").get(f"/so-lieu/2b/{gio_linh.id}").status_code == 200
    assert client_for("lanhdao").get(f"/so-lieu/2a/{province.id}").status_code == 200
    assert client_for("giolinh").get(f"/so-lieu/2b/{unit('UBND thành phố Đông Hà').id}").status_code == 404


def test_the_targets_page_shows_the_appendix_with_its_totals_to_the_province(demo, client_for):
    page = client_for("sldtbxh").get("/chi-tieu/?year=2024").get_data(as_text=True)
    total_rows = page.split('<tr class="total">')[1:]
    assert len(total_rows) == 2
    assert "16.975" in total_rows[0] and "5.385" in total_rows[0] and "32%" in total_rows[0]
    assert "47.479" in total_rows[1] and "13.519" in total_rows[1] and "28%" in total_rows[1]
    assert "UBND huyện Gio Linh" in client_for("giolinh").get("/chi-tieu/").get_data(as_text=True)
    assert "UBND huyện Gio Linh" not in client_for("quaicang").get("/chi-tieu/").get_data(as_text=True)


def test_the_figure_pages_take_a_day_typed_dd_mm_yyyy_and_explain_one_they_cannot_read(demo, client_for, clock):
    clock.now = datetime(2024, 4, 2, 8, 0)
    gio_linh = unit("UBND huyện Gio Linh")
    client = client_for("sldtbxh")
    typed = client.get(f"/so-lieu/2b/{gio_linh.id}?day=22/03/2024").get_data(as_text=True)
    assert 'value="22/03/2024"' in typed and 'type="date"' not in typed
    wrong = client.get(f"/so-lieu/2b/{gio_linh.id}?day=31/02/2024")
    assert wrong.status_code == 200
    page = wrong.get_data(as_text=True)
    assert 'role="alert"' in page and 'value="31/02/2024"' in page
    giolinh = client_for("giolinh").get("/so-lieu/?day=15/03/2024").get_data(as_text=True)
    assert "Số liệu tiến độ ngày 15/03/2024" in giolinh and 'value="15/03/2024"' in giolinh
    before = ProgressFigure.select().count()
    assert client_for("giolinh").post("/so-lieu/?day=31/02/2024", data=entry_form()).status_code == 400
    assert ProgressFigure.select().count() == before


def test_numbers_beyond_what_the_database_holds_are_refused_with_the_limit_and_nothing_is_saved(demo, client_for,
                                                                                                 factory, clock):
    clock.now = datetime(2024, 3, 20, 8, 30)
    gio_linh = unit("UBND huyện Gio Linh")
    huge = str(2 ** 63)
    data = split_data(gio_linh, lambda i, g, f: huge if i == 0 and f == "total" else 5)
    page = client_for("giolinh").post(f"/chi-tieu/chia/{gio_linh.id}?year=2024", data=data).get_data(as_text=True)
    assert "Số quá lớn: tối đa 2.000.000.000." in page
    assert Target.select().join(Unit).where(Unit.parent == gio_linh.id).count() == 0
    factory.user("gioan", unit=unit("UBND xã Gio An"))
    before = ProgressFigure.select().count()
    for value in (huge, "9" * 5000):
        page = client_for("gioan").post("/so-lieu/?day=2024-03-20", data=entry_form(b=value)).get_data(as_text=True)
        assert page.count("Số quá lớn: tối đa 2.000.000.000.") == 2  # one per group
    assert ProgressFigure.select().count() == before
