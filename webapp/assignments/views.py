"""The assignment page: what is asked, who works on it, its history and the update form; the
occurrences of a recurring duty and their submission; the follow-up loop (confirm or return a
reported completion, extension requests and decisions, delegation down the tree); the partners'
inputs (cooperation) and the list of what waits for the user's decision."""
from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from ..core import assignments, cooperation, followup, occurrences, urging
from ..core.access import (
    assigning_unit,
    can_decide,
    can_delegate,
    can_manage_cooperation,
    can_send_input,
    can_update_assignment,
    can_view_assignment,
    can_view_cooperation,
    can_view_letter,
    lead_unit_ids,
)
from ..core.units import units_by_ids
from ..core.uploads import UploadError, discard, store_evidence
from ..models import Cooperation, CooperationInput, Extension, Occurrence, Update
from ..rules import progress, status
from ..rules.deadlines import FROM_RECEIPT
from ..rules.input import InputError
from ..web import (
    Page,
    due_soon_days,
    ensure_occurrences,
    form_ids,
    get_or_404,
    is_htmx,
    now,
    page_number,
    query_args,
)
from . import bp, queries
from .forms import (
    AskForm,
    ConfirmForm,
    DecisionForm,
    DelegateForm,
    ExtensionForm,
    InputForm,
    OccurrenceForm,
    ReceivedForm,
    ReturnForm,
    UpdateForm,
)


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
    current = progress.Progress(assignment.state, assignment.percent, assignment.done_at, assignment.reported_at)
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
        update = assignments.post_update(assignment, form.seen_version(), current_user.id, form.state.data,
                                         form.percent.data, form.note.data.strip(), evidence, now())
    except assignments.UpdateConflict:
        discard(upload_dir, evidence)
        return _conflict(assignments.get_assignment(assignment_id), form)
    except assignments.UpdateRefused as exc:
        discard(upload_dir, evidence)
        form.state.errors.append(str(exc))
        return _render(assignment, form, alert=str(exc))
    message = _update_message(assignment, update)
    if is_htmx():
        fresh = assignments.get_assignment(assignment_id)
        return _render(fresh, _fresh_form(fresh), message=message)
    flash(message, "success")
    return redirect(url_for("assignments.detail", assignment_id=assignment_id))


def _update_message(assignment, update) -> str:
    if update.state != progress.AWAITING:
        return "Đã cập nhật tiến độ."
    message = (f"Đã báo cáo hoàn thành lúc {assignment.reported_at or update.created_at:%H:%M %d/%m/%Y}: "
               f"chờ {assigning_unit(assignment).name} xác nhận.")
    open_children = sum(1 for c in followup.children_of(assignment.id) if c.done_at is None)
    if open_children:
        message += f" Lưu ý: còn {open_children} đơn vị cấp dưới chưa hoàn thành phần việc được giao."
    return message


def _status_of(a, current=None) -> str:
    return status.classify(a.due_at, a.done_at, current or now(), due_soon_days(), a.reported_at)


def _render(assignment, form, message=None, conflict=False, occurrence_ctx=None, errors=None, code=200, alert=None,
            received_form=None):
    """The page (or, for htmx, the panel). `errors` maps a follow-up form's name to the form holding
    the refused input and its messages; `alert` is a refusal shown on top (someone decided first)."""
    recurring = assignment.task.rule.is_recurring
    context = dict(assignment=assignment, form=form, status_class=_status_of(assignment),
                   updates=list(queries.history(assignment)), recurring=recurring,
                   can_update=can_update_assignment(current_user, assignment) and not recurring,
                   can_submit=can_update_assignment(current_user, assignment),
                   message=message, conflict=conflict, alert=alert, is_panel=is_htmx(),
                   reports=queries.reports_so_far(assignment, now()) if recurring else None)
    if is_htmx():
        return render_template("assignments/_panel.html", **context), code
    if occurrence_ctx is None:
        occurrence_ctx = _occurrence_context(assignment)
    rule = assignment.task.rule
    by_receipt = rule.is_relative and rule.counted_from == FROM_RECEIPT
    if by_receipt and received_form is None:
        day = assignment.received_on
        received_form = ReceivedForm(formdata=None, received_on=f"{day:%d/%m/%Y}" if day else "")
    letters = assignments.urgings(assignment)
    return render_template("assignments/detail.html", **context, **occurrence_ctx,
                           **_followup_context(assignment, errors or {}), by_receipt=by_receipt,
                           received_form=received_form, urgings=letters,
                           letters_shown={x.id for x in letters if can_view_letter(current_user, x)}), code


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


