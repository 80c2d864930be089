"""Log in and out, and change one's own password."""
from urllib.parse import urlparse

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..core import throttle
from ..core.users import check_password, set_password
from ..models import User
from ..web import now, public
from . import bp
from .forms import LoginForm, PasswordForm


def _safe_next(target):
    """Only same-site paths, so the login page cannot be used to redirect elsewhere."""
    if not target:
        return None
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/dang-nhap", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        username = form.username.data.strip()
        address = request.remote_addr or "?"
        config = current_app.config
        error = throttle.lockout_message(username, address, now(), config["LOGIN_MAX_FAILURES_PER_USER"],
                                         config["LOGIN_MAX_FAILURES_PER_ADDRESS"], config["LOGIN_WINDOW_MINUTES"])
        if error is None:
            user = User.get_or_none(User.username == username)
            if user and user.active and check_password(user, form.password.data):
                throttle.record(username, address, now(), succeeded=True)
                session.clear()
                session.permanent = True  # ends after PERMANENT_SESSION_LIFETIME without a request
                login_user(user)
                flash(f"Xin chào {user.full_name}.", "success")
                return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
            error = "Tên đăng nhập hoặc mật khẩu không đúng."
        throttle.record(username, address, now(), succeeded=False)
        current_app.logger.warning("login failed: username=%r address=%s", username, address)
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/dang-xuat", methods=["POST"])
def logout():
    logout_user()
    flash("Bạn đã đăng xuất.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        if not check_password(current_user, form.current.data):
            form.current.errors.append("Mật khẩu hiện tại không đúng.")
        elif form.new.data == form.current.data:
            form.new.errors.append("Mật khẩu mới phải khác mật khẩu hiện tại.")
        else:
            set_password(current_user, form.new.data, current_app.config["PASSWORD_METHOD"], now=now())
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
