"""Every write route hammered at once through a real multi-worker gunicorn on 127.0.0.1, CSRF on as
in production: no server error and no "database is locked" (SQLite write transactions begin
IMMEDIATE and wait their turn), and the races settle in the database: sixteen people opening the
same month's report get one report, sixteen posts of one unit's figures leave one row per group, one
of sixteen simultaneous submissions of a report wins. Runs on SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set. A new POST route fails this test until it has a step below."""
import os
import re
import threading
import uuid
from datetime import date, time

import pytest

from bench.loadtest import Browser, start_gunicorn
from tests.helpers import DEMO_PASSWORD, FAST_HASH, TEST_NOW, form_values, load_demo, make_app
from webapp.core import indicators as sets
from webapp.core.directives import save_task
from webapp.core.users import create_user
from webapp.db import database
from webapp.models import (
    Assignment,
    Cooperation,
    Directive,
    Extension,
    Figure,
    FigureEntry,
    IndicatorSet,
    MonthlyReport,
    Occurrence,
    Task,
    Unit,
    Update,
    User,
    WorkDay,
)

THREADS = 16
NEW_PASSWORD = "mat-khau-moi-2024"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn (3 workers × 4 threads) on the demo, with an admin account per thread."""
    tmp = tmp_path_factory.mktemp("writes")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'writes.db'}"
    app = make_app(tmp, DATABASE_URL=url)
    load_demo()
    office = User.get(User.username == "admin").unit_id
    for t in range(THREADS):
        create_user(f"bua_{t:02d}", DEMO_PASSWORD, f"Quản trị thử {t}", "admin", office, method=FAST_HASH, now=TEST_NOW)
    weekly = (Assignment.select().join(Task).switch(Assignment).join(Unit)
              .where((Unit.name == "Tổ công tác Đề án 06 xã Quài Cang") & (Task.number == "1.2")).get())
    ids = {
        "assignment": (Assignment.select().join(Task).switch(Assignment).join(Unit)
                       .where((Unit.name == "Tổ công tác Đề án 06 xã Quài Cang") & (Task.number == "1.1")).get().id),
        "weekly": weekly.id,
        "so": Unit.get(Unit.name == "Sở Lao động - Thương binh và Xã hội").id,
        "gio_linh": Unit.get(Unit.name == "UBND huyện Gio Linh").id,
        "gio_an": Unit.get(Unit.name == "UBND xã Gio An").id,
        "communes": [u.id for u in Unit.select().where(Unit.parent == Unit.get(Unit.name == "UBND huyện Gio Linh").id)
                     .order_by(Unit.id)],
        "issuer": Unit.get(Unit.name == "UBND tỉnh Quảng Trị").id,
        # The follow-up loop: one completion waiting, one open extension request, an overdue
        # assignment to ask for one, an assignment to pass down, a partner to hear from.
        "awaiting": Assignment.get(Assignment.state == "awaiting").id,
        "request": Extension.get(Extension.state == "open"),
        "extendable": _lead("UBND huyện Hải Lăng", "3.2").id,
        "holder": _lead("UBND huyện Gio Linh", "3.5").id,
        "partner": Cooperation.get((Cooperation.unit == Unit.get(Unit.name == "UBND huyện Hải Lăng").id)
                                   & (Cooperation.task == _lead("UBND huyện Hải Lăng", "3.2").task.directive.tasks
                                      .where(Task.number == "1.1").get().id)).id,
        "receipt": _receipt_duty().id,
        # A recurring duty reported plainly (no indicator set): its occurrences' own form.
        "plain_recurring": (Assignment.select().join(Task).switch(Assignment).join(Unit)
                            .where((Unit.name == "Công an huyện Tuần Giáo") & (Task.number == "2.2")).get().id),
        "free_task": _receipt_duty_weekly().id,
    }
    qt_set = IndicatorSet.select().join(Directive).where(Directive.number == "/UBND-KGVX").get()
    tg_set = IndicatorSet.select().join(Directive).where(Directive.number == "/BCĐĐA06").get()
    ids["qt_set"], ids["tg_set"] = qt_set.id, tg_set.id
    ids["qt_indicators"] = [i.id for i in sets.indicators_of(qt_set)]
    ids["qt_groups"] = [g.id for g in sets.groups_of(qt_set)]
    ids["tg_indicators"] = [i.id for i in sets.indicators_of(tg_set)]
    ids["tg_group"] = sets.groups_of(tg_set)[0].id
    ids["quaicang"] = weekly.unit_id
    ids["paid"] = ids["qt_indicators"][2]
    ids["request"] = (ids["request"].assignment_id, ids["request"].id)
    database.close()
    env = {"DATABASE_URL": url, "SECRET_KEY": "writes-secret-" + "w" * 32, "DB_DIR": str(tmp),
           "UPLOAD_DIR": str(tmp / "uploads"), "PASSWORD_METHOD": FAST_HASH}
    gunicorn = start_gunicorn(env, tmp / "gunicorn.log", workers=3, threads=4)
    try:
        gunicorn.ids = ids
        gunicorn.write_routes = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
        yield gunicorn
    finally:
        gunicorn.stop()
        if not database.is_closed():
            database.close()


def multipart(browser, path, fields, files):
    """A multipart post (file uploads) with the CSRF field, which loadtest.Browser does not send."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in {**fields, "csrf_token": browser.csrf or ""}.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, body) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f'Content-Type: application/octet-stream\r\n\r\n'.encode() + body + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if browser.cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    response, data = browser._send("POST", path, body, headers)
    for cookie in response.msg.get_all("Set-Cookie") or []:
        name, _, rest = cookie.partition("=")
        browser.cookies[name.strip()] = rest.split(";", 1)[0]
    return type("R", (), {"status": response.status, "headers": dict(response.getheaders()),
                          "body": data.decode("utf-8", "replace")})()


