"""Schema versions: a fresh database gets the current schema, an older one its pending migrations.

Each migration is a function taking a playhouse.migrate migrator. Append new ones to MIGRATIONS and
never edit one that has shipped; a table a migration creates is described inside it, frozen, so
that later changes to the models do not change what an old migration does.
"""
import json

from peewee import (
    SQL,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Field,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

from .clock import vietnam_now
from .db import database, is_sqlite
from .models import (
    DERIVED,
    MODELS,
    Assignment,
    Directive,
    Occurrence,
    SchemaVersion,
    TallyClock,
    Task,
    Unit,
    User,
)


def _add_filled_column(migrator, table: str, name: str, field, sqlite_type: str) -> None:
    """Add a NOT NULL column with a constant default to a table that has rows.

    playhouse rebuilds a SQLite table to add NOT NULL, and dropping the old copy with foreign keys on
    deletes, by cascade, the rows that point at it (every task of a directive, with its assignments).
    SQLite adds such a column in place, so do that there; PostgreSQL needs nothing special.
    """
    if not isinstance(migrator, SqliteMigrator):
        migrate(migrator.add_column(table, name, field))
        return
    default = field.default
    literal = str(int(default)) if isinstance(default, bool) else "'{}'".format(str(default).replace("'", "''"))
    database.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {sqlite_type} NOT NULL DEFAULT {literal}')


def v2_occurrences(migrator):
    """Recurring duties: the occurrence table, its watermark per assignment, calendar feed tokens."""
    class OccurrenceV2(Model):
        assignment = ForeignKeyField(Assignment, on_delete="CASCADE", backref="+")
        due_at = DateTimeField(index=True)
        submitted_at = DateTimeField(null=True)
        submitted_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
        note = TextField(default="")
        evidence_name = CharField(max_length=255, null=True)
        evidence_path = CharField(max_length=100, null=True)
        evidence_size = IntegerField(null=True)

        class Meta:
            database = database
            table_name = "occurrence"
            indexes = ((("assignment", "due_at"), True),)

    migrate(
        migrator.add_column("assignment", "occurrences_until", DateField(null=True)),
        migrator.add_column("user", "calendar_token", CharField(max_length=64, null=True)),
        migrator.add_index("user", ("calendar_token",), True),
    )
    database.create_tables([OccurrenceV2])


def v3_targets(migrator):
    """Targets and progress figures, and the link from a daily report task to its figures."""
    class TargetV3(Model):
        unit = ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
        year = IntegerField()
        group = CharField(max_length=20)
        total = IntegerField(default=0)
        q1 = IntegerField(default=0)
        q2 = IntegerField(default=0)
        q3 = IntegerField(default=0)
        q4 = IntegerField(default=0)
        updated_at = DateTimeField(null=True)

        class Meta:
            database = database
            table_name = "target"
            indexes = ((("unit", "year", "group"), True),)

    class ProgressFigureV3(Model):
        unit = ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
        day = DateField()
        group = CharField(max_length=20)
        beneficiaries = IntegerField(default=0)
        accounts_opened = IntegerField(default=0)
        paid_cashless = IntegerField(default=0)
        note = TextField(default="")
        entered_by = ForeignKeyField(User, on_delete="RESTRICT", backref="+")
        entered_at = DateTimeField()

        class Meta:
            database = database
            table_name = "progress_figure"
            indexes = ((("unit", "day", "group"), True),)

    migrate(migrator.add_column("task", "figures_report", CharField(max_length=10, null=True)))
    database.create_tables([TargetV3, ProgressFigureV3])


def v4_security(migrator):
    """Login attempts (throttling shared by all workers) and the audit log."""
    class LoginAttemptV4(Model):
        username = CharField(max_length=60, index=True)
        address = CharField(max_length=64, index=True)
        at = DateTimeField(index=True)
        succeeded = BooleanField(default=False)

        class Meta:
            database = database
            table_name = "login_attempt"

    class AuditEntryV4(Model):
        at = DateTimeField(index=True)
        user = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
        action = CharField(max_length=10)
        object_type = CharField(max_length=40, index=True)
        object_id = IntegerField(null=True)
        unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT", backref="+")
        summary = CharField(max_length=300, default="")
        before = TextField(null=True)
        after = TextField(null=True)

        class Meta:
            database = database
            table_name = "audit_entry"

    database.create_tables([LoginAttemptV4, AuditEntryV4])


def v5_monthly_reports(migrator):
    """Monthly reports: drafts, and the frozen copies of submitted ones."""
    class MonthlyReportV5(Model):
        unit = ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
        directive = ForeignKeyField(Directive, null=True, on_delete="RESTRICT", backref="+")
        year = IntegerField()
        month = IntegerField()
        number = CharField(max_length=100, default="")
        place = CharField(max_length=100, default="")
        recipients = TextField(default="")
        copies = TextField(default="")
        signing_authority = CharField(max_length=200, default="")
        signer_title = CharField(max_length=200, default="")
        signer_name = CharField(max_length=200, default="")
        assessment = TextField(default="")
        submitted_at = DateTimeField(null=True)
        submitted_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
        frozen = TextField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField(null=True)

        class Meta:
            database = database
            table_name = "monthly_report"
            indexes = ((("unit", "directive", "year", "month"), True),)

    database.create_tables([MonthlyReportV5])


def v6_hardening(migrator):
    """Sessions that can be ended (a generation per user, checked on every request), and one monthly
    report per unit, scope and month held by the database: `scope` is the directive's id or 0 for
    "all directives", which the old unique index on the nullable directive could not hold.

    Duplicates made before (the race this closes) are not deleted: the one to keep is the first
    submitted, else the oldest; the others are set aside with scope = -id, still listed and
    readable, no longer the month's report."""
    migrate(
        migrator.add_column("user", "session_generation", IntegerField(default=0)),
        migrator.add_column("monthly_report", "scope", IntegerField(default=0)),
    )
    database.execute_sql("UPDATE monthly_report SET scope = COALESCE(directive_id, 0)")
    rows = database.execute_sql(
        "SELECT id, unit_id, scope, year, month FROM monthly_report "
        "ORDER BY unit_id, scope, year, month, submitted_at IS NULL, submitted_at, id").fetchall()
    seen, set_aside = set(), []
    for report_id, *key in rows:
        if tuple(key) in seen:
            set_aside.append(int(report_id))
        seen.add(tuple(key))
    if set_aside:
        database.execute_sql(
            f"UPDATE monthly_report SET scope = -id WHERE id IN ({', '.join(map(str, set_aside))})")
    # Its name depends on how the table was made (v5's frozen model or create_tables): find it.
    old = [i.name for i in database.get_indexes("monthly_report")
           if i.columns == ["unit_id", "directive_id", "year", "month"]]
    migrate(
        *(migrator.drop_index("monthly_report", name) for name in old),
        migrator.add_index("monthly_report", ("unit_id", "scope", "year", "month"), True),
    )


def v7_followup(migrator):
    """The follow-up loop: confirmation, extensions, delegation, and cooperation as its own records.

    Every assignment that was only "cooperating" becomes a Cooperation of its task and unit; its
    updates (and any submitted report) become that cooperation's inputs, with their authors, times,
    notes and files; the change is written to the audit log (the old entries stay as they were).
    """
    def frozen(name, indexes=(), **fields):
        meta = type("Meta", (), {"database": database, "table_name": name, "indexes": indexes})
        return type(f"{name.title().replace('_', '')}V7", (Model,), {**fields, "Meta": meta})

    ExtensionV7 = frozen(
        "extension",
        assignment=ForeignKeyField(Assignment, on_delete="CASCADE", backref="+"),
        occurrence=ForeignKeyField(Occurrence, null=True, on_delete="CASCADE", backref="+"),
        requested_by=ForeignKeyField(User, on_delete="RESTRICT", backref="+"),
        requested_at=DateTimeField(index=True), due_before=DateTimeField(), due_requested=DateTimeField(),
        reason=TextField(), state=CharField(max_length=10, default="open"),
        decided_by=ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+"),
        decided_at=DateTimeField(null=True), decision_note=TextField(default=""))
    ExtensionV7.add_index(ExtensionV7.index(ExtensionV7.assignment, unique=True, where=SQL("\"state\" = 'open'"),
                                            name="extension_one_open_per_assignment"))
    CooperationV7 = frozen(
        "cooperation", indexes=((("task", "unit"), True),),
        task=ForeignKeyField(Task, on_delete="CASCADE", backref="+"),
        unit=ForeignKeyField(Unit, on_delete="RESTRICT", backref="+"),
        due_at=DateTimeField(null=True), requested_at=DateTimeField(),
        asked_again_at=DateTimeField(null=True), answered_at=DateTimeField(null=True))
    InputV7 = frozen(
        "cooperation_input",
        cooperation=ForeignKeyField(CooperationV7, on_delete="CASCADE", backref="+"),
        kind=CharField(max_length=10, default="input"),
        author=ForeignKeyField(User, on_delete="RESTRICT", backref="+"),
        created_at=DateTimeField(index=True), note=TextField(default=""), figures=TextField(default=""),
        evidence_name=CharField(max_length=255, null=True), evidence_path=CharField(max_length=100, null=True),
        evidence_size=IntegerField(null=True))

    # Columns are added nullable, then filled: on SQLite, adding a NOT NULL column makes playhouse
    # rebuild the table, and dropping the old one (foreign keys on) would cascade-delete its children.
    migrate(
        migrator.add_column("directive", "needs_confirmation", BooleanField(null=True)),
        migrator.add_column("assignment", "delegated_from_id",
                            ForeignKeyField(Assignment, null=True, on_delete="RESTRICT", field=Assignment.id)),
        migrator.add_column("assignment", "assigned_by_id",
                            ForeignKeyField(Unit, null=True, on_delete="RESTRICT", field=Unit.id)),
        migrator.add_column("assignment", "instructions", TextField(null=True)),
        migrator.add_column("assignment", "reported_at", DateTimeField(null=True)),
        migrator.add_column("assignment", "original_due_at", DateTimeField(null=True)),
        migrator.add_column("update", "kind", CharField(max_length=20, null=True)),
        migrator.add_column("occurrence", "original_due_at", DateTimeField(null=True)),
    )
    for table, column, value in (("directive", "needs_confirmation", True), ("assignment", "instructions", ""),
                                 ("update", "kind", "progress")):
        frozen(table, **{column: Field(null=True)}).update({column: value}).execute()
    database.create_tables([ExtensionV7, CooperationV7, InputV7])
    _cooperating_assignments_to_cooperations(CooperationV7, InputV7)


def _cooperating_assignments_to_cooperations(CooperationV7, InputV7):
    """Part of v7: move each cooperating assignment, its history and files, to a cooperation."""
    class AssignmentRow(Model):
        task_id = IntegerField()
        unit_id = IntegerField()
        role = CharField()
        state = CharField()
        percent = IntegerField()
        due_at = DateTimeField(null=True)
        done_at = DateTimeField(null=True)

        class Meta:
            database = database
            table_name = "assignment"

    class UpdateRow(Model):
        assignment_id = IntegerField()
        author_id = IntegerField()
        created_at = DateTimeField()
        state = CharField()
        percent = IntegerField()
        note = TextField()
        evidence_name = CharField(null=True)
        evidence_path = CharField(null=True)
        evidence_size = IntegerField(null=True)

        class Meta:
            database = database
            table_name = "update"

    class OccurrenceRow(Model):
        assignment_id = IntegerField()
        due_at = DateTimeField()
        submitted_at = DateTimeField(null=True)
        submitted_by_id = IntegerField(null=True)
        note = TextField()
        evidence_name = CharField(null=True)
        evidence_path = CharField(null=True)
        evidence_size = IntegerField(null=True)

        class Meta:
            database = database
            table_name = "occurrence"

    class TaskRow(Model):
        created_at = DateTimeField()

        class Meta:
            database = database
            table_name = "task"

    class AuditRow(Model):
        at = DateTimeField()
        user_id = IntegerField(null=True)
        action = CharField()
        object_type = CharField()
        object_id = IntegerField(null=True)
        unit_id = IntegerField(null=True)
        summary = CharField()
        before = TextField(null=True)
        after = TextField(null=True)

        class Meta:
            database = database
            table_name = "audit_entry"

    states = {"not_started": "Chưa thực hiện", "in_progress": "Đang thực hiện", "done": "Hoàn thành"}
    now = vietnam_now()
    for a in AssignmentRow.select().where(AssignmentRow.role == "cooperating").order_by(AssignmentRow.id):
        updates = list(UpdateRow.select().where(UpdateRow.assignment_id == a.id)
                       .order_by(UpdateRow.created_at, UpdateRow.id))
        reports = list(OccurrenceRow.select().where((OccurrenceRow.assignment_id == a.id)
                                                    & OccurrenceRow.submitted_at.is_null(False)))
        inputs = [{"author": u.author_id, "created_at": u.created_at,
                   "note": f"(Cập nhật tiến độ trước đây: {states.get(u.state, u.state)}, {u.percent}%)"
                           + (f"\n{u.note}" if u.note else ""),
                   "evidence_name": u.evidence_name, "evidence_path": u.evidence_path,
                   "evidence_size": u.evidence_size} for u in updates]
        inputs += [{"author": o.submitted_by_id, "created_at": o.submitted_at,
                    "note": f"(Báo cáo kỳ hạn {o.due_at:%H:%M %d/%m/%Y})" + (f"\n{o.note}" if o.note else ""),
                    "evidence_name": o.evidence_name, "evidence_path": o.evidence_path,
                    "evidence_size": o.evidence_size} for o in reports]
        inputs.sort(key=lambda row: row["created_at"])
        task = TaskRow.get_by_id(a.task_id)
        cooperation = CooperationV7.create(task=a.task_id, unit=a.unit_id, requested_at=task.created_at,
                                           answered_at=inputs[-1]["created_at"] if inputs else None)
        for row in inputs:
            InputV7.create(cooperation=cooperation.id, kind="input", **row)
        old = {"task": a.task_id, "unit": a.unit_id, "role": a.role, "state": a.state, "percent": a.percent,
               "due_at": a.due_at.isoformat() if a.due_at else None,
               "done_at": a.done_at.isoformat() if a.done_at else None}
        AuditRow.create(at=now, action="create", object_type="cooperation", object_id=cooperation.id,
                        unit_id=a.unit_id, after=json.dumps({"task": a.task_id, "unit": a.unit_id, "inputs": len(inputs)}),
                        summary=f"Chuyển giao việc phối hợp #{a.id} thành bản ghi phối hợp #{cooperation.id} "
                                f"({len(inputs)} ý kiến, kết quả)")
        AuditRow.create(at=now, action="delete", object_type="assignment", object_id=a.id, unit_id=a.unit_id,
                        before=json.dumps(old, ensure_ascii=False),
                        summary=f"Giao việc phối hợp #{a.id} nay là bản ghi phối hợp #{cooperation.id}")
        OccurrenceRow.delete().where(OccurrenceRow.assignment_id == a.id).execute()
        UpdateRow.delete().where(UpdateRow.assignment_id == a.id).execute()
        AssignmentRow.delete().where(AssignmentRow.id == a.id).execute()


def v9_workdays_reminders(migrator):
    """Working days (the admin's days, relative deadlines, Điều 148, the date each unit received a
    directive), notifications and e-mail reminders, and urging letters."""
    class WorkDayV9(Model):
        day = DateField(unique=True)
        working = BooleanField(default=False)
        label = CharField(max_length=200, default="")
        created_at = DateTimeField()
        created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")

        class Meta:
            database = database
            table_name = "work_day"

    class NotificationV9(Model):
        user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
        kind = CharField(max_length=30)
        text = CharField(max_length=500)
        link = CharField(max_length=300, default="")
        dedupe_key = CharField(max_length=200)
        unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL", backref="+")
        created_at = DateTimeField()
        read_at = DateTimeField(null=True)
        emailed_at = DateTimeField(null=True)

        class Meta:
            database = database
            table_name = "notification"
            indexes = ((("user", "dedupe_key"), True), (("user", "read_at"), False))

    class NotificationCheckV9(Model):
        unit = ForeignKeyField(Unit, unique=True, on_delete="CASCADE", backref="+")
        checked_at = DateTimeField()

        class Meta:
            database = database
            table_name = "notification_check"

    class ReminderMailV9(Model):
        user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
        day = DateField()
        status = CharField(max_length=10)
        items = IntegerField(default=0)
        claimed_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        error = CharField(max_length=300, default="")

        class Meta:
            database = database
            table_name = "reminder_mail"
            indexes = ((("user", "day"), True),)

    class UrgingLetterV9(Model):
        issuer = ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
        number = CharField(max_length=100, default="")
        place = CharField(max_length=100, default="")
        letter_date = DateField()
        new_due = DateField()
        subject = CharField(max_length=500, default="")
        opening = TextField(default="")
        recipients = TextField(default="")
        copies = TextField(default="")
        signing_authority = CharField(max_length=200, default="")
        signer_title = CharField(max_length=200, default="")
        signer_name = CharField(max_length=200, default="")
        created_by = ForeignKeyField(User, on_delete="RESTRICT", backref="+")
        created_at = DateTimeField()
        updated_at = DateTimeField(null=True)

        class Meta:
            database = database
            table_name = "urging_letter"

    class UrgingItemV9(Model):
        letter = ForeignKeyField(UrgingLetterV9, on_delete="CASCADE", backref="+")
        assignment = ForeignKeyField(Assignment, on_delete="CASCADE", backref="+")
        due_at = DateTimeField()
        days_overdue = IntegerField()

        class Meta:
            database = database
            table_name = "urging_item"
            indexes = ((("letter", "assignment"), True),)

    migrate(
        migrator.add_column("task", "deadline_n", IntegerField(null=True)),
        migrator.add_column("task", "counted_from", CharField(max_length=10, null=True)),
        migrator.add_column("assignment", "due_moved_from", DateTimeField(null=True)),
        migrator.add_column("assignment", "received_on", DateField(null=True)),
    )
    if not isinstance(migrator, SqliteMigrator):
        # "relative_working_days" does not fit in 20 characters; SQLite does not enforce the length
        # (and would rebuild the table, see _add_filled_column), PostgreSQL does.
        migrate(migrator.alter_column_type("task", "deadline_kind", CharField(max_length=30)))
    _add_filled_column(migrator, "directive", "shift_days_off", BooleanField(default=True), "INTEGER")
    _add_filled_column(migrator, "task", "working_days_only", BooleanField(default=False), "INTEGER")
    _add_filled_column(migrator, "user", "email", CharField(max_length=254, default=""), "VARCHAR(254)")
    _add_filled_column(migrator, "user", "email_reminders", BooleanField(default=True), "INTEGER")
    database.create_tables([WorkDayV9, NotificationV9, NotificationCheckV9, ReminderMailV9, UrgingLetterV9,
                            UrgingItemV9])


# --- Version 10: counts kept by the database -----------------------------------------------------

def _class_sql(row: str, moment: str, soon: str) -> str:
    """rules.status.classify in SQL for the assignment `row` at `moment` (soon = moment + due-soon
    days); core.assignments.status_case is the same rule for queries."""
    due, done, reported = f"{row}.due_at", f"{row}.done_at", f"{row}.reported_at"
    return (f"CASE WHEN {done} IS NOT NULL AND {done} <= {moment} AND ({due} IS NULL OR {done} <= {due}) "
            f"THEN 'done_on_time' WHEN {done} IS NOT NULL AND {done} <= {moment} THEN 'done_late' "
            f"WHEN {due} IS NULL THEN 'not_due' "
            f"WHEN {reported} IS NOT NULL AND {reported} <= {moment} AND {reported} <= {due} THEN 'not_due' "
            f"WHEN {due} < {moment} THEN 'overdue' WHEN {due} <= {soon} THEN 'due_soon' ELSE 'not_due' END")


def _tally_sql(sign: str, row: str | None = None, where: str = "") -> list[str]:
    """Add `sign` times the assignments' contributions to both tallies: one assignment (`row`: NEW or
    OLD, inside a row trigger) or those of `where` (grouped). The join with task and directive also
    says whether they still exist: under a cascade they are gone, and the trigger of the row deleted
    first (directive, task) has already taken its assignments out."""
    a = row or "a"
    source = (f"FROM task t JOIN directive d ON d.id = t.directive_id CROSS JOIN tally_clock c "
              f"WHERE t.id = {row}.task_id AND c.counted_at IS NOT NULL" if row else
              f"FROM assignment a JOIN task t ON t.id = a.task_id JOIN directive d ON d.id = t.directive_id "
              f"CROSS JOIN tally_clock c WHERE c.counted_at IS NOT NULL AND {where} GROUP BY 1, 2, 3, 4")
    count = sign if row else f"{sign} * COUNT(*)"
    cls = _class_sql(a, "c.counted_at", "c.soon_at")
    unit_source = source if row else source
    directive_source = source if row else source.replace("GROUP BY 1, 2, 3, 4", "GROUP BY 1, 2, 3")
    return [
        f"INSERT INTO unit_tally (unit_id, assigner_id, issuer_id, cls, n) "
        f"SELECT {a}.unit_id, COALESCE({a}.assigned_by_id, 0), d.issuer_id, {cls}, {count} {unit_source} "
        f"ON CONFLICT (unit_id, assigner_id, issuer_id, cls) DO UPDATE SET n = unit_tally.n + excluded.n",
        f"INSERT INTO directive_tally (directive_id, assigner_id, cls, n) "
        f"SELECT t.directive_id, COALESCE({a}.assigned_by_id, 0), {cls}, {count} {directive_source} "
        f"ON CONFLICT (directive_id, assigner_id, cls) DO UPDATE SET n = directive_tally.n + excluded.n",
    ]


COUNTED_COLUMNS = ("task_id", "unit_id", "assigned_by_id", "due_at", "done_at", "reported_at")
TALLY_LOCK = 170017  # PostgreSQL advisory lock: writers share it, rebuilding the tallies takes it alone

# (name, table, timing and event, condition on OLD/NEW or "", statements)
TALLY_TRIGGERS = [
    ("tally_assignment_insert", "assignment", "AFTER INSERT", "", _tally_sql("1", "NEW")),
    ("tally_assignment_delete", "assignment", "AFTER DELETE", "", _tally_sql("-1", "OLD")),
    ("tally_assignment_update", "assignment", f"AFTER UPDATE OF {', '.join(COUNTED_COLUMNS)}",
     " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COUNTED_COLUMNS),
     _tally_sql("-1", "OLD") + _tally_sql("1", "NEW")),
    ("tally_task_delete", "task", "BEFORE DELETE", "", _tally_sql("-1", where="a.task_id = OLD.id")),
    ("tally_task_move_out", "task", "BEFORE UPDATE OF directive_id", "OLD.directive_id IS DISTINCT FROM NEW.directive_id",
     _tally_sql("-1", where="a.task_id = OLD.id")),
    ("tally_task_move_in", "task", "AFTER UPDATE OF directive_id", "OLD.directive_id IS DISTINCT FROM NEW.directive_id",
     _tally_sql("1", where="a.task_id = NEW.id")),
    ("tally_directive_delete", "directive", "BEFORE DELETE", "", _tally_sql("-1", where="t.directive_id = OLD.id")),
    ("tally_directive_issuer_out", "directive", "BEFORE UPDATE OF issuer_id",
     "OLD.issuer_id IS DISTINCT FROM NEW.issuer_id", _tally_sql("-1", where="t.directive_id = OLD.id")),
    ("tally_directive_issuer_in", "directive", "AFTER UPDATE OF issuer_id",
     "OLD.issuer_id IS DISTINCT FROM NEW.issuer_id", _tally_sql("1", where="t.directive_id = NEW.id")),
]


def _occurrence_class_sql(row: str, moment: str) -> str:
    """How an occurrence stands at `moment`: NULL (not due yet), on_time, late or missing; the same
    rule as dashboard reporting rates (core/tallies.occurrence_case)."""
    return (f"CASE WHEN {row}.due_at > {moment} THEN NULL "
            f"WHEN {row}.submitted_at IS NOT NULL AND {row}.submitted_at <= {moment} "
            f"AND {row}.submitted_at <= {row}.due_at THEN 'on_time' "
            f"WHEN {row}.submitted_at IS NOT NULL AND {row}.submitted_at <= {moment} THEN 'late' ELSE 'missing' END")


def period_start_sql(period: str, column: str, sqlite: bool) -> str:
    """The first day of the week (Monday) or month holding a timestamp."""
    if sqlite:
        return f"date({column}, 'start of month')" if period == "month" else f"date({column}, 'weekday 0', '-6 days')"
    return f"CAST(date_trunc('{period}', {column}) AS date)"


def _occurrence_tally_sql(sign: str, row: str, sqlite: bool) -> list[str]:
    cls = _occurrence_class_sql(row, "c.counted_at")
    return [f"INSERT INTO occurrence_tally (assignment_id, period, start, cls, n) "
            f"SELECT {row}.assignment_id, '{period}', {period_start_sql(period, f'{row}.due_at', sqlite)}, {cls}, {sign} "
            f"FROM tally_clock c WHERE c.counted_at IS NOT NULL AND ({cls}) IS NOT NULL "
            f"ON CONFLICT (period, start, assignment_id, cls) DO UPDATE SET n = occurrence_tally.n + excluded.n"
            for period in ("week", "month")]


OCCURRENCE_COLUMNS = ("assignment_id", "due_at", "submitted_at")


def _occurrence_triggers(sqlite: bool) -> list:
    return [
        ("tally_occurrence_insert", "occurrence", "AFTER INSERT", "", _occurrence_tally_sql("1", "NEW", sqlite)),
        ("tally_occurrence_delete", "occurrence", "AFTER DELETE", "", _occurrence_tally_sql("-1", "OLD", sqlite)),
        ("tally_occurrence_update", "occurrence", f"AFTER UPDATE OF {', '.join(OCCURRENCE_COLUMNS)}",
         " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in OCCURRENCE_COLUMNS),
         _occurrence_tally_sql("-1", "OLD", sqlite) + _occurrence_tally_sql("1", "NEW", sqlite)),
    ]


def install_tally_triggers() -> None:
    """(Re)create the triggers that keep the tallies: idempotent, run after every upgrade (a table
    rebuilt by a SQLite migration loses its triggers). On PostgreSQL each is a plpgsql function
    that first takes the shared advisory lock, so that a rebuild never runs between a write and its
    count."""
    for name, table, event, condition, statements in TALLY_TRIGGERS + _occurrence_triggers(is_sqlite()):
        if is_sqlite():
            when = f" WHEN {condition.replace('IS DISTINCT FROM', 'IS NOT')}" if condition else ""
            database.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
            database.execute_sql(f'CREATE TRIGGER {name} {event} ON "{table}" FOR EACH ROW{when} BEGIN '
                                 + "; ".join(statements) + "; END")
        else:
            database.execute_sql(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN "
                f"PERFORM pg_advisory_xact_lock_shared({TALLY_LOCK}); "
                + "; ".join(statements)
                + f"; RETURN {'OLD' if 'DELETE' in event else 'NEW'}; END $body$")
            when = f" WHEN ({condition})" if condition else ""
            database.execute_sql(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            database.execute_sql(f'CREATE TRIGGER {name} {event} ON "{table}" FOR EACH ROW{when} '
                                 f"EXECUTE FUNCTION {name}()")


def drop_tally_triggers() -> None:
    """Before migrations run: SQLite refuses to rebuild a table (playhouse's way of changing a
    column) that a trigger names; they are installed again afterwards."""
    for name, table, *_ in TALLY_TRIGGERS + _occurrence_triggers(is_sqlite()):
        if is_sqlite():
            database.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
        elif database.table_exists(table):
            database.execute_sql(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')


def v10_tallies(migrator):
    """Counts kept by the database for the pages that count: the tallies and their clock (built from
    the data at the first page that needs them), the triggers that keep them, and the indexes that
    find what changed between two moments (completions and reports by time)."""
    class TallyClockV10(Model):
        counted_at = DateTimeField(null=True)
        soon_at = DateTimeField(null=True)
        due_soon_days = IntegerField(null=True)

        class Meta:
            database = database
            table_name = "tally_clock"

    class UnitTallyV10(Model):
        unit_id = IntegerField()
        assigner_id = IntegerField()
        issuer_id = IntegerField()
        cls = CharField(max_length=12)
        n = IntegerField(default=0)

        class Meta:
            database = database
            table_name = "unit_tally"
            indexes = ((("unit_id", "assigner_id", "issuer_id", "cls"), True),)

    class DirectiveTallyV10(Model):
        directive_id = IntegerField()
        assigner_id = IntegerField()
        cls = CharField(max_length=12)
        n = IntegerField(default=0)

        class Meta:
            database = database
            table_name = "directive_tally"
            indexes = ((("directive_id", "assigner_id", "cls"), True),)

    class OccurrenceTallyV10(Model):
        assignment_id = IntegerField()
        period = CharField(max_length=5)
        start = DateField()
        cls = CharField(max_length=8)
        n = IntegerField(default=0)

        class Meta:
            database = database
            table_name = "occurrence_tally"
            indexes = ((("period", "start", "assignment_id", "cls"), True),)

    database.create_tables([TallyClockV10, UnitTallyV10, DirectiveTallyV10, OccurrenceTallyV10])
    TallyClockV10.create()
    _v10_indexes()


def _v10_indexes():
    database.execute_sql('CREATE INDEX IF NOT EXISTS "assignment_done_at" ON "assignment" ("done_at")')
    database.execute_sql('CREATE INDEX IF NOT EXISTS "assignment_reported_at" ON "assignment" ("reported_at")')
    database.execute_sql('CREATE INDEX IF NOT EXISTS "occurrence_submitted_at" ON "occurrence" ("submitted_at")')
    # What waits for a decision, and the decisions of the last days (the unit home).
    database.execute_sql('CREATE INDEX IF NOT EXISTS "assignment_state" ON "assignment" ("state")')
    database.execute_sql('CREATE INDEX IF NOT EXISTS "extension_state" ON "extension" ("state")')
    database.execute_sql('CREATE INDEX IF NOT EXISTS "update_kind_created_at" ON "update" ("kind", "created_at")')
    # Nearly every assignment is the directive's own (no parent, no delegating unit): a full index of
    # these columns made the planner take "IS NULL" for a selective condition and scan them all.
    # Partial ones serve what they are for: the children of one assignment, one unit's delegations.
    for column in ("delegated_from_id", "assigned_by_id"):
        database.execute_sql(f'DROP INDEX IF EXISTS "assignment_{column}"')
        database.execute_sql(f'CREATE INDEX IF NOT EXISTS "assignment_{column}_set" ON "assignment" ("{column}") '
                             f'WHERE "{column}" IS NOT NULL')
    # The lists' order (core.assignments.filtered): a page walks it and stops after its rows.
    database.execute_sql('CREATE INDEX IF NOT EXISTS "assignment_list_order" ON "assignment" '
                         '(("done_at" IS NOT NULL), ("due_at" IS NULL), "due_at")')


# Version 1 is the schema created by create_tables for the models of the first release
# (tests/data/schema_v1.sqlite.sql).
MIGRATIONS = [
    (2, v2_occurrences),
    (3, v3_targets),
    (4, v4_security),
    (5, v5_monthly_reports),
    (6, v6_hardening),
    (7, v7_followup),
    (9, v9_workdays_reminders),
    (10, v10_tallies),
]

CURRENT_VERSION = MIGRATIONS[-1][0]


def current_version() -> int | None:
    if not database.table_exists(SchemaVersion._meta.table_name):
        return None
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else None


def upgrade() -> list[int]:
    """Create or migrate the schema; returns the versions applied."""
    applied = []
    with database.atomic():
        version = current_version()
        if version is None:
            database.create_tables([SchemaVersion, *MODELS, *DERIVED])
            TallyClock.create()
            _v10_indexes()
            SchemaVersion.create(version=CURRENT_VERSION)
            applied = [CURRENT_VERSION]
        else:
            migrator = SqliteMigrator(database.obj) if is_sqlite() else PostgresqlMigrator(database.obj)
            if any(target > version for target, _ in MIGRATIONS):
                drop_tally_triggers()
            for target, step in MIGRATIONS:
                if target > version:
                    step(migrator)
                    SchemaVersion.update(version=target).execute()
                    applied.append(target)
        if applied and database.table_exists("tally_clock"):  # (a test may stop before version 10)
            install_tally_triggers()
            # Counted again from the data at the first page that needs them.
            TallyClock.update(counted_at=None, soon_at=None, due_soon_days=None).execute()
    return applied
