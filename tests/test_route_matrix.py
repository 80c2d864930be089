"""Every route, for every kind of user, answers as declared here. A new route fails this test until it
is added to MATRIX, so no page can be added without saying who may use it."""
import io
from datetime import datetime

import pytest

from tests.helpers import DEMO_PASSWORD, load_demo
from webapp.core import cooperation, occurrences, reports, urging, work_calendar, workdays
from webapp.core.assignments import post_update
from webapp.core.directives import save_task
from webapp.core.uploads import store_evidence
from webapp.models import (
    AppendixColumn,
    Assignment,
    Cooperation,
    CooperationInput,
    Directive,
    Extension,
    FigureEntry,
    Indicator,
    IndicatorGroup,
    IndicatorSet,
    MonthlyReport,
    Notification,
    Occurrence,
    Target,
    Task,
    Unit,
    Update,
    UrgingLetter,
    User,
    WorkDay,
)

ROLES = ("anonymous", "commune_staff", "district_staff", "district_leader", "province_leader", "admin")
USERS = {"commune_staff": "quaicang", "district_staff": "giolinh", "district_leader": "tuangiao",
         "province_leader": "lanhdao", "admin": "admin"}
L = "login"  # a redirect to the login page
PDF = b"%PDF-1.4\n%matrix\n"


class Upload:
    """Just enough of a werkzeug FileStorage for store_evidence."""

    def __init__(self, name, data):
        self.filename, self.stream = name, io.BytesIO(data)


@pytest.fixture
def objects(demo, app):
    """The demo plus evidence on an update and on an occurrence of Quài Cang, and a feed token."""
    def assignment(unit, number):
        return (Assignment.select().join(Task).switch(Assignment).join(Unit)
                .where((Unit.name == unit) & (Task.number == number)).get())
    own = assignment("Tổ công tác Đề án 06 xã Quài Cang", "1.1")
    weekly = assignment("Tổ công tác Đề án 06 xã Quài Cang", "1.2")
    quaicang = User.get(User.username == "quaicang")
    update = post_update(own, own.version, quaicang.id, "in_progress", 10, "ma trận",
                         store_evidence(Upload("a.pdf", PDF), app.config["UPLOAD_DIR"]), datetime(2024, 3, 14))
    own = Assignment.get_by_id(own.id)
    post_update(own, own.version, quaicang.id, "done", 100, "xong", None, datetime(2024, 3, 15))  # awaits confirmation
    occurrences.materialise(datetime(2024, 3, 31).date(), datetime(2024, 3, 20).date())
    occurrence = Occurrence.select().where(Occurrence.assignment == weekly.id).order_by(Occurrence.due_at).first()
    occurrences.submit(occurrence, quaicang.id, "ma trận",
                       store_evidence(Upload("b.pdf", PDF), app.config["UPLOAD_DIR"]), datetime(2024, 3, 13))
    User.update(calendar_token="t" * 43).where(User.id == quaicang.id).execute()
    tuan_giao = Directive.get(Directive.number == "/BCĐĐA06")
    so = Unit.get(Unit.name == "Sở Lao động - Thương binh và Xã hội")
    quang_tri = Directive.get(Directive.number == "/UBND-KGVX")
    draft = reports.open_draft(so, quang_tri, 2024, 3, None, datetime(2024, 3, 20))
    done = reports.open_draft(so, quang_tri, 2024, 2, None, datetime(2024, 3, 1))
    reports.submit(done, User.get(User.username == "sldtbxh").id, datetime(2024, 3, 1))
    tuangiao = User.get(User.username == "tuangiao")
    now = datetime(2024, 3, 20, 10)
    late = urging.overdue_assignments(tuangiao, now, 3, directive_id=tuan_giao.id)
    letter = urging.create(tuangiao, late, now=now, calendar=work_calendar.current_calendar())
    day = workdays.declare_day(datetime(2024, 3, 22).date(), False, "Nghỉ thử", now=now)
    gio_linh = Unit.get(Unit.name == "UBND huyện Gio Linh")
    request = Extension.get(Extension.state == "open", Extension.assignment.in_(
        Assignment.select(Assignment.id).where(Assignment.assigned_by == gio_linh.id)))
    partner = Cooperation.get((Cooperation.unit == gio_linh.id)
                              & (Cooperation.task == Task.get((Task.number == "1.1") & (Task.directive == quang_tri.id))))
    giolinh = User.get(User.username == "giolinh")
    sent = cooperation.send_input(partner, giolinh.id, "ma trận", "", store_evidence(Upload("c.pdf", PDF),
                                  app.config["UPLOAD_DIR"]), datetime(2024, 3, 16))
    # A duty counted from the day the directive was received: its page asks for that day.
    receipt_task = save_task(Task(directive=tuan_giao, number="9.9", text="Báo cáo trong 05 ngày làm việc",
                                  deadline_kind="relative_working_days", deadline_n=5, counted_from="receipt"),
                             [Unit.get(Unit.name == "Tổ công tác Đề án 06 xã Quài Cang")], [], now=now)
    # The Tuần Giáo directive keeps the document it was read from.
    document = store_evidence(Upload("cong-van.pdf", PDF), app.config["UPLOAD_DIR"])
    Directive.update(attachment_name="cong-van.pdf", attachment_path=document.stored_name,
                     attachment_size=document.size).where(Directive.id == tuan_giao.id).execute()
    holder = Assignment.get((Assignment.unit == gio_linh.id)
                            & (Assignment.task == Task.get((Task.number == "3.5") & (Task.directive == quang_tri.id))))
    qt_set = IndicatorSet.get(IndicatorSet.directive == quang_tri.id)
    tg_set = IndicatorSet.get(IndicatorSet.directive == tuan_giao.id)
    return {
        "qt_set": qt_set.id, "tg_set": tg_set.id, "sets": IndicatorSet.select().count(),
        "group1": qt_set.groups.order_by(IndicatorGroup.position).first().id,
        "base": qt_set.indicators.where(Indicator.is_base).get().id,
        "columns": AppendixColumn.select().count(), "entries": FigureEntry.select().count(),
        "quaicang_group": Unit.get(Unit.name == "Tổ công tác Đề án 06 xã Quài Cang").id,
        "plain_weekly": assignment("Công an huyện Tuần Giáo", "2.2").id,  # a report with no indicator set
        "letter": letter.id, "work_day": day.id,
        "request_owner": request.assignment_id, "request": request.id, "partner": partner.id, "input": sent.id,
        "holder": holder.id, "updates": Update.select().count(),
        "receipt": Assignment.get(Assignment.task == receipt_task.id).id,
        "coop_lead": Assignment.get((Assignment.unit == so.id)
                                    & (Assignment.task == Task.get((Task.number == "1.1") & (Task.directive == quang_tri.id)))).id, "inputs": CooperationInput.select().count(),
        "children": Assignment.select().where(Assignment.delegated_from.is_null(False)).count(),
        "draft": draft.id, "done": done.id,
        "submitted": Occurrence.select().where(Occurrence.submitted_at.is_null(False)).count(),
        "own": own.id, "weekly": weekly.id, "update": update.id, "occurrence": occurrence.id,
        "directive": tuan_giao.id, "task": Task.get((Task.directive == tuan_giao.id) & (Task.number == "1.1")).id,
        "gio_linh": Unit.get(Unit.name == "UBND huyện Gio Linh").id,
        "province": Unit.get(Unit.name == "UBND tỉnh Quảng Trị").id,
        "unit": Unit.get(Unit.name == "UBND xã Quài Cang").id, "user": quaicang.id,
        "commune": Unit.get(Unit.name == "UBND xã Gio An").id,
        "notification": Notification.select().where(Notification.user == quaicang.id).first().id,
        "directives": Directive.select().count(),
        "targets_below": Target.select().join(Unit).where(Unit.parent == gio_linh.id).count(),
    }


