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

