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

from peewee import JOIN, SQL, Case, Select, fn

from ..core import tallies
from ..core.access import assignment_scope, cooperation_scope, sees_everything
from ..core.assignments import existed_by, scoped, status_case
from ..core.cooperation import sent_condition
from ..core.units import group_of_sql, subtree_unit_ids, whole_days
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


def _by_tallies(filters: Filters) -> bool:
    """Counts over whole directives come from the database's tallies (core/tallies); one directive's
    few assignments are counted directly, and so is every count "as of" a moment, which leaves out the
    directives issued after it (existed_by), as the monthly report does."""
    return not filters.directive_id and not filters.as_of


def unit_rows(user, filters: Filters, now, due_soon_days, rates=True) -> list[UnitRow]:
    """Counts by status class, reporting rates, what each unit passed down and its partners' inputs,
    one level below the unit looked at, the most overdue first: all of them."""
    return unit_rows_page(user, filters, now, due_soon_days, 0, None, rates)[0]


def unit_rows_page(user, filters: Filters, now, due_soon_days, offset: int, size: int | None,
                   rates=True) -> tuple[list[UnitRow], int]:
    """A slice of unit_rows and how many rows there are. Over whole directives the groups are
    summed and ranked in SQL from the tallies, and only the slice is read with its rates."""
    root = _root(user, filters)
    group = group_of_sql(root)
    # The expanded view counts what was passed down: reports and partners stay with the units' own view.
    children = {} if filters.delegated else {
        r["gid"]: (r["done"] or 0, r["total"]) for r in delegated_rows(user, filters, now, group)}
    partners = {} if filters.delegated else {
        r["gid"]: (r["sent"] or 0, r["asked"]) for r in partner_rows(user, filters, group)}
    if _by_tallies(filters):
        limit = None if size is None else offset + size
        counted, total = tallies.ranked_units(user, filters.unit, filters.delegated, now, due_soon_days, group, limit)
        extra = (set(children) | set(partners)) - {gid for gid, _ in counted}
        if extra:  # units with partners' inputs or passed-down work only: no count of their own
            extra -= {gid for gid, _ in tallies.ranked_units(user, filters.unit, filters.delegated, now,
                                                            due_soon_days, group, None, only=extra)[0]}
            total += len(extra)
    else:
        case = status_case(now, due_soon_days)
        by_gid: dict[int, dict] = {}
        for gid, cls, n in (_scoped(user, filters).select(group.alias("gid"), case.alias("cls"), fn.COUNT(Assignment.id))
                            .group_by(SQL("gid"), SQL("cls")).order_by().tuples()):
            by_gid.setdefault(gid, {c: 0 for c in status.CLASSES})[cls] += n
        counted = list(by_gid.items())
        extra = (set(children) | set(partners)) - set(by_gid)
        total = len(counted) + len(extra)
    pairs = counted + [(gid, {c: 0 for c in status.CLASSES}) for gid in extra]
    units = ({u.id: u for u in Unit.select(Unit.id, Unit.name, Unit.sort_name).where(Unit.id.in_([g for g, _ in pairs]))}
             if pairs else {})
    # What leaders chase first: the most overdue units on top.
    pairs.sort(key=lambda p: (-p[1][status.OVERDUE], units[p[0]].sort_name))
    pairs = pairs[offset:] if size is None else pairs[offset:offset + size]
    rate_of = {}
    if rates and not filters.delegated and pairs:
        for gid, expected, submitted, on_time in reporting_by(user, filters, now, due_soon_days, group,
                                                              [g for g, _ in pairs]).tuples():
            rate_of[gid] = Rate(expected, submitted or 0, on_time or 0)
    rows = []
    for gid, counts in pairs:
        row = UnitRow(units[gid], rate=rate_of.get(gid, Rate(0, 0, 0)), children=children.get(gid, (0, 0)),
                      partners=partners.get(gid, (0, 0)))
        row.counts.update(counts)
        rows.append(row)
    return rows, total


def rate_rows_page(user, filters: Filters, now, due_soon_days, offset: int, size: int) -> tuple[list[UnitRow], int]:
    """The reporting rates of the units one level below the unit looked at, by name, a slice (ranked
    in SQL: only the slice is read)."""
    group = group_of_sql(_root(user, filters))
    sums = reporting_by(user, filters, now, due_soon_days, group).alias("r")
    g = Unit.alias("g")
    rows = list(Select([sums], [g.id, g.name, g.sort_name, sums.c.expected, sums.c.submitted, sums.c.on_time,
                                fn.COUNT(SQL("*")).over()])
                .join(g, JOIN.CROSS).where(g.id == sums.c.gid)
                .order_by(g.sort_name, g.id).offset(offset).limit(size).bind(Unit._meta.database).tuples())
    return ([UnitRow(Unit(id=r[0], name=r[1], sort_name=r[2]), rate=Rate(r[3], r[4] or 0, r[5] or 0)) for r in rows],
            rows[0][-1] if rows else 0)


