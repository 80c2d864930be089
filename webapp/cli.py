"""Flask CLI commands: init-db, check-counts, seed-demo, create-user, import-targets, export-targets, backup,
restore, parse-directive, send-reminders."""
import json
import os
from pathlib import Path

import click
from flask import current_app

from .backup import BackupError, backup, restore
from .core import indicators as sets
from .core import reminders, tallies, targets
from .core.users import create_user
from .db import database
from .migrations import CURRENT_VERSION, current_version, upgrade
from .models import ROLES, IndicatorSet, Unit, User
from .rules import appendix
from .rules.directive_reader import read_directive
from .rules.document_text import DocumentError, text_from_upload
from .rules.vietnamese import format_number
from . import seed_two_tier
from .seed import DEMO_USERS, load_demo


def _now():
    """The app's clock (Vietnam time; frozen in tests)."""
    return current_app.config["CLOCK"]()


def register_commands(app):
    @app.cli.command("init-db")
    def init_db():
        """Create the database schema, or apply pending migrations."""
        with database.connection_context():
            applied = upgrade()
        if applied:
            click.echo(f"Cơ sở dữ liệu: đã áp dụng phiên bản {', '.join(map(str, applied))}.")
        else:
            click.echo(f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({CURRENT_VERSION}).")

    @app.cli.command("check-counts")
    @click.option("--fix", is_flag=True, help="Đếm lại các số đếm sẵn từ dữ liệu.")
    def check_counts(fix):
        """Compare the counts the database keeps (core/tallies) with a recount of the assignments."""
        now, soon = _now(), current_app.config["DUE_SOON_DAYS"]
        with database.connection_context():
            tallies.keep_up(now, soon)
            wrong = tallies.differences(now, soon)
            if wrong and fix:
                tallies.rebuild(now, soon)
                click.echo(f"Đã đếm lại từ dữ liệu ({len(wrong)} dòng sai).")
                wrong = tallies.differences(now, soon)
        if wrong:
            for line in wrong[:50]:
                click.echo(line)
            raise click.exceptions.Exit(1)
        click.echo("Số đếm sẵn khớp với đếm lại từ dữ liệu.")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Chỉ nạp khi chưa có đơn vị nào.")
    @click.option("--original-dates", is_flag=True,
                  help="Giữ nguyên ngày tháng năm 2024 của hai văn bản (mặc định: đặt quanh ngày hôm nay).")
    def seed_demo(if_empty, original_dates):
        """Load both seed directives, their units and the demo users, placed around today's date."""
        with database.connection_context():
            if Unit.select().exists():
                if not if_empty:
                    raise click.ClickException(
                        "Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.")
                click.echo("Dữ liệu đã có sẵn, không nạp lại dữ liệu mẫu.")
            else:
                load_demo(os.environ.get("DEMO_PASSWORD", "doimatkhau"), current_app.config["PASSWORD_METHOD"], _now(),
                          original_dates=original_dates, upload_dir=current_app.config["UPLOAD_DIR"])
                click.echo("Đã nạp dữ liệu mẫu" + (" với ngày tháng gốc năm 2024." if original_dates else
                                                    ", đặt quanh ngày hôm nay."))
        password = "giá trị DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else "doimatkhau"
        click.echo(f"Tài khoản mẫu (mật khẩu: {password}):")
        for username, _, role, unit_name in DEMO_USERS + seed_two_tier.USERS:
            click.echo(f"  {username:<10} {ROLES[role]:<9} {unit_name}")
        examples = ", ".join(seed_two_tier.commune_username(name) for name in seed_two_tier.COMMUNES[:3])
        click.echo(f"  và một cán bộ cho mỗi xã, phường của tỉnh Lai Châu (tên xã viết liền không dấu: {examples}, …)")

    @app.cli.command("import-targets")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--year", type=int, required=True, help="Năm của chỉ tiêu, ví dụ 2024.")
    @click.option("--set", "set_id", type=int, default=None,
                  help="Mã số bộ chỉ tiêu (mặc định: bộ chỉ tiêu duy nhất đã có chỉ tiêu).")
    def import_targets(path, year, set_id):
        """Import a set's appendix of targets from an .xlsx file laid out as its mapping: all or nothing."""
        with open(path, "rb") as fh:
            data = fh.read()
        with database.connection_context():
            indicator_set = _chosen_set(set_id)
            try:
                result = targets.import_appendix(indicator_set, data, year, _now())
            except appendix.AppendixError as exc:
                for problem in exc.problems:
                    click.echo(f"- {problem}", err=True)
                raise click.ClickException(f"Tệp chưa được nhập: {len(exc.problems)} lỗi, không lưu gì.") from None
        click.echo(f"Đã nhập chỉ tiêu năm {year} vào «{indicator_set.name}»: {result['created']} mới, "
                   f"{result['updated']} thay đổi, {result['unchanged']} không đổi.")

    @app.cli.command("export-targets")
    @click.argument("path", type=click.Path(dir_okay=False, writable=True))
    @click.option("--year", type=int, required=True, help="Năm của chỉ tiêu, ví dụ 2024.")
    @click.option("--set", "set_id", type=int, default=None,
                  help="Mã số bộ chỉ tiêu (mặc định: bộ chỉ tiêu duy nhất đã có chỉ tiêu).")
    def export_targets(path, year, set_id):
        """Write a set's targets as its appendix (.xlsx)."""
        with database.connection_context():
            indicator_set = _chosen_set(set_id)
            units = targets.appendix_units(indicator_set)
            rows = targets.appendix_rows(indicator_set, units, year)
            if not rows:
                raise click.ClickException(f"Bộ chỉ tiêu «{indicator_set.name}» chưa có chỉ tiêu năm {year}.")
            try:
                body = targets.export_appendix(indicator_set, units, year)
            except sets.SetError as exc:
                raise click.ClickException(str(exc)) from None
        with open(path, "wb") as fh:
            fh.write(body)
        click.echo(f"Đã ghi {path}: {len(rows)} địa phương.")

    @app.cli.command("send-reminders")
    def send_reminders():
        """Create the day's notifications and e-mail each user their digest (safe to run twice)."""
        config = current_app.config
        settings = reminders.SmtpSettings.from_config(config)
        with database.connection_context():
            result = reminders.send_reminders(_now(), settings, config["DUE_SOON_DAYS"], config.get("APP_URL", ""))
        click.echo(f"Thông báo mới: {result.generated}.")
        if settings is None:
            click.echo("Chưa đặt SMTP_HOST: không gửi e-mail.")
        click.echo(f"Đã gửi {result.sent} thư nhắc việc.")
        if result.failed or result.errors:
            click.echo(f"Chưa gửi được {max(result.failed, len(result.errors))} thư; sẽ thử lại ở lần chạy sau.",
                       err=True)

    @app.cli.command("create-user")
    @click.option("--username", prompt="Tên đăng nhập")
    @click.option("--full-name", prompt="Họ và tên")
    @click.option("--role", type=click.Choice(list(ROLES)), prompt="Vai trò (admin/leader/staff)")
    @click.option("--unit", "unit_name", prompt="Tên đơn vị (đúng như trong danh sách đơn vị)")
    @click.password_option("--password", prompt="Mật khẩu", confirmation_prompt="Nhập lại mật khẩu")
    def create_user_command(username, full_name, role, unit_name, password):
        """Create a user; asks for the password."""
        if len(password) < 8:
            raise click.ClickException("Mật khẩu phải có ít nhất 8 ký tự.")
        with database.connection_context():
            unit = Unit.get_or_none(Unit.name == unit_name.strip())
            if unit is None:
                raise click.ClickException(f"Không có đơn vị tên “{unit_name}”.")
            if User.select().where(User.username == username.strip()).exists():
                raise click.ClickException(f"Tên đăng nhập “{username}” đã có người dùng.")
            create_user(username.strip(), password, full_name.strip(), role, unit,
                        method=current_app.config["PASSWORD_METHOD"], now=_now())
        click.echo(f"Đã tạo tài khoản {username} ({ROLES[role]}, {unit.name}).")

    @app.cli.command("backup")
    @click.argument("out", type=click.Path(dir_okay=False))
    @click.option("--force", is_flag=True, help="Ghi đè tệp OUT nếu đã có.")
    def backup_command(out, force):
        """Back up the database to OUT (SQLite: online backup; PostgreSQL: pg_dump -Fc)."""
        try:
            result = backup(current_app.config["DATABASE_URL"], out, force=force)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Đã sao lưu cơ sở dữ liệu vào {result['path']} ({format_number(result['size'])} byte).")

    @app.cli.command("restore")
    @click.argument("source", metavar="IN", type=click.Path(dir_okay=False))
    @click.option("--yes", is_flag=True, help="Không hỏi lại trước khi thay dữ liệu.")
    def restore_command(source, yes):
        """Replace the whole database content with the backup file IN."""
        if not yes and not click.confirm("Khôi phục sẽ thay TOÀN BỘ dữ liệu hiện có bằng dữ liệu trong "
                                         "tệp sao lưu. Tiếp tục?"):
            raise click.ClickException("Đã hủy, không khôi phục gì.")
        if not database.is_closed():
            database.close()
        try:
            result = restore(current_app.config["DATABASE_URL"], source)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Đã khôi phục cơ sở dữ liệu từ {result['path']}.")
        with database.connection_context():
            version = current_version()
        if version is not None and version < CURRENT_VERSION:
            click.echo(f"Bản sao lưu ở phiên bản {version}, cũ hơn phiên bản {CURRENT_VERSION} của ứng dụng: "
                       "hãy chạy “flask --app wsgi init-db” để cập nhật.")

    @app.cli.command("parse-directive")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON cho máy đọc.")
    def parse_directive(path, as_json):
        """Read a directive (.txt, .docx, .pdf with text) and print the tasks found, saving nothing."""
        try:
            text = text_from_upload(path, Path(path).read_bytes())
        except DocumentError as exc:
            raise click.ClickException(str(exc)) from None
        found = machine_view(read_directive(text))
        if as_json:
            click.echo(json.dumps(found, ensure_ascii=False, indent=2))
            return
        header = found["header"]
        click.echo(f"{header['issuer'] or '(không rõ cơ quan ban hành)'} – Số {header['number'] or '…'}, "
                   f"{header['date'] or 'không rõ ngày'}: {header['subject'] or ''}")
        click.echo(f"{len(found['tasks'])} nhiệm vụ:")
        for task in found["tasks"]:
            lead = ", ".join(task["lead"]) or "(chưa rõ đơn vị chủ trì)"
            when = task["deadline"]["text"] or ("không ghi thời hạn" if task["deadline"]["kind"] == "none"
                                                else task["deadline"]["kind"])
            click.echo(f"  {task['ref']}. {lead}: {when}")


def _chosen_set(set_id):
    """The set a command names, or the only set with targets; a clear refusal otherwise."""
    if set_id is not None:
        found = IndicatorSet.get_or_none(IndicatorSet.id == set_id)
        if found is None:
            raise click.ClickException(f"Không có bộ chỉ tiêu mã số {set_id}.")
        return found
    with_targets = targets.sets_with_targets()
    if len(with_targets) == 1:
        return with_targets[0]
    listed = "; ".join(f"{s.id}: {s.name}" for s in IndicatorSet.select().order_by(IndicatorSet.id)) or "chưa có"
    raise click.ClickException("Hãy chọn bộ chỉ tiêu bằng --set MÃ_SỐ "
                               f"({'có nhiều bộ đã có chỉ tiêu' if with_targets else 'chưa bộ nào có chỉ tiêu'}). "
                               f"Các bộ chỉ tiêu: {listed}.")


# What `parse-directive --json` prints: the reader's findings in the documented shape, without the
# review page's extras (sources, guesses, legal bases, copies).
HEADER_KEYS = ("issuer", "number", "date", "place", "subject", "recipients", "signer")
TASK_KEYS = ("ref", "text", "lead", "cooperating", "deadline")
DEADLINE_KEYS = ("kind", "date", "time", "weekday", "day", "n", "from", "window", "text")


def machine_view(found: dict) -> dict:
    return {
        "header": {key: found["header"].get(key) for key in HEADER_KEYS},
        "tasks": [{**{key: task.get(key) for key in TASK_KEYS},
                   "deadline": {key: task["deadline"].get(key) for key in DEADLINE_KEYS}}
                  for task in found["tasks"]],
    }
