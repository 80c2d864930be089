"""Search-as-you-type filters (unit, directive) on the unit home and the dashboard: the matches of
what is typed, only among what the user may see; without JavaScript the typed text is sent with the
form and the server picks the one match, or lists them to choose from; the pages carry no menu of
every unit or directive."""
from webapp.models import Directive, Unit


def text(response):
    return response.get_data(as_text=True)


def test_the_matches_ignore_case_and_tone_marks_and_stay_inside_what_the_user_sees(demo, client_for):
    leader = client_for("tuangiao")
    page = text(leader.get("/goi-y/don-vi?unit_q=quai%20cang&for=home.index&status=overdue",
                           headers={"HX-Request": "true"}))
    quai_cang = Unit.get(Unit.name == "UBND xã Quài Cang")
    assert f"unit={quai_cang.id}" in page and "status=overdue" in page and "Quài Cang" in page
    assert 'hx-target="#assignment-list"' in page
    # Gio Linh's communes are not in Tuần Giáo's subtree.
    assert "Gio" not in text(leader.get("/goi-y/don-vi?unit_q=gio&for=home.index"))
    assert "Không tìm thấy đơn vị" in text(leader.get("/goi-y/don-vi?unit_q=gio&for=home.index"))
    province = client_for("lanhdao")
    many = text(province.get("/goi-y/don-vi?unit_q=xa&for=dashboard.index"))
    assert many.count("<li>") == 15 and "gõ thêm để thu hẹp" in many and 'hx-target="#dashboard-body"' in many
    directives = text(province.get("/goi-y/van-ban?directive_q=bcdda06&for=dashboard.overdue_list"))
    assert "/BCĐĐA06" in directives and "/UBND-KGVX" not in directives


def test_typed_text_without_javascript_picks_the_one_match_or_lists_them(demo, client_for):
    leader = client_for("tuangiao")
    quai_cang = Unit.get(Unit.name == "UBND xã Quài Cang")
    one = leader.get("/?unit_q=UBND+x%C3%A3+Qu%C3%A0i+Cang&status=")
    assert one.status_code == 302 and one.headers["Location"] == f"/?unit={quai_cang.id}"
    several = leader.get("/?unit_q=qu%C3%A0i")
    page = text(several)
    assert several.status_code == 200 and "Có nhiều đơn vị khớp “quài”" in page
    assert f'href="/?unit={quai_cang.id}"' in page
    none = text(leader.get("/?unit_q=Gio+Linh"))
    assert "Không tìm thấy đơn vị nào có “Gio Linh”" in none
    # The chosen unit's own name sent back keeps it; an emptied field drops the filter.
    kept = leader.get(f"/?unit={quai_cang.id}&unit_q=UBND+x%C3%A3+Qu%C3%A0i+Cang")
    assert kept.headers["Location"] == f"/?unit={quai_cang.id}"
    assert leader.get(f"/?unit={quai_cang.id}&unit_q=").headers["Location"] == "/"


def test_htmx_filters_are_answered_in_place_with_the_clean_address(demo, client_for):
    leader = client_for("lanhdao")
    directive = Directive.get(Directive.number == "/BCĐĐA06")
    response = leader.get("/tong-hop/?directive_q=BC%C4%90%C4%90A06&unit_q=", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Push-Url"] == f"/tong-hop/?directive={directive.id}"
    assert f'<input type="hidden" name="directive" value="{directive.id}">' in text(response)


def test_pages_carry_no_menu_of_every_unit_and_directive(demo, client_for):
    for url in ("/", "/tong-hop/", "/tong-hop/qua-han", "/tong-hop/xep-hang"):
        page = text(client_for("lanhdao").get(url))
        assert 'name="unit_q"' in page and 'name="directive_q"' in page, url
        # Only the status and period menus: no option per unit or directive.
        assert page.count("<option") <= len("overdue due_soon not_due done_on_time done_late all".split()) + 3, url
