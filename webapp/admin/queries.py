"""Admin logic with no Flask: reading dates and times typed by the admin, unit choices and groups,
the unit-tree checks, and the writes behind the admin pages."""
import re
from datetime import date, time

from peewee import fn

from .. import audit
from ..db import database
from ..models import Assignment, Directive, Occurrence, Task, Unit, Update, User
from ..rules import deadlines as dl
from ..tasks import save_task
from ..units.queries import create_unit, is_inside, reparent, tree_order
from ..users import hash_password


class AdminError(ValueError):
    """Input we cannot read or a change we refuse; the message is Vietnamese, `field` names the
    form field it belongs to (None: the whole form)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


# --- Dates and times typed by the admin -------------------------------------------------------

_SEP = r"\s*[/.\-]\s*"
_DAY = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})$")
_MONTH = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{4}})$")
_YEAR = re.compile(r"^(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})?$", re.IGNORECASE)

PARTIAL_DATE_HELP = "Nhập ngày dạng dd/mm/yyyy (15/01/2024), tháng dạng mm/yyyy (03/2024) hoặc năm (2024)."
DAY_HELP = "Nhập ngày dạng dd/mm/yyyy, ví dụ 15/01/2024."
MONTH_HELP = "Nhập tháng dạng mm/yyyy (01/2024) hoặc một ngày trong tháng dạng dd/mm/yyyy."
TIME_HELP = "Nhập giờ dạng HH:MM (24 giờ), ví dụ 09:00 hoặc 14:30."


def _make_date(year: int, month: int, day: int) -> date:
    if not 1900 <= year <= 2100:
        raise AdminError("Năm phải trong khoảng 1900–2100.")
    if not 1 <= month <= 12:
        raise AdminError("Tháng phải từ 1 đến 12.")
    try:
        return date(year, month, day)
    except ValueError:
        raise AdminError(f"Không có ngày {day:02d}/{month:02d}/{year} trong lịch.") from None


def parse_partial_date(text) -> tuple[date | None, str]:
    """'15/01/2024' -> (2024-01-15, 'day'); '03/2024' -> (2024-03-01, 'month'); '2024' -> (2024-01-01,
    'year'); blank -> (None, 'day'). Anything else raises AdminError."""
    text = (text or "").strip()
    if not text:
        return None, "day"
    if m := _DAY.match(text):
        return _make_date(int(m[3]), int(m[2]), int(m[1])), "day"
    if m := _MONTH.match(text):
        return _make_date(int(m[2]), int(m[1]), 1), "month"
    if m := _YEAR.match(text):
        return _make_date(int(m[1]), 1, 1), "year"
    raise AdminError(f"Ngày không hợp lệ. {PARTIAL_DATE_HELP}")


def format_partial_date(value: date | None, precision: str) -> str:
    """The inverse of parse_partial_date, for filling the form again."""
    if value is None:
        return ""
    return {"year": f"{value:%Y}", "month": f"{value:%m/%Y}"}.get(precision, f"{value:%d/%m/%Y}")


def parse_day(text) -> date | None:
    """A full dd/mm/yyyy date, or None for blank."""
    value, precision = parse_partial_date(text)
    if value is not None and precision != "day":
        raise AdminError(f"Cần đủ ngày, tháng, năm. {DAY_HELP}")
    return value


def parse_month(text) -> date | None:
    """A month as its first day: 'mm/yyyy' or any 'dd/mm/yyyy' inside it; None for blank."""
    try:
        value, precision = parse_partial_date(text)
    except AdminError:
        raise AdminError(f"Tháng không hợp lệ. {MONTH_HELP}") from None
    if value is not None and precision == "year":
        raise AdminError(f"Cần cả tháng và năm. {MONTH_HELP}")
    return value.replace(day=1) if value else None


def parse_time(text) -> time | None:
    """'09:00', '9:30', '9h', '14h30' -> a time; None for blank."""
    text = (text or "").strip()
    if not text:
        return None
    m = _TIME.match(text)
    if not m or int(m[1]) > 23 or int(m[2] or 0) > 59:
        raise AdminError(f"Giờ không hợp lệ. {TIME_HELP}")
    return time(int(m[1]), int(m[2] or 0))


def clean_lines(text) -> str:
    """One item per line: trimmed, blank lines dropped, Windows line ends normalised."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


# --- Deadline rules ---------------------------------------------------------------------------

ONE_OFF = {dl.FIXED, dl.IMMEDIATE, dl.WITHIN_MONTH}
TIMED = {dl.FIXED, dl.IMMEDIATE, dl.DAILY, dl.WEEKLY, dl.MONTHLY}


