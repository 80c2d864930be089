"""What every area's views share: the current time, occurrences brought up to date once per request,
get-or-404, who may use a view, htmx and paging helpers."""
from datetime import date, datetime, timedelta
from functools import wraps

from flask import abort, current_app, g, request, url_for
from flask_login import current_user
from peewee import Model

from .core import notifications, occurrences, workdays


def now() -> datetime:
    """The current Vietnam time from the app's clock (frozen in tests), the same for a whole request."""
    if "now" not in g:
        g.now = current_app.config["CLOCK"]()
    return g.now


def today() -> date:
    return now().date()


def due_soon_days() -> int:
    return current_app.config["DUE_SOON_DAYS"]


def ensure_occurrences(until: date | None = None) -> datetime:
    """Create the occurrences that pages showing status classes need (up to a week ahead, or
    `until`), at most once per request; returns now."""
    current = now()
    until = max(until or date.min, current.date() + timedelta(days=occurrences.AHEAD_DAYS))
    if g.get("occurrences_until") is None or g.occurrences_until < until:
        occurrences.materialise(until, current.date())
        g.occurrences_until = until
    refresh_notifications()
    return current


def refresh_notifications() -> None:
    """The time-based notifications of the user's unit, at most once an hour (by any process), on the
    pages that show deadlines: the daily command may not be installed, and "due today" cannot wait
    for it. Other pages only count what exists, so they never write."""
    if current_user.is_authenticated and not g.get("notifications_refreshed"):
        g.notifications_refreshed = True
        notifications.refresh_unit(current_user.unit_id, now(), due_soon_days())


def work_calendar():
    """The working-day calendar (weekends, holidays, the admin's days), once per request."""
    if "work_calendar" not in g:
        g.work_calendar = workdays.current_calendar()
    return g.work_calendar


def moved_note(assignment) -> str:
    """"(dời sang … do trùng ngày nghỉ …)" beside an assignment's due time moved by Điều 148."""
    moved_from = getattr(assignment, "due_moved_from", None)
    if moved_from is None:
        return ""
    return workdays.moved_note(assignment.due_at, moved_from, work_calendar())


def unread_notifications() -> int:
    """The unread count in the navigation."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = notifications.unread_count(current_user.id)
    return g.unread_notifications


def get_or_404(query, *where):
    """The first row of a model or query matching `where`, or a 404."""
    if isinstance(query, type) and issubclass(query, Model):
        query = query.select()
    obj = query.where(*where).first() if where else query.first()
    if obj is None:
        abort(404)
    return obj


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


def is_htmx() -> bool:
    """An htmx partial request; a history restore wants the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        abort(404)


class Page:
    """One page of a query, with what a pagination bar needs."""

    def __init__(self, query, number: int, size: int):
        self.total = query.count()
        self.size = size
        self.pages = max(1, -(-self.total // size))
        self.number = min(number, self.pages)
        self.items = list(query.paginate(self.number, size))

    @property
    def has_prev(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages


def url_with(**changes) -> str:
    """The current URL with some query arguments changed; None or '' removes one."""
    args = request.args.to_dict()
    args.update(changes)
    args = {k: v for k, v in args.items() if v not in (None, "")}
    return url_for(request.endpoint, **(request.view_args or {}), **args)
