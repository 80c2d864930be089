"""Races the database settles: one monthly report per unit, scope and month (also for "all
directives", where the directive is NULL), and SQLite write transactions that take the write lock
when they begin, so that a transaction reading then writing waits its turn instead of failing."""
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pytest
from peewee import IntegrityError

from tests.helpers import make_app
from webapp import migrations
from webapp.core import reports
from webapp.db import ImmediateSqliteDatabase, database
from webapp.models import MonthlyReport, Unit, User

NOW = datetime(2024, 3, 20, 10)


def test_the_database_holds_one_report_per_unit_and_month_for_all_directives(demo, app):
    so = User.get(User.username == "sldtbxh").unit
    MonthlyReport.create(unit=so, directive=None, scope=0, year=2024, month=3, created_at=NOW)
    with pytest.raises(IntegrityError), database.atomic():
        MonthlyReport.create(unit=so, directive=None, scope=0, year=2024, month=3, created_at=NOW)
    assert MonthlyReport.select().count() == 1


def test_opening_a_report_that_someone_just_created_returns_theirs(demo, app, monkeypatch):
    """The loser of the race (it looked, found nothing, then inserted second) gets the winner's report."""
    so = User.get(User.username == "sldtbxh").unit
    first = reports.open_draft(so, None, 2024, 3, None, NOW)
    monkeypatch.setattr(reports, "_find", lambda *args, real=reports._find: None if not calls.append(1)
                        and len(calls) == 1 else real(*args))
    calls = []
    again = reports.open_draft(so, None, 2024, 3, None, NOW)
    assert again.id == first.id and len(calls) == 2
    assert MonthlyReport.select().count() == 1


@pytest.mark.parametrize("directive", ["all", "one"])
def test_sixteen_people_opening_the_same_month_at_once_get_one_report(demo, app, directive):
    from webapp.models import Directive
    so = User.get(User.username == "sldtbxh").unit
    scope = Directive.get(Directive.number == "/UBND-KGVX") if directive == "one" else None
    database.close()
    barrier, opened, problems = threading.Barrier(16), [], []

    def open_it():
        try:
            barrier.wait(timeout=30)
            opened.append(reports.open_draft(so, scope, 2024, 3, None, NOW).id)
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            problems.append(repr(exc))
        finally:
            database.close()

    threads = [threading.Thread(target=open_it) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not problems, problems[:3]
    assert MonthlyReport.select().count() == 1
    assert opened == [MonthlyReport.get().id] * 16


def test_a_write_transaction_on_sqlite_holds_the_write_lock_from_its_first_statement(tmp_path):
    app = make_app(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'lock.db'}")
    assert isinstance(database.obj, ImmediateSqliteDatabase)
    with app.app_context(), database.atomic():
        Unit.select().count()  # only a read so far
        other = sqlite3.connect(tmp_path / "lock.db", timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    database.close()


def test_the_v6_migration_keeps_duplicate_reports_but_sets_all_but_one_aside(tmp_path, monkeypatch):
    """A database at version 5 holding the race's duplicates upgrades: the submitted one is kept as
    the month's report, the other is still there, set aside, and a new duplicate is refused."""
    path = tmp_path / "v5.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((Path(__file__).parent / "data" / "schema_v1.sqlite.sql").read_text())
    monkeypatch.setattr(migrations, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m[0] <= 5])
    monkeypatch.setattr(migrations, "CURRENT_VERSION", 5)
    make_app(tmp_path, DATABASE_URL=f"sqlite:///{path}")
    database.close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO unit (id, name, kind, path, sort_name, active, created_at) "
                     "VALUES (1, 'Sở A', 'so_nganh', '/1/', 'so a', 1, '2024-01-01 00:00:00')")
        for report_id, submitted in ((1, None), (2, "2024-03-25 10:00:00"), (3, None)):
            conn.execute("INSERT INTO monthly_report (id, unit_id, directive_id, year, month, number, place, "
                         "recipients, copies, signing_authority, signer_title, signer_name, assessment, "
                         "submitted_at, created_at) VALUES (?, 1, NULL, 2024, 3, '', '', '', '', '', '', '', "
                         "?, ?, '2024-03-20 10:00:00')", (report_id, f"bản {report_id}", submitted))
    monkeypatch.undo()
    make_app(tmp_path, DATABASE_URL=f"sqlite:///{path}")
    assert migrations.current_version() == migrations.CURRENT_VERSION
    assert {r.id: r.scope for r in MonthlyReport.select()} == {1: -1, 2: 0, 3: -3}
    assert reports.open_draft(Unit.get_by_id(1), None, 2024, 3, None, NOW).id == 2
    with pytest.raises(IntegrityError), database.atomic():
        MonthlyReport.create(unit=1, directive=None, scope=0, year=2024, month=3, created_at=NOW)
    database.close()