def _followup_context(assignment, errors) -> dict:
    """The chain, the confirmation and extension boxes and the partners' inputs, with their forms."""
    current, soon = now(), due_soon_days()
    children = [(c, status.classify(c.due_at, c.done_at, current, soon, c.reported_at))
                for c in followup.children_of(assignment.id)]
    chain = [(p, status.classify(p.due_at, p.done_at, current, soon, p.reported_at),
              can_view_assignment(current_user, _with_task(p, assignment)))
             for p in followup.chain_up(assignment)]
    leads = lead_unit_ids(assignment.task_id)
    partners = list(cooperation.for_task(assignment.task_id))
    inputs = {}
    for row in cooperation.inputs_of([c.id for c in partners]):
        inputs.setdefault(row.cooperation_id, []).append(row)
    extension_rows = queries.extensions(assignment)
    open_request = next((e for e in extension_rows if e.state == "open"), None)
    may_update = can_update_assignment(current_user, assignment)
    forms = {
        "confirm": ConfirmForm(formdata=None), "return": ReturnForm(formdata=None),
        "extension": ExtensionForm(formdata=None), "decision": DecisionForm(formdata=None),
        "delegate": DelegateForm(formdata=None), "ask": AskForm(formdata=None),
    }
    forms.update(errors)
    extension_form = forms["extension"]
    open_reports = (queries.open_occurrences(assignment, current, occurrences.AHEAD_DAYS)
                    if assignment.task.rule.is_recurring else [])
    extension_form.occurrence.choices = [(o.id, f"{o.due_at:%H:%M %d/%m/%Y}") for o in open_reports]
    delegate_form = forms["delegate"]
    may_delegate = can_delegate(current_user, assignment) and assignment.state not in (progress.AWAITING,
                                                                                       progress.DONE)
    if may_delegate:
        delegate_form.units.choices = [(u.id, "\u00a0\u00a0" * (depth) + u.name)
                                       for u, depth in queries.delegation_choices(assignment)]
    done_children = sum(1 for _, cls in children if cls in status.DONE_CLASSES)
    return dict(
        chain=chain, children=children, done_children=done_children,
        assigner=assigning_unit(assignment),
        lead_assignments=list(queries.lead_units(assignment)),
        partners=partners, inputs=inputs, can_ask=can_manage_cooperation(current_user, None, leads),
        extensions=extension_rows, open_request=open_request,
        can_decide=can_decide(current_user, assignment),
        can_request=(may_update and open_request is None and not (assignment.state in (progress.AWAITING, progress.DONE))
                     and (assignment.due_at is not None or bool(open_reports))),
        can_delegate=may_delegate and bool(delegate_form.units.choices),
        forms=forms, open_reports=open_reports,
        children_open_warning=(assignment.state in (progress.AWAITING, progress.DONE)
                               and done_children < len(children)),
    )


def _with_task(parent, assignment):
    """A parent from the chain, given the task and directive already loaded, for the access check."""
    parent.task = assignment.task
    return parent


def _fresh_form(assignment):
    form = UpdateForm(formdata=None, state=progress.chosen_state(assignment.state), percent=assignment.percent)
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


# --- The follow-up loop -----------------------------------------------------------------------

