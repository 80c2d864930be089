"""The data model: units, users, directives, tasks, assignments and their updates.

No Flask here, and no default taken from the wall clock: the code that creates a row sets its
times from the `now` it was given (webapp/clock.py is the only reader of the wall clock).
"""
import json
from collections.abc import Mapping

from datetime import datetime

import peewee
from peewee import (
    SQL,
    BooleanField,
    CharField,
    DateField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
    TimeField,
)

from .db import database
from .rules.deadlines import DeadlineRule
from .rules.progress import AWAITING, STATES
from .rules.vietnamese import fold, place_name, sort_key

class DateTimeField(peewee.DateTimeField):
    """SQLite hands timestamps back as text: read with datetime.fromisoformat (C), where peewee tries
    strptime format after format (a list of 50 rows read thousands of them)."""

    def adapt(self, value):
        if value and isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                return super().adapt(value)
        return value


UNIT_KINDS = {
    "ubnd_tinh": "UBND tỉnh",
    "van_phong": "Văn phòng",
    "so_nganh": "Sở, ban, ngành",
    "buu_dien": "Bưu điện",
    "cong_an": "Công an",
    "ubnd_huyen": "UBND huyện / thị xã / thành phố",
    "phong_huyen": "Phòng chuyên môn cấp huyện",
    "ban_chi_dao": "Ban Chỉ đạo",
    "ubnd_xa": "UBND xã / phường / thị trấn",
    "to_cong_tac": "Tổ công tác cấp xã",
    "doanh_nghiep": "Doanh nghiệp",
    "don_vi_truc_thuoc": "Đơn vị trực thuộc",
}
ROLES = {"admin": "Quản trị", "leader": "Lãnh đạo", "staff": "Cán bộ"}
ASSIGNMENT_ROLES = {"lead": "Chủ trì", "cooperating": "Phối hợp"}


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Unit(BaseModel):
    name = CharField(max_length=200)
    kind = CharField(max_length=40)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    # Materialised path "/1/5/23/" so that a subtree is one indexed LIKE, at any depth.
    path = CharField(max_length=1000, index=True, default="")
    sort_name = CharField(max_length=500, index=True, default="")
    active = BooleanField(default=True)
    merged_into = ForeignKeyField("self", null=True, backref="merged_units", on_delete="SET NULL")
    # The abbreviation its documents carry in their symbol: "SLĐTBXH" in "Số: 12/BC-SLĐTBXH".
    # A default in the database as well: rows written by other tools (SQL, restores) need no value.
    abbreviation = CharField(max_length=30, default="", constraints=[SQL("DEFAULT ''")])
    # The official order among its siblings (the order appendices list localities in); 0: after
    # the numbered ones, alphabetically.
    position = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])  # rows written by other tools too
    created_at = DateTimeField()

    @property
    def kind_label(self):
        return UNIT_KINDS.get(self.kind, self.kind)

    def save(self, *args, **kwargs):
        self.sort_name = sort_key(self.name)
        return super().save(*args, **kwargs)

    @property
    def place_name(self):
        """How an appendix names the locality: "Thành phố Đông Hà" for "UBND thành phố Đông Hà"."""
        return place_name(self.name)

    @property
    def order_key(self):
        """Official order first (position), then Vietnamese alphabetical order."""
        return (self.position <= 0, self.position, self.sort_name)

    def __str__(self):
        return self.name


