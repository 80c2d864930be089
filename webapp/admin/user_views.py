"""Admin pages for user accounts."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..models import User
from ..users import create_user
from ..web import Page, page_number
from . import bp, get_or_404, queries
from .forms import NewUserForm, PasswordForm, UserForm, add_error, blank_first


@bp.route("/nguoi-dung/")
def users():
    q = request.args.get("q", "").strip()[:100]
    page = Page(queries.search_users(q), page_number(), current_app.config["PAGE_SIZE"])
    return render_template("admin/users.html", page=page, q=q)


def _user_initial(user) -> dict:
    return {"full_name": user.full_name, "role": user.role, "unit": user.unit_id, "active": user.active}


def _fill_units(form, keep_id=None) -> None:
    form.unit.choices = blank_first("— Chọn đơn vị —", queries.unit_options(keep_ids=[keep_id]))


@bp.route("/nguoi-dung/moi", methods=["GET", "POST"])
def user_new():
    form = NewUserForm(data={"role": "staff", "active": True})
    _fill_units(form)
    if form.validate_on_submit():
        username = form.username.data.strip()
        if queries.username_taken(username):
            add_error(form.username, f"Tên đăng nhập “{username}” đã có người dùng, hãy chọn tên khác.")
        else:
            # The admin typed the first password, so the user must replace it.
            user = create_user(username, form.password.data, form.full_name.data.strip(), form.role.data,
                               form.unit.data, method=current_app.config["PASSWORD_METHOD"],
                               active=form.active.data, must_change_password=True, actor_id=current_user.id)
            flash(f"Đã tạo tài khoản {user.username}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/nguoi-dung/<int:user_id>/sua", methods=["GET", "POST"])
def user_edit(user_id):
    user = get_or_404(User, user_id)
    form = UserForm(data=_user_initial(user))
    _fill_units(form, user.unit_id)
    if form.validate_on_submit():
        errors = queries.self_edit_errors(current_user, user, form.role.data, form.active.data)
        for name, message in errors.items():
            add_error(getattr(form, name), message)
        if not errors:
            queries.save_user(user, {"full_name": form.full_name.data.strip(), "role": form.role.data,
                                     "unit": form.unit.data, "active": form.active.data},
                              actor_id=current_user.id)
            flash(f"Đã lưu tài khoản {user.username}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user,
                           password_form=PasswordForm(formdata=None))


@bp.route("/nguoi-dung/<int:user_id>/mat-khau", methods=["POST"])
def user_password(user_id):
    user = get_or_404(User, user_id)
    password_form = PasswordForm()
    if password_form.validate_on_submit():
        queries.set_password(user, password_form.password.data, current_app.config["PASSWORD_METHOD"],
                             actor_id=current_user.id)
        flash(f"Đã đặt lại mật khẩu cho {user.username}; người dùng phải đổi mật khẩu khi đăng nhập.",
              "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    form = UserForm(formdata=None, data=_user_initial(user))
    _fill_units(form, user.unit_id)
    return render_template("admin/user_form.html", form=form, user=user, password_form=password_form)
