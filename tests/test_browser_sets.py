"""An indicator set for a directive that is not in the seeds, from its definition to its roll-up, in a
real headless Chromium: the admin defines it and maps its appendix's columns, imports its targets from
an Excel file laid out with its own column numbers, communes enter two weeks of figures on their
reports' own forms, and the district's roll-up and its Excel show the right totals and rates."""
import io
import re
from datetime import date, datetime, time

import openpyxl

from tests.helpers import DEMO_PASSWORD, FAST_HASH
from tests.test_browser import log_in, log_out
from webapp.core import indicators as sets
from webapp.core.directives import save_task
from webapp.core.users import create_user
from webapp.models import Assignment, Directive, FigureEntry, IndicatorSet, Target, Task, Unit

COMMUNES = ["UBND xã Gio An", "UBND xã Gio Châu", "UBND xã Gio Mai"]


def vaccination_directive(now):
    """Gio Linh's plan: each of three communes reports every Friday before 16:00 how many children it
    has to vaccinate and how many were vaccinated in the week."""
    gio_linh = Unit.get(Unit.name == "UBND huyện Gio Linh")
    directive = Directive.create(number="45/KH-UBND", issued_on=date(2024, 3, 1), issuer=gio_linh, place="Gio Linh",
                                 subject="V/v triển khai tiêm chủng mở rộng năm 2024", created_at=now)
    communes = [Unit.get(Unit.name == name) for name in COMMUNES]
    task = save_task(Task(directive=directive, number="2", text="Báo cáo kết quả tiêm chủng hằng tuần",
                          deadline_kind="weekly", weekday=4, deadline_time=time(16, 0),
                          window_start=date(2024, 3, 1)), communes, [], now=now)
    for index, commune in enumerate(communes):
        create_user(f"tiemchung{index}", DEMO_PASSWORD, f"Cán bộ y tế {index}", "staff", commune, method=FAST_HASH,
                    now=now)
    return gio_linh, task


