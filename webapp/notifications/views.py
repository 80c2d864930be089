"""The notification list (read / unread per user) and the user's own account page."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core import notifications
from ..core.users import save_account
from ..models import Notification
from ..web import Page, ensure_occurrences, get_or_404, is_htmx, now, page_number
from . import bp
from .forms import AccountForm


def _list_context():
    unread_only = request.args.get("loc") == "chua-doc"
    page = Page(notifications.for_user(current_user.id, unread_only), page_number(),
                current_app.config["PAGE_SIZE"])
    return dict(page=page, unread_only=unread_only, unread=notifications.unread_count(current_user.id))


@bp.route("/thong-bao/")
def index():
    ensure_occurrences()  # and the unit's time-based notifications, at most once an hour
    context = _list_context()
    if is_htmx():
        return render_template("notifications/_list.html", **context)
    return render_template("notifications/index.html", **context)


@bp.route("/thong-bao/<id:notification_id>")
def open_item(notification_id):
    """Mark the notification read and go to the page it is about."""
    item = get_or_404(Notification, Notification.id == notification_id, Notification.user == current_user.id)
    notifications.mark_read(current_user.id, item.id, now())
    link = item.link if item.link.startswith("/") and not item.link.startswith("//") else ""
    return redirect(request.script_root + link if link else url_for("notifications.index"))


@bp.route("/thong-bao/<id:notification_id>/da-doc", methods=["POST"])
def mark_read(notification_id):
    if not notifications.mark_read(current_user.id, notification_id, now()):
        abort(404)
    if is_htmx():
        return render_template("notifications/_list.html", **_list_context())
    return redirect(request.referrer if _same_site(request.referrer) else url_for("notifications.index"))


@bp.route("/thong-bao/da-doc-tat-ca", methods=["POST"])
def mark_all_read():
    n = notifications.mark_all_read(current_user.id, now())
    if is_htmx():
        return render_template("notifications/_list.html", **_list_context(),
                               message=f"Đã đánh dấu {n} thông báo là đã đọc.")
    flash(f"Đã đánh dấu {n} thông báo là đã đọc.", "success")
    return redirect(url_for("notifications.index"))


def _same_site(url) -> bool:
    return bool(url) and url.startswith(request.host_url)


@bp.route("/tai-khoan", methods=["GET", "POST"])
def account():
    form = AccountForm(data={"email": current_user.email, "email_reminders": current_user.email_reminders})
    if form.validate_on_submit():
        save_account(current_user, form.email.data, form.email_reminders.data, now=now())
        flash("Đã lưu thông tin tài khoản.", "success")
        return redirect(url_for("notifications.account"))
    return render_template("notifications/account.html", form=form,
                           smtp=bool(current_app.config.get("SMTP_HOST")))