def delegated_rows(user, filters: Filters, now, group=None):
    """Per unit path (or `group`): the sub-assignments passed down inside the view, done (as of
    now) and total."""
    done = Case(None, [(Assignment.done_at.is_null(False) & (Assignment.done_at <= now), 1)], 0)
    key = group if group is not None else Unit.path
    return (scoped(user, filters.unit, filters.directive_id, delegated=True)
            .select(key.alias("gid" if group is not None else "path"), fn.SUM(done).alias("done"),
                    fn.COUNT(Assignment.id).alias("total"))
            .group_by(SQL("gid") if group is not None else Unit.path).order_by().dicts())


def partner_rows(user, filters: Filters, group=None):
    """Per partner unit path (or `group`): cooperations asked of it and those answered (sent)."""
    sent = fn.SUM(Case(None, [(sent_condition(), 1)], 0))
    key = group if group is not None else Unit.path
    query = (Cooperation.select(key.alias("gid" if group is not None else "path"),
                                fn.COUNT(Cooperation.id).alias("asked"), sent.alias("sent"))
             .join(Unit).switch(Cooperation).join(Task)
             .where(cooperation_scope(user, filters.unit)))
    if filters.directive_id:
        query = query.where(Task.directive == filters.directive_id)
    return query.group_by(SQL("gid") if group is not None else Unit.path).order_by().dicts()


def _reporting_scope(user, filters: Filters):
    condition = assignment_scope(user)
    if filters.unit is not None:
        condition = condition & Assignment.unit.in_(subtree_unit_ids(filters.unit))
    if filters.directive_id:
        condition = condition & (Task.directive == filters.directive_id)
    return condition


def reporting_by(user, filters: Filters, now, due_soon_days, group, only=None):
    """(group, expected, submitted, on_time) for the occurrences due in the period so far (core/tallies);
    `only`: these groups."""
    where = _reporting_scope(user, filters)
    if only is not None:
        where = where & group.in_(list(only))
    return tallies.reporting(now, due_soon_days, filters.period, where, [group.alias("gid")])


def reporting_rows(user, filters: Filters, now, due_soon_days=3):
    """Per unit: occurrences due in the period so far, how many were submitted (by now), and on time."""
    return tallies.reporting(now, due_soon_days, filters.period, _reporting_scope(user, filters)).dicts()


def reporting_recount(user, filters: Filters, now):
    """reporting_rows counted from the occurrences themselves (the tallies' check)."""
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
    """(directive, counts by class, (partners sent, asked)) for each directive with assignments in
    view, the most overdue first (the newest first among equals)."""
    counts: dict[int, dict] = {}
    if filters.directive_id or filters.as_of or filters.unit is not None or not (user.is_admin or user.is_leader):
        outside = _scoped(user, filters)  # one directive, one unit's subtree, or as of a moment: counted
    else:
        root = _root(user, filters)
        inside = None if sees_everything(user) else user.unit
        counts = tallies.directive_counts(user, root, filters.delegated, now, due_soon_days, issued_inside=inside)
        outside = None
        if inside is not None:  # directives issued above the leader: only the part inside the subtree
            issued_inside = Directive.select(Directive.id).where(Directive.issuer.in_(subtree_unit_ids(user.unit)))
            outside = _scoped(user, filters).where(Task.directive.not_in(issued_inside))
    if outside is not None:
        case = status_case(now, due_soon_days)
        for did, cls, n in (outside.select(Directive.id.alias("did"), case.alias("cls"), fn.COUNT(Assignment.id))
                            .group_by(Directive.id, SQL("cls")).order_by().tuples()):
            counts.setdefault(did, {c: 0 for c in status.CLASSES})[cls] += n
    directives = (Directive.select(Directive.id, Directive.number, Directive.issued_on, Directive.issued_precision,
                                   Directive.subject).where(Directive.id.in_(list(counts)))
                  if counts else [])
    return sorted(((d, counts[d.id]) for d in directives),
                  key=lambda row: (-row[1][status.OVERDUE], -(row[0].issued_on or date.min).toordinal()))


