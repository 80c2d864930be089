"""Counts the database keeps, so that the pages that count never scan every assignment.

The tallies (models.UnitTally, DirectiveTally) hold how many assignments there are per lead unit,
assigning unit, issuer and status class, and per directive, assigning unit and status class, as of
one moment: TallyClock.counted_at ("W"). Triggers on assignment, task and directive (migrations.py,
TALLY_TRIGGERS) change them in the same transaction as every write, whoever writes (the app, a
bulk insert, a restore, the demo).

A status class changes with time only at a few moments of each assignment: its due time less the
due-soon days, its due time, its completion, its report. Counting as of another moment M is
therefore the tally plus, for the assignments with such a moment between W and M (an indexed
window), their class at M less their class at W: one SQL statement, which also reads W, so that it
sees one consistent state. When W falls behind by more than KEEP_FOR, the next page that counts
moves it to now (sweep); when it is missing, or counted with another number of due-soon days, the
tallies are counted again from the data (rebuild). check() compares them with a recount.
"""
import operator
import threading
from datetime import date, datetime, time, timedelta
from functools import reduce

from peewee import JOIN, SQL, Case, Select, Value, fn
from peewee import EXCLUDED

from ..db import database, is_sqlite
from ..models import (
    Assignment,
    Directive,
    DirectiveTally,
    Occurrence,
    OccurrenceTally,
    TallyClock,
    Task,
    Unit,
    UnitTally,
)
from ..rules import status
from .access import sees_everything
from .assignments import class_case, view_root
from .units import subtree_unit_ids

KEEP_FOR = timedelta(minutes=10)


# --- Statements compiled once -------------------------------------------------------------------
# The reads below are long statements (two moments' classes, a window, a union): peewee takes a
# few milliseconds to write each. Each is written once per shape (who looks, from where), with
# slots for the moments, and run with them filled in.

class _Slot:
    """A parameter of a cached statement filled in when it runs."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


NOW, SOON = _Slot("now"), _Slot("soon")
_statements: dict = {}


def _run(key, build, now, soon) -> list[tuple]:
    """Rows of the statement build() writes (with NOW and SOON for the moments), kept per key."""
    key = (database.param, *key)
    statement = _statements.get(key)
    if statement is None:
        if len(_statements) > 1000:
            _statements.clear()
        statement = _statements[key] = build().sql()
    sql, params = statement
    values = {NOW: now, SOON: soon}
    return database.execute_sql(sql, [values[p] if isinstance(p, _Slot) else p for p in params]).fetchall()


def _scope_key(user, unit, delegated) -> tuple:
    """What scope_condition's statement depends on."""
    return (user.role, user.unit_id, user.unit.path, unit.id if unit else None, unit.path if unit else None,
            bool(delegated), sees_everything(user))


TALLY_LOCK = 170017  # the advisory lock of migrations.TALLY_TRIGGERS (PostgreSQL)


# --- Keeping them ---------------------------------------------------------------------------

def _lock() -> None:
    """Inside a write transaction: no trigger runs until it ends (SQLite: the write lock is ours)."""
    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (TALLY_LOCK,))


def _clock() -> TallyClock | None:
    return TallyClock.select().order_by(TallyClock.id).first()


# The connection (and due-soon days) for which this thread last saw the tallies ready: the reads
# of a request after keep_up need not ask again. A new connection is a new object: asked again.
_seen = threading.local()


def _mark_ready(due_soon_days: int) -> None:
    _seen.key = (database.connection(), due_soon_days)


def _known_ready(due_soon_days: int) -> bool:
    key = getattr(_seen, "key", None)
    return key is not None and key[0] is database.connection() and key[1] == due_soon_days


