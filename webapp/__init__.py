"""Theo dõi nhiệm vụ: a directive follow-up tracker for Vietnamese government units."""
import importlib

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from . import clock, compression, web
from .cli import register_commands
from .config import ROOT, from_env
from .csrf import MaskedCSRFProtect
from .core.users import active_user
from .db import database, open_database
from .pdf import PdfTimeout
from .rules import status
from .rules.deadlines import WEEKDAY_LABELS, due_label
from .rules.nd30 import addressee_lines
from .rules.indicators import show as show_figure
from .rules.vietnamese import format_number, format_percent

# One blueprint per area; each area's views.py holds its routes.
AREAS = ("auth", "home", "assignments", "directives", "dashboard", "targets", "reports", "calendar", "admin",
         "notifications")

csrf = MaskedCSRFProtect()

# No inline script or style anywhere: htmx is configured (templates/base.html) not to inject its own.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
login_manager = LoginManager()


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(from_env())
    app.config.update(config or {})
    app.config.setdefault("CLOCK", clock.vietnam_now)
    if app.config.get("PROXY_COUNT"):
        count = app.config["PROXY_COUNT"]
        # Only the headers our nginx sets (deploy/nginx-theodoi.conf); X-Forwarded-Host passes through
        # it as the client sent it, and would make every absolute link point elsewhere.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0, x_prefix=0)
    open_database(app.config["DATABASE_URL"])

    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."

    login_manager.user_loader(active_user)
    # Before the blueprints: their routes name it (`<id:assignment_id>`), never the unbounded <int:…>.
    app.url_map.converters["id"] = web.IdConverter
    for area in AREAS:
        app.register_blueprint(importlib.import_module(f"{__name__}.{area}.views").bp)

    app.before_request(web.refuse_nul_characters)

    @app.before_request
    def open_connection_and_require_login():
        database.connect(reuse_if_open=True)
        view = app.view_functions.get(request.endpoint)
        if view is None or getattr(view, "is_public", False) or request.endpoint == "static":
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        # A user whose password an admin set must choose their own before doing anything else.
        if current_user.must_change_password and request.endpoint not in ("auth.change_password", "auth.logout"):
            flash("Vui lòng đổi mật khẩu do quản trị đặt trước khi tiếp tục.", "error")
            return redirect(url_for("auth.change_password"))
        return None

    @app.after_request
    def security_headers_and_compression(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return compression.finish(response)

    @app.teardown_request
    def close_connection(exc):
        if not database.is_closed():
            database.close()

    _register_filters(app)
    _register_error_pages(app)
    register_commands(app)
    return app


def _register_filters(app: Flask) -> None:
    app.add_template_filter(lambda d: d.strftime("%d/%m/%Y") if d else "", "date")
    app.add_template_filter(lambda d: d.strftime("%H:%M %d/%m/%Y") if d else "", "datetime")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(lambda d, *keys: {k: v for k, v in d.items() if k not in keys and str(v).strip()},
                            "dict_without")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(show_figure, "figure")
    app.add_template_global(web.url_with)
    app.add_template_global(web.unread_notifications)
    app.add_template_filter(web.moved_note, "moved_note")
    app.add_template_filter(due_label, "due")
    app.add_template_global(compression.static_url)
    app.add_template_global(status.LABELS, "status_labels")
    app.add_template_global(status.SYMBOLS, "status_symbols")
    app.add_template_global(WEEKDAY_LABELS, "weekday_names")
    app.add_template_global(addressee_lines)

    @app.context_processor
    def inject_now():
        return {"now": web.now()}


ERRORS = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu gửi lên không hợp lệ."),
    403: ("Không có quyền", "Bạn không có quyền thực hiện thao tác này."),
    404: ("Không tìm thấy", "Trang hoặc dữ liệu bạn tìm không có, hoặc bạn không có quyền xem."),
    413: ("Tệp quá lớn", "Tệp tải lên vượt quá giới hạn cho phép (10 MB)."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra; vui lòng thử lại sau hoặc báo cho quản trị."),
}


def _register_error_pages(app: Flask) -> None:
    def render(code, message=None):
        title, default = ERRORS[code]
        return render_template("error.html", title=title, message=message or default), code

    for code in ERRORS:
        app.register_error_handler(code, lambda exc, code=code: render(code))
    # A PDF that took too long: the layout was stopped; the page says so and what to do instead.
    app.register_error_handler(PdfTimeout, lambda exc: (
        render_template("error.html", title="Không tạo được bản PDF", message=str(exc)), 503))
    app.register_error_handler(
        CSRFError, lambda exc: render(400, "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ; hãy tải lại trang rồi gửi lại."))
