"""Admin pages for directives and their tasks."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..forms import Form, choices
from ..models import Assignment, Directive, Task, Unit
from ..tasks import TaskError
from ..web import Page, page_number
from . import bp, get_or_404, queries, show_error
from .forms import DirectiveForm, TaskForm, blank_first


# --- Directives -------------------------------------------------------------------------------

@bp.route("/van-ban/")
def directives():
    q = request.args.get("q", "").strip()[:200]
    page = Page(queries.search_directives(q), page_number(), current_app.config["PAGE_SIZE"])
    return render_template("admin/directives.html", page=page, q=q)


@bp.route("/van-ban/<int:directive_id>")
def directive(directive_id):
    directive = get_or_404(Directive, directive_id)
    return render_template("admin/directive.html", directive=directive,
                           tasks=queries.tasks_with_assignments(directive))


@bp.route("/van-ban/moi", methods=["GET", "POST"])
def directive_new():
    return _directive_form(Directive(), is_new=True)


@bp.route("/van-ban/<int:directive_id>/sua", methods=["GET", "POST"])
def directive_edit(directive_id):
    return _directive_form(get_or_404(Directive, directive_id), is_new=False)


def _directive_initial(directive) -> dict:
    fields = ("number", "place", "subject", "legal_bases", "recipients", "copies", "signing_authority",
              "signer_title", "signer_name")
    return {**{f: getattr(directive, f) for f in fields}, "issuer": directive.issuer_id,
            "issued": queries.format_partial_date(directive.issued_on, directive.issued_precision)}


def _directive_form(directive, is_new):
    form = DirectiveForm(data={} if is_new else _directive_initial(directive))
    form.issuer.choices = blank_first("— Chọn cơ quan ban hành —",
                                      queries.unit_options(keep_ids=[directive.issuer_id]))
    if form.validate_on_submit():
        queries.save_directive(directive, form.directive_fields(), actor_id=current_user.id)
        flash("Đã thêm văn bản." if is_new else "Đã lưu văn bản.", "success")
        return redirect(url_for("admin.directive", directive_id=directive.id))
    return render_template("admin/directive_form.html", form=form, directive=directive, is_new=is_new)


@bp.route("/van-ban/<int:directive_id>/xoa", methods=["GET", "POST"])
def directive_delete(directive_id):
    directive = get_or_404(Directive, directive_id)
    form = Form()
    if form.validate_on_submit():
        try:
            queries.delete_directive(directive, actor_id=current_user.id)
        except queries.AdminError as exc:
            show_error(form, exc)
        else:
            flash(f"Đã xóa văn bản {directive.reference}.", "success")
            return redirect(url_for("admin.directives"))
    return render_template("admin/confirm_delete.html", form=form, what="văn bản",
                           title=f"{directive.reference} – {directive.subject}",
                           footprint=queries.directive_footprint(directive),
                           back=url_for("admin.directive", directive_id=directive.id))


# --- Tasks ------------------------------------------------------------------------------------

@bp.route("/van-ban/<int:directive_id>/nhiem-vu/moi", methods=["GET", "POST"])
def task_new(directive_id):
    directive = get_or_404(Directive, directive_id)
    return _task_form(directive, Task(directive=directive), is_new=True)


@bp.route("/nhiem-vu/<int:task_id>/sua", methods=["GET", "POST"])
def task_edit(task_id):
    task = get_or_404(Task, task_id)
    return _task_form(task.directive, task, is_new=False)


def _task_name(task) -> str:
    return f"nhiệm vụ {task.number}" if task.number else "nhiệm vụ"


def _task_initial(task, assignments) -> dict:
    fields = ("section", "number", "position", "text", "addressed_to", "deadline_text")
    return {**{f: getattr(task, f) for f in fields}, **queries.rule_form_data(task),
            "lead_units": [a.unit_id for a in assignments if a.role == "lead"],
            "cooperating_units": [a.unit_id for a in assignments if a.role == "cooperating"]}


def _task_form(directive, task, is_new):
    assignments = [] if is_new else list(Assignment.select(Assignment, Unit).join(Unit)
                                         .where(Assignment.task == task.id).order_by(Unit.sort_name))
    title = "Thêm nhiệm vụ" if is_new else f"Sửa {_task_name(task)}"
    form = TaskForm(data={"deadline_kind": "fixed"} if is_new else _task_initial(task, assignments))
    # Units already assigned stay selectable even if retired since, so saving does not drop them.
    options = queries.unit_options(keep_ids=[a.unit_id for a in assignments])
    form.lead_units.choices = choices(options)
    form.cooperating_units.choices = choices(options)
    form.group_parent.choices = blank_first("— Toàn bộ hệ thống —", queries.unit_options())
    if form.validate_on_submit():
        if _save_task(form, directive, task):
            flash(f"Đã lưu {_task_name(task)}.", "success")
            return redirect(url_for("admin.directive", directive_id=directive.id, _anchor=f"task-{task.id}"))
    reported = set() if is_new else queries.reported_unit_ids(task)
    return render_template("admin/task_form.html", form=form, directive=directive, task=task,
                           is_new=is_new, title=title, assignments=assignments,
                           locked=[a.unit.name for a in assignments if a.unit_id in reported])


def _save_task(form, directive, task) -> bool:
    """Expand the group, then save; a refusal lands on the form and nothing is written."""
    try:
        leads = queries.lead_units(form.lead_units.data, form.group_kind.data, form.group_parent.data)
        fields = form.task_fields()
        if fields["position"] is None:
            fields["position"] = task.position if task.id else queries.next_position(directive)
        queries.store_task(task, fields, leads, queries.units_by_ids(form.cooperating_units.data),
                           actor_id=current_user.id)
    except queries.AdminError as exc:
        show_error(form, exc)
        return False
    except TaskError as exc:
        form.form_errors.append(str(exc))
        return False
    return True


@bp.route("/nhiem-vu/<int:task_id>/xoa", methods=["GET", "POST"])
def task_delete(task_id):
    task = get_or_404(Task, task_id)
    back = url_for("admin.directive", directive_id=task.directive_id)
    form = Form()
    if form.validate_on_submit():
        try:
            queries.delete_task(task, actor_id=current_user.id)
        except queries.AdminError as exc:
            show_error(form, exc)
        else:
            flash(f"Đã xóa {_task_name(task)}.", "success")
            return redirect(back)
    return render_template("admin/confirm_delete.html", form=form, what="nhiệm vụ",
                           title=f"Nhiệm vụ {task.number}: {task.text}", footprint=queries.task_footprint(task),
                           back=back)
