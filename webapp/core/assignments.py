"""Assignments: the lists a user may read, counts per status class in SQL, and posting progress."""
from datetime import date, datetime, timedelta

from peewee import JOIN, SQL, Case, fn

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


class UpdateRefused(InputError):
    """An update the progress rule does not allow (rules.progress.ProgressRefused), or a recurring
    duty reported through the generic form instead of its occurrences."""


def status_case(now, due_soon_days, model=Assignment):
    """The SQL twin of rules.status.classify, so lists can be filtered and counted in the database.
    `model` may be an alias of Assignment."""
    return class_case(model, now, now + timedelta(days=due_soon_days))


def class_case(model, moment, soon):
    """rules.status.classify in SQL at `moment` (a value or a column), `soon` = moment + due-soon days."""
    done = model.done_at.is_null(False) & (model.done_at <= moment)
    reported_in_time = (model.reported_at.is_null(False) & (model.reported_at <= moment)
                        & (model.reported_at <= model.due_at))
    return Case(None, [
        (done & (model.due_at.is_null() | (model.done_at <= model.due_at)), status.DONE_ON_TIME),
        (done, status.DONE_LATE),
        (model.due_at.is_null(), status.NOT_DUE),
        (reported_in_time, status.NOT_DUE),
        (model.due_at < moment, status.OVERDUE),
        (model.due_at <= soon, status.DUE_SOON),
    ], status.NOT_DUE)


def existed_by(moment: datetime):
    """The tasks that existed at a moment, for counts "as of" it: those of directives issued by then
    (a directive is often entered days after it is signed, so its entry time does not count), or,
    for a directive with no issue date yet, tasks entered by then. Needs Task and Directive joined."""
    return ((Directive.issued_on.is_null(False) & (Directive.issued_on <= moment.date()))
            | (Directive.issued_on.is_null() & (Task.created_at <= moment)))


def in_view(root, delegated=False):
    """No double counting: the assignments of the units in view are those passed to them from
    outside the subtree looked at (the directive's own assignments, or a delegation by a unit above
    `root`); what a unit of the subtree passed down inside it is its own work split up, shown when a
    unit is expanded (`delegated`: exactly those). root None: the whole tree.

    Written with COALESCE so that no index of the two columns is taken for it: nearly every row
    qualifies, and the lists walk the index of their order instead (LIST_ORDER)."""
    assigner = fn.COALESCE(Assignment.assigned_by, 0)
    if root is None:
        return (assigner != 0) if delegated else (assigner == 0)
    inside = Assignment.assigned_by.in_(subtree_unit_ids(root))
    return inside if delegated else ((assigner == 0) | ~inside)


def view_root(user, unit=None):
    """The unit a list or count is looked at from: the chosen unit, else the user's (admins: none)."""
    return unit if unit is not None else (None if user.is_admin else user.unit)


def scoped(user, unit=None, directive_id=None, delegated=False):
    """Assignments the user may read, joined to task, directive and unit, optionally narrowed, each
    counted once (in_view)."""
    query = (Assignment.select(Assignment, Task, Directive, Unit)
             .join(Task).join(Directive)
             .switch(Assignment).join(Unit)
             .where(assignment_scope(user) & in_view(view_root(user, unit), delegated)))
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


# The lists' order, undone first, the earliest due first, no due date last: its first three keys are
# the index assignment_list_order (migration 10), which a page walks and stops after 50 rows.
DONE_KEY = Assignment.done_at.is_null(False)
NO_DUE_KEY = Assignment.due_at.is_null()


def filtered(query, status_class, now, due_soon_days):
    """Narrowed to a status class (as of now), in the lists' order. Each class also gets a condition
    the index can seek with, which the class implies: done classes lie in the index's done half,
    "due soon" between now and the due-soon limit."""
    tail = (Assignment.due_at, Task.position, Unit.sort_name)
    if status_class not in status.CLASSES:
        return query.order_by(DONE_KEY, NO_DUE_KEY, *tail)
    query = query.where(status_case(now, due_soon_days) == status_class)
    if status_class in status.DONE_CLASSES:
        # Every row has the first key: leaving it out lets the index give the rest of the order.
        return query.where(DONE_KEY == True).order_by(NO_DUE_KEY, *tail)  # noqa: E712
    if status_class == status.DUE_SOON:
        query = query.where(Assignment.due_at.between(now, now + timedelta(days=due_soon_days)))
    return query.order_by(DONE_KEY, NO_DUE_KEY, *tail)


def get_assignment(assignment_id):
    """An assignment with its task, directive, issuer, unit and assigning unit, in one query."""
    issuer = Unit.alias()
    assigner = Unit.alias()
    return (Assignment.select(Assignment, Task, Directive, Unit, issuer, assigner)
            .join(Task).join(Directive).join(issuer, on=(Directive.issuer == issuer.id), attr="issuer")
            .switch(Assignment).join(Unit, on=(Assignment.unit == Unit.id))
            .switch(Assignment).join(assigner, JOIN.LEFT_OUTER, on=(Assignment.assigned_by == assigner.id),
                                     attr="assigned_by")
            .where(Assignment.id == assignment_id).first())


def urgings(assignment) -> list:
    """The urging letters that named this assignment, the latest first."""
    return list(UrgingLetter.select(UrgingLetter, UrgingItem.due_at.alias("item_due"),
                                    UrgingItem.days_overdue.alias("item_days"))
                .join(UrgingItem).where(UrgingItem.assignment == assignment.id)
                .order_by(UrgingLetter.letter_date.desc(), UrgingLetter.id.desc()).objects())


def post_update(assignment, seen_version, author, state, percent, note, evidence, now) -> Update:
    """Record an update and move the assignment to its new state (rules.progress), unless someone
    changed it since the version the author saw. A blank percent (None) keeps the current one.
    "Done" waits for the assigning unit's confirmation when the directive needs it (core/followup)."""
    if assignment.version != seen_version:
        raise UpdateConflict()
    if assignment.task.rule.is_recurring:
        raise UpdateRefused("Việc định kỳ được báo cáo theo từng kỳ trong bảng “Các kỳ báo cáo”.")
    current = progress.Progress(assignment.state, assignment.percent, assignment.done_at, assignment.reported_at)
    try:
        after = progress.next_progress(current, state, percent, False, now,
                                       needs_confirmation=assignment.task.directive.needs_confirmation)
    except progress.ProgressRefused as exc:
        raise UpdateRefused(str(exc), "state") from None
    values = dict(state=after.state, percent=after.percent, done_at=after.done_at, reported_at=after.reported_at)
    with database.atomic():
        changed = (Assignment.update(**values, updated_at=now, version=Assignment.version + 1)
                   .where((Assignment.id == assignment.id) & (Assignment.version == seen_version))
                   .execute())
        if changed != 1:
            raise UpdateConflict()
        update = Update.create(
            assignment=assignment.id, author=author, created_at=now, kind="progress", state=after.state,
            percent=after.percent, note=note, evidence_name=evidence.original_name if evidence else None,
            evidence_path=evidence.stored_name if evidence else None,
            evidence_size=evidence.size if evidence else None)
        _audit_update(assignment, Assignment(**values, updated_at=now, version=seen_version + 1), update, author, now)
        return update


AUDITED_PROGRESS = ("state", "percent", "done_at", "reported_at", "updated_at", "version")


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