class User(BaseModel):
    username = CharField(max_length=60, unique=True)
    password_hash = CharField(max_length=300)
    full_name = CharField(max_length=200)
    role = CharField(max_length=20, default="staff")
    unit = ForeignKeyField(Unit, backref="users", on_delete="RESTRICT")
    active = BooleanField(default=True)
    must_change_password = BooleanField(default=False)
    calendar_token = CharField(max_length=64, null=True, unique=True)  # secret of the iCalendar feed URL
    # Raised by logout, a password change or reset and deactivation: every session that carries an
    # older number ends at its next request (core.users.end_sessions).
    session_generation = IntegerField(default=0)
    email = CharField(max_length=254, default="")
    email_reminders = BooleanField(default=True)  # the daily digest; the user turns it off on their own page
    created_at = DateTimeField()

    # What Flask-Login asks of a user object.
    is_anonymous = False

    @property
    def is_active(self):
        return self.active

    @property
    def is_authenticated(self):
        return self.active

    def get_id(self):
        """What the session cookie keeps: the id and the session generation ("12:3"); the user
        loader accepts it only while the generation is still the user's."""
        return f"{self.id}:{self.session_generation}"

    @property
    def role_label(self):
        return ROLES.get(self.role, self.role)

    @property
    def is_admin(self):
        return self.role == "admin"

    @property
    def is_leader(self):
        return self.role == "leader"


class Directive(BaseModel):
    number = CharField(max_length=100, default="")  # số, ký hiệu; may be blank in a draft: "/UBND-KGVX"
    issued_on = DateField(null=True)
    issued_precision = CharField(max_length=10, default="day")  # day | month | year
    issuer = ForeignKeyField(Unit, backref="issued_directives", on_delete="RESTRICT")
    place = CharField(max_length=100, default="")
    subject = TextField()
    legal_bases = TextField(default="")  # one cited document per line
    recipients = TextField(default="")   # kính gửi, one per line
    copies = TextField(default="")       # nơi nhận, one per line
    signing_authority = CharField(max_length=200, default="")  # "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH"
    signer_title = CharField(max_length=200, default="")
    signer_name = CharField(max_length=200, default="")
    # Bộ luật Dân sự 2015, Điều 148: a deadline ending on a day off ends on the next working day.
    shift_days_off = BooleanField(default=True)
    # Off for small units: a reported completion counts at once, with no confirmation by the issuer.
    needs_confirmation = BooleanField(default=True)
    # The document itself (.docx, .pdf or .txt), when the directive was read from an upload.
    attachment_name = CharField(max_length=255, null=True)   # the uploader's file name, shown only
    attachment_path = CharField(max_length=100, null=True)   # generated name under UPLOAD_DIR
    attachment_size = IntegerField(null=True)
    created_at = DateTimeField()

    @property
    def issued_from_day(self):
        """The issue date when it is known to the day: the base of "kể từ ngày ban hành"."""
        return self.issued_on if self.issued_on and self.issued_precision == "day" else None

    @property
    def issued_label(self):
        if not self.issued_on:
            return ""
        if self.issued_precision == "year":
            return f"{self.issued_on:%Y}"
        if self.issued_precision == "month":
            return f"{self.issued_on:%m/%Y}"
        return f"{self.issued_on:%d/%m/%Y}"

    @property
    def reference(self):
        """'Công văn số /UBND-KGVX (01/2024)': how the directive is named in lists."""
        number = self.number or "(chưa có số)"
        date = f" ({self.issued_label})" if self.issued_on else ""
        return f"Số {number}{date}"

    def lines(self, field):
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]


class Task(BaseModel):
    directive = ForeignKeyField(Directive, backref="tasks", on_delete="CASCADE")
    section = CharField(max_length=300, default="")
    position = IntegerField(default=0)
    number = CharField(max_length=20, default="")
    text = TextField()
    addressed_to = CharField(max_length=300, default="")
    deadline_text = CharField(max_length=300, default="")  # the wording of the directive
    deadline_kind = CharField(max_length=30)  # "relative_working_days" is 21 characters
    deadline_date = DateField(null=True)
    deadline_time = TimeField(null=True, formats=["%H:%M:%S", "%H:%M"])
    weekday = IntegerField(null=True)
    month_day = IntegerField(null=True)
    window_start = DateField(null=True)
    window_end = DateField(null=True)
    # "Trong N ngày (làm việc) kể từ ngày ban hành / nhận văn bản".
    deadline_n = IntegerField(null=True)
    counted_from = CharField(max_length=10, null=True)  # issue | receipt
    # Recurring duties owed on working days only (daily: none on days off; others: moved off them).
    working_days_only = BooleanField(default=False)
    created_at = DateTimeField()

    @property
    def rule(self) -> DeadlineRule:
        return DeadlineRule(kind=self.deadline_kind, date=self.deadline_date, time=self.deadline_time,
                            weekday=self.weekday, day=self.month_day,
                            window_start=self.window_start, window_end=self.window_end,
                            n=self.deadline_n, counted_from=self.counted_from,
                            working_days_only=bool(self.working_days_only))

    @property
    def deadline_quote(self) -> str:
        """The directive's own wording, when it says more than the rule's description."""
        text = self.deadline_text.strip()
        return "" if fold(text) in ("", fold(self.rule.describe())) else text