def _refused(assignment, name, form, exc: InputError):
    """Re-render the page with the refusal beside its field (or above the form), keeping the input."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, str(exc)]
        return _render(assignment, _fresh_form(assignment), errors={name: form})
    form.form_errors.append(str(exc))
    # Shown on top too: after someone else's decision the form it came from may be gone.
    return _render(assignment, _fresh_form(assignment), errors={name: form}, alert=str(exc))


def _done(assignment_id, message):
    flash(message, "success")
    return redirect(url_for("assignments.detail", assignment_id=assignment_id, _anchor="follow-up"))


@bp.route("/<id:assignment_id>/xac-nhan", methods=["POST"])
def confirm(assignment_id):
    """The assigning unit confirms a reported completion: done as of the reported time."""
    assignment = _visible_or_404(assignment_id)
    if not can_decide(current_user, assignment):
        abort(403)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _render(assignment, _fresh_form(assignment), errors={"confirm": form})
    try:
        followup.confirm(assignment, current_user.id, now(), form.note.data)
    except InputError as exc:
        return _refused(assignments.get_assignment(assignment_id), "confirm", form, exc)
    return _done(assignment_id, f"Đã xác nhận hoàn thành cho {assignment.unit.name} "
                                f"(tính từ lúc báo cáo {assignment.reported_at:%H:%M %d/%m/%Y}).")


@bp.route("/<id:assignment_id>/tra-lai", methods=["POST"])
def give_back(assignment_id):
    """The assigning unit returns a reported completion with a reason."""
    assignment = _visible_or_404(assignment_id)
    if not can_decide(current_user, assignment):
        abort(403)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _render(assignment, _fresh_form(assignment), errors={"return": form})
    try:
        followup.return_(assignment, current_user.id, form.reason.data, now())
    except InputError as exc:
        return _refused(assignments.get_assignment(assignment_id), "return", form, exc)
    return _done(assignment_id, f"Đã trả lại cho {assignment.unit.name}: đơn vị sẽ thấy lý do trên trang của mình.")


@bp.route("/<id:assignment_id>/gia-han", methods=["POST"])
def request_extension(assignment_id):
    """The assigned unit asks for a new due date with a reason."""
    assignment = _visible_or_404(assignment_id)
    if not can_update_assignment(current_user, assignment):
        abort(403)
    form = ExtensionForm()
    form.occurrence.choices = []
    if not form.validate_on_submit():
        return _render(assignment, _fresh_form(assignment), errors={"extension": form})
    occurrence = None
    if form.occurrence.data:
        occurrence = get_or_404(Occurrence, Occurrence.id == form.occurrence.data,
                                Occurrence.assignment == assignment.id)
    try:
        extension = followup.request_extension(assignment, current_user.id, form.day.day, form.reason.data, now(),
                                               occurrence)
    except InputError as exc:
        return _refused(assignment, "extension", form, exc)
    late = " (xin sau khi đã quá hạn)" if extension.asked_late else ""
    return _done(assignment_id, f"Đã gửi đề nghị gia hạn đến {extension.due_requested:%d/%m/%Y}{late}; "
                                f"chờ {assigning_unit(assignment).name} quyết định.")


@bp.route("/<id:assignment_id>/gia-han/<id:extension_id>", methods=["POST"])
def decide_extension(assignment_id, extension_id):
    """The assigning unit approves or refuses an extension request."""
    assignment = _visible_or_404(assignment_id)
    extension = get_or_404(Extension, Extension.id == extension_id, Extension.assignment == assignment.id)
    if not can_decide(current_user, assignment):
        abort(403)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render(assignment, _fresh_form(assignment), errors={"decision": form})
    approve = form.decision.data == "approve"
    try:
        followup.decide_extension(extension, current_user.id, approve, form.note.data, now())
    except InputError as exc:
        return _refused(assignments.get_assignment(assignment_id), "decision", form, exc)
    if approve:
        return _done(assignment_id, f"Đã đồng ý gia hạn đến {extension.due_requested:%d/%m/%Y}.")
    return _done(assignment_id, "Đã trả lời không đồng ý gia hạn.")


@bp.route("/<id:assignment_id>/giao-tiep", methods=["POST"])
def delegate(assignment_id):
    """The holder passes the assignment down to units of its subtree."""
    assignment = _visible_or_404(assignment_id)
    if not can_delegate(current_user, assignment):
        abort(403)
    form = DelegateForm()
    form.units.choices = [(u.id, u.name) for u, _ in queries.delegation_choices(assignment)]
    if not form.validate_on_submit():
        return _render(assignment, _fresh_form(assignment), errors={"delegate": form})
    try:
        children = followup.delegate(assignment, units_by_ids(form.units.data), form.day.day,
                                     form.instructions.data, current_user.id, now())
    except InputError as exc:
        return _refused(assignment, "delegate", form, exc)
    return _done(assignment_id, f"Đã giao cho {len(children)} đơn vị cấp dưới.")


@bp.route("/cho-xac-nhan")
def waiting():
    """What waits for the user's decision, oldest first: completions to confirm, extension requests."""
    ensure_occurrences()
    awaiting, requests = queries.waiting(current_user)
    page = Page(awaiting, page_number(), current_app.config["PAGE_SIZE"])
    current = now()
    rows = [(a, status.classify(a.due_at, a.done_at, current, due_soon_days(), a.reported_at)) for a in page.items]
    return render_template("assignments/waiting.html", rows=rows, page=page, requests=list(requests.limit(100)),
                           now=current)


