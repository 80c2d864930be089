"""Log in and out, and change one's own password."""
from urllib.parse import urlparse

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from ..core import throttle
from ..core.users import authenticate, check_password, end_sessions, set_password
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


def _start_session(user) -> None:
    session.clear()
    session.permanent = True  # ends after PERMANENT_SESSION_LIFETIME without a request
    login_user(user)


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
        attempt_id, error = throttle.begin_attempt(username, address, now(), throttle.Limits.from_config(config))
        if error is None:
            user = authenticate(username, form.password.data, config["PASSWORD_METHOD"])
            if user is not None:
                throttle.succeeded(attempt_id)
                _start_session(user)
                flash(f"Xin chào {user.full_name}.", "success")
                return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
            error = "Tên đăng nhập hoặc mật khẩu không đúng."
        current_app.logger.warning("login failed: username=%r address=%s", username, address)
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/dang-xuat", methods=["POST"])
def logout():
    # Ends this user's sessions everywhere, so a copy of the cookie taken before no longer works.
    end_sessions(current_user.id)
    logout_user()
    session.clear()
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
            user_id = current_user.id
            set_password(current_user, form.new.data, current_app.config["PASSWORD_METHOD"], now=now())
            # Every other session of the user has ended; this one goes on under the new generation.
            _start_session(User.get_by_id(user_id))
            flash("Đã đổi mật khẩu; các phiên đăng nhập khác của bạn đã kết thúc.", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
