"""The tallies the database keeps (core/tallies.py) always equal counting the assignments again:
random writes of every kind (inserts, progress, reports, due dates moved, delegation, units and
issuers changed, tasks and directives deleted with their cascades), the tallies moved to other
moments, and reads as of any moment, compared with a recount and with the SQL the pages used to run."""
import random
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import Factory, make_app
from webapp.core import tallies
from webapp.core.assignments import counts_by_status, scoped
from webapp.dashboard.queries import Filters, reporting_recount, reporting_rows, scorecard
from webapp.rules.reporting import period_containing
from webapp.db import database
from webapp.models import Assignment, Directive, DirectiveTally, Occurrence, Task, TallyClock, Unit, UnitTally

BASE = datetime(2024, 3, 20, 10, 0)

OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("task"), st.integers(0, 3), st.lists(st.integers(0, 7), min_size=1, max_size=3, unique=True),
              st.one_of(st.none(), st.integers(-40, 40))),
    st.tuples(st.just("done"), st.integers(0, 19), st.integers(-30 * 24, 30 * 24)),
    st.tuples(st.just("reported"), st.integers(0, 19), st.integers(-30 * 24, 30 * 24)),
    st.tuples(st.just("reopen"), st.integers(0, 19)),
    st.tuples(st.just("delegate"), st.integers(0, 19), st.integers(0, 7)),
    st.tuples(st.just("due"), st.integers(0, 19), st.one_of(st.none(), st.integers(-40 * 24, 40 * 24))),
    st.tuples(st.just("move"), st.integers(0, 19), st.integers(0, 7)),
    st.tuples(st.just("delete_assignment"), st.integers(0, 19)),
    st.tuples(st.just("delete_task"), st.integers(0, 19)),
    st.tuples(st.just("delete_directive"), st.integers(0, 3)),
    st.tuples(st.just("issuer"), st.integers(0, 3), st.integers(0, 7)),
    st.tuples(st.just("task_directive"), st.integers(0, 19), st.integers(0, 3)),
    st.tuples(st.just("occurrence"), st.integers(0, 19), st.integers(-40, 40), st.one_of(st.none(), st.integers(-30, 30))),
    st.tuples(st.just("submit"), st.integers(0, 29), st.one_of(st.none(), st.integers(-30 * 24, 30 * 24))),
    st.tuples(st.just("occurrence_due"), st.integers(0, 29), st.integers(-40 * 24, 40 * 24)),
    st.tuples(st.just("delete_occurrence"), st.integers(0, 29)),
    st.tuples(st.just("keep_up"), st.integers(-20 * 24 * 60, 20 * 24 * 60), st.sampled_from([3, 3, 3, 5])),
    st.tuples(st.just("rebuild"), st.integers(-5 * 24, 5 * 24)),
), min_size=15, max_size=50)


def _world():
    """A tree of eight units (a province, two districts with two communes each, a body) and four
    directives issued at different levels."""
    make = Factory(BASE)
    root = make.unit("Tỉnh", kind="ubnd_tinh")
    body = make.unit("Sở", kind="so_nganh", parent=root)
    districts = [make.unit(f"Huyện {i}", kind="ubnd_huyen", parent=root) for i in range(2)]
    communes = [make.unit(f"Xã {i}{j}", parent=d) for i, d in enumerate(districts) for j in range(2)]
    units = [root, body, *districts, *communes]
    for issuer in (root, root, districts[0], body):
        make.directive(issuer=issuer)
    return units


def _pick(model, index):
    rows = list(model.select().order_by(model.id))
    return rows[index % len(rows)] if rows else None