def read_rule(kind: str, raw: dict) -> tuple[dict, dict]:
    """Task deadline fields from what the admin typed, and field -> Vietnamese message.

    Only the fields the kind uses are read; the others are cleared so the stored rule says one
    thing (a stray date on an ongoing task would otherwise look like a due date).
    """
    errors = {}

    def read(name, parser):
        try:
            return parser(raw.get(name))
        except AdminError as exc:
            errors[name] = str(exc)
            return None

    date_parser = parse_month if kind == dl.WITHIN_MONTH else parse_day
    fields = {
        "deadline_kind": kind,
        "deadline_date": read("deadline_date", date_parser) if kind in ONE_OFF else None,
        "deadline_time": read("deadline_time", parse_time) if kind in TIMED else None,
        "weekday": raw.get("weekday") if kind == dl.WEEKLY else None,
        "month_day": raw.get("month_day") if kind == dl.MONTHLY else None,
        "window_start": read("window_start", parse_day),
        "window_end": read("window_end", parse_day),
    }
    rule = dl.DeadlineRule(kind=kind, date=fields["deadline_date"], time=fields["deadline_time"],
                           weekday=fields["weekday"], day=fields["month_day"],
                           window_start=fields["window_start"], window_end=fields["window_end"])
    for name, message in rule.errors().items():
        errors.setdefault(name, message)  # a parse error says more than "missing"
    return fields, errors


def rule_form_data(task: Task) -> dict:
    """A task's rule as the text the form shows."""
    month = task.deadline_kind == dl.WITHIN_MONTH
    return {
        "deadline_kind": task.deadline_kind,
        "deadline_date": (f"{task.deadline_date:%m/%Y}" if month else f"{task.deadline_date:%d/%m/%Y}")
        if task.deadline_date else "",
        "deadline_time": f"{task.deadline_time:%H:%M}" if task.deadline_time else "",
        "weekday": task.weekday,
        "month_day": task.month_day,
        "window_start": f"{task.window_start:%d/%m/%Y}" if task.window_start else "",
        "window_end": f"{task.window_end:%d/%m/%Y}" if task.window_end else "",
    }


# --- Units: choices, groups, tree checks --------------------------------------------------------

INDENT = "\u00a0\u00a0\u00a0"  # non-breaking spaces survive inside <option>


def unit_options(keep_ids=(), exclude_ids=()) -> list[tuple[int, str]]:
    """(id, label indented by depth) of the active units in tree order.

    Inactive units listed in keep_ids stay (marked) so that editing a record that points at a
    retired unit does not silently drop it.
    """
    keep, exclude = set(keep_ids), set(exclude_ids)
    options = []
    for unit, depth in tree_order(Unit.select()):
        if unit.id in exclude or not (unit.active or unit.id in keep):
            continue
        label = INDENT * depth + unit.name + ("" if unit.active else " (ngừng hoạt động)")
        options.append((unit.id, label))
    return options


def units_by_ids(ids) -> list[Unit]:
    ids = [i for i in ids or () if i is not None]
    return list(Unit.select().where(Unit.id.in_(ids))) if ids else []


def group_units(kind: str, parent: Unit | None) -> list[Unit]:
    """The active units of a kind in a parent's subtree (the parent included); whole tree if None."""
    query = Unit.select().where((Unit.kind == kind) & (Unit.active == True))  # noqa: E712
    if parent is not None:
        query = query.where(Unit.path.startswith(parent.path))
    return list(query.order_by(Unit.sort_name))


def lead_units(selected_ids, group_kind: str | None, group_parent_id: int | None) -> list[Unit]:
    """The selected lead units plus the group shortcut's units, each once; at least one."""
    units = {u.id: u for u in units_by_ids(selected_ids)}
    if group_parent_id and not group_kind:
        raise AdminError("Hãy chọn loại đơn vị của nhóm.", "group_kind")
    if group_kind:
        parent = Unit.get_or_none(Unit.id == group_parent_id) if group_parent_id else None
        group = group_units(group_kind, parent)
        if not group:
            raise AdminError("Không có đơn vị đang hoạt động nào thuộc loại này trong phạm vi đã chọn.",
                             "group_kind")
        units.update((u.id, u) for u in group)
    if not units:
        raise AdminError("Chọn ít nhất một đơn vị chủ trì, hoặc một nhóm đơn vị.", "lead_units")
    return list(units.values())


def parent_error(unit: Unit, parent: Unit | None) -> str | None:
    """Why `parent` cannot be the parent of `unit` (itself or one of its descendants), else None."""
    if unit is not None and parent is not None and is_inside(parent, unit):
        return "Không thể chọn chính đơn vị này hoặc một đơn vị cấp dưới của nó làm đơn vị cấp trên."
    return None


