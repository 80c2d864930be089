"""Reads for the monthly report pages."""
from ..core.access import report_scope
from ..models import MonthlyReport, Unit


def visible_reports(user):
    query = (MonthlyReport.select(MonthlyReport, Unit).join(Unit)
             .order_by(MonthlyReport.year.desc(), MonthlyReport.month.desc(), Unit.sort_name))
    return query.where(report_scope(user))
