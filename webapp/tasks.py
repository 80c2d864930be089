"""Creating and editing tasks with their assignments (no Flask; used by the admin pages and the seed)."""
from datetime import date

from . import audit
from .clock import vietnam_now
from .db import database
from .occurrences import recurring_lead_assignments, refresh_status, rule_changed
from .models import ASSIGNMENT_ROLES, Assignment, Task, Update


class TaskError(ValueError):
    """A task change we refuse, with a Vietnamese message."""


def sync_assignments(task: Task, lead_units, cooperating_units, *, actor_id=None) -> None:
    """Make the task's assignments match the given units: one per unit, lead before cooperating.

    A unit that already reported on its assignment cannot be dropped: its history would be lost.
    Each assignment created, dropped or given another role is audited as done by actor_id.
    """
    wanted = {u.id: "lead" for u in lead_units}
    for u in cooperating_units:
        wanted.setdefault(u.id, "cooperating")
    due_at = task.rule.due_at()
    existing = {a.unit_id: a for a in Assignment.select().where(Assignment.task == task.id)}
    dropped = [a for uid, a in existing.items() if uid not in wanted]
    with_history = [a for a in dropped if Update.select().where(Update.assignment == a.id).exists()]
    if with_history:
        names = ", ".join(a.unit.name for a in with_history)
        raise TaskError(f"Không thể bỏ đơn vị đã cập nhật tiến độ: {names}.")
    with database.atomic():
        if dropped:
            Assignment.delete().where(Assignment.id.in_([a.id for a in dropped])).execute()
        for a in dropped:
            _audit_assignment(a, a, None, actor_id, f"Bỏ giao nhiệm vụ #{task.id} cho đơn vị")
        for unit_id, role in wanted.items():
            if unit_id in existing:
                a = existing[unit_id]
                if a.role != role:
                    Assignment.update(role=role).where(Assignment.id == a.id).execute()
                    _audit_assignment(a, {"role": a.role}, {"role": role}, actor_id,
                                      f"Đổi vai trò giao việc #{a.id} thành {ASSIGNMENT_ROLES[role].lower()}")
            else:
                a = Assignment.create(task=task.id, unit=unit_id, role=role, due_at=due_at)
                _audit_assignment(a, None, a, actor_id,
                                  f"Giao nhiệm vụ #{task.id} cho đơn vị ({ASSIGNMENT_ROLES[role].lower()})")
        # A one-off rule gives every assignment its due time; a recurring one takes it from the
        # occurrences (occurrences.refresh_status).
        if not task.rule.is_recurring:
            Assignment.update(due_at=due_at).where(Assignment.task == task.id).execute()


def _audit_assignment(assignment, before, after, actor_id, summary) -> None:
    """Log one assignment change against the assignment's own unit."""
    audit.record_change("assignment", assignment.id, before, after, user_id=actor_id,
                        unit_id=assignment.unit_id, summary=summary)


def save_task(task: Task, lead_units, cooperating_units, today: date | None = None, *,
              actor_id=None) -> Task:
    """Save a task and its assignments; an edited rule regenerates only future, unsubmitted occurrences.
    The task and assignment changes are audited as done by actor_id (None: the system)."""
    if not lead_units:
        raise TaskError("Nhiệm vụ phải có ít nhất một đơn vị chủ trì.")
    is_new = task.id is None
    try:
        return _save(task, lead_units, cooperating_units, today, is_new, actor_id)
    except Exception:
        if is_new:  # the insert was rolled back: the object must not keep its id
            task.id = None
        raise


def _save(task, lead_units, cooperating_units, today, is_new, actor_id):
    with database.atomic():
        old = None if is_new else Task.get_by_id(task.id)
        old_rule = None if old is None else old.rule
        task.save()
        audit.record_change("task", task.id, old, task, user_id=actor_id, unit_id=task.directive.issuer_id)
        sync_assignments(task, lead_units, cooperating_units, actor_id=actor_id)
        today = today or vietnam_now().date()
        if old_rule is not None and old_rule != task.rule:
            rule_changed(task, today)
        elif task.rule.is_recurring:
            refresh_status(recurring_lead_assignments().where(Assignment.task == task.id), today)
    return task
