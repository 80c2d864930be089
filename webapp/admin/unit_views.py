"""Admin pages for the unit tree. Units are never deleted, only deactivated or merged."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..models import Unit
from . import bp, get_or_404, queries, show_error
from .forms import UnitForm, add_error, blank_first


@bp.route("/don-vi/")
def units():
    rows = queries.unit_rows()
    return render_template("admin/units.html", rows=rows, names={u.id: u.name for u, _, _ in rows})


@bp.route("/don-vi/moi", methods=["GET", "POST"])
def unit_new():
    return _unit_form(None)


@bp.route("/don-vi/<int:unit_id>/sua", methods=["GET", "POST"])
def unit_edit(unit_id):
    return _unit_form(get_or_404(Unit, unit_id))


def _unit_initial(unit) -> dict:
    if unit is None:
        return {"active": True}
    return {"name": unit.name, "kind": unit.kind, "parent": unit.parent_id, "active": unit.active,
            "merged_into": unit.merged_into_id}


def _fill_choices(form, unit) -> None:
    """The unit's own subtree is left out of the parent list; the server checks again anyway."""
    subtree = [u.id for u in Unit.select(Unit.id).where(Unit.path.startswith(unit.path))] if unit else []
    keep_parent = [unit.parent_id] if unit else []
    form.parent.choices = blank_first("— Không có (đơn vị gốc) —",
                                      queries.unit_options(keep_ids=keep_parent, exclude_ids=subtree))
    keep_merged = [unit.merged_into_id] if unit else []
    form.merged_into.choices = blank_first("— Không —", queries.unit_options(
        keep_ids=keep_merged, exclude_ids=[unit.id] if unit else []))


def _unit_or_error(field):
    """The unit a select names, or None for blank; an error beside the field if it is gone."""
    if field.data is None:
        return None, True
    unit = Unit.get_or_none(Unit.id == field.data)
    if unit is None:
        add_error(field, "Đơn vị không tồn tại.")
    return unit, unit is not None


def _unit_form(unit):
    form = UnitForm(data=_unit_initial(unit))
    _fill_choices(form, unit)
    if form.validate_on_submit():
        parent, parent_ok = _unit_or_error(form.parent)
        merged_into, merged_ok = _unit_or_error(form.merged_into)
        if parent_ok and merged_ok:
            try:
                saved = queries.save_unit(unit, form.name.data.strip(), form.kind.data, parent,
                                          form.active.data, merged_into, actor_id=current_user.id)
            except queries.AdminError as exc:
                show_error(form, exc)
            else:
                flash(f"Đã lưu đơn vị {saved.name}.", "success")
                return redirect(url_for("admin.units", _anchor=f"unit-{saved.id}"))
    return render_template("admin/unit_form.html", form=form, unit=unit,
                           children=unit.children.count() if unit else 0,
                           users=unit.users.count() if unit else 0)
