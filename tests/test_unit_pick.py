"""A form's unit typed by name (forms.UnitPickField) on the admin forms: the matches come while
typing; without JavaScript the name sent is taken when it names one unit, and several are listed
as choices; the forms carry no list of every unit."""
from webapp.models import User, Unit


def html(response):
    return response.get_data(as_text=True)


def user_form(unit_id="", **extra):
    return {"full_name": "Người Thử", "role": "staff", "unit": unit_id, "active": "y", "email": "",
            "username": "nguoithu", "password": "matkhau-dai-1", "confirm": "matkhau-dai-1", **extra}


def test_typed_names_are_matched_and_choices_offered(demo, client_for):
    client = client_for("admin")
    page = html(client.get("/quan-tri/nguoi-dung/moi"))
    assert 'name="unit_q"' in page and "<option" not in page.split('name="unit_q"')[0].rsplit("<label", 1)[-1]
    assert "UBND xã Quài Cang" not in page
    quai_cang = Unit.get(Unit.name == "UBND xã Quài Cang")
    # One match: taken.
    assert client.post("/quan-tri/nguoi-dung/moi", data=user_form(unit_q="ubnd xa quai cang")).status_code == 302
    assert User.get(User.username == "nguoithu").unit_id == quai_cang.id
    # Several: listed as choices under the error, nothing saved; the one chosen is then taken.
    several = client.post("/quan-tri/nguoi-dung/moi", data=user_form(username="nguoithu2", unit_q="quài"))
    page = html(several)
    assert several.status_code == 200 and "Có nhiều đơn vị khớp “quài”: chọn một." in page
    assert f'name="unit_pick" value="{quai_cang.id}"' in page and not User.select().where(User.username == "nguoithu2").exists()
    chosen = client.post("/quan-tri/nguoi-dung/moi", data=user_form(username="nguoithu2", unit_q="quài",
                                                                     unit_pick=str(quai_cang.id)))
    assert chosen.status_code == 302 and User.get(User.username == "nguoithu2").unit_id == quai_cang.id
    none = html(client.post("/quan-tri/nguoi-dung/moi", data=user_form(username="nguoithu3", unit_q="zzz")))
    assert "Không tìm thấy đơn vị nào có “zzz”." in none
    blank = html(client.post("/quan-tri/nguoi-dung/moi", data=user_form(username="nguoithu3")))
    assert "Vui lòng chọn đơn vị." in blank


def test_the_matches_while_typing_are_buttons_of_active_units(demo, client_for):
    client = client_for("admin")
    page = html(client.get("/quan-tri/goi-y-don-vi?field=parent&parent_q=gio+linh", headers={"HX-Request": "true"}))
    gio_linh = Unit.get(Unit.name == "UBND huyện Gio Linh")
    assert f'data-pick-value="{gio_linh.id}"' in page and 'data-pick-label="UBND huyện Gio Linh"' in page
    assert page.count("<li>") <= 15
    assert client_for("quaicang").get("/quan-tri/goi-y-don-vi?field=parent&parent_q=x").status_code == 403