class Assignment(BaseModel):
    """One task for one lead unit (chủ trì): from the directive itself (no parent), or passed down by
    the unit holding the parent assignment to a unit of its subtree (giao tiếp cho cấp dưới)."""
    task = ForeignKeyField(Task, backref="assignments", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="assignments", on_delete="RESTRICT")
    role = CharField(max_length=20, default="lead")  # always "lead": cooperation has its own records
    state = CharField(max_length=20, default="not_started")
    percent = IntegerField(default=0)
    due_at = DateTimeField(null=True, index=True)  # copied from the task's rule so SQL can filter
    # When Điều 148 moved the due time off a day off: the time the rule gave before moving it.
    due_moved_from = DateTimeField(null=True)
    # The day the unit received the directive ("kể từ ngày nhận được văn bản"): the day it was
    # assigned unless the unit or an admin corrects it.
    received_on = DateField(null=True)
    done_at = DateTimeField(null=True)
    version = IntegerField(default=1)  # optimistic lock: an update names the version it saw
    updated_at = DateTimeField(null=True)
    # Recurring duties: occurrences exist up to this date (materialised on demand, never by a job).
    occurrences_until = DateField(null=True)
    # Delegation: the assignment this one was split from, and the unit that passed it down (its
    # holder); both None for the directive's own assignments, whose assigning unit is the issuer.
    delegated_from = ForeignKeyField("self", null=True, backref="delegated", on_delete="RESTRICT")
    assigned_by = ForeignKeyField(Unit, null=True, backref="delegated_assignments", on_delete="RESTRICT")
    instructions = TextField(default="")  # the delegating unit's own text, added to the task's
    # Completion reported and waiting for the assigning unit (state "awaiting"): when it was reported.
    reported_at = DateTimeField(null=True)
    # The due time before the first approved extension (None: never extended).
    original_due_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("task", "unit"), True),)

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)

    @property
    def role_label(self):
        return ASSIGNMENT_ROLES.get(self.role, self.role)

    @property
    def awaiting(self) -> bool:
        return self.state == AWAITING

    @property
    def extended(self) -> bool:
        return self.original_due_at is not None


UPDATE_KINDS = {
    "progress": "Cập nhật tiến độ",
    "confirmed": "Xác nhận hoàn thành",
    "returned": "Trả lại",
    "extension_requested": "Xin gia hạn",
    "extension_approved": "Đồng ý gia hạn",
    "extension_refused": "Không đồng ý gia hạn",
    "delegated": "Giao tiếp cho cấp dưới",
}


class Update(BaseModel):
    """One entry of an assignment's history: a progress report by its unit, or a step of the follow-up
    loop (confirmed, returned, extension asked / decided, passed down), with the state after it."""
    assignment = ForeignKeyField(Assignment, backref="updates", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="updates", on_delete="RESTRICT")
    created_at = DateTimeField(index=True)
    kind = CharField(max_length=20, default="progress")
    state = CharField(max_length=20)
    percent = IntegerField(default=0)
    note = TextField(default="")
    evidence_name = CharField(max_length=255, null=True)   # the uploader's file name, shown only
    evidence_path = CharField(max_length=100, null=True)   # generated name under UPLOAD_DIR
    evidence_size = IntegerField(null=True)

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)

    @property
    def kind_label(self):
        return UPDATE_KINDS.get(self.kind, self.kind)