def keep_up(now: datetime, due_soon_days: int) -> None:
    """Make sure the tallies exist for this number of due-soon days and are no older than KEEP_FOR
    (either way from now): a write, at most every KEEP_FOR, by the page that finds them stale."""
    clock = _clock()
    if clock is not None and clock.counted_at is not None and clock.due_soon_days == due_soon_days \
            and abs(now - clock.counted_at) <= KEEP_FOR:
        _mark_ready(due_soon_days)
        return
    with database.atomic():
        _lock()
        clock = _clock()
        if clock is None or clock.counted_at is None or clock.due_soon_days != due_soon_days:
            _rebuild(clock, now, due_soon_days)
        elif abs(now - clock.counted_at) > KEEP_FOR:
            _sweep(clock, now, due_soon_days)
    _mark_ready(due_soon_days)


def rebuild(now: datetime, due_soon_days: int) -> None:
    """Count every tally again from the data, as of now."""
    with database.atomic():
        _lock()
        _rebuild(_clock(), now, due_soon_days)


def _rebuild(clock, now, due_soon_days) -> None:
    soon = now + timedelta(days=due_soon_days)
    UnitTally.delete().execute()
    DirectiveTally.delete().execute()
    cls = class_case(Assignment, now, soon)
    assigner = fn.COALESCE(Assignment.assigned_by, 0)
    base = Assignment.select().join(Task).join(Directive)
    UnitTally.insert_from(
        base.select(Assignment.unit, assigner, Directive.issuer, cls, fn.COUNT(Assignment.id))
        .group_by(Assignment.unit, assigner, Directive.issuer, cls),
        [UnitTally.unit_id, UnitTally.assigner_id, UnitTally.issuer_id, UnitTally.cls, UnitTally.n]).execute()
    DirectiveTally.insert_from(
        base.select(Task.directive, assigner, cls, fn.COUNT(Assignment.id)).group_by(Task.directive, assigner, cls),
        [DirectiveTally.directive_id, DirectiveTally.assigner_id, DirectiveTally.cls, DirectiveTally.n]).execute()
    OccurrenceTally.delete().execute()
    ocls = occurrence_case(Occurrence, now)
    for period in PERIODS:
        start = period_start(period, Occurrence.due_at)
        OccurrenceTally.insert_from(
            Occurrence.select(Occurrence.assignment, Value(period), start, ocls, fn.COUNT(Occurrence.id))
            .where(Occurrence.due_at <= now).group_by(Occurrence.assignment, start, ocls),
            [OccurrenceTally.assignment_id, OccurrenceTally.period, OccurrenceTally.start, OccurrenceTally.cls,
             OccurrenceTally.n]).execute()
    _set_clock(clock, now, soon, due_soon_days)


def _set_clock(clock, now, soon, due_soon_days) -> None:
    if clock is None:
        TallyClock.create(counted_at=now, soon_at=soon, due_soon_days=due_soon_days)
    else:
        (TallyClock.update(counted_at=now, soon_at=soon, due_soon_days=due_soon_days)
         .where(TallyClock.id == clock.id).execute())


def _sweep(clock, now, due_soon_days) -> None:
    """Move the tallies from W to now: only the assignments whose class may differ between them."""
    soon = now + timedelta(days=due_soon_days)
    moments = Moments(now, soon, clock.counted_at, clock.soon_at)
    for tally, keys in ((UnitTally, UNIT_KEYS), (DirectiveTally, DIRECTIVE_KEYS)):
        changes = _changes(keys, moments)
        columns = [SQL(f'"{k}"') for k in (*keys, "cls")]
        outer = changes.select_from(*columns, fn.SUM(SQL('"n"'))).group_by(*columns).having(fn.SUM(SQL('"n"')) != 0)
        fields = [getattr(tally, k) for k in keys] + [tally.cls, tally.n]
        (tally.insert_from(outer, fields)
         .on_conflict(conflict_target=fields[:-1], update={tally.n: tally.n + EXCLUDED.n}).execute())
        tally.delete().where(tally.n == 0).execute()
    fields = [OccurrenceTally.assignment_id, OccurrenceTally.period, OccurrenceTally.start, OccurrenceTally.cls,
              OccurrenceTally.n]
    for period in PERIODS:
        changes = _occurrence_changes(now, clock.counted_at, period=period)
        columns = [SQL(f'"{k}"') for k in ("assignment_id", "period", "start", "cls")]
        outer = changes.select_from(*columns, fn.SUM(SQL('"n"'))).group_by(*columns).having(fn.SUM(SQL('"n"')) != 0)
        (OccurrenceTally.insert_from(outer, fields)
         .on_conflict(conflict_target=fields[:-1], update={OccurrenceTally.n: OccurrenceTally.n + EXCLUDED.n})
         .execute())
    OccurrenceTally.delete().where(OccurrenceTally.n == 0).execute()
    _set_clock(clock, now, soon, due_soon_days)


