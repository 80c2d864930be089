"""Admin pages: directives and their tasks, units, users, and the audit log. Views parse the request,
call core, render; a refusal from core lands beside its field."""
import re
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core import audit, uploads, work_calendar, workdays
from ..core import indicators as sets
from ..core.directives import (
    TaskRowError,
    create_directive_with_tasks,
    delete_directive,
    delete_task,
    directive_footprint,
    next_position,
    reported_unit_ids,
    save_directive,
    store_task,
    task_footprint,
)
from ..core.units import lead_units, save_unit, tree_order, units_by_ids
from ..core.uploads import UploadError
from ..core.users import (
    create_user,
    reset_password,
    save_user,
    self_edit_errors,
    username_taken,
)
from ..forms import Form, choices
from ..db import database
from ..models import UNIT_KINDS, Directive, FigureEntry, IndicatorSet, Task, Unit, User, WorkDay
from ..rules.deadlines import FROM_RECEIPT, RECURRING, default_working_days_only
from ..rules.directive_reader import read_directive
from ..rules.document_text import MAX_BYTES as MAX_DOCUMENT_BYTES
from ..rules.document_text import DocumentError, text_from_upload
from ..rules.input import InputError, format_partial_date, parse_day, rule_form_data
from ..rules.vietnamese import fold
from ..web import (
    ListPage,
    Page,
    drops_blank_args,
    get_or_404,
    is_htmx,
    now,
    page_number,
    picked,
    query_id,
    query_int,
    roles_required,
)
from . import bp, queries
from .review import Review
from .forms import (
    DirectiveForm,
    IndicatorSetForm,
    NewUserForm,
    PasswordForm,
    ReadDirectiveForm,
    TaskForm,
    UnitForm,
    UserForm,
    WorkDayForm,
    add_error,
    blank_first,
    parse_columns,
    parse_definition,
)


@bp.before_request
@roles_required("admin")
def admins_only():
    return None


def show_error(form, exc: InputError) -> None:
    """Put a refusal beside its field, or above the form when it names none."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        add_error(field, str(exc))
    else:
        form.form_errors.append(str(exc))


@bp.route("/")
def index():
    return render_template("admin/index.html", counts=queries.counts())


# --- Directives -------------------------------------------------------------------------------

@bp.route("/van-ban/")
def directives():
    q = request.args.get("q", "").strip()[:200]
    page = Page(queries.search_directives(q), page_number(), current_app.config["PAGE_SIZE"])
    return render_template("admin/directives.html", page=page, q=q)


@bp.route("/van-ban/<id:directive_id>")
def directive(directive_id):
    directive = get_or_404(Directive, Directive.id == directive_id)
    return render_template("admin/directive.html", directive=directive,
                           tasks=queries.tasks_with_assignments(directive))


@bp.route("/van-ban/moi", methods=["GET", "POST"])
def directive_new():
    return _directive_form(Directive(), is_new=True)


# --- A directive read from its document: paste or upload, review, save --------------------------

@bp.route("/van-ban/doc", methods=["POST"])
def directive_read():
    """Read the pasted text or the uploaded file and show the review; nothing is saved yet."""
    read_form = ReadDirectiveForm()
    if read_form.validate_on_submit():
        text, stored = _submitted_document(read_form)
        if text is not None:
            state = _review().from_reading(read_directive(text), stored)
            if stored is not None and (read_form.text.data or "").strip():
                state.messages.append(f"Đã đọc nội dung dán vào; tệp “{stored.original_name}” được lưu kèm văn bản.")
            return _render_review(state)
    return _directive_form(Directive(), is_new=True, read_form=read_form)


def _submitted_document(read_form):
    """(text to read, the file kept aside or None); (None, None) with the reason beside its field."""
    upload = request.files.get(read_form.file.name)
    pasted = (read_form.text.data or "").strip()
    stored = None
    if upload is not None and upload.filename:
        data = upload.stream.read(MAX_DOCUMENT_BYTES + 1)
        try:
            text = text_from_upload(upload.filename, data)
        except DocumentError as exc:
            add_error(read_form.file, str(exc))
            return None, None
        stored = uploads.store_pending(data, upload.filename, current_app.config["UPLOAD_DIR"], now=now())
        return (pasted or text), stored
    if not pasted:
        add_error(read_form.text, "Hãy dán nội dung văn bản, hoặc chọn tệp văn bản.")
        return None, None
    return pasted, None


def _review():
    return Review(queries.unit_refs(), queries.unit_options(), current_app.config["SECRET_KEY"])


def _render_review(state, partial=None, key=None):
    state.present()
    context = dict(state=state, unit_names=[u.name for u in state.units], kind_labels=UNIT_KINDS)
    if partial == "row":
        return render_template("admin/_review_row.html", row=next(r for r in state.rows if r.key == key),
                               **context)
    if partial == "rows":
        return render_template("admin/_review_rows.html", partial_messages=True, **context)
    return render_template("admin/directive_review.html", **context)


@bp.route("/van-ban/doc/xem-lai", methods=["POST"])
def directive_review():
    """The review posted back: a row action (shown again, nothing saved), or the confirmation that
    saves the directive and every task in one transaction with the manual forms' checks."""
    state = _review().from_post(request.form)
    action, key = Review.action_of(request.form.get("action"))
    if action == "save":
        if state.validate():
            directive = _save_review(state)
            if directive is not None:
                flash(f"Đã thêm văn bản {directive.reference} với {len(state.rows)} nhiệm vụ.", "success")
                return redirect(url_for("admin.directive", directive_id=directive.id))
        return _render_review(state)
    state.take_typed_units(report=False)
    state.apply(action, key)
    if is_htmx() and action == "row" and any(r.key == key for r in state.rows):
        return _render_review(state, "row", key)
    if is_htmx() and action in ("add", "remove", "split", "merge"):
        return _render_review(state, "rows")
    return _render_review(state)


