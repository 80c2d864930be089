"""Reads for the admin pages: unit choices in tree order, the unit tree with user counts, the
directive and user lists. The writes behind these pages live in webapp/core."""
import calendar as stdlib_calendar
from dataclasses import dataclass, field
from datetime import date

from peewee import JOIN, fn

from ..core import indicators as sets
from ..core.units import tree_order
from ..models import (
    AGGREGATIONS,
    Assignment,
    Cooperation,
    Directive,
    Figure,
    FigureEntry,
    Indicator,
    IndicatorSet,
    Target,
    Task,
    Unit,
    User,
    WorkDay,
)
from ..rules import appendix
from ..rules import indicators as rules
from ..rules.unit_match import UnitRef
from ..rules.vietnamese import fold
from ..rules.workdays import SATURDAY, SUNDAY

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


INLINE_GROUP = 60   # a checklist group this small is on the task form; a larger one loads on demand
GROUP_CHUNK = 200   # boxes of a large group loaded at once


def unit_options(keep_ids=(), exclude_ids=(), include_inactive=False,
                 parents_only=False, ordered=None) -> list[tuple[int, str]]:
    """(id, label indented by depth) of the active units in tree order.

    Inactive units listed in keep_ids stay (marked) so that editing a record that points at a
    retired unit does not silently drop it; include_inactive lists them all (the audit log still
    names retired units).
    """
    keep, exclude = set(keep_ids), set(exclude_ids)
    parents = set(Unit.select(Unit.parent).where(Unit.parent.is_null(False)).distinct().tuples()) \
        if parents_only else set()
    options = []
    for unit, depth in ordered if ordered is not None else tree_order(Unit.select()):
        if unit.id in exclude or not (unit.active or include_inactive or unit.id in keep):
            continue
        if parents_only and (unit.id,) not in parents and unit.id not in keep:
            continue
        label = INDENT * depth + unit.name + ("" if unit.active else " (ngừng hoạt động)")
        options.append((unit.id, label))
    return options


def subtree_ids(unit: Unit) -> list[int]:
    return [u.id for u in Unit.select(Unit.id).where(Unit.path.startswith(unit.path))]


TREE_BUDGET = 150   # units shown at first: levels are opened while their children fit
TREE_CHUNK = 100    # children loaded at once when a unit is opened


@dataclass
class TreeNode:
    """A unit of the admin tree: its row, how many units are directly under it, its users, and
    the children shown (None: not loaded; opened on demand), with how many more there are."""
    unit: Unit
    child_count: int = 0
    users: int = 0
    children: list | None = None
    more: int = 0
    start: int = 0  # the first child shown (a page of the tree opened at this unit)

    @property
    def has_children(self):
        return self.child_count > 0


def child_counts(parent_ids=None) -> dict:
    query = Unit.select(Unit.parent, fn.COUNT(Unit.id)).where(Unit.parent.is_null(False))
    if parent_ids is not None:
        query = query.where(Unit.parent.in_(list(parent_ids)))
    return dict(query.group_by(Unit.parent).tuples())


def nodes_of(units, counts) -> list[TreeNode]:
    users = dict(User.select(User.unit, fn.COUNT(User.id)).where(User.unit.in_([u.id for u in units]))
                 .group_by(User.unit).tuples()) if units else {}
    return [TreeNode(u, counts.get(u.id, 0), users.get(u.id, 0)) for u in units]


def _children(parent_id, offset=0, limit=TREE_CHUNK) -> list[Unit]:
    query = Unit.select().where(Unit.parent == parent_id if parent_id else Unit.parent.is_null())
    return list(query.order_by(Unit.sort_name, Unit.id).offset(offset).limit(limit))


def unit_tree(opened: Unit | None = None, offset: int = 0) -> list[TreeNode]:
    """The top units, opened level by level while the units shown stay within TREE_BUDGET; with
    `opened`, the way down to it is opened and its children shown from `offset` (a page without
    JavaScript). The rest is loaded when a unit is opened (unit_children)."""
    counts = child_counts()
    roots = nodes_of(_children(None, 0, None), counts)
    path_ids = [int(p) for p in opened.path.strip("/").split("/")] if opened else []
    shown, level = len(roots), roots
    while level:
        next_level = []
        for node in level:
            # The way to the unit asked for, and the top units (a first chunk), are always open.
            forced = node.unit.id in path_ids or node in roots
            if node.has_children and (forced or shown + node.child_count <= TREE_BUDGET):
                start = offset if opened and node.unit.id == opened.id else 0
                kids = _children(node.unit.id, start, TREE_CHUNK)
                node.children = nodes_of(kids, counts)
                node.start = start
                node.more = max(0, node.child_count - start - len(kids))
                shown += len(kids)
                next_level.extend(node.children)
        level = next_level
    return roots