class Occurrence(BaseModel):
    """One due time of a recurring duty for one unit, and its submission."""
    assignment = ForeignKeyField(Assignment, backref="occurrences", on_delete="CASCADE")
    due_at = DateTimeField(index=True)
    submitted_at = DateTimeField(null=True)
    submitted_by = ForeignKeyField(User, null=True, backref="submissions", on_delete="RESTRICT")
    note = TextField(default="")
    evidence_name = CharField(max_length=255, null=True)
    evidence_path = CharField(max_length=100, null=True)
    evidence_size = IntegerField(null=True)
    original_due_at = DateTimeField(null=True)  # before an approved extension of this one report

    class Meta:
        indexes = ((("assignment", "due_at"), True),)


EXTENSION_STATES = {"open": "Chờ quyết định", "approved": "Đã đồng ý", "refused": "Không đồng ý"}


class Extension(BaseModel):
    """Xin gia hạn: the assigned unit asks for a new due time with a reason; the assigning unit approves
    or refuses it. One open request per assignment (a partial unique index). For a recurring duty it
    concerns one occurrence."""
    assignment = ForeignKeyField(Assignment, backref="extensions", on_delete="CASCADE")
    occurrence = ForeignKeyField(Occurrence, null=True, backref="extensions", on_delete="CASCADE")
    requested_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    requested_at = DateTimeField(index=True)
    due_before = DateTimeField()      # the due time when it was asked
    due_requested = DateTimeField()
    reason = TextField()
    state = CharField(max_length=10, default="open")  # open | approved | refused
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    decided_at = DateTimeField(null=True)
    decision_note = TextField(default="")

    @property
    def state_label(self):
        return EXTENSION_STATES.get(self.state, self.state)

    @property
    def asked_late(self) -> bool:
        """Asked after the due time had passed (allowed, and shown as such)."""
        return self.requested_at > self.due_before


# The database enforces one open request per assignment, so two requests at once cannot both stay open.
ONE_OPEN_EXTENSION = "extension_one_open_per_assignment"
Extension.add_index(Extension.index(Extension.assignment, unique=True, where=SQL("\"state\" = 'open'"),
                                    name=ONE_OPEN_EXTENSION))


class Cooperation(BaseModel):
    """Phối hợp: a cooperating unit owes the task's lead unit its input (ý kiến, kết quả, figures or a
    file), optionally by a date the lead sets; it owns no copy of the task. It counts as sent once
    an input came after the last time the lead asked (again)."""
    task = ForeignKeyField(Task, backref="cooperations", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="cooperations", on_delete="RESTRICT")
    due_at = DateTimeField(null=True)
    requested_at = DateTimeField()
    asked_again_at = DateTimeField(null=True)
    answered_at = DateTimeField(null=True)  # the latest input

    class Meta:
        indexes = ((("task", "unit"), True),)

    @property
    def sent(self) -> bool:
        return self.answered_at is not None and (self.asked_again_at is None
                                                 or self.answered_at >= self.asked_again_at)

    @property
    def role(self) -> str:
        """So that a task's list of units (leads and partners) can treat both alike."""
        return "cooperating"


COOPERATION_INPUT_KINDS = {"input": "Ý kiến, kết quả phối hợp", "asked": "Đơn vị chủ trì đề nghị gửi lại",
                           "due_set": "Đơn vị chủ trì đặt hạn gửi"}


class CooperationInput(BaseModel):
    """The history of a cooperation: each input of the partner, and each request of the lead."""
    cooperation = ForeignKeyField(Cooperation, backref="inputs", on_delete="CASCADE")
    kind = CharField(max_length=10, default="input")
    author = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(index=True)
    note = TextField(default="")
    figures = TextField(default="")
    evidence_name = CharField(max_length=255, null=True)
    evidence_path = CharField(max_length=100, null=True)
    evidence_size = IntegerField(null=True)

    @property
    def kind_label(self):
        return COOPERATION_INPUT_KINDS.get(self.kind, self.kind)


