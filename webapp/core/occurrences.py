"""Occurrences of recurring duties: materialised on demand, idempotently, and submitted.

There is no background job: any page that looks at a range first asks for the occurrences up to
its end. Each lead assignment of a recurring task remembers how far its occurrences exist.
"""
from datetime import date, datetime, timedelta

from peewee import Case, chunked, fn

from ..db import database
from ..models import Assignment, Occurrence, Task, User
from ..rules.deadlines import RECURRING
from ..rules.recurrence import due_times, recurring_due_and_done, recurring_progress
from . import audit
from .work_calendar import current_calendar

# Nobody needs occurrences materialised further ahead than this.
MAX_AHEAD = timedelta(days=400)
# Pages look this far ahead ("due in the next 7 days").
AHEAD_DAYS = 7


class AlreadySubmitted(Exception):
    """Someone submitted this occurrence first: who (their full name) and when."""

    def __init__(self, by: str = "", at: datetime | None = None):
        super().__init__(by)
        self.by, self.at = by, at

    @property
    def message(self) -> str:
        when = f" lúc {self.at:%H:%M %d/%m/%Y}" if self.at else ""
        return f"Kỳ này đã được {self.by or 'người khác'} nộp{when}; nội dung bạn nhập chưa được lưu."


def recurring_lead_assignments():
    # Through the few recurring tasks first, so the database walks the task index, not every assignment.
    recurring_tasks = Task.select(Task.id).where(Task.deadline_kind.in_(sorted(RECURRING)))
    return (Assignment.select(Assignment, Task).join(Task)
            .where(Assignment.task.in_(recurring_tasks) & (Assignment.role == "lead")))


def ensure_current(now: datetime) -> int:
    """Occurrences up to a week ahead: what pages showing status classes need first."""
    return materialise(now.date() + timedelta(days=AHEAD_DAYS), now.date())


def materialise(until: date, today: date) -> int:
    """Create the missing occurrences of every recurring duty up to `until`; returns how many."""
    until = min(until, today + MAX_AHEAD)
    stale = list(recurring_lead_assignments().where(
        Assignment.occurrences_until.is_null() | (Assignment.occurrences_until < until)))
    if not stale:
        return 0
    kept = _days_already_reported(stale)
    calendar = current_calendar()
    rows = []
    for a in stale:
        first = a.occurrences_until + timedelta(days=1) if a.occurrences_until else date.min
        for due in due_times(a.task.rule, first, until, default_start=a.task.created_at.date(),
                             calendar=calendar):
            if (a.id, due.date()) not in kept:
                rows.append({"assignment": a.id, "due_at": due})
    with database.atomic():
        # Ignoring conflicts makes a second, concurrent run harmless.
        for batch in chunked(rows, 500):
            Occurrence.insert_many(batch).on_conflict_ignore().execute()
        for ids in chunked([a.id for a in stale], 500):
            (Assignment.update(occurrences_until=until)
             .where(Assignment.id.in_(ids) & (Assignment.occurrences_until.is_null()
                                              | (Assignment.occurrences_until < until)))
             .execute())
        refresh_status(stale, today)
    return len(rows)


def refresh_status(assignments, today: date) -> None:
    """Set each recurring assignment's due_at/done_at from its occurrences, so that SQL can count
    its status class like any other assignment's, and its state and percent (the share of the
    reports due so far that are in), so that its page says what the occurrences say. Only write the
    rows that change."""
    by_id = {a.id: a for a in assignments}
    end_of_today = datetime.combine(today, datetime.max.time())
    for ids in chunked(list(by_id), 500):
        late = Occurrence.submitted_at > Occurrence.due_at
        rows = (Occurrence.select(
                    Occurrence.assignment.alias("aid"),
                    fn.MIN(Case(None, [(Occurrence.submitted_at.is_null(), Occurrence.due_at)])).alias("open"),
                    fn.MIN(Case(None, [(late, Occurrence.due_at)])).alias("late"),
                    fn.MAX(Occurrence.due_at).alias("last_due"),
                    fn.MAX(Occurrence.submitted_at).alias("last_sub"),
                    fn.SUM(Case(None, [(Occurrence.due_at <= end_of_today, 1)], 0)).alias("n_due"),
                    fn.SUM(Case(None, [((Occurrence.due_at <= end_of_today) & Occurrence.submitted_at.is_null(False),
                                        1)], 0)).alias("n_in"))
                .where(Occurrence.assignment.in_(ids))
                .group_by(Occurrence.assignment).dicts())
        for row in rows:
            a = by_id[row["aid"]]
            window_end = a.task.window_end
            due_at, done_at = recurring_due_and_done(
                _dt(row["open"]), _dt(row["late"]), _dt(row["last_due"]), _dt(row["last_sub"]),
                window_over=window_end is not None and window_end < today)
            state, percent = recurring_progress(row["n_due"] or 0, row["n_in"] or 0, done_at is not None)
            if (a.due_at, a.done_at, a.state, a.percent) != (due_at, done_at, state, percent):
                (Assignment.update(due_at=due_at, done_at=done_at, state=state, percent=percent)
                 .where(Assignment.id == a.id).execute())
                a.due_at, a.done_at, a.state, a.percent = due_at, done_at, state, percent