def _save_review(state):
    """Save the reviewed directive; a refusal lands on its row and nothing is written."""
    units = {u.id: u for u in units_by_ids({i for _, leads, coops in state.task_rows() for i in leads + coops})}
    tasks = [(fields, [units[i] for i in leads if i in units], [units[i] for i in coops if i in units])
             for fields, leads, coops in state.task_rows()]
    try:
        return create_directive_with_tasks(state.header.directive_fields(), tasks, now=now(), actor_id=current_user.id,
                                           attachment=state.attachment, upload_dir=current_app.config["UPLOAD_DIR"])
    except TaskRowError as exc:
        state.refuse_row(exc.index, str(exc), exc.field)
    except UploadError as exc:
        state.form_errors.append(str(exc))
    except InputError as exc:
        show_error(state.header, exc)
    return None


@bp.route("/van-ban/<id:directive_id>/sua", methods=["GET", "POST"])
def directive_edit(directive_id):
    return _directive_form(get_or_404(Directive, Directive.id == directive_id), is_new=False)


def _directive_initial(directive) -> dict:
    fields = ("number", "place", "subject", "legal_bases", "recipients", "copies", "signing_authority",
              "signer_title", "signer_name", "shift_days_off")
    return {**{f: getattr(directive, f) for f in fields}, "issuer": directive.issuer_id,
            "issued": format_partial_date(directive.issued_on, directive.issued_precision),
            "needs_confirmation": directive.needs_confirmation}


def _directive_form(directive, is_new, read_form=None):
    if read_form is not None:  # the document could not be read: the manual form stays as it was
        form = DirectiveForm(formdata=None, data={"shift_days_off": True})
    else:
        form = DirectiveForm(data={"shift_days_off": True} if is_new else _directive_initial(directive))
    _unit_field(form.issuer, keep_ids=[directive.issuer_id])
    if read_form is None and form.validate_on_submit():
        save_directive(directive, form.directive_fields(), now=now(), actor_id=current_user.id)
        flash("Đã thêm văn bản." if is_new else "Đã lưu văn bản.", "success")
        return redirect(url_for("admin.directive", directive_id=directive.id))
    if is_new and read_form is None:
        read_form = ReadDirectiveForm(formdata=None)
    return render_template("admin/directive_form.html", form=form, directive=directive, is_new=is_new,
                           read_form=read_form)


@bp.route("/van-ban/<id:directive_id>/xoa", methods=["GET", "POST"])
def directive_delete(directive_id):
    directive = get_or_404(Directive, Directive.id == directive_id)
    form = Form()
    if form.validate_on_submit():
        try:
            delete_directive(directive, now=now(), actor_id=current_user.id)
        except InputError as exc:
            show_error(form, exc)
        else:
            flash(f"Đã xóa văn bản {directive.reference}.", "success")
            return redirect(url_for("admin.directives"))
    return render_template("admin/confirm_delete.html", form=form, what="văn bản",
                           title=f"{directive.reference} – {directive.subject}",
                           footprint=directive_footprint(directive),
                           back=url_for("admin.directive", directive_id=directive.id))


