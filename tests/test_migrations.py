"""The schema version table and how pending migrations are applied."""
from peewee import CharField
from playhouse.migrate import migrate

from webapp import migrations
from webapp.db import database
from webapp.models import SchemaVersion, Unit


def test_fresh_database_is_at_the_current_version(app):
    assert migrations.current_version() == migrations.CURRENT_VERSION


def test_pending_migrations_run_once_in_order(app, monkeypatch):
    def add_code(migrator):
        migrate(migrator.add_column("unit", "code", CharField(default="")))

    base = migrations.CURRENT_VERSION
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (base + 1, add_code)])
    assert migrations.upgrade() == [base + 1]
    assert "code" in {c.name for c in database.get_columns(Unit._meta.table_name)}
    assert SchemaVersion.get().version == base + 1
    assert migrations.upgrade() == []


def test_a_first_release_database_upgrades_without_losing_rows(tmp_path):
    """Build a database with the version 1 schema, fill it, upgrade it, and find every row again."""
    import sqlite3
    from pathlib import Path

    from tests.helpers import FAST_HASH, make_app
    from webapp.models import Assignment, Occurrence, User

    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((Path(__file__).parent / "data" / "schema_v1.sqlite.sql").read_text())
        conn.execute("INSERT INTO unit (id, name, kind, path, sort_name, active, created_at) "
                     "VALUES (1, 'Xã A', 'ubnd_xa', '/1/', 'A', 1, '2024-01-01 00:00:00')")
        conn.execute("INSERT INTO user (id, username, password_hash, full_name, role, unit_id, active, "
                     "must_change_password, created_at) VALUES (1, 'a', 'x', 'A', 'staff', 1, 1, 0, '2024-01-01')")
        conn.execute("INSERT INTO directive (id, number, issued_precision, issuer_id, place, subject, legal_bases, "
                     "recipients, copies, signing_authority, signer_title, signer_name, created_at) "
                     "VALUES (1, '1/UBND', 'day', 1, '', 'V/v', '', '', '', '', '', '', '2024-01-01')")
        conn.execute("INSERT INTO task (id, directive_id, section, position, number, text, addressed_to, "
                     "deadline_text, deadline_kind, created_at) VALUES (1, 1, '', 1, '1', 'T', '', '', 'daily', "
                     "'2024-01-01')")
        conn.execute("INSERT INTO assignment (id, task_id, unit_id, role, state, percent, version) "
                     "VALUES (1, 1, 1, 'lead', 'not_started', 0, 1)")
    app = make_app(tmp_path, DATABASE_URL=f"sqlite:///{path}", PASSWORD_METHOD=FAST_HASH)
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    assert migrations.current_version() == migrations.CURRENT_VERSION
    assert User.get_by_id(1).calendar_token is None
    assert Assignment.get_by_id(1).occurrences_until is None
    assert Occurrence.select().count() == 0


