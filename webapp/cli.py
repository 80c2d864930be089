"""Flask CLI commands: init-db, seed-demo, create-user."""
import os

import click
from flask import current_app

from .db import database
from .models import ROLES, Unit, User


def register_commands(app):
    @app.cli.command("init-db")
    def init_db():
        """Create the database schema, or apply pending migrations."""
        from .migrations import CURRENT_VERSION, upgrade
        with database.connection_context():
            applied = upgrade()
        if applied:
            click.echo(f"Cơ sở dữ liệu: đã áp dụng phiên bản {', '.join(map(str, applied))}.")
        else:
            click.echo(f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({CURRENT_VERSION}).")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Chỉ nạp khi chưa có đơn vị nào.")
    def seed_demo(if_empty):
        """Load both seed directives, their units and the demo users."""
        from .seed import DEMO_USERS, load_demo
        with database.connection_context():
            if Unit.select().exists():
                if not if_empty:
                    raise click.ClickException(
                        "Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.")
                click.echo("Dữ liệu đã có sẵn, không nạp lại dữ liệu mẫu.")
            else:
                load_demo(os.environ.get("DEMO_PASSWORD", "doimatkhau"), current_app.config["PASSWORD_METHOD"])
                click.echo("Đã nạp dữ liệu mẫu.")
        password = "giá trị DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else "doimatkhau"
        click.echo(f"Tài khoản mẫu (mật khẩu: {password}):")
        for username, _, role, unit_name in DEMO_USERS:
            click.echo(f"  {username:<10} {ROLES[role]:<9} {unit_name}")

    @app.cli.command("create-user")
    @click.option("--username", prompt="Tên đăng nhập")
    @click.option("--full-name", prompt="Họ và tên")
    @click.option("--role", type=click.Choice(list(ROLES)), prompt="Vai trò (admin/leader/staff)")
    @click.option("--unit", "unit_name", prompt="Tên đơn vị (đúng như trong danh sách đơn vị)")
    @click.password_option("--password", prompt="Mật khẩu", confirmation_prompt="Nhập lại mật khẩu")
    def create_user_command(username, full_name, role, unit_name, password):
        """Create a user; asks for the password."""
        from .users import create_user
        if len(password) < 8:
            raise click.ClickException("Mật khẩu phải có ít nhất 8 ký tự.")
        with database.connection_context():
            unit = Unit.get_or_none(Unit.name == unit_name.strip())
            if unit is None:
                raise click.ClickException(f"Không có đơn vị tên “{unit_name}”.")
            if User.select().where(User.username == username.strip()).exists():
                raise click.ClickException(f"Tên đăng nhập “{username}” đã có người dùng.")
            create_user(username.strip(), password, full_name.strip(), role, unit,
                        method=current_app.config["PASSWORD_METHOD"])
        click.echo(f"Đã tạo tài khoản {username} ({ROLES[role]}, {unit.name}).")
