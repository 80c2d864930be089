"""Backups: a round trip restores every row of every table; the CLI refuses to overwrite, and the
PostgreSQL tools get the password only through PGPASSWORD, with Vietnamese errors when they fail."""
import json
import sqlite3
import stat
import sys
import threading
from datetime import datetime

import pytest

from tests.helpers import FAST_HASH, TEST_NOW, make_app
from webapp import backup as backups
from webapp import create_app
from webapp.core import occurrences
from webapp.core.units import create_unit
from webapp.core.users import create_user
from webapp.db import database
from webapp.models import (
    MODELS,
    AppendixColumn,
    Assignment,
    AuditEntry,
    Cooperation,
    CooperationInput,
    Directive,
    Extension,
    Figure,
    FigureEntry,
    Indicator,
    IndicatorGroup,
    IndicatorSet,
    LoginAttempt,
    MonthlyReport,
    Notification,
    NotificationCheck,
    Occurrence,
    ReminderMail,
    SchemaVersion,
    Target,
    Task,
    Unit,
    Update,
    UrgingItem,
    UrgingLetter,
    User,
    WorkDay,
)

TABLES = [SchemaVersion, *MODELS]


def everything():
    """{table: every row as a tuple, by id}: the whole content of the database."""
    return {model._meta.table_name: list(model.select().order_by(model.id).tuples()) for model in TABLES}


def fill_every_table(app):
    """The demo leaves a few tables empty; put a row in each so the comparison covers them all."""
    now = app.config["CLOCK"]()
    occurrences.ensure_current(now)
    if not Occurrence.select().exists():
        Occurrence.create(assignment=Assignment.select().first(), due_at=now)
    LoginAttempt.create(username="quaicang", address="127.0.0.1", at=now, succeeded=True)
    AuditEntry.create(at=now, user=User.get(User.username == "admin"), action="update", object_type="unit",
                      object_id=1, summary="Đổi tên đơn vị", before='{"name": "A"}', after='{"name": "B"}')
    directive = Directive.select().first()
    MonthlyReport.create(unit=User.get(User.username == "sldtbxh").unit, directive=directive, scope=directive.id,
                         year=2024, month=3, assessment="Dự thảo", created_at=now)
    admin = User.get(User.username == "admin")
    WorkDay.create(day=datetime(2024, 3, 18).date(), working=False, label="Nghỉ theo thông báo", created_at=now)
    NotificationCheck.create(unit=admin.unit, checked_at=now)
    ReminderMail.create(user=admin, day=now.date(), status="sent", items=2, claimed_at=now, sent_at=now)
    letter = UrgingLetter.create(issuer=admin.unit, number="/UBND-KGVX", place="Quảng Trị", letter_date=now.date(),
                                 new_due=now.date(), subject="V/v đôn đốc", created_by=admin, created_at=now)
    UrgingItem.create(letter=letter, assignment=Assignment.select().first(), due_at=now, days_overdue=3)
    content = everything()
    assert all(content.values()), [name for name, rows in content.items() if not rows]
    return content


def change_everything():
    """Delete, add and edit rows in every table after the backup was taken."""
    Update.delete().execute()
    Figure.delete().where(Figure.id.in_(Figure.select(Figure.id).order_by(Figure.id).limit(10))).execute()
    Target.update(value=Target.value + 1).execute()
    IndicatorSet.update(name=IndicatorSet.name.concat(" (sửa sau sao lưu)")).execute()
    IndicatorGroup.update(position=IndicatorGroup.position + 10).execute()
    Indicator.update(retired=True).execute()
    AppendixColumn.update(label="Sửa sau sao lưu").execute()
    FigureEntry.update(note="Sửa sau sao lưu").execute()
    Occurrence.delete().execute()
    Task.update(text=Task.text.concat(" (sửa sau sao lưu)")).execute()
    Assignment.update(state="done", percent=100, version=Assignment.version + 1).execute()
    LoginAttempt.delete().execute()
    MonthlyReport.update(assessment="Sửa sau sao lưu").execute()
    AuditEntry.create(at=datetime(2024, 3, 21), action="create", object_type="unit", summary="Mới")
    unit = create_unit("Đơn vị thêm sau sao lưu", "ubnd_xa", now=TEST_NOW)
    create_user("moi_sau_sao_luu", "matkhau-moi-1", "Người Mới", "staff", unit, method=FAST_HASH, now=TEST_NOW)
    Directive.create(number="99/UBND-SAU", subject="Văn bản thêm sau", issuer=unit, created_at=TEST_NOW)
    SchemaVersion.update(version=SchemaVersion.version + 100).execute()
    WorkDay.update(label="Sửa sau sao lưu").execute()
    Notification.update(read_at=datetime(2024, 3, 21)).execute()
    NotificationCheck.update(checked_at=datetime(2024, 3, 21)).execute()
    ReminderMail.update(status="failed").execute()
    UrgingLetter.update(number="12/UBND-KGVX").execute()
    UrgingItem.update(days_overdue=UrgingItem.days_overdue + 1).execute()
    Extension.update(reason=Extension.reason.concat(" (sửa sau sao lưu)")).execute()
    CooperationInput.delete().execute()
    Cooperation.update(due_at=datetime(2024, 12, 31), answered_at=None).execute()


