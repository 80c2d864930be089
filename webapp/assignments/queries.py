"""Reads for the assignment page: the task's other units, the history, the occurrences shown."""
from datetime import timedelta

from peewee import JOIN

from ..models import Assignment, Occurrence, Unit, Update, User


def partners(assignment):
    """The other assignments of the same task: lead and cooperating units."""
    return (Assignment.select(Assignment, Unit).join(Unit)
            .where(Assignment.task == assignment.task_id)
            .order_by(Assignment.role.desc(), Unit.sort_name))


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