def _dt(value):
    """Aggregates come back as text from SQLite and as datetimes from PostgreSQL."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _days_already_reported(stale) -> set:
    """(assignment, day) pairs beyond a watermark that were submitted before a rule edit."""
    kept = set()
    for ids in chunked([a.id for a in stale if a.occurrences_until], 500):
        rows = (Occurrence.select(Occurrence.assignment, Occurrence.due_at).join(Assignment)
                .where(Occurrence.assignment.in_(ids) & Occurrence.submitted_at.is_null(False)
                       & (Occurrence.due_at > Assignment.occurrences_until)))
        kept.update((o.assignment_id, o.due_at.date()) for o in rows)
    return kept


def rule_changed(task: Task, today: date) -> None:
    """After a rule edit, drop the task's unsubmitted occurrences from tomorrow on; they regenerate."""
    tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time())
    assignment_ids = Assignment.select(Assignment.id).where(Assignment.task == task.id)
    with database.atomic():
        # An occurrence moved by an approved extension keeps its agreed date.
        (Occurrence.delete()
         .where(Occurrence.assignment.in_(assignment_ids) & (Occurrence.due_at >= tomorrow)
                & Occurrence.submitted_at.is_null() & Occurrence.original_due_at.is_null())
         .execute())
        (Assignment.update(occurrences_until=today)
         .where((Assignment.task == task.id) & (Assignment.occurrences_until > today))
         .execute())
        refresh_status(recurring_lead_assignments().where(Assignment.task == task.id), today)


SUBMISSION_FIELDS = ("assignment", "due_at", "submitted_at", "submitted_by", "note", "evidence_name",
                     "evidence_size")


def submit(occurrence: Occurrence, user_id: int, note: str, evidence, now: datetime) -> None:
    """Record a submission once; a late one is allowed (its lateness is derived, not stored).
    The submission is audited as an update of the occurrence by user_id."""
    values = dict(submitted_at=now, submitted_by=user_id, note=note,
                  evidence_name=evidence.original_name if evidence else None,
                  evidence_path=evidence.stored_name if evidence else None,
                  evidence_size=evidence.size if evidence else None)
    with database.atomic():
        changed = (Occurrence.update(**values)
                   .where((Occurrence.id == occurrence.id) & Occurrence.submitted_at.is_null())
                   .execute())
        if changed != 1:
            raise _already_submitted(occurrence.id)
        _audit_submission(occurrence, Occurrence(assignment=occurrence.assignment_id,
                                                 due_at=occurrence.due_at, **values), user_id, now)
        refresh_status(recurring_lead_assignments().where(Assignment.id == occurrence.assignment_id), now.date())


def _already_submitted(occurrence_id: int) -> AlreadySubmitted:
    row = (Occurrence.select(Occurrence.submitted_at, User.full_name).join(User, on=(Occurrence.submitted_by == User.id))
           .where(Occurrence.id == occurrence_id).dicts().first())
    return AlreadySubmitted(row["full_name"], row["submitted_at"]) if row else AlreadySubmitted()


def _audit_submission(before: Occurrence, after: Occurrence, user_id: int, now: datetime) -> None:
    """A submission is an update of the occurrence, logged against the assignment's unit."""
    unit_id = Assignment.select(Assignment.unit).where(Assignment.id == before.assignment_id).scalar()
    audit.record("update", "occurrence", before.id, user_id=user_id, unit_id=unit_id, at=now,
                 before=audit.snapshot(before, SUBMISSION_FIELDS), after=audit.snapshot(after, SUBMISSION_FIELDS),
                 summary=f"Nộp báo cáo kỳ hạn {before.due_at:%H:%M %d/%m/%Y} của giao việc #{before.assignment_id}")
