"""End to end in a real headless Chromium: a commune marks its task done, the leader sees it."""
import re
import unicodedata
from pathlib import Path

import pytest

from tests.helpers import DEMO_PASSWORD, FAST_HASH, fallback_fonts, pdf_fonts, pdf_runs
from webapp.models import Directive, IndicatorSet, Unit


def log_in(page, base, username):
    page.goto(base + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Việc của đơn vị')")


def log_out(page):
    """Log out and wait for the login form: closing a page while the logout's redirect is still
    loading can leave Chromium's close waiting for ever."""
    page.click("button:has-text('Đăng xuất')")
    page.wait_for_url("**/dang-nhap")


def test_commune_marks_done_the_leader_confirms_and_sees_it_in_the_matrix(live_server, browser):
    page = browser.new_page()
    log_in(page, live_server, "quaicang")
    page.click("a:has-text('1.1. Thành lập tổ công tác')")
    page.wait_for_selector("#assignment-panel form")
    page.select_option("select[name=state]", "done")
    page.fill("textarea[name=note]", "Đã thành lập tổ 6 người, hướng dẫn mở 25 tài khoản.")
    url_before = page.url
    page.click("#assignment-panel button[type=submit]")
    # htmx swaps the panel in place: the message and the new history entry appear without a reload.
    page.wait_for_selector("#assignment-panel .flash:has-text('chờ Ban Chỉ đạo Đề án 06 huyện Tuần Giáo xác nhận')")
    assert page.url == url_before
    assert page.locator(".history li").first.inner_text().count("Đã thành lập tổ 6 người") == 1
    assert "Chờ xác nhận" in page.locator(".status-line").inner_text()

    log_out(page)
    log_in(page, live_server, "lanhdao")
    page.goto(live_server + "/van-ban/")
    page.click("a:has-text('/BCĐĐA06')")
    row = page.locator("table.matrix tr", has=page.locator("th:has-text('Tổ công tác Đề án 06 xã Quài Cang')"))
    assert row.locator("td a").first.get_attribute("data-status") == "not_due"  # reported on time, waiting
    page.goto(live_server + "/giao-viec/cho-xac-nhan")
    page.click("table.waiting a:has-text('1.1. Thành lập tổ công tác')")
    page.click("button:has-text('Xác nhận hoàn thành')")
    page.wait_for_selector(".flash:has-text('Đã xác nhận hoàn thành')")
    page.goto(live_server + "/van-ban/")
    page.click("a:has-text('/BCĐĐA06')")
    row = page.locator("table.matrix tr", has=page.locator("th:has-text('Tổ công tác Đề án 06 xã Quài Cang')"))
    assert row.locator("td a").first.get_attribute("data-status") == "done_on_time"


def test_unit_home_filters_in_place_and_keeps_the_url_in_step(live_server, browser):
    page = browser.new_page()
    log_in(page, live_server, "tuangiao")
    page.select_option("select[name=status]", "overdue")
    page.wait_for_url("**status=overdue**")
    badges = page.locator("#assignment-list table.list .badge").all_inner_texts()
    assert badges and all("quá hạn" in b for b in badges)
    page.go_back()
    page.wait_for_url(lambda url: "status=overdue" not in url)
    page.wait_for_selector("select[name=status]")
    assert page.locator("select[name=status]").input_value() == ""


def test_leader_filters_the_dashboard_and_follows_a_number_to_the_overdue_items(live_server, browser):
    page = browser.new_page()
    log_in(page, live_server, "lanhdao")
    page.click("nav a:has-text('Tổng hợp')")
    page.wait_for_selector("h1:has-text('Tổng hợp')")
    page.fill("#d-directive", "BCĐĐA06")  # search-as-you-type: the matches appear under the field
    page.click("#d-directive-options a:has-text('/BCĐĐA06')")
    page.wait_for_url("**directive=**")
    assert "/BCĐĐA06" in page.locator("#d-directive").input_value()
    assert "/UBND-KGVX" not in page.locator("#dashboard-body table").first.inner_text()
    link = page.locator("#dashboard-body table.counts-table a[data-status=overdue]").first
    expected = int(link.inner_text().replace(".", ""))
    link.click()
    page.wait_for_url("**status=overdue**")
    badges = page.locator("#assignment-list table.list .badge").all_inner_texts()
    assert len(badges) == min(expected, 50) and all("quá hạn" in b for b in badges)
    assert all("/BCĐĐA06" in t for t in page.locator("#assignment-list table.list tbody td:nth-child(3)").all_inner_texts())


def test_district_splits_a_target_among_communes_and_sees_the_live_sum(live_server, browser):
    from webapp.core import indicators as sets
    from webapp.models import Directive, IndicatorSet
    indicator_set = IndicatorSet.select().join(Directive).where(Directive.number == "/UBND-KGVX").get()
    base = sets.base_of(sets.indicators_of(indicator_set))
    first = sets.groups_of(indicator_set)[0]
    page = browser.new_page()
    log_in(page, live_server, "giolinh")
    page.click("nav a:has-text('Chỉ tiêu, số liệu')")
    page.click("a:has-text('Tiến độ mở tài khoản')")
    page.click("a:has-text('Giao cho cấp dưới')")
    page.wait_for_selector("h1:has-text('Giao chỉ tiêu')")
    key = f"{first.id}-{base.id}-0"
    total_cell = page.locator(f'[data-sum="{key}"]')
    assert total_cell.inner_text().startswith("0")
    inputs = page.locator(f'table.split input[name$="-{key}"]').first.locator("xpath=ancestor::table").locator(
        f'input[name$="-{key}"]')
    inputs.nth(0).fill("1200")
    inputs.nth(1).fill("1.000")
    # Locator waits, not wait_for_function: the pages' CSP forbids evaluating strings.
    page.locator(f'[data-sum="{key}"]', has_text=re.compile(r"^\s*2\.200")).wait_for()
    assert "thấp hơn chỉ tiêu được giao" in page.locator("#split-sums").inner_text()
    inputs.nth(2).fill("191")
    page.locator(f'[data-sum="{key}"]', has_text=re.compile(r"^\s*2\.391\s*$")).wait_for()
    page.click("button:has-text('Lưu chỉ tiêu của các đơn vị')")
    page.wait_for_selector(".flash:has-text('Đã lưu chỉ tiêu cho 17 đơn vị')")
    assert page.locator(f'table.split input[name$="-{key}"]').nth(0).input_value() == "1.200"


def test_the_monthly_report_prints_to_a4_without_navigation(live_server, browser):
    import io

    from pypdf import PdfReader
    page = browser.new_page()
    log_in(page, live_server, "sldtbxh")
    page.click("nav a:has-text('Báo cáo tháng')")
    option = page.locator("#directive option", has_text="/UBND-KGVX")
    page.select_option("#directive", value=option.get_attribute("value"))
    page.select_option("#month", "3")
    page.select_option("#year", "2024")
    page.click("button:has-text('Mở báo cáo')")
    page.wait_for_selector("article.document h1:has-text('BÁO CÁO')")
    assert page.locator("button[data-print]").is_visible()
    page.fill("#signer_name", "Nguyễn Thị Hương")
    page.fill("#signing_authority", "KT. GIÁM ĐỐC")
    page.click("button:has-text('Lưu dự thảo')")
    page.wait_for_selector(".flash:has-text('Đã lưu dự thảo')")
    page.emulate_media(media="print")
    data = page.pdf(format="A4", print_background=False, prefer_css_page_size=True)
    # Every letter in a Times New Roman face (Liberation Serif 2 here): none fell back to DejaVu, and the
    # signer's name comes out of the PDF whole (with a fallback face it came out as "Nguy n").
    assert fallback_fonts(data) == set(), pdf_fonts(data)
    assert "Nguyễn Thị Hương" in unicodedata.normalize("NFC", " ".join(p.extract_text() for p in PdfReader(
        io.BytesIO(data)).pages))
    # Page numbers from page 2, in the top margin, centred on the text (30 mm + 165 mm / 2), 13 pt.
    runs = pdf_runs(data)
    assert len(runs) >= 2 and not [r for r in runs[0] if r[2] < 56.7]
    for number, page_runs in enumerate(runs[1:], 2):
        [mark] = [r for r in page_runs if r[2] < 56.7]
        assert mark[0] == str(number) and mark[3] == 13 and abs(mark[1] - 315.6) < 4 * len(mark[0]), mark
    pdf = PdfReader(io.BytesIO(data))
    # Chromium's PDF text comes out with spaces inside words: compare without any whitespace.
    squash = lambda value: unicodedata.normalize("NFC", "".join(value.split()))  # noqa: E731
    text = squash(" ".join(p.extract_text() for p in pdf.pages))
    assert 1 <= len(pdf.pages) <= 20
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in pdf.pages]
    assert all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in sizes), sizes  # A4 in points
    for expected in ("BÁO CÁO", "Tổng cộng", "I. Kết quả thực hiện nhiệm vụ", "Nơi nhận"):
        assert squash(expected) in text, expected
    for navigation in ("Việc của đơn vị", "Đăng xuất", "In báo cáo", "Tải PDF", "Lưu dự thảo"):
        assert squash(navigation) not in text, navigation