AGGREGATIONS = {
    "cumulative": "Lũy kế (số cộng dồn, không giảm nếu không có lý do)",
    "stock": "Số tại thời điểm báo cáo (có thể tăng, giảm)",
    "period": "Số trong kỳ (cộng các kỳ lại)",
}
TARGET_PERIODS = {"year": "Cả năm", "quarter": "Theo quý (số tăng thêm mỗi quý)",
                  "month": "Theo tháng (số tăng thêm mỗi tháng)"}


class IndicatorSet(BaseModel):
    """Bộ chỉ tiêu báo cáo: what a recurring report of a directive asks for, defined by the admin.

    Its indicators are counted per group (none: one unnamed group), per unit and per period. The duty
    (a recurring task) is the report whose occurrences the figures fill: its lead units report, or,
    with `reporting_kind`, the units of that kind below them (a lead unit may enter for them, and for
    itself where they do not). `scope` is the unit whose children are the appendix's rows."""
    directive = ForeignKeyField(Directive, backref="indicator_sets", on_delete="RESTRICT")
    name = CharField(max_length=200)
    task = ForeignKeyField(Task, null=True, unique=True, backref="indicator_sets", on_delete="SET NULL")
    scope = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")
    reporting_kind = CharField(max_length=40, default="")  # "": the duty's lead units themselves
    target_period = CharField(max_length=10, default="quarter")  # year | quarter | month
    appendix_label = CharField(max_length=100, default="")  # "Phụ lục 01"
    appendix_title = TextField(default="")  # the appendix's title lines, one per line
    created_at = DateTimeField()
    updated_at = DateTimeField(null=True)

    @property
    def target_period_label(self):
        return TARGET_PERIODS.get(self.target_period, self.target_period)


class IndicatorGroup(BaseModel):
    """A disaggregation group (nhóm đối tượng). A set without groups has one, unnamed."""
    indicator_set = ForeignKeyField(IndicatorSet, backref="groups", on_delete="CASCADE")
    name = CharField(max_length=200, default="")
    position = IntegerField(default=0)


class Indicator(BaseModel):
    """One number a set asks for (chỉ số). A retired one keeps its data and is no longer asked."""
    indicator_set = ForeignKeyField(IndicatorSet, backref="indicators", on_delete="CASCADE")
    name = CharField(max_length=200)
    decimals = BooleanField(default=False)  # a decimal number; else whole
    aggregation = CharField(max_length=12, default="cumulative")  # cumulative | stock | period
    # "Not more than" another indicator of the set, in the same group and unit and period.
    at_most = ForeignKeyField("self", null=True, backref="+", on_delete="SET NULL")
    is_base = BooleanField(default=False)  # the indicator rates are computed against
    has_targets = BooleanField(default=False)
    position = IntegerField(default=0)
    retired = BooleanField(default=False)

    @property
    def aggregation_label(self):
        return AGGREGATIONS.get(self.aggregation, self.aggregation)


class AppendixColumn(BaseModel):
    """One numbered column of the set's appendix (the "1, 2, … n" row): a target value (indicator,
    group, part of the year) or a formula over other columns ("2+3+4+5", "6/1"). The mapping is what
    import and export read and write."""
    indicator_set = ForeignKeyField(IndicatorSet, backref="columns", on_delete="CASCADE")
    number = IntegerField()
    indicator = ForeignKeyField(Indicator, null=True, backref="+", on_delete="CASCADE")
    group = ForeignKeyField(IndicatorGroup, null=True, backref="+", on_delete="CASCADE")
    part = IntegerField(default=0)  # 0: the whole year; else the quarter or month
    formula = CharField(max_length=100, default="")
    label = CharField(max_length=300, default="")

    class Meta:
        indexes = ((("indicator_set", "number"), True),)


