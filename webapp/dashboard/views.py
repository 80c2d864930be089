"""Tổng hợp: the leaders' summary of status classes, overdue work and reporting discipline, as of
now or of an earlier day, expandable to what units passed down; the unit scorecard and its Excel."""
from datetime import date, datetime, time

from flask import Response, current_app, render_template, request
from flask_login import current_user

from ..core.access import directive_choices, unit_choices, visible_units
from ..models import Unit
from ..rules import scorecard_workbook, status
from ..rules.input import InputError, parse_day
from ..rules.reporting import PERIOD_KINDS, period_containing
from ..web import Page, due_soon_days, ensure_occurrences, get_or_404, is_htmx, now, page_number, roles_required
from . import bp, queries

PREVIEW_ROWS = 10
SUMMARY_ROWS = 25  # units and directives shown before "show all"
DUE_AHEAD_DAYS = 7
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@roles_required("leader", "admin")
def leaders_only():
    return None


def _as_of() -> tuple[datetime | None, str | None]:
    """The moment of "xem tính đến ngày" (dd/mm/yyyy): the end of that day, or now if it is today or
    later, as the monthly report counts its month; (None, error) for a date we cannot read."""
    text = request.args.get("as_of", "").strip()
    if not text:
        return None, None
    try:
        day = parse_day(text)
    except InputError as exc:
        return None, str(exc)
    moment = datetime.combine(day, time(23, 59, 59))
    return (moment if moment < now() else None), None


def _filters() -> queries.Filters:
    """Read the filters from the query string; a unit the user may not see is a 404."""
    unit = None
    if request.args.get("unit"):
        unit = get_or_404(visible_units(current_user), Unit.id == request.args.get("unit", type=int))
    kind = request.args.get("period") if request.args.get("period") in PERIOD_KINDS else "month"
    as_of, _ = _as_of()
    try:
        day = date.fromisoformat(request.args.get("date", "")) if request.args.get("date") else (as_of or now()).date()
    except ValueError:
        day = (as_of or now()).date()
    return queries.Filters(request.args.get("directive", type=int), unit, period_containing(kind, day),
                           delegated=request.args.get("delegated") == "1", as_of=as_of)


def _filter_choices():
    return dict(directives=directive_choices(current_user), units=unit_choices(current_user),
                period_kinds=PERIOD_KINDS, as_of_text=request.args.get("as_of", "").strip(),
                as_of_error=_as_of()[1])


@bp.route("/")
def index():
    filters = _filters()
    current = ensure_occurrences(filters.period.end)
    moment = filters.as_of or current
    soon = due_soon_days()
    overdue = queries.overdue(current_user, filters, moment, soon)
    due_soon = queries.due_within(current_user, filters, moment, DUE_AHEAD_DAYS)
    unit_rows = queries.unit_rows(current_user, filters, moment, soon)
    directive_rows = queries.directive_rows(current_user, filters, moment, soon)
    show_all = request.args.get("all", "")
    context = dict(
        filters=filters, now=moment, classes=status.CLASSES,
        unit_rows=unit_rows if show_all == "units" else unit_rows[:SUMMARY_ROWS], unit_total=len(unit_rows),
        rate_rows=[r for r in unit_rows if r.rate.expected],
        directive_rows=directive_rows if show_all == "directives" else directive_rows[:SUMMARY_ROWS],
        directive_total=len(directive_rows),
        overdue=queries.with_days_overdue(overdue.limit(PREVIEW_ROWS), moment), overdue_total=overdue.count(),
        due_soon=list(due_soon.limit(PREVIEW_ROWS)), due_soon_total=due_soon.count(),
        **_filter_choices(),
    )
    template = "dashboard/_body.html" if is_htmx() else "dashboard/index.html"
    return render_template(template, **context)


@bp.route("/qua-han")
def overdue_list():
    """The whole overdue list, most days overdue first, a page at a time."""
    filters = _filters()
    moment = filters.as_of or ensure_occurrences()
    page = Page(queries.overdue(current_user, filters, moment, due_soon_days()),
                page_number(), current_app.config["PAGE_SIZE"])
    context = dict(filters=filters, now=moment, page=page, rows=queries.with_days_overdue(page.items, moment),
                   **_filter_choices())
    template = "dashboard/_overdue.html" if is_htmx() else "dashboard/overdue.html"
    return render_template(template, **context)


def _scorecard():
    filters = _filters()
    ensure_occurrences(filters.period.end)
    moment = filters.as_of or now()
    rows = queries.scorecard(current_user, filters, moment, due_soon_days())
    key = request.args.get("sort") if request.args.get("sort") in queries.SCORE_KEYS else "on_time_rate"
    descending = request.args.get("dir", "desc") != "asc"
    return filters, moment, queries.sort_scorecard(rows, key, descending), key, descending


@bp.route("/xep-hang")
def scorecard():
    """Xếp hạng đơn vị: per unit for a period, every figure a link to the list behind it."""
    filters, moment, rows, key, descending = _scorecard()
    context = dict(filters=filters, now=moment, rows=rows, sort_key=key, descending=descending,
                   keys=queries.SCORE_KEYS, **_filter_choices())
    template = "dashboard/_scorecard.html" if is_htmx() else "dashboard/scorecard.html"
    return render_template(template, **context)


@bp.route("/xep-hang/excel")
def scorecard_excel():
    filters, moment, rows, _, _ = _scorecard()
    scope = filters.unit.name if filters.unit else current_user.unit.name
    body = scorecard_workbook.build(scope, filters.period.label, moment, [
        (r.unit.name, r.due, r.on_time_rate, r.overdue_now, r.average_days_late, r.returned, r.extensions,
         r.reporting_rate) for r in rows])
    name = f"xep-hang-don-vi-{filters.period.start:%Y-%m-%d}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