def _apply(op, units, state):
    kind, *args = op
    hours = timedelta(hours=1)
    if kind == "task":
        directive = _pick(Directive, args[0])
        if directive is None:
            return
        task = Task.create(directive=directive, text="T", deadline_kind="fixed", created_at=BASE)
        due = None if args[2] is None else datetime.combine((BASE + timedelta(days=args[2])).date(),
                                                           datetime.max.time().replace(microsecond=0))
        Assignment.insert_many([{"task": task.id, "unit": units[i].id, "due_at": due, "version": 1}
                                for i in args[1]]).execute()
    elif kind in ("done", "reported", "reopen", "due", "move", "delete_assignment", "delegate"):
        a = _pick(Assignment, args[0])
        if a is None:
            return
        query = Assignment.update
        if kind == "done":
            query(done_at=BASE + args[1] * hours, state="done").where(Assignment.id == a.id).execute()
        elif kind == "reported":
            query(reported_at=BASE + args[1] * hours, state="awaiting").where(Assignment.id == a.id).execute()
        elif kind == "reopen":
            query(done_at=None, reported_at=None, state="in_progress").where(Assignment.id == a.id).execute()
        elif kind == "due":
            query(due_at=None if args[1] is None else BASE + args[1] * hours).where(Assignment.id == a.id).execute()
        elif kind == "move":
            if not Assignment.select().where((Assignment.task == a.task_id)
                                             & (Assignment.unit == units[args[1]].id)).exists():
                query(unit=units[args[1]].id).where(Assignment.id == a.id).execute()
        elif kind == "delete_assignment":
            if not Assignment.select().where(Assignment.delegated_from == a.id).exists():
                a.delete_instance()
        else:
            holder = Unit.get_by_id(a.unit_id)
            below = [u for u in units if u.path.startswith(holder.path) and u.id != holder.id]
            target = below[args[1] % len(below)] if below else None
            if target and not Assignment.select().where((Assignment.task == a.task_id)
                                                        & (Assignment.unit == target.id)).exists():
                Assignment.create(task=a.task_id, unit=target.id, due_at=a.due_at, delegated_from=a.id,
                                  assigned_by=a.unit_id)
    elif kind == "occurrence":
        a = _pick(Assignment, args[0])
        due = datetime.combine((BASE + timedelta(days=args[1])).date(), datetime.min.time()) + timedelta(hours=9)
        if a is not None and not Occurrence.select().where((Occurrence.assignment == a.id)
                                                           & (Occurrence.due_at == due)).exists():
            Occurrence.create(assignment=a.id, due_at=due,
                              submitted_at=None if args[2] is None else due + args[2] * hours)
    elif kind in ("submit", "occurrence_due", "delete_occurrence"):
        o = _pick(Occurrence, args[0])
        if o is None:
            return
        if kind == "submit":
            at = None if args[1] is None else BASE + args[1] * hours
            Occurrence.update(submitted_at=at).where(Occurrence.id == o.id).execute()
        elif kind == "occurrence_due":
            due = BASE + args[1] * hours
            if not Occurrence.select().where((Occurrence.assignment == o.assignment_id)
                                             & (Occurrence.due_at == due)).exists():
                Occurrence.update(due_at=due).where(Occurrence.id == o.id).execute()
        else:
            o.delete_instance()
    elif kind == "delete_task":
        task = _pick(Task, args[0])
        if task is not None:
            # Delegated rows first: their parent's foreign key is RESTRICT (core.directives does the same).
            Assignment.delete().where((Assignment.task == task.id) & Assignment.delegated_from.is_null(False)).execute()
            task.delete_instance()
    elif kind == "delete_directive":
        directive = _pick(Directive, args[0])
        if directive is not None:
            task_ids = Task.select(Task.id).where(Task.directive == directive.id)
            Assignment.delete().where(Assignment.task.in_(task_ids) & Assignment.delegated_from.is_null(False)).execute()
            directive.delete_instance()
    elif kind == "issuer":
        directive = _pick(Directive, args[0])
        if directive is not None:
            Directive.update(issuer=units[args[1]].id).where(Directive.id == directive.id).execute()
    elif kind == "task_directive":
        task, directive = _pick(Task, args[0]), _pick(Directive, args[1])
        if task is not None and directive is not None:
            Task.update(directive=directive.id).where(Task.id == task.id).execute()
    elif kind == "keep_up":
        state["soon"] = args[1]
        tallies.keep_up(BASE + timedelta(minutes=args[0]), args[1])
    elif kind == "rebuild":
        tallies.rebuild(BASE + args[0] * hours, state["soon"])


class Who:
    """What scoped() and the tallies ask of a user."""

    def __init__(self, role, unit):
        self.role, self.unit, self.unit_id = role, unit, unit.id
        self.is_admin, self.is_leader = role == "admin", role == "leader"


def _scores(rows):
    return {r.unit.id: (r.due, r.on_time, r.late, r.late_days, r.overdue_now) for r in rows if r.due or r.overdue_now}


def _reference_scores(user, filters, now, soon):
    """The scorecard's assignment figures computed in Python with rules.status, row by row."""
    from webapp.dashboard.queries import _group_of, _root
    from webapp.rules import status
    start = datetime.combine(filters.period.start, datetime.min.time())
    end = datetime.combine(filters.period.end, datetime.max.time())
    out = {}
    for a in scoped(user, None, None, False):
        row = out.setdefault(_group_of(a.unit.path, _root(user, filters)), [0, 0, 0, 0, 0])
        done = a.done_at if a.done_at and a.done_at <= now else None
        cls = status.classify(a.due_at, done, now, soon, a.reported_at)
        if cls == status.OVERDUE:
            row[4] += 1
        if a.due_at is None or not start <= a.due_at <= end:
            continue
        row[0] += 1
        if cls == status.DONE_ON_TIME:
            row[1] += 1
        elif cls in (status.DONE_LATE, status.OVERDUE):
            row[2] += 1
            row[3] += status.days_late(a.due_at, done or a.reported_at, now)
    return {gid: tuple(r) for gid, r in out.items() if r[0] or r[4]}