class Target(BaseModel):
    """Chỉ tiêu: for an indicator, group, unit and year, the value of one part of the year (0: the whole
    year; quarters and months are increments, not running totals)."""
    indicator = ForeignKeyField(Indicator, backref="targets", on_delete="CASCADE")
    group = ForeignKeyField(IndicatorGroup, backref="targets", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="targets", on_delete="RESTRICT")
    year = IntegerField()
    part = IntegerField(default=0)
    value = DoubleField()
    updated_at = DateTimeField(null=True)

    class Meta:
        table_name = "indicator_target"
        indexes = ((("indicator", "group", "unit", "year", "part"), True),)


class FigureEntry(BaseModel):
    """The figures of one unit for one period (its day: the day of the report), entered by the unit, or
    for it by a unit above (`proxy`)."""
    indicator_set = ForeignKeyField(IndicatorSet, backref="entries", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="figure_entries", on_delete="RESTRICT")
    day = DateField()
    note = TextField(default="")
    entered_by = ForeignKeyField(User, backref="figure_entries", on_delete="RESTRICT")
    entered_at = DateTimeField()
    proxy = ForeignKeyField(Unit, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("indicator_set", "unit", "day"), True),)


class Figure(BaseModel):
    """One number of an entry; unit and day are the entry's, copied so that roll-ups are plain SQL."""
    entry = ForeignKeyField(FigureEntry, backref="figures", on_delete="CASCADE")
    indicator = ForeignKeyField(Indicator, backref="figures", on_delete="CASCADE")
    group = ForeignKeyField(IndicatorGroup, backref="figures", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")
    day = DateField(index=True)
    value = DoubleField()

    class Meta:
        table_name = "indicator_figure"
        indexes = ((("indicator", "group", "unit", "day"), True),)


class LoginAttempt(BaseModel):
    """One try to log in, kept so that throttling holds across every server worker process."""
    username = CharField(max_length=60, index=True)
    address = CharField(max_length=64, index=True)
    at = DateTimeField(index=True)
    succeeded = BooleanField(default=False)


class AuditEntry(BaseModel):
    """Who changed what, when, with the values before and after (JSON). Never edited or deleted."""
    at = DateTimeField(index=True)
    user = ForeignKeyField(User, null=True, backref="audit_entries", on_delete="RESTRICT")  # None: CLI, system
    action = CharField(max_length=10)  # create | update | delete
    object_type = CharField(max_length=40, index=True)
    object_id = IntegerField(null=True)
    unit = ForeignKeyField(Unit, null=True, backref="audit_entries", on_delete="RESTRICT")
    summary = CharField(max_length=300, default="")
    before = TextField(null=True)
    after = TextField(null=True)


class MonthlyReport(BaseModel):
    """The monthly report of a unit on a directive (or on all it follows): a draft until submitted,
    then frozen: `frozen` holds every figure and text as they were at submission (JSON)."""
    unit = ForeignKeyField(Unit, backref="monthly_reports", on_delete="RESTRICT")
    directive = ForeignKeyField(Directive, null=True, backref="monthly_reports", on_delete="RESTRICT")
    # The directive's id, 0 for "all directives": unlike the nullable directive it can be unique, so
    # the database holds one report per unit, scope and month (see core.reports.open_draft).
    scope = IntegerField()
    year = IntegerField()
    month = IntegerField()
    number = CharField(max_length=100, default="")  # số, ký hiệu: "…/BC-SLĐTBXH"
    place = CharField(max_length=100, default="")
    recipients = TextField(default="")
    copies = TextField(default="")
    signing_authority = CharField(max_length=200, default="")
    signer_title = CharField(max_length=200, default="")
    signer_name = CharField(max_length=200, default="")
    assessment = TextField(default="")  # V. đánh giá, kiến nghị
    signed_on = DateField(null=True)  # the date line; none: the day it is printed (today)
    # The data period: the calendar month, or "nd09" (Nghị định 09/2019, Điều 12: the 15th of the
    # previous month to the 14th). See rules/reporting.monthly_report_period.
    period = CharField(max_length=10, default="month", constraints=[SQL("DEFAULT 'month'")])
    submitted_at = DateTimeField(null=True)
    submitted_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    frozen = TextField(null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("unit", "scope", "year", "month"), True),)

    @staticmethod
    def scope_of(directive_id: int | None) -> int:
        return directive_id or 0

    @property
    def was_late(self) -> bool:
        """Submitted after the month's "before the 28th" due time."""
        return bool(self.frozen and json.loads(self.frozen).get("submission", {}).get("late"))


