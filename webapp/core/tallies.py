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
from datetime import datetime, timedelta
from functools import reduce

from peewee import JOIN, SQL, Case, Value, fn
from peewee import EXCLUDED

from ..db import database, is_sqlite
from ..models import Assignment, Directive, DirectiveTally, TallyClock, Task, UnitTally
from ..rules import status

KEEP_FOR = timedelta(minutes=10)
TALLY_LOCK = 170017  # the advisory lock of migrations.TALLY_TRIGGERS (PostgreSQL)


def class_case(model, moment, soon):
    """rules.status.classify in SQL at `moment` (a value or a column), `soon` = moment + due-soon days."""
    done = model.done_at.is_null(False) & (model.done_at <= moment)
    reported_in_time = (model.reported_at.is_null(False) & (model.reported_at <= moment)
                        & (model.reported_at <= model.due_at))
    return Case(None, [
        (done & (model.due_at.is_null() | (model.done_at <= model.due_at)), status.DONE_ON_TIME),
        (done, status.DONE_LATE),
        (model.due_at.is_null(), status.NOT_DUE),
        (reported_in_time, status.NOT_DUE),
        (model.due_at < moment, status.OVERDUE),
        (model.due_at <= soon, status.DUE_SOON),
    ], status.NOT_DUE)


# --- Keeping them ---------------------------------------------------------------------------

def _lock() -> None:
    """Inside a write transaction: no trigger runs until it ends (SQLite: the write lock is ours)."""
    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (TALLY_LOCK,))


def _clock() -> TallyClock | None:
    return TallyClock.select().order_by(TallyClock.id).first()


def keep_up(now: datetime, due_soon_days: int) -> None:
    """Make sure the tallies exist for this number of due-soon days and are no older than KEEP_FOR
    (either way from now): a write, at most every KEEP_FOR, by the page that finds them stale."""
    clock = _clock()
    if clock is not None and clock.counted_at is not None and clock.due_soon_days == due_soon_days \
            and abs(now - clock.counted_at) <= KEEP_FOR:
        return
    with database.atomic():
        _lock()
        clock = _clock()
        if clock is None or clock.counted_at is None or clock.due_soon_days != due_soon_days:
            _rebuild(clock, now, due_soon_days)
        elif abs(now - clock.counted_at) > KEEP_FOR:
            _sweep(clock, now, due_soon_days)


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
    _set_clock(clock, now, soon, due_soon_days)


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


def _changes(keys, moments, where=None, clock_join=False):
    """A subquery of (keys…, cls, n): +1 at the class now and -1 at the class as of W, for the
    assignments of the window (and `where`, a function of the key columns)."""
    parts = []
    for moment, soon, sign in ((moments.now, moments.soon, 1), (moments.counted_at, moments.soon_at, -1)):
        columns = _key_columns(keys)
        selected = [*[c.alias(k) for c, k in zip(columns, keys)],
                    class_case(Assignment, moment, soon).alias("cls"), Value(sign).alias("n")]
        # The clock first: SQLite keeps the left table of a CROSS JOIN outside, so that the window's
        # bounds are known when it looks up the indexes of the assignments' times.
        query = (TallyClock.select(*selected).join(Assignment, JOIN.CROSS) if clock_join
                 else Assignment.select(*selected))
        query = query.join(Task, on=(Assignment.task == Task.id)).join(Directive).where(moments.window())
        if where is not None:
            query = query.where(where(*columns))
        parts.append(query)
    return parts[0].union_all(parts[1])


def counted(keys, now, due_soon_days, where=None, by=None):
    """[(by…, cls, n)] as of `now`: the tally plus what changed since W, in one statement. `where`
    narrows both parts by the key columns (a function of them, in the order of keys); `by` (default:
    all keys) are the key columns kept, summed over the others."""
    tally = UnitTally if keys == UNIT_KEYS else DirectiveTally
    soon = now + timedelta(days=due_soon_days)
    stored = tally.select(*[getattr(tally, k).alias(k) for k in keys], tally.cls.alias("cls"), tally.n.alias("n"))
    if where is not None:
        stored = stored.where(where(*[getattr(tally, k) for k in keys]))
    moments = Moments(now, soon, TallyClock.counted_at, TallyClock.soon_at)
    union = stored.union_all(_changes(keys, moments, where, clock_join=True)).alias("x")
    columns = [SQL(f'"x"."{k}"') for k in (keys if by is None else by)] + [SQL('"x"."cls"')]
    return (union.select_from(*columns, fn.SUM(SQL('"x"."n"')).alias("n"))
            .group_by(*columns).having(fn.SUM(SQL('"x"."n"')) != 0).tuples())


# --- Checking them --------------------------------------------------------------------------

def recount(keys, now, due_soon_days) -> dict:
    """{(keys…, cls): n} counted from the assignments themselves."""
    soon = now + timedelta(days=due_soon_days)
    cls = class_case(Assignment, now, soon)
    columns = _key_columns(keys)
    rows = (Assignment.select(*columns, cls, fn.COUNT(Assignment.id)).join(Task).join(Directive)
            .group_by(*columns, cls).tuples())
    return {tuple(row[:-1]): row[-1] for row in rows}


def differences(now, due_soon_days) -> list[str]:
    """Where the tallies (as read at now) differ from a recount: empty when they agree."""
    out = []
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
    from .access import sees_everything
    from .assignments import view_root
    from .units import subtree_unit_ids
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
    counts = {cls: 0 for cls in status.CLASSES}
    for cls, n in counted(UNIT_KEYS, now, due_soon_days, scope_condition(user, unit, delegated), by=()):
        counts[cls] += n
    return counts
