"""The follow-up loop between the assigning unit and the units assigned (no Flask).

- Confirmation: a reported completion waits ("awaiting", with the time it was reported); the
  assigning unit confirms it (done as of the reported time) or returns it with a reason (back to in
  progress). Both are conditional UPDATEs on the awaiting state: of two deciders at once one wins,
  the other is told who decided and when (AlreadyDecided).
- Extensions (xin gia hạn): the assigned unit asks for a new date with a reason, one open request at
  a time (the database's partial unique index); the assigning unit approves (the new due time
  applies, the first original is kept) or refuses with a reason. For a recurring duty a request
  concerns one occurrence.
- Delegation (giao tiếp cho cấp dưới): the holder of an assignment passes it down to units of its
  own subtree as sub-assignments due no later than its own; it then confirms them and decides their
  extension requests, being their assigning unit.

Who may do what is decided by core/access; these functions trust the caller on that and check the
state. Every change writes an Update (the assignment's history) and audit entries in the same
transaction.
"""
from datetime import date, datetime

from peewee import JOIN, IntegrityError, fn

from ..db import database
from ..models import Assignment, Extension, Occurrence, Task, Unit, Update, User
from ..rules import followup as rules
from ..rules.deadlines import END_OF_DAY
from ..rules.input import InputError
from ..rules.progress import AWAITING, DONE, IN_PROGRESS
from . import audit, notifications
from .access import assigning_unit
from .occurrences import recurring_lead_assignments, refresh_status


class FollowupError(InputError):
    """A step of the loop we refuse, with a Vietnamese message (and the form field it concerns)."""


class AlreadyDecided(FollowupError):
    """Someone decided first: the message says who and when."""


AUDITED = ("state", "percent", "done_at", "reported_at", "due_at", "original_due_at", "version")


def _who(user_id) -> str:
    user = User.get_or_none(User.id == user_id)
    return user.full_name if user else "người khác"


def _log_update(assignment, update: Update, before: dict, after: dict, actor_id, now, summary) -> None:
    who = dict(user_id=actor_id, unit_id=assignment.unit_id, at=now)
    audit.record("create", "update", update.id, after=update, **who,
                 summary=f"{update.kind_label} giao việc #{assignment.id}")
    audit.record("update", "assignment", assignment.id, before=before, after=after, **who, summary=summary)


def _snapshot(assignment) -> dict:
    return audit.snapshot(assignment, AUDITED)


def _decision_message(assignment_id: int) -> str:
    """What happened to an assignment that is no longer awaiting, for the one who came second."""
    current = Assignment.get_by_id(assignment_id)
    last = (Update.select().where((Update.assignment == assignment_id)
                                  & Update.kind.in_(["confirmed", "returned", "progress"]))
            .order_by(Update.created_at.desc(), Update.id.desc()).first())
    if last is not None and last.kind == "confirmed" and current.state == DONE:
        return (f"Giao việc này đã được {_who(last.author_id)} xác nhận hoàn thành lúc "
                f"{last.created_at:%H:%M %d/%m/%Y}; không cần quyết định nữa.")
    if last is not None and last.kind == "returned":
        return (f"Giao việc này đã được {_who(last.author_id)} trả lại lúc {last.created_at:%H:%M %d/%m/%Y}; "
                "không cần quyết định nữa.")
    return f"Giao việc này không còn chờ xác nhận (nay là “{current.state_label}”)."


# --- Confirmation -----------------------------------------------------------------------------

def confirm(assignment: Assignment, actor_id: int, now: datetime, note: str = "") -> Update:
    """Confirm a reported completion: done as of the time it was reported."""
    if assignment.state != AWAITING:
        raise AlreadyDecided(_decision_message(assignment.id))
    note = (note or "").strip()[:2000]
    before = _snapshot(assignment)
    with database.atomic():
        changed = (Assignment.update(state=DONE, percent=100, done_at=Assignment.reported_at, updated_at=now,
                                     version=Assignment.version + 1)
                   .where((Assignment.id == assignment.id) & (Assignment.state == AWAITING)).execute())
        if changed != 1:
            raise AlreadyDecided(_decision_message(assignment.id))
        fresh = Assignment.get_by_id(assignment.id)
        update = Update.create(assignment=assignment.id, author=actor_id, created_at=now, kind="confirmed",
                               state=DONE, percent=100,
                               note=note or f"Xác nhận hoàn thành (báo cáo lúc {fresh.reported_at:%H:%M %d/%m/%Y}).")
        _log_update(assignment, update, before, _snapshot(fresh), actor_id, now,
                    f"Xác nhận hoàn thành giao việc #{assignment.id}")
        notifications.about_assignment("confirmed", fresh, "Đã được xác nhận hoàn thành", key=f"confirmed:{update.id}",
                                       now=now)
    return update