def _rates(rows):
    return {r["path"]: (r["expected"], r["submitted"] or 0, r["on_time"] or 0) for r in rows if r["expected"]}


def _users(units):
    return [Who("admin", units[0]), Who("leader", units[0]), Who("leader", units[2]), Who("staff", units[4]),
            Who("leader", units[1])]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=OPERATIONS, seed=st.integers(0, 10**6))
def test_tallies_equal_a_recount_after_any_writes(operations, seed):
    with tempfile.TemporaryDirectory() as tmp:
        make_app(Path(tmp))
        with database.connection_context():
            units = _world()
            state = {"soon": 3}
            tallies.keep_up(BASE, 3)
            for op in operations:
                _apply(op, units, state)
                assert tallies.differences(BASE, state["soon"]) == [], op
            rng = random.Random(seed)
            moments = [BASE, BASE + timedelta(minutes=rng.randint(-600, 600)), BASE - timedelta(days=rng.randint(1, 60)),
                       BASE + timedelta(days=rng.randint(1, 60))]
            for moment in moments:
                assert tallies.differences(moment, state["soon"]) == [], moment
            fresh_units = list(Unit.select().order_by(Unit.id))
            for user in _users(fresh_units):
                for unit in (None, fresh_units[2], fresh_units[5]):
                    for delegated in (False, True):
                        for moment in moments[:3]:
                            expected = counts_by_status(scoped(user, unit, None, delegated), moment, state["soon"])
                            got = tallies.status_counts(user, unit, delegated, moment, state["soon"])
                            assert got == expected, (user.role, user.unit_id, unit and unit.id, delegated, moment)
                month = Filters(None, None, period_containing("month", BASE.date()))
                assert _scores(scorecard(user, month, moments[1], state["soon"])) == _reference_scores(
                    user, month, moments[1], state["soon"]), user.role
                for kind in ("week", "month", "quarter"):
                    for moment in (moments[0], moments[2]):
                        filters = Filters(None, None, period_containing(kind, moment.date()))
                        assert _rates(reporting_rows(user, filters, moment, state["soon"])) == _rates(
                            reporting_recount(user, filters, moment)), (user.role, kind, moment)
        database.close()


def test_a_rebuild_counts_from_the_data_and_check_counts_finds_a_broken_tally(app, factory, clock):
    """flask check-counts: silent when the tallies agree; names the row that does not, and --fix
    counts them again."""
    task = factory.task(lead=[factory.unit(), factory.unit()], due=BASE.date() - timedelta(days=2))
    runner = app.test_cli_runner()
    with database.connection_context():
        tallies.keep_up(clock.now, 3)
        assert UnitTally.select().count() == 2 and DirectiveTally.select().count() == 1
        assert TallyClock.get().counted_at == clock.now
    result = runner.invoke(args=["check-counts"])
    assert result.exit_code == 0 and "khớp" in result.output
    with database.connection_context():
        UnitTally.update(n=UnitTally.n + 1).where(UnitTally.unit_id == task.assignments[0].unit_id).execute()
    result = runner.invoke(args=["check-counts"])
    assert result.exit_code == 1 and "giữ 2, đếm lại 1" in result.output
    result = runner.invoke(args=["check-counts", "--fix"])
    assert result.exit_code == 0
    assert runner.invoke(args=["check-counts"]).exit_code == 0


def test_the_tallies_count_as_of_the_clock_and_move_with_it(app, factory, clock):
    """An assignment due in two days is 'due soon' now, overdue three days later; the tally moves
    there at the first page after ten minutes, and reading as of any moment between agrees."""
    factory.task(lead=[factory.unit()], due=(BASE + timedelta(days=2)).date())
    with database.connection_context():
        tallies.keep_up(BASE, 3)
        admin = Who("admin", Unit.get())
        assert tallies.status_counts(admin, None, False, BASE, 3)["due_soon"] == 1
        later = BASE + timedelta(days=3)
        assert tallies.status_counts(admin, None, False, later, 3)["overdue"] == 1
        tallies.keep_up(BASE + timedelta(minutes=9), 3)
        assert TallyClock.get().counted_at == BASE  # not yet: ten minutes
        tallies.keep_up(later, 3)
        assert TallyClock.get().counted_at == later
        assert [(t.cls, t.n) for t in UnitTally.select()] == [("overdue", 1)]
        assert tallies.status_counts(admin, None, False, BASE, 3)["due_soon"] == 1
