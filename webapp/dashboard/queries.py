"""The leaders' summary: counts by status class per unit and per directive, overdue and due-soon
lists, and reporting rates per unit and period. Everything is counted in SQL; Python only folds the
per-unit rows (a few hundred at most) into the units one level below the unit looked at."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import SQL, Case, fn

from ..core.access import assignment_scope
from ..core.assignments import scoped, status_case
from ..core.units import subtree_unit_ids
from ..models import Assignment, Directive, Occurrence, Task, Unit, UrgingItem, UrgingLetter
from ..rules import status
from ..rules.reporting import Period, Rate


@dataclass
class Filters:
    directive_id: int | None
    unit: Unit | None
    period: Period
    day: date | None = None  # the day asked for (the period holds it)
    date_error: str | None = None  # why the typed day was not used


@dataclass
class UnitRow:
    unit: Unit
    counts: dict = field(default_factory=lambda: {c: 0 for c in status.CLASSES})
    rate: Rate = field(default_factory=lambda: Rate(0, 0, 0))

    @property
    def total(self):
        return sum(self.counts.values())


def _group_of(path: str, root: Unit | None) -> int:
    """The unit a row is counted under: the child of `root` it lies in, root itself, a top unit
    (no root: admins), or, for a unit outside root's subtree, that unit alone."""
    ids = [int(p) for p in path.strip("/").split("/")]
    if root is None:
        return ids[0]
    if path.startswith(root.path):
        depth = root.path.count("/") - 1
        return ids[depth] if len(ids) > depth else root.id
    return ids[-1]


def unit_rows(user, filters: Filters, now, due_soon_days) -> list[UnitRow]:
    """Counts by status class and reporting rates per unit, one level below the unit looked at."""
    root = filters.unit or (None if user.is_admin else user.unit)
    case = status_case(now, due_soon_days)
    counts = (scoped(user, filters.unit, filters.directive_id)
              .select(Unit.path.alias("path"), case.alias("cls"), fn.COUNT(Assignment.id).alias("n"))
              .group_by(Unit.path, SQL("cls")).order_by().dicts())
    rates = reporting_rows(user, filters, now)
    by_group: dict[int, dict] = {}
    for row in counts:
        bucket = by_group.setdefault(_group_of(row["path"], root), {"counts": {}, "rate": Rate(0, 0, 0)})
        bucket["counts"][row["cls"]] = bucket["counts"].get(row["cls"], 0) + row["n"]
    for row in rates:
        bucket = by_group.setdefault(_group_of(row["path"], root), {"counts": {}, "rate": Rate(0, 0, 0)})
        bucket["rate"] = bucket["rate"] + Rate(row["expected"], row["submitted"] or 0, row["on_time"] or 0)
    units = ({u.id: u for u in Unit.select(Unit.id, Unit.name, Unit.sort_name).where(Unit.id.in_(list(by_group)))}
             if by_group else {})
    result = []
    for gid, bucket in by_group.items():
        row = UnitRow(units[gid], rate=bucket["rate"])
        row.counts.update(bucket["counts"])
        result.append(row)
    # What leaders chase first: the most overdue units on top.
    return sorted(result, key=lambda r: (-r.counts[status.OVERDUE], r.unit.sort_name))


def reporting_rows(user, filters: Filters, now):
    """Per unit: occurrences due in the period so far, how many were submitted, and on time."""
    start = datetime.combine(filters.period.start, time.min)
    end = min(datetime.combine(filters.period.end, time.max), now)
    on_time = Case(None, [(Occurrence.submitted_at <= Occurrence.due_at, 1)], 0)
    query = (Occurrence.select(Unit.path.alias("path"), fn.COUNT(Occurrence.id).alias("expected"),
                               fn.COUNT(Occurrence.submitted_at).alias("submitted"),
                               fn.SUM(on_time).alias("on_time"))
             .join(Assignment).join(Task).switch(Assignment).join(Unit)
             .where(assignment_scope(user) & (Occurrence.due_at >= start) & (Occurrence.due_at <= end)))
    if filters.unit is not None:
        query = query.where(Assignment.unit.in_(subtree_unit_ids(filters.unit)))
    if filters.directive_id:
        query = query.where(Task.directive == filters.directive_id)
    return query.group_by(Unit.path).dicts()


def directive_rows(user, filters: Filters, now, due_soon_days):
    """(directive, counts by class) for each directive with assignments in view."""
    case = status_case(now, due_soon_days)
    rows = (scoped(user, filters.unit, filters.directive_id)
            .select(Directive.id.alias("did"), case.alias("cls"), fn.COUNT(Assignment.id).alias("n"))
            .group_by(Directive.id, SQL("cls")).order_by().dicts())
    counts: dict[int, dict] = {}
    for row in rows:
        counts.setdefault(row["did"], {c: 0 for c in status.CLASSES})[row["cls"]] = row["n"]
    directives = (Directive.select(Directive.id, Directive.number, Directive.issued_on, Directive.issued_precision,
                                   Directive.subject).where(Directive.id.in_(list(counts)))
                  if counts else [])
    return sorted(((d, counts[d.id]) for d in directives),
                  key=lambda pair: (-pair[1][status.OVERDUE], -(pair[0].issued_on or date.min).toordinal()))


def overdue(user, filters: Filters, now, due_soon_days):
    """Assignments past due and not done, the longest overdue first."""
    return (scoped(user, filters.unit, filters.directive_id)
            .where(status_case(now, due_soon_days) == status.OVERDUE)
            .order_by(Assignment.due_at, Unit.sort_name))


def due_within(user, filters: Filters, now, days):
    """Assignments not done and due between now and `days` days ahead, soonest first."""
    return (scoped(user, filters.unit, filters.directive_id)
            .where(Assignment.done_at.is_null() & (Assignment.due_at >= now)
                   & (Assignment.due_at <= now + timedelta(days=days)))
            .order_by(Assignment.due_at, Unit.sort_name))


def with_days_overdue(assignments, now) -> list[tuple]:
    """(assignment, whole days past its due time) pairs."""
    return [(a, max(0, (now - a.due_at).days)) for a in assignments]


def last_urged(assignments) -> dict:
    """{assignment id: the date of the latest urging letter naming it} for a page of the list."""
    ids = [a.id for a in assignments]
    if not ids:
        return {}
    rows = (UrgingItem.select(UrgingItem.assignment, fn.MAX(UrgingLetter.letter_date))
            .join(UrgingLetter).where(UrgingItem.assignment.in_(ids)).group_by(UrgingItem.assignment).tuples())
    return {aid: _date(day) for aid, day in rows}


def _date(value):
    """Aggregates come back as text from SQLite and as dates from PostgreSQL."""
    return date.fromisoformat(value) if isinstance(value, str) else value
