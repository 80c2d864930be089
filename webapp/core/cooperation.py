"""Cooperation (phối hợp): what a cooperating unit owes the task's lead unit, and the lead asking for it.

A partner sends inputs (a note, figures as text, a file), kept as its history; the lead unit asks a
partner (again), optionally setting the date it wants the input by. A cooperation counts as sent
once an input came after the last request. No Flask; every write is audited.
"""
from datetime import date, datetime

from peewee import Case, fn

from ..db import database
from ..models import (
    Assignment,
    Cooperation,
    CooperationInput,
    Directive,
    Task,
    Unit,
    User,
)
from ..rules.followup import due_on
from ..rules.input import InputError
from . import audit


class CooperationError(InputError):
    """A cooperation step we refuse, with a Vietnamese message and the field it concerns."""


def sent_condition(model=Cooperation):
    """SQL: an input came after the last time the lead asked."""
    return model.answered_at.is_null(False) & (model.asked_again_at.is_null()
                                               | (model.answered_at >= model.asked_again_at))


def owed_label(cooperation, now: datetime) -> str:
    """How the partner stands: sent, owed, owed past the lead's date."""
    if cooperation.sent:
        return "Đã gửi"
    if cooperation.due_at is not None and now > cooperation.due_at:
        return "Chưa gửi, quá hạn"
    return "Chưa gửi"


def send_input(cooperation: Cooperation, actor_id: int, note: str, figures: str, evidence, now: datetime):
    """Record a partner's input; it answers every request made before it."""
    note, figures = (note or "").strip(), (figures or "").strip()
    if not (note or figures or evidence):
        raise CooperationError("Vui lòng ghi ý kiến, số liệu hoặc kèm tệp.", "note")
    with database.atomic():
        row = CooperationInput.create(
            cooperation=cooperation.id, kind="input", author=actor_id, created_at=now, note=note, figures=figures,
            evidence_name=evidence.original_name if evidence else None,
            evidence_path=evidence.stored_name if evidence else None,
            evidence_size=evidence.size if evidence else None)
        Cooperation.update(answered_at=now).where(Cooperation.id == cooperation.id).execute()
        audit.record("create", "cooperation_input", row.id, user_id=actor_id, unit_id=cooperation.unit_id, at=now,
                     after=row, summary=f"Gửi ý kiến phối hợp #{cooperation.id} (nhiệm vụ #{cooperation.task_id})")
    return row


def ask(cooperation: Cooperation, actor_id: int, day: date | None, note: str, now: datetime):
    """The lead asks the partner for its input (again), optionally by a date: the partner owes it
    until it sends one after this request."""
    note = (note or "").strip()
    due = due_on(day, None) if day else cooperation.due_at
    if day is not None and due <= now:
        raise CooperationError("Hạn gửi phải sau thời điểm hiện tại.", "day")
    before = audit.snapshot(cooperation, ("due_at", "asked_again_at"))
    text = note or "Đề nghị đơn vị gửi ý kiến, kết quả phối hợp."
    if day is not None:
        text += f" Hạn gửi: {due:%d/%m/%Y}."
    with database.atomic():
        row = CooperationInput.create(cooperation=cooperation.id, kind="asked", author=actor_id, created_at=now,
                                      note=text)
        Cooperation.update(asked_again_at=now, due_at=due).where(Cooperation.id == cooperation.id).execute()
        audit.record("update", "cooperation", cooperation.id, user_id=actor_id, unit_id=cooperation.unit_id, at=now,
                     before=before, after={"due_at": due, "asked_again_at": now},
                     summary=f"Đề nghị đơn vị phối hợp gửi ý kiến (phối hợp #{cooperation.id})")
    return row


def with_task_and_unit():
    """Cooperations with their task, directive and unit joined."""
    return Cooperation.select(Cooperation, Task, Directive, Unit).join(Task).join(Directive).switch(Cooperation).join(Unit)


def for_task(task_id: int):
    return (Cooperation.select(Cooperation, Unit).join(Unit)
            .where(Cooperation.task == task_id).order_by(Unit.sort_name))


def inputs_of(cooperation_ids):
    """Every input and request of some cooperations, newest first."""
    if not cooperation_ids:
        return []
    return list(CooperationInput.select(CooperationInput, User).join(User)
                .where(CooperationInput.cooperation.in_(list(cooperation_ids)))
                .order_by(CooperationInput.created_at.desc(), CooperationInput.id.desc()))


def sent_counts(query_condition, group_by):
    """(key, asked, sent) rows: cooperations matching a condition, grouped by one column."""
    sent = fn.SUM(Case(None, [(sent_condition(), 1)], 0))
    return (Cooperation.select(group_by.alias("key"), fn.COUNT(Cooperation.id).alias("asked"), sent.alias("sent"))
            .join(Task).switch(Cooperation).join(Unit)
            .where(query_condition).group_by(group_by).dicts())


def lead_assignment_for(cooperation: Cooperation, unit_id: int):
    """The directive-level assignment of the task held by a unit (to link a partner to its lead)."""
    return (Assignment.select().where((Assignment.task == cooperation.task_id) & (Assignment.unit == unit_id)
                                      & Assignment.delegated_from.is_null()).first())
