"""Reads for the assignment page: the task's units and partners, the history, the chain of delegation,
extension requests, the occurrences shown, and the list of what waits for the user's decision."""
from datetime import timedelta

from peewee import JOIN, Case, fn

from ..core import figures
from ..core import indicators as sets
from ..core.access import decidable
from ..core.units import tree_order
from ..models import (
    Assignment,
    Directive,
    Extension,
    Occurrence,
    Task,
    Unit,
    Update,
    User,
)
from ..rules.progress import AWAITING


def lead_units(assignment):
    """The directive-level assignments of the same task: its lead units."""
    return (Assignment.select(Assignment, Unit).join(Unit)
            .where((Assignment.task == assignment.task_id) & Assignment.delegated_from.is_null())
            .order_by(Unit.sort_name))


def history(assignment):
    return (Update.select(Update, User).join(User)
            .where(Update.assignment == assignment.id)
            .order_by(Update.created_at.desc(), Update.id.desc()))


def occurrences_shown(assignment, now, ahead_days):
    """An assignment's occurrences due up to a few days ahead, the most recent first."""
    return (Occurrence.select(Occurrence, User).join(User, JOIN.LEFT_OUTER)
            .where((Occurrence.assignment == assignment.id)
                   & (Occurrence.due_at <= now + timedelta(days=ahead_days)))
            .order_by(Occurrence.due_at.desc()))


def open_occurrences(assignment, now, ahead_days):
    """Unsubmitted occurrences up to a few days ahead: what an extension of a recurring duty can name."""
    return list(Occurrence.select().where((Occurrence.assignment == assignment.id) & Occurrence.submitted_at.is_null()
                                          & (Occurrence.due_at <= now + timedelta(days=ahead_days)))
                .order_by(Occurrence.due_at).limit(20))


def reports_so_far(assignment, now) -> tuple[int, int, int]:
    """(due so far, submitted, submitted on time) for a recurring duty."""
    due = Occurrence.due_at <= now
    row = (Occurrence.select(fn.COUNT(Occurrence.id), fn.COUNT(Occurrence.submitted_at),
                             fn.SUM(Case(None, [(Occurrence.submitted_at <= Occurrence.due_at, 1)], 0)))
           .where((Occurrence.assignment == assignment.id) & due).tuples().first())
    return (row[0] or 0, row[1] or 0, row[2] or 0) if row else (0, 0, 0)


def extensions(assignment):
    requester, decider = User.alias(), User.alias()
    return list(Extension.select(Extension, requester, decider)
                .join(requester, on=(Extension.requested_by == requester.id), attr="requester")
                .switch(Extension).join(decider, JOIN.LEFT_OUTER, on=(Extension.decided_by == decider.id),
                                        attr="decider")
                .where(Extension.assignment == assignment.id)
                .order_by(Extension.requested_at.desc(), Extension.id.desc()))


def delegation_choices(assignment):
    """(unit, depth) of the active units below the holder that do not hold this task yet, in tree order."""
    taken = Assignment.select(Assignment.unit).where(Assignment.task == assignment.task_id)
    holder = assignment.unit
    units = (Unit.select(Unit.id, Unit.name, Unit.parent, Unit.sort_name, Unit.path)
             .where(Unit.path.startswith(holder.path) & (Unit.id != holder.id) & (Unit.active == True)  # noqa: E712
                    & Unit.id.not_in(taken)))
    return tree_order(units)


def waiting(user):
    """What waits for the user's decision, oldest first: completions to confirm and extension requests.
    Returns two queries (assignments awaiting confirmation; open extension requests)."""
    assigner = Unit.alias()
    awaiting = (Assignment.select(Assignment, Task, Directive, Unit, assigner)
                .join(Task).join(Directive).switch(Assignment).join(Unit, on=(Assignment.unit == Unit.id))
                .switch(Assignment).join(assigner, JOIN.LEFT_OUTER, on=(Assignment.assigned_by == assigner.id),
                                         attr="assigned_by")
                .where((Assignment.state == AWAITING) & decidable(user))
                .order_by(Assignment.reported_at, Assignment.id))
    requester = User.alias()
    requests = (Extension.select(Extension, Assignment, Task, Directive, Unit, requester)
                .join(Assignment).join(Task).join(Directive).switch(Assignment).join(Unit, on=(Assignment.unit == Unit.id))
                .switch(Extension).join(requester, on=(Extension.requested_by == requester.id), attr="requester")
                .where((Extension.state == "open") & decidable(user))
                .order_by(Extension.requested_at, Extension.id))
    return awaiting, requests


def figures_set(assignment):
    """The indicator set whose figures this recurring duty's reports are (None: a plain report)."""
    return sets.set_for_task(assignment.task_id) if assignment.delegated_from_id is None else None


def occurrence_figures(assignment, shown) -> dict:
    """For a duty an indicator set fills: the set, and the figures of each report shown ({day: {(indicator,
    group): sum over the unit's subtree}}), with the indicators and groups to label them."""
    indicator_set = figures_set(assignment)
    if indicator_set is None:
        return {"figures_set": None}
    return {"figures_set": indicator_set, "figure_indicators": sets.indicators_of(indicator_set),
            "figure_groups": sets.groups_of(indicator_set),
            "figures_by_day": figures.figures_by_day(indicator_set, assignment.unit,
                                                     [o.due_at.date() for o in shown])}