def save_unit(unit: Unit | None, name: str, kind: str, parent: Unit | None, active: bool,
              merged_into: Unit | None, *, actor_id=None) -> Unit:
    """Create a unit, or update one and move its subtree when the parent changes; audited.

    A unit merged into another is no longer active: new work goes to the unit that absorbed it.
    """
    active = active and merged_into is None
    if unit is None:
        return create_unit(name, kind, parent, actor_id=actor_id, active=active, merged_into=merged_into)
    if message := parent_error(unit, parent):
        raise AdminError(message, "parent")
    if merged_into is not None and merged_into.id == unit.id:
        raise AdminError("Không thể sáp nhập đơn vị vào chính nó.", "merged_into")
    before = audit.snapshot(unit)
    with database.atomic():
        unit.name, unit.kind, unit.active, unit.merged_into = name, kind, active, merged_into
        if unit.parent_id != (parent.id if parent else None):
            reparent(unit, parent)  # saves the unit and rewrites the paths below it
        else:
            unit.save()
        audit.record_change("unit", unit.id, before, unit, user_id=actor_id, unit_id=unit.id,
                            summary=f"Sửa đơn vị #{unit.id}: {unit.name}")
    return unit


def unit_rows() -> list[tuple[Unit, int, int]]:
    """(unit, depth, number of users) for every unit, in tree order."""
    users = dict(User.select(User.unit, fn.COUNT(User.id)).group_by(User.unit).tuples())
    return [(u, depth, users.get(u.id, 0)) for u, depth in tree_order(Unit.select())]


# --- Directives and tasks ---------------------------------------------------------------------

def search_directives(text: str = ""):
    """All directives, newest first, optionally filtered by words of the number or subject."""
    query = Directive.select(Directive, Unit).join(Unit, on=(Directive.issuer == Unit.id))
    for word in text.split():
        query = query.where(Directive.number.contains(word) | Directive.subject.contains(word))
    return query.order_by(Directive.issued_on.desc(nulls="LAST"), Directive.id.desc())


def tasks_with_assignments(directive: Directive) -> list[tuple[Task, list, list]]:
    """(task, lead assignments, cooperating assignments) in the directive's order, two queries."""
    tasks = list(Task.select().where(Task.directive == directive.id).order_by(Task.position, Task.id))
    by_task = {t.id: ([], []) for t in tasks}
    rows = (Assignment.select(Assignment, Unit).join(Unit).join_from(Assignment, Task)
            .where(Task.directive == directive.id).order_by(Unit.sort_name))
    for a in rows:
        by_task[a.task_id][0 if a.role == "lead" else 1].append(a)
    return [(t, *by_task[t.id]) for t in tasks]


def reported_unit_ids(task: Task) -> set[int]:
    """Units that have posted updates on the task: they cannot be taken off it."""
    rows = (Assignment.select(Assignment.unit).join(Update).where(Assignment.task == task.id)
            .distinct().tuples())
    return {unit_id for (unit_id,) in rows}


def next_position(directive: Directive) -> int:
    last = Task.select(fn.MAX(Task.position)).where(Task.directive == directive.id).scalar()
    return (last or 0) + 1


def _updates_of(task_condition):
    return Update.select().join(Assignment).join(Task).where(task_condition)


def footprint(task_condition) -> dict:
    """How many tasks and assignments a delete would touch, and how much history forbids it."""
    return {
        "tasks": Task.select().where(task_condition).count(),
        "assignments": Assignment.select().join(Task).where(task_condition).count(),
        "updates": _history_count(task_condition),
    }


def directive_footprint(directive: Directive) -> dict:
    return footprint(Task.directive == directive.id)


def task_footprint(task: Task) -> dict:
    return footprint(Task.id == task.id)


HISTORY_KEPT = ("{what} đã có {n} lần cập nhật tiến độ hoặc nộp báo cáo của đơn vị; lịch sử phải được "
                "lưu giữ nên không thể xóa.")


def _history_count(task_condition) -> int:
    """Updates and submitted reports: what a delete would erase from the record."""
    submitted = (Occurrence.select().join(Assignment).join(Task)
                 .where(task_condition & Occurrence.submitted_at.is_null(False)).count())
    return _updates_of(task_condition).count() + submitted


def save_directive(directive: Directive, fields: dict, *, actor_id=None) -> Directive:
    """Create or update a directive with the form's fields; audited as done by actor_id."""
    before = None if directive.id is None else audit.snapshot(directive)
    with database.atomic():
        for name, value in fields.items():
            setattr(directive, name, value)
        directive.save()
        audit.record_change("directive", directive.id, before, directive, user_id=actor_id,
                            unit_id=directive.issuer_id)
    return directive


