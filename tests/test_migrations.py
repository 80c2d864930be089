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
    10: (("occurrence_tally", "directive_tally", "unit_tally", "tally_clock"), ()),
}


def rewind_schema(version):
    """The database as a release at `version` left it, on SQLite or PostgreSQL: a fresh schema with
    what later migrations added taken away (there are no rows yet, so nothing cascades)."""
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator
    from playhouse.migrate import migrate as run

    from webapp.db import is_sqlite
    migrator = SqliteMigrator(database.obj) if is_sqlite() else PostgresqlMigrator(database.obj)
    # SQLite cannot drop a foreign key column in place: playhouse rebuilds the (empty) table instead.
    options = {"legacy": True} if is_sqlite() else {}
    if version < 10:  # the tallies' triggers and the indexes of version 10
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