def _lead(unit_name, number):
    """The directive-level assignment of a Quảng Trị task to a unit."""
    quang_tri = Directive.get(Directive.number == "/UBND-KGVX")
    return (Assignment.select().join(Task).switch(Assignment).join(Unit)
            .where((Unit.name == unit_name) & (Task.number == number) & (Task.directive == quang_tri.id)
                   & Assignment.delegated_from.is_null()).get())


def _receipt_duty_weekly():
    """A weekly duty no indicator set fills yet: the one the admins race to give a set."""
    tuan_giao = Directive.get(Directive.number == "/BCĐĐA06")
    return save_task(Task(directive=tuan_giao, number="9.8", text="Báo cáo tiêm chủng hằng tuần", deadline_kind="weekly",
                          weekday=4, deadline_time=time(16, 0)), [Unit.get(Unit.name == "UBND xã Quài Cang")], [],
                     now=TEST_NOW)


def _receipt_duty():
    """A duty counted from the day the directive was received: its page takes that day."""
    tuan_giao = Directive.get(Directive.number == "/BCĐĐA06")
    task = save_task(Task(directive=tuan_giao, number="9.9", text="Báo cáo trong 05 ngày làm việc",
                          deadline_kind="relative_working_days", deadline_n=5, counted_from="receipt"),
                     [Unit.get(Unit.name == "Tổ công tác Đề án 06 xã Quài Cang")], [], now=TEST_NOW)
    return Assignment.get(Assignment.task == task.id)