TWO_TIER_ROLES = ("anonymous", "commune_staff", "commune_leader", "body_staff", "post_staff", "province_leader",
                  "admin")
TWO_TIER_USERS = {"commune_staff": "tanphong", "commune_leader": "ld_doanket", "body_staff": "skhcn",
                  "post_staff": "buudienlc", "province_leader": "laichau", "admin": "admin"}


@pytest.fixture
def two_tier_objects(app):
    """The same kinds of objects in the province of two tiers (Lai Châu: communes straight under the
    province), under the same keys as `objects`: "gio_linh" (the unit that splits targets and enters
    for others) is the province there, "commune" and "unit" a ward, Tân Phong."""
    load_demo(two_tier=True)
    lai_chau = Directive.get(Directive.number == "7360/KH-UBND")
    province = Unit.get(Unit.name == "UBND tỉnh Lai Châu")
    ward = Unit.get(Unit.name == "UBND phường Tân Phong")
    science = Unit.get(Unit.name == "Sở Khoa học và Công nghệ tỉnh Lai Châu")
    tanphong, skhcn, laichau = (User.get(User.username == name) for name in ("tanphong", "skhcn", "laichau"))

    def assignment(unit, number):
        return Assignment.get((Assignment.unit == unit.id) & (Assignment.task == Task.get(
            (Task.directive == lai_chau.id) & (Task.number == number)).id) & Assignment.delegated_from.is_null())
    now = datetime(2024, 3, 20, 10)
    own = assignment(ward, "II.2")
    update = post_update(own, own.version, tanphong.id, "in_progress", 30, "ma trận",
                         store_evidence(Upload("a.pdf", PDF), app.config["UPLOAD_DIR"]), now)
    own = Assignment.get_by_id(own.id)
    post_update(own, own.version, tanphong.id, "done", 100, "xong", None, now)  # awaits the province's confirmation
    weekly = assignment(ward, "IV.3")
    occurrence = (Occurrence.select().where((Occurrence.assignment == weekly.id) & Occurrence.submitted_at.is_null())
                  .order_by(Occurrence.due_at).first())
    occurrences.submit(occurrence, tanphong.id, "ma trận", store_evidence(Upload("b.pdf", PDF), app.config["UPLOAD_DIR"]),
                       now)
    User.update(calendar_token="t" * 43).where(User.id == tanphong.id).execute()
    document = store_evidence(Upload("ke-hoach.pdf", PDF), app.config["UPLOAD_DIR"])
    Directive.update(attachment_name="ke-hoach.pdf", attachment_path=document.stored_name,
                     attachment_size=document.size).where(Directive.id == lai_chau.id).execute()
    draft = reports.open_draft(science, lai_chau, 2024, 3, None, now)
    done = reports.open_draft(science, lai_chau, 2024, 2, None, datetime(2024, 3, 1))
    reports.submit(done, skhcn.id, datetime(2024, 3, 1))
    late = urging.overdue_assignments(laichau, now, 3, directive_id=lai_chau.id)
    letter = urging.create(laichau, late, now=now, calendar=work_calendar.current_calendar())
    day = workdays.declare_day(datetime(2024, 3, 22).date(), False, "Nghỉ thử", now=now)
    request = Extension.get((Extension.state == "open") & Extension.assignment.in_(
        Assignment.select(Assignment.id).join(Task).where(Task.directive == lai_chau.id)))
    partner = Cooperation.get((Cooperation.unit == ward.id) & (Cooperation.task == Task.get(
        (Task.directive == lai_chau.id) & (Task.number == "II.1")).id))
    sent = cooperation.send_input(partner, tanphong.id, "ma trận", "", store_evidence(Upload("c.pdf", PDF),
                                  app.config["UPLOAD_DIR"]), now)
    receipt_task = save_task(Task(directive=lai_chau, number="9.9", text="Báo cáo trong 05 ngày làm việc",
                                  deadline_kind="relative_working_days", deadline_n=5, counted_from="receipt"),
                             [ward], [], now=now)
    lc_set = IndicatorSet.get(IndicatorSet.directive == lai_chau.id)
    return {
        "qt_set": lc_set.id, "tg_set": lc_set.id, "sets": IndicatorSet.select().count(),
        "group1": lc_set.groups.order_by(IndicatorGroup.position).first().id,
        "base": lc_set.indicators.where(Indicator.has_targets).order_by(Indicator.position).first().id,
        "columns": AppendixColumn.select().count(), "entries": FigureEntry.select().count(),
        "quaicang_group": ward.id, "plain_weekly": weekly.id,
        "letter": letter.id, "work_day": day.id,
        "request_owner": request.assignment_id, "request": request.id, "partner": partner.id, "input": sent.id,
        "holder": assignment(science, "II.1").id, "updates": Update.select().count(),
        "receipt": Assignment.get(Assignment.task == receipt_task.id).id,
        "coop_lead": assignment(science, "II.1").id, "inputs": CooperationInput.select().count(),
        "children": Assignment.select().where(Assignment.delegated_from.is_null(False)).count(),
        "draft": draft.id, "done": done.id,
        "submitted": Occurrence.select().where(Occurrence.submitted_at.is_null(False)).count(),
        "own": own.id, "weekly": weekly.id, "update": update.id, "occurrence": occurrence.id,
        "directive": lai_chau.id, "task": Task.get((Task.directive == lai_chau.id) & (Task.number == "II.2")).id,
        "gio_linh": province.id, "province": province.id, "unit": ward.id, "user": tanphong.id, "commune": ward.id,
        "notification": Notification.select().where(Notification.user == tanphong.id).first().id,
        "directives": Directive.select().count(),
        "targets_below": Target.select().join(Unit).where(Unit.parent == province.id).count(),
    }


