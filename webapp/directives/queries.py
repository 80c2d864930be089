"""Queries behind the directive pages."""
from dataclasses import dataclass, field

from ..core.access import assignment_scope
from ..models import Assignment, Directive, Task, Unit
from ..rules import status


def search(query, text: str):
    """Directives matching words of the number, subject or issuer; newest first."""
    query = query.join(Unit, on=(Directive.issuer == Unit.id)).select(Directive, Unit)
    for word in text.split():
        query = query.where(Directive.number.contains(word) | Directive.subject.contains(word)
                            | Unit.name.contains(word))
    return query.order_by(Directive.issued_on.desc(nulls="LAST"), Directive.id.desc())


@dataclass
class Section:
    title: str
    tasks: list = field(default_factory=list)  # [(task, [(assignment, cls), ...])]


@dataclass
class DirectiveView:
    sections: list
    tasks: list
    matrix_units: list
    matrix: dict  # (unit_id, task_id) -> (assignment, cls)
    counts: dict


def directive_view(directive, user, now, due_soon_days) -> DirectiveView:
    """Tasks by section, each with its visible assignments, and the unit × task matrix."""
    tasks = list(Task.select().where(Task.directive == directive.id).order_by(Task.position, Task.id))
    assignments = (Assignment.select(Assignment, Unit, Task).join(Unit).switch(Assignment).join(Task)
                   .where((Task.directive == directive.id) & assignment_scope(user))
                   .order_by(Assignment.role.desc(), Unit.sort_name))
    by_task, matrix, units, counts = {}, {}, {}, {c: 0 for c in status.CLASSES}
    for a in assignments:
        cls = status.classify(a.due_at, a.done_at, now, due_soon_days)
        by_task.setdefault(a.task_id, []).append((a, cls))
        matrix[(a.unit_id, a.task_id)] = (a, cls)
        units[a.unit_id] = a.unit
        counts[cls] += 1
    sections = []
    for task in tasks:
        if not sections or sections[-1].title != task.section:
            sections.append(Section(task.section))
        sections[-1].tasks.append((task, by_task.get(task.id, [])))
    matrix_units = sorted(units.values(), key=lambda u: u.sort_name)
    shown_tasks = [t for t in tasks if t.id in by_task]
    return DirectiveView(sections, shown_tasks, matrix_units, matrix, counts)
