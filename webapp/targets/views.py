"""Targets (chỉ tiêu) and figures (số liệu) of the indicator sets: the sets a user follows, a set's
targets as its appendix with import and export, a unit's split among the units below, the figures
form (the report of a period), the roll-up per set and date with its Excel; the addresses of the
fixed Phụ lục 01 / 2a / 2b pages lead to their set."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core import figures, targets
from ..core import indicators as sets
from ..core.access import can_enter_figures, can_split_targets, can_view_rollup, can_view_set
from ..core.uploads import UploadError, discard, store_evidence
from ..models import IndicatorSet, Unit
from ..rules import appendix
from ..rules import indicators as rules
from ..web import (
    ListPage,
    ensure_occurrences,
    get_or_404,
    is_htmx,
    now,
    page_number,
    query_args,
    query_date,
    query_int,
)
from . import bp, forms, queries

MAX_IMPORT_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _set_or_404(set_id):
    indicator_set = get_or_404(IndicatorSet.select(IndicatorSet, Unit).join(Unit, on=(IndicatorSet.scope == Unit.id)),
                               IndicatorSet.id == set_id)
    if not can_view_set(current_user, indicator_set):
        abort(404)
    return indicator_set


def _year(indicator_set):
    years = targets.years_with_targets(indicator_set)
    return query_int("year", years[0] if years else now().year, minimum=2000, maximum=2100)


def _only_set_with_targets():
    found = targets.sets_with_targets()
    return found[0] if len(found) == 1 else None


# --- The sets ---------------------------------------------------------------------------------

@bp.route("/chi-tieu/")
def index():
    """The sets the user follows; an address of the old Phụ lục 01 page (?year=) leads to its set."""
    if request.args.get("year") and (legacy := _only_set_with_targets()) and can_view_set(current_user, legacy):
        return redirect(url_for("targets.set_targets", set_id=legacy.id, year=query_int("year", None, 2000, 2100)))
    return render_template("targets/index.html", items=queries.set_list(current_user))


@bp.route("/chi-tieu/bo/<id:set_id>")
def set_targets(set_id, problems=None):
    indicator_set = _set_or_404(set_id)
    year = _year(indicator_set)
    context = queries.targets_table(indicator_set, current_user, year)
    return render_template("targets/set.html", s=indicator_set, year=year, problems=problems,
                           years=targets.years_with_targets(indicator_set), **context)


@bp.route("/chi-tieu/bo/<id:set_id>/nhap", methods=["POST"])
def import_file(set_id):
    """Import the set's appendix from an .xlsx: all of it, or nothing with the list of problems."""
    indicator_set = _set_or_404(set_id)
    if not current_user.is_admin:
        abort(403)
    year = request.form.get("year", type=int)
    upload = request.files.get("file")
    problems = []
    label = indicator_set.appendix_label or "phụ lục"
    if not year or not 2000 <= year <= 2100:
        problems.append(appendix.Problem("", "", "Vui lòng nhập năm của chỉ tiêu (ví dụ 2024)."))
    if upload is None or not upload.filename:
        problems.append(appendix.Problem("", "", f"Vui lòng chọn tệp Excel (.xlsx) {label}."))
    elif not upload.filename.lower().endswith(".xlsx"):
        problems.append(appendix.Problem("", "", "Chỉ nhận tệp .xlsx."))
    if not problems:
        data = upload.stream.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            problems.append(appendix.Problem("", "", "Tệp quá lớn: tối đa 5 MB."))
        else:
            try:
                result = targets.import_appendix(indicator_set, data, year, now(), actor_id=current_user.id)
            except appendix.AppendixError as exc:
                problems = exc.problems
            else:
                flash(f"Đã nhập chỉ tiêu năm {year}: {result['created']} mới, {result['updated']} thay đổi, "
                      f"{result['unchanged']} không đổi.", "success")
                return redirect(url_for("targets.set_targets", set_id=indicator_set.id, year=year))
    return set_targets(set_id, problems=problems)