# --- Reports (occurrences) -----------------------------------------------------------------

PERIODS = ("week", "month")


def occurrence_case(model, moment):
    """How an occurrence stands at `moment`: None (not due yet), on time, late, or missing (owed)."""
    submitted = model.submitted_at.is_null(False) & (model.submitted_at <= moment)
    return Case(None, [(model.due_at > moment, None),
                       (submitted & (model.submitted_at <= model.due_at), "on_time"),
                       (submitted, "late")], "missing")


def period_start(period: str, column):
    """The first day of the week (Monday) or month of a timestamp, in SQL (migrations.period_start_sql)."""
    if is_sqlite():
        return (fn.date(column, "start of month") if period == "month"
                else fn.date(column, "weekday 0", "-6 days"))
    return fn.date_trunc(period, column).cast("date")


def _clock_value(column):
    """The tallies' moment inside a read: a subquery of one value, computed once per statement (an
    index can be searched with it; a join with the clock's table hid it from PostgreSQL's planner)."""
    return TallyClock.select(fn.MAX(column))


def _occurrence_changes(now, counted_at, period=None, due_from=None, due_to=None):
    """(assignment_id[, period, start], cls, n): +1 at the standing now and -1 at W for the
    occurrences due or submitted between the two moments, optionally only those due in a range."""
    def low(x, y):
        return Case(None, [(x < y, x)], y)

    def high(x, y):
        return Case(None, [(x > y, x)], y)
    lo, hi = low(counted_at, now), high(counted_at, now)
    parts = []
    for moment, sign in ((now, 1), (counted_at, -1)):
        cls = occurrence_case(Occurrence, moment)
        selected = [Occurrence.assignment.alias("assignment_id")]
        if period:
            selected += [Value(period).alias("period"), period_start(period, Occurrence.due_at).alias("start")]
        selected += [cls.alias("cls"), Value(sign).alias("n")]
        query = Occurrence.select(*selected)
        if due_from is None:
            window = Occurrence.due_at.between(lo, hi) | Occurrence.submitted_at.between(lo, hi)
        else:
            # Each branch keeps to its own index: due in both ranges, or submitted in the window.
            window = (Occurrence.due_at.between(high(lo, due_from), low(hi, due_to))
                      | (Occurrence.submitted_at.between(lo, hi) & Occurrence.due_at.between(due_from, due_to)))
        parts.append(query.where(window & cls.is_null(False)))
    return parts[0].union_all(parts[1])