def test_the_unit_home_is_light_and_later_pages_reuse_the_cached_static_files(live_server, browser):
    """First load of the unit home, htmx and CSS included: at most 100 KB uncompressed, 35 KB sent."""
    page = browser.new_page()
    log_in(page, live_server, "quaicang")
    page.goto(live_server + "/van-ban/")  # logged in, on another page: start the measure cold below
    context = browser.browser.new_context()
    context.add_cookies(browser.cookies())
    cold = context.new_page()
    responses = []
    cold.on("response", lambda response: responses.append(response))
    cold.goto(live_server + "/", wait_until="load")
    sent = sum(r.request.sizes()["responseBodySize"] for r in responses)
    unpacked = sum(len(r.body()) for r in responses)
    print(f"\nunit home, first load: {len(responses)} requests, {unpacked} bytes uncompressed, {sent} bytes sent")
    assert unpacked <= 100_000 and sent <= 35_000, (unpacked, sent)
    assert any(r.headers.get("content-encoding") == "gzip" for r in responses)
    live_server.app.static_hits.clear()
    cold.click("nav a:has-text('Văn bản chỉ đạo')")
    cold.wait_for_selector("h1:has-text('Văn bản chỉ đạo')")
    cold.goto(live_server + "/")
    assert live_server.app.static_hits == []  # CSS and htmx came from the browser's cache
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_fit_the_screen_except_scrollable_tables(live_server, browser, width, tmp_path):
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "tuangiao")
    assignment = page.locator("table.list tbody a").first.get_attribute("href")
    for path in ("/", assignment, "/tong-hop/"):
        page.goto(live_server + path)
        page.screenshot(path=str(tmp_path / f"{path.strip('/').replace('/', '_') or 'home'}-{width}.png"),
                        full_page=True)
        too_wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll'))
            .map(e => e.tagName + '.' + e.className)""")
        assert too_wide == [], (path, width, too_wide[:5])
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (path, width)


def test_a_table_shown_as_cards_on_a_phone_needs_no_sideways_scrolling(live_server, browser):
    # A long figure name beside its number wraps rather than pushing the number out of the card.
    page = browser.new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, live_server, "lanhdao")
    page.goto(live_server + "/chi-tieu/")
    rollups = [a.get_attribute("href") for a in page.locator("a:has-text('Tổng hợp số liệu')").all()]
    assert len(rollups) == 2
    for path in rollups:
        page.goto(live_server + path)
        clipped = page.evaluate("""() => [...document.querySelectorAll('.table-scroll')]
            .filter(s => getComputedStyle(s.querySelector('thead')).display === 'none')
            .filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.scrollWidth - s.clientWidth)""")
        assert page.locator("table.progress-table").count() >= 1
        assert clipped == [], (path, clipped)


def quang_tri_directive() -> int:
    return Directive.select().join(Unit, on=(Directive.issuer == Unit.id)).where(
        Unit.name.contains("Quảng Trị")).get().id


def test_every_form_field_has_a_label_and_focus_is_visible(live_server, browser):
    page = browser.new_page()
    log_in(page, live_server, "admin")
    indicator_set = IndicatorSet.select().join(Unit).where(Unit.name == "UBND tỉnh Quảng Trị").get()
    gio_linh = Unit.get(Unit.name == "UBND huyện Gio Linh")
    for path in ("/", "/tong-hop/", "/chi-tieu/", "/bao-cao/", "/quan-tri/van-ban/moi", "/quan-tri/nguoi-dung/moi",
                 f"/so-lieu/bo/{indicator_set.id}/nhap/{gio_linh.id}", f"/quan-tri/bo-chi-tieu/{indicator_set.id}",
                 f"/quan-tri/bo-chi-tieu/{indicator_set.id}/phu-luc", "/doi-mat-khau"):
        page.goto(live_server + path)
        unlabeled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.type !== 'hidden' && !e.labels.length && !e.getAttribute('aria-label'))
            .map(e => e.name)""")
        assert unlabeled == [], (path, unlabeled)
    page.goto(live_server + "/tong-hop/")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), outline


