"""Tổng hợp: the leaders' summary of status classes, overdue work and reporting discipline."""
from flask import current_app, render_template, request
from flask_login import current_user

from ..core.access import directive_choices, unit_choices, visible_units
from ..models import Unit
from ..rules import status
from ..rules.reporting import PERIOD_KINDS, period_containing
from ..web import (
    Page,
    drops_blank_args,
    due_soon_days,
    ensure_occurrences,
    get_or_404,
    is_htmx,
    now,
    page_number,
    query_date,
    query_id,
    roles_required,
)
from . import bp, queries

PREVIEW_ROWS = 10
SUMMARY_ROWS = 25  # units and directives shown before "show all"
DUE_AHEAD_DAYS = 7


@bp.before_request
@roles_required("leader", "admin")
def leaders_only():
    return None


def _filters() -> queries.Filters:
    """Read the filters from the query string; a unit the user may not see is a 404. A day that
    cannot be read (or outside 1900–2100) falls back to today, with the reason as `date_error`."""
    unit = None
    if unit_id := query_id("unit"):
        unit = get_or_404(visible_units(current_user), Unit.id == unit_id)
    kind = request.args.get("period") if request.args.get("period") in PERIOD_KINDS else "month"
    day, error = query_date("date", now().date())
    return queries.Filters(query_id("directive"), unit, period_containing(kind, day), day=day, date_error=error)


def _filter_choices():
    return dict(directives=directive_choices(current_user), units=unit_choices(current_user),
                period_kinds=PERIOD_KINDS)


@bp.route("/")
@drops_blank_args
def index():
    filters = _filters()
    now = ensure_occurrences(filters.period.end)
    soon = due_soon_days()
    overdue = queries.overdue(current_user, filters, now, soon)
    due_soon = queries.due_within(current_user, filters, now, DUE_AHEAD_DAYS)
    unit_rows = queries.unit_rows(current_user, filters, now, soon)
    directive_rows = queries.directive_rows(current_user, filters, now, soon)
    show_all = request.args.get("all", "")
    context = dict(
        filters=filters, now=now, classes=status.CLASSES,
        unit_rows=unit_rows if show_all == "units" else unit_rows[:SUMMARY_ROWS], unit_total=len(unit_rows),
        rate_rows=[r for r in unit_rows if r.rate.expected],
        directive_rows=directive_rows if show_all == "directives" else directive_rows[:SUMMARY_ROWS],
        directive_total=len(directive_rows),
        overdue=queries.with_days_overdue(overdue.limit(PREVIEW_ROWS), now), overdue_total=overdue.count(),
        due_soon=list(due_soon.limit(PREVIEW_ROWS)), due_soon_total=due_soon.count(),
        **_filter_choices(),
    )
    template = "dashboard/_body.html" if is_htmx() else "dashboard/index.html"
    return render_template(template, **context)


@bp.route("/qua-han")
@drops_blank_args
def overdue_list():
    """The whole overdue list, most days overdue first, a page at a time."""
    filters = _filters()
    now = ensure_occurrences()
    page = Page(queries.overdue(current_user, filters, now, due_soon_days()),
                page_number(), current_app.config["PAGE_SIZE"])
    context = dict(filters=filters, now=now, page=page, rows=queries.with_days_overdue(page.items, now),
                   **_filter_choices())
    template = "dashboard/_overdue.html" if is_htmx() else "dashboard/overdue.html"
    return render_template(template, **context)