def reporting(now, due_soon_days, period, where=None, group=None):
    """Occurrences due in the period (a rules.reporting.Period) up to now: (group…, expected,
    submitted, on_time) per group, `group` being columns of Assignment/Task/Directive/Unit
    (default: the unit's path) and `where` a condition on them. The tallies of its weeks or months
    plus what changed since W, in one statement."""
    ready(now, due_soon_days)
    kind = "week" if period.kind == "week" else "month"
    starts = [period.start] if period.kind != "quarter" else [
        period.start.replace(month=period.start.month + i) for i in range(3)]
    stored = (OccurrenceTally.select(OccurrenceTally.assignment_id.alias("assignment_id"),
                                     OccurrenceTally.cls.alias("cls"), OccurrenceTally.n.alias("n"))
              .where((OccurrenceTally.period == kind) & OccurrenceTally.start.in_(starts)))
    changes = _occurrence_changes(now, _clock_value(TallyClock.counted_at),
                                  due_from=datetime.combine(period.start, time.min),
                                  due_to=datetime.combine(period.end, time.max))
    x = stored.union_all(changes).alias("x")
    group = group if group is not None else [Unit.path.alias("path")]
    # From the few summed rows to their assignments (SQLite keeps the left of a CROSS JOIN outside).
    query = (Select([x], [*group, fn.SUM(x.c.n).alias("expected"),
                          fn.SUM(Case(None, [(x.c.cls != "missing", x.c.n)], 0)).alias("submitted"),
                          fn.SUM(Case(None, [(x.c.cls == "on_time", x.c.n)], 0)).alias("on_time")])
             .join(Assignment, JOIN.CROSS).join(Task, on=(Assignment.task == Task.id))
             .join(Directive, on=(Task.directive == Directive.id)).join(Unit, on=(Assignment.unit == Unit.id))
             .where(x.c.assignment_id == Assignment.id).bind(database))
    if where is not None:
        query = query.where(where)
    return query.group_by(*[g.unwrap() if hasattr(g, "unwrap") else g for g in group]).having(fn.SUM(x.c.n) != 0)


# --- Reading them ---------------------------------------------------------------------------

class Moments:
    """The moment asked for and the tallies' own (values, or the clock's columns in a read)."""

    def __init__(self, now, soon, counted_at, soon_at):
        self.now, self.soon, self.counted_at, self.soon_at = now, soon, counted_at, soon_at

    def window(self):
        """Assignments whose class may differ between the two moments."""
        def low(x, y):
            return Case(None, [(x < y, x)], y)

        def high(x, y):
            return Case(None, [(x > y, x)], y)
        lo, hi = low(self.counted_at, self.now), high(self.counted_at, self.now)
        lo_soon, hi_soon = low(self.soon_at, self.soon), high(self.soon_at, self.soon)
        return (Assignment.due_at.between(lo, hi) | Assignment.due_at.between(lo_soon, hi_soon)
                | Assignment.done_at.between(lo, hi) | Assignment.reported_at.between(lo, hi))


UNIT_KEYS = ("unit_id", "assigner_id", "issuer_id")
DIRECTIVE_KEYS = ("directive_id", "assigner_id")


def _key_columns(keys):
    columns = {"unit_id": Assignment.unit, "assigner_id": fn.COALESCE(Assignment.assigned_by, 0),
               "issuer_id": Directive.issuer, "directive_id": Task.directive}
    return [columns[k] for k in keys]


def _changes(keys, moments, where=None):
    """A subquery of (keys…, cls, n): +1 at the class now and -1 at the class as of W, for the
    assignments of the window (and `where`, a function of the key columns)."""
    parts = []
    for moment, soon, sign in ((moments.now, moments.soon, 1), (moments.counted_at, moments.soon_at, -1)):
        columns = _key_columns(keys)
        selected = [*[c.alias(k) for c, k in zip(columns, keys)],
                    class_case(Assignment, moment, soon).alias("cls"), Value(sign).alias("n")]
        query = Assignment.select(*selected).join(Task, on=(Assignment.task == Task.id)).join(Directive).where(moments.window())
        if where is not None:
            query = query.where(where(*columns))
        parts.append(query)
    return parts[0].union_all(parts[1])


def _union(keys, now, due_soon_days, where=None, soon=None):
    """A subquery "x" of (keys…, cls, n): the tally rows and the changes since W, unsummed."""
    tally = UnitTally if keys == UNIT_KEYS else DirectiveTally
    soon = now + timedelta(days=due_soon_days) if soon is None else soon
    stored = tally.select(*[getattr(tally, k).alias(k) for k in keys], tally.cls.alias("cls"), tally.n.alias("n"))
    if where is not None:
        stored = stored.where(where(*[getattr(tally, k) for k in keys]))
    moments = Moments(now, soon, _clock_value(TallyClock.counted_at), _clock_value(TallyClock.soon_at))
    return stored.union_all(_changes(keys, moments, where)).alias("x")


