"""Queries behind the directive pages."""
from dataclasses import dataclass, field

from peewee import Case, fn

from ..core.access import assignment_scope
from ..models import Assignment, Cooperation, Directive, Task, Unit
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
    children: dict = field(default_factory=dict)  # assignment id -> (done, total) of what it passed down
    partners: dict = field(default_factory=dict)  # task id -> [cooperation]
    partners_sent: tuple = (0, 0)  # (sent, asked) over the directive

    def partner_counts(self, task_id) -> tuple[int, int]:
        rows = self.partners.get(task_id, [])
        return sum(1 for c in rows if c.sent), len(rows)


def directive_view(directive, user, now, due_soon_days) -> DirectiveView:
    """Tasks by section, each with the directive's own visible assignments (what units passed down is
    rolled up under each: done/total), its partners, and the unit × task matrix of lead units."""
    tasks = list(Task.select().where(Task.directive == directive.id).order_by(Task.position, Task.id))
    assignments = (Assignment.select(Assignment, Unit, Task).join(Unit).switch(Assignment).join(Task)
                   .where((Task.directive == directive.id) & assignment_scope(user)
                          & Assignment.delegated_from.is_null())
                   .order_by(Unit.sort_name))
    by_task, matrix, units, counts = {}, {}, {}, {c: 0 for c in status.CLASSES}
    for a in assignments:
        cls = status.classify(a.due_at, a.done_at, now, due_soon_days, a.reported_at)
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
    partners = {}
    for c in (Cooperation.select(Cooperation, Unit).join(Unit).switch(Cooperation).join(Task)
              .where(Task.directive == directive.id).order_by(Unit.sort_name)):
        partners.setdefault(c.task_id, []).append(c)
    every = [c for rows in partners.values() for c in rows]
    return DirectiveView(sections, shown_tasks, matrix_units, matrix, counts,
                         children=children_done(directive.id, now), partners=partners,
                         partners_sent=(sum(1 for c in every if c.sent), len(every)))


def children_done(directive_id, now) -> dict:
    """{parent assignment id: (done, total)} of the sub-assignments passed down, in SQL."""
    done = Case(None, [(Assignment.done_at.is_null(False) & (Assignment.done_at <= now), 1)], 0)
    rows = (Assignment.select(Assignment.delegated_from.alias("pid"), fn.SUM(done).alias("done"),
                              fn.COUNT(Assignment.id).alias("total"))
            .join(Task).where((Task.directive == directive_id) & Assignment.delegated_from.is_null(False))
            .group_by(Assignment.delegated_from).dicts())
    return {r["pid"]: (r["done"] or 0, r["total"]) for r in rows}