def directive_rows_page(user, filters: Filters, now, due_soon_days, offset: int, size: int):
    """A slice of directive_rows and how many there are; for the whole tree ranked in SQL."""
    if not (filters.directive_id or filters.as_of or filters.unit is not None) and (
            user.is_admin or sees_everything(user)):
        return tallies.ranked_directives(_root(user, filters), filters.delegated, now, due_soon_days, offset, size)
    rows = directive_rows(user, filters, now, due_soon_days)
    return rows[offset:offset + size], len(rows)


def directive_partners(user, filters: Filters, directive_ids) -> dict:
    """{directive id: (partners sent, asked)} for the directives shown."""
    if not directive_ids:
        return {}
    sent = fn.SUM(Case(None, [(sent_condition(), 1)], 0))
    rows = (Cooperation.select(Task.directive.alias("did"), fn.COUNT(Cooperation.id).alias("asked"),
                               sent.alias("sent"))
            .join(Task).where(cooperation_scope(user, filters.unit)
                              & Task.directive.in_(list(directive_ids)))
            .group_by(Task.directive).dicts())
    return {r["did"]: (r["sent"] or 0, r["asked"]) for r in rows}


def overdue_total(user, filters: Filters, now, due_soon_days) -> int:
    """How many are overdue (the dashboard's heading, the overdue list's pages)."""
    if _by_tallies(filters):
        return tallies.status_counts(user, filters.unit, filters.delegated, now, due_soon_days)[status.OVERDUE]
    return overdue(user, filters, now, due_soon_days).count()


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
    """The figures per unit one level below the unit looked at, for the period, as of now: summed in
    SQL per unit (the assignments due in the period, returns, extension requests), the overdue
    counts from the tallies."""
    root = _root(user, filters)
    group = group_of_sql(root)
    start = datetime.combine(filters.period.start, time.min)
    end = datetime.combine(filters.period.end, time.max)
    rows: dict[int, ScoreRow] = {}

    def row(gid) -> ScoreRow:
        return rows.setdefault(gid, ScoreRow(None))
    in_period = (Assignment.due_at >= start) & (Assignment.due_at <= end)
    cls = status_case(now, due_soon_days)
    late = cls.in_([status.DONE_LATE, status.OVERDUE])
    # status.days_late to the completion (as of now), else to a report that waits, else to now.
    done = Case(None, [(Assignment.done_at <= now, Assignment.done_at)])
    finished = fn.COALESCE(done, Assignment.reported_at)
    until = Case(None, [(finished.is_null(False) & (finished <= now), finished)], now)
    for gid, due, on_time, n_late, days in (
            _scoped(user, filters).select(group.alias("gid"), fn.COUNT(Assignment.id),
                                          fn.SUM(Case(None, [(cls == status.DONE_ON_TIME, 1)], 0)),
                                          fn.SUM(Case(None, [(late, 1)], 0)),
                                          fn.SUM(Case(None, [(late & (until > Assignment.due_at),
                                                              whole_days(Assignment.due_at, until))], 0)))
            .where(in_period).group_by(SQL("gid")).order_by().tuples()):
        target = row(gid)
        target.due, target.on_time, target.late, target.late_days = due, on_time or 0, n_late or 0, int(days or 0)
    if _by_tallies(filters):
        overdue_counts = [(gid, counts[status.OVERDUE]) for gid, counts in
                          tallies.ranked_units(user, filters.unit, filters.delegated, now, due_soon_days, group,
                                               None)[0] if counts[status.OVERDUE]]
    else:
        overdue_counts = (_scoped(user, filters).select(group.alias("gid"), fn.COUNT(Assignment.id))
                          .where(cls == status.OVERDUE).group_by(SQL("gid")).order_by().tuples())
    for gid, n in overdue_counts:
        row(gid).overdue_now += n
    returned = (_scoped(user, filters).join_from(Assignment, Update)
                .select(group.alias("gid"), fn.COUNT(Update.id))
                .where((Update.kind == "returned") & (Update.created_at >= start) & (Update.created_at <= min(end, now)))
                .group_by(SQL("gid")).order_by().tuples())
    for gid, n in returned:
        row(gid).returned += n
    asked = (_scoped(user, filters).join_from(Assignment, Extension)
             .select(group.alias("gid"), fn.COUNT(Extension.id))
             .where((Extension.requested_at >= start) & (Extension.requested_at <= min(end, now)))
             .group_by(SQL("gid")).order_by().tuples())
    for gid, n in asked:
        row(gid).extensions += n
    for gid, expected, submitted, on_time in reporting_by(user, filters, now, due_soon_days, group).tuples():
        target = row(gid)
        target.rate = target.rate + Rate(expected, submitted or 0, on_time or 0)
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