# --- Cooperation: the partners' side ----------------------------------------------------------

def _cooperation_or_404(cooperation_id):
    row = get_or_404(cooperation.with_task_and_unit(), Cooperation.id == cooperation_id)
    leads = lead_unit_ids(row.task_id)
    if not can_view_cooperation(current_user, row, leads):
        abort(404)
    return row, leads


@bp.route("/phoi-hop/<id:cooperation_id>", methods=["GET", "POST"])
def cooperation_detail(cooperation_id):
    """A partner's page: the task, the lead units, its inputs so far and the form to send one."""
    row, leads = _cooperation_or_404(cooperation_id)
    form = InputForm() if request.method == "POST" else InputForm(formdata=None)
    may_send = can_send_input(current_user, row)
    if request.method == "POST":
        if not may_send:
            abort(403)
        if form.validate_on_submit() and _store_input(form, row):
            flash("Đã gửi ý kiến, kết quả phối hợp cho đơn vị chủ trì.", "success")
            return redirect(url_for("assignments.cooperation_detail", cooperation_id=cooperation_id))
    lead_rows = [a for a in queries.lead_units(row) if a.unit_id in leads]
    return render_template("assignments/cooperation.html", cooperation=row, form=form, may_send=may_send,
                           lead_rows=[(a, can_view_assignment(current_user, _with_task(a, row))) for a in lead_rows],
                           inputs=cooperation.inputs_of([row.id]), owed=cooperation.owed_label(row, now()))


def _store_input(form, row) -> bool:
    upload_dir = current_app.config["UPLOAD_DIR"]
    try:
        evidence = store_evidence(form.evidence.data, upload_dir)
    except UploadError as exc:
        form.evidence.errors.append(str(exc))
        return False
    try:
        cooperation.send_input(row, current_user.id, form.note.data, form.figures.data, evidence, now())
    except InputError as exc:
        discard(upload_dir, evidence)
        getattr(form, exc.field or "note").errors.append(str(exc))
        return False
    return True


@bp.route("/phoi-hop/<id:cooperation_id>/de-nghi", methods=["POST"])
def ask_partner(cooperation_id):
    """A lead unit asks a partner for its input (again), optionally by a date."""
    row, leads = _cooperation_or_404(cooperation_id)
    if not can_manage_cooperation(current_user, row, leads):
        abort(403)
    form = AskForm()
    back = next(iter(form_ids("back")), None)
    lead = cooperation.lead_assignment_for(row, back) if back else None
    target = (url_for("assignments.detail", assignment_id=lead.id, _anchor="partners") if lead
              else url_for("assignments.cooperation_detail", cooperation_id=cooperation_id))
    if form.validate_on_submit():
        try:
            cooperation.ask(row, current_user.id, form.day.day, form.note.data, now())
        except InputError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Đã đề nghị {row.unit.name} gửi ý kiến, kết quả phối hợp.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(target)


@bp.route("/phoi-hop/<id:cooperation_id>/tep/<id:input_id>")
def input_evidence(cooperation_id, input_id):
    row, _ = _cooperation_or_404(cooperation_id)
    return _send_evidence(get_or_404(CooperationInput, CooperationInput.id == input_id,
                                     CooperationInput.cooperation == row.id))


# --- Recurring duties: the occurrences of this assignment and their submission ----------------