def _percent_before_report(assignment_id: int) -> int:
    """The percent the unit last reported while in progress (a returned completion goes back to it)."""
    last = (Update.select(Update.percent)
            .where((Update.assignment == assignment_id) & (Update.kind == "progress") & (Update.state == IN_PROGRESS))
            .order_by(Update.created_at.desc(), Update.id.desc()).first())
    return min(99, last.percent) if last else 0


def return_(assignment: Assignment, actor_id: int, reason: str, now: datetime) -> Update:
    """Return a reported completion with a reason: back to in progress, the reason in the history."""
    reason = rules.reason_text(reason, "reason", "lý do trả lại")
    if assignment.state != AWAITING:
        raise AlreadyDecided(_decision_message(assignment.id))
    percent = _percent_before_report(assignment.id)
    before = _snapshot(assignment)
    with database.atomic():
        changed = (Assignment.update(state=IN_PROGRESS, percent=percent, reported_at=None, done_at=None,
                                     updated_at=now, version=Assignment.version + 1)
                   .where((Assignment.id == assignment.id) & (Assignment.state == AWAITING)).execute())
        if changed != 1:
            raise AlreadyDecided(_decision_message(assignment.id))
        update = Update.create(assignment=assignment.id, author=actor_id, created_at=now, kind="returned",
                               state=IN_PROGRESS, percent=percent, note=reason)
        _log_update(assignment, update, before, _snapshot(Assignment.get_by_id(assignment.id)), actor_id, now,
                    f"Trả lại giao việc #{assignment.id}")
        notifications.about_assignment("returned", assignment, f"Bị trả lại (lý do: {reason})",
                                       key=f"returned:{update.id}", now=now)
    return update


# --- Extensions -------------------------------------------------------------------------------

def open_extension(assignment_id: int) -> Extension | None:
    return (Extension.select().where((Extension.assignment == assignment_id) & (Extension.state == "open"))
            .first())


def _parent_due(assignment) -> datetime | None:
    if not assignment.delegated_from_id:
        return None
    return Assignment.select(Assignment.due_at).where(Assignment.id == assignment.delegated_from_id).scalar()


def request_extension(assignment: Assignment, actor_id: int, day: date | None, reason: str, now: datetime,
                      occurrence: Occurrence | None = None) -> Extension:
    """Ask for a new due time; a request after the due time is allowed (and shown as such)."""
    reason = rules.reason_text(reason)
    recurring = assignment.task.rule.is_recurring
    if recurring:
        if occurrence is None or occurrence.assignment_id != assignment.id:
            raise FollowupError("Báo cáo định kỳ: hãy chọn kỳ báo cáo cần gia hạn.", "occurrence")
        if occurrence.submitted_at is not None:
            raise FollowupError("Kỳ báo cáo này đã nộp, không cần gia hạn.", "occurrence")
        current = occurrence.due_at
    else:
        if occurrence is not None:
            raise FollowupError("Việc này không có kỳ báo cáo.", "occurrence")
        if assignment.state in (AWAITING, DONE):
            raise FollowupError("Việc đã báo cáo hoàn thành, không cần gia hạn.")
        current = assignment.due_at
    new_due = rules.extension_due(day, current, _parent_due(assignment))
    if open_extension(assignment.id) is not None:
        raise FollowupError("Đã có một đề nghị gia hạn đang chờ quyết định: hãy chờ đơn vị giao việc trả lời.")
    late = " (xin sau khi đã quá hạn)" if now > current else ""
    try:
        with database.atomic():
            extension = Extension.create(assignment=assignment.id, occurrence=occurrence.id if occurrence else None,
                                         requested_by=actor_id, requested_at=now, due_before=current,
                                         due_requested=new_due, reason=reason)
            what = f" kỳ hạn {current:%H:%M %d/%m/%Y}" if occurrence else ""
            update = Update.create(assignment=assignment.id, author=actor_id, created_at=now,
                                   kind="extension_requested", state=assignment.state, percent=assignment.percent,
                                   note=f"Xin gia hạn{what} đến {new_due:%d/%m/%Y}{late}: {reason}")
            who = dict(user_id=actor_id, unit_id=assignment.unit_id, at=now)
            audit.record("create", "extension", extension.id, after=extension, **who,
                         summary=f"Xin gia hạn giao việc #{assignment.id} đến {new_due:%d/%m/%Y}{late}")
            audit.record("create", "update", update.id, after=update, **who,
                         summary=f"Xin gia hạn giao việc #{assignment.id}")
            notifications.about_assignment(
                "extension", assignment, f"{assignment.unit.name} xin gia hạn{what} đến {new_due:%d/%m/%Y}{late}",
                key=f"extension_requested:{extension.id}", now=now, to_unit=assigning_unit(assignment).id)
    except IntegrityError:
        # Two requests at once: the partial unique index let only one stay open.
        raise FollowupError("Đã có một đề nghị gia hạn đang chờ quyết định: hãy chờ đơn vị giao việc trả lời.") \
            from None
    return extension