def test_the_task_form_swaps_deadline_fields_and_picks_units_from_a_searchable_checklist(live_server, browser):
    page = browser.new_page()
    log_in(page, live_server, "admin")
    page.goto(live_server + f"/quan-tri/van-ban/{quang_tri_directive()}/nhiem-vu/moi")
    assert page.locator("input[name=deadline_date]").count() == 1
    assert page.locator("button[name=refresh]").count() == 0  # a <noscript> button: not there with JavaScript
    # A new kind: htmx swaps in its fields only.
    page.select_option("select[name=deadline_kind]", "relative_working_days")
    page.wait_for_selector("input[name=deadline_n]")
    assert page.locator("input[name=deadline_date]").count() == 0
    page.fill("input[name=deadline_n]", "05")
    # Search the lead units, then take every commune of Gio Linh at once.
    picker = page.locator("#lead_units")
    picker.locator("input[data-search]").fill("gio linh")
    visible = picker.locator("li:visible")
    assert visible.count() >= 17 and all("Gio" in t or "Cửa Việt" in t or "Hải Thái" in t or "Linh" in t
                                         or "Trung" in t or "Phong Bình" in t for t in visible.all_inner_texts())
    picker.locator("button:has-text('Chọn tất cả 17 UBND xã')").click()
    assert picker.locator("input[type=checkbox]:checked").count() == 17
    assert "đã chọn 17" in picker.locator("[data-count]").inner_text()
    # Submitted without its text: the error summary comes first and takes the focus.
    page.click("button:has-text('Thêm nhiệm vụ')")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator(".error-summary a[href='#text']").count() == 1
    assert page.locator("#lead_units input[type=checkbox]:checked").count() == 17  # kept
    page.fill("textarea[name=text]", "Báo cáo trong 05 ngày làm việc kể từ ngày nhận văn bản")
    page.click("button:has-text('Thêm nhiệm vụ')")
    page.wait_for_selector(".flash:has-text('Đã lưu')")


