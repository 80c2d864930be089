"""Theo dõi nhiệm vụ: a directive follow-up tracker for Vietnamese government units."""
from flask import Flask, redirect, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from . import clock, compression
from .rules import status
from .config import ROOT, from_env
from .db import database, open_database
from .vietnamese import format_number, format_percent
from .web import url_with

csrf = CSRFProtect()

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
        from werkzeug.middleware.proxy_fix import ProxyFix
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    open_database(app.config["DATABASE_URL"])

    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."

    from .admin import bp as admin_bp
    from .assignments import bp as assignments_bp
    from .auth import bp as auth_bp, load_user, require_password_change
    from .calendar import bp as calendar_bp
    from .dashboard import bp as dashboard_bp
    from .reports import bp as reports_bp
    from .targets import bp as targets_bp
    from .directives import bp as directives_bp
    from .units import bp as units_bp

    login_manager.user_loader(load_user)
    for bp in (auth_bp, units_bp, assignments_bp, directives_bp, dashboard_bp, targets_bp, reports_bp,
               calendar_bp, admin_bp):
        app.register_blueprint(bp)

    @app.before_request
    def open_connection_and_require_login():
        database.connect(reuse_if_open=True)
        view = app.view_functions.get(request.endpoint)
        if view is None or getattr(view, "is_public", False) or request.endpoint == "static":
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return require_password_change()

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
    from .cli import register_commands
    register_commands(app)
    return app


def _register_filters(app: Flask) -> None:
    app.add_template_filter(lambda d: d.strftime("%d/%m/%Y") if d else "", "date")
    app.add_template_filter(lambda d: d.strftime("%H:%M %d/%m/%Y") if d else "", "datetime")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_percent, "percent")
    app.add_template_global(url_with)
    app.add_template_global(compression.static_url)
    app.add_template_global(status.LABELS, "status_labels")
    app.add_template_global(status.SYMBOLS, "status_symbols")

    @app.context_processor
    def inject_now():
        return {"now": app.config["CLOCK"]()}


ERRORS = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu gửi lên không hợp lệ."),
    403: ("Không có quyền", "Bạn không có quyền thực hiện thao tác này."),
    404: ("Không tìm thấy", "Trang hoặc dữ liệu bạn tìm không có, hoặc bạn không có quyền xem."),
    413: ("Tệp quá lớn", "Tệp tải lên vượt quá giới hạn cho phép (10 MB)."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra; vui lòng thử lại sau hoặc báo cho quản trị."),
}


def _register_error_pages(app: Flask) -> None:
    from flask import render_template
    from flask_wtf.csrf import CSRFError

    def render(code, message=None):
        title, default = ERRORS[code]
        return render_template("error.html", title=title, message=message or default), code

    for code in ERRORS:
        app.register_error_handler(code, lambda exc, code=code: render(code))
    app.register_error_handler(
        CSRFError, lambda exc: render(400, "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ; hãy tải lại trang rồi gửi lại."))
