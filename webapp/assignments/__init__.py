"""The assignment page: what is asked, who works on it, its history and the update form."""
from pathlib import Path

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   send_file, url_for)
from flask_login import current_user

from ..access import can_update_assignment, can_view_assignment
from .. import occurrences
from ..models import Occurrence, Update
from ..rules import status
from ..uploads import UploadError, discard, store_evidence
from ..web import Page, is_htmx, page_number
from . import queries
from .forms import OccurrenceForm, UpdateForm

bp = Blueprint("assignments", __name__, url_prefix="/giao-viec")


def _visible_or_404(assignment_id):
    occurrences.ensure_current(current_app.config["CLOCK"]())
    assignment = queries.get_assignment(assignment_id)
    if assignment is None or not can_view_assignment(current_user, assignment):
        abort(404)
    return assignment


def _render(assignment, form, message=None, conflict=False, occurrence_ctx=None):
    now = current_app.config["CLOCK"]()
    cls = status.classify(assignment.due_at, assignment.done_at, now, current_app.config["DUE_SOON_DAYS"])
    context = dict(assignment=assignment, form=form, status_class=cls,
                   partners=list(queries.partners(assignment)), updates=list(queries.history(assignment)),
                   can_update=can_update_assignment(current_user, assignment),
                   message=message, conflict=conflict)
    if is_htmx():
        return render_template("assignments/_panel.html", **context)
    if occurrence_ctx is None:
        occurrence_ctx = _occurrence_context(assignment)
    return render_template("assignments/detail.html", **context, **occurrence_ctx)


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


def _send_evidence(record):
    """An evidence file, always as a download, never rendered by the browser."""
    if record is None or not record.evidence_path:
        abort(404)
    path = Path(current_app.config["UPLOAD_DIR"]) / record.evidence_path
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=record.evidence_name,
                     mimetype="application/octet-stream")


@bp.route("/<int:assignment_id>/minh-chung/<int:update_id>")
def evidence(assignment_id, update_id):
    assignment = _visible_or_404(assignment_id)
    return _send_evidence(Update.get_or_none((Update.id == update_id) & (Update.assignment == assignment.id)))


# Recurring duties: the occurrences of this assignment and their submission.

def _occurrence_context(assignment, form=None, form_for=None, message=None) -> dict:
    """What the occurrences block needs; empty for an assignment with no recurring duty."""
    if not (assignment.task.rule.is_recurring and assignment.role == "lead"):
        return {}
    now = current_app.config["CLOCK"]()
    occurrences.ensure_current(now)
    page = Page(queries.occurrences_shown(assignment, now, occurrences.AHEAD_DAYS), page_number(), 10)
    rows = [(o, status.classify(o.due_at, o.submitted_at, now, current_app.config["DUE_SOON_DAYS"]))
            for o in page.items]
    return dict(occurrence_rows=rows, occurrence_page=page, occurrence_message=message,
                occurrence_form=form or OccurrenceForm(formdata=None), form_for=form_for)


def _render_occurrences(assignment, **kwargs):
    return render_template("assignments/_occurrences.html", assignment=assignment,
                           can_update=can_update_assignment(current_user, assignment),
                           **_occurrence_context(assignment, **kwargs))


@bp.route("/<int:assignment_id>/ky-bao-cao")
def occurrence_list(assignment_id):
    """The occurrences block alone, for htmx paging; a plain request gets the assignment page."""
    assignment = _visible_or_404(assignment_id)
    if not is_htmx():
        return redirect(url_for("assignments.detail", assignment_id=assignment_id, **request.args))
    return _render_occurrences(assignment)


@bp.route("/<int:assignment_id>/ky-bao-cao/<int:occurrence_id>", methods=["POST"])
def submit_occurrence(assignment_id, occurrence_id):
    assignment = _visible_or_404(assignment_id)
    occurrence = Occurrence.get_or_none((Occurrence.id == occurrence_id) & (Occurrence.assignment == assignment.id))
    if occurrence is None:
        abort(404)
    if not can_update_assignment(current_user, assignment):
        abort(403)
    form = OccurrenceForm()
    if form.validate_on_submit() and _store_submission(form, occurrence):
        message = f"Đã nộp báo cáo kỳ hạn {occurrence.due_at:%H:%M %d/%m/%Y}."
        if is_htmx():
            return _render_occurrences(assignment, message=message)
        flash(message, "success")
        return redirect(url_for("assignments.detail", assignment_id=assignment_id))
    if is_htmx():
        return _render_occurrences(assignment, form=form, form_for=occurrence.id)
    # Without JavaScript a refused submission shows the whole page, errors beside the row.
    return _render(assignment, _fresh_form(assignment),
                   occurrence_ctx=_occurrence_context(assignment, form=form, form_for=occurrence.id))


def _store_submission(form, occurrence) -> bool:
    """Save the file and the submission; on refusal put the reason on the form and keep nothing."""
    upload_dir = current_app.config["UPLOAD_DIR"]
    try:
        evidence = store_evidence(form.evidence.data, upload_dir)
    except UploadError as exc:
        form.evidence.errors.append(str(exc))
        return False
    try:
        occurrences.submit(occurrence, current_user.id, form.note.data.strip(), evidence,
                           current_app.config["CLOCK"]())
    except occurrences.AlreadySubmitted:
        discard(upload_dir, evidence)
        form.note.errors.append("Kỳ báo cáo này đã được nộp trước đó.")
        return False
    return True


@bp.route("/<int:assignment_id>/ky-bao-cao/<int:occurrence_id>/tep")
def occurrence_evidence(assignment_id, occurrence_id):
    assignment = _visible_or_404(assignment_id)
    return _send_evidence(Occurrence.get_or_none((Occurrence.id == occurrence_id)
                                                 & (Occurrence.assignment == assignment.id)))
