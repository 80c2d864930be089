"""Notifications (thông báo): what a user is told in the app and, once a day, by e-mail (no Flask).

Two ways in:

- notify(): any code that does something a unit or a user should hear about calls it, inside its own
  transaction, e.g. when a completion is confirmed:

      notify("confirmed", "Nhiệm vụ 1.2 đã được xác nhận hoàn thành.", key=f"confirmed:{assignment.id}:{n}",
             link=assignment_path(assignment.id), to_units=[assignment.unit_id],
             about_unit=assignment.unit_id, now=now)

  Recipients are the active users of `to_units` (at the time of the call) and the users `to_users`.
  `key` identifies the event: each user gets at most one notification per key, whoever calls and
  however often (a unique index decides, so concurrent calls are safe too). `kind` is one of
  models.NOTIFICATION_KINDS; `link` is a path inside the app.

- generate(now): the time-based ones, idempotent by their keys: due within DUE_SOON_DAYS, overdue
  (once, then once a week), a report occurrence due today. The command `send-reminders` runs it for
  every unit; pages run it for the user's unit at most once an hour (refresh_unit), so the list in the
  app is fresh even where the daily timer is not installed.

Time-based notifications go to the lead unit of an assignment: the one that owns it and that leaders
count. Cooperating units hear through the follow-up loop.
"""
from datetime import datetime, timedelta

from peewee import IntegrityError, chunked, fn

from ..db import database
from ..models import (
    NOTIFICATION_KINDS,
    Assignment,
    Notification,
    NotificationCheck,
    Occurrence,
    Task,
    User,
)
from ..rules.deadlines import RECURRING, due_label
from . import occurrences

REFRESH_EVERY = timedelta(hours=1)
TEXT_MAX = 500


def assignment_path(assignment_id: int) -> str:
    """The assignment page, as a path inside the app (the views' url_for gives the same)."""
    return f"/giao-viec/{assignment_id}"


def urging_letter_path(letter_id: int) -> str:
    return f"/tong-hop/don-doc/{letter_id}"


