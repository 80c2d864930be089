"""Targets (chỉ tiêu) and progress figures (số liệu tiến độ): Phụ lục 01, the split to communes,
daily figures and the Phụ lục 2a / 2b roll-ups."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core import progress, targets
from ..core.access import can_enter_figures, can_split_targets, can_view_rollup
from ..core.units import district_of
from ..models import GROUPS, Unit
from ..rules import appendix, progress_sheet
from ..web import get_or_404, is_htmx, now, query_date, query_id, roles_required
from . import bp, forms

MAX_IMPORT_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year():
    years = targets.years_with_targets()
    default = years[0] if years else now().year
    year = request.args.get("year", default, type=int)
    if not 2000 <= year <= 2100:
        abort(404)
    return year


def _district_rows(year):
    """(district, {group: Figures}) for the districts whose figures the user may see (a Sở: every
    district of its province) that have targets or that the user splits."""
    districts = [d for d in Unit.select().where(Unit.kind == "ubnd_huyen").order_by(Unit.sort_name)
                 if can_view_rollup(current_user, d)]
    with_targets = {unit.id: figures for unit, figures in targets.appendix_rows(districts, year)}
    return [(d, with_targets.get(d.id, {})) for d in districts
            if d.id in with_targets or can_split_targets(current_user, d)]


# --- Phụ lục 01 -------------------------------------------------------------------------------

@bp.route("/chi-tieu/")
def index(problems=None):
    year = _year()
    rows = _district_rows(year)
    provinces = {p.id: p for p in Unit.select().where(Unit.id.in_([d.parent_id for d, _ in rows]))}
    totals = {g: appendix.Figures(sum(f[g].total for _, f in rows if g in f),
                                  [sum(f[g].quarters[q] for _, f in rows if g in f) for q in range(4)])
              for g in GROUPS}
    return render_template("targets/index.html", year=year, rows=rows, groups=GROUPS, totals=totals,
                           years=targets.years_with_targets(), problems=problems,
                           provinces=[p for p in provinces.values() if can_view_rollup(current_user, p)],
                           can_split=lambda d: can_split_targets(current_user, d),
                           can_view=lambda u: can_view_rollup(current_user, u))


@bp.route("/chi-tieu/nhap", methods=["POST"])
@roles_required("admin")
def import_file():
    """Import Phụ lục 01 from an .xlsx: all of it, or nothing with the list of problems."""
    year = request.form.get("year", type=int)
    upload = request.files.get("file")
    problems = []
    if not year or not 2000 <= year <= 2100:
        problems.append(appendix.Problem("", "", "Vui lòng nhập năm của chỉ tiêu (ví dụ 2024)."))
    if upload is None or not upload.filename:
        problems.append(appendix.Problem("", "", "Vui lòng chọn tệp Excel (.xlsx) Phụ lục 01."))
    elif not upload.filename.lower().endswith(".xlsx"):
        problems.append(appendix.Problem("", "", "Chỉ nhận tệp .xlsx."))
    if not problems:
        data = upload.stream.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            problems.append(appendix.Problem("", "", "Tệp quá lớn: tối đa 5 MB."))
        else:
            try:
                result = targets.import_appendix(data, year, now(), actor_id=current_user.id)
            except appendix.AppendixError as exc:
                problems = exc.problems
            else:
                flash(f"Đã nhập chỉ tiêu năm {year}: {result['created']} mới, {result['updated']} thay đổi, "
                      f"{result['unchanged']} không đổi.", "success")
                return redirect(url_for("targets.index", year=year))
    return index(problems=problems)


@bp.route("/chi-tieu/xuat")
def export():
    year = _year()
    body = appendix.build_appendix(year, [(d.name, figures) for d, figures in _district_rows(year) if figures])
    return Response(body, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="phu-luc-01-chi-tieu-{year}.xlsx"'})


# --- Split among communes ---------------------------------------------------------------------

@bp.route("/chi-tieu/chia/<id:district_id>", methods=["GET", "POST"])
def split(district_id):
    district = get_or_404(Unit, Unit.id == district_id, Unit.kind == "ubnd_huyen")
    if not can_view_rollup(current_user, district):
        abort(404)
    if not can_split_targets(current_user, district):
        abort(403)
    year = _year()
    communes = targets.communes_of(district)
    district_targets = targets.district_targets([district], year).get(district.id, {})
    if request.method == "POST":
        values, errors = forms.parse_split(request.form, communes)
    else:
        existing = targets.district_targets(communes, year)
        values = {(c.id, g): tuple(getattr(t, f) for f in targets.FIELDS)
                  for c in communes for g, t in existing.get(c.id, {}).items()}
        errors = {}
    sums = targets.split_sums({k: v for k, v in values.items() if None not in v}, communes)
    warnings = targets.shortfalls(sums, district_targets)
    context = dict(district=district, year=year, communes=communes, groups=GROUPS, fields=targets.FIELDS,
                   field_labels=targets.FIELD_LABELS,
                   values=values, errors=errors, sums=sums, warnings=warnings, district_targets=district_targets)
    if request.method == "POST" and request.form.get("preview"):
        return render_template("targets/_split_sums.html", **context)
    if request.method == "POST" and not errors:
        result = targets.upsert_targets(values, year, now(), actor_id=current_user.id)
        flash(f"Đã lưu chỉ tiêu cho {len(communes)} xã ({result['created'] + result['updated']} dòng thay đổi).",
              "success")  # a shortfall stays on the page below, in the warning style, not as an error
        return redirect(url_for("targets.split", district_id=district.id, year=year))
    return render_template("targets/split.html", **context)


# --- Progress figures -------------------------------------------------------------------------

def _day():
    """The day asked for (dd/mm/yyyy as the date field sends it, or yyyy-mm-dd from links), today when
    none; a day that cannot be read shows today with the message beside the field."""
    return query_date("day", now().date())


@bp.route("/so-lieu/", methods=["GET", "POST"])
def figures():
    """A unit enters its day's figures (a district for itself where its communes do not report)."""
    unit = current_user.unit
    if request.args.get("unit") and current_user.is_admin:
        unit = get_or_404(Unit, Unit.id == query_id("unit"))
    if unit.kind not in ("ubnd_xa", "ubnd_huyen"):
        return render_template("targets/figures.html", unit=unit, day=_day()[0], not_reporting=True)
    if not can_enter_figures(current_user, unit):
        abort(403)
    day, day_error = _day()
    errors = {}
    if request.method == "POST":
        if day_error:  # the form's own address always carries a readable day
            abort(400)
        entries = forms.parse_figures(request.form)
        try:
            progress.save_figures(unit, day, entries, current_user.id, now())
        except progress.FiguresError as exc:
            errors = {f"{g}-{f}": m for (g, f), m in exc.errors.items()}
        else:
            flash(f"Đã lưu số liệu ngày {day:%d/%m/%Y}.", "success")
            return redirect(url_for("targets.figures", day=day.isoformat(),
                                    unit=unit.id if unit.id != current_user.unit_id else None))
        values = entries
    else:
        saved = progress.figures_on(unit.id, day)
        values = {g: {n: getattr(saved[g], n) for n in (*progress.COUNTS, "note")} for g in saved}
    previous = progress.previous_figures(unit.id, day)
    district = district_of(unit)
    return render_template("targets/figures.html", unit=unit, day=day, values=values, errors=errors,
                           previous=previous, groups=GROUPS, counts=progress.COUNTS, labels=progress.LABELS,
                           district=district, not_reporting=False, day_error=day_error,
                           day_text=request.args.get("day", "")[:20])