def integrity(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def test_round_trip_restores_every_row_of_every_table(app, demo, tmp_path):
    url = app.config["DATABASE_URL"]
    before = fill_every_table(app)
    out = tmp_path / "tracker.backup"
    result = backups.backup(url, out)
    assert out.is_file() and result["size"] == out.stat().st_size > 0

    change_everything()
    changed = everything()
    assert all(changed[name] != rows for name, rows in before.items()), \
        [name for name, rows in before.items() if changed[name] == rows]

    database.close()
    backups.restore(url, out)
    after = everything()
    for name, rows in before.items():
        assert after[name] == rows, f"table {name} differs after the restore"
    if url.startswith("sqlite"):
        assert integrity(backups.sqlite_path(url)) == "ok"
    # New rows still get fresh ids (PostgreSQL sequences come back with the data).
    unit = create_unit("Đơn vị sau khôi phục", "ubnd_xa", now=TEST_NOW)
    assert unit.id > max(row[0] for row in before["unit"])


def test_cli_backup_refuses_to_overwrite_and_restore_asks_first(app, demo, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "sao-luu.bak"
    out.write_text("bản cũ")
    refused = runner.invoke(args=["backup", str(out)])
    assert refused.exit_code != 0 and "đã có; dùng --force" in refused.output
    assert out.read_text() == "bản cũ"
    done = runner.invoke(args=["backup", str(out), "--force"])
    assert done.exit_code == 0 and "Đã sao lưu cơ sở dữ liệu vào" in done.output, done.output
    assert not list(tmp_path.glob(".sao-luu.bak.*"))  # no temporary file left behind

    users = User.select().count()
    create_user("them_sau", "matkhau-moi-1", "Thêm Sau", "staff", Unit.select().first(), method=FAST_HASH,
                now=TEST_NOW)
    cancelled = runner.invoke(args=["restore", str(out)], input="n\n")
    assert cancelled.exit_code != 0 and "Đã hủy, không khôi phục gì." in cancelled.output
    assert User.select().count() == users + 1
    restored = runner.invoke(args=["restore", str(out)], input="y\n")
    assert restored.exit_code == 0 and "Đã khôi phục cơ sở dữ liệu từ" in restored.output, restored.output
    assert User.select().count() == users and not User.select().where(User.username == "them_sau").exists()


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(app, demo, tmp_path):
    runner = app.test_cli_runner()
    before = everything()
    junk = tmp_path / "khong-phai.bak"
    junk.write_bytes(b"PK\x03\x04 not a database at all" * 100)
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "không phải bản sao lưu" in result.output
    missing = runner.invoke(args=["restore", str(tmp_path / "khong-co.bak"), "--yes"])
    assert missing.exit_code != 0 and "Không có tệp sao lưu" in missing.output
    assert everything() == before


def test_sqlite_backup_is_consistent_while_another_connection_writes(tmp_path):
    """The app keeps running: an open write transaction neither blocks the backup nor gets into it."""
    make_app(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'live.db'}")
    url = f"sqlite:///{tmp_path / 'live.db'}"
    create_unit("Đơn vị đã lưu", "ubnd_tinh", now=TEST_NOW)
    database.close()
    writer = sqlite3.connect(tmp_path / "live.db", isolation_level=None, timeout=10)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO unit (name, kind, path, sort_name, active, created_at) "
                   "VALUES ('Chưa ghi xong', 'ubnd_xa', '/', 'chua', 1, '2024-03-20 10:00:00')")
    finished = threading.Event()

    def take_backup():
        backups.backup(url, tmp_path / "during.bak")
        finished.set()

    worker = threading.Thread(target=take_backup)
    worker.start()
    worker.join(timeout=20)
    assert finished.is_set(), "the backup waited for the open write transaction"
    writer.execute("COMMIT")
    writer.close()
    with sqlite3.connect(tmp_path / "during.bak") as copy:
        names = [row[0] for row in copy.execute("SELECT name FROM unit ORDER BY id")]
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert names == ["Đơn vị đã lưu"]
    assert not (tmp_path / "during.bak-wal").exists()


def test_sqlite_restore_refuses_a_postgresql_dump(tmp_path):
    fake = tmp_path / "pg.dump"
    fake.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    with pytest.raises(backups.BackupError, match="không phải bản sao lưu SQLite .đây là bản sao lưu PostgreSQL"):
        backups.restore(f"sqlite:///{tmp_path / 'x.db'}", fake)


FAKE_TOOL = """#!{python}
import json, os, sys
with open({log!r}, "a") as fh:
    fh.write(json.dumps({{"argv": sys.argv, "env": {{k: v for k, v in os.environ.items() if k.startswith("PG")}}}}) + "\\n")
if {fail!r}:
    sys.stderr.write("{name}: error: connection to server at \\"127.0.0.1\\", port 1 failed: Connection refused\\n")
    sys.exit(1)
for arg in sys.argv:
    if arg.startswith("--file="):
        with open(arg[len("--file="):], "wb") as out:
            out.write(b"PGDMP fake dump")
"""


def fake_tools(tmp_path, monkeypatch, fail=False):
    """pg_dump and pg_restore stand-ins on PATH that log their arguments and PG* environment."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "calls.jsonl"
    for name in ("pg_dump", "pg_restore"):
        tool = bin_dir / name
        tool.write_text(FAKE_TOOL.format(python=sys.executable, log=str(log), fail=fail, name=name))
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir))
    return log


PG_URL = "postgresql://theo_doi:b%C3%AD%20m%E1%BA%ADt%40x@127.0.0.1:6543/tracker_prod?sslmode=disable"


def test_postgresql_password_goes_through_pgpassword_never_the_command_line(tmp_path, monkeypatch):
    log = fake_tools(tmp_path, monkeypatch)
    out = tmp_path / "tracker.dump"
    backups.backup(PG_URL, out)
    backups.restore(PG_URL, out)
    dump, restore = [json.loads(line) for line in log.read_text().splitlines()]
    for call in (dump, restore):
        assert call["env"]["PGPASSWORD"] == "bí mật@x"
        assert not any("bí mật" in arg or "b%C3%AD" in arg for arg in call["argv"])
        assert (call["env"]["PGUSER"], call["env"]["PGHOST"], call["env"]["PGPORT"],
                call["env"]["PGDATABASE"], call["env"]["PGSSLMODE"]) == (
            "theo_doi", "127.0.0.1", "6543", "tracker_prod", "disable")
        assert "--no-password" in call["argv"]
    assert "--format=custom" in dump["argv"]
    assert {"--clean", "--if-exists", "--single-transaction", "--dbname=tracker_prod"} <= set(restore["argv"])


def test_postgresql_tool_missing_or_failing_gives_a_vietnamese_error(tmp_path, monkeypatch):
    out = tmp_path / "tracker.dump"
    monkeypatch.setenv("PATH", str(tmp_path / "khong-co-gi"))
    with pytest.raises(backups.BackupError, match="Không tìm thấy chương trình pg_dump"):
        backups.backup(PG_URL, out)
    fake_tools(tmp_path, monkeypatch, fail=True)
    with pytest.raises(backups.BackupError, match="Sao lưu PostgreSQL thất bại") as failed:
        backups.backup(PG_URL, out)
    assert "Connection refused" in str(failed.value)
    assert not out.exists() and not list(tmp_path.glob(".tracker.dump.*"))
    out.write_bytes(b"PGDMP fake dump")
    with pytest.raises(backups.BackupError, match="Khôi phục PostgreSQL thất bại"):
        backups.restore(PG_URL, out)


def test_cli_reports_backup_errors_in_vietnamese(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "khong-co-gi"))
    pg_app = create_app({"DATABASE_URL": PG_URL, "SECRET_KEY": "x", "TESTING": True})  # never connects
    result = pg_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.dump")])
    assert result.exit_code != 0 and "Không tìm thấy chương trình pg_dump" in result.output