def counted(keys, now, due_soon_days, where=None, by=None):
    """[(by…, cls, n)] as of `now`: the tally plus what changed since W, in one statement. `where`
    narrows both parts by the key columns (a function of them, in the order of keys); `by` (default:
    all keys) are the key columns kept, summed over the others."""
    ready(now, due_soon_days)
    union = _union(keys, now, due_soon_days, where)
    columns = [SQL(f'"x"."{k}"') for k in (keys if by is None else by)] + [SQL('"x"."cls"')]
    return (union.select_from(*columns, fn.SUM(SQL('"x"."n"')).alias("n"))
            .group_by(*columns).having(fn.SUM(SQL('"x"."n"')) != 0).tuples())


def ready(now: datetime, due_soon_days: int) -> None:
    """The tallies exist for this number of due-soon days, else they are counted as of `now`: a read
    that finds them missing, outside a request that kept them up (tests, commands)."""
    if _known_ready(due_soon_days):
        return
    clock = _clock()
    if clock is None or clock.counted_at is None or clock.due_soon_days != due_soon_days:
        rebuild(now, due_soon_days)
    _mark_ready(due_soon_days)


def _pivot(x, key):
    """(key, one sum per status class) from a subquery of (…, cls, n)."""
    return [key.alias("gid"), *[fn.SUM(Case(None, [(x.c.cls == c, x.c.n)], 0)).alias(c) for c in status.CLASSES]]


def ranked_units(user, unit, delegated, now, due_soon_days, group, limit, only=None):
    """Groups of the assignments the user may read (`group`: an expression of the lead unit) with
    their counts, the most overdue first then by name, the first `limit` of them, and how many groups
    there are: ([(group id, {class: n})], total). `only`: just these group ids."""
    ready(now, due_soon_days)
    key = ("ranked", *_scope_key(user, unit, delegated), _group_key(group), limit,
           tuple(sorted(only)) if only is not None else None)
    rows = _run(key, lambda: _ranked_units_query(user, unit, delegated, group, limit, only), now,
                now + timedelta(days=due_soon_days))
    out = [(r[0], dict(zip(status.CLASSES, r[1:-1]))) for r in rows]
    return out, (rows[0][-1] if rows else 0)


def _group_key(group) -> str:
    """A group expression written out (its SQL and parameters): the same expression, the same key."""
    sql, params = Unit.select(group).sql()
    return f"{sql}|{params}"


def _ranked_units_query(user, unit, delegated, group, limit, only):
    x = _union(UNIT_KEYS, NOW, 0, scope_condition(user, unit, delegated), soon=SOON)
    # Summed per unit first (the group of a unit is worked out once, not once per tally row), then
    # per group.
    per_unit = (Select([x], [x.c.unit_id.alias("uid"),
                             *[fn.SUM(Case(None, [(x.c.cls == c, x.c.n)], 0)).alias(c) for c in status.CLASSES]])
                .group_by(x.c.unit_id)).alias("pu")
    sums = (Select([per_unit], [group.alias("gid"), *[fn.SUM(getattr(per_unit.c, c)).alias(c) for c in status.CLASSES]])
            .join(Unit, JOIN.CROSS).where(per_unit.c.uid == Unit.id).group_by(SQL('"gid"'))
            .having(reduce(operator.add, [fn.SUM(getattr(per_unit.c, c)) for c in status.CLASSES]) != 0))
    if only is not None:
        sums = sums.where(group.in_(list(only)))
    s = sums.alias("s")
    g = Unit.alias("g")
    return (Select([s], [s.c.gid, *[getattr(s.c, c) for c in status.CLASSES], fn.COUNT(SQL("*")).over()])
            .join(g, JOIN.CROSS).where(g.id == s.c.gid)
            .order_by(getattr(s.c, status.OVERDUE).desc(), g.sort_name, g.id).limit(limit).bind(database))


