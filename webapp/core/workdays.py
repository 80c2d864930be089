"""Working days in the data: the days the admin declares and the due times of one-off deadlines
computed with the calendar built from them (core/work_calendar) (no Flask)."""
from datetime import date, datetime

from peewee import IntegrityError, chunked

from ..db import database
from ..models import Assignment, Directive, Task, WorkDay
from ..rules import deadlines as dl
from ..rules.input import InputError
from ..rules.workdays import WorkCalendar
from . import audit
from .occurrences import rule_changed
from .work_calendar import current_calendar

MIN_YEAR, MAX_YEAR = 2000, 2100


class WorkDayError(InputError):
    """A declared day we refuse, with a Vietnamese message and the form field it concerns."""


def declare_day(day: date, working: bool, label: str, *, now: datetime, actor_id=None) -> WorkDay:
    """Declare a day off (working=False) or a day worked in exchange (working=True), then recompute
    every due time it may move. Refuses a day already declared, or one that is already what is asked."""
    if day is None:
        raise WorkDayError("Vui lòng nhập ngày.", "day")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise WorkDayError(f"Năm phải trong khoảng {MIN_YEAR}–{MAX_YEAR}.", "day")
    label = (label or "").strip()[:200]
    existing = WorkDay.get_or_none(WorkDay.day == day)
    if existing is not None:
        what = "ngày làm bù" if existing.working else "ngày nghỉ"
        raise WorkDayError(f"Ngày {day:%d/%m/%Y} đã được khai báo là {what}; hãy xóa khai báo cũ trước.", "day")
    reason = current_calendar().day_off_reason(day)
    if working and reason is None:
        raise WorkDayError(f"Ngày {day:%d/%m/%Y} đã là ngày làm việc, không cần khai báo làm bù.", "day")
    if not working and reason is not None:
        raise WorkDayError(f"Ngày {day:%d/%m/%Y} đã là ngày nghỉ ({reason}).", "day")
    try:
        with database.atomic():
            row = WorkDay.create(day=day, working=working, label=label, created_at=now, created_by=actor_id)
            audit.record("create", "work_day", row.id, user_id=actor_id, at=now, after=row,
                         summary=f"Khai báo {'ngày làm bù' if working else 'ngày nghỉ'} {day:%d/%m/%Y}"
                                 + (f": {label}" if label else ""))
            recompute_due_times(now.date())
    except IntegrityError:  # declared by someone else meanwhile
        raise WorkDayError(f"Ngày {day:%d/%m/%Y} vừa được người khác khai báo.", "day") from None
    return row


def remove_day(row: WorkDay, *, now: datetime, actor_id=None) -> None:
    """Remove a declared day and recompute the due times it moved."""
    with database.atomic():
        deleted = WorkDay.delete().where(WorkDay.id == row.id).execute()
        if deleted:
            audit.record("delete", "work_day", row.id, user_id=actor_id, at=now, before=row,
                         summary=f"Xóa khai báo {'ngày làm bù' if row.working else 'ngày nghỉ'} {row.day:%d/%m/%Y}")
            recompute_due_times(now.date())


# --- Due times ----------------------------------------------------------------------------------

def assignment_due(rule: dl.DeadlineRule, directive: Directive, received_on: date | None,
                   calendar: WorkCalendar) -> dl.Due | None:
    """The due time of a one-off assignment: the rule counted from the directive's issue day or the
    unit's receipt day, moved off a day off when the directive applies Điều 148."""
    return rule.due(calendar, issued_on=directive.issued_from_day, received_on=received_on,
                    shift_days_off=directive.shift_days_off)


def set_due_times(task: Task, calendar: WorkCalendar | None = None, assignment_ids=None) -> int:
    """Write the due time of the task's directive-level assignments (one-off rules only; recurring
    ones take theirs from their occurrences; passed-down ones keep the date their unit gave them).
    Assignments counted from receipt each get their own; the others share one. An assignment whose
    extension was approved keeps the later of its extension and the rule, the rule's date becoming
    its original. Returns how many rows changed."""
    rule = task.rule
    if rule.is_recurring:
        return 0
    calendar = calendar or current_calendar()
    query = (Assignment.select(Assignment.id, Assignment.received_on, Assignment.due_at, Assignment.due_moved_from,
                               Assignment.original_due_at)
             .where((Assignment.task == task.id) & Assignment.delegated_from.is_null()))
    if assignment_ids is not None:
        query = query.where(Assignment.id.in_(list(assignment_ids)))
    dues: dict = {}      # the base of the count (None: shared) -> (due_at, due_moved_from)
    stale: dict = {}     # (due_at, due_moved_from) -> ids of the assignments to set to it
    changed = 0
    fallback = task.created_at.date() if task.created_at else None
    by_receipt = rule.is_relative and rule.counted_from == dl.FROM_RECEIPT
    for a in query:
        received = a.received_on or fallback
        key = received if by_receipt else None
        if key not in dues:
            due = assignment_due(rule, task.directive, received, calendar)
            dues[key] = (due.at, due.original if due.moved else None) if due else (None, None)
        due_at, moved_from = dues[key]
        if a.original_due_at is not None:
            later = max(a.due_at, due_at) if due_at and a.due_at else (due_at or a.due_at)
            if (a.due_at, a.original_due_at) != (later, due_at):
                changed += (Assignment.update(due_at=later, original_due_at=due_at)
                            .where(Assignment.id == a.id).execute())
        elif (a.due_at, a.due_moved_from) != dues[key]:
            stale.setdefault(dues[key], []).append(a.id)
    for (due_at, moved_from), ids in stale.items():
        for batch in chunked(ids, 500):
            changed += (Assignment.update(due_at=due_at, due_moved_from=moved_from)
                        .where(Assignment.id.in_(batch)).execute())
    return changed


def recompute_due_times(today: date, directive_id=None) -> None:
    """After the calendar or a directive's switch changed: every one-off due time again, and the
    occurrences of working-days-only duties from tomorrow on (submitted ones are kept)."""
    calendar = current_calendar()
    tasks = Task.select(Task, Directive).join(Directive)
    if directive_id is not None:
        tasks = tasks.where(Task.directive == directive_id)
    for task in tasks:
        if task.rule.is_recurring:
            if task.working_days_only and directive_id is None:
                rule_changed(task, today)
        else:
            set_due_times(task, calendar)


def moved_note(due_at: datetime | None, moved_from: datetime | None, calendar: WorkCalendar) -> str:
    """"(dời sang 15/02/2024 do trùng ngày nghỉ Tết Nguyên đán)" for a stored, moved due time."""
    if due_at is None or moved_from is None or moved_from == due_at:
        return ""
    return dl.moved_note(dl.Due(due_at, moved_from, calendar.day_off_reason(moved_from.date())))