def test_an_upgraded_database_has_the_same_columns_as_a_fresh_one(tmp_path):
    import sqlite3

    from tests.helpers import make_app

    def columns(path):
        with sqlite3.connect(path) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {t: sorted(r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')) for t in tables}

    from pathlib import Path
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:
        conn.executescript((Path(__file__).parent / "data" / "schema_v1.sqlite.sql").read_text())
    make_app(tmp_path, DATABASE_URL=f"sqlite:///{old}")
    fresh = tmp_path / "fresh.db"
    make_app(tmp_path, DATABASE_URL=f"sqlite:///{fresh}")
    assert columns(old) == columns(fresh)



# --- Version 7: cooperating assignments become cooperations ------------------------------------

# What each migration after 6 added, so that a fresh schema can be taken back to an older version:
# (tables, (table, column) pairs). A new migration adds its entry here.
ADDED_BY = {
    7: (("cooperation_input", "cooperation", "extension"),
        (("directive", "needs_confirmation"), ("assignment", "delegated_from_id"), ("assignment", "assigned_by_id"),
         ("assignment", "instructions"), ("assignment", "reported_at"), ("assignment", "original_due_at"),
         ("update", "kind"), ("occurrence", "original_due_at"))),
    9: (("urging_item", "urging_letter", "reminder_mail", "notification_check", "notification", "work_day"),
        (("task", "deadline_n"), ("task", "counted_from"), ("assignment", "due_moved_from"),
         ("assignment", "received_on"), ("directive", "shift_days_off"), ("task", "working_days_only"),
         ("user", "email"), ("user", "email_reminders"))),
    10: ((), (("unit", "abbreviation"), ("monthly_report", "period"), ("monthly_report", "signed_on"))),
    11: ((), (("directive", "attachment_name"), ("directive", "attachment_path"), ("directive", "attachment_size"))),
    12: (("indicator_figure", "figure_entry", "indicator_target", "appendix_column", "indicator", "indicator_group",
          "indicator_set"),
         (("unit", "position"),)),
    13: (("occurrence_tally", "directive_tally", "unit_tally", "tally_clock"), ()),
}
# What a migration took away, put back when going back before it: version 12 replaced the fixed
# targets and figures tables (and the "2a"/"2b" mark on tasks) that version 3 made.
RESTORED_BY = {12: lambda migrator: migrations.v3_targets(migrator)}


def rewind_schema(version):
    """The database as a release at `version` left it, on SQLite or PostgreSQL: a fresh schema with
    what later migrations added taken away (there are no rows yet, so nothing cascades)."""
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator
    from playhouse.migrate import migrate as run

    from webapp.db import is_sqlite
    migrator = SqliteMigrator(database.obj) if is_sqlite() else PostgresqlMigrator(database.obj)
    # SQLite cannot drop a foreign key column in place: playhouse rebuilds the (empty) table instead.
    options = {"legacy": True} if is_sqlite() else {}
    if version < 13:  # the tallies' triggers and the indexes of version 13
        migrations.drop_tally_triggers()
        database.execute_sql('DROP INDEX IF EXISTS "assignment_done_at"')
        database.execute_sql('DROP INDEX IF EXISTS "assignment_reported_at"')
        for index in ("assignment_list_order", "assignment_state", "extension_state", "update_kind_created_at",
                      "occurrence_submitted_at", "assignment_delegated_from_id_set", "assignment_assigned_by_id_set"):
            database.execute_sql(f'DROP INDEX IF EXISTS "{index}"')
        for column in ("delegated_from_id", "assigned_by_id"):
            database.execute_sql(f'CREATE INDEX IF NOT EXISTS "assignment_{column}" ON "assignment" ("{column}")')
    for added in sorted((v for v in ADDED_BY if v > version), reverse=True):
        tables, columns = ADDED_BY[added]
        for table in tables:
            database.execute_sql(f'DROP TABLE "{table}"')
        run(*(migrator.drop_column(table, column, **options) for table, column in columns))
        if added in RESTORED_BY:
            RESTORED_BY[added](migrator)
    SchemaVersion.update(version=max(v for v, _ in migrations.MIGRATIONS if v <= version)).execute()


def _before_v7(app):
    """The database as it was before version 7 (the schema the previous release left)."""
    rewind_schema(6)


def _insert(table, **values):
    columns = ", ".join(f'"{c}"' for c in values)
    marks = ", ".join([database.param] * len(values))
    database.execute_sql(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(values.values()))


def test_a_database_before_version_7_upgrades_its_cooperating_assignments_keeping_every_row(app):
    from datetime import datetime

    from webapp.models import (
        Assignment,
        AuditEntry,
        Cooperation,
        CooperationInput,
        Directive,
        Occurrence,
        Task,
        Update,
        User,
    )
    with database.connection_context():
        _before_v7(app)
        t = datetime(2024, 1, 1)
        for uid, name in ((1, "Tỉnh"), (2, "Sở"), (3, "Huyện")):
            _insert("unit", id=uid, name=name, kind="ubnd_tinh", path=f"/{uid}/", sort_name=name, active=True,
                    created_at=t)
        _insert("user", id=1, username="a", password_hash="x", full_name="Người A", role="staff", unit_id=3,
                active=True, must_change_password=False, session_generation=0, created_at=t)
        _insert("directive", id=1, number="1/UBND", issued_precision="day", issuer_id=1, place="", subject="V/v",
                legal_bases="", recipients="", copies="", signing_authority="", signer_title="", signer_name="",
                created_at=t)
        _insert("task", id=1, directive_id=1, section="", position=1, number="1", text="T", addressed_to="",
                deadline_text="", deadline_kind="fixed", created_at=t)
        _insert("assignment", id=1, task_id=1, unit_id=2, role="lead", state="in_progress", percent=50,
                due_at=datetime(2024, 1, 31, 23, 59, 59), version=2)
        _insert("assignment", id=2, task_id=1, unit_id=3, role="cooperating", state="done", percent=100,
                due_at=datetime(2024, 1, 31, 23, 59, 59), done_at=datetime(2024, 1, 20), version=3)
        _insert("update", id=1, assignment_id=1, author_id=1, created_at=datetime(2024, 1, 10), state="in_progress",
                percent=50, note="Chủ trì đang làm")
        _insert("update", id=2, assignment_id=2, author_id=1, created_at=datetime(2024, 1, 12), state="in_progress",
                percent=40, note="Đã góp ý dự thảo")
        _insert("update", id=3, assignment_id=2, author_id=1, created_at=datetime(2024, 1, 20), state="done",
                percent=100, note="", evidence_name="y-kien.pdf", evidence_path="abc123.pdf", evidence_size=2048)
        _insert("audit_entry", id=1, at=datetime(2024, 1, 20), user_id=1, action="create", object_type="update",
                object_id=3, unit_id=3, summary="Thêm cập nhật tiến độ #3 cho giao việc #2")
        if not migrations.is_sqlite():  # the ids above were typed: move PostgreSQL's sequences past them
            for table in ("unit", "user", "directive", "task", "assignment", "update", "audit_entry"):
                database.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                     f"(SELECT MAX(id) FROM \"{table}\"))")

        assert migrations.upgrade()[0] == 7

        lead = Assignment.get_by_id(1)
        assert (lead.task_id, lead.unit_id, lead.state, lead.percent, lead.version) == (1, 2, "in_progress", 50, 2)
        assert (lead.delegated_from_id, lead.reported_at, lead.instructions) == (None, None, "")
        assert Assignment.select().count() == 1 and Directive.get_by_id(1).needs_confirmation
        assert [(u.id, u.kind, u.note) for u in Update.select()] == [(1, "progress", "Chủ trì đang làm")]
        [c] = Cooperation.select()
        assert (c.task_id, c.unit_id, c.requested_at, c.answered_at, c.sent) == (1, 3, t, datetime(2024, 1, 20), True)
        inputs = list(CooperationInput.select().order_by(CooperationInput.created_at))
        assert [(i.author_id, i.created_at, i.kind) for i in inputs] == [
            (1, datetime(2024, 1, 12), "input"), (1, datetime(2024, 1, 20), "input")]
        assert "Đã góp ý dự thảo" in inputs[0].note and "Đang thực hiện, 40%" in inputs[0].note
        assert (inputs[1].evidence_name, inputs[1].evidence_path, inputs[1].evidence_size) == (
            "y-kien.pdf", "abc123.pdf", 2048)
        # The old audit entry is kept as it was; the conversion is logged beside it.
        entries = list(AuditEntry.select().order_by(AuditEntry.id))
        assert entries[0].summary == "Thêm cập nhật tiến độ #3 cho giao việc #2"
        assert [(e.object_type, e.action, e.object_id) for e in entries[1:]] == [
            ("cooperation", "create", c.id), ("assignment", "delete", 2)]
        assert '"role": "cooperating"' in entries[2].before and '"state": "done"' in entries[2].before
        assert User.select().count() == 1 and Task.select().count() == 1 and Occurrence.select().count() == 0


# --- Version 10: unit abbreviations, a report's signing date and data period -----------------------

def test_a_database_before_version_10_gets_suggested_abbreviations_and_keeps_its_reports(app):
    from datetime import date, datetime

    from webapp.models import MonthlyReport
    with database.connection_context():
        rewind_schema(9)
        t = datetime(2024, 1, 1)
        for uid, name, kind, parent in ((1, "UBND tỉnh Quảng Trị", "ubnd_tinh", None),
                                        (2, "Sở Lao động - Thương binh và Xã hội", "so_nganh", 1),
                                        (3, "Ban Chỉ đạo Đề án 06 huyện Tuần Giáo", "ban_chi_dao", 1)):
            _insert("unit", id=uid, name=name, kind=kind, parent_id=parent, path=f"/{uid}/", sort_name=name,
                    active=True, created_at=t)
        _insert("monthly_report", id=1, unit_id=2, scope=0, year=2024, month=2, number="12/BC-SLĐTBXH", place="Quảng Trị",
                recipients="", copies="Như trên", signing_authority="", signer_title="", signer_name="Nguyễn Văn A",
                assessment="Đánh giá", submitted_at=datetime(2024, 3, 1), frozen='{"month": "02/2024"}', created_at=t)
        assert "abbreviation" not in {c.name for c in database.get_columns("unit")}

        assert migrations.upgrade() == [10, 11, 12, 13]

        assert [(u.id, u.abbreviation) for u in Unit.select().order_by(Unit.id)] == [
            (1, "UBND"), (2, "SLĐTBXH"), (3, "BCĐĐA06")]
        report = MonthlyReport.get_by_id(1)
        assert (report.number, report.signer_name, report.assessment, report.frozen) == (
            "12/BC-SLĐTBXH", "Nguyễn Văn A", "Đánh giá", '{"month": "02/2024"}')
        assert (report.period, report.signed_on) == ("month", None)
        report.signed_on = date(2024, 3, 5)
        report.save()
        assert MonthlyReport.get_by_id(1).signed_on == date(2024, 3, 5)


# --- Version 11: a directive keeps the document it was read from ----------------------------------

def test_a_database_before_version_11_upgrades_keeping_its_directives_tasks_and_assignments(app):
    from datetime import datetime

    from webapp.models import Assignment, Directive, Task
    with database.connection_context():
        rewind_schema(10)
        assert "attachment_path" not in {c.name for c in database.get_columns("directive")}
        t = datetime(2024, 1, 1)
        _insert("unit", id=1, name="Tỉnh", kind="ubnd_tinh", path="/1/", sort_name="Tinh", active=True, created_at=t)
        _insert("directive", id=1, number="1/UBND", issued_precision="day", issuer_id=1, place="", subject="V/v",
                legal_bases="", recipients="", copies="", signing_authority="", signer_title="", signer_name="",
                needs_confirmation=True, shift_days_off=True, created_at=t)
        _insert("task", id=1, directive_id=1, section="", position=1, number="1", text="T", addressed_to="",
                deadline_text="", deadline_kind="ongoing", working_days_only=False, created_at=t)
        _insert("assignment", id=1, task_id=1, unit_id=1, role="lead", state="not_started", percent=0, version=1,
                instructions="")

        assert migrations.upgrade() == [11, 12, 13]

        directive = Directive.get_by_id(1)
        assert (directive.attachment_name, directive.attachment_path, directive.attachment_size) == (None, None, None)
        assert Task.select().count() == 1 and Assignment.select().count() == 1  # nothing went by cascade
        Directive.update(attachment_name="cong-van.docx", attachment_path="a" * 32, attachment_size=2048).execute()
        assert Directive.get_by_id(1).attachment_name == "cong-van.docx"


# --- Version 12: the fixed Phụ lục 01 / 2a / 2b tables become one indicator set ---------------------

def test_a_database_at_version_11_keeps_every_target_and_figure_in_one_set(app):
    from datetime import date, datetime

    from webapp.core import figures, targets
    from webapp.core import indicators as sets
    from webapp.models import Figure, FigureEntry, IndicatorSet, Target, Task, Unit
    from webapp.rules import appendix
    with database.connection_context():
        rewind_schema(11)
        t = datetime(2024, 1, 1)
        for uid, name, kind, parent, path in ((1, "UBND tỉnh T", "ubnd_tinh", None, "/1/"),
                                              (2, "UBND thành phố Một", "ubnd_huyen", 1, "/1/2/"),
                                              (3, "UBND huyện Hai", "ubnd_huyen", 1, "/1/3/"),
                                              (4, "UBND xã A", "ubnd_xa", 2, "/1/2/4/"),
                                              (5, "Sở S", "so_nganh", 1, "/1/5/")):
            _insert("unit", id=uid, name=name, kind=kind, parent_id=parent, path=path, sort_name=name, active=True,
                    created_at=t)
        _insert("user", id=1, username="a", password_hash="x", full_name="Người A", role="staff", unit_id=4,
                active=True, must_change_password=False, session_generation=0, email="", email_reminders=True,
                created_at=t)
        _insert("directive", id=1, number="/UBND-T", issued_precision="day", issuer_id=1, place="", subject="V/v",
                legal_bases="", recipients="", copies="", signing_authority="", signer_title="", signer_name="",
                shift_days_off=True, needs_confirmation=True, created_at=t)
        for task_id, mark in ((1, "2a"), (2, "2b")):
            _insert("task", id=task_id, directive_id=1, section="", position=task_id, number=str(task_id), text="T",
                    addressed_to="", deadline_text="", deadline_kind="daily", working_days_only=True,
                    figures_report=mark, created_at=t)
        for aid, task_id, unit_id in ((1, 1, 5), (2, 2, 2), (3, 2, 3)):
            _insert("assignment", id=aid, task_id=task_id, unit_id=unit_id, role="lead", state="not_started",
                    percent=0, version=1, instructions="")
        for tid, unit_id, group, numbers in ((1, 2, "nguoi_co_cong", (1912, 96, 191, 287, 382)),
                                              (2, 2, "bao_tro_xa_hoi", (3260, 163, 326, 489, 652)),
                                              (3, 3, "nguoi_co_cong", (1151, 58, 115, 173, 230)),
                                              (4, 4, "nguoi_co_cong", (100, 5, 10, 15, 20))):
            _insert("target", id=tid, unit_id=unit_id, year=2024, group=group, total=numbers[0], q1=numbers[1],
                    q2=numbers[2], q3=numbers[3], q4=numbers[4], updated_at=datetime(2024, 1, 5))
        for fid, unit_id, day, group, counts, note in (
                (1, 4, date(2024, 3, 18), "nguoi_co_cong", (100, 40, 30), "Rà soát"),
                (2, 4, date(2024, 3, 18), "bao_tro_xa_hoi", (50, 10, 8), ""),
                (3, 3, date(2024, 3, 19), "nguoi_co_cong", (1151, 300, 250), "")):
            _insert("progress_figure", id=fid, unit_id=unit_id, day=day, group=group, beneficiaries=counts[0],
                    accounts_opened=counts[1], paid_cashless=counts[2], note=note, entered_by_id=1,
                    entered_at=datetime.combine(day, datetime.min.time()).replace(hour=8))
        if not migrations.is_sqlite():  # the ids above were typed: move PostgreSQL's sequences past them
            for table in ("unit", "user", "directive", "task", "assignment", "target", "progress_figure"):
                database.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                     f"(SELECT MAX(id) FROM \"{table}\"))")

        assert migrations.upgrade() == [12, 13]

        tables = set(database.get_tables())
        assert "target" not in tables and "progress_figure" not in tables
        assert "figures_report" not in {c.name for c in database.get_columns("task")}
        [s] = IndicatorSet.select()
        assert (s.directive_id, s.task_id, s.scope_id, s.reporting_kind, s.target_period) == (1, 2, 1, "ubnd_xa",
                                                                                              "quarter")
        groups = sets.groups_of(s)
        assert [g.name for g in groups] == ["Người có công", "Đối tượng bảo trợ xã hội"]
        base, opened, paid = sets.indicators_of(s)
        assert (base.is_base, base.aggregation, opened.at_most_id, paid.has_targets) == (True, "stock", base.id, True)
        # Every row of the fixed tables is kept: five targets per row, three figures per row.
        assert Target.select().count() == 4 * 5 and Figure.select().count() == 3 * 3
        one = Unit.get_by_id(2)
        assert targets.targets_of(s, [2], 2024) == {
            (2, base.id, groups[0].id, 0): 1912, (2, paid.id, groups[0].id, 1): 96, (2, paid.id, groups[0].id, 2): 191,
            (2, paid.id, groups[0].id, 3): 287, (2, paid.id, groups[0].id, 4): 382,
            (2, base.id, groups[1].id, 0): 3260, (2, paid.id, groups[1].id, 1): 163, (2, paid.id, groups[1].id, 2): 326,
            (2, paid.id, groups[1].id, 3): 489, (2, paid.id, groups[1].id, 4): 652}
        entry = FigureEntry.get((FigureEntry.unit == 4) & (FigureEntry.day == date(2024, 3, 18)))
        assert (entry.note, entry.entered_by_id, entry.proxy_id) == ("Rà soát", 1, None)
        # The roll-up reads them as the 2a/2b pages did.
        result = figures.rollup(s, Unit.get_by_id(1), date(2024, 3, 19))
        rows = {r.unit.id: r for r in result.rows}
        assert [r.unit.id for r in result.rows] == [3, 2]  # the districts, alphabetically (no official order yet)
        assert rows[2].value(paid.id, groups[0].id) == 30 and rows[2].target(paid.id, groups[0].id) == 96
        assert rows[3].value(opened.id, groups[0].id) == 300
        # Phụ lục 01 is the set's appendix: its columns and totals as before.
        layout = sets.layout_of(s)
        assert [c.number_label for c in layout.columns][:7] == ["1", "2", "3", "4", "5", "6=2+3+4+5", "7=6/1"]
        data = targets.export_appendix(s, [Unit.get_by_id(2), Unit.get_by_id(3)], 2024)
        back = {r.name: r.values for r in appendix.read_appendix(data, layout)}
        assert back["Thành phố Một"][1] == 1912 and back["Huyện Hai"][2] == 58
        assert Task.get_by_id(1).deadline_kind == "daily" and one.position == 0
