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
    DoubleField,
    Field,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

from .clock import vietnam_now
from .db import database, is_sqlite
from .rules.nd30 import abbreviation_of
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


def v10_documents(migrator):
    """Documents done to Nghị định 30: each unit's abbreviation (the symbol of its documents), filled
    with a suggestion from its name for the admin to correct; a monthly report's signing date and data
    period."""
    _add_filled_column(migrator, "unit", "abbreviation",
                       CharField(max_length=30, default="", constraints=[SQL("DEFAULT ''")]), "VARCHAR(30)")
    _add_filled_column(migrator, "monthly_report", "period",
                       CharField(max_length=10, default="month", constraints=[SQL("DEFAULT 'month'")]), "VARCHAR(10)")
    migrate(migrator.add_column("monthly_report", "signed_on", DateField(null=True)))
    for unit_id, name in list(database.execute_sql('SELECT id, name FROM "unit"')):
        database.execute_sql(f'UPDATE "unit" SET abbreviation = {database.param} WHERE id = {database.param}',
                             (abbreviation_of(name), unit_id))


def v11_directive_attachment(migrator):
    """The document a directive was read from, kept as its attachment (nullable: no rebuild, no cascade)."""
    migrate(
        migrator.add_column("directive", "attachment_name", CharField(max_length=255, null=True)),
        migrator.add_column("directive", "attachment_path", CharField(max_length=100, null=True)),
        migrator.add_column("directive", "attachment_size", IntegerField(null=True)),
    )


def v12_indicator_sets(migrator):
    """Indicator sets (bộ chỉ tiêu báo cáo) defined per directive, their targets and figures, and the
    units' official order. What the fixed Phụ lục 01 / 2a / 2b tables held becomes one set, every row
    kept: its groups, three indicators, a target per number of the appendix (the beneficiaries' total
    for the whole year, the quarterly increments), a figure per count, and the appendix's columns.
    Task.figures_report (the "2a"/"2b" literal) goes: the set names its duty."""
    def frozen(table, indexes=(), **fields):
        meta = type("Meta", (), {"database": database, "table_name": table, "indexes": indexes})
        return type(f"{table.title().replace('_', '')}V10", (Model,), {**fields, "Meta": meta})

    SetV10 = frozen(
        "indicator_set",
        directive=ForeignKeyField(Directive, on_delete="RESTRICT", backref="+"), name=CharField(max_length=200),
        task=ForeignKeyField(Task, null=True, unique=True, on_delete="SET NULL", backref="+"),
        scope=ForeignKeyField(Unit, on_delete="RESTRICT", backref="+"),
        reporting_kind=CharField(max_length=40, default=""), target_period=CharField(max_length=10, default="quarter"),
        appendix_label=CharField(max_length=100, default=""), appendix_title=TextField(default=""),
        created_at=DateTimeField(), updated_at=DateTimeField(null=True))
    GroupV10 = frozen(
        "indicator_group", indicator_set=ForeignKeyField(SetV10, on_delete="CASCADE", backref="+"),
        name=CharField(max_length=200, default=""), position=IntegerField(default=0))
    IndicatorV10 = frozen(
        "indicator", indicator_set=ForeignKeyField(SetV10, on_delete="CASCADE", backref="+"),
        name=CharField(max_length=200), decimals=BooleanField(default=False),
        aggregation=CharField(max_length=12, default="cumulative"),
        at_most=ForeignKeyField("self", null=True, on_delete="SET NULL", backref="+"),
        is_base=BooleanField(default=False), has_targets=BooleanField(default=False),
        position=IntegerField(default=0), retired=BooleanField(default=False))
    ColumnV10 = frozen(
        "appendix_column", indexes=((("indicator_set", "number"), True),),
        indicator_set=ForeignKeyField(SetV10, on_delete="CASCADE", backref="+"), number=IntegerField(),
        indicator=ForeignKeyField(IndicatorV10, null=True, on_delete="CASCADE", backref="+"),
        group=ForeignKeyField(GroupV10, null=True, on_delete="CASCADE", backref="+"),
        part=IntegerField(default=0), formula=CharField(max_length=100, default=""),
        label=CharField(max_length=300, default=""))
    TargetV10 = frozen(
        "indicator_target", indexes=((("indicator", "group", "unit", "year", "part"), True),),
        indicator=ForeignKeyField(IndicatorV10, on_delete="CASCADE", backref="+"),
        group=ForeignKeyField(GroupV10, on_delete="CASCADE", backref="+"),
        unit=ForeignKeyField(Unit, on_delete="RESTRICT", backref="+"), year=IntegerField(),
        part=IntegerField(default=0), value=DoubleField(), updated_at=DateTimeField(null=True))
    EntryV10 = frozen(
        "figure_entry", indexes=((("indicator_set", "unit", "day"), True),),
        indicator_set=ForeignKeyField(SetV10, on_delete="CASCADE", backref="+"),
        unit=ForeignKeyField(Unit, on_delete="RESTRICT", backref="+"), day=DateField(),
        note=TextField(default=""), entered_by=ForeignKeyField(User, on_delete="RESTRICT", backref="+"),
        entered_at=DateTimeField(), proxy=ForeignKeyField(Unit, null=True, on_delete="RESTRICT", backref="+"))
    FigureV10 = frozen(
        "indicator_figure", indexes=((("indicator", "group", "unit", "day"), True),),
        entry=ForeignKeyField(EntryV10, on_delete="CASCADE", backref="+"),
        indicator=ForeignKeyField(IndicatorV10, on_delete="CASCADE", backref="+"),
        group=ForeignKeyField(GroupV10, on_delete="CASCADE", backref="+"),
        unit=ForeignKeyField(Unit, on_delete="RESTRICT", backref="+"), day=DateField(index=True),
        value=DoubleField())

    _add_filled_column(migrator, "unit", "position", IntegerField(default=0), "INTEGER")
    database.create_tables([SetV10, GroupV10, IndicatorV10, ColumnV10, TargetV10, EntryV10, FigureV10])
    _appendix_tables_to_a_set(SetV10, GroupV10, IndicatorV10, ColumnV10, TargetV10, EntryV10, FigureV10)
    migrate(migrator.drop_column("task", "figures_report"))
    database.execute_sql('DROP TABLE "progress_figure"')
    database.execute_sql('DROP TABLE "target"')


