"""Directives and their tasks with one assignment per lead unit and one cooperation per cooperating
unit: saving, deleting, and what a delete would touch (no Flask; used by the admin pages and the seed)."""
from datetime import datetime

from peewee import fn

from ..db import database
from ..models import (
    Assignment,
    Cooperation,
    CooperationInput,
    Directive,
    IndicatorSet,
    Occurrence,
    Task,
    Update,
)
from ..rules.deadlines import FROM_ISSUE
from ..rules.input import InputError
from . import audit, notifications, uploads
from .occurrences import recurring_lead_assignments, refresh_status, rule_changed
from .workdays import recompute_due_times, set_due_times


class TaskError(InputError):
    """A directive or task change we refuse, with a Vietnamese message."""


# --- Directives -------------------------------------------------------------------------------

# Changing these moves the due times of the directive's one-off tasks.
DUE_INPUTS = ("issued_on", "issued_precision", "shift_days_off")


def save_directive(directive: Directive, fields: dict, *, now: datetime, actor_id=None) -> Directive:
    """Create or update a directive with the form's fields; audited as done by actor_id. A new issue
    date or Điều 148 switch recomputes the due times of its tasks."""
    before = None if directive.id is None else audit.snapshot(directive)
    with database.atomic():
        for name, value in fields.items():
            setattr(directive, name, value)
        if directive.created_at is None:
            directive.created_at = now
        directive.save()
        audit.record_change("directive", directive.id, before, directive, user_id=actor_id,
                            unit_id=directive.issuer_id, at=now)
        after = audit.snapshot(directive)
        if before is not None and any(before.get(f) != after.get(f) for f in DUE_INPUTS):
            recompute_due_times(now.date(), directive_id=directive.id)
    return directive


HISTORY_KEPT = ("{what} đã có {n} lần cập nhật tiến độ hoặc nộp báo cáo của đơn vị; lịch sử phải được "
                "lưu giữ nên không thể xóa.")


def _history_count(task_condition) -> int:
    """Updates, submitted reports and partners' inputs: what a delete would erase from the record."""
    updates = Update.select().join(Assignment).join(Task).where(task_condition).count()
    submitted = (Occurrence.select().join(Assignment).join(Task)
                 .where(task_condition & Occurrence.submitted_at.is_null(False)).count())
    inputs = (CooperationInput.select().join(Cooperation).join(Task)
              .where(task_condition & (CooperationInput.kind == "input")).count())
    return updates + submitted + inputs


def footprint(task_condition) -> dict:
    """How many tasks and assignments a delete would touch, and how much history forbids it."""
    return {
        "tasks": Task.select().where(task_condition).count(),
        "assignments": Assignment.select().join(Task).where(task_condition).count(),
        "cooperations": Cooperation.select().join(Task).where(task_condition).count(),
        "updates": _history_count(task_condition),
    }


def directive_footprint(directive: Directive) -> dict:
    return footprint(Task.directive == directive.id)


def task_footprint(task: Task) -> dict:
    return footprint(Task.id == task.id)


def delete_directive(directive: Directive, *, now: datetime, actor_id=None) -> None:
    """Delete a directive with its tasks and assignments, unless any unit has reported on it.
    Each deleted object is audited with its last values."""
    n = _history_count(Task.directive == directive.id)
    if n:
        raise TaskError(HISTORY_KEPT.format(what="Văn bản này", n=n))
    indicator_set = IndicatorSet.select().where(IndicatorSet.directive == directive.id).first()
    if indicator_set is not None:
        raise TaskError(f"Văn bản này có bộ chỉ tiêu «{indicator_set.name}»; hãy xóa bộ chỉ tiêu trước "
                        "(quản trị · Bộ chỉ tiêu).")
    with database.atomic():
        tasks = list(Task.select().where(Task.directive == directive.id))
        _delete_tasks(tasks, directive.issuer_id, actor_id, now)
        directive.delete_instance()
        audit.record("delete", "directive", directive.id, user_id=actor_id, unit_id=directive.issuer_id,
                     before=directive, at=now)


def delete_task(task: Task, *, now: datetime, actor_id=None) -> None:
    """Delete a task with its assignments, unless any unit has reported on it; audited."""
    n = _history_count(Task.id == task.id)
    if n:
        raise TaskError(HISTORY_KEPT.format(what="Nhiệm vụ này", n=n))
    with database.atomic():
        _delete_tasks([task], task.directive.issuer_id, actor_id, now)


