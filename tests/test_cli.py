"""The Flask CLI commands documented in the README."""
from webapp.core.users import check_password
from webapp.models import Assignment, Unit, User


def test_init_db_is_idempotent(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "phiên bản mới nhất" in result.output


def test_seed_demo_loads_once_and_prints_the_logins(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "quaicang" in result.output
    counts = (Unit.select().count(), Assignment.select().count(), User.select().count())
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0 and "chỉ nạp vào cơ sở dữ liệu trống" in again.output
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert skipped.exit_code == 0 and "không nạp lại" in skipped.output and "lanhdao" in skipped.output
    assert (Unit.select().count(), Assignment.select().count(), User.select().count()) == counts


def test_create_user_asks_for_the_password(app, factory):
    unit = factory.unit("Xã Thử Nghiệm")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "canbo1", "--full-name", "Cán Bộ Một",
                                 "--role", "staff", "--unit", "Xã Thử Nghiệm"],
                           input="matkhau-moi-123\nmatkhau-moi-123\n")
    assert result.exit_code == 0, result.output
    user = User.get(User.username == "canbo1")
    assert user.unit_id == unit.id and check_password(user, "matkhau-moi-123")
    assert user.password_hash.startswith("pbkdf2") or user.password_hash.startswith("scrypt")


def test_create_user_refuses_unknown_unit_short_password_and_duplicates(app, factory):
    factory.unit("Xã Có Thật")
    runner = app.test_cli_runner()
    base = ["create-user", "--full-name", "A", "--role", "staff"]
    bad_unit = runner.invoke(args=base + ["--username", "u1", "--unit", "Xã Không Có"], input="12345678\n12345678\n")
    assert bad_unit.exit_code != 0 and "Không có đơn vị" in bad_unit.output
    short = runner.invoke(args=base + ["--username", "u2", "--unit", "Xã Có Thật"], input="123\n123\n")
    assert short.exit_code != 0 and "ít nhất 8 ký tự" in short.output
    runner.invoke(args=base + ["--username", "u3", "--unit", "Xã Có Thật"], input="12345678\n12345678\n")
    dup = runner.invoke(args=base + ["--username", "u3", "--unit", "Xã Có Thật"], input="12345678\n12345678\n")
    assert dup.exit_code != 0 and "đã có người dùng" in dup.output
    assert User.select().where(User.username.in_(["u1", "u2"])).count() == 0


def test_parse_directive_prints_the_tasks_found_as_json_and_saves_nothing(app, tmp_path):
    import json
    from pathlib import Path

    from tests.helpers import database_fingerprint
    source = Path(__file__).parent / "data" / "directives"
    seed = source / "tuan_giao_cao_diem_de_an_06.txt"
    before = database_fingerprint()
    result = app.test_cli_runner().invoke(args=["parse-directive", str(seed), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert set(found) == {"header", "tasks"}
    assert set(found["header"]) == {"issuer", "number", "date", "place", "subject", "recipients", "signer"}
    assert found["header"]["number"] == "/BCĐĐA06" and found["header"]["date"] == "2024-03"
    assert len(found["tasks"]) == 12
    weekly = next(t for t in found["tasks"] if t["deadline"]["kind"] == "weekly")
    assert (weekly["deadline"]["weekday"], weekly["deadline"]["time"]) == (2, "14:00")
    assert set(weekly) == {"ref", "text", "lead", "cooperating", "deadline"}
    assert database_fingerprint() == before


def test_parse_directive_refuses_a_file_it_cannot_read(app, tmp_path):
    empty = tmp_path / "trong.txt"
    empty.write_bytes(b"")
    result = app.test_cli_runner().invoke(args=["parse-directive", str(empty)])
    assert result.exit_code != 0 and "Tệp rỗng" in result.output
