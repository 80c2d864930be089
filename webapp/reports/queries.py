"""Reads for the monthly report pages."""
from ..models import MonthlyReport, Unit


def visible_reports(user):
    query = (MonthlyReport.select(MonthlyReport, Unit).join(Unit)
             .order_by(MonthlyReport.year.desc(), MonthlyReport.month.desc(), Unit.sort_name))
    if user.is_admin:
        return query
    if user.is_leader:
        return query.where(Unit.path.startswith(user.unit.path))
    return query.where(MonthlyReport.unit == user.unit_id)
