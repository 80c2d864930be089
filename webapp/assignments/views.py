"""The assignment page: what is asked, who works on it, its history and the update form; the
occurrences of a recurring duty and their submission."""
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..core import assignments, occurrences, urging
from ..core.access import can_update_assignment, can_view_assignment
from ..core.uploads import UploadError, discard, store_evidence
from ..models import Occurrence, Update
from ..rules import progress, status
from ..rules.deadlines import FROM_RECEIPT
from ..rules.input import InputError
from ..web import Page, due_soon_days, ensure_occurrences, get_or_404, is_htmx, now, page_number
from . import bp, queries
from .forms import OccurrenceForm, ReceivedForm, UpdateForm


def _visible_or_404(assignment_id):
    ensure_occurrences()
    assignment = assignments.get_assignment(assignment_id)
    if assignment is None or not can_view_assignment(current_user, assignment):
        abort(404)
    return assignment


@bp.route("/<id:assignment_id>", methods=["GET", "POST"])
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
    current = progress.Progress(assignment.state, assignment.percent, assignment.done_at)
    if progress.is_unchanged(current, form.state.data, form.percent.data, form.note.data, bool(form.evidence.data)):
        form.note.errors.append("Chưa có thay đổi nào: hãy đổi tình trạng, tiến độ hoặc ghi chú.")
        return _render(assignment, form)
    upload_dir = current_app.config["UPLOAD_DIR"]
    try:
        evidence = store_evidence(form.evidence.data, upload_dir)
    except UploadError as exc:
        form.evidence.errors.append(str(exc))
        return _render(assignment, form)
    try:
        assignments.post_update(assignment, form.seen_version(), current_user.id, form.state.data,
                                form.percent.data, form.note.data.strip(), evidence, now())
    except assignments.UpdateConflict:
        discard(upload_dir, evidence)
        return _conflict(assignments.get_assignment(assignment_id), form)
    message = "Đã cập nhật tiến độ."
    if is_htmx():
        fresh = assignments.get_assignment(assignment_id)
        return _render(fresh, _fresh_form(fresh), message=message)
    flash(message, "success")
    return redirect(url_for("assignments.detail", assignment_id=assignment_id))


def _render(assignment, form, message=None, conflict=False, occurrence_ctx=None, received_form=None):
    cls = status.classify(assignment.due_at, assignment.done_at, now(), due_soon_days())
    context = dict(assignment=assignment, form=form, status_class=cls,
                   partners=list(queries.partners(assignment)), updates=list(queries.history(assignment)),
                   can_update=can_update_assignment(current_user, assignment),
                   message=message, conflict=conflict)
    if is_htmx():
        return render_template("assignments/_panel.html", **context)
    if occurrence_ctx is None:
        occurrence_ctx = _occurrence_context(assignment)
    rule = assignment.task.rule
    by_receipt = rule.is_relative and rule.counted_from == FROM_RECEIPT
    if by_receipt and received_form is None:
        day = assignment.received_on
        received_form = ReceivedForm(formdata=None, received_on=f"{day:%d/%m/%Y}" if day else "")
    letters = assignments.urgings(assignment)
    return render_template("assignments/detail.html", **context, **occurrence_ctx, by_receipt=by_receipt,
                           received_form=received_form, urgings=letters,
                           letters_shown={x.id for x in letters if urging.can_view(current_user, x)})


@bp.route("/<id:assignment_id>/ngay-nhan", methods=["POST"])
def received(assignment_id):
    """The unit (or an admin) corrects the day it received the directive."""
    assignment = _visible_or_404(assignment_id)
    if not can_update_assignment(current_user, assignment):
        abort(403)
    form = ReceivedForm()
    if form.validate_on_submit():
        try:
            assignments.set_received_on(assignment, form.day, current_user.id, now())
        except InputError as exc:
            form.received_on.errors = [*form.received_on.errors, str(exc)]
        else:
            flash(f"Đã lưu ngày nhận văn bản {form.day:%d/%m/%Y}; hạn được tính lại.", "success")
            return redirect(url_for("assignments.detail", assignment_id=assignment_id))
    return _render(assignment, _fresh_form(assignment), received_form=form)


def _fresh_form(assignment):
    form = UpdateForm(formdata=None, state=assignment.state, percent=assignment.percent)
    form.version.data = str(assignment.version)
    return form


def _conflict(assignment, form):
    """Keep what the user typed, show the current state, and let them send again knowingly."""
    form.version.data = str(assignment.version)
    return _render(assignment, form, conflict=True)


def _send_evidence(record):
    """An evidence file, always as a download, never rendered by the browser."""
    if not record.evidence_path:
        abort(404)
    path = Path(current_app.config["UPLOAD_DIR"]) / record.evidence_path
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=record.evidence_name,
                     mimetype="application/octet-stream")


@bp.route("/<id:assignment_id>/minh-chung/<id:update_id>")
def evidence(assignment_id, update_id):
    assignment = _visible_or_404(assignment_id)
    return _send_evidence(get_or_404(Update, Update.id == update_id, Update.assignment == assignment.id))


# --- Recurring duties: the occurrences of this assignment and their submission ----------------

def _occurrence_context(assignment, form=None, form_for=None, message=None) -> dict:
    """What the occurrences block needs; empty for an assignment with no recurring duty."""
    if not (assignment.task.rule.is_recurring and assignment.role == "lead"):
        return {}
    current, soon = now(), due_soon_days()
    page = Page(queries.occurrences_shown(assignment, current, occurrences.AHEAD_DAYS), page_number(), 10)
    rows = [(o, status.classify(o.due_at, o.submitted_at, current, soon)) for o in page.items]
    return dict(occurrence_rows=rows, occurrence_page=page, occurrence_message=message,
                occurrence_form=form or OccurrenceForm(formdata=None), form_for=form_for)


def _render_occurrences(assignment, **kwargs):
    return render_template("assignments/_occurrences.html", assignment=assignment,
                           can_update=can_update_assignment(current_user, assignment),
                           **_occurrence_context(assignment, **kwargs))


@bp.route("/<id:assignment_id>/ky-bao-cao")
def occurrence_list(assignment_id):
    """The occurrences block alone, for htmx paging; a plain request gets the assignment page."""
    assignment = _visible_or_404(assignment_id)
    if not is_htmx():
        return redirect(url_for("assignments.detail", assignment_id=assignment_id, **request.args))
    return _render_occurrences(assignment)


@bp.route("/<id:assignment_id>/ky-bao-cao/<id:occurrence_id>", methods=["POST"])
def submit_occurrence(assignment_id, occurrence_id):
    assignment = _visible_or_404(assignment_id)
    occurrence = get_or_404(Occurrence, Occurrence.id == occurrence_id, Occurrence.assignment == assignment.id)
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
        occurrences.submit(occurrence, current_user.id, form.note.data.strip(), evidence, now())
    except occurrences.AlreadySubmitted:
        discard(upload_dir, evidence)
        form.note.errors.append("Kỳ báo cáo này đã được nộp trước đó.")
        return False
    return True


@bp.route("/<id:assignment_id>/ky-bao-cao/<id:occurrence_id>/tep")
def occurrence_evidence(assignment_id, occurrence_id):
    assignment = _visible_or_404(assignment_id)
    return _send_evidence(get_or_404(Occurrence, Occurrence.id == occurrence_id,
                                     Occurrence.assignment == assignment.id))