def _short(text: str, n: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def task_label(task: Task) -> str:
    """"nhiệm vụ 3.2 “Phối hợp với …”"."""
    number = f"{task.number} " if task.number else ""
    return f"nhiệm vụ {number}“{_short(task.text)}”"


# --- Sending ------------------------------------------------------------------------------------

def _users_of(unit_ids) -> dict:
    """{unit id: [active user ids]} in one query."""
    found: dict = {}
    unit_ids = sorted(set(unit_ids))
    for batch in chunked(unit_ids, 500):
        for user_id, unit_id in (User.select(User.id, User.unit)
                                 .where(User.unit.in_(batch) & (User.active == True)).tuples()):  # noqa: E712
            found.setdefault(unit_id, []).append(user_id)
    return found


def _store(items, now: datetime) -> int:
    """items: dicts with users (ids), kind, text, link, key, unit. One row per (user, key), the
    existing ones left alone. Returns how many were new (as far as this process could tell)."""
    rows = {}
    for item in items:
        for user_id in item["users"]:
            rows[(user_id, item["key"])] = {
                "user": user_id, "kind": item["kind"], "text": item["text"][:TEXT_MAX], "link": item["link"],
                "dedupe_key": item["key"][:200], "unit": item["unit"], "created_at": now}
    if not rows:
        return 0
    existing = set()
    users = sorted({user for user, _ in rows})
    keys = sorted({key[:200] for _, key in rows})
    for user_batch in chunked(users, 500):
        for batch in chunked(keys, 500):
            existing.update(Notification.select(Notification.user, Notification.dedupe_key)
                            .where(Notification.user.in_(user_batch) & Notification.dedupe_key.in_(batch))
                            .tuples())
    fresh = [row for row in rows.values() if (row["user"], row["dedupe_key"]) not in existing]
    with database.atomic():
        # Another process may insert the same pair meanwhile: the unique index keeps one.
        for batch in chunked(fresh, 200):
            Notification.insert_many(batch).on_conflict_ignore().execute()
    return len(fresh)


def notify(kind: str, text: str, *, key: str, now: datetime, link: str = "", to_units=(), to_users=(),
           about_unit=None) -> int:
    """Tell the active users of `to_units` and the users `to_users`, once per user and `key`.
    Returns how many notifications were created."""
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError("link must be a path inside the app")
    users = set(to_users)
    for ids in _users_of(to_units).values():
        users.update(ids)
    return _store([{"users": sorted(users), "kind": kind, "text": text, "link": link, "key": key,
                    "unit": about_unit}], now)


def about_assignment(kind: str, assignment: Assignment, text: str, *, key: str, now: datetime, to_unit=None) -> int:
    """Tell a unit (the assignment's own unless `to_unit`) something about one assignment: "text:
    nhiệm vụ 3.2 “…”", linking to the assignment's page."""
    return notify(kind, f"{text}: {task_label(assignment.task)}", key=key, now=now,
                  link=assignment_path(assignment.id), to_units=[to_unit or assignment.unit_id],
                  about_unit=assignment.unit_id)


def new_assignments(assignments, task: Task, now: datetime) -> int:
    """A task was just assigned to these units: tell their users."""
    users = _users_of(a.unit_id for a in assignments)
    items = []
    for a in assignments:
        role = "phối hợp" if a.role == "cooperating" else "chủ trì"
        due = due_label(a.due_at) if a.due_at else task.rule.describe().lower()
        items.append({"users": users.get(a.unit_id, []), "kind": "new_assignment",
                      "text": f"Giao việc mới ({role}): {task_label(task)} Thời hạn: {due}.",
                      "link": assignment_path(a.id), "key": f"new:{a.id}", "unit": a.unit_id})
    return _store(items, now)


# --- Time-based: generated, idempotently -------------------------------------------------------

def _lead_open(unit_ids):
    """Lead assignments with a due time still to meet: not done, and not reported done in time (waiting for
    confirmation with the clock stopped, as the status rule has it)."""
    query = (Assignment.select(Assignment.id, Assignment.unit, Assignment.due_at, Task.id, Task.number, Task.text)
             .join(Task)
             .where((Assignment.role == "lead") & Assignment.done_at.is_null() & Assignment.due_at.is_null(False)
                    & (Assignment.reported_at.is_null() | (Assignment.reported_at > Assignment.due_at))))
    if unit_ids is not None:
        query = query.where(Assignment.unit.in_(list(unit_ids)))
    return query


def _due_soon(now, due_soon_days, unit_ids):
    rows = _lead_open(unit_ids).where(
        (Assignment.due_at >= now) & (Assignment.due_at <= now + timedelta(days=due_soon_days))
        & ~Task.deadline_kind.in_(sorted(RECURRING)))
    for a in rows:
        yield {"unit": a.unit_id, "kind": "due_soon", "link": assignment_path(a.id),
               "key": f"due_soon:{a.id}:{a.due_at:%Y%m%d%H%M}",
               "text": f"Sắp đến hạn ({due_label(a.due_at)}): {task_label(a.task)}"}


def _overdue(now, unit_ids):
    """Once when an assignment falls overdue, then once a week after that first notice while it
    stays overdue: key …:0 first, …:1 seven days after it, and so on."""
    rows = list(_lead_open(unit_ids).where(Assignment.due_at < now))
    first_notices = (Notification.select(Notification.dedupe_key, fn.MIN(Notification.created_at).alias("first"))
                     .where((Notification.kind == "overdue") & Notification.dedupe_key.endswith(":0")))
    if unit_ids is not None:
        first_notices = first_notices.where(Notification.unit.in_(list(unit_ids)))
    first = {key[:-2]: _dt(at) for key, at in first_notices.group_by(Notification.dedupe_key).tuples()} if rows else {}
    for a in rows:
        base = f"overdue:{a.id}:{a.due_at:%Y%m%d%H%M}"
        week = (now - first[base]).days // 7 if base in first else 0
        days = (now - a.due_at).days
        late = f"quá hạn {days} ngày" if days else "đã quá hạn"
        yield {"unit": a.unit_id, "kind": "overdue", "link": assignment_path(a.id), "key": f"{base}:{week}",
               "text": f"{late.capitalize()} (hạn {due_label(a.due_at)}): {task_label(a.task)}"}


def _dt(value):
    """Aggregates come back as text from SQLite and as datetimes from PostgreSQL."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _reports_due_today(now, unit_ids):
    end_of_day = datetime.combine(now.date(), datetime.max.time())
    query = (Occurrence.select(Occurrence.id, Occurrence.due_at, Assignment.id, Assignment.unit, Task.number,
                               Task.text)
             .join(Assignment).join(Task)
             .where(Occurrence.submitted_at.is_null() & (Occurrence.due_at >= now)
                    & (Occurrence.due_at <= end_of_day)))
    if unit_ids is not None:
        query = query.where(Assignment.unit.in_(list(unit_ids)))
    for o in query:
        a = o.assignment
        yield {"unit": a.unit_id, "kind": "report_due_today", "link": assignment_path(a.id),
               "key": f"report_today:{o.id}",
               "text": f"Hôm nay hạn nộp báo cáo trước {o.due_at:%H:%M}: {task_label(a.task)}"}


def generate(now: datetime, due_soon_days: int, unit_ids=None) -> int:
    """Create the time-based notifications due at `now` for the users of `unit_ids` (None: every
    unit). Running it twice, or in two processes at once, creates nothing twice."""
    occurrences.ensure_current(now)
    found = [*_due_soon(now, due_soon_days, unit_ids), *_overdue(now, unit_ids),
             *_reports_due_today(now, unit_ids)]
    users = _users_of(item["unit"] for item in found)
    for item in found:
        item["users"] = users.get(item["unit"], [])
    return _store(found, now)


def refresh_unit(unit_id: int, now: datetime, due_soon_days: int) -> bool:
    """Generate the unit's time-based notifications unless that was done less than an hour ago (by
    any process: the claim is a conditional write). Returns whether this call generated them."""
    checked = NotificationCheck.select(NotificationCheck.checked_at).where(NotificationCheck.unit == unit_id).scalar()
    if checked is not None and checked > now - REFRESH_EVERY:
        return False
    if checked is None:
        try:
            with database.atomic():
                NotificationCheck.create(unit=unit_id, checked_at=now)
        except IntegrityError:
            return False
    else:
        claimed = (NotificationCheck.update(checked_at=now)
                   .where((NotificationCheck.unit == unit_id) & (NotificationCheck.checked_at == checked))
                   .execute())
        if claimed != 1:
            return False
    generate(now, due_soon_days, unit_ids=[unit_id])
    return True


# --- Reading and marking ------------------------------------------------------------------------

def for_user(user_id: int, unread_only: bool = False):
    query = Notification.select().where(Notification.user == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(user_id: int) -> int:
    return (Notification.select(fn.COUNT(Notification.id))
            .where((Notification.user == user_id) & Notification.read_at.is_null()).scalar() or 0)


def mark_read(user_id: int, notification_id: int, now: datetime) -> bool:
    """Mark one of the user's notifications read; False when it is not theirs."""
    found = Notification.select(Notification.id).where(
        (Notification.id == notification_id) & (Notification.user == user_id)).exists()
    if found:
        (Notification.update(read_at=now)
         .where((Notification.id == notification_id) & Notification.read_at.is_null()).execute())
    return found


def mark_all_read(user_id: int, now: datetime) -> int:
    return (Notification.update(read_at=now)
            .where((Notification.user == user_id) & Notification.read_at.is_null()).execute())