def test_a_notification_is_marked_read_in_place(live_server, browser):
    page = browser.new_page()
    log_in(page, live_server, "quaicang")
    count = int(page.locator(".nav-notifications .count").inner_text())
    page.click(".nav-notifications")
    page.wait_for_selector(".notifications li.unread")
    url = page.url
    page.locator(".notifications li.unread button:has-text('Đánh dấu đã đọc')").first.click()
    page.wait_for_selector(f"a:has-text('Chưa đọc ({count - 1})')")
    assert page.url == url
    page.click("button:has-text('Đánh dấu tất cả đã đọc')")
    page.wait_for_selector("a:has-text('Chưa đọc (0)')")
    page.goto(live_server + "/")
    assert page.locator(".nav-notifications .count").count() == 0


@pytest.mark.parametrize("width", [360, 1280])
def test_the_new_pages_fit_the_screen(live_server, browser, width):
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "admin")
    paths = [f"/quan-tri/van-ban/{quang_tri_directive()}/nhiem-vu/moi", "/quan-tri/lich-lam-viec", "/thong-bao/", "/tai-khoan",
             "/tong-hop/qua-han"]
    for path in paths:
        page.goto(live_server + path)
        too_wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll'))
            .map(e => e.tagName + '.' + e.className)""")
        assert too_wide == [], (path, width, too_wide[:5])
        unlabeled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.type !== 'hidden' && !e.labels.length && !e.getAttribute('aria-label'))
            .map(e => e.name)""")
        assert unlabeled == [], (path, unlabeled)