def _rollup_context(parent, child_kind, day):
    tables = progress.rollup(parent, child_kind, day)
    return {group: (rows, progress.total_of(rows, parent, group)) for group, rows in tables.items()}


@bp.route("/so-lieu/2b/<id:district_id>")
@bp.route("/so-lieu/2b/<id:district_id>/excel", endpoint="report_2b_excel")
def report_2b(district_id):
    return _report(district_id, "ubnd_huyen", "ubnd_xa", "2b")


@bp.route("/so-lieu/2a/<id:province_id>")
@bp.route("/so-lieu/2a/<id:province_id>/excel", endpoint="report_2a_excel")
def report_2a(province_id):
    return _report(province_id, "ubnd_tinh", "ubnd_huyen", "2a")


def _report(unit_id, kind, child_kind, form):
    parent = get_or_404(Unit, Unit.id == unit_id, Unit.kind == kind)
    if not can_view_rollup(current_user, parent):
        abort(404)
    day, day_error = _day()
    tables = _rollup_context(parent, child_kind, day)
    if request.endpoint.endswith("_excel"):
        body = progress_sheet.build_progress_report(form, parent.name, day, tables, GROUPS)
        return Response(body, mimetype=XLSX, headers={
            "Content-Disposition": f'attachment; filename="phu-luc-{form}-{day:%Y-%m-%d}.xlsx"'})
    template = "targets/_report.html" if is_htmx() else "targets/report.html"
    excel_url = url_for(f"targets.report_{form}_excel", **request.view_args, day=day.isoformat())
    return render_template(template, parent=parent, day=day, tables=tables, groups=GROUPS, form=form,
                           excel_url=excel_url, day_error=day_error, day_text=request.args.get("day", "")[:20],
                           child_label="Xã, phường, thị trấn" if form == "2b" else "Huyện, thị xã, thành phố")