def targets_workbook() -> bytes:
    """The district's appendix, laid out as the admin mapped it: 1 children to vaccinate (the year),
    2 and 3 vaccinated in quarters 1 and 2, 4 = 2+3, 5 = 4/1."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục A"
    ws.append(["Phụ lục A"])
    ws.append(["CHỈ TIÊU TIÊM CHỦNG MỞ RỘNG NĂM 2024"])
    ws.append([])
    ws.append(["TT", "Tên địa phương", "Số trẻ trong diện tiêm", "Quý 1", "Quý 2", "6 tháng", "Tỷ lệ"])
    ws.append(["A", "B", 1, 2, 3, "4=2+3", "5=4/1"])
    rows = [("Xã Gio An", 120, 50, 60), ("Xã Gio Châu", 80, 40, 40), ("Xã Gio Mai", 100, 30, 40)]
    for index, (name, total, q1, q2) in enumerate(rows, 1):
        ws.append([index, name, total, q1, q2, q1 + q2, (q1 + q2) / total])
    ws.append([None, "Tổng cộng", 300, 120, 140, 260, 260 / 300])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_admin_defines_a_set_imports_its_targets_communes_report_and_the_district_sees_the_roll_up(
        live_server, browser, tmp_path):  # noqa: F811
    clock = live_server.app.config["CLOCK"]
    clock.now = datetime(2024, 3, 5, 9, 0)
    gio_linh, task = vaccination_directive(clock.now)
    page = browser.new_page()

    # The admin defines the set: its duty, its scope (the district's communes), two indicators, no groups.
    log_in(page, live_server, "admin")
    page.goto(live_server + "/quan-tri/bo-chi-tieu/")
    page.click("a:has-text('Thêm bộ chỉ tiêu')")
    page.fill("#name", "Tỷ lệ tiêm chủng mở rộng")
    page.select_option("#task", str(task.id))
    page.select_option("#scope", str(gio_linh.id))
    page.select_option("#target_period", "quarter")
    page.click("button:has-text('Tạo bộ chỉ tiêu')")
    page.wait_for_selector(".flash:has-text('Đã tạo bộ chỉ tiêu')")
    page.fill("#ind-0-name", "Số trẻ trong diện tiêm")
    page.select_option("select[name=ind-0-aggregation]", "stock")
    page.check("input[name=base][value='0']")
    page.fill("#ind-1-name", "Số trẻ được tiêm trong tuần")
    page.select_option("select[name=ind-1-aggregation]", "period")
    page.check("input[name=ind-1-has_targets]")
    page.click("button:has-text('Lưu bộ chỉ tiêu')")
    page.wait_for_selector(".flash:has-text('Đã lưu bộ chỉ tiêu')")
    preview = page.locator("section.preview").inner_text()
    assert "Số trẻ trong diện tiêm" in preview and "Số trẻ được tiêm trong tuần" in preview
    s = IndicatorSet.get(IndicatorSet.name == "Tỷ lệ tiêm chủng mở rộng")
    children, vaccinated = sets.indicators_of(s)
    [group] = sets.groups_of(s)

    # Its appendix's columns, once: 1 the year's children, 2 and 3 the quarters, 4 = 2+3, 5 = 4/1.
    page.click("a:has-text('Mẫu phụ lục')")
    page.fill("#label", "Phụ lục A")
    page.fill("#title", "CHỈ TIÊU TIÊM CHỦNG MỞ RỘNG NĂM {năm}")
    for n, content in enumerate([f"t:{children.id}:{group.id}:0", f"t:{vaccinated.id}:{group.id}:1",
                                 f"t:{vaccinated.id}:{group.id}:2", "f", "f"]):
        page.select_option(f"select[name=col-{n}-content]", content)
    for n in range(5, 8):
        page.select_option(f"select[name=col-{n}-content]", "")
    page.fill("input[name=col-3-formula]", "2+3")
    page.fill("input[name=col-4-formula]", "4/1")
    page.click("button:has-text('Lưu mẫu phụ lục')")
    page.wait_for_selector(".flash:has-text('Đã lưu mẫu phụ lục')")
    numbers = page.locator("section.preview tr.numbers").inner_text().split()
    assert numbers == ["A", "B", "1", "2", "3", "4=2+3", "5=4/1"], numbers

    # Its targets, from the district's Excel file laid out with those column numbers.
    source = tmp_path / "phu-luc-a.xlsx"
    source.write_bytes(targets_workbook())
    page.goto(f"{live_server}/chi-tieu/bo/{s.id}")
    page.fill("#import-year", "2024")
    page.set_input_files("#import-file", str(source))
    page.click("button:has-text('Nhập chỉ tiêu')")
    page.wait_for_selector(".flash:has-text('Đã nhập chỉ tiêu năm 2024: 9 mới')")
    assert Target.select().join(Unit, on=(Target.unit == Unit.id)).where(Unit.parent == gio_linh.id).count() == 9
    table = page.locator("table.appendix").inner_text()
    assert "Xã Gio Châu" in table and "260" in table and "87%" in table  # 260/300
    log_out(page)

    # Each commune reports two Fridays on the report's own form (Gio Mai misses the second).
    weeks = [(datetime(2024, 3, 8, 10, 0), {0: (120, 30), 1: (80, 20), 2: (100, 15)}),
             (datetime(2024, 3, 15, 10, 0), {0: (120, 25), 1: (80, 10)})]
    for index, name in enumerate(COMMUNES):
        log_in(page, live_server, f"tiemchung{index}")
        commune = Unit.get(Unit.name == name)
        duty = Assignment.get((Assignment.task == task.id) & (Assignment.unit == commune.id))
        for when, numbers_by_commune in weeks:
            if index not in numbers_by_commune:
                continue
            clock.now = when
            page.goto(f"{live_server}/giao-viec/{duty.id}")
            row = page.locator("table.occurrences tr", has=page.locator(f"td:has-text('{when:%d/%m/%Y}')"))
            row.locator("a:has-text('Nhập số liệu và nộp')").click()
            page.wait_for_selector(f"h1:has-text('Số liệu ngày {when:%d/%m/%Y}')")
            total, week = numbers_by_commune[index]
            page.fill(f"#v-{commune.id}-{children.id}-{group.id}", str(total))
            page.fill(f"#v-{commune.id}-{vaccinated.id}-{group.id}", str(week))
            page.fill("#report_note", "Danh sách trẻ đã tiêm gửi kèm bản giấy.")
            page.click("button:has-text('Lưu số liệu và nộp báo cáo')")
            page.wait_for_selector(".flash:has-text('đã nộp 1 báo cáo kỳ này')")
        page.goto(f"{live_server}/giao-viec/{duty.id}")
        numbers = page.locator("table.occurrences .figures-inline").first.inner_text()
        assert "Số trẻ được tiêm trong tuần" in numbers  # the duty's page shows the numbers beside the report
        log_out(page)
    assert FigureEntry.select().where(FigureEntry.indicator_set == s.id).count() == 5

    # The district's roll-up by commune: this week, then since the start of the campaign.
    clock.now = datetime(2024, 3, 15, 17, 0)
    log_in(page, live_server, "giolinh")
    page.click("nav a:has-text('Chỉ tiêu, số liệu')")
    page.locator("table.sets tr", has=page.locator("a:has-text('Tỷ lệ tiêm chủng mở rộng')")).locator(
        "a:has-text('Tổng hợp số liệu')").click()
    page.wait_for_selector("h1:has-text('Tổng hợp số liệu · UBND huyện Gio Linh')")
    assert page.locator("#r-day").input_value() == "15/03/2024"  # the latest reported day
    assert page.locator("#r-since").input_value() == "09/03/2024"  # one week
    week_total = page.locator("tr.total").inner_text()
    assert "2/3 đơn vị báo cáo kỳ này" in week_total and "35" in week_total
    gio_mai = page.locator("tbody tr", has=page.locator("th:has-text('UBND xã Gio Mai')")).inner_text()
    assert "chưa báo cáo kỳ này" in gio_mai
    page.fill("#r-since", "01/03/2024")
    page.press("#r-since", "Tab")  # the change event refreshes the roll-up in place
    page.wait_for_url("**since=01**")
    page.locator("tr.total", has_text=re.compile(r"\b100\b")).wait_for()
    total = page.locator("tr.total").inner_text()
    # 55 + 30 + 15 = 100 vaccinated of 300 children (33,3%); the quarter's targets 50 + 40 + 30 = 120 (83,3%).
    for expected in ("300", "100", "33,3%", "120", "83,3%"):
        assert expected in total, (expected, total)
    gio_an = page.locator("tbody tr", has=page.locator("th:has-text('UBND xã Gio An')")).inner_text()
    assert "55" in gio_an and "45,8%" in gio_an and "110,0%" in gio_an
    with page.expect_download() as download:
        page.click("a:has-text('Tải Excel')")
    assert download.value.suggested_filename.endswith(".xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()), data_only=True).active
    rows = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
    # children, vaccinated, % of the children, target to date, % of the target, note
    assert [ws.cell(rows["Tổng cộng"], c).value for c in (3, 4, 6)] == [300, 100, 120]
    assert round(ws.cell(rows["Tổng cộng"], 5).value, 3) == 0.333 and round(ws.cell(rows["Tổng cộng"], 7).value, 3) == 0.833
    assert [ws.cell(rows["Xã Gio An"], c).value for c in (3, 4, 6)] == [120, 55, 50]
    assert ws.cell(rows["Tổng cộng"], 8).value == "3/3 đơn vị báo cáo kỳ này"  # from 01/03 to 15/03
