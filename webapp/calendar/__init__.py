"""A per-user calendar feed at a secret address the user can renew."""
import secrets
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, url_for
from flask_login import current_user

from .. import occurrences
from ..auth import public
from ..models import Assignment, Directive, Occurrence, Task, User
from . import feed

bp = Blueprint("calendar", __name__, url_prefix="/lich")

PAST_DAYS, AHEAD_DAYS = 30, 60


@bp.route("/<token>.ics")
@public
def ics(token):
    """The feed itself: calendar clients fetch it without a session, so the token is the key."""
    user = User.get_or_none((User.calendar_token == token) & (User.active == True))  # noqa: E712
    if user is None or len(token) < 20:
        abort(404)
    now = current_app.config["CLOCK"]()
    occurrences.materialise(now.date() + timedelta(days=AHEAD_DAYS), now.date())
    entries = [_entry(kind, record, due_at) for kind, record, due_at in _due_items(user, now)]
    body = feed.build(f"Theo dõi nhiệm vụ – {user.unit.name}", entries, now)
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})


def _due_items(user, now):
    """The unit's open one-off deadlines, and its report occurrences from a month back to two ahead."""
    one_off = (Assignment.select(Assignment, Task, Directive).join(Task).join(Directive)
               .where((Assignment.unit == user.unit_id) & Assignment.done_at.is_null()
                      & Assignment.due_at.is_null(False) & ~Task.deadline_kind.in_(["daily", "weekly", "monthly"])))
    reports = (Occurrence.select(Occurrence, Assignment, Task, Directive)
               .join(Assignment).join(Task).join(Directive)
               .where((Assignment.unit == user.unit_id)
                      & (Occurrence.due_at >= now - timedelta(days=PAST_DAYS))
                      & (Occurrence.due_at <= now + timedelta(days=AHEAD_DAYS))))
    return [("assignment", a, a.due_at) for a in one_off] + [("occurrence", o, o.due_at) for o in reports]


def _entry(kind, record, due_at):
    assignment = record if kind == "assignment" else record.assignment
    task = assignment.task
    prefix = "Hạn" if kind == "assignment" else ("Đã nộp" if record.submitted_at else "Nộp báo cáo")
    return feed.Entry(
        uid=f"{kind}-{record.id}@theo-doi-nhiem-vu",
        due_at=due_at,
        summary=f"{prefix}: {task.number}. {task.text[:80]}",
        description=f"{task.directive.reference} – {task.directive.subject}\n{task.rule.describe()}",
        url=url_for("assignments.detail", assignment_id=assignment.id, _external=True),
    )


@bp.route("/tao-moi", methods=["POST"])
def renew():
    """Give the user a new secret address; the old one stops working at once."""
    User.update(calendar_token=secrets.token_urlsafe(32)).where(User.id == current_user.id).execute()
    flash("Đã tạo địa chỉ lịch mới. Địa chỉ cũ (nếu có) không còn dùng được.", "success")
    return redirect(url_for("units.home") + "#calendar")
