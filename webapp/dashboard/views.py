"""Tổng hợp: the leaders' summary of status classes, overdue work and reporting discipline, as of
now or of an earlier day, expandable to what units passed down; the unit scorecard and its Excel;
urging letters from the overdue list."""
from datetime import datetime, time

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from .. import pdf as pdf_document
from ..core import urging
from ..core.access import can_view_letter
from ..models import Unit, UrgingLetter
from ..rules import scorecard_workbook, status
from ..rules.input import InputError, parse_day
from ..rules.reporting import PERIOD_KINDS, period_containing
from ..rules.urging import letter_docx
from ..web import (
    ListPage,
    RowsPage,
    Page,
    drops_blank_args,
    due_soon_days,
    ensure_occurrences,
    form_ids,
    get_or_404,
    is_htmx,
    now,
    page_number,
    picked,
    query_date,
    roles_required,
    work_calendar,
)
from . import bp, queries
from .forms import LetterForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PREVIEW_ROWS = 10
SUMMARY_ROWS = 25  # units and directives shown before "show all", rows of the reporting rates
ALL_ROWS = 50  # a page of "show all"
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
    """Read the filters from the query string; a unit the user may not see is a 404. A day that
    cannot be read (or outside 1900–2100) falls back to today, with the reason as `date_error`."""
    unit = picked("unit").chosen
    directive = picked("directive").chosen
    kind = request.args.get("period") if request.args.get("period") in PERIOD_KINDS else "month"
    as_of, _ = _as_of()
    day, error = query_date("date", (as_of or now()).date())
    return queries.Filters(directive.id if directive else None, unit, period_containing(kind, day), day=day,
                           date_error=error, delegated=request.args.get("delegated") == "1", as_of=as_of)


def _filter_choices():
    return dict(picks={"unit": picked("unit"), "directive": picked("directive")},
                period_kinds=PERIOD_KINDS, as_of_text=request.args.get("as_of", "").strip(),
                as_of_error=_as_of()[1])


