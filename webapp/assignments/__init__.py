"""The assignment page: what is asked, who works on it, its history and the update form."""
from pathlib import Path

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   send_file, url_for)
from flask_login import current_user

from ..access import can_update_assignment, can_view_assignment
from ..models import Update
from ..rules import status
from ..web import is_htmx
from ..uploads import UploadError, discard, store_evidence
from . import queries
from .forms import UpdateForm

bp = Blueprint("assignments", __name__, url_prefix="/giao-viec")


def _visible_or_404(assignment_id):
    assignment = queries.get_assignment(assignment_id)
    if assignment is None or not can_view_assignment(current_user, assignment):
        abort(404)
    return assignment


def _render(assignment, form, message=None, conflict=False):
    now = current_app.config["CLOCK"]()
    cls = status.classify(assignment.due_at, assignment.done_at, now, current_app.config["DUE_SOON_DAYS"])
    context = dict(assignment=assignment, form=form, status_class=cls,
                   partners=list(queries.partners(assignment)), updates=list(queries.history(assignment)),
                   can_update=can_update_assignment(current_user, assignment),
                   message=message, conflict=conflict)
    template = "assignments/_panel.html" if is_htmx() else "assignments/detail.html"
    return render_template(template, **context)


def _fresh_form(assignment):
    form = UpdateForm(formdata=None, state=assignment.state, percent=assignment.percent)
    form.version.data = str(assignment.version)
    return form


@bp.route("/<int:assignment_id>", methods=["GET", "POST"])
def detail(assignment_id):
    assignment = _visible_or_404(assignment_id)
    if request.method == "GET":
        return _render(assignment, _fresh_form(assignment))
    if not can_update_assignment(current_user, assignment):
        abort(403)
    form = UpdateForm()
    if not form.validate_on_submit():
        return _render(assignment, form)
    if form.seen_version() != assignment.version:
        return _conflict(assignment, form)
    nothing_new = (form.state.data == assignment.state and not form.note.data.strip()
                   and not form.evidence.data and (form.percent.data in (None, assignment.percent)))
    if nothing_new:
        form.note.errors.append("Chưa có thay đổi nào: hãy đổi tình trạng, tiến độ hoặc ghi chú.")
        return _render(assignment, form)
    upload_dir = current_app.config["UPLOAD_DIR"]
    try:
        evidence = store_evidence(form.evidence.data, upload_dir)
    except UploadError as exc:
        form.evidence.errors.append(str(exc))
        return _render(assignment, form)
    percent = form.percent.data if form.percent.data is not None else assignment.percent
    if form.state.data == "not_started":
        percent = 0
    try:
        queries.post_update(assignment, form.seen_version(), current_user.id, form.state.data, percent,
                            form.note.data.strip(), evidence, current_app.config["CLOCK"]())
    except queries.UpdateConflict:
        discard(upload_dir, evidence)
        return _conflict(queries.get_assignment(assignment_id), form)
    message = "Đã cập nhật tiến độ."
    if is_htmx():
        fresh = queries.get_assignment(assignment_id)
        return _render(fresh, _fresh_form(fresh), message=message)
    flash(message, "success")
    return redirect(url_for("assignments.detail", assignment_id=assignment_id))


def _conflict(assignment, form):
    """Keep what the user typed, show the current state, and let them send again knowingly."""
    form.version.data = str(assignment.version)
    return _render(assignment, form, conflict=True)


@bp.route("/<int:assignment_id>/minh-chung/<int:update_id>")
def evidence(assignment_id, update_id):
    assignment = _visible_or_404(assignment_id)
    update = Update.get_or_none((Update.id == update_id) & (Update.assignment == assignment.id))
    if update is None or not update.evidence_path:
        abort(404)
    path = Path(current_app.config["UPLOAD_DIR"]) / update.evidence_path
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=update.evidence_name,
                     mimetype="application/octet-stream")
