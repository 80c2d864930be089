"""Reads for the calendar feed: a unit's open deadlines and its report occurrences around now."""
from datetime import timedelta

from ..models import Assignment, Directive, Occurrence, Task
from ..rules.deadlines import RECURRING

PAST_DAYS, AHEAD_DAYS = 30, 60


def due_items(user, now):
    """The unit's open one-off deadlines, and its report occurrences from a month back to two ahead."""
    one_off = (Assignment.select(Assignment, Task, Directive).join(Task).join(Directive)
               .where((Assignment.unit == user.unit_id) & Assignment.done_at.is_null() & Assignment.reported_at.is_null()
                      & Assignment.due_at.is_null(False) & ~Task.deadline_kind.in_(sorted(RECURRING))))
    reports = (Occurrence.select(Occurrence, Assignment, Task, Directive)
               .join(Assignment).join(Task).join(Directive)
               .where((Assignment.unit == user.unit_id)
                      & (Occurrence.due_at >= now - timedelta(days=PAST_DAYS))
                      & (Occurrence.due_at <= now + timedelta(days=AHEAD_DAYS))))
    return [("assignment", a, a.due_at) for a in one_off] + [("occurrence", o, o.due_at) for o in reports]