def test_the_follow_up_loop_from_delegation_to_the_leaders_dashboard(live_server, browser):
    """giolinh passes a task to two of its communes; a commune reports it done, giolinh returns it with
    a reason, the commune reports again, giolinh confirms, and lanhdao sees it done on time in the
    dashboard as of that day."""
    from datetime import datetime

    from webapp.core.users import create_user
    from webapp.models import Assignment, Unit
    clock = live_server.app.config["CLOCK"]
    gio_an, gio_chau = Unit.get(Unit.name == "UBND xã Gio An"), Unit.get(Unit.name == "UBND xã Gio Châu")
    create_user("xagioan", DEMO_PASSWORD, "Trần Thị Lan", "staff", gio_an, method=FAST_HASH, now=clock.now)

    page = browser.new_page()
    log_in(page, live_server, "giolinh")
    page.click("a:has-text('3.5. Chỉ đạo các cơ quan chuyên môn')")
    page.click("summary:has-text('Giao tiếp cho đơn vị cấp dưới')")
    page.select_option(".delegate-form select[name=units]", [str(gio_an.id), str(gio_chau.id)])
    page.fill(".delegate-form input[name=day]", "25/03/2024")
    page.fill(".delegate-form textarea[name=instructions]", "Phối hợp Công an xã xác minh 30 hồ sơ; báo cáo trước 25/03.")
    page.click(".delegate-form button:has-text('Giao cho cấp dưới')")
    page.wait_for_selector(".flash:has-text('Đã giao cho 2 đơn vị cấp dưới.')")
    assert "cấp dưới: 0/2 hoàn thành" in page.locator("#chain").inner_text()
    log_out(page)

    def commune_reports(when, note):
        clock.now = when
        log_in(page, live_server, "xagioan")
        page.click("a:has-text('3.5. Chỉ đạo các cơ quan chuyên môn')")
        assert "Phối hợp Công an xã xác minh 30 hồ sơ" in page.locator(".instructions").inner_text()
        page.select_option("select[name=state]", "done")
        page.fill("#assignment-panel textarea[name=note]", note)
        page.click("#assignment-panel button[type=submit]")
        page.wait_for_selector("#assignment-panel .flash:has-text('chờ UBND huyện Gio Linh xác nhận')")
        log_out(page)

    def giolinh_decides(when, action):
        clock.now = when
        log_in(page, live_server, "giolinh")
        page.click(".waiting-banner a")
        page.click("table.waiting a:has-text('3.5.')")
        action()
        log_out(page)

    commune_reports(datetime(2024, 3, 21, 9, 0), "Đã xác minh 30 hồ sơ.")

    def give_back():
        page.fill("textarea[name=reason]", "Thiếu biên bản xác minh có chữ ký Công an xã.")
        page.click("button:has-text('Trả lại')")
        page.wait_for_selector(".flash:has-text('Đã trả lại cho UBND xã Gio An')")
    giolinh_decides(datetime(2024, 3, 21, 15, 0), give_back)

    clock.now = datetime(2024, 3, 22, 9, 0)
    log_in(page, live_server, "xagioan")
    assert "Thiếu biên bản xác minh có chữ ký Công an xã." in page.locator(".decisions").inner_text()
    log_out(page)
    commune_reports(datetime(2024, 3, 22, 10, 0), "Đã bổ sung biên bản xác minh.")

    def confirm():
        page.click("button:has-text('Xác nhận hoàn thành')")
        page.wait_for_selector(".flash:has-text('Đã xác nhận hoàn thành cho UBND xã Gio An')")
    giolinh_decides(datetime(2024, 3, 22, 16, 0), confirm)
    child = Assignment.get((Assignment.unit == gio_an.id) & (Assignment.instructions.contains("30 hồ sơ")))
    assert (child.state, child.done_at) == ("done", datetime(2024, 3, 22, 10, 0))

    clock.now = datetime(2024, 3, 28, 8, 0)
    log_in(page, live_server, "lanhdao")
    page.click("nav a:has-text('Tổng hợp')")
    page.fill("#d-as-of", "22/03/2024")
    page.press("#d-as-of", "Tab")  # the change event refreshes the dashboard in place
    page.wait_for_url("**as_of=22**")
    page.wait_for_selector(".as-of-line:has-text('23:59 22/03/2024')")
    province = page.locator("table.counts-table tr", has=page.locator("th:has-text('UBND tỉnh Quảng Trị')"))
    province.locator("a[data-delegated]").click()  # expand to what the units passed down
    page.wait_for_selector("h2:has-text('Phần việc giao cho cấp dưới')")
    page.click("table.counts-table th a:has-text('UBND huyện Gio Linh')")
    page.wait_for_selector("h2:has-text('Phần việc giao cho cấp dưới trong UBND huyện Gio Linh')")
    row = page.locator("table.counts-table tr", has=page.locator("th:has-text('UBND xã Gio An')"))
    # 3.2 (the demo's dissemination, confirmed in January) and 3.5, done on time as of 22/03.
    assert row.locator("a[data-status=done_on_time]").inner_text() == "2"
    page.fill("#d-as-of", "21/03/2024")
    page.press("#d-as-of", "Tab")
    page.wait_for_url("**as_of=21**")
    page.wait_for_selector(".as-of-line:has-text('23:59 21/03/2024')")
    row = page.locator("table.counts-table tr", has=page.locator("th:has-text('UBND xã Gio An')"))
    assert row.locator("a[data-status=done_on_time]").inner_text() == "1"  # returned that day: not done yet


