"""Monthly reports (báo cáo tháng): assembled from the data, printed in the Nghị định 30/2020 layout,
downloaded as PDF, Word and Excel, frozen when submitted."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import pdf as pdf_document
from ..core import reports
from ..core.report_content import symbol as report_symbol
from ..core.access import (
    can_edit_report,
    can_view_report,
    directive_choices,
    visible_units,
)
from ..forms import choices
from ..models import Directive, MonthlyReport, Unit
from ..rules import report_docx, report_workbook
from ..web import get_or_404, now
from . import bp, queries
from .forms import DraftForm, NewReportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _reporting_units():
    """Units the user may open reports for: their own; admins any (the Sở first)."""
    if current_user.is_admin:
        units = list(visible_units(current_user).where(Unit.active == True).order_by(Unit.sort_name))  # noqa: E712
        return sorted(units, key=lambda u: (u.kind != "so_nganh", u.sort_name))
    return [current_user.unit]


@bp.route("/")
def index():
    form = NewReportForm(formdata=None, month=now().month, year=now().year)
    _fill_choices(form)
    return render_template("reports/index.html", form=form, reports=list(queries.visible_reports(current_user)))


def _fill_choices(form):
    this_year = now().year
    form.year.choices = choices((y, str(y)) for y in range(this_year + 1, this_year - 6, -1))
    form.unit.choices = choices([(u.id, u.name) for u in _reporting_units()])
    form.directive.choices = choices([(0, "Tất cả văn bản đơn vị thực hiện")]
                                     + [(d.id, f"{d.reference} – {d.subject[:60]}")
                                        for d in directive_choices(current_user)])


@bp.route("/tao", methods=["POST"])
def create():
    form = NewReportForm()
    _fill_choices(form)
    if not form.validate_on_submit():
        return render_template("reports/index.html", form=form, reports=list(queries.visible_reports(current_user)))
    unit = Unit.get_by_id(form.unit.data)
    directive = Directive.get_by_id(form.directive.data) if form.directive.data else None
    report = reports.open_draft(unit, directive, form.year.data, form.month.data, current_user.id, now())
    return redirect(url_for("reports.detail", report_id=report.id))


def _report_or_404(report_id):
    report = get_or_404(MonthlyReport.select(MonthlyReport, Unit).join(Unit), MonthlyReport.id == report_id)
    if not can_view_report(current_user, report):
        abort(404)
    return report


@bp.route("/<id:report_id>", methods=["GET", "POST"])
def detail(report_id):
    report = _report_or_404(report_id)
    editable = can_edit_report(current_user, report)
    # A field missing from a post keeps its stored value.
    form = DraftForm(data=_draft_values(report))
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            reports.save_draft(report, form.values(), current_user.id, now())
            flash("Đã lưu dự thảo báo cáo.", "success")
            return redirect(url_for("reports.detail", report_id=report.id))
    data = reports.report_data(report, now())
    return render_template("reports/detail.html", report=report, data=data, form=form, editable=editable,
                           symbol=report_symbol(report.unit))


def _draft_values(report) -> dict:
    values = {name: getattr(report, name) for name in reports.EDITABLE}
    values["signed_on"] = f"{report.signed_on:%d/%m/%Y}" if report.signed_on else ""
    return values


@bp.route("/<id:report_id>/nop", methods=["POST"])
def submit(report_id):
    report = _report_or_404(report_id)
    if not can_edit_report(current_user, report):
        abort(403)
    try:
        reports.submit(report, current_user.id, now())
    except reports.ReportError as exc:
        flash(str(exc), "error")
    else:
        flash("Đã nộp báo cáo; số liệu trong báo cáo được giữ nguyên như lúc nộp.", "success")
    return redirect(url_for("reports.detail", report_id=report.id))


@bp.route("/<id:report_id>/pdf")
def pdf(report_id):
    report = _report_or_404(report_id)
    data = reports.report_data(report, now())
    body = pdf_document.render(render_template("reports/print.html", report=report, data=data))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="bao-cao-{report.year}-{report.month:02d}.pdf"'})


@bp.route("/<id:report_id>/docx")
def docx(report_id):
    report = _report_or_404(report_id)
    body = report_docx.build_document(reports.report_data(report, now()))
    return Response(body, mimetype=DOCX, headers={
        "Content-Disposition": f'attachment; filename="bao-cao-{report.year}-{report.month:02d}.docx"'})


@bp.route("/<id:report_id>/excel")
def xlsx(report_id):
    report = _report_or_404(report_id)
    body = report_workbook.build_workbook(reports.report_data(report, now()))
    return Response(body, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="bao-cao-{report.year}-{report.month:02d}.xlsx"'})