class WorkDay(BaseModel):
    """A day the admin declares: a day off (nghỉ bù, an announced holiday) or a Saturday worked in
    exchange (làm bù). It overrides weekends and the holidays package (rules/workdays.py)."""
    day = DateField(unique=True)
    working = BooleanField(default=False)
    label = CharField(max_length=200, default="")
    created_at = DateTimeField()
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")


NOTIFICATION_KINDS = {
    "due_soon": "Sắp đến hạn",
    "overdue": "Quá hạn",
    "report_due_today": "Hạn nộp báo cáo hôm nay",
    "new_assignment": "Giao việc mới",
    # Sent by the follow-up loop (confirmation, return, extension, delegation) through notify().
    "confirmed": "Đã xác nhận hoàn thành",
    "returned": "Bị trả lại",
    "extension": "Gia hạn",
    "delegated": "Giao cho cấp dưới",
    "urged": "Công văn đôn đốc",
    "other": "Thông báo",
}


class Notification(BaseModel):
    """One message for one user; `dedupe_key` makes every sender idempotent (unique per user)."""
    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=30)
    text = CharField(max_length=500)
    link = CharField(max_length=300, default="")  # a path inside the app: "/giao-viec/12"
    dedupe_key = CharField(max_length=200)
    unit = ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")  # the unit it is about
    created_at = DateTimeField()
    read_at = DateTimeField(null=True)
    emailed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "dedupe_key"), True), (("user", "read_at"), False))

    @property
    def kind_label(self):
        return NOTIFICATION_KINDS.get(self.kind, self.kind)


class NotificationCheck(BaseModel):
    """When the time-based notifications of a unit were last generated on a page load."""
    unit = ForeignKeyField(Unit, unique=True, backref="+", on_delete="CASCADE")
    checked_at = DateTimeField()


class ReminderMail(BaseModel):
    """The daily digest of a user: claimed before sending, so that two runs never both send it."""
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    day = DateField()
    status = CharField(max_length=10)  # sending | sent | failed
    items = IntegerField(default=0)
    claimed_at = DateTimeField()
    sent_at = DateTimeField(null=True)
    error = CharField(max_length=300, default="")

    class Meta:
        indexes = ((("user", "day"), True),)


class UrgingLetter(BaseModel):
    """A công văn đôn đốc: who made it, its free parts, and (UrgingItem) the late work it names."""
    issuer = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")
    number = CharField(max_length=100, default="")   # số, ký hiệu: "/UBND-KGVX" while the number is blank
    place = CharField(max_length=100, default="")
    letter_date = DateField()
    new_due = DateField()                            # the new date the closing paragraph asks for
    subject = CharField(max_length=500, default="")  # "V/v đôn đốc thực hiện Công văn số …"
    opening = TextField(default="")
    recipients = TextField(default="")
    copies = TextField(default="")
    signing_authority = CharField(max_length=200, default="")
    signer_title = CharField(max_length=200, default="")
    signer_name = CharField(max_length=200, default="")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField()
    updated_at = DateTimeField(null=True)


class UrgingItem(BaseModel):
    """One overdue assignment named in a letter, with its due time and days overdue as they were."""
    letter = ForeignKeyField(UrgingLetter, backref="items", on_delete="CASCADE")
    assignment = ForeignKeyField(Assignment, backref="urgings", on_delete="CASCADE")
    due_at = DateTimeField()
    days_overdue = IntegerField()

    class Meta:
        indexes = ((("letter", "assignment"), True),)


