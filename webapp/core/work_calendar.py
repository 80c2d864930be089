"""The working-day calendar with the days the admin declared (no Flask).

The calendar is rebuilt only when the declared days change. Every process keeps the last one it built
keyed by the declared rows themselves (a few dozen per year), so a change made by another worker or
server is seen on the next call: one small query, no shared cache to invalidate.
"""
from datetime import date
from threading import Lock

from ..models import WorkDay
from ..rules.workdays import WorkCalendar

_cache: dict = {"key": None, "calendar": None}
_lock = Lock()


def _rows() -> tuple:
    return tuple(WorkDay.select(WorkDay.day, WorkDay.working, WorkDay.label)
                 .order_by(WorkDay.day).tuples())


def current_calendar() -> WorkCalendar:
    """The working-day calendar with the admin's days; the same object while they do not change."""
    rows = _rows()
    with _lock:
        if _cache["key"] == rows:
            return _cache["calendar"]
    calendar = WorkCalendar(extra_days_off={d: label for d, working, label in rows if not working},
                            extra_working_days=[d for d, working, _ in rows if working])
    with _lock:
        _cache["key"], _cache["calendar"] = rows, calendar
    return calendar


def declared_days(year: int) -> list[WorkDay]:
    return list(WorkDay.select().where((WorkDay.day >= date(year, 1, 1)) & (WorkDay.day <= date(year, 12, 31)))
                .order_by(WorkDay.day))
