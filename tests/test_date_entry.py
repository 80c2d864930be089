"""What tripped users in the browser: one date field that reads and shows dd/mm/yyyy whatever the
browser's language (typed, a calendar as a help), dashboard filters that wait until the day is typed,
month and year selects for the monthly report, addresses without blank parameters, and the submitted
report's badge on a phone."""
import re
from pathlib import Path

import pytest

from tests.helpers import DEMO_PASSWORD, watched_context
from webapp.models import MonthlyReport, Unit, User

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def html(response):
    return response.get_data(as_text=True)


def date_inputs(page_html, name=None):
    fields = re.findall(r"<input[^>]*class=\"date-input\"[^>]*>", page_html)
    return [f for f in fields if name is None or f'name="{name}"' in f]


def test_no_page_uses_the_browsers_own_date_or_month_input():
    """Their format follows the browser's language (month first on an English browser)."""
    offenders = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")
                 if re.search(r'type=["\'](date|month)["\']', p.read_text())]
    assert offenders == []


def test_the_dashboard_day_is_a_typed_dd_mm_yyyy_field_showing_the_day_asked_for(demo, client_for):
    client = client_for("lanhdao")
    (field,) = date_inputs(html(client.get("/tong-hop/")), "date")
    assert 'name="date"' in field and 'value="20/03/2024"' in field and 'placeholder="dd/mm/yyyy"' in field
    assert 'inputmode="numeric"' in field
    (field,) = date_inputs(html(client.get("/tong-hop/?date=15/02/2024")), "date")
    assert 'value="15/02/2024"' in field
    page = html(client.get("/tong-hop/?date=31/02/2024"))
    assert "Không có ngày 31/02/2024 trong lịch." in page and 'value="31/02/2024"' in date_inputs(page, "date")[0]


def test_the_audit_log_filters_by_days_typed_dd_mm_yyyy(demo, client_for):
    client = client_for("admin")
    page = html(client.get("/quan-tri/nhat-ky?from=01/03/2024&to=20/03/2024"))
    fields = date_inputs(page)
    assert len(fields) == 2 and 'value="01/03/2024"' in fields[0] and 'value="20/03/2024"' in fields[1]
    assert "Từ ngày:" not in page  # both read
    assert "Đến ngày: Ngày không hợp lệ" in html(client.get("/quan-tri/nhat-ky?to=20-3"))


def test_the_monthly_report_month_is_chosen_with_month_and_year_selects(demo, client_for):
    client = client_for("sldtbxh")
    page = html(client.get("/bao-cao/"))
    assert 'id="month" name="month"' in page and 'id="year" name="year"' in page and 'type="month"' not in page
    assert re.search(r'<option selected value="3">Tháng 03</option>', page)
    assert re.search(r'<option selected value="2024">2024</option>', page)
    so = User.get(User.username == "sldtbxh").unit
    response = client.post("/bao-cao/tao", data={"unit": so.id, "directive": "0", "month": "2", "year": "2024"})
    report = MonthlyReport.get()
    assert response.status_code == 302 and (report.month, report.year, report.directive_id) == (2, 2024, None)
    refused = client.post("/bao-cao/tao", data={"unit": so.id, "directive": "0", "month": "13", "year": "1"})
    assert refused.status_code == 200 and "Lựa chọn không hợp lệ." in html(refused)
    assert MonthlyReport.select().count() == 1


@pytest.mark.parametrize("path", ["/tong-hop/", "/tong-hop/qua-han", "/", "/van-ban/", "/quan-tri/nhat-ky"])
def test_blank_filter_parameters_are_dropped_from_the_address(demo, client_for, path):
    client = client_for("admin")
    plain = client.get(f"{path}?directive=&unit=&period=month&q=")
    assert plain.status_code == 302 and plain.headers["Location"] == f"{path}?period=month"
    htmx = client.get(f"{path}?directive=&unit=&period=month", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx.headers["HX-Push-Url"] == f"{path}?period=month"
    assert "HX-Push-Url" not in client.get(f"{path}?period=month", headers={"HX-Request": "true"}).headers


# --- In a real browser with an English locale ----------------------------------------------------

@pytest.fixture
def english_browser(chromium):
    context = watched_context(chromium, locale="en-US", timezone_id="Asia/Ho_Chi_Minh")
    yield context
    context.close()
    assert context.violations == []


def logged_in_page(context, base, username, width=1280):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + "/dang-nhap")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1")
    return page


def test_typing_a_day_on_the_dashboard_reloads_once_when_finished_not_on_every_key(live_server, english_browser):
    page = logged_in_page(english_browser, live_server, "lanhdao")
    page.goto(live_server + "/tong-hop/?directive=&unit=")
    assert "directive=" not in page.url
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/tong-hop/" in r.url else None)
    field = page.locator("#d-date")
    assert field.get_attribute("placeholder") == "dd/mm/yyyy" and field.input_value() == "20/03/2024"
    field.fill("")
    field.press_sequentially("15/2/2024", delay=60)
    page.wait_for_timeout(400)
    assert requests == []  # nothing reloads while the day is being typed
    with page.expect_response(lambda r: "/tong-hop/" in r.url):
        field.press("Enter")
    page.wait_for_selector("h2:has-text('Tháng 02/2024')")
    assert page.locator("#d-date").input_value() == "15/02/2024"  # tidied, and still the field typed in
    assert page.evaluate("document.activeElement.id") == "d-date"
    assert page.url.endswith("/tong-hop/?period=month&date=15/02/2024")  # no blank parameters
    assert len(requests) == 1, requests  # Enter both changes the field and submits: one request