def ranked_directives(root, delegated, now, due_soon_days, offset: int, limit: int):
    """Every directive counted over all its units (in_view from `root`), the most overdue first then
    the newest: ([(directive, {class: n})] for a slice, how many directives)."""
    ready(now, due_soon_days)

    def build():
        x = _union(DIRECTIVE_KEYS, NOW, 0, _directive_view(root, delegated, None), soon=SOON)
        s = (Select([x], _pivot(x, x.c.directive_id)).group_by(SQL('"gid"')).having(fn.SUM(x.c.n) != 0)).alias("s")
        return (Directive.select(Directive.id, Directive.number, Directive.issued_on, Directive.issued_precision,
                                 Directive.subject, *[getattr(s.c, c) for c in status.CLASSES], fn.COUNT(SQL("*")).over())
                .join(s, JOIN.CROSS).where(Directive.id == s.c.gid)
                .order_by(getattr(s.c, status.OVERDUE).desc(), Directive.issued_on.desc(nulls="LAST"), Directive.id)
                .offset(offset).limit(limit))
    key = ("directives", root.id if root else None, root.path if root else None, bool(delegated), offset, limit)
    rows = _run(key, build, now, now + timedelta(days=due_soon_days))
    out = [(Directive(id=r[0], number=r[1], issued_on=Directive.issued_on.python_value(r[2]),
                      issued_precision=r[3], subject=r[4]), dict(zip(status.CLASSES, r[5:-1]))) for r in rows]
    return out, (rows[0][-1] if rows else 0)


def _directive_view(root, delegated, issued_inside):

    def where(d, a):
        if root is None:
            condition = (a != 0) if delegated else (a == 0)
        else:
            passed_inside = a.in_(subtree_unit_ids(root))
            condition = passed_inside if delegated else ((a == 0) | ~passed_inside)
        if issued_inside is not None:
            condition &= d.in_(Directive.select(Directive.id).where(
                Directive.issuer.in_(subtree_unit_ids(issued_inside))))
        return condition
    return where


def directive_counts(user, root, delegated, now, due_soon_days, issued_inside=None) -> dict:
    """{directive id: {class: n}} over the whole of each directive (every unit), counted once
    (core.assignments.in_view from `root`); `issued_inside`: only directives issued in that unit's
    subtree."""
    ready(now, due_soon_days)
    out: dict[int, dict] = {}
    for did, cls, n in counted(DIRECTIVE_KEYS, now, due_soon_days, _directive_view(root, delegated, issued_inside),
                               by=("directive_id",)):
        out.setdefault(did, {c: 0 for c in status.CLASSES})[cls] += n
    return out


# --- Checking them --------------------------------------------------------------------------

def recount(keys, now, due_soon_days) -> dict:
    """{(keys…, cls): n} counted from the assignments themselves."""
    soon = now + timedelta(days=due_soon_days)
    cls = class_case(Assignment, now, soon)
    columns = _key_columns(keys)
    rows = (Assignment.select(*columns, cls, fn.COUNT(Assignment.id)).join(Task).join(Directive)
            .group_by(*columns, cls).tuples())
    return {tuple(row[:-1]): row[-1] for row in rows}


def occurrence_recount(now) -> dict:
    """{(assignment id, period, first day, cls): n} counted from the occurrences themselves."""
    out = {}
    cls = occurrence_case(Occurrence, now)
    for period in PERIODS:
        start = period_start(period, Occurrence.due_at)
        for aid, day, c, n in (Occurrence.select(Occurrence.assignment, start, cls, fn.COUNT(Occurrence.id))
                               .where(Occurrence.due_at <= now).group_by(Occurrence.assignment, start, cls).tuples()):
            out[(aid, period, _day(day), c)] = n
    return out