# --- Tasks ------------------------------------------------------------------------------------

@bp.route("/van-ban/<id:directive_id>/nhiem-vu/moi", methods=["GET", "POST"])
def task_new(directive_id):
    directive = get_or_404(Directive, Directive.id == directive_id)
    return _task_form(directive, Task(directive=directive), is_new=True)


@bp.route("/nhiem-vu/<id:task_id>/sua", methods=["GET", "POST"])
def task_edit(task_id):
    task = get_or_404(Task, Task.id == task_id)
    return _task_form(task.directive, task, is_new=False)


def _task_name(task) -> str:
    return f"nhiệm vụ {task.number}" if task.number else "nhiệm vụ"


def _task_initial(task, assignments) -> dict:
    fields = ("section", "number", "position", "text", "addressed_to", "deadline_text")
    return {**{f: getattr(task, f) for f in fields}, **rule_form_data(task),
            "lead_units": [a.unit_id for a in assignments if a.role == "lead"],
            "cooperating_units": [a.unit_id for a in assignments if a.role == "cooperating"]}


def _task_form(directive, task, is_new):
    assignments = [] if is_new else queries.task_assignments(task)
    title = "Thêm nhiệm vụ" if is_new else f"Sửa {_task_name(task)}"
    initial = {"deadline_kind": "fixed", "counted_from": FROM_RECEIPT} if is_new else _task_initial(task, assignments)
    if request.method == "GET" and is_htmx():
        # The kind changed: only its deadline fields come back, with what was typed in them.
        form = TaskForm(formdata=request.args, data=initial)
        _working_days_default(form, request.args, task, is_new)
        return render_template("admin/_deadline_fields.html", form=form)
    form = TaskForm(data=initial)
    # Units already assigned stay selectable even if retired since, so saving does not drop them.
    keep = [a.unit_id for a in assignments]
    ordered = tree_order(Unit.select())  # once: the choices, the group scope and the checklists
    # The boxes are drawn from the groups; the choices only check what is posted (the ticked ids).
    posted = {int(v) for name in ("lead_units", "cooperating_units") for v in request.form.getlist(name)
              if v.isdigit() and len(v) <= 18}
    options = queries.unit_options(keep_ids=keep, ordered=[(u, d) for u, d in ordered if u.id in posted])
    form.lead_units.choices = choices(options)
    form.cooperating_units.choices = choices(options)
    # A group is taken within a unit that has units under it: those are few, the others pointless.
    form.group_parent.choices = blank_first("— Toàn bộ hệ thống —", queries.unit_options(
        keep_ids=[form.group_parent.data] if form.group_parent.data else (), parents_only=True, ordered=ordered))
    refresh = request.method == "POST" and "refresh" in request.form
    if refresh:
        # Without JavaScript, "Hiện các trường" posts the form back to show the kind's fields: nothing
        # is saved and nothing is marked wrong yet.
        _working_days_default(form, request.form, task, is_new)
    elif form.validate_on_submit() and _save_task(form, directive, task):
        flash(f"Đã lưu {_task_name(task)}.", "success")
        return redirect(url_for("admin.directive", directive_id=directive.id, _anchor=f"task-{task.id}"))
    reported = set() if is_new else reported_unit_ids(task)
    searched = {name: request.form.get(f"{name}_q", "").strip()[:100]
                for name in ("lead_units", "cooperating_units")} if refresh else {}
    return render_template("admin/task_form.html", form=form, directive=directive, task=task,
                           is_new=is_new, title=title, assignments=assignments,
                           unit_groups=queries.unit_groups(keep_ids=keep, ordered=ordered), kind_labels=UNIT_KINDS,
                           locked=[a.unit.name for a in assignments if a.unit_id in reported],
                           inline_group=queries.INLINE_GROUP, searched=searched, fold=fold)


