"""Due times of recurring duties, computed with dateutil's rrule (no calendar arithmetic of our own)."""
from datetime import date, datetime

from dateutil.rrule import DAILY as RR_DAILY
from dateutil.rrule import MONTHLY as RR_MONTHLY
from dateutil.rrule import WEEKLY as RR_WEEKLY
from dateutil.rrule import rrule

from . import deadlines
from .deadlines import END_OF_DAY, DeadlineRule
from .vietnamese import round_half_up
from .workdays import WorkCalendar


def _monthly_days(day: int | None):
    """'Before day D' falls on D, or on the month's last day when the month is shorter than D."""
    if not day:
        return {"bymonthday": -1}
    return {"bymonthday": tuple(range(day, 32)) + (-1,), "bysetpos": 1}


def due_times(rule: DeadlineRule, first_day: date, last_day: date, default_start: date,
              calendar: WorkCalendar | None = None) -> list[datetime]:
    """Every due time of a recurring rule on the days first_day..last_day, inside the rule's window.

    default_start is where a rule with no window start begins (the day the task was created).
    With rule.working_days_only, days off are taken from `calendar` (None: WorkCalendar.plain()) and
    see _on_working_days; without it, every day counts, days off included.
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
    if rule.working_days_only:
        return _on_working_days(rule, list(dates), calendar or WorkCalendar.plain())
    return list(dates)


def _on_working_days(rule: DeadlineRule, times: list[datetime], calendar: WorkCalendar) -> list[datetime]:
    """The due times of a working-days-only rule.

    Daily: a daily report is owed for each working day, so days off are dropped (no report is owed
    for a Sunday or for Tết).
    Weekly and monthly: the report of the week or month is still owed, so a due day that is a day off
    moves to the next working day at the same time, as Điều 148 BLDS 2015 moves any deadline (the
    office is closed on the due day; asking for it the working day before would make it due earlier
    than the rule says). The number of reports is kept, which the reporting rates count on, except
    when a moved report lands on the next one (a weekly Thursday report due on Thursday 08/02/2024,
    in Tết, moves to Thursday 15/02/2024): the office was closed all week, so they make one report.
    Times are chosen by their own date being in the range, so adjacent ranges never give the same
    report twice, even when it moves past the range's last day or the campaign window's end.
    """
    if rule.kind == deadlines.DAILY:
        return [t for t in times if calendar.is_working_day(t.date())]
    moved: list[datetime] = []
    for t in times:
        t = datetime.combine(calendar.next_working_day(t.date()), t.time())
        if not moved or moved[-1] != t:
            moved.append(t)
    return moved


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


def recurring_progress(reports_due: int, reports_in: int, done: bool) -> tuple[str, int]:
    """The state and percent a recurring duty shows: the share of the reports due so far that are in."""
    if done:
        return "done", 100
    if not reports_in:
        return "not_started", 0
    return "in_progress", min(99, int(round_half_up(100 * reports_in / reports_due))) if reports_due else 0