def test_typing_a_day_on_the_province_roll_up_reloads_the_tables_once_and_keeps_the_field(live_server, english_browser):
    page = logged_in_page(english_browser, live_server, "sldtbxh")
    province_id = Unit.get(Unit.name == "UBND tỉnh Quảng Trị").id
    page.goto(f"{live_server}/so-lieu/2a/{province_id}?day=2024-03-18")  # the old address leads to the set's
    assert "/tong-hop/" in page.url
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/tong-hop/" in r.url else None)
    field = page.locator("#r-day")
    assert field.input_value() == "18/03/2024"
    field.fill("")
    field.press_sequentially("22/3/2024", delay=60)
    page.wait_for_timeout(400)
    assert requests == []  # nothing reloads while the day is being typed
    with page.expect_response(lambda r: "/tong-hop/" in r.url):
        field.press("Enter")
    page.wait_for_selector("#rollup-body :text('mới nhất đến ngày 22/03/2024')")
    assert field.input_value() == "22/03/2024" and page.evaluate("document.activeElement.id") == "r-day"
    assert len(requests) == 1, requests


def test_phu_luc_2a_cards_on_a_phone_name_each_figure(live_server, english_browser):
    page = logged_in_page(english_browser, live_server, "sldtbxh", width=360)
    page.goto(f"{live_server}/so-lieu/2a/{Unit.get(Unit.name == 'UBND tỉnh Quảng Trị').id}?day=2024-03-20")
    cell = page.locator("table.progress-table tbody tr").first.locator("td").first
    label = cell.evaluate("e => getComputedStyle(e, '::before').content")
    assert label == '"Tổng số đối tượng"', label
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_calendar_is_a_help_that_fills_the_field_in_dd_mm_yyyy(live_server, english_browser):
    page = logged_in_page(english_browser, live_server, "admin")
    page.goto(live_server + "/quan-tri/nhat-ky")
    page.locator("#a-from").fill("05/03/2024")
    page.locator("#a-from + .date-picker-button").click()
    popup = page.locator(".date-popup")
    assert "Tháng 03/2024" in popup.inner_text()
    page.keyboard.press("ArrowRight")  # keyboard: from the 5th to the 6th
    with page.expect_response(lambda r: "/quan-tri/nhat-ky" in r.url):
        page.keyboard.press("Enter")
    assert page.locator("#a-from").input_value() == "06/03/2024"
    assert page.locator(".date-popup").count() == 0
    page.locator("#a-to").fill("2024-03-20")
    page.locator("#a-to").press("Tab")
    assert page.locator("#a-to").input_value() == "20/03/2024"
    page.locator("#a-to").focus()
    page.keyboard.press("Alt+ArrowDown")
    assert page.locator(".date-popup").is_visible()
    page.keyboard.press("Escape")
    assert page.locator(".date-popup").count() == 0 and page.evaluate("document.activeElement.id") == "a-to"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_dashboard_date_field_shows_dd_mm_yyyy_on_an_english_browser(live_server, english_browser, width,
                                                                        tmp_path):
    page = logged_in_page(english_browser, live_server, "lanhdao", width)
    page.goto(live_server + "/tong-hop/")
    page.locator("#d-date + .date-picker-button").click()
    page.screenshot(path=str(tmp_path / f"dashboard-date-{width}.png"))
    assert page.locator("#d-date").input_value() == "20/03/2024"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    box, field = page.locator(".date-popup").bounding_box(), page.locator("#d-date").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1 and box["y"] >= field["y"] + field["height"]


def test_a_submitted_reports_badge_wraps_on_a_phone(live_server, english_browser, tmp_path):
    from datetime import datetime

    from webapp.core import reports
    so = User.get(User.username == "sldtbxh")
    report = reports.open_draft(so.unit, None, 2024, 2, so.id, datetime(2024, 3, 1))
    reports.submit(report, so.id, datetime(2024, 3, 20, 10))  # late: the longest badge
    page = logged_in_page(english_browser, live_server, "sldtbxh", 360)
    page.goto(f"{live_server}/bao-cao/{report.id}")
    page.screenshot(path=str(tmp_path / "report-badge-360.png"))
    assert "(muộn)" in page.locator(".badge").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 361


def test_the_directive_issue_date_uses_the_date_field(demo, client_for):
    page = html(client_for("admin").get("/quan-tri/van-ban/moi"))
    (field,) = date_inputs(page)
    assert 'name="issued"' in field and 'placeholder="15/01/2024"' in field and 'inputmode="numeric"' in field