@bp.route("/nhom-don-vi")
def unit_group_choices():
    """The boxes of a large group of a task form's unit checklist, loaded when it is opened or
    searched (htmx): those not already ticked, matching the words typed, a chunk at a time."""
    name = request.args.get("field") if request.args.get("field") in ("lead_units", "cooperating_units") else "lead_units"
    parent_id = query_int("group", 0)
    offset = query_int("tu", 0, maximum=10**9)
    ticked = {int(v) for v in request.args.getlist(name) if v.isdigit() and len(v) <= 18}
    text = request.args.get(f"{name}_q", "").strip()[:100]
    group = next((g for g in queries.unit_groups(keep_ids=list(ticked))
                  if (g.parent.id if g.parent else 0) == parent_id), None)
    if group is None:
        abort(404)
    words = fold(text).split()
    units = [u for u in group.units if u.id not in ticked and all(w in fold(u.name) for w in words)]
    chunk = units[offset:offset + queries.GROUP_CHUNK]
    return render_template("admin/_group_choices.html", name=name, units=chunk, more=len(units) - offset - len(chunk),
                           next_url=url_for("admin.unit_group_choices", field=name, group=parent_id,
                                            tu=offset + len(chunk), **{f"{name}_q": text} if text else {}),
                           text=text)


def _working_days_default(form, data, task, is_new) -> None:
    """The "chỉ ngày làm việc" box of a kind just chosen: as the user left it if it was on screen,
    else the task's own choice, else the kind's default (daily duties: working days only)."""
    if "working_days_only_shown" in data:
        return
    kind = form.deadline_kind.data
    if not is_new and task.deadline_kind in RECURRING:
        form.working_days_only.data = bool(task.working_days_only)
    else:
        form.working_days_only.data = default_working_days_only(kind)


def _save_task(form, directive, task) -> bool:
    """Expand the group, then save; a refusal lands on the form and nothing is written."""
    try:
        leads = lead_units(form.lead_units.data, form.group_kind.data, form.group_parent.data)
        fields = form.task_fields()
        if fields["position"] is None:
            fields["position"] = task.position if task.id else next_position(directive)
        store_task(task, fields, leads, units_by_ids(form.cooperating_units.data), now=now(),
                   actor_id=current_user.id)
    except InputError as exc:
        show_error(form, exc)
        return False
    return True


@bp.route("/nhiem-vu/<id:task_id>/xoa", methods=["GET", "POST"])
def task_delete(task_id):
    task = get_or_404(Task, Task.id == task_id)
    back = url_for("admin.directive", directive_id=task.directive_id)
    form = Form()
    if form.validate_on_submit():
        try:
            delete_task(task, now=now(), actor_id=current_user.id)
        except InputError as exc:
            show_error(form, exc)
        else:
            flash(f"Đã xóa {_task_name(task)}.", "success")
            return redirect(back)
    return render_template("admin/confirm_delete.html", form=form, what="nhiệm vụ",
                           title=f"Nhiệm vụ {task.number}: {task.text}", footprint=task_footprint(task),
                           back=back)


# --- Units: never deleted, only deactivated or merged -----------------------------------------

@bp.route("/don-vi/")
def units():
    """The unit tree, opened as far as a few screens hold; a unit opens on demand (htmx, or the
    page itself with ?mo=<id> without JavaScript); or the units whose name holds the words of ?q."""
    q = request.args.get("q", "").strip()[:100]
    names = {}
    if q:
        found = queries.search_units(q)
        page = ListPage(found, page_number(), current_app.config["PAGE_SIZE"])
        nodes = queries.nodes_of(page.items, queries.child_counts([u.id for u in page.items]))
        parents = {u.parent_id for u in page.items if u.parent_id}
        names = dict(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(list(parents))).tuples()) if parents else {}
        return render_template("admin/units.html", q=q, page=page, found=nodes, names=names)
    opened = None
    if unit_id := query_id("mo"):
        opened = get_or_404(Unit, Unit.id == unit_id)
    offset = max(0, (page_number("trang") - 1) * queries.TREE_CHUNK) if opened else 0
    tree = queries.unit_tree(opened, offset)
    merged = {n.unit.merged_into_id for n in _walk(tree) if n.unit.merged_into_id}
    names = dict(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(list(merged))).tuples()) if merged else {}
    return render_template("admin/units.html", q=q, tree=tree, names=names, opened=opened, offset=offset,
                           chunk=queries.TREE_CHUNK)


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children or [])