def _extension_decided_message(extension_id: int) -> str:
    ext = Extension.get_by_id(extension_id)
    verb = "đồng ý" if ext.state == "approved" else "không đồng ý"
    return (f"Đề nghị gia hạn này đã được {_who(ext.decided_by_id)} {verb} lúc {ext.decided_at:%H:%M %d/%m/%Y}; "
            "không cần quyết định nữa.")


def decide_extension(extension: Extension, actor_id: int, approve: bool, note: str, now: datetime) -> Extension:
    """Approve (the new due time applies, the original is kept) or refuse with a reason."""
    if not approve:
        note = rules.reason_text(note, "note", "lý do không đồng ý")
    note = (note or "").strip()[:2000]
    if extension.state != "open":
        raise AlreadyDecided(_extension_decided_message(extension.id))
    assignment = Assignment.select(Assignment, Task).join(Task).where(Assignment.id == extension.assignment_id).get()
    if approve:  # the parent's due time may have changed since the request
        rules.extension_due(extension.due_requested.date(), extension.due_before, _parent_due(assignment))
    before = _snapshot(assignment)
    state = "approved" if approve else "refused"
    with database.atomic():
        changed = (Extension.update(state=state, decided_by=actor_id, decided_at=now, decision_note=note)
                   .where((Extension.id == extension.id) & (Extension.state == "open")).execute())
        if changed != 1:
            raise AlreadyDecided(_extension_decided_message(extension.id))
        if approve:
            _apply_extension(extension, assignment, now)
        fresh = Assignment.get_by_id(assignment.id)
        new = f"{extension.due_requested:%d/%m/%Y}"
        text = (f"Đồng ý gia hạn đến {new}." if approve else f"Không đồng ý gia hạn đến {new}.")
        update = Update.create(assignment=assignment.id, author=actor_id, created_at=now,
                               kind=f"extension_{state}", state=fresh.state, percent=fresh.percent,
                               note=f"{text} {note}".strip())
        who = dict(user_id=actor_id, unit_id=assignment.unit_id, at=now)
        audit.record("update", "extension", extension.id, **who, before={"state": "open"},
                     after={"state": state, "decided_by": actor_id, "decided_at": now, "decision_note": note},
                     summary=f"{'Đồng ý' if approve else 'Không đồng ý'} gia hạn giao việc #{assignment.id}")
        _log_update(assignment, update, before, _snapshot(fresh), actor_id, now,
                    f"Quyết định gia hạn giao việc #{assignment.id}")
        decided = (f"Được gia hạn đến {new}" if approve
                   else f"Không được gia hạn đến {new}" + (f" (lý do: {note})" if note else ""))
        notifications.about_assignment("extension", assignment, decided, key=f"extension_decided:{extension.id}",
                                       now=now)
    return Extension.get_by_id(extension.id)


def _apply_extension(extension: Extension, assignment: Assignment, now: datetime) -> None:
    if extension.occurrence_id:
        occurrence = Occurrence.get_by_id(extension.occurrence_id)
        if occurrence.submitted_at is not None:
            raise FollowupError("Kỳ báo cáo này đã được nộp trong lúc chờ quyết định; không cần gia hạn nữa.")
        clash = (Occurrence.select().where((Occurrence.assignment == assignment.id)
                                           & (Occurrence.due_at == extension.due_requested)).exists())
        if clash:
            raise FollowupError("Đã có một kỳ báo cáo khác đến hạn đúng lúc đó; hãy chọn ngày khác.")
        (Occurrence.update(due_at=extension.due_requested,
                           original_due_at=fn.COALESCE(Occurrence.original_due_at, Occurrence.due_at))
         .where(Occurrence.id == occurrence.id).execute())
        refresh_status(recurring_lead_assignments().where(Assignment.id == assignment.id), now.date())
        Assignment.update(version=Assignment.version + 1).where(Assignment.id == assignment.id).execute()
        return
    (Assignment.update(due_at=extension.due_requested,
                       original_due_at=fn.COALESCE(Assignment.original_due_at, Assignment.due_at),
                       updated_at=now, version=Assignment.version + 1)
     .where(Assignment.id == assignment.id).execute())