@bp.route("/chi-tieu/bo/<id:set_id>/xuat")
def export(set_id):
    indicator_set = _set_or_404(set_id)
    year = _year(indicator_set)
    units = [u for u in targets.appendix_units(indicator_set) if can_view_rollup(current_user, u)]
    try:
        body = targets.export_appendix(indicator_set, units, year)
    except sets.SetError as exc:
        flash(str(exc), "error")
        return redirect(url_for("targets.set_targets", set_id=indicator_set.id, year=year))
    name = queries.file_name(indicator_set.appendix_label or indicator_set.name)
    return Response(body, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{name}-chi-tieu-{year}.xlsx"'})


# --- Split among the units below --------------------------------------------------------------

@bp.route("/chi-tieu/bo/<id:set_id>/chia/<id:unit_id>", methods=["GET", "POST"])
def split(set_id, unit_id):
    indicator_set = _set_or_404(set_id)
    unit = get_or_404(Unit, Unit.id == unit_id)
    if not unit.path.startswith(indicator_set.scope.path) or not can_view_rollup(current_user, unit):
        abort(404)
    if not can_split_targets(current_user, unit):
        abort(403)
    year = _year(indicator_set)
    context = queries.split_context(indicator_set, unit, year)
    if request.method == "POST":
        values, errors = forms.parse_split(request.form, context["units"], context["fields"], context["groups"],
                                           context["decimals"])
        context.update(values=values, errors=errors)
    queries.split_sums(context)
    if request.method == "POST" and request.form.get("preview"):
        return render_template("targets/_split_sums.html", s=indicator_set, unit=unit, year=year, **context)
    if request.method == "POST" and not context["errors"]:
        result = targets.upsert_targets(indicator_set, context["values"], year, now(), actor_id=current_user.id)
        flash(f"Đã lưu chỉ tiêu cho {len(context['units'])} đơn vị ({result['created'] + result['updated']} "
              "số thay đổi).", "success")  # a shortfall stays on the page below, in the warning style
        return redirect(url_for("targets.split", set_id=indicator_set.id, unit_id=unit.id, year=year))
    return render_template("targets/split.html", s=indicator_set, unit=unit, year=year, **context)


# --- Figures ----------------------------------------------------------------------------------

@bp.route("/so-lieu/")
def figures_index():
    """The sets the user's unit enters figures in, with their forms; the old address (?day=) leads to
    the form of the only one."""
    items = queries.entry_list(current_user)
    if request.args.get("day") and len(items) == 1:
        item = items[0]
        return redirect(url_for("targets.entry", set_id=item["set"].id, unit_id=item["unit"].id,
                                day=request.args.get("day")[:20]))
    return render_template("targets/figures_index.html", items=items)


@bp.route("/so-lieu/bo/<id:set_id>/nhap/<id:unit_id>", methods=["GET", "POST"])
def entry(set_id, unit_id):
    """A unit's figures of a period: for itself and the units below it it enters for. For the lead
    unit of the set's duty this is that period's report: saving submits it."""
    indicator_set = _set_or_404(set_id)
    unit = get_or_404(Unit, Unit.id == unit_id)
    if not unit.path.startswith(indicator_set.scope.path):
        abort(404)
    if not can_enter_figures(current_user, unit, indicator_set.scope):
        abort(404 if not can_view_rollup(current_user, unit) else 403)
    ensure_occurrences()
    context = queries.entry_context(indicator_set, unit, now())
    day, day_error = query_date("day", context["default_day"])
    if request.method == "POST" and day_error:
        abort(400)  # the form's own address always carries a readable day
    context.update(queries.entry_values(indicator_set, context, day))
    errors = {}
    if request.method == "POST":
        rows, errors = forms.parse_entry(request.form, context["units"], context["indicators"], context["groups"])
        context["typed"] = request.form
        if not errors:
            saved = _save_entry(indicator_set, unit, day, rows, context)
            if saved is not None:
                return saved
            errors = context.pop("save_errors")
    return render_template("targets/entry.html", s=indicator_set, unit=unit, day=day, day_error=day_error,
                           now_value=now(),
                           day_text=request.args.get("day", "")[:20], errors=errors, **context)


def _save_entry(indicator_set, unit, day, rows, context):
    upload_dir = current_app.config["UPLOAD_DIR"]
    evidence = None
    if context.get("occurrence") is not None:
        try:
            evidence = store_evidence(request.files.get("evidence"), upload_dir)
        except UploadError as exc:
            context["save_errors"] = {"evidence": str(exc)}
            return None
    try:
        result = figures.save(indicator_set, unit, day, rows, current_user.id, now(),
                              note=(request.form.get("report_note") or "")[:5000], evidence=evidence)
    except figures.FiguresError as exc:
        discard(upload_dir, evidence)
        context["save_errors"] = exc.errors
        return None
    if not result["evidence_kept"]:
        discard(upload_dir, evidence)
    message = f"Đã lưu số liệu ngày {day:%d/%m/%Y}: {result['saved']} đơn vị"
    if result["unchanged"]:
        message += f" ({result['unchanged']} không đổi)"
    if result["submitted"]:
        message += f"; đã nộp {result['submitted']} báo cáo kỳ này"
    flash(message + ".", "success")
    return redirect(url_for("targets.entry", set_id=indicator_set.id, unit_id=unit.id, day=day.isoformat()))


# --- Roll-up ----------------------------------------------------------------------------------

@bp.route("/so-lieu/bo/<id:set_id>/tong-hop/<id:unit_id>")
@bp.route("/so-lieu/bo/<id:set_id>/tong-hop/<id:unit_id>/excel", endpoint="rollup_excel")
def rollup(set_id, unit_id):
    indicator_set = _set_or_404(set_id)
    unit = get_or_404(Unit, Unit.id == unit_id)
    if not (unit.path.startswith(indicator_set.scope.path) or indicator_set.scope.path.startswith(unit.path)):
        abort(404)
    if not can_view_rollup(current_user, unit):
        abort(404)
    day, day_error = query_date("day", figures.last_day(indicator_set, unit, now().date()))
    default_since = rules.default_window(sets.rule_kind(indicator_set), day)
    since, since_error = query_date("since", default_since)
    if request.args.get("since", "").strip() and since is not None and since > day:
        since, since_error = default_since, "Ngày bắt đầu phải trước ngày số liệu."
    result = figures.rollup(indicator_set, unit, day, since)
    if request.endpoint == "targets.rollup_excel":
        body = queries.rollup_workbook(result)
        name = queries.file_name(f"tong-hop-{indicator_set.appendix_label or indicator_set.name}")
        return Response(body, mimetype=XLSX, headers={
            "Content-Disposition": f'attachment; filename="{name}-{day:%Y-%m-%d}.xlsx"'})
    template = "targets/_rollup.html" if is_htmx() else "targets/rollup.html"
    # A flat province can have a thousand communes in rows: the page shows them a page at a time
    # (the total is of all of them; the Excel has every row).
    rows = ListPage(result.rows, page_number(), current_app.config["PAGE_SIZE"])
    excel_url = url_for("targets.rollup_excel", set_id=indicator_set.id, unit_id=unit.id, day=day.isoformat(),
                        since=since.isoformat() if since else None)
    return render_template(template, s=indicator_set, unit=unit, r=result, rows=rows, day=day, since=since,
                           excel_url=excel_url,
                           day_error=day_error or since_error, day_text=request.args.get("day", "")[:20],
                           since_text=request.args.get("since", "")[:20], **queries.rollup_links(result))


# --- The fixed Phụ lục 01 / 2a / 2b addresses of earlier versions -----------------------------

def _legacy_set():
    legacy = _only_set_with_targets()
    if legacy is None or not can_view_set(current_user, legacy):
        return None
    return legacy


@bp.route("/chi-tieu/xuat")
def legacy_export():
    legacy = _legacy_set()
    if legacy is None:
        return redirect(url_for("targets.index"))
    return redirect(url_for("targets.export", set_id=legacy.id, **query_args("targets.export")))


@bp.route("/chi-tieu/nhap", methods=["POST"])
def legacy_import():
    legacy = _legacy_set()
    if legacy is None:
        return redirect(url_for("targets.index"))
    return redirect(url_for("targets.import_file", set_id=legacy.id), code=307)  # the file is posted again


@bp.route("/chi-tieu/chia/<id:district_id>", methods=["GET", "POST"])
def legacy_split(district_id):
    legacy = _legacy_set()
    if legacy is None:
        return redirect(url_for("targets.index"))
    return redirect(url_for("targets.split", set_id=legacy.id, unit_id=district_id, **query_args("targets.split")),
                    code=307 if request.method == "POST" else 302)


@bp.route("/so-lieu/2a/<id:province_id>")
@bp.route("/so-lieu/2a/<id:province_id>/excel", endpoint="legacy_2a_excel")
def legacy_2a(province_id):
    return _legacy_rollup(province_id)


@bp.route("/so-lieu/2b/<id:district_id>")
@bp.route("/so-lieu/2b/<id:district_id>/excel", endpoint="legacy_2b_excel")
def legacy_2b(district_id):
    return _legacy_rollup(district_id)


def _legacy_rollup(unit_id):
    unit = get_or_404(Unit, Unit.id == unit_id)
    legacy = _legacy_set()
    if legacy is None or not (unit.path.startswith(legacy.scope.path) or legacy.scope.path.startswith(unit.path)):
        return redirect(url_for("targets.index"))
    excel = request.endpoint.endswith("_excel")
    endpoint = "targets.rollup_excel" if excel else "targets.rollup"
    return redirect(url_for(endpoint, set_id=legacy.id, unit_id=unit.id, **query_args(endpoint)))