# The groups the fixed tables knew, in the appendix's order (models.GROUPS of versions 3 to 9).
_V9_GROUPS = {"nguoi_co_cong": "Người có công", "bao_tro_xa_hoi": "Đối tượng bảo trợ xã hội"}


def _appendix_tables_to_a_set(SetV10, GroupV10, IndicatorV10, ColumnV10, TargetV10, EntryV10, FigureV10):
    """Part of v12: the rows of `target` and `progress_figure` (and the task marked "2b") as one set."""
    def frozen(table, **fields):
        meta = type("Meta", (), {"database": database, "table_name": table})
        return type(f"{table.title().replace('_', '')}V9", (Model,), {**fields, "Meta": meta})

    TargetV9 = frozen("target", unit_id=IntegerField(), year=IntegerField(), group=CharField(),
                      total=IntegerField(), q1=IntegerField(), q2=IntegerField(), q3=IntegerField(),
                      q4=IntegerField(), updated_at=DateTimeField(null=True))
    FigureV9 = frozen("progress_figure", unit_id=IntegerField(), day=DateField(), group=CharField(),
                      beneficiaries=IntegerField(), accounts_opened=IntegerField(), paid_cashless=IntegerField(),
                      note=TextField(), entered_by_id=IntegerField(), entered_at=DateTimeField())
    TaskV9 = frozen("task", directive_id=IntegerField(), figures_report=CharField(null=True))
    DirectiveV9 = frozen("directive", issuer_id=IntegerField(), number=CharField(), issued_precision=CharField(),
                         place=CharField(), subject=TextField(), legal_bases=TextField(), recipients=TextField(),
                         copies=TextField(), signing_authority=CharField(), signer_title=CharField(),
                         signer_name=CharField(), shift_days_off=BooleanField(), needs_confirmation=BooleanField(),
                         created_at=DateTimeField())
    UnitV9 = frozen("unit", parent_id=IntegerField(null=True), path=CharField())
    AssignmentV9 = frozen("assignment", task_id=IntegerField(), unit_id=IntegerField(),
                          delegated_from_id=IntegerField(null=True))

    targets = list(TargetV9.select().order_by(TargetV9.id))
    figures = list(FigureV9.select().order_by(FigureV9.day, FigureV9.unit_id, FigureV9.id))
    task = TaskV9.select().where(TaskV9.figures_report == "2b").order_by(TaskV9.id).first()
    if not targets and not figures and task is None:
        return
    now = vietnam_now()
    if task is not None:
        directive_id = task.directive_id
    elif first := DirectiveV9.select(DirectiveV9.id).order_by(DirectiveV9.id).first():
        directive_id = first.id
    else:  # targets but no directive at all: one to hold them, issued by the top of their tree
        path = UnitV9.get_by_id((targets or figures)[0].unit_id).path
        directive_id = DirectiveV9.create(
            issuer_id=int(path.strip("/").split("/")[0]), number="", issued_precision="day", place="",
            subject="Chỉ tiêu và số liệu chuyển từ phiên bản trước", legal_bases="", recipients="", copies="",
            signing_authority="", signer_title="", signer_name="", shift_days_off=True, needs_confirmation=True,
            created_at=now).id
    # The appendix lists the units one level below the duty's lead units' parent (the districts of a
    # province), else below the directive's issuer.
    parents = {row.parent_id for row in UnitV9.select(UnitV9.parent_id).join(
        AssignmentV9, on=(AssignmentV9.unit_id == UnitV9.id)).where(
        (AssignmentV9.task_id == task.id) & AssignmentV9.delegated_from_id.is_null())} if task else set()
    scope_id = parents.pop() if len(parents) == 1 and None not in parents else \
        DirectiveV9.get_by_id(directive_id).issuer_id
    indicator_set = SetV10.create(
        directive=directive_id, task=task.id if task else None, scope=scope_id, reporting_kind="ubnd_xa",
        name="Tiến độ mở tài khoản, chi trả không dùng tiền mặt (Phụ lục 01, 2a, 2b)", target_period="quarter",
        appendix_label="Phụ lục 01",
        appendix_title="GIAO CHỈ TIÊU SỐ LƯỢNG CÁC ĐỐI TƯỢNG HƯỞNG CHÍNH SÁCH AN SINH XÃ HỘI\n"
                       "ĐƯỢC MỞ TÀI KHOẢN, CHI TRẢ KHÔNG DÙNG TIỀN MẶT TRONG NĂM {năm}",
        created_at=now)
    keys = list(_V9_GROUPS) + sorted({row.group for row in targets + figures} - set(_V9_GROUPS))
    groups = {key: GroupV10.create(indicator_set=indicator_set, name=_V9_GROUPS.get(key, key), position=index)
              for index, key in enumerate(keys, 1)}
    total = IndicatorV10.create(indicator_set=indicator_set, name="Tổng số đối tượng", aggregation="stock",
                                is_base=True, has_targets=True, position=1)
    opened = IndicatorV10.create(indicator_set=indicator_set, name="Đã mở tài khoản", aggregation="cumulative",
                                 at_most=total, position=2)
    paid = IndicatorV10.create(indicator_set=indicator_set, name="Đã chi trả không dùng tiền mặt",
                               aggregation="cumulative", at_most=total, has_targets=True, position=3)
    number = 0
    for key in keys:  # per group: total, four quarters, the year (= their sum), the rate (year / total)
        group, first = groups[key], number + 1
        ColumnV10.create(indicator_set=indicator_set, number=first, indicator=total, group=group, part=0,
                         label=f"Tổng số {group.name[:1].lower() + group.name[1:]}")
        for quarter in range(1, 5):
            ColumnV10.create(indicator_set=indicator_set, number=first + quarter, indicator=paid, group=group,
                             part=quarter, label=f"Quý {quarter}/{{năm}}")
        ColumnV10.create(indicator_set=indicator_set, number=first + 5, label="Tổng số cả năm {năm}",
                         formula="+".join(str(first + q) for q in range(1, 5)))
        ColumnV10.create(indicator_set=indicator_set, number=first + 6, label="Tỷ lệ % đạt được cả năm {năm}",
                         formula=f"{first + 5}/{first}")
        number = first + 6
    for row in targets:
        parts = [(total, 0, row.total)] + [(paid, q, getattr(row, f"q{q}")) for q in range(1, 5)]
        for indicator, part, value in parts:
            TargetV10.create(indicator=indicator, group=groups[row.group], unit=row.unit_id, year=row.year,
                             part=part, value=value, updated_at=row.updated_at)
    by_entry = {}
    for row in figures:
        by_entry.setdefault((row.unit_id, row.day), []).append(row)
    for (unit_id, day), rows in by_entry.items():
        notes = [(row.group, row.note.strip()) for row in rows if (row.note or "").strip()]
        note = notes[0][1] if len(notes) == 1 else "; ".join(f"{groups[k].name}: {n}" for k, n in notes)
        last = max(rows, key=lambda r: r.entered_at)
        entry = EntryV10.create(indicator_set=indicator_set, unit=unit_id, day=day, note=note,
                                entered_by=last.entered_by_id, entered_at=last.entered_at)
        for row in rows:
            for indicator, value in ((total, row.beneficiaries), (opened, row.accounts_opened),
                                     (paid, row.paid_cashless)):
                FigureV10.create(entry=entry, indicator=indicator, group=groups[row.group], unit=unit_id, day=day,
                                 value=value)