def unit_children(parent: Unit, offset: int) -> tuple[list[TreeNode], int]:
    """A chunk of a unit's children (collapsed) and how many remain after it."""
    kids = _children(parent.id, offset)
    nodes = nodes_of(kids, child_counts([k.id for k in kids]))
    return nodes, max(0, child_counts([parent.id]).get(parent.id, 0) - offset - len(kids))


def unit_choice_search(text: str, limit: int, keep_ids=()) -> list[Unit]:
    """Active units (and those in keep_ids) whose name holds every word typed, by name, each with
    its parent's name (a form's unit field, forms.UnitPickField)."""
    words = fold(text).split()[:8]
    parent = Unit.alias()
    rows = (Unit.select(Unit, parent.name.alias("parent_name"))
            .join(parent, JOIN.LEFT_OUTER, on=(Unit.parent == parent.id))
            .where((Unit.active == True) | Unit.id.in_([i for i in keep_ids if i]))  # noqa: E712
            .order_by(Unit.sort_name, Unit.id).objects())
    return [u for u in rows if all(w in fold(u.name) for w in words)][:limit]


def unit_choice(unit_id, keep_ids=()) -> Unit | None:
    """The unit a form's unit field may hold: an active one, or one it already held."""
    unit = Unit.get_or_none(Unit.id == unit_id)
    return unit if unit is not None and (unit.active or unit.id in keep_ids) else None


def search_units(text: str):
    """Units whose name holds every word typed (tone marks and case ignored), by name."""
    words = fold(text).split()[:8]
    units = [u for u in Unit.select().order_by(Unit.sort_name, Unit.id) if all(w in fold(u.name) for w in words)]
    return units


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


@dataclass
class UnitGroup:
    """The units directly under one parent (None: the top of the tree), with those of each kind."""
    parent: Unit | None
    units: list = field(default_factory=list)
    kinds: dict = field(default_factory=dict)  # kind -> number of units of that kind in the group

    @property
    def title(self) -> str:
        return f"Thuộc {self.parent.name}" if self.parent else "Đơn vị cấp cao nhất"


def unit_groups(keep_ids=(), ordered=None) -> list[UnitGroup]:
    """The units for the checklists, grouped by parent in tree order ("chọn tất cả các xã của huyện
    Gio Linh"): active units, and retired ones still assigned (keep_ids), as unit_options lists them.
    A unit alone under its parent joins the group above (the working group of each commune sits with
    the district's communes), so that a district's units of one kind can be taken at once."""
    keep = set(keep_ids)
    ordered = ordered if ordered is not None else tree_order(Unit.select())
    by_id = {u.id: u for u, _ in ordered}
    position = {u.id: i for i, (u, _) in enumerate(ordered)}
    members: dict = {}
    for unit, _depth in ordered:
        if unit.active or unit.id in keep:
            members.setdefault(unit.parent_id if unit.parent_id in by_id else None, []).append(unit)
    # Deepest first, so that a chain of lone units climbs as far as it needs.
    for parent_id in sorted((p for p in members if p is not None), key=lambda p: -by_id[p].path.count("/")):
        units = members.get(parent_id)
        grandparent = by_id[parent_id].parent_id
        if units and len(units) == 1 and grandparent in members:
            members[grandparent].extend(members.pop(parent_id))
    groups = []
    for parent_id, units in members.items():
        group = UnitGroup(by_id.get(parent_id), sorted(units, key=lambda u: position[u.id]))
        for u in group.units:
            group.kinds[u.kind] = group.kinds.get(u.kind, 0) + 1
        groups.append(group)
    return sorted(groups, key=lambda g: -1 if g.parent is None else position[g.parent.id])


@dataclass
class CalendarCell:
    day: object            # a date, or None for the padding before the 1st / after the last day
    reason: str | None = None
    declared: str = ""     # "off" | "working" when the admin declared the day
    css: str = ""


def calendar_months(calendar, year: int) -> list[tuple[int, list[list[CalendarCell]]]]:
    """(month, weeks of 7 cells, Monday first) for the admin's calendar page."""
    declared = {w.day: ("working" if w.working else "off") for w in WorkDay.select().where(
        (WorkDay.day >= date(year, 1, 1)) & (WorkDay.day <= date(year, 12, 31)))}
    reasons = {d.date: d.reason for d in calendar.year_days(year)}
    months = []
    for month in range(1, 13):
        grid = []
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            row = []
            for d in week:
                if d.month != month:
                    row.append(CalendarCell(None))
                    continue
                reason = reasons[d]
                kind = declared.get(d, "")
                if kind == "working":
                    css = "declared-working"
                elif kind == "off":
                    css = "declared-off"
                elif reason is None:
                    css = "swap-working" if d.weekday() >= 5 else "working"
                elif d.weekday() >= 5 and reason in (SATURDAY, SUNDAY):
                    css = "weekend"
                else:
                    css = "holiday"
                row.append(CalendarCell(d, reason, kind, css))
            grid.append(row)
        months.append((month, grid))
    return months