def delete_directive(directive: Directive, *, actor_id=None) -> None:
    """Delete a directive with its tasks and assignments, unless any unit has reported on it.
    Each deleted object is audited with its last values."""
    n = _history_count(Task.directive == directive.id)
    if n:
        raise AdminError(HISTORY_KEPT.format(what="Văn bản này", n=n))
    with database.atomic():
        tasks = list(Task.select().where(Task.directive == directive.id))
        _delete_tasks(tasks, directive.issuer_id, actor_id)
        directive.delete_instance()
        audit.record("delete", "directive", directive.id, user_id=actor_id, unit_id=directive.issuer_id,
                     before=directive)


def delete_task(task: Task, *, actor_id=None) -> None:
    """Delete a task with its assignments, unless any unit has reported on it; audited."""
    n = _history_count(Task.id == task.id)
    if n:
        raise AdminError(HISTORY_KEPT.format(what="Nhiệm vụ này", n=n))
    with database.atomic():
        _delete_tasks([task], task.directive.issuer_id, actor_id)


def _delete_tasks(tasks: list, issuer_id: int, actor_id) -> None:
    """Delete tasks and their assignments, recording each one's last values."""
    task_ids = [t.id for t in tasks]
    assignments = list(Assignment.select().where(Assignment.task.in_(task_ids))) if task_ids else []
    if task_ids:
        Assignment.delete().where(Assignment.task.in_(task_ids)).execute()
        Task.delete().where(Task.id.in_(task_ids)).execute()
    for a in assignments:
        audit.record("delete", "assignment", a.id, user_id=actor_id, unit_id=a.unit_id, before=a,
                     summary=f"Xóa giao việc #{a.id} (cùng nhiệm vụ #{a.task_id})")
    for t in tasks:
        audit.record("delete", "task", t.id, user_id=actor_id, unit_id=issuer_id, before=t)


def store_task(task: Task, fields: dict, leads, cooperating, *, actor_id=None) -> Task:
    """Set the task's fields and save it with one assignment per unit (see tasks.save_task)."""
    for name, value in fields.items():
        setattr(task, name, value)
    # A unit that leads is not also listed as cooperating.
    lead_ids = {u.id for u in leads}
    return save_task(task, leads, [u for u in cooperating if u.id not in lead_ids], actor_id=actor_id)


# --- Users ------------------------------------------------------------------------------------

def username_taken(username: str, except_id: int | None = None) -> bool:
    """Case-insensitive, so 'Admin' and 'admin' cannot both exist."""
    query = User.select().where(fn.LOWER(User.username) == username.strip().lower())
    if except_id is not None:
        query = query.where(User.id != except_id)
    return query.exists()


def search_users(text: str = ""):
    query = User.select(User, Unit).join(Unit)
    for word in text.split():
        query = query.where(User.username.contains(word) | User.full_name.contains(word)
                            | Unit.name.contains(word))
    return query.order_by(User.username)


def self_edit_errors(actor: User, user: User, role: str, active: bool) -> dict:
    """An admin may not lock themself out: no self-demotion, no self-deactivation."""
    if actor.id != user.id:
        return {}
    errors = {}
    if role != "admin":
        errors["role"] = "Bạn không thể tự bỏ quyền quản trị của chính mình."
    if not active:
        errors["active"] = "Bạn không thể tự khóa tài khoản của chính mình."
    return errors


def save_user(user: User, fields: dict, *, actor_id=None) -> User:
    """Update an account's name, role, unit and status; audited as done by actor_id."""
    before = audit.snapshot(user)
    with database.atomic():
        for name, value in fields.items():
            setattr(user, name, value)
        user.save()
        audit.record_change("user", user.id, before, user, user_id=actor_id, unit_id=user.unit_id,
                            summary=f"Sửa người dùng #{user.id}: {user.username}")
    return user


def set_password(user: User, password: str, method: str, *, actor_id=None) -> None:
    """A password typed by the admin is known to two people: the user must change it.
    The log records that the password was reset, never the hash."""
    before = {"must_change_password": user.must_change_password}
    with database.atomic():
        user.password_hash = hash_password(password, method)
        user.must_change_password = True
        user.save(only=[User.password_hash, User.must_change_password])
        audit.record("update", "user", user.id, user_id=actor_id, unit_id=user.unit_id, before=before,
                     after={"password": audit.PASSWORD_RESET, "must_change_password": True},
                     summary=f"Đặt lại mật khẩu người dùng #{user.id}: {user.username}")