# --- Version 13: counts kept by the database -----------------------------------------------------

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


def v13_tallies(migrator):
    """Counts kept by the database for the pages that count: the tallies and their clock (built from
    the data at the first page that needs them), the triggers that keep them, and the indexes that
    find what changed between two moments (completions and reports by time)."""
    class TallyClockV13(Model):
        counted_at = DateTimeField(null=True)
        soon_at = DateTimeField(null=True)
        due_soon_days = IntegerField(null=True)

        class Meta:
            database = database
            table_name = "tally_clock"

    class UnitTallyV13(Model):
        unit_id = IntegerField()
        assigner_id = IntegerField()
        issuer_id = IntegerField()
        cls = CharField(max_length=12)
        n = IntegerField(default=0)

        class Meta:
            database = database
            table_name = "unit_tally"
            indexes = ((("unit_id", "assigner_id", "issuer_id", "cls"), True),)

    class DirectiveTallyV13(Model):
        directive_id = IntegerField()
        assigner_id = IntegerField()
        cls = CharField(max_length=12)
        n = IntegerField(default=0)

        class Meta:
            database = database
            table_name = "directive_tally"
            indexes = ((("directive_id", "assigner_id", "cls"), True),)

    class OccurrenceTallyV13(Model):
        assignment_id = IntegerField()
        period = CharField(max_length=5)
        start = DateField()
        cls = CharField(max_length=8)
        n = IntegerField(default=0)

        class Meta:
            database = database
            table_name = "occurrence_tally"
            indexes = ((("period", "start", "assignment_id", "cls"), True),)

    database.create_tables([TallyClockV13, UnitTallyV13, DirectiveTallyV13, OccurrenceTallyV13])
    TallyClockV13.create()
    _v13_indexes()


def _v13_indexes():
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
    (10, v10_documents),
    (11, v11_directive_attachment),
    (12, v12_indicator_sets),
    (13, v13_tallies),
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
            _v13_indexes()
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
        if applied and database.table_exists("tally_clock"):  # (a test may stop before version 13)
            install_tally_triggers()
            # Counted again from the data at the first page that needs them.
            TallyClock.update(counted_at=None, soon_at=None, due_soon_days=None).execute()
    return applied