def test_the_follow_up_pages_fit_and_label_every_field(live_server, browser):
    page = browser.new_page()
    log_in(page, live_server, "sldtbxh")
    page.click("a:has-text('1.1. Khẩn trương chủ trì')")
    lead_page = page.url
    log_out(page)
    for username, paths in (("sldtbxh", [lead_page]), ("giolinh", ["/giao-viec/cho-xac-nhan", "/"]),
                            ("lanhdao", ["/tong-hop/xep-hang", "/tong-hop/?delegated=1"])):
        log_in(page, live_server, username)
        if username == "giolinh":
            page.click("a:has-text('3.2. Phối hợp với Sở')")
            paths = [page.url, *paths]
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            for path in paths:
                page.goto(path if path.startswith("http") else live_server + path)
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                unlabeled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
                    .filter(e => e.type !== 'hidden' && !e.labels.length && !e.getAttribute('aria-label'))
                    .map(e => e.name)""")
                assert unlabeled == [], (path, unlabeled)
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (path, width)
        log_out(page)


def review_row(page, number):
    return page.locator("fieldset.review-task", has=page.locator("legend", has_text=f"Nhiệm vụ {number}"))


def test_the_admin_pastes_tuan_giao_corrects_the_review_and_saves_it_whole(live_server, browser):
    """Thêm văn bản: paste the Tuần Giáo directive as it is, correct the review (the number now known,
    a deadline kind changed in place, the fields the document leaves open), save; the directive's pages
    show its twelve tasks and their assignments."""
    text = (Path(__file__).parent / "data" / "directives" / "tuan_giao_cao_diem_de_an_06.txt").read_text(encoding="utf-8")
    page = browser.new_page()
    log_in(page, live_server, "admin")
    page.goto(live_server + "/quan-tri/van-ban/moi")
    page.fill("textarea[name=text]", text)
    page.click("button:has-text('Đọc văn bản')")
    page.wait_for_selector("h1:has-text('Xem lại văn bản đọc được')")
    assert page.locator("fieldset.review-task").count() == 12
    # The issuer read from the header, in the unit field typed by name (its id in the hidden input).
    assert page.locator("#d-issuer").input_value() == "Ban Chỉ đạo Đề án 06 huyện Tuần Giáo"
    assert page.locator("input[type=hidden][name=d-issuer]").input_value() == str(
        Unit.get(Unit.name == "Ban Chỉ đạo Đề án 06 huyện Tuần Giáo").id)
    unlabeled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(e => e.type !== 'hidden' && !e.labels.length && !e.getAttribute('aria-label')).map(e => e.name)""")
    assert unlabeled == []

    page.fill("input[name=d-number]", "125/BCĐĐA06")  # the one field corrected
    # A kind changed: htmx swaps that row only, with the new kind's fields, and keeps the page.
    url = page.url
    review_row(page, "2.3").locator("select[name$='-deadline_kind']").select_option("fixed")
    review_row(page, "2.3").locator("input[name$='-deadline_date']").wait_for()
    assert page.url == url and page.locator("input[name=d-number]").input_value() == "125/BCĐĐA06"
    review_row(page, "2.3").locator("input[name$='-deadline_date']").fill("30/04/2024")
    # Saved too early: the fields the document leaves open are listed and kept what was typed.
    page.click("button:has-text('Lưu văn bản và các nhiệm vụ')")
    page.wait_for_selector(".error-summary")
    assert page.locator(".error-summary li").count() == 5
    assert page.locator("input[name=d-number]").input_value() == "125/BCĐĐA06"
    for number, weekday, at in (("2.2", "2", "16:00"), ("3.2", "4", "10:00")):
        row = review_row(page, number)
        row.locator("select[name$='-weekday']").select_option(weekday)
        row.locator("input[name$='-deadline_time']").fill(at)
    review_row(page, "3.1").locator("input[name$='-deadline_date']").fill("12/03/2024")
    page.click("button:has-text('Lưu văn bản và các nhiệm vụ')")
    page.wait_for_selector(".flash:has-text('Đã thêm văn bản Số 125/BCĐĐA06 (03/2024) với 12 nhiệm vụ.')")

    rows = page.locator("table.admin-tasks tbody tr[id^=task-]")
    assert rows.count() == 12
    first = rows.first.inner_text()
    assert "Thành lập tổ công tác" in first and "19 đơn vị" in first
    assert "Hạn ngày 30/04/2024" in page.locator("table.admin-tasks tbody tr[id^=task-]", has_text="2.3").inner_text()
    assert "Bưu điện huyện Tuần Giáo" in rows.nth(7).inner_text()  # 3.3: the post office cooperates
    page.click("a:has-text('Xem trang theo dõi')")
    page.wait_for_selector("h1:has-text('125/BCĐĐA06')")
    matrix = page.locator("table.matrix")
    for unit in ("Tổ công tác Đề án 06 xã Quài Cang", "Công an huyện Tuần Giáo",
                 "Phòng Lao động - Thương binh và Xã hội huyện Tuần Giáo", "VNPT Điện Biên"):
        assert matrix.locator("th", has_text=unit).count() == 1, unit