@bp.route("/don-vi/<id:unit_id>/con")
def unit_children(unit_id):
    """The children of a unit opened in the tree (htmx), TREE_CHUNK at a time."""
    parent = get_or_404(Unit, Unit.id == unit_id)
    offset = query_int("tu", 0, maximum=10**9)
    nodes, more = queries.unit_children(parent, offset)
    merged = {n.unit.merged_into_id for n in nodes if n.unit.merged_into_id}
    names = dict(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(list(merged))).tuples()) if merged else {}
    return render_template("admin/_unit_nodes.html", nodes=nodes, parent=parent, more=more,
                           next_offset=offset + len(nodes), names=names)


@bp.route("/don-vi/moi", methods=["GET", "POST"])
def unit_new():
    return _unit_form(None)


@bp.route("/don-vi/<id:unit_id>/sua", methods=["GET", "POST"])
def unit_edit(unit_id):
    return _unit_form(get_or_404(Unit, Unit.id == unit_id))


def _unit_initial(unit) -> dict:
    if unit is None:
        return {"active": True}
    return {"name": unit.name, "kind": unit.kind, "parent": unit.parent_id, "active": unit.active,
            "merged_into": unit.merged_into_id, "abbreviation": unit.abbreviation, "position": unit.position or None}


def _unit_field(field, keep_ids=()) -> None:
    """A form's unit chosen by typing: active units, and the one it already holds."""
    keep = [i for i in keep_ids if i]
    field.search = lambda text, limit: queries.unit_choice_search(text, limit, keep)
    field.lookup = lambda unit_id: queries.unit_choice(unit_id, keep)


@bp.route("/goi-y-don-vi")
def unit_suggestions():
    """The matches of what is typed in a form's unit field (htmx): active units, by name."""
    name = request.args.get("field", "")
    # A field's name, with the form's prefix if it has one ("d-issuer" on a directive's review).
    text = request.args.get(f"{name}_q", "").strip()[:200] if re.fullmatch(r"[A-Za-z_][\w-]{0,60}", name) else ""
    units = queries.unit_choice_search(text, 16) if text else []
    return render_template("admin/_unit_suggestions.html", units=units, text=text, limit=15)


def _fill_unit_choices(form, unit) -> None:
    """The parent may not be inside the unit's own subtree: core.units.parent_error says so on save."""
    _unit_field(form.parent, keep_ids=[unit.parent_id] if unit else [])
    _unit_field(form.merged_into, keep_ids=[unit.merged_into_id] if unit else [])


def _unit_or_error(field):
    """The unit a field names, or None for blank; an error beside the field if it is gone."""
    if field.data is None:
        return None, True
    unit = Unit.get_or_none(Unit.id == field.data)
    if unit is None:
        add_error(field, "Đơn vị không tồn tại.")
    return unit, unit is not None


def _unit_form(unit):
    form = UnitForm(data=_unit_initial(unit))
    _fill_unit_choices(form, unit)
    if form.validate_on_submit():
        parent, parent_ok = _unit_or_error(form.parent)
        merged_into, merged_ok = _unit_or_error(form.merged_into)
        if parent_ok and merged_ok:
            try:
                saved = save_unit(unit, form.name.data.strip(), form.kind.data, parent, form.active.data,
                                  merged_into, now=now(), actor_id=current_user.id, position=form.position.data,
                                  # a post without the field (not from the form) leaves it as it is
                                  abbreviation=form.abbreviation.data if "abbreviation" in request.form else None)
            except InputError as exc:
                show_error(form, exc)
            else:
                flash(f"Đã lưu đơn vị {saved.name}.", "success")
                return redirect(url_for("admin.units", _anchor=f"unit-{saved.id}"))
    return render_template("admin/unit_form.html", form=form, unit=unit,
                           children=unit.children.count() if unit else 0,
                           users=unit.users.count() if unit else 0)


# --- Users ------------------------------------------------------------------------------------

@bp.route("/nguoi-dung/")
def users():
    q = request.args.get("q", "").strip()[:100]
    page = Page(queries.search_users(q), page_number(), current_app.config["PAGE_SIZE"])
    return render_template("admin/users.html", page=page, q=q)


def _user_initial(user) -> dict:
    return {"full_name": user.full_name, "role": user.role, "unit": user.unit_id, "active": user.active,
            "email": user.email}