LONG = {"note": "x" * 5001}          # fails validation: nothing changes
BAD_SPLIT = {"t-{commune}-{group1}-{base}-0": "abc"}

# (endpoint, method): (path, form data or None, expected answer per role in ROLES order)
MATRIX = {
    ("home.index", "GET"): ("/", None, (L, 200, 200, 200, 200, 200)),
    # A filter field's matches: only what the user may see (tests/test_pick.py).
    ("home.pick_options", "GET"): ("/goi-y/don-vi?unit_q=x&for=home.index", None, (L, 200, 200, 200, 200, 200)),
    ("auth.login", "GET"): ("/dang-nhap", None, (200, 302, 302, 302, 302, 302)),
    ("auth.login", "POST"): ("/dang-nhap", {}, (200, 302, 302, 302, 302, 302)),
    ("auth.logout", "POST"): ("/dang-xuat", {}, (L, L, L, L, L, L)),  # logged out, back to the login page
    ("auth.change_password", "GET"): ("/doi-mat-khau", None, (L, 200, 200, 200, 200, 200)),
    ("auth.change_password", "POST"): ("/doi-mat-khau", {}, (L, 200, 200, 200, 200, 200)),
    ("assignments.detail", "GET"): ("/giao-viec/{own}", None, (L, 200, 404, 200, 200, 200)),
    ("assignments.detail", "POST"): ("/giao-viec/{own}", {}, (L, 200, 404, 403, 403, 200)),
    ("assignments.evidence", "GET"): ("/giao-viec/{own}/minh-chung/{update}", None, (L, 200, 404, 200, 200, 200)),
    ("assignments.occurrence_list", "GET"): ("/giao-viec/{weekly}/ky-bao-cao", None, (L, 302, 404, 302, 302, 302)),
    ("assignments.submit_occurrence", "POST"): ("/giao-viec/{weekly}/ky-bao-cao/{occurrence}", LONG,
                                                (L, 200, 404, 403, 403, 200)),
    ("assignments.occurrence_evidence", "GET"): ("/giao-viec/{weekly}/ky-bao-cao/{occurrence}/tep", None,
                                                 (L, 200, 404, 200, 200, 200)),
    # The follow-up loop: quaicang's 1.1 awaits confirmation by the Tuần Giáo steering committee (its
    # district's leader acts for it); Gio Linh answers its communes' extension requests; only a
    # holder passes its assignment down. Every post is refused input: nothing changes.
    ("assignments.confirm", "POST"): ("/giao-viec/{own}/xac-nhan", {"note": "x" * 2001},
                                      (L, 403, 404, 200, 200, 200)),
    ("assignments.give_back", "POST"): ("/giao-viec/{own}/tra-lai", {"reason": ""}, (L, 403, 404, 200, 200, 200)),
    ("assignments.request_extension", "POST"): ("/giao-viec/{own}/gia-han", {}, (L, 200, 404, 403, 403, 200)),
    ("assignments.decide_extension", "POST"): ("/giao-viec/{request_owner}/gia-han/{request}", {},
                                               (L, 404, 200, 404, 200, 200)),
    ("assignments.delegate", "POST"): ("/giao-viec/{holder}/giao-tiep", {}, (L, 404, 200, 404, 403, 200)),
    ("assignments.waiting", "GET"): ("/giao-viec/cho-xac-nhan", None, (L, 200, 200, 200, 200, 200)),
    ("assignments.cooperation_detail", "GET"): ("/giao-viec/phoi-hop/{partner}", None, (L, 404, 200, 404, 200, 200)),
    ("assignments.cooperation_detail", "POST"): ("/giao-viec/phoi-hop/{partner}", {},
                                                 (L, 404, 200, 404, 403, 200)),
    ("assignments.ask_partner", "POST"): ("/giao-viec/phoi-hop/{partner}/de-nghi", {"note": "x" * 2001},
                                          (L, 404, 403, 404, 403, 302)),
    ("assignments.input_evidence", "GET"): ("/giao-viec/phoi-hop/{partner}/tep/{input}", None,
                                            (L, 404, 200, 404, 200, 200)),
    ("directives.index", "GET"): ("/van-ban/", None, (L, 200, 200, 200, 200, 200)),
    ("directives.detail", "GET"): ("/van-ban/{directive}", None, (L, 200, 404, 200, 200, 200)),
    ("directives.attachment", "GET"): ("/van-ban/{directive}/tep", None, (L, 200, 404, 200, 200, 200)),
    ("dashboard.index", "GET"): ("/tong-hop/", None, (L, 403, 403, 200, 200, 200)),
    ("dashboard.overdue_list", "GET"): ("/tong-hop/qua-han", None, (L, 403, 403, 200, 200, 200)),
    ("dashboard.scorecard", "GET"): ("/tong-hop/xep-hang", None, (L, 403, 403, 200, 200, 200)),
    ("dashboard.scorecard_excel", "GET"): ("/tong-hop/xep-hang/excel", None, (L, 403, 403, 200, 200, 200)),
    ("calendar.ics", "GET"): ("/lich/" + "t" * 43 + ".ics", None, (200, 200, 200, 200, 200, 200)),
    ("calendar.renew", "POST"): ("/lich/tao-moi", {}, (L, 302, 302, 302, 302, 302)),
    ("targets.index", "GET"): ("/chi-tieu/", None, (L, 200, 200, 200, 200, 200)),
    # The Quảng Trị set: the province's districts and bodies, leaders above, admins; a district splits
    # and enters for itself and its communes; only admins import.
    ("targets.set_targets", "GET"): ("/chi-tieu/bo/{qt_set}", None, (L, 404, 200, 404, 200, 200)),
    ("targets.export", "GET"): ("/chi-tieu/bo/{qt_set}/xuat", None, (L, 404, 200, 404, 200, 200)),
    ("targets.import_file", "POST"): ("/chi-tieu/bo/{qt_set}/nhap", {}, (L, 404, 403, 404, 403, 200)),
    ("targets.split", "GET"): ("/chi-tieu/bo/{qt_set}/chia/{gio_linh}", None, (L, 404, 200, 404, 403, 200)),
    ("targets.split", "POST"): ("/chi-tieu/bo/{qt_set}/chia/{gio_linh}", BAD_SPLIT, (L, 404, 200, 404, 403, 200)),
    ("targets.figures_index", "GET"): ("/so-lieu/", None, (L, 200, 200, 200, 200, 200)),
    ("targets.entry", "GET"): ("/so-lieu/bo/{qt_set}/nhap/{gio_linh}", None, (L, 404, 200, 404, 403, 200)),
    ("targets.entry", "POST"): ("/so-lieu/bo/{qt_set}/nhap/{gio_linh}", {}, (L, 404, 200, 404, 403, 200)),
    # The province's roll-up (a row per district): its bodies, leaders above, admins; not a district,
    # which reads its own roll-up and not its neighbours'.
    ("targets.rollup", "GET"): ("/so-lieu/bo/{qt_set}/tong-hop/{province}", None, (L, 404, 404, 404, 200, 200)),
    ("targets.rollup_excel", "GET"): ("/so-lieu/bo/{qt_set}/tong-hop/{province}/excel", None,
                                      (L, 404, 404, 404, 200, 200)),
    # The addresses of the fixed Phụ lục 01 / 2a / 2b pages lead to the set (or to the list of sets).
    ("targets.legacy_export", "GET"): ("/chi-tieu/xuat", None, (L, 302, 302, 302, 302, 302)),
    ("targets.legacy_import", "POST"): ("/chi-tieu/nhap", {}, (L, 302, 307, 302, 307, 307)),
    ("targets.legacy_split", "GET"): ("/chi-tieu/chia/{gio_linh}", None, (L, 302, 302, 302, 302, 302)),
    ("targets.legacy_split", "POST"): ("/chi-tieu/chia/{gio_linh}", BAD_SPLIT, (L, 302, 307, 302, 307, 307)),
    ("targets.legacy_2a", "GET"): ("/so-lieu/2a/{province}", None, (L, 302, 302, 302, 302, 302)),
    ("targets.legacy_2a_excel", "GET"): ("/so-lieu/2a/{province}/excel", None, (L, 302, 302, 302, 302, 302)),
    ("targets.legacy_2b", "GET"): ("/so-lieu/2b/{gio_linh}", None, (L, 302, 302, 302, 302, 302)),
    ("targets.legacy_2b_excel", "GET"): ("/so-lieu/2b/{gio_linh}/excel", None, (L, 302, 302, 302, 302, 302)),
    ("reports.index", "GET"): ("/bao-cao/", None, (L, 200, 200, 200, 200, 200)),
    ("reports.create", "POST"): ("/bao-cao/tao", {}, (L, 200, 200, 200, 200, 200)),  # empty form: refused
    ("reports.detail", "GET"): ("/bao-cao/{draft}", None, (L, 404, 404, 404, 200, 200)),
    ("reports.detail", "POST"): ("/bao-cao/{draft}", {"number": "x" * 101}, (L, 404, 404, 404, 403, 200)),
    ("reports.submit", "POST"): ("/bao-cao/{done}/nop", {}, (L, 404, 404, 404, 403, 403)),  # already frozen
    ("reports.pdf", "GET"): ("/bao-cao/{draft}/pdf", None, (L, 404, 404, 404, 200, 200)),
    ("reports.xlsx", "GET"): ("/bao-cao/{draft}/excel", None, (L, 404, 404, 404, 200, 200)),
    ("reports.docx", "GET"): ("/bao-cao/{draft}/docx", None, (L, 404, 404, 404, 200, 200)),
    ("assignments.received", "POST"): ("/giao-viec/{own}/ngay-nhan", {}, (L, 200, 404, 403, 403, 200)),
    ("dashboard.letter_new", "POST"): ("/tong-hop/don-doc/moi", {}, (L, 403, 403, 302, 302, 302)),
    # Made by the Tuần Giáo leader for the district's steering committee: the leaders above and admins.
    ("dashboard.letter", "GET"): ("/tong-hop/don-doc/{letter}", None, (L, 403, 403, 200, 200, 200)),
    ("dashboard.letter", "POST"): ("/tong-hop/don-doc/{letter}", {"new_due": "x"}, (L, 403, 403, 200, 200, 200)),
    ("dashboard.letter_docx_file", "GET"): ("/tong-hop/don-doc/{letter}/docx", None, (L, 403, 403, 200, 200, 200)),
    ("dashboard.letter_pdf", "GET"): ("/tong-hop/don-doc/{letter}/pdf", None, (L, 403, 403, 200, 200, 200)),
    ("notifications.index", "GET"): ("/thong-bao/", None, (L, 200, 200, 200, 200, 200)),
    # Quài Cang's own notification: nobody else's business.
    ("notifications.open_item", "GET"): ("/thong-bao/{notification}", None, (L, 302, 404, 404, 404, 404)),
    ("notifications.mark_read", "POST"): ("/thong-bao/{notification}/da-doc", {}, (L, 302, 404, 404, 404, 404)),
    ("notifications.mark_all_read", "POST"): ("/thong-bao/da-doc-tat-ca", {}, (L, 302, 302, 302, 302, 302)),
    ("notifications.account", "GET"): ("/tai-khoan", None, (L, 200, 200, 200, 200, 200)),
    ("notifications.account", "POST"): ("/tai-khoan", {"email": "sai"}, (L, 200, 200, 200, 200, 200)),
}
ADMIN_ONLY = (L, 403, 403, 403, 403, 200)
for endpoint, path, methods in [
    ("admin.index", "/quan-tri/", ("GET",)),
    ("admin.directives", "/quan-tri/van-ban/", ("GET",)),
    ("admin.directive_new", "/quan-tri/van-ban/moi", ("GET", "POST")),
    # A directive read from its document: nothing pasted, nothing reviewed (an empty form: refused).
    ("admin.directive_read", "/quan-tri/van-ban/doc", ("POST",)),
    ("admin.directive_review", "/quan-tri/van-ban/doc/xem-lai", ("POST",)),
    ("admin.directive", "/quan-tri/van-ban/{directive}", ("GET",)),
    ("admin.directive_edit", "/quan-tri/van-ban/{directive}/sua", ("GET", "POST")),
    ("admin.directive_delete", "/quan-tri/van-ban/{directive}/xoa", ("GET", "POST")),  # has history: refused
    ("admin.task_new", "/quan-tri/van-ban/{directive}/nhiem-vu/moi", ("GET", "POST")),
    ("admin.task_edit", "/quan-tri/nhiem-vu/{task}/sua", ("GET", "POST")),
    ("admin.task_delete", "/quan-tri/nhiem-vu/{task}/xoa", ("GET", "POST")),  # has history: refused
    ("admin.units", "/quan-tri/don-vi/", ("GET",)),
    ("admin.unit_children", "/quan-tri/don-vi/{unit}/con", ("GET",)),
    ("admin.unit_suggestions", "/quan-tri/goi-y-don-vi?field=parent&parent_q=x", ("GET",)),
    ("admin.unit_group_choices", "/quan-tri/nhom-don-vi?field=lead_units&group={province}", ("GET",)),
    ("admin.unit_new", "/quan-tri/don-vi/moi", ("GET", "POST")),
    ("admin.unit_edit", "/quan-tri/don-vi/{unit}/sua", ("GET", "POST")),
    ("admin.users", "/quan-tri/nguoi-dung/", ("GET",)),
    ("admin.user_new", "/quan-tri/nguoi-dung/moi", ("GET", "POST")),
    ("admin.user_edit", "/quan-tri/nguoi-dung/{user}/sua", ("GET", "POST")),
    ("admin.user_password", "/quan-tri/nguoi-dung/{user}/mat-khau", ("POST",)),
    ("admin.audit", "/quan-tri/nhat-ky", ("GET",)),
    ("admin.work_days", "/quan-tri/lich-lam-viec", ("GET", "POST")),  # an empty form: refused
    ("admin.work_day_delete", "/quan-tri/lich-lam-viec/{work_day}/xoa", ("GET", "POST")),
    ("admin.indicator_sets", "/quan-tri/bo-chi-tieu/", ("GET",)),
    ("admin.indicator_set_new", "/quan-tri/bo-chi-tieu/moi", ("GET", "POST")),
    ("admin.indicator_set", "/quan-tri/bo-chi-tieu/{qt_set}", ("GET", "POST")),
    ("admin.indicator_set_columns", "/quan-tri/bo-chi-tieu/{qt_set}/phu-luc", ("GET", "POST")),
    ("admin.indicator_set_delete", "/quan-tri/bo-chi-tieu/{qt_set}/xoa", ("GET", "POST")),  # has data: refused
]:
    for method in methods:
        MATRIX[(endpoint, method)] = (path, {} if method == "POST" else None, ADMIN_ONLY)
