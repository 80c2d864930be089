"""Log in and out; the decorators that mark who may use a view."""
from functools import wraps
from urllib.parse import urlparse

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import Form
from ..models import Unit, User
from ..users import check_password, set_password
from . import throttle

bp = Blueprint("auth", __name__)


def public(view):
    """Mark a view that needs no login; every other view does."""
    view.is_public = True
    return view


def roles_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def load_user(user_id):
    return (User.select(User, Unit).join(Unit)
            .where((User.id == int(user_id)) & (User.active == True))  # noqa: E712
            .first())


class PasswordForm(Form):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")])
    new = PasswordField("Mật khẩu mới (ít nhất 8 ký tự)", validators=[
        DataRequired("Vui lòng nhập mật khẩu mới."),
        Length(min=8, max=200, message="Mật khẩu mới phải có từ 8 ký tự.")])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        EqualTo("new", message="Hai lần nhập mật khẩu mới không khớp.")])


class LoginForm(Form):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Vui lòng nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])


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
        return redirect(url_for("units.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        username = form.username.data.strip()
        address = request.remote_addr or "?"
        now = current_app.config["CLOCK"]()
        config = current_app.config
        error = throttle.lockout_message(username, address, now, config["LOGIN_MAX_FAILURES_PER_USER"],
                                         config["LOGIN_MAX_FAILURES_PER_ADDRESS"], config["LOGIN_WINDOW_MINUTES"])
        if error is None:
            user = User.get_or_none(User.username == username)
            if user and user.active and check_password(user, form.password.data):
                throttle.record(username, address, now, succeeded=True)
                session.clear()
                session.permanent = True  # ends after PERMANENT_SESSION_LIFETIME without a request
                login_user(user)
                flash(f"Xin chào {user.full_name}.", "success")
                return redirect(_safe_next(request.args.get("next")) or url_for("units.home"))
            error = "Tên đăng nhập hoặc mật khẩu không đúng."
        throttle.record(username, address, now, succeeded=False)
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
            set_password(current_user, form.new.data, current_app.config["PASSWORD_METHOD"])
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("units.home"))
    return render_template("auth/password.html", form=form)


def require_password_change():
    """A user whose password an admin set must choose their own before doing anything else."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in ("auth.change_password", "auth.logout", "static")):
        flash("Vui lòng đổi mật khẩu do quản trị đặt trước khi tiếp tục.", "error")
        return redirect(url_for("auth.change_password"))
    return None