def _delete_tasks(tasks: list, issuer_id: int, actor_id, now) -> None:
    """Delete tasks with their assignments and cooperations, recording each one's last values."""
    task_ids = [t.id for t in tasks]
    assignments = list(Assignment.select().where(Assignment.task.in_(task_ids))) if task_ids else []
    cooperations = list(Cooperation.select().where(Cooperation.task.in_(task_ids))) if task_ids else []
    if task_ids:
        # Children first: a sub-assignment points at its parent.
        Assignment.delete().where(Assignment.task.in_(task_ids) & Assignment.delegated_from.is_null(False)).execute()
        Assignment.delete().where(Assignment.task.in_(task_ids)).execute()
        Cooperation.delete().where(Cooperation.task.in_(task_ids)).execute()
        Task.delete().where(Task.id.in_(task_ids)).execute()
    for a in assignments:
        audit.record("delete", "assignment", a.id, user_id=actor_id, unit_id=a.unit_id, before=a, at=now,
                     summary=f"Xóa giao việc #{a.id} (cùng nhiệm vụ #{a.task_id})")
    for c in cooperations:
        audit.record("delete", "cooperation", c.id, user_id=actor_id, unit_id=c.unit_id, before=c, at=now,
                     summary=f"Xóa phối hợp #{c.id} (cùng nhiệm vụ #{c.task_id})")
    for t in tasks:
        audit.record("delete", "task", t.id, user_id=actor_id, unit_id=issuer_id, before=t, at=now)


# --- Tasks and their assignments --------------------------------------------------------------

def next_position(directive: Directive) -> int:
    last = Task.select(fn.MAX(Task.position)).where(Task.directive == directive.id).scalar()
    return (last or 0) + 1


def reported_unit_ids(task: Task) -> set[int]:
    """Units that have reported on the task (progress, or a partner's input): they cannot be taken off it."""
    rows = (Assignment.select(Assignment.unit).join(Update).where(Assignment.task == task.id)
            .distinct().tuples())
    partners = (Cooperation.select(Cooperation.unit).join(CooperationInput)
                .where((Cooperation.task == task.id) & (CooperationInput.kind == "input")).distinct().tuples())
    return {unit_id for (unit_id,) in rows} | {unit_id for (unit_id,) in partners}


def sync_assignments(task: Task, lead_units, cooperating_units, *, now: datetime, actor_id=None) -> None:
    """Make the task's directive-level assignments match the lead units (one each), and its
    cooperations the cooperating units (one each; a lead unit is not also a partner).

    Sub-assignments passed down by a unit are that unit's business and are left alone. A unit that
    reported (progress, or a partner's input) or passed its assignment down cannot be dropped or
    switched between lead and cooperating: its history would be lost. Each assignment and cooperation
    created or dropped is audited as done by actor_id.
    """
    lead_ids = [u.id for u in lead_units]
    coop_ids = [u.id for u in cooperating_units if u.id not in set(lead_ids)]
    everyone = {a.unit_id: a for a in Assignment.select().where(Assignment.task == task.id)}
    existing = {uid: a for uid, a in everyone.items() if a.delegated_from_id is None}
    passed_down = [a for uid, a in everyone.items() if a.delegated_from_id is not None and uid in set(lead_ids + coop_ids)]
    if passed_down:
        names = ", ".join(a.unit.name for a in passed_down)
        raise TaskError(f"Đơn vị đã được cấp trên giao tiếp nhiệm vụ này: {names}.")
    partners = {c.unit_id: c for c in Cooperation.select().where(Cooperation.task == task.id)}
    dropped = [a for uid, a in existing.items() if uid not in lead_ids]
    dropped_partners = [c for uid, c in partners.items() if uid not in coop_ids]
    reported = reported_unit_ids(task)
    with_children = {a.delegated_from_id for a in everyone.values() if a.delegated_from_id is not None}
    locked = ([a.unit.name for a in dropped if a.unit_id in reported or a.id in with_children]
              + [c.unit.name for c in dropped_partners if c.unit_id in reported])
    if locked:
        raise TaskError(f"Không thể bỏ đơn vị đã cập nhật tiến độ, gửi ý kiến phối hợp hoặc đã giao tiếp cho "
                        f"cấp dưới: {', '.join(locked)}.")

    def log(kind, obj, before, after, summary):
        audit.record_change(kind, obj.id, before, after, user_id=actor_id, unit_id=obj.unit_id, at=now,
                            summary=summary)

    created = []
    with database.atomic():
        if dropped:
            Assignment.delete().where(Assignment.id.in_([a.id for a in dropped])).execute()
        for a in dropped:
            log("assignment", a, a, None, f"Bỏ giao nhiệm vụ #{task.id} cho đơn vị (chủ trì)")
        if dropped_partners:
            Cooperation.delete().where(Cooperation.id.in_([c.id for c in dropped_partners])).execute()
        for c in dropped_partners:
            log("cooperation", c, c, None, f"Bỏ đơn vị phối hợp nhiệm vụ #{task.id}")
        for unit_id in lead_ids:
            if unit_id not in existing:
                # The unit receives the directive the day it is assigned, unless it says otherwise.
                created.append(Assignment.create(task=task.id, unit=unit_id, role="lead", received_on=now.date()))
        for unit_id in coop_ids:
            if unit_id not in partners:
                c = Cooperation.create(task=task.id, unit=unit_id, requested_at=now)
                log("cooperation", c, None, c, f"Đề nghị đơn vị phối hợp thực hiện nhiệm vụ #{task.id}")
        # A one-off rule gives the directive's assignments their due time, computed with the
        # working-day calendar (an extended one keeps the later of its extension and the rule);
        # a recurring one takes it from the occurrences (occurrences.refresh_status).
        set_due_times(task)
        if created:
            fresh = Assignment.select().where(Assignment.id.in_([a.id for a in created]))
            for a in fresh:
                log("assignment", a, None, a, f"Giao nhiệm vụ #{task.id} cho đơn vị (chủ trì)")
            notifications.new_assignments(list(fresh), task, now)