# The confirmed delete of a declared day goes through (CSRF is off in tests) and goes back to the calendar.
MATRIX[("admin.work_day_delete", "POST")] = ("/quan-tri/lich-lam-viec/{work_day}/xoa", {}, (L, 403, 403, 403, 403, 302))


# The same routes in the province of two tiers, for TWO_TIER_ROLES (anonymous, a ward's staff, a
# neighbouring ward's leader, a Sở's staff, the post office's staff, the province's leader, an admin).
# The ward's own work: itself, the province that assigned it, admins; a neighbour, the post office and a
# Sở that is no partner see nothing of it.
W = (L, 200, 404, 404, 404, 200, 200)      # the ward's own pages: read by the province too
WU = (L, 200, 404, 404, 404, 403, 200)     # ... changed by the ward only
ALL = (L, 200, 200, 200, 200, 200, 200)
LEADERS = (L, 403, 200, 403, 403, 200, 200)
TWO_TIER = {
    ("home.index", "GET"): ALL, ("home.pick_options", "GET"): ALL,
    ("auth.login", "GET"): (200, 302, 302, 302, 302, 302, 302), ("auth.login", "POST"): (200, 302, 302, 302, 302, 302, 302),
    ("auth.logout", "POST"): (L,) * 7, ("auth.change_password", "GET"): ALL, ("auth.change_password", "POST"): ALL,
    ("assignments.detail", "GET"): W, ("assignments.detail", "POST"): WU, ("assignments.evidence", "GET"): W,
    ("assignments.occurrence_list", "GET"): (L, 302, 404, 404, 404, 302, 302),
    ("assignments.submit_occurrence", "POST"): WU, ("assignments.occurrence_evidence", "GET"): W,
    # The province assigned it: its leader confirms, returns and answers; the ward asks.
    ("assignments.confirm", "POST"): (L, 403, 404, 404, 404, 200, 200),
    ("assignments.give_back", "POST"): (L, 403, 404, 404, 404, 200, 200),
    ("assignments.request_extension", "POST"): WU,
    ("assignments.decide_extension", "POST"): (L, 404, 404, 404, 404, 200, 200),  # another commune's request
    # The Sở passes its part to its centre: its own people; the province's leader reads it.
    ("assignments.delegate", "POST"): (L, 404, 404, 200, 404, 403, 200),
    ("assignments.waiting", "GET"): ALL,
    # The ward is a partner of the Sở on dissemination: the partner, the lead, the issuer's leader.
    ("assignments.cooperation_detail", "GET"): (L, 200, 404, 200, 404, 200, 200),
    ("assignments.cooperation_detail", "POST"): (L, 200, 404, 403, 404, 403, 200),
    ("assignments.ask_partner", "POST"): (L, 403, 404, 302, 404, 403, 302),
    ("assignments.input_evidence", "GET"): (L, 200, 404, 200, 404, 200, 200),
    ("directives.index", "GET"): ALL,
    ("directives.detail", "GET"): (L, 200, 200, 200, 404, 200, 200),  # the post office has no part in it
    ("directives.attachment", "GET"): (L, 200, 200, 200, 404, 200, 200),
    ("dashboard.index", "GET"): LEADERS, ("dashboard.overdue_list", "GET"): LEADERS,
    ("dashboard.scorecard", "GET"): LEADERS, ("dashboard.scorecard_excel", "GET"): LEADERS,
    ("calendar.ics", "GET"): (200,) * 7, ("calendar.renew", "POST"): (L, 302, 302, 302, 302, 302, 302),
    ("targets.index", "GET"): ALL,
    # The set of the province: its pages for everyone inside; the figures of the communes (its
    # roll-up) for the province's leader and its sở, never a commune nor the post office.
    ("targets.set_targets", "GET"): ALL,
    ("targets.export", "GET"): ALL,  # the rows each one may see (none for a commune: no targets)
    ("targets.import_file", "POST"): (L, 403, 403, 403, 403, 403, 200),
    ("targets.split", "GET"): (L, 404, 404, 403, 404, 200, 200),
    ("targets.split", "POST"): (L, 404, 404, 403, 404, 200, 200),
    ("targets.figures_index", "GET"): ALL,
    ("targets.entry", "GET"): (L, 404, 404, 403, 404, 200, 200),  # the province's form: for its communes
    ("targets.entry", "POST"): (L, 404, 404, 403, 404, 200, 200),
    ("targets.rollup", "GET"): (L, 404, 404, 200, 404, 200, 200),
    ("targets.rollup_excel", "GET"): (L, 404, 404, 200, 404, 200, 200),
    # The fixed addresses of earlier versions led to the only set with targets; there are two here,
    # so they lead to the list of sets.
    ("targets.legacy_export", "GET"): (L, 302, 302, 302, 302, 302, 302),
    ("targets.legacy_import", "POST"): (L, 302, 302, 302, 302, 302, 302),
    ("targets.legacy_split", "GET"): (L, 302, 302, 302, 302, 302, 302),
    ("targets.legacy_split", "POST"): (L, 302, 302, 302, 302, 302, 302),
    ("targets.legacy_2a", "GET"): (L, 302, 302, 302, 302, 302, 302),
    ("targets.legacy_2a_excel", "GET"): (L, 302, 302, 302, 302, 302, 302),
    ("targets.legacy_2b", "GET"): (L, 302, 302, 302, 302, 302, 302),
    ("targets.legacy_2b_excel", "GET"): (L, 302, 302, 302, 302, 302, 302),
    ("reports.index", "GET"): ALL, ("reports.create", "POST"): ALL,
    # The Sở's own report: its people, the province's leader above it, admins.
    ("reports.detail", "GET"): (L, 404, 404, 200, 404, 200, 200),
    ("reports.detail", "POST"): (L, 404, 404, 200, 404, 403, 200),
    ("reports.submit", "POST"): (L, 404, 404, 403, 404, 403, 403),
    ("reports.pdf", "GET"): (L, 404, 404, 200, 404, 200, 200),
    ("reports.xlsx", "GET"): (L, 404, 404, 200, 404, 200, 200),
    ("reports.docx", "GET"): (L, 404, 404, 200, 404, 200, 200),
    ("assignments.received", "POST"): WU,
    ("dashboard.letter_new", "POST"): (L, 403, 302, 403, 403, 302, 302),
    # The province leader's letter: its author and admins; a ward's leader is below it, not above.
    ("dashboard.letter", "GET"): (L, 403, 404, 403, 403, 200, 200),
    ("dashboard.letter", "POST"): (L, 403, 404, 403, 403, 200, 200),
    ("dashboard.letter_docx_file", "GET"): (L, 403, 404, 403, 403, 200, 200),
    ("dashboard.letter_pdf", "GET"): (L, 403, 404, 403, 403, 200, 200),
    ("notifications.index", "GET"): ALL,
    ("notifications.open_item", "GET"): (L, 302, 404, 404, 404, 404, 404),
    ("notifications.mark_read", "POST"): (L, 302, 404, 404, 404, 404, 404),
    ("notifications.mark_all_read", "POST"): (L, 302, 302, 302, 302, 302, 302),
    ("notifications.account", "GET"): ALL, ("notifications.account", "POST"): ALL,
}
for key, (_, _, expected) in MATRIX.items():
    if expected == ADMIN_ONLY:
        TWO_TIER[key] = (L, 403, 403, 403, 403, 403, 200)
