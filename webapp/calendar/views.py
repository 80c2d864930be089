"""A per-user calendar feed at a secret address the user can renew."""
import secrets
from datetime import timedelta

from flask import Response, abort, flash, redirect, url_for
from flask_login import current_user

from ..models import User
from ..rules import ical
from ..web import ensure_occurrences, get_or_404, now, public, work_calendar
from . import bp, queries


@bp.route("/<token>.ics")
@public
def ics(token):
    """The feed itself: calendar clients fetch it without a session, so the token is the key."""
    if len(token) < 20:
        abort(404)
    user = get_or_404(User, User.calendar_token == token, User.active == True)  # noqa: E712
    current = ensure_occurrences(now().date() + timedelta(days=queries.AHEAD_DAYS))
    calendar = work_calendar()
    entries = [_entry(kind, record, due_at, calendar) for kind, record, due_at in queries.due_items(user, current)]
    body = ical.build(f"Theo dõi nhiệm vụ – {user.unit.name}", entries, current)
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})


def _entry(kind, record, due_at, calendar):
    assignment = record if kind == "assignment" else record.assignment
    task = assignment.task
    prefix = "Hạn" if kind == "assignment" else ("Đã nộp" if record.submitted_at else "Nộp báo cáo")
    return ical.Entry(
        uid=f"{kind}-{record.id}@theo-doi-nhiem-vu",
        due_at=due_at,
        summary=f"{prefix}: {task.number}. {task.text[:80]}",
        description=f"{task.directive.reference} – {task.directive.subject}\n{task.rule.describe()}",
        url=url_for("assignments.detail", assignment_id=assignment.id, _external=True),
        # A submitted report needs no reminder.
        alarm_at=None if kind == "occurrence" and record.submitted_at else ical.alarm_time(due_at, calendar),
    )


@bp.route("/tao-moi", methods=["POST"])
def renew():
    """Give the user a new secret address; the old one stops working at once."""
    User.update(calendar_token=secrets.token_urlsafe(32)).where(User.id == current_user.id).execute()
    flash("Đã tạo địa chỉ lịch mới. Địa chỉ cũ (nếu có) không còn dùng được.", "success")
    return redirect(url_for("home.index") + "#calendar")