class _ReportGroups(Mapping):
    """{group id: name} of the indicator sets shaped like Phụ lục 01 / 2a / 2b (a base indicator and an
    indicator with targets), read when used. Kept for the monthly report's section II, which reads
    figures through core.progress.rollup, until it reads the sets itself."""

    def _groups(self) -> dict:
        with_base = Indicator.select(Indicator.indicator_set).where(Indicator.is_base)
        with_targets = Indicator.select(Indicator.indicator_set).where(Indicator.has_targets & ~Indicator.is_base)
        rows = (IndicatorGroup.select(IndicatorGroup.id, IndicatorGroup.name, IndicatorSet.name.alias("set_name"))
                .join(IndicatorSet).where(IndicatorGroup.indicator_set.in_(with_base)
                                          & IndicatorGroup.indicator_set.in_(with_targets))
                .order_by(IndicatorGroup.indicator_set, IndicatorGroup.position, IndicatorGroup.id).dicts())
        return {row["id"]: row["name"] or row["set_name"] for row in rows}

    def __getitem__(self, key):
        return self._groups()[key]

    def __iter__(self):
        return iter(self._groups())

    def __len__(self):
        return len(self._groups())

    def items(self):
        return self._groups().items()


GROUPS = _ReportGroups()


class SchemaVersion(BaseModel):
    version = IntegerField()


# --- Counts kept by the database (core/tallies.py) ---------------------------------------------

class TallyClock(BaseModel):
    """The moment the tallies count as of (one row): the status classes of assignments and the
    reporting counts of occurrences are kept as they are at `counted_at`, by triggers on every
    write; readers add what changed between it and their own moment. None: not built yet."""
    counted_at = DateTimeField(null=True)
    soon_at = DateTimeField(null=True)  # counted_at + due_soon_days: where "sắp đến hạn" begins
    due_soon_days = IntegerField(null=True)


class UnitTally(BaseModel):
    """Assignments per lead unit, assigning unit (0: the directive itself), issuer and status class."""
    unit_id = IntegerField()
    assigner_id = IntegerField()
    issuer_id = IntegerField()
    cls = CharField(max_length=12)
    n = IntegerField(default=0)

    class Meta:
        indexes = ((("unit_id", "assigner_id", "issuer_id", "cls"), True),)


class DirectiveTally(BaseModel):
    """Assignments per directive, assigning unit (0: the directive itself) and status class."""
    directive_id = IntegerField()
    assigner_id = IntegerField()
    cls = CharField(max_length=12)
    n = IntegerField(default=0)

    class Meta:
        indexes = ((("directive_id", "assigner_id", "cls"), True),)


class OccurrenceTally(BaseModel):
    """Report occurrences per recurring assignment, week or month (its first day) and how they stand
    at TallyClock.counted_at: owed and not in (missing), in late, in on time. Those not yet due then
    are not counted."""
    assignment_id = IntegerField()
    period = CharField(max_length=5)  # week | month
    start = DateField()
    cls = CharField(max_length=8)  # missing | late | on_time
    n = IntegerField(default=0)

    class Meta:
        indexes = ((("period", "start", "assignment_id", "cls"), True),)


MODELS = [Unit, User, Directive, Task, Assignment, Update, Occurrence, IndicatorSet, IndicatorGroup, Indicator,
          AppendixColumn, Target, FigureEntry, Figure,
          LoginAttempt, AuditEntry, MonthlyReport, WorkDay, Notification, NotificationCheck, ReminderMail,
          UrgingLetter, UrgingItem, Extension, Cooperation, CooperationInput]
# Derived from the tables above and rebuilt from them at will (flask check-counts --fix): not
# data, so backups compare and the tests' fingerprints leave them out.
DERIVED = [TallyClock, UnitTally, DirectiveTally, OccurrenceTally]