TWO_TIER[("admin.work_day_delete", "POST")] = (L, 403, 403, 403, 403, 403, 302)
TREES = {"three_tier": (ROLES, USERS, "objects", lambda key: MATRIX[key][2]),
         "two_tier": (TWO_TIER_ROLES, TWO_TIER_USERS, "two_tier_objects", TWO_TIER.__getitem__)}


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method


def test_every_route_is_classified(app):
    missing = sorted(set(routes(app)) - set(MATRIX))
    assert not missing, f"Routes with no declared access (add them to MATRIX): {missing}"
    assert not set(MATRIX) - set(routes(app)), "MATRIX names routes that no longer exist"


def answer(response):
    if response.status_code == 302 and "/dang-nhap" in response.headers["Location"]:
        return L
    return response.status_code


def test_every_route_is_classified_on_the_tree_of_two_tiers_too():
    assert set(TWO_TIER) == set(MATRIX)
    assert all(len(expected) == len(TWO_TIER_ROLES) for expected in TWO_TIER.values())


@pytest.mark.parametrize("tree", TREES)
def test_every_route_answers_each_kind_of_user_as_declared(tree, app, request):
    roles, users, fixture, expected_for = TREES[tree]
    objects = request.getfixturevalue(fixture)
    wrong = []
    for (endpoint, method), (path, data, _) in sorted(MATRIX.items()):
        url = path.format(**objects)
        for role, want in zip(roles, expected_for((endpoint, method))):
            client = app.test_client()
            if role != "anonymous":
                login = client.post("/dang-nhap", data={"username": users[role], "password": DEMO_PASSWORD})
                assert login.status_code == 302, role
            form = {k.format(**objects): v for k, v in (data or {}).items()}
            response = client.get(url) if method == "GET" else client.post(url, data=form)
            if answer(response) != want:
                wrong.append(f"{method} {url} as {role}: {answer(response)}, expected {want}")
    assert not wrong, "\n".join(wrong)
    # The POSTs above sent bad or empty input: the demo's history is as the fixture left it.
    assert Update.select().count() == objects["updates"]
    assert CooperationInput.select().count() == objects["inputs"]
    assert Assignment.select().where(Assignment.delegated_from.is_null(False)).count() == objects["children"]
    assert Assignment.get_by_id(objects["own"]).state == "awaiting"
    assert Extension.get_by_id(objects["request"]).state == "open"
    assert Occurrence.select().where(Occurrence.submitted_at.is_null(False)).count() == objects["submitted"]
    assert Target.select().join(Unit).where(Unit.parent == objects["gio_linh"]).count() == objects["targets_below"]
    assert MonthlyReport.get_by_id(objects["draft"]).number == "" and MonthlyReport.select().count() == 2
    assert UrgingLetter.select().count() == 1 and UrgingLetter.get().new_due != "x"
    assert WorkDay.select().count() == 0  # the admin's confirmed delete, the only post that may change it
    assert Directive.select().count() == objects["directives"]  # no empty review saved a directive
    assert (IndicatorSet.select().count(), AppendixColumn.select().count(), FigureEntry.select().count()) == (
        objects["sets"], objects["columns"], objects["entries"])