def _occurrence_context(assignment, form=None, form_for=None, message=None, taken=None) -> dict:
    """What the occurrences block needs; empty for an assignment with no recurring duty. `taken`:
    the occurrence someone else submitted first, whose losing text the form keeps."""
    if not assignment.task.rule.is_recurring:
        return {}
    current, soon = now(), due_soon_days()
    page = Page(queries.occurrences_shown(assignment, current, occurrences.AHEAD_DAYS), page_number(), 10)
    rows = [(o, status.classify(o.due_at, o.submitted_at, current, soon)) for o in page.items]
    return dict(occurrence_rows=rows, occurrence_page=page, occurrence_message=message,
                occurrence_form=form or OccurrenceForm(formdata=None), form_for=form_for, taken=taken,
                **queries.occurrence_figures(assignment, page.items))


def _render_occurrences(assignment, **kwargs):
    return render_template("assignments/_occurrences.html", assignment=assignment,
                           can_submit=can_update_assignment(current_user, assignment),
                           **_occurrence_context(assignment, **kwargs))


@bp.route("/<id:assignment_id>/ky-bao-cao")
def occurrence_list(assignment_id):
    """The occurrences block alone, for htmx paging; a plain request gets the assignment page."""
    assignment = _visible_or_404(assignment_id)
    if not is_htmx():
        return redirect(url_for("assignments.detail", assignment_id=assignment_id, **query_args("assignments.detail")))
    return _render_occurrences(assignment)


@bp.route("/<id:assignment_id>/ky-bao-cao/<id:occurrence_id>", methods=["POST"])
def submit_occurrence(assignment_id, occurrence_id):
    assignment = _visible_or_404(assignment_id)
    occurrence = get_or_404(Occurrence, Occurrence.id == occurrence_id, Occurrence.assignment == assignment.id)
    if not can_update_assignment(current_user, assignment):
        abort(403)
    form = OccurrenceForm()
    taken = None
    if form.validate_on_submit() and queries.figures_set(assignment) is not None:
        # A report of an indicator set is its figures: submitted with them, on the figures form.
        form.note.errors = [*form.note.errors, "Báo cáo này nộp cùng số liệu: hãy bấm «Nhập số liệu và nộp» của kỳ này."]
    elif not form.errors:
        stored, taken = _store_submission(form, occurrence)
        if stored:
            message = f"Đã nộp báo cáo kỳ hạn {occurrence.due_at:%H:%M %d/%m/%Y}."
            if is_htmx():
                return _render_occurrences(assignments.get_assignment(assignment_id), message=message)
            flash(message, "success")
            return redirect(url_for("assignments.detail", assignment_id=assignment_id))
    fresh = assignments.get_assignment(assignment_id)
    # Someone else was first: 409, their name and time shown, the loser's text kept in the form.
    code = 409 if taken else 200
    if is_htmx():
        return _render_occurrences(fresh, form=form, form_for=occurrence.id, taken=taken), code
    # Without JavaScript a refused submission shows the whole page, errors beside the row.
    return _render(fresh, _fresh_form(fresh), code=code,
                   occurrence_ctx=_occurrence_context(fresh, form=form, form_for=occurrence.id, taken=taken))


def _store_submission(form, occurrence):
    """Save the file and the submission; on refusal put the reason on the form and keep nothing.
    Returns (stored, the occurrence as someone else submitted it or None)."""
    upload_dir = current_app.config["UPLOAD_DIR"]
    try:
        evidence = store_evidence(form.evidence.data, upload_dir)
    except UploadError as exc:
        form.evidence.errors.append(str(exc))
        return False, None
    try:
        occurrences.submit(occurrence, current_user.id, form.note.data.strip(), evidence, now())
    except occurrences.AlreadySubmitted as exc:
        discard(upload_dir, evidence)
        form.note.errors.append(exc.message)
        return False, occurrence.id
    return True, None


@bp.route("/<id:assignment_id>/ky-bao-cao/<id:occurrence_id>/tep")
def occurrence_evidence(assignment_id, occurrence_id):
    assignment = _visible_or_404(assignment_id)
    return _send_evidence(get_or_404(Occurrence, Occurrence.id == occurrence_id,
                                     Occurrence.assignment == assignment.id))
