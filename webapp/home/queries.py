"""Reads for the unit home: the list's extra filters (due range, follow-up marks), what waits for the
user's decision, the unit's cooperations, and the decisions on its work lately."""
from datetime import date, datetime, time, timedelta

from peewee import fn

from ..core.access import assignment_scope, cooperation_scope, decidable
from ..core.assignments import view_root
from ..core.cooperation import sent_condition
from ..core.units import subtree_unit_ids
from ..models import (
    Assignment,
    Cooperation,
    Directive,
    Extension,
    Task,
    Unit,
    Update,
    User,
)
from ..rules import status
from ..rules.progress import AWAITING

FLAGS = {"awaiting": "Chờ xác nhận", "extended": "Đã gia hạn", "returned": "Bị trả lại",
         "extension": "Có xin gia hạn"}
DECISIONS = ("confirmed", "returned", "extension_approved", "extension_refused")
RECENT_DAYS = 30


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def narrow(query, args, now, due_soon_days):
    """The scorecard's links: due in a range (ISO days), "late" (done late or overdue), and the
    follow-up marks; returned and extension requests counted in the since..until range."""
    due_from, due_to = _day(args.get("due_from")), _day(args.get("due_to"))
    if due_from:
        query = query.where(Assignment.due_at >= datetime.combine(due_from, time.min))
    if due_to:
        query = query.where(Assignment.due_at <= datetime.combine(due_to, time.max))
    since, until = _day(args.get("since")), _day(args.get("until"))
    start = datetime.combine(since, time.min) if since else datetime.min
    end = datetime.combine(until, time.max) if until else datetime.max
    flag = args.get("flag")
    if flag == "awaiting":
        query = query.where(Assignment.state == AWAITING)
    elif flag == "extended":
        query = query.where(Assignment.original_due_at.is_null(False))
    elif flag == "returned":
        query = query.where(fn.EXISTS(Update.select(Update.id).where(
            (Update.assignment == Assignment.id) & (Update.kind == "returned")
            & (Update.created_at >= start) & (Update.created_at <= end))))
    elif flag == "extension":
        query = query.where(fn.EXISTS(Extension.select(Extension.id).where(
            (Extension.assignment == Assignment.id) & (Extension.requested_at >= start)
            & (Extension.requested_at <= end))))
    return query


NARROWING = ("due_from", "due_to", "since", "until", "flag")


def is_narrowed(args) -> bool:
    return any(args.get(k) for k in NARROWING)


def waiting_count(user) -> int:
    """Completions to confirm and extension requests to answer, for the user."""
    awaiting = (Assignment.select().join(Task).join(Directive)
                .where((Assignment.state == AWAITING) & decidable(user)).count())
    requests = (Extension.select().join(Assignment).join(Task).join(Directive)
                .where((Extension.state == "open") & decidable(user)).count())
    return awaiting + requests


def cooperations(user, unit=None, limit=10):
    """The unit's cooperations (leaders: their subtree's), what it still owes first, then by due date."""
    query = (Cooperation.select(Cooperation, Task, Directive, Unit).join(Task).join(Directive)
             .switch(Cooperation).join(Unit)
             .where(cooperation_scope(user, unit)))
    total = query.count()
    owed = query.where(~sent_condition()).count()
    rows = list(query.order_by(sent_condition().asc(), Cooperation.due_at.is_null(), Cooperation.due_at,
                               Task.position).limit(limit))
    return rows, owed, total


def recent_decisions(user, now, unit=None, limit=10):
    """Confirmations, returns and extension answers on the unit's work in the last 30 days."""
    root = view_root(user, unit)
    query = (Update.select(Update, User, Assignment, Task, Unit).join(User)
             .switch(Update).join(Assignment).join(Task).join(Directive)
             .switch(Assignment).join(Unit, on=(Assignment.unit == Unit.id))
             .where(Update.kind.in_(DECISIONS) & (Update.created_at >= now - timedelta(days=RECENT_DAYS))
                    & (Update.created_at <= now) & assignment_scope(user)))
    if root is not None:
        query = query.where(Assignment.unit.in_(subtree_unit_ids(root)))
    if user.role == "staff":
        query = query.where(Assignment.unit == user.unit_id)
    return list(query.order_by(Update.created_at.desc(), Update.id.desc()).limit(limit))


def classify(a, now, due_soon_days):
    return status.classify(a.due_at, a.done_at, now, due_soon_days, a.reported_at)
