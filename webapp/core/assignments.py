"""Assignments: the lists a user may read, counts per status class in SQL, and posting progress."""
from datetime import date, datetime, timedelta

from peewee import SQL, Case, fn

from ..db import database
from ..models import Assignment, Directive, Task, Unit, Update, UrgingItem, UrgingLetter
from ..rules import progress, status
from ..rules.input import InputError
from . import audit
from .access import assignment_scope
from .units import subtree_unit_ids
from .workdays import set_due_times


class UpdateConflict(Exception):
    """The assignment changed after the form was loaded."""


def status_case(now, due_soon_days):
    """The SQL twin of rules.status.classify, so lists can be filtered and counted in the database."""
    soon_limit = now + timedelta(days=due_soon_days)
    done = Assignment.done_at.is_null(False)
    return Case(None, [
        (done & (Assignment.due_at.is_null() | (Assignment.done_at <= Assignment.due_at)),
         status.DONE_ON_TIME),
        (done, status.DONE_LATE),
        (Assignment.due_at.is_null(), status.NOT_DUE),
        (Assignment.due_at < now, status.OVERDUE),
        (Assignment.due_at <= soon_limit, status.DUE_SOON),
    ], status.NOT_DUE)


def scoped(user, unit=None, directive_id=None):
    """Assignments the user may read, joined to task, directive and unit, optionally narrowed."""
    query = (Assignment.select(Assignment, Task, Directive, Unit)
             .join(Task).join(Directive)
             .switch(Assignment).join(Unit)
             .where(assignment_scope(user)))
    if unit is not None:
        query = query.where(Assignment.unit.in_(subtree_unit_ids(unit)))
    if directive_id:
        query = query.where(Task.directive == directive_id)
    return query


def counts_by_status(query, now, due_soon_days) -> dict:
    case = status_case(now, due_soon_days)
    # Group by the output name: PostgreSQL does not match two copies of a parameterised CASE.
    rows = (query.select(case.alias("cls"), fn.COUNT(Assignment.id).alias("n"))
            .group_by(SQL("cls")).order_by().dicts())
    counts = {cls: 0 for cls in status.CLASSES}
    for row in rows:
        counts[row["cls"]] = row["n"]
    return counts


def filtered(query, status_class, now, due_soon_days):
    if status_class in status.CLASSES:
        query = query.where(status_case(now, due_soon_days) == status_class)
    # Undone first, the earliest due first; no due date last.
    return query.order_by(Assignment.done_at.is_null(False), Assignment.due_at.is_null(),
                          Assignment.due_at, Task.position, Unit.sort_name)


def get_assignment(assignment_id):
    issuer = Unit.alias()
    return (Assignment.select(Assignment, Task, Directive, Unit, issuer)
            .join(Task).join(Directive).join(issuer, on=(Directive.issuer == issuer.id))
            .switch(Assignment).join(Unit)
            .where(Assignment.id == assignment_id).first())


def urgings(assignment) -> list:
    """The urging letters that named this assignment, the latest first."""
    return list(UrgingLetter.select(UrgingLetter, UrgingItem.due_at.alias("item_due"),
                                    UrgingItem.days_overdue.alias("item_days"))
                .join(UrgingItem).where(UrgingItem.assignment == assignment.id)
                .order_by(UrgingLetter.letter_date.desc(), UrgingLetter.id.desc()).objects())


def post_update(assignment, seen_version, author, state, percent, note, evidence, now) -> Update:
    """Record an update and move the assignment to its new state (rules.progress), unless someone
    changed it since the version the author saw. A blank percent (None) keeps the current one."""
    if assignment.version != seen_version:
        raise UpdateConflict()
    current = progress.Progress(assignment.state, assignment.percent, assignment.done_at)
    after = progress.next_progress(current, state, percent, assignment.task.rule.is_recurring, now)
    state, percent, done_at = after.state, after.percent, after.done_at
    with database.atomic():
        changed = (Assignment.update(state=state, percent=percent, done_at=done_at, updated_at=now,
                                     version=Assignment.version + 1)
                   .where((Assignment.id == assignment.id) & (Assignment.version == seen_version))
                   .execute())
        if changed != 1:
            raise UpdateConflict()
        update = Update.create(
            assignment=assignment.id, author=author, created_at=now, state=state, percent=percent,
            note=note, evidence_name=evidence.original_name if evidence else None,
            evidence_path=evidence.stored_name if evidence else None,
            evidence_size=evidence.size if evidence else None)
        after = Assignment(state=state, percent=percent, done_at=done_at, updated_at=now,
                           version=seen_version + 1)
        _audit_update(assignment, after, update, author, now)
        return update


AUDITED_PROGRESS = ("state", "percent", "done_at", "updated_at", "version")


def _audit_update(assignment, after, update, author, now) -> None:
    """Log the new Update, and the assignment's progress before it and after it (`after`)."""
    who = dict(user_id=author, unit_id=assignment.unit_id, at=now)
    audit.record("create", "update", update.id, after=update, **who,
                 summary=f"Thêm cập nhật tiến độ #{update.id} cho giao việc #{assignment.id}")
    audit.record("update", "assignment", assignment.id, **who,
                 before=audit.snapshot(assignment, AUDITED_PROGRESS), after=audit.snapshot(after, AUDITED_PROGRESS),
                 summary=f"Cập nhật tiến độ giao việc #{assignment.id}")


class ReceiptError(InputError):
    """A receipt day we refuse."""


def set_received_on(assignment, day: date, actor_id: int, now: datetime) -> None:
    """The day the unit received the directive, as the unit or an admin says; the due time of a
    deadline counted from receipt follows it. Audited."""
    if day is None:
        raise ReceiptError("Vui lòng nhập ngày nhận văn bản.", "received_on")
    if day > now.date():
        raise ReceiptError("Ngày nhận văn bản không thể sau hôm nay.", "received_on")
    issued = assignment.task.directive.issued_from_day
    if issued and day < issued:
        raise ReceiptError(f"Ngày nhận văn bản không thể trước ngày ban hành ({issued:%d/%m/%Y}).", "received_on")
    if day == assignment.received_on:
        return
    with database.atomic():
        Assignment.update(received_on=day).where(Assignment.id == assignment.id).execute()
        set_due_times(assignment.task, assignment_ids=[assignment.id])
        fresh = Assignment.get_by_id(assignment.id)
        audit.record("update", "assignment", assignment.id, user_id=actor_id, unit_id=assignment.unit_id, at=now,
                     before=audit.snapshot(assignment, RECEIPT_FIELDS), after=audit.snapshot(fresh, RECEIPT_FIELDS),
                     summary=f"Sửa ngày nhận văn bản của giao việc #{assignment.id}")
    assignment.received_on, assignment.due_at, assignment.due_moved_from = day, fresh.due_at, fresh.due_moved_from


RECEIPT_FIELDS = ("received_on", "due_at", "due_moved_from")