def _fill_user_units(form, keep_id=None) -> None:
    _unit_field(form.unit, keep_ids=[keep_id])


@bp.route("/nguoi-dung/moi", methods=["GET", "POST"])
def user_new():
    form = NewUserForm(data={"role": "staff", "active": True})
    _fill_user_units(form)
    if form.validate_on_submit():
        username = form.username.data.strip()
        if username_taken(username):
            add_error(form.username, f"Tên đăng nhập “{username}” đã có người dùng, hãy chọn tên khác.")
        else:
            # The admin typed the first password, so the user must replace it.
            user = create_user(username, form.password.data, form.full_name.data.strip(), form.role.data,
                               form.unit.data, method=current_app.config["PASSWORD_METHOD"], now=now(),
                               active=form.active.data, must_change_password=True, actor_id=current_user.id,
                               email=form.email.data)
            flash(f"Đã tạo tài khoản {user.username}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/nguoi-dung/<id:user_id>/sua", methods=["GET", "POST"])
def user_edit(user_id):
    user = get_or_404(User, User.id == user_id)
    form = UserForm(data=_user_initial(user))
    _fill_user_units(form, user.unit_id)
    if form.validate_on_submit():
        errors = self_edit_errors(current_user, user, form.role.data, form.active.data)
        for name, message in errors.items():
            add_error(getattr(form, name), message)
        if not errors:
            save_user(user, {"full_name": form.full_name.data.strip(), "role": form.role.data,
                             "unit": form.unit.data, "active": form.active.data, "email": form.email.data},
                      now=now(), actor_id=current_user.id)
            flash(f"Đã lưu tài khoản {user.username}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user,
                           password_form=PasswordForm(formdata=None))


