"""The leaders' summary: counts by status class per unit and per directive, overdue and due-soon
lists, reporting rates per unit and period, the partners' inputs, and the unit scorecard. Counting
is done in SQL; Python only folds the per-unit rows (a few hundred at most) into the units one level
below the unit looked at.

No double counting (core.assignments.in_view): the counts are those of the assignments passed to the
units in view from outside the subtree looked at; what a unit passed down inside it is shown when
the leader expands that unit (Filters.delegated). "As of" a moment (Filters.as_of) the counts follow
the monthly report's rule: a completion or report after the moment has not happened yet.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import SQL, Case, fn

from ..core.access import assignment_scope, cooperation_scope
from ..core.assignments import existed_by, scoped, status_case
from ..core.cooperation import sent_condition
from ..core.units import subtree_unit_ids
from ..models import (
    Assignment,
    Cooperation,
    Directive,
    Extension,
    Occurrence,
    Task,
    Unit,
    Update,
    UrgingItem,
    UrgingLetter,
)
from ..rules import status
from ..rules.reporting import Period, Rate


@dataclass
class Filters:
    directive_id: int | None
    unit: Unit | None
    period: Period
    day: date | None = None  # the day asked for (the period holds it)
    date_error: str | None = None  # why the typed day was not used
    delegated: bool = False  # the expanded view: only what units passed down inside the unit looked at
    as_of: datetime | None = None  # None: now


@dataclass
class UnitRow:
    unit: Unit
    counts: dict = field(default_factory=lambda: {c: 0 for c in status.CLASSES})
    rate: Rate = field(default_factory=lambda: Rate(0, 0, 0))
    children: tuple = (0, 0)  # (done, total) of what units of this row passed down inside it
    partners: tuple = (0, 0)  # (sent, asked) of this row's units' cooperations

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


def _root(user, filters: Filters):
    return filters.unit or (None if user.is_admin else user.unit)


def _scoped(user, filters: Filters):
    query = scoped(user, filters.unit, filters.directive_id, filters.delegated)
    # As of a moment, as the monthly report counts: only the tasks that existed then.
    return query.where(existed_by(filters.as_of)) if filters.as_of else query


def unit_rows(user, filters: Filters, now, due_soon_days) -> list[UnitRow]:
    """Counts by status class, reporting rates, what each unit passed down and its partners' inputs,
    one level below the unit looked at."""
    root = _root(user, filters)
    case = status_case(now, due_soon_days)
    counts = (_scoped(user, filters)
              .select(Unit.path.alias("path"), case.alias("cls"), fn.COUNT(Assignment.id).alias("n"))
              .group_by(Unit.path, SQL("cls")).order_by().dicts())
    # The expanded view counts what was passed down: reports and partners stay with the units' own view.
    rates = [] if filters.delegated else reporting_rows(user, filters, now)
    by_group: dict[int, dict] = {}

    def bucket(path):
        return by_group.setdefault(_group_of(path, root), {"counts": {}, "rate": Rate(0, 0, 0), "children": [0, 0],
                                                          "partners": [0, 0]})
    for row in counts:
        b = bucket(row["path"])
        b["counts"][row["cls"]] = b["counts"].get(row["cls"], 0) + row["n"]
    for row in rates:
        b = bucket(row["path"])
        b["rate"] = b["rate"] + Rate(row["expected"], row["submitted"] or 0, row["on_time"] or 0)
    if not filters.delegated:
        for row in delegated_rows(user, filters, now):
            b = bucket(row["path"])
            b["children"][0] += row["done"] or 0
            b["children"][1] += row["total"]
    for row in ([] if filters.delegated else partner_rows(user, filters)):
        b = bucket(row["path"])
        b["partners"][0] += row["sent"] or 0
        b["partners"][1] += row["asked"]
    units = ({u.id: u for u in Unit.select(Unit.id, Unit.name, Unit.sort_name).where(Unit.id.in_(list(by_group)))}
             if by_group else {})
    result = []
    for gid, b in by_group.items():
        row = UnitRow(units[gid], rate=b["rate"], children=tuple(b["children"]), partners=tuple(b["partners"]))
        row.counts.update(b["counts"])
        result.append(row)
    # What leaders chase first: the most overdue units on top.
    return sorted(result, key=lambda r: (-r.counts[status.OVERDUE], r.unit.sort_name))


def delegated_rows(user, filters: Filters, now):
    """Per unit path: the sub-assignments passed down inside the view, done (as of now) and total."""
    done = Case(None, [(Assignment.done_at.is_null(False) & (Assignment.done_at <= now), 1)], 0)
    return (scoped(user, filters.unit, filters.directive_id, delegated=True)
            .select(Unit.path.alias("path"), fn.SUM(done).alias("done"), fn.COUNT(Assignment.id).alias("total"))
            .group_by(Unit.path).order_by().dicts())


def partner_rows(user, filters: Filters):
    """Per partner unit path: cooperations asked of it and those answered (sent)."""
    sent = fn.SUM(Case(None, [(sent_condition(), 1)], 0))
    query = (Cooperation.select(Unit.path.alias("path"), fn.COUNT(Cooperation.id).alias("asked"), sent.alias("sent"))
             .join(Unit).switch(Cooperation).join(Task)
             .where(cooperation_scope(user, filters.unit) & _partner_visible(user)))
    if filters.directive_id:
        query = query.where(Task.directive == filters.directive_id)
    return query.group_by(Unit.path).order_by().dicts()


def _partner_visible(user):
    """Leaders also follow the partners of the directives issued inside their subtree."""
    if user.is_admin or not user.is_leader:
        return True
    issued_inside = Directive.select(Directive.id).where(Directive.issuer.in_(subtree_unit_ids(user.unit)))
    return Cooperation.unit.in_(subtree_unit_ids(user.unit)) | Task.directive.in_(issued_inside)


def reporting_rows(user, filters: Filters, now):
    """Per unit: occurrences due in the period so far, how many were submitted (by now), and on time."""
    start = datetime.combine(filters.period.start, time.min)
    end = min(datetime.combine(filters.period.end, time.max), now)
    submitted = Occurrence.submitted_at.is_null(False) & (Occurrence.submitted_at <= now)
    on_time = Case(None, [(submitted & (Occurrence.submitted_at <= Occurrence.due_at), 1)], 0)
    query = (Occurrence.select(Unit.path.alias("path"), fn.COUNT(Occurrence.id).alias("expected"),
                               fn.SUM(Case(None, [(submitted, 1)], 0)).alias("submitted"),
                               fn.SUM(on_time).alias("on_time"))
             .join(Assignment).join(Task).switch(Assignment).join(Unit)
             .where(assignment_scope(user) & (Occurrence.due_at >= start) & (Occurrence.due_at <= end)))
    if filters.unit is not None:
        query = query.where(Assignment.unit.in_(subtree_unit_ids(filters.unit)))
    if filters.directive_id:
        query = query.where(Task.directive == filters.directive_id)
    return query.group_by(Unit.path).dicts()


def directive_rows(user, filters: Filters, now, due_soon_days):
    """(directive, counts by class, (partners sent, asked)) for each directive with assignments in view."""
    case = status_case(now, due_soon_days)
    rows = (_scoped(user, filters)
            .select(Directive.id.alias("did"), case.alias("cls"), fn.COUNT(Assignment.id).alias("n"))
            .group_by(Directive.id, SQL("cls")).order_by().dicts())
    counts: dict[int, dict] = {}
    for row in rows:
        counts.setdefault(row["did"], {c: 0 for c in status.CLASSES})[row["cls"]] = row["n"]
    sent = fn.SUM(Case(None, [(sent_condition(), 1)], 0))
    partner_query = (Cooperation.select(Task.directive.alias("did"), fn.COUNT(Cooperation.id).alias("asked"),
                                        sent.alias("sent"))
                     .join(Task).where(cooperation_scope(user, filters.unit) & _partner_visible(user)
                                       & Task.directive.in_(list(counts) or [0]))
                     .group_by(Task.directive).dicts())
    partners = {r["did"]: (r["sent"] or 0, r["asked"]) for r in partner_query}
    directives = (Directive.select(Directive.id, Directive.number, Directive.issued_on, Directive.issued_precision,
                                   Directive.subject).where(Directive.id.in_(list(counts)))
                  if counts else [])
    return sorted(((d, counts[d.id], partners.get(d.id, (0, 0))) for d in directives),
                  key=lambda row: (-row[1][status.OVERDUE], -(row[0].issued_on or date.min).toordinal()))


def overdue(user, filters: Filters, now, due_soon_days):
    """Assignments past due and not done, the longest overdue first."""
    return (_scoped(user, filters)
            .where(status_case(now, due_soon_days) == status.OVERDUE)
            .order_by(Assignment.due_at, Unit.sort_name))


def due_within(user, filters: Filters, now, days):
    """Assignments not done nor reported done, due between now and `days` days ahead, soonest first."""
    not_done = Assignment.done_at.is_null() | (Assignment.done_at > now)
    not_reported = Assignment.reported_at.is_null() | (Assignment.reported_at > now)
    return (_scoped(user, filters)
            .where(not_done & not_reported & (Assignment.due_at >= now)
                   & (Assignment.due_at <= now + timedelta(days=days)))
            .order_by(Assignment.due_at, Unit.sort_name))


def with_days_overdue(assignments, now) -> list[tuple]:
    """(assignment, whole days past its due time, to now or to when it was reported done) pairs."""
    return [(a, status.days_late(a.due_at, a.reported_at, now)) for a in assignments]


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


# --- The unit scorecard (xếp hạng đơn vị) ----------------------------------------------------

@dataclass
class ScoreRow:
    """One unit's figures over a period. Late days are averaged over the assignments due in the
    period that were done late or are still open past due (to now, or to a report that waits)."""
    unit: Unit
    due: int = 0
    on_time: int = 0
    overdue_now: int = 0
    late_days: int = 0
    late: int = 0
    returned: int = 0
    extensions: int = 0
    rate: Rate = field(default_factory=lambda: Rate(0, 0, 0))

    @property
    def on_time_rate(self):
        return 100.0 * self.on_time / self.due if self.due else None

    @property
    def average_days_late(self):
        return self.late_days / self.late if self.late else None

    @property
    def reporting_rate(self):
        return self.rate.rate

    def value(self, key):
        return getattr(self, key)


SCORE_KEYS = {
    "due": "Việc đến hạn trong kỳ",
    "on_time_rate": "Hoàn thành đúng hạn (%)",
    "overdue_now": "Đang quá hạn",
    "average_days_late": "Số ngày trễ bình quân",
    "returned": "Số lần bị trả lại",
    "extensions": "Số lần xin gia hạn",
    "reporting_rate": "Tỷ lệ báo cáo định kỳ (%)",
}


def scorecard(user, filters: Filters, now, due_soon_days) -> list[ScoreRow]:
    """The figures per unit one level below the unit looked at, for the period, as of now."""
    root = _root(user, filters)
    start = datetime.combine(filters.period.start, time.min)
    end = datetime.combine(filters.period.end, time.max)
    rows: dict[int, ScoreRow] = {}

    def row(path) -> ScoreRow:
        gid = _group_of(path, root)
        return rows.setdefault(gid, ScoreRow(None))
    in_period = (Assignment.due_at >= start) & (Assignment.due_at <= end)
    for r in (_scoped(user, filters).select(Unit.path, Assignment.due_at, Assignment.done_at, Assignment.reported_at)
              .where(in_period).order_by().dicts()):
        target = row(r["path"])
        target.due += 1
        done = r["done_at"] if r["done_at"] and r["done_at"] <= now else None
        cls = status.classify(r["due_at"], done, now, due_soon_days, r["reported_at"])
        if cls == status.DONE_ON_TIME:
            target.on_time += 1
        elif cls in (status.DONE_LATE, status.OVERDUE):
            target.late += 1
            target.late_days += status.days_late(r["due_at"], done or r["reported_at"], now)
    for r in (_scoped(user, filters).select(Unit.path.alias("path"), fn.COUNT(Assignment.id).alias("n"))
              .where(status_case(now, due_soon_days) == status.OVERDUE).group_by(Unit.path).order_by().dicts()):
        row(r["path"]).overdue_now += r["n"]
    returned = (_scoped(user, filters).join_from(Assignment, Update)
                .select(Unit.path.alias("path"), fn.COUNT(Update.id).alias("n"))
                .where((Update.kind == "returned") & (Update.created_at >= start) & (Update.created_at <= min(end, now)))
                .group_by(Unit.path).order_by().dicts())
    for r in returned:
        row(r["path"]).returned += r["n"]
    asked = (_scoped(user, filters).join_from(Assignment, Extension)
             .select(Unit.path.alias("path"), fn.COUNT(Extension.id).alias("n"))
             .where((Extension.requested_at >= start) & (Extension.requested_at <= min(end, now)))
             .group_by(Unit.path).order_by().dicts())
    for r in asked:
        row(r["path"]).extensions += r["n"]
    for r in reporting_rows(user, filters, now):
        target = row(r["path"])
        target.rate = target.rate + Rate(r["expected"], r["submitted"] or 0, r["on_time"] or 0)
    units = ({u.id: u for u in Unit.select(Unit.id, Unit.name, Unit.sort_name).where(Unit.id.in_(list(rows)))}
             if rows else {})
    for gid, r in rows.items():
        r.unit = units[gid]
    return sorted(rows.values(), key=lambda r: r.unit.sort_name)


def sort_scorecard(rows: list[ScoreRow], key: str, descending: bool) -> list[ScoreRow]:
    """Sorted by one figure; units without that figure (nothing due, no report) last either way."""
    if key not in SCORE_KEYS:
        return rows
    present = [r for r in rows if r.value(key) is not None]
    missing = [r for r in rows if r.value(key) is None]
    present.sort(key=lambda r: (r.value(key), r.unit.sort_name), reverse=descending)
    return present + missing
