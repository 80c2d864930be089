"""Monthly reports: drafts, submission (freezing, and the month's "before the 28th" occurrence)."""
import json
from datetime import datetime

from peewee import IntegrityError

from ..db import database
from ..models import Assignment, Directive, MonthlyReport, Occurrence, Task, Unit
from ..rules.reporting import overdue_listed
from . import audit, occurrences
from . import report_content as build

EDITABLE = ("number", "place", "signed_on", "period", "recipients", "copies", "signing_authority", "signer_title",
            "signer_name", "assessment")
# What a new month's draft takes from the unit's previous report: the header and signature usually stay
# the same; the number (registered per document), the signing date and the assessment do not.
CARRIED = ("place", "period", "recipients", "copies", "signing_authority", "signer_title", "signer_name")


class ReportError(ValueError):
    """A report action we refuse, with a Vietnamese message."""


def _find(unit: Unit, scope: int, year: int, month: int) -> MonthlyReport | None:
    return (MonthlyReport.select()
            .where((MonthlyReport.unit == unit.id) & (MonthlyReport.scope == scope) & (MonthlyReport.year == year)
                   & (MonthlyReport.month == month))
            .first())


def open_draft(unit: Unit, directive: Directive | None, year: int, month: int, actor_id: int | None,
               now: datetime) -> MonthlyReport:
    """The unit's report for the month (and directive), created as a draft the first time. Two
    people opening it at once get the same report: the unique index on (unit, scope, year, month)
    refuses the second insert, which then finds the first."""
    scope = MonthlyReport.scope_of(directive.id if directive else None)
    if existing := _find(unit, scope, year, month):
        return existing
    previous = (MonthlyReport.select().where(MonthlyReport.unit == unit.id)
                .order_by(MonthlyReport.year.desc(), MonthlyReport.month.desc()).first())
    carried = {f: getattr(previous, f) for f in CARRIED} if previous else {}
    try:
        with database.atomic():
            report = MonthlyReport.create(unit=unit, directive=directive, scope=scope, year=year, month=month,
                                          created_at=now, **carried)
            audit.record("create", "monthly_report", report.id, user_id=actor_id, unit_id=unit.id, at=now,
                         summary=f"Tạo dự thảo báo cáo tháng {month:02d}/{year}")
    except IntegrityError:
        if existing := _find(unit, scope, year, month):
            return existing
        raise
    return report


def save_draft(report: MonthlyReport, values: dict, actor_id: int, now: datetime) -> None:
    if report.submitted_at:
        raise ReportError("Báo cáo đã nộp, không sửa được nữa.")
    before = audit.snapshot(report, EDITABLE)
    with database.atomic():
        for field in EDITABLE:
            setattr(report, field, values.get(field, getattr(report, field)))
        report.updated_at = now
        report.save()
        audit.record("update", "monthly_report", report.id, user_id=actor_id, unit_id=report.unit_id, at=now,
                     before=before, after=audit.snapshot(report, EDITABLE),
                     summary=f"Sửa dự thảo báo cáo tháng {report.month:02d}/{report.year}")


def monthly_occurrence(report: MonthlyReport) -> Occurrence | None:
    """The "before the 28th" (monthly) occurrence of the reporting unit in the report's month."""
    start = datetime(report.year, report.month, 1)
    end = build.month_end(report.year, report.month)
    query = (Occurrence.select().join(Assignment).join(Task)
             .where((Assignment.unit == report.unit_id) & (Task.deadline_kind == "monthly")
                    & (Occurrence.due_at >= start) & (Occurrence.due_at <= end)))
    if report.directive_id:
        query = query.where(Task.directive == report.directive_id)
    return query.order_by(Occurrence.due_at).first()


def submit(report: MonthlyReport, actor_id: int, now: datetime) -> None:
    """Freeze the report as it stands and count it as the month's report, on time or late."""
    if report.submitted_at:
        raise ReportError("Báo cáo đã được nộp trước đó.")
    occurrences.materialise(build.month_end(report.year, report.month).date(), now.date())
    occurrence = monthly_occurrence(report)
    data = build.assemble(report, now)
    data["submission"] = {"at": now.strftime("%H:%M %d/%m/%Y"),
                          "due": occurrence.due_at.strftime("%H:%M %d/%m/%Y") if occurrence else None,
                          "late": bool(occurrence and now > occurrence.due_at)}
    with database.atomic():
        changed = (MonthlyReport.update(submitted_at=now, submitted_by=actor_id, frozen=json.dumps(data),
                                        updated_at=now)
                   .where((MonthlyReport.id == report.id) & MonthlyReport.submitted_at.is_null()).execute())
        if changed != 1:
            raise ReportError("Báo cáo đã được nộp trước đó.")
        audit.record("update", "monthly_report", report.id, user_id=actor_id, unit_id=report.unit_id, at=now,
                     summary=f"Nộp báo cáo tháng {report.month:02d}/{report.year}")
        if occurrence is not None and occurrence.submitted_at is None:
            try:
                occurrences.submit(occurrence, actor_id, f"Đã nộp báo cáo tháng {report.month:02d}/{report.year}.",
                                   None, now)
            except occurrences.AlreadySubmitted:
                pass  # the unit's other report of the month (the other scope) counted for it just now


def report_data(report: MonthlyReport, now: datetime) -> dict:
    """The frozen copy of a submitted report, or the draft computed from today's data; with the part
    of section IV a document lists ("overdue_shown", "overdue_note"; the Excel keeps "overdue")."""
    data = build.normalise(json.loads(report.frozen)) if report.frozen else build.assemble(report, now)
    data["overdue_shown"], data["overdue_note"] = overdue_listed(data["overdue"], data.get("overdue_listed"))
    return data