@bp.route("/nguoi-dung/<id:user_id>/mat-khau", methods=["POST"])
def user_password(user_id):
    user = get_or_404(User, User.id == user_id)
    password_form = PasswordForm()
    if password_form.validate_on_submit():
        reset_password(user, password_form.password.data, current_app.config["PASSWORD_METHOD"], now=now(),
                       actor_id=current_user.id)
        flash(f"Đã đặt lại mật khẩu cho {user.username}; người dùng phải đổi mật khẩu khi đăng nhập.",
              "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    form = UserForm(formdata=None, data=_user_initial(user))
    _fill_user_units(form, user.unit_id)
    return render_template("admin/user_form.html", form=form, user=user, password_form=password_form)


# --- Working days: the days the admin declares, on the year's calendar ------------------------

def _year() -> int:
    try:
        year = int(request.args.get("nam", now().year))
    except ValueError:
        year = now().year
    return min(max(year, workdays.MIN_YEAR), workdays.MAX_YEAR)


@bp.route("/lich-lam-viec", methods=["GET", "POST"])
def work_days():
    year = _year()
    form = WorkDayForm(data={"working": "off"})
    if form.validate_on_submit():
        try:
            row = workdays.declare_day(form.day_value, form.working.data == "working", form.label.data,
                                       now=now(), actor_id=current_user.id)
        except InputError as exc:
            show_error(form, exc)
        else:
            what = "ngày làm bù" if row.working else "ngày nghỉ"
            flash(f"Đã khai báo {what} {row.day:%d/%m/%Y}; các hạn liên quan đã được tính lại.", "success")
            return redirect(url_for("admin.work_days", nam=row.day.year))
    calendar = work_calendar.current_calendar()
    return render_template("admin/work_calendar.html", form=form, year=year,
                           months=queries.calendar_months(calendar, year),
                           days_off=queries.days_off_listed(calendar, year),
                           declared=work_calendar.declared_days(year))


@bp.route("/lich-lam-viec/<id:day_id>/xoa", methods=["GET", "POST"])
def work_day_delete(day_id):
    row = get_or_404(WorkDay, WorkDay.id == day_id)
    form = Form()
    back = url_for("admin.work_days", nam=row.day.year)
    if form.validate_on_submit():
        workdays.remove_day(row, now=now(), actor_id=current_user.id)
        flash(f"Đã xóa khai báo ngày {row.day:%d/%m/%Y}; các hạn liên quan đã được tính lại.", "success")
        return redirect(back)
    what = "ngày làm bù" if row.working else "ngày nghỉ"
    return render_template("admin/work_day_delete.html", form=form, row=row, what=what, back=back)


# --- The audit log: read-only, no route here changes or deletes an entry ----------------------

@bp.route("/nhat-ky", endpoint="audit")
@drops_blank_args
def audit_log():
    filters, errors = _audit_filters()
    query = audit.entries(user_id=filters["user_id"], unit=filters["unit"], object_type=filters["object_type"],
                          object_id=filters["object_id"], start=filters["start"], end=filters["end"])
    page = Page(query, page_number(), current_app.config["PAGE_SIZE"])
    names = audit.names_for(page.items)
    rows = [(entry, audit.changes(entry, names), _object_url(entry)) for entry in page.items]
    context = dict(page=page, rows=rows, filters=filters, errors=errors, actions=audit.ACTIONS,
                   object_types=audit.OBJECT_TYPES)
    if is_htmx():
        return render_template("admin/_audit_list.html", **context)
    return render_template("admin/audit.html", **context, users=queries.user_options(), unit_pick=picked("unit"))


def _audit_filters() -> tuple[dict, list[str]]:
    """The filters from the query string, and Vietnamese messages for the ones we cannot read."""
    args, errors = request.args, []
    object_type = args.get("object", "")
    filters = {
        "user_id": query_id("user"),
        "unit": picked("unit").chosen,
        "object_type": object_type if object_type in audit.OBJECT_TYPES else "",
        "object_id": query_id("id"),
        "start": _day(args.get("from", ""), "Từ ngày", errors),
        "end": _day(args.get("to", ""), "Đến ngày", errors),
        "start_text": args.get("from", "").strip()[:20],
        "end_text": args.get("to", "").strip()[:20],
    }
    if filters["start"] and filters["end"] and filters["start"] > filters["end"]:
        errors.append("“Từ ngày” phải trước hoặc bằng “Đến ngày”.")
    return filters, errors


def _day(text: str, label: str, errors: list) -> date | None:
    """A day typed dd/mm/yyyy (or yyyy-mm-dd from older links); None if blank or unreadable."""
    try:
        return parse_day(text)
    except InputError as exc:
        errors.append(f"{label}: {exc}")
        return None


def _object_url(entry) -> str | None:
    """Where the object of an entry can be seen, if it has a page and still exists."""
    if entry.action == "delete" or entry.object_id is None:
        return None
    kind, object_id = entry.object_type, entry.object_id
    if kind in ("update", "occurrence"):
        assignment_id = audit.assignment_of(entry)
        return url_for("assignments.detail", assignment_id=assignment_id) if assignment_id else None
    if kind == "figure_entry":
        found = FigureEntry.get_or_none(FigureEntry.id == object_id)
        return url_for("targets.entry", set_id=found.indicator_set_id, unit_id=found.proxy_id or found.unit_id,
                       day=found.day.isoformat()) if found else None
    if kind == "work_day":
        before, after = audit.values_of(entry)
        day = after.get("day") or before.get("day")
        return url_for("admin.work_days", nam=day[:4]) if day else None
    endpoints = {"assignment": ("assignments.detail", "assignment_id"),
                 "indicator_set": ("admin.indicator_set", "set_id"),
                 "urging_letter": ("dashboard.letter", "letter_id"),
                 "directive": ("admin.directive", "directive_id"), "task": ("admin.task_edit", "task_id"),
                 "unit": ("admin.unit_edit", "unit_id"), "user": ("admin.user_edit", "user_id")}
    if kind in endpoints:
        endpoint, arg = endpoints[kind]
        return url_for(endpoint, **{arg: object_id})
    return None


# --- Indicator sets ---------------------------------------------------------------------------

@bp.route("/bo-chi-tieu/")
def indicator_sets():
    return render_template("admin/indicator_sets.html", rows=queries.indicator_set_rows())


def _set_form(indicator_set=None):
    initial = {"target_period": "quarter", "reporting_kind": ""}
    if indicator_set is not None:
        initial = {"name": indicator_set.name, "task": indicator_set.task_id, "scope": indicator_set.scope_id,
                   "reporting_kind": indicator_set.reporting_kind, "target_period": indicator_set.target_period}
    form = IndicatorSetForm(data=initial)
    form.fill(queries.recurring_task_options(), queries.unit_options(
        keep_ids=[indicator_set.scope_id] if indicator_set else []))
    return form


def _set_fields(form):
    """(task, scope) the form names, or an error beside the field when one is gone."""
    task = Task.get_or_none(Task.id == form.task.data) if form.task.data else None
    scope = Unit.get_or_none(Unit.id == form.scope.data) if form.scope.data else None
    if form.task.data and task is None:
        add_error(form.task, "Nhiệm vụ không tồn tại.")
    if form.scope.data and scope is None:
        add_error(form.scope, "Đơn vị không tồn tại.")
    return task, scope


@bp.route("/bo-chi-tieu/moi", methods=["GET", "POST"])
def indicator_set_new():
    form = _set_form()
    if form.validate_on_submit():
        task, scope = _set_fields(form)
        if task is not None and scope is not None:
            try:
                created = sets.create_set(task.directive, form.name.data, task, scope, form.reporting_kind.data,
                                          form.target_period.data, now=now(), actor_id=current_user.id)
            except InputError as exc:
                show_error(form, exc)
            else:
                flash("Đã tạo bộ chỉ tiêu; hãy khai báo các chỉ số (và nhóm, nếu có).", "success")
                return redirect(url_for("admin.indicator_set", set_id=created.id))
    return render_template("admin/indicator_set_new.html", form=form)


@bp.route("/bo-chi-tieu/<id:set_id>", methods=["GET", "POST"])
def indicator_set(set_id):
    """A set's definition: its fields, indicators and groups on one form, with a preview of the
    figures form a reporting unit sees."""
    indicator_set = get_or_404(IndicatorSet, IndicatorSet.id == set_id)
    form = _set_form(indicator_set)
    problem = None
    rows, group_rows = None, None
    if form.validate_on_submit():
        rows, group_rows = parse_definition(request.form)
        task, scope = _set_fields(form)
        if task is not None and scope is not None:
            try:
                with database.atomic():
                    sets.save_set(indicator_set, form.name.data, task, scope, form.reporting_kind.data,
                                  form.target_period.data, now=now(), actor_id=current_user.id)
                    sets.save_definition(indicator_set, rows, group_rows, now=now(), actor_id=current_user.id)
            except InputError as exc:
                problem = str(exc)
            else:
                flash("Đã lưu bộ chỉ tiêu.", "success")
                return redirect(url_for("admin.indicator_set", set_id=indicator_set.id))
    elif request.method == "POST":
        rows, group_rows = parse_definition(request.form)
    return render_template("admin/indicator_set.html", form=form, s=indicator_set, problem=problem,
                           **queries.definition_context(indicator_set, rows, group_rows))


@bp.route("/bo-chi-tieu/<id:set_id>/phu-luc", methods=["GET", "POST"])
def indicator_set_columns(set_id):
    """The appendix mapping: which indicator, group and part each numbered column holds, or its formula."""
    indicator_set = get_or_404(IndicatorSet, IndicatorSet.id == set_id)
    form = Form()
    problem, rows = None, None
    label = request.form.get("label", indicator_set.appendix_label)[:101]
    title = request.form.get("title", indicator_set.appendix_title)[:2001]
    if form.validate_on_submit():
        rows = parse_columns(request.form)
        try:
            sets.save_columns(indicator_set, rows, label, title, now=now(), actor_id=current_user.id)
        except InputError as exc:
            problem = str(exc)
        else:
            flash("Đã lưu mẫu phụ lục.", "success")
            return redirect(url_for("admin.indicator_set_columns", set_id=indicator_set.id))
    return render_template("admin/indicator_set_columns.html", form=form, s=indicator_set, problem=problem,
                           label=label, title=title, **queries.columns_context(indicator_set, rows))


@bp.route("/bo-chi-tieu/<id:set_id>/xoa", methods=["GET", "POST"])
def indicator_set_delete(set_id):
    indicator_set = get_or_404(IndicatorSet, IndicatorSet.id == set_id)
    form = Form()
    if form.validate_on_submit():
        try:
            sets.delete_set(indicator_set, now=now(), actor_id=current_user.id)
        except InputError as exc:
            show_error(form, exc)
        else:
            flash(f"Đã xóa bộ chỉ tiêu {indicator_set.name}.", "success")
            return redirect(url_for("admin.indicator_sets"))
    return render_template("admin/indicator_set_delete.html", form=form, s=indicator_set,
                           has_data=sets.has_data(indicator_set))