# --- Delegation -------------------------------------------------------------------------------

def delegate(parent: Assignment, units: list[Unit], day: date | None, instructions: str, actor_id: int,
             now: datetime) -> list[Assignment]:
    """Split an assignment into sub-assignments for units of its holder's subtree, due no later
    than its own (its own due time when left blank)."""
    if parent.task.rule.is_recurring:
        raise FollowupError("Báo cáo định kỳ không giao tiếp cho cấp dưới được: mỗi kỳ do đơn vị được giao nộp.")
    if parent.state in (AWAITING, DONE):
        raise FollowupError("Việc đã báo cáo hoàn thành nên không giao tiếp cho cấp dưới được nữa.")
    if not units:
        raise FollowupError("Chọn ít nhất một đơn vị cấp dưới.", "units")
    holder = Unit.get_by_id(parent.unit_id)
    if message := rules.delegation_targets_error(holder.path, [(u.name, u.path) for u in units]):
        raise FollowupError(message, "units")
    due = rules.child_due(day, parent.due_at)
    instructions = (instructions or "").strip()
    if len(instructions) > 5000:
        raise FollowupError("Nội dung giao thêm tối đa 5.000 ký tự.", "instructions")
    taken = (Assignment.select(Assignment, Unit).join(Unit)
             .where((Assignment.task == parent.task_id) & Assignment.unit.in_([u.id for u in units])))
    if names := [a.unit.name for a in taken]:
        raise FollowupError("Đơn vị đã được giao nhiệm vụ này: " + "; ".join(names) + ".", "units")
    children = []
    try:
        with database.atomic():
            for unit in sorted(units, key=lambda u: u.sort_name):
                child = Assignment.create(task=parent.task_id, unit=unit.id, role="lead", due_at=due, delegated_from=parent.id,
                                          assigned_by=parent.unit_id, instructions=instructions, updated_at=now)
                audit.record("create", "assignment", child.id, user_id=actor_id, unit_id=unit.id, after=child, at=now,
                             summary=f"Giao tiếp giao việc #{parent.id} cho {unit.name} (giao việc #{child.id})")
                children.append(child)
            due_text = f"hạn {due:%d/%m/%Y}" + (f" {due:%H:%M}" if due and due.time() != END_OF_DAY else "") \
                if due else "không có hạn"
            update = Update.create(assignment=parent.id, author=actor_id, created_at=now, kind="delegated",
                                   state=parent.state, percent=parent.percent,
                                   note=f"Giao cho {len(units)} đơn vị cấp dưới ({due_text}): "
                                        + "; ".join(u.name for u in sorted(units, key=lambda u: u.sort_name)))
            audit.record("create", "update", update.id, user_id=actor_id, unit_id=parent.unit_id, after=update, at=now,
                         summary=f"Giao tiếp giao việc #{parent.id} cho {len(units)} đơn vị")
            for child in children:
                notifications.about_assignment("delegated", child, f"{holder.name} giao cho đơn vị ({due_text})",
                                               key=f"delegated:{child.id}", now=now)
    except IntegrityError:  # another delegation of the same task to one of them, just now
        raise FollowupError("Một đơn vị vừa được giao nhiệm vụ này; hãy tải lại trang.", "units") from None
    return children


def children_of(assignment_id: int):
    """The sub-assignments passed down from an assignment, with their units."""
    return (Assignment.select(Assignment, Unit).join(Unit)
            .where(Assignment.delegated_from == assignment_id).order_by(Unit.sort_name))


def chain_up(assignment: Assignment) -> list[Assignment]:
    """Where an assignment came from: its parent, the parent's parent…, nearest first."""
    chain, seen = [], {assignment.id}
    parent_id = assignment.delegated_from_id
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        parent = (Assignment.select(Assignment, Unit).join(Unit, JOIN.INNER)
                  .where(Assignment.id == parent_id).first())
        if parent is None:
            break
        chain.append(parent)
        parent_id = parent.delegated_from_id
    return chain