def occurrence_counted(now) -> dict:
    """The same, read from the tallies plus what changed since W."""
    stored = OccurrenceTally.select(OccurrenceTally.assignment_id.alias("assignment_id"),
                                    OccurrenceTally.period.alias("period"), OccurrenceTally.start.alias("start"),
                                    OccurrenceTally.cls.alias("cls"), OccurrenceTally.n.alias("n"))
    out = {}
    for period in PERIODS:
        x = stored.where(OccurrenceTally.period == period).union_all(
            _occurrence_changes(now, _clock_value(TallyClock.counted_at), period=period)).alias("x")
        columns = [SQL(f'"x"."{k}"') for k in ("assignment_id", "period", "start", "cls")]
        for aid, p, day, c, n in (x.select_from(*columns, fn.SUM(SQL('"x"."n"'))).group_by(*columns)
                                  .having(fn.SUM(SQL('"x"."n"')) != 0).tuples()):
            out[(aid, p, _day(day), c)] = n
    return out


def _day(value):
    """A first day as SQL hands it back: text (SQLite), a date, or a timestamp (peewee's reading)."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


def differences(now, due_soon_days) -> list[str]:
    """Where the tallies (as read at now) differ from a recount: empty when they agree."""
    out = []
    kept, fresh = occurrence_counted(now), occurrence_recount(now)
    for key in sorted(set(kept) | set(fresh), key=str):
        if kept.get(key, 0) != fresh.get(key, 0):
            out.append(f"occurrence {key}: giữ {kept.get(key, 0)}, đếm lại {fresh.get(key, 0)}")
    for keys in (UNIT_KEYS, DIRECTIVE_KEYS):
        kept = {tuple(row[:-1]): row[-1] for row in counted(keys, now, due_soon_days)}
        fresh = recount(keys, now, due_soon_days)
        for key in sorted(set(kept) | set(fresh), key=str):
            if kept.get(key, 0) != fresh.get(key, 0):
                out.append(f"{'/'.join(keys)} {key}: giữ {kept.get(key, 0)}, đếm lại {fresh.get(key, 0)}")
    return out


# --- What the pages ask ---------------------------------------------------------------------

def scope_condition(user, unit=None, delegated=False):
    """core.assignments.scoped (without a directive) as a condition on the tallies' key columns:
    a function of (unit id, assigner id, issuer id) for counted(UNIT_KEYS, …). The assigner id is 0
    for the directive's own assignments, whose assigned_by is None."""
    root = view_root(user, unit)

    def where(u, a, i):
        conditions = []
        if sees_everything(user):
            pass
        elif user.is_leader:
            inside = subtree_unit_ids(user.unit)
            conditions.append(u.in_(inside) | i.in_(inside))
        elif not user.is_admin:
            conditions.append(u == user.unit_id)
        if root is None:
            conditions.append((a != 0) if delegated else (a == 0))
        else:
            passed_inside = a.in_(subtree_unit_ids(root))
            conditions.append(passed_inside if delegated else ((a == 0) | ~passed_inside))
        if unit is not None:
            conditions.append(u.in_(subtree_unit_ids(unit)))
        return reduce(operator.and_, conditions)
    return where


def status_counts(user, unit, delegated, now, due_soon_days) -> dict:
    """{class: n} of the assignments the user may read (core.assignments.scoped), as of now."""
    ready(now, due_soon_days)

    def build():
        x = _union(UNIT_KEYS, NOW, 0, scope_condition(user, unit, delegated), soon=SOON)
        return x.select_from(SQL('"x"."cls"'), fn.SUM(SQL('"x"."n"'))).group_by(SQL('"x"."cls"'))
    counts = {cls: 0 for cls in status.CLASSES}
    for cls, n in _run(("status", *_scope_key(user, unit, delegated)), build, now,
                       now + timedelta(days=due_soon_days)):
        counts[cls] += n
    return counts