@bp.route("/")
@drops_blank_args
def index():
    filters = _filters()
    current = ensure_occurrences(filters.period.end)
    moment = filters.as_of or current
    soon = due_soon_days()
    overdue = queries.overdue(current_user, filters, moment, soon)
    due_soon = queries.due_within(current_user, filters, moment, DUE_AHEAD_DAYS)
    show_all = request.args.get("all", "")
    units = RowsPage(page_number("upage") if show_all == "units" else 1,
                     ALL_ROWS if show_all == "units" else SUMMARY_ROWS,
                     lambda offset, size: queries.unit_rows_page(current_user, filters, moment, soon, offset, size))
    directives = RowsPage(page_number("dpage") if show_all == "directives" else 1,
                          ALL_ROWS if show_all == "directives" else SUMMARY_ROWS,
                          lambda offset, size: queries.directive_rows_page(current_user, filters, moment, soon,
                                                                           offset, size))
    partners = queries.directive_partners(current_user, filters, [d.id for d, _ in directives.items])
    rates = (RowsPage(page_number("rpage"), SUMMARY_ROWS,
                      lambda offset, size: queries.rate_rows_page(current_user, filters, moment, soon, offset, size))
             if not filters.delegated else ListPage([], 1, SUMMARY_ROWS))
    context = dict(
        filters=filters, now=moment, classes=status.CLASSES, show_all=show_all,
        unit_rows=units.items, unit_page=units, unit_total=units.total,
        rate_rows=rates.items, rate_page=rates,
        directive_rows=[(d, counts, partners.get(d.id, (0, 0))) for d, counts in directives.items],
        directive_page=directives, directive_total=directives.total,
        overdue=queries.with_days_overdue(overdue.limit(PREVIEW_ROWS), moment),
        overdue_total=queries.overdue_total(current_user, filters, moment, soon),
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
    moment = filters.as_of or ensure_occurrences()
    soon = due_soon_days()
    page = Page(queries.overdue(current_user, filters, moment, soon), page_number(),
                current_app.config["PAGE_SIZE"], queries.overdue_total(current_user, filters, moment, soon))
    context = dict(filters=filters, now=moment, page=page, rows=queries.with_days_overdue(page.items, moment),
                   urged=queries.last_urged(page.items), **_filter_choices())
    template = "dashboard/_overdue.html" if is_htmx() else "dashboard/overdue.html"
    return render_template(template, **context)


# --- Urging letters (công văn đôn đốc) ---------------------------------------------------------

@bp.route("/don-doc/moi", methods=["POST"])
def letter_new():
    """Make a draft letter from the overdue items picked, or from every overdue item of a directive."""
    current = ensure_occurrences()
    directive_id = next(iter(form_ids("directive")), None)
    if directive_id:
        picked = urging.overdue_assignments(current_user, current, due_soon_days(), directive_id=directive_id)
    else:
        ids = form_ids("item")[:urging.MAX_ITEMS + 1]
        picked = urging.overdue_assignments(current_user, current, due_soon_days(), ids=ids) if ids else []
    try:
        letter = urging.create(current_user, picked, now=current, calendar=work_calendar())
    except InputError as exc:
        flash(str(exc), "error")
        return redirect(url_for("dashboard.overdue_list", directive=directive_id))
    flash(f"Đã lập dự thảo công văn đôn đốc {len(picked)} việc quá hạn. Sửa các phần còn trống rồi tải về.",
          "success")
    return redirect(url_for("dashboard.letter", letter_id=letter.id))


def _letter_or_404(letter_id):
    letter = get_or_404(UrgingLetter.select(UrgingLetter, Unit).join(Unit), UrgingLetter.id == letter_id)
    if not can_view_letter(current_user, letter):
        abort(404)
    return letter


@bp.route("/don-doc/<id:letter_id>", methods=["GET", "POST"])
def letter(letter_id):
    letter = _letter_or_404(letter_id)
    form = LetterForm(data=urging.default_values(letter))
    if form.validate_on_submit():
        try:
            urging.save(letter, form.values(), actor_id=current_user.id, now=now())
        except InputError as exc:
            field = getattr(form, exc.field, None) if exc.field else None
            (field.errors.append if field is not None else form.form_errors.append)(str(exc))
        else:
            flash("Đã lưu công văn.", "success")
            return redirect(url_for("dashboard.letter", letter_id=letter.id))
    return render_template("dashboard/letter.html", letter=letter, form=form, doc=urging.content(letter),
                           items=urging.items_of(letter))


@bp.route("/don-doc/<id:letter_id>/docx")
def letter_docx_file(letter_id):
    letter = _letter_or_404(letter_id)
    return Response(letter_docx(urging.content(letter)), mimetype=DOCX, headers={
        "Content-Disposition": f'attachment; filename="{urging.file_name(letter, "docx")}"'})


@bp.route("/don-doc/<id:letter_id>/pdf")
def letter_pdf(letter_id):
    letter = _letter_or_404(letter_id)
    body = pdf_document.render(render_template("dashboard/letter_print.html", doc=urging.content(letter)))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{urging.file_name(letter, "pdf")}"'})


# --- The unit scorecard (xếp hạng đơn vị) ----------------------------------------------------

def _scorecard():
    filters = _filters()
    ensure_occurrences(filters.period.end)
    moment = filters.as_of or now()
    rows = queries.scorecard(current_user, filters, moment, due_soon_days())
    key = request.args.get("sort") if request.args.get("sort") in queries.SCORE_KEYS else "on_time_rate"
    descending = request.args.get("dir", "desc") != "asc"
    return filters, moment, queries.sort_scorecard(rows, key, descending), key, descending


@bp.route("/xep-hang")
@drops_blank_args
def scorecard():
    """Xếp hạng đơn vị: per unit for a period, every figure a link to the list behind it."""
    filters, moment, rows, key, descending = _scorecard()
    page = ListPage(rows, page_number(), ALL_ROWS)
    context = dict(filters=filters, now=moment, rows=page.items, page=page, sort_key=key, descending=descending,
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