def save_task(task: Task, lead_units, cooperating_units, *, now: datetime, actor_id=None) -> Task:
    """Save a task, its assignments and cooperations; an edited rule regenerates only future,
    unsubmitted occurrences. A unit that leads is not also listed as cooperating. The task and assignment changes are
    audited as done by actor_id (None: the system)."""
    if not lead_units:
        raise TaskError("Nhiệm vụ phải có ít nhất một đơn vị chủ trì.", "lead_units")
    rule = task.rule
    if rule.is_relative and rule.counted_from == FROM_ISSUE and task.directive.issued_from_day is None:
        raise TaskError("Văn bản chưa có ngày ban hành đủ ngày, tháng, năm nên không tính được hạn kể từ ngày "
                        "ban hành: hãy chọn “kể từ ngày nhận văn bản” hoặc sửa ngày ban hành của văn bản.",
                        "counted_from")
    lead_ids = {u.id for u in lead_units}
    cooperating_units = [u for u in cooperating_units if u.id not in lead_ids]
    is_new = task.id is None
    try:
        return _save(task, lead_units, cooperating_units, now, is_new, actor_id)
    except Exception:
        if is_new:  # the insert was rolled back: the object must not keep its id
            task.id = None
        raise


def _save(task, lead_units, cooperating_units, now, is_new, actor_id):
    with database.atomic():
        old = None if is_new else Task.get_by_id(task.id)
        old_rule = None if old is None else old.rule
        if task.created_at is None:
            task.created_at = now
        task.save()
        audit.record_change("task", task.id, old, task, user_id=actor_id, unit_id=task.directive.issuer_id, at=now)
        sync_assignments(task, lead_units, cooperating_units, now=now, actor_id=actor_id)
        if old_rule is not None and old_rule != task.rule:
            rule_changed(task, now.date())
        elif task.rule.is_recurring:
            refresh_status(recurring_lead_assignments().where(Assignment.task == task.id), now.date())
    return task


def store_task(task: Task, fields: dict, leads, cooperating, *, now: datetime, actor_id=None) -> Task:
    """Set the task's fields and save it with one assignment per unit (see save_task)."""
    for name, value in fields.items():
        setattr(task, name, value)
    return save_task(task, leads, cooperating, now=now, actor_id=actor_id)


# --- A directive with all its tasks at once (read from its document, reviewed) -------------------

class TaskRowError(InputError):
    """A task of a directive saved whole was refused: `index` is its place in the list."""

    def __init__(self, index: int, error: InputError):
        super().__init__(str(error), error.field)
        self.index = index


def create_directive_with_tasks(fields: dict, tasks: list[tuple[dict, list, list]], *, now: datetime,
                                actor_id=None, attachment: dict | None = None, upload_dir: str | None = None
                                ) -> Directive:
    """Create a directive and its tasks (fields, lead units, cooperating units) in one transaction,
    each task through store_task, as if entered one by one; positions follow the list. The document
    kept aside (attachment: stored_name, name, size) becomes the directive's attachment. A refused
    task raises TaskRowError and nothing at all is saved."""
    final = uploads.claim_pending(attachment["stored_name"], upload_dir) if attachment else None
    try:
        with database.atomic():
            directive = Directive()
            if final:
                fields = {**fields, "attachment_name": attachment["name"], "attachment_path": final,
                          "attachment_size": attachment["size"]}
            save_directive(directive, fields, now=now, actor_id=actor_id)
            for index, (task_fields, leads, cooperating) in enumerate(tasks):
                try:
                    store_task(Task(directive=directive), {**task_fields, "position": index + 1}, leads, cooperating,
                               now=now, actor_id=actor_id)
                except InputError as exc:
                    raise TaskRowError(index, exc) from exc
    except Exception:
        if final:
            uploads.unclaim(final, attachment["stored_name"], upload_dir)
        raise
    return directive
