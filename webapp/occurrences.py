"""Occurrences of recurring duties: materialised on demand, idempotently, and submitted.

There is no background job: any page that looks at a range first asks for the occurrences up to
its end. Each lead assignment of a recurring task remembers how far its occurrences exist.
"""
from datetime import date, datetime, timedelta

from peewee import chunked

from .db import database
from .models import Assignment, Occurrence, Task
from .rules.deadlines import RECURRING
from .rules.recurrence import due_times

# Nobody needs occurrences materialised further ahead than this.
MAX_AHEAD = timedelta(days=400)


class AlreadySubmitted(Exception):
    """Someone submitted this occurrence first."""


def recurring_lead_assignments():
    return (Assignment.select(Assignment, Task).join(Task)
            .where(Task.deadline_kind.in_(sorted(RECURRING)) & (Assignment.role == "lead")))


def materialise(until: date, today: date) -> int:
    """Create the missing occurrences of every recurring duty up to `until`; returns how many."""
    until = min(until, today + MAX_AHEAD)
    stale = list(recurring_lead_assignments().where(
        Assignment.occurrences_until.is_null() | (Assignment.occurrences_until < until)))
    if not stale:
        return 0
    kept = _days_already_reported(stale)
    rows = []
    for a in stale:
        first = a.occurrences_until + timedelta(days=1) if a.occurrences_until else date.min
        for due in due_times(a.task.rule, first, until, default_start=a.task.created_at.date()):
            if (a.id, due.date()) not in kept:
                rows.append({"assignment": a.id, "due_at": due})
    with database.atomic():
        # Ignoring conflicts makes a second, concurrent run harmless.
        for batch in chunked(rows, 500):
            Occurrence.insert_many(batch).on_conflict_ignore().execute()
        for ids in chunked([a.id for a in stale], 500):
            (Assignment.update(occurrences_until=until)
             .where(Assignment.id.in_(ids) & (Assignment.occurrences_until.is_null()
                                              | (Assignment.occurrences_until < until)))
             .execute())
    return len(rows)


def _days_already_reported(stale) -> set:
    """(assignment, day) pairs beyond a watermark that were submitted before a rule edit."""
    kept = set()
    for ids in chunked([a.id for a in stale if a.occurrences_until], 500):
        rows = (Occurrence.select(Occurrence.assignment, Occurrence.due_at).join(Assignment)
                .where(Occurrence.assignment.in_(ids) & Occurrence.submitted_at.is_null(False)
                       & (Occurrence.due_at > Assignment.occurrences_until)))
        kept.update((o.assignment_id, o.due_at.date()) for o in rows)
    return kept


def rule_changed(task: Task, today: date) -> None:
    """After a rule edit, drop the task's unsubmitted occurrences from tomorrow on; they regenerate."""
    tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time())
    assignment_ids = Assignment.select(Assignment.id).where(Assignment.task == task.id)
    with database.atomic():
        (Occurrence.delete()
         .where(Occurrence.assignment.in_(assignment_ids) & (Occurrence.due_at >= tomorrow)
                & Occurrence.submitted_at.is_null())
         .execute())
        (Assignment.update(occurrences_until=today)
         .where((Assignment.task == task.id) & (Assignment.occurrences_until > today))
         .execute())


def submit(occurrence: Occurrence, user_id: int, note: str, evidence, now: datetime) -> None:
    """Record a submission once; a late one is allowed (its lateness is derived, not stored)."""
    changed = (Occurrence.update(submitted_at=now, submitted_by=user_id, note=note,
                                 evidence_name=evidence.original_name if evidence else None,
                                 evidence_path=evidence.stored_name if evidence else None,
                                 evidence_size=evidence.size if evidence else None)
               .where((Occurrence.id == occurrence.id) & Occurrence.submitted_at.is_null())
               .execute())
    if changed != 1:
        raise AlreadySubmitted()


def for_assignment(assignment_id: int, start: datetime, end: datetime):
    """An assignment's occurrences due in [start, end], newest first."""
    return (Occurrence.select()
            .where((Occurrence.assignment == assignment_id) & (Occurrence.due_at >= start)
                   & (Occurrence.due_at <= end))
            .order_by(Occurrence.due_at.desc()))