class Hammer:
    """One thread's user going through every write route once; what it saw is kept."""

    def __init__(self, server, t, barrier, problems, seen):
        self.server, self.t, self.ids, self.barrier = server, t, server.ids, barrier
        self.problems, self.seen = problems, seen
        self.username, self.password = f"bua_{t:02d}", DEMO_PASSWORD
        self.browser = Browser(server.port, timeout=60)

    def check(self, endpoint, response):
        self.seen.add(endpoint)
        if response.status >= 500 or "database is locked" in response.body:
            self.problems.append(f"{endpoint} (thread {self.t}): HTTP {response.status} {response.body[:200]}")
        return response

    def post(self, endpoint, path, fields, htmx=False):
        return self.check(endpoint, self.browser.post(path, fields, htmx=htmx))

    def page(self, path):
        response = self.browser.get(path)
        if response.status >= 500:
            self.problems.append(f"GET {path} (thread {self.t}): HTTP {response.status}")
        return response

    def log_in(self):
        response = self.browser.log_in(self.username, self.password)
        self.check("auth.login", response)
        assert response.status == 302, f"login {self.username}: HTTP {response.status}"
        self.page("/")  # the session's CSRF token

    def run(self):
        ids, t = self.ids, self.t
        self.log_in()
        self.barrier.wait(timeout=60)
        # Everyone opens the Sở's March report at once, saves it and submits it.
        created = self.post("reports.create", "/bao-cao/tao",
                            {"unit": ids["so"], "directive": "0", "month": "3", "year": "2024"})
        report = created.headers.get("Location", "")
        if re.fullmatch(r"/bao-cao/\d+", report):
            self.post("reports.detail", report, {"number": f"{t}/BC-SLĐTBXH", "assessment": f"Luồng {t}"})
            self.post("reports.submit", f"{report}/nop", {})
        # One unit's figures, the same day, sixteen times at once.
        s, gio_an = ids["qt_set"], ids["gio_an"]
        figures = {f"v-{gio_an}-{i}-{g}": str(number) for g in ids["qt_groups"]
                   for i, number in zip(ids["qt_indicators"], (100 + t, 10, 5))}
        self.post("targets.entry", f"/so-lieu/bo/{s}/nhap/{gio_an}?day=2024-03-19",
                  {**figures, f"note-{gio_an}": f"luồng {t}"})
        # A commune group's weekly figures: the first one submits the week's report.
        group = ids["quaicang"]
        weekly = {f"v-{group}-{i}-{ids['tg_group']}": str(n) for i, n in zip(ids["tg_indicators"], (5 + t, 40))}
        self.post("targets.entry", f"/so-lieu/bo/{ids['tg_set']}/nhap/{group}?day=2024-03-13",
                  {**weekly, "report_note": f"kỳ {t}"})
        split = {f"t-{c}-{g}-{ids['paid']}-1": str(10 + t) for c in ids["communes"][:3] for g in ids["qt_groups"]}
        self.post("targets.split", f"/chi-tieu/bo/{s}/chia/{ids['gio_linh']}?year=2024", split)
        self.post("targets.legacy_split", f"/chi-tieu/chia/{ids['gio_linh']}?year=2024", split)
        cookies = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.browser.cookies.items())}
        _, workbook = self.browser._send("GET", f"/chi-tieu/bo/{s}/xuat?year=2024", None, cookies)  # the bytes as sent
        self.check("targets.import_file", multipart(self.browser, f"/chi-tieu/bo/{s}/nhap", {"year": "2024"}, {
            "file": ("phu-luc-01.xlsx", workbook)}))
        self.check("targets.legacy_import", multipart(self.browser, "/chi-tieu/nhap", {"year": "2024"}, {
            "file": ("phu-luc-01.xlsx", workbook)}))
        page = self.page(f"/giao-viec/{ids['assignment']}")
        version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page.body)
        self.post("assignments.detail", f"/giao-viec/{ids['assignment']}",
                  {"state": "in_progress", "percent": str(1 + t), "note": f"búa {t}",
                   "version": next(g for g in version.groups() if g)}, htmx=t % 2 == 0)
        occurrence = re.findall(r'action="(/giao-viec/\d+/ky-bao-cao/\d+)"',
                                self.page(f"/giao-viec/{ids['plain_recurring']}").body)
        if occurrence:
            self.post("assignments.submit_occurrence", occurrence[t % len(occurrence)], {"note": f"kỳ {t}"})
        self.post("calendar.renew", "/lich/tao-moi", {})
        self.follow_up()
        self.reminders_and_letters()
        self.admin_writes()
        self.post("auth.change_password", "/doi-mat-khau",
                  {"current": self.password, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        self.password = NEW_PASSWORD
        self.page("/")
        self.post("auth.logout", "/dang-xuat", {})
        self.log_in()

    def follow_up(self):
        """Everyone decides the same waiting completion and the same extension request at once,
        asks for the same extension, passes the same task to the same commune: one of each wins."""
        ids, t = self.ids, self.t
        if t % 2:
            self.post("assignments.give_back", f"/giao-viec/{ids['awaiting']}/tra-lai", {"reason": f"Thiếu hồ sơ {t}"})
        else:
            self.post("assignments.confirm", f"/giao-viec/{ids['awaiting']}/xac-nhan", {"note": f"Đồng ý {t}"})
        owner, request = ids["request"]
        self.post("assignments.decide_extension", f"/giao-viec/{owner}/gia-han/{request}",
                  {"decision": "approve" if t % 2 else "refuse", "note": f"Ý kiến {t}"})
        self.post("assignments.request_extension", f"/giao-viec/{ids['extendable']}/gia-han",
                  {"day": "30/04/2024", "reason": f"Lý do {t}", "occurrence": ""})
        self.post("assignments.delegate", f"/giao-viec/{ids['holder']}/giao-tiep",
                  {"units": ids["gio_an"], "day": "25/03/2024", "instructions": f"Giao {t}"})
        self.post("assignments.cooperation_detail", f"/giao-viec/phoi-hop/{ids['partner']}",
                  {"note": f"Ý kiến phối hợp {t}", "figures": ""})
        self.post("assignments.ask_partner", f"/giao-viec/phoi-hop/{ids['partner']}/de-nghi",
                  {"day": "", "note": f"Đề nghị {t}"})
        self.post("assignments.received", f"/giao-viec/{ids['receipt']}/ngay-nhan", {"received_on": "18/03/2024"})

    def reminders_and_letters(self):
        ids, t = self.ids, self.t
        self.post("notifications.account", "/tai-khoan", {"email": f"bua{t}@example.invalid", "email_reminders": "y"})
        mine = re.findall(r'action="(/thong-bao/\d+/da-doc)"', self.page("/thong-bao/").body)
        self.post("notifications.mark_read", mine[0] if mine else "/thong-bao/1/da-doc", {})
        self.post("notifications.mark_all_read", "/thong-bao/da-doc-tat-ca", {})
        made = self.post("dashboard.letter_new", "/tong-hop/don-doc/moi", {"item": ids["extendable"]})
        letter = made.headers.get("Location", "")
        if re.fullmatch(r"/tong-hop/don-doc/\d+", letter):
            self.post("dashboard.letter", letter, {"number": f"{t}/UBND-KGVX", "place": "Quảng Trị",
                                                   "letter_date": "20/03/2024", "new_due": "29/03/2024",
                                                   "copies": "Như trên\nLưu: VT", "signing_authority": "KT. CHỦ TỊCH",
                                                   "signer_title": "PHÓ CHỦ TỊCH", "signer_name": "Hoàng Nam"})
        # Everyone declares the same day off at once, then everyone removes it.
        self.post("admin.work_days", "/quan-tri/lich-lam-viec?nam=2024",
                  {"day": "30/12/2024", "working": "off", "label": f"Nghỉ thử {t}"})
        declared = re.findall(r'href="(/quan-tri/lich-lam-viec/\d+/xoa)"', self.page("/quan-tri/lich-lam-viec?nam=2024").body)
        self.post("admin.work_day_delete", declared[0] if declared else "/quan-tri/lich-lam-viec/1/xoa", {})
        self.indicator_sets()

    def indicator_sets(self):
        """Everyone gives the same free duty a set at once (one wins), then edits, maps and deletes it."""
        ids, t = self.ids, self.t
        made = self.post("admin.indicator_set_new", "/quan-tri/bo-chi-tieu/moi", {
            "name": f"Tiêm chủng {t}", "task": ids["free_task"], "scope": ids["gio_linh"], "reporting_kind": "",
            "target_period": "quarter"})
        found = re.search(r'href="(/quan-tri/bo-chi-tieu/\d+)">Tiêm chủng', self.page("/quan-tri/bo-chi-tieu/").body)
        path = made.headers.get("Location", "") or (found.group(1) if found else "/quan-tri/bo-chi-tieu/999")
        self.post("admin.indicator_set", path, {
            "name": f"Tiêm chủng {t}", "task": ids["free_task"], "scope": ids["gio_linh"], "reporting_kind": "",
            "target_period": "quarter", "ind-0-name": f"Số trẻ {t}", "ind-0-aggregation": "stock", "base": "0",
            "ind-1-name": f"Số trẻ đã tiêm {t}", "ind-1-aggregation": "period", "ind-1-has_targets": "1"})
        self.post("admin.indicator_set_columns", f"{path}/phu-luc", {"label": "Phụ lục T", "title": "TIÊM CHỦNG",
                                                                     "col-0-content": "f", "col-0-formula": "1+1"})
        self.post("admin.indicator_set_delete", f"{path}/xoa", {})

    def admin_writes(self):
        ids, t = self.ids, self.t
        made = self.post("admin.directive_new", "/quan-tri/van-ban/moi", {
            "number": f"{t}/BUA", "issued": "15/03/2024", "issuer": ids["issuer"], "subject": f"V/v búa {t}"})
        directive = made.headers.get("Location", "")
        self.post("admin.directive_edit", f"{directive}/sua", {
            "number": f"{t}/BUA", "issued": "03/2024", "issuer": ids["issuer"], "subject": f"V/v búa {t} (sửa)"})
        task = self.post("admin.task_new", f"{directive}/nhiem-vu/moi", {
            "text": f"Nhiệm vụ búa {t}", "deadline_kind": "fixed", "deadline_date": "31/12/2024", "weekday": "",
            "group_kind": "", "group_parent": "", "lead_units": ids["gio_an"]}).headers.get("Location", "")
        task_id = task.rsplit("task-", 1)[-1]
        self.post("admin.task_edit", f"/quan-tri/nhiem-vu/{task_id}/sua", {
            "text": f"Nhiệm vụ búa {t} (sửa)", "deadline_kind": "ongoing", "weekday": "", "group_kind": "",
            "group_parent": "", "lead_units": ids["gio_an"]})
        self.post("admin.task_delete", f"/quan-tri/nhiem-vu/{task_id}/xoa", {})
        self.post("admin.directive_delete", f"{directive}/xoa", {})
        # A directive read from its text, reviewed and saved whole, by everyone at once.
        read = self.post("admin.directive_read", "/quan-tri/van-ban/doc", {"text": (
            f"ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\n\nSố: {t}/BUA-DOC\n\nQuảng Trị, ngày 15 tháng 03 năm 2024\n\n"
            f"V/v đọc văn bản búa {t}\n\nKính gửi: Sở Lao động - Thương binh và Xã hội.\n\n"
            "1. Sở Lao động - Thương binh và Xã hội rà soát danh sách, hoàn thành trước ngày 30/04/2024.")})
        review = dict(form_values(read.body, "review-form"))
        saved = self.post("admin.directive_review", "/quan-tri/van-ban/doc/xem-lai", {**review, "action": "save"})
        if saved.status != 302:
            self.problems.append(f"admin.directive_review (thread {t}): HTTP {saved.status}, not saved")
        unit = self.post("admin.unit_new", "/quan-tri/don-vi/moi", {
            "name": f"Xã búa {t}", "kind": "ubnd_xa", "parent": ids["gio_linh"], "merged_into": "", "active": "y"})
        unit_id = unit.headers.get("Location", "").rsplit("unit-", 1)[-1]
        self.post("admin.unit_edit", f"/quan-tri/don-vi/{unit_id}/sua", {
            "name": f"Xã búa {t} (sửa)", "kind": "ubnd_xa", "parent": ids["gio_linh"], "merged_into": "",
            "active": "y"})
        self.post("admin.user_new", "/quan-tri/nguoi-dung/moi", {
            "username": f"moi_{t:02d}", "full_name": f"Người mới {t}", "role": "staff", "unit": unit_id,
            "active": "y", "password": "mat-khau-dau-tien", "confirm": "mat-khau-dau-tien"})
        user_id = re.search(rf'href="/quan-tri/nguoi-dung/(\d+)/sua"[^>]*>\s*moi_{t:02d}',
                            self.page(f"/quan-tri/nguoi-dung/?q=moi_{t:02d}").body)
        if user_id:
            path = f"/quan-tri/nguoi-dung/{user_id.group(1)}"
            self.post("admin.user_edit", f"{path}/sua", {"full_name": f"Người mới {t} (sửa)", "role": "staff",
                                                         "unit": unit_id, "active": "y"})
            self.post("admin.user_password", f"{path}/mat-khau", {"password": "dat-lai-2024",
                                                                  "confirm": "dat-lai-2024"})


def test_every_write_route_at_once_gives_no_server_error_and_no_locked_database(server):
    problems, seen = [], set()
    barrier = threading.Barrier(THREADS)
    hammers = [Hammer(server, t, barrier, problems, seen) for t in range(THREADS)]

    def run(hammer):
        try:
            hammer.run()
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            problems.append(f"thread {hammer.t}: {type(exc).__name__}: {exc}")
        finally:
            hammer.browser.close()

    threads = [threading.Thread(target=run, args=(h,)) for h in hammers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads), "the posts did not finish within 240 s"
    log = server.log()
    assert not problems, (problems[:8], log[-3000:])
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
    assert server.write_routes - seen == set(), f"write routes with no step in Hammer.run: {server.write_routes - seen}"

    so = server.ids["so"]
    reports = list(MonthlyReport.select().where((MonthlyReport.unit == so) & (MonthlyReport.year == 2024)
                                                & (MonthlyReport.month == 3)))
    assert len(reports) == 1 and reports[0].submitted_at is not None  # one report, submitted once
    figures = Figure.select().where((Figure.unit == server.ids["gio_an"]) & (Figure.day == date(2024, 3, 19)))
    assert figures.count() == 6  # one row per indicator and group, whoever won
    assert FigureEntry.select().where((FigureEntry.unit == server.ids["quaicang"])
                                      & (FigureEntry.day == date(2024, 3, 13))).count() == 1
    assert IndicatorSet.select().where(IndicatorSet.task == server.ids["free_task"]).count() == 0  # made, then deleted
    assert Directive.select().where(Directive.number.endswith("/BUA")).count() == 0  # each made, then deleted
    read = Directive.select().where(Directive.number.endswith("/BUA-DOC"))
    assert read.count() == THREADS and all(len(d.tasks) == 1 for d in read)  # each read and saved whole, once
    assert User.select().where(User.username.startswith("moi_")).count() == THREADS
    assert Occurrence.select().where(Occurrence.note.startswith("kỳ ")).count() >= 1
    # The follow-up loop's races settled in the database: one decision each, one open request.
    decisions = Update.select().where((Update.assignment == server.ids["awaiting"])
                                      & Update.kind.in_(["confirmed", "returned"]))
    assert decisions.count() == 1
    owner, request = server.ids["request"]
    assert Extension.get_by_id(request).state in ("approved", "refused")
    assert Extension.select().where((Extension.assignment == server.ids["extendable"])
                                    & (Extension.state == "open")).count() == 1
    assert Assignment.select().where((Assignment.delegated_from == server.ids["holder"])
                                     & (Assignment.unit == server.ids["gio_an"])).count() == 1
    assert WorkDay.select().count() == 0
    database.close()