def days_off_listed(calendar, year: int) -> list:
    """The year's days off other than plain weekends, with their reasons, in order."""
    return [d for d in calendar.year_days(year) if d.reason and d.reason not in (SATURDAY, SUNDAY)]


def unit_refs() -> list[UnitRef]:
    """The active units as the name matcher takes them (a directive read from its text)."""
    rows = (Unit.select(Unit.id, Unit.name, Unit.kind, Unit.path).where(Unit.active == True)  # noqa: E712
            .order_by(Unit.sort_name).tuples())
    return [UnitRef(*row) for row in rows]


# --- Indicator sets ---------------------------------------------------------------------------

def indicator_set_rows() -> list[dict]:
    """Every set with its directive, duty, scope and how much it holds."""
    entries = dict(FigureEntry.select(FigureEntry.indicator_set, fn.COUNT(FigureEntry.id))
                   .group_by(FigureEntry.indicator_set).tuples())
    target_counts = dict(Target.select(Indicator.indicator_set, fn.COUNT(Target.id)).join(Indicator)
                         .group_by(Indicator.indicator_set).tuples())
    indicator_counts = dict(Indicator.select(Indicator.indicator_set, fn.COUNT(Indicator.id))
                            .where(Indicator.retired == False).group_by(Indicator.indicator_set).tuples())  # noqa: E712
    rows = (IndicatorSet.select(IndicatorSet, Directive, Unit).join(Directive).switch(IndicatorSet)
            .join(Unit, on=(IndicatorSet.scope == Unit.id)).order_by(IndicatorSet.id))
    return [{"set": s, "entries": entries.get(s.id, 0), "targets": target_counts.get(s.id, 0),
             "indicators": indicator_counts.get(s.id, 0)} for s in rows]


def recurring_task_options() -> list[tuple[int, str]]:
    return [(t.id, f"{t.directive.reference} – {t.number}. {t.text[:80]}{'…' if len(t.text) > 80 else ''} "
                   f"({t.rule.describe()})") for t in sets.recurring_tasks()]


def definition_context(indicator_set, rows=None, group_rows=None) -> dict:
    """The definition form's rows (as posted, or as saved with blank rows to add), the choices of
    "not more than", what each indicator holds, and the preview of the figures form."""
    saved = sets.indicators_of(indicator_set, with_retired=True)
    groups = sets.groups_of(indicator_set)
    if rows is None:
        rows = [sets.IndicatorInput(i.id, i.name, i.decimals, i.aggregation, i.at_most_id, i.is_base,
                                    i.has_targets, i.retired) for i in saved]
        rows += [sets.IndicatorInput(None, "") for _ in range(3 if saved else 4)]
    if group_rows is None:
        group_rows = [sets.GroupInput(g.id, g.name) for g in groups if g.name]
        group_rows += [sets.GroupInput(None, "") for _ in range(2)]
    figures_by_indicator = dict(Figure.select(Figure.indicator, fn.COUNT(Figure.id))
                                .where(Figure.indicator.in_([i.id for i in saved] or [0]))
                                .group_by(Figure.indicator).tuples())
    reporting = sets.reporting_units(indicator_set)
    active = [i for i in saved if not i.retired]
    return {"rows": rows, "group_rows": group_rows, "aggregations": AGGREGATIONS,
            "caps": [(i.id, i.name) for i in saved], "held": figures_by_indicator,
            "preview_indicators": active, "preview_groups": groups, "preview_named": sets.named(groups),
            "preview_unit": reporting[-1].name if reporting else "Đơn vị báo cáo",
            "leads": len(sets.lead_units(indicator_set)), "reporting": len(reporting)}


def columns_context(indicator_set, rows=None) -> dict:
    """The mapping form's rows (as posted, saved, or a first guess), the choices of each column, and the
    header the saved mapping prints."""
    indicators = sets.indicators_of(indicator_set, with_retired=True)
    groups = sets.groups_of(indicator_set)
    named = sets.named(groups)
    parts = [0] + [p for p in rules.parts(indicator_set.target_period) if p]
    options = [(f"t:{i.id}:{g.id}:{p}", f"{i.name}{' – ' + g.name if named else ''} – "
                                          f"{rules.part_label(p, indicator_set.target_period).lower()}")
               for g in groups for i in indicators if not i.retired for p in parts]
    saved = sets.columns_of(indicator_set)
    if rows is None:
        rows = [sets.ColumnInput(c.number, c.indicator_id, c.group_id, c.part, c.formula, c.label) for c in saved]
        if not rows:
            rows = sets.default_columns(indicator_set, indicators, groups)
    blank = [sets.ColumnInput(len(rows) + n + 1) for n in range(4)]
    try:
        layout = sets.layout_of(indicator_set) if (saved or indicators) else None
    except (KeyError, ValueError):
        layout = None
    return {"rows": list(rows) + blank, "options": options, "saved": bool(saved),
            "header": appendix.header_table(layout) if layout else [],
            "layout": layout}
