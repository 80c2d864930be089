"""Reads for the admin pages: unit choices in tree order, the unit tree with user counts, the
directive and user lists. The writes behind these pages live in webapp/core."""
from peewee import fn

from ..core.units import tree_order
from ..models import Assignment, Cooperation, Directive, Task, Unit, User

INDENT = "\u00a0\u00a0\u00a0"  # non-breaking spaces survive inside <option>


def counts() -> dict:
    active, inactive = (Unit.active == True), (Unit.active == False)  # noqa: E712
    return {
        "directives": Directive.select().count(),
        "tasks": Task.select().count(),
        "assignments": Assignment.select().count(),
        "units": Unit.select().where(active).count(),
        "inactive_units": Unit.select().where(inactive).count(),
        "users": User.select().where(User.active == True).count(),  # noqa: E712
        "inactive_users": User.select().where(User.active == False).count(),  # noqa: E712
    }


def unit_options(keep_ids=(), exclude_ids=(), include_inactive=False) -> list[tuple[int, str]]:
    """(id, label indented by depth) of the active units in tree order.

    Inactive units listed in keep_ids stay (marked) so that editing a record that points at a
    retired unit does not silently drop it; include_inactive lists them all (the audit log still
    names retired units).
    """
    keep, exclude = set(keep_ids), set(exclude_ids)
    options = []
    for unit, depth in tree_order(Unit.select()):
        if unit.id in exclude or not (unit.active or include_inactive or unit.id in keep):
            continue
        label = INDENT * depth + unit.name + ("" if unit.active else " (ngừng hoạt động)")
        options.append((unit.id, label))
    return options


def subtree_ids(unit: Unit) -> list[int]:
    return [u.id for u in Unit.select(Unit.id).where(Unit.path.startswith(unit.path))]


def unit_rows() -> list[tuple[Unit, int, int]]:
    """(unit, depth, number of users) for every unit, in tree order."""
    users = dict(User.select(User.unit, fn.COUNT(User.id)).group_by(User.unit).tuples())
    return [(u, depth, users.get(u.id, 0)) for u, depth in tree_order(Unit.select())]


def search_directives(text: str = ""):
    """All directives, newest first, optionally filtered by words of the number or subject."""
    query = Directive.select(Directive, Unit).join(Unit, on=(Directive.issuer == Unit.id))
    for word in text.split():
        query = query.where(Directive.number.contains(word) | Directive.subject.contains(word))
    return query.order_by(Directive.issued_on.desc(nulls="LAST"), Directive.id.desc())


def tasks_with_assignments(directive: Directive) -> list[tuple[Task, list, list]]:
    """(task, lead assignments, cooperations) in the directive's order, three queries. Only the
    directive's own assignments: what units passed down is theirs."""
    tasks = list(Task.select().where(Task.directive == directive.id).order_by(Task.position, Task.id))
    by_task = {t.id: ([], []) for t in tasks}
    rows = (Assignment.select(Assignment, Unit).join(Unit).join_from(Assignment, Task)
            .where((Task.directive == directive.id) & Assignment.delegated_from.is_null()).order_by(Unit.sort_name))
    for a in rows:
        by_task[a.task_id][0].append(a)
    partners = (Cooperation.select(Cooperation, Unit).join(Unit).join_from(Cooperation, Task)
                .where(Task.directive == directive.id).order_by(Unit.sort_name))
    for c in partners:
        by_task[c.task_id][1].append(c)
    return [(t, *by_task[t.id]) for t in tasks]


def task_assignments(task: Task) -> list:
    """The task's directive-level assignments and its cooperations (each with .role and .unit)."""
    leads = (Assignment.select(Assignment, Unit).join(Unit)
             .where((Assignment.task == task.id) & Assignment.delegated_from.is_null()))
    partners = Cooperation.select(Cooperation, Unit).join(Unit).where(Cooperation.task == task.id)
    return sorted([*leads, *partners], key=lambda a: a.unit.sort_name)


def search_users(text: str = ""):
    query = User.select(User, Unit).join(Unit)
    for word in text.split():
        query = query.where(User.username.contains(word) | User.full_name.contains(word)
                            | Unit.name.contains(word))
    return query.order_by(User.username)


def user_options() -> list[tuple[int, str]]:
    users = User.select(User.id, User.username, User.full_name).order_by(User.username)
    return [(u.id, f"{u.username} – {u.full_name}") for u in users]
