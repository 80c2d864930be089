"""Due times of recurring duties, computed with dateutil's rrule (no calendar arithmetic of our own)."""
from datetime import date, datetime

from dateutil.rrule import DAILY as RR_DAILY
from dateutil.rrule import MONTHLY as RR_MONTHLY
from dateutil.rrule import WEEKLY as RR_WEEKLY
from dateutil.rrule import rrule

from . import deadlines
from .deadlines import END_OF_DAY, DeadlineRule


def _monthly_days(day: int | None):
    """'Before day D' falls on D, or on the month's last day when the month is shorter than D."""
    if not day:
        return {"bymonthday": -1}
    return {"bymonthday": tuple(range(day, 32)) + (-1,), "bysetpos": 1}


def due_times(rule: DeadlineRule, first_day: date, last_day: date, default_start: date) -> list[datetime]:
    """Every due time of a recurring rule on the days first_day..last_day, inside the rule's window.

    default_start is where a rule with no window start begins (the day the task was created).
    """
    if not rule.is_recurring:
        return []
    start = max(first_day, rule.window_start or default_start)
    end = min(last_day, rule.window_end) if rule.window_end else last_day
    if start > end:
        return []
    at = rule.time or END_OF_DAY
    span = {"dtstart": datetime.combine(start, at), "until": datetime.combine(end, at)}
    if rule.kind == deadlines.DAILY:
        dates = rrule(RR_DAILY, **span)
    elif rule.kind == deadlines.WEEKLY:
        dates = rrule(RR_WEEKLY, byweekday=rule.weekday, **span)
    else:
        dates = rrule(RR_MONTHLY, **_monthly_days(rule.day), **span)
    return list(dates)


def recurring_due_and_done(oldest_open, first_late, last_due, last_submitted, window_over: bool):
    """The (due_at, done_at) that give a recurring duty its status class from its occurrences.

    A duty owes its oldest unsubmitted report; once its window is over and every report is in,
    it is done, late if any report was late.
    """
    if oldest_open is not None:
        return oldest_open, None
    if window_over and last_due is not None:
        return (first_late, last_submitted) if first_late is not None else (last_due, last_submitted)
    return None, None
