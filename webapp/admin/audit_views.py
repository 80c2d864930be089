"""Admin page: the audit log, filtered by user, unit, object and day. Read-only: no route here
changes or deletes an entry."""
from datetime import date

from flask import current_app, render_template, request, url_for

from .. import audit
from ..models import Unit, User
from ..units.queries import tree_order
from ..web import Page, is_htmx, page_number
from . import bp, queries


@bp.route("/nhat-ky", endpoint="audit")
def audit_log():
    filters, errors = _filters()
    query = audit.entries(user_id=filters["user_id"], unit=filters["unit"], object_type=filters["object_type"],
                          object_id=filters["object_id"], start=filters["start"], end=filters["end"])
    page = Page(query, page_number(), current_app.config["PAGE_SIZE"])
    names = audit.names_for(page.items)
    rows = [(entry, audit.changes(entry, names), object_url(entry)) for entry in page.items]
    context = dict(page=page, rows=rows, filters=filters, errors=errors, actions=audit.ACTIONS,
                   object_types=audit.OBJECT_TYPES)
    if is_htmx():
        return render_template("admin/_audit_list.html", **context)
    return render_template("admin/audit.html", **context, users=_user_options(), units=_unit_options())


def _filters() -> tuple[dict, list[str]]:
    """The filters from the query string, and Vietnamese messages for the ones we cannot read."""
    args, errors = request.args, []
    unit_id = args.get("unit", type=int)
    object_type = args.get("object", "")
    filters = {
        "user_id": args.get("user", type=int),
        "unit": Unit.get_or_none(Unit.id == unit_id) if unit_id else None,
        "object_type": object_type if object_type in audit.OBJECT_TYPES else "",
        "object_id": args.get("id", type=int),
        "start": _day(args.get("from", ""), "Từ ngày", errors),
        "end": _day(args.get("to", ""), "Đến ngày", errors),
        "start_text": args.get("from", "").strip()[:20],
        "end_text": args.get("to", "").strip()[:20],
    }
    if filters["start"] and filters["end"] and filters["start"] > filters["end"]:
        errors.append("“Từ ngày” phải trước hoặc bằng “Đến ngày”.")
    return filters, errors


def _day(text: str, label: str, errors: list) -> date | None:
    """A day from <input type=date> (yyyy-mm-dd) or typed as dd/mm/yyyy; None if blank or unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return queries.parse_day(text)
    except queries.AdminError as exc:
        errors.append(f"{label}: {exc}")
        return None


def _user_options() -> list[tuple[int, str]]:
    users = User.select(User.id, User.username, User.full_name).order_by(User.username)
    return [(u.id, f"{u.username} – {u.full_name}") for u in users]


def _unit_options() -> list[tuple[int, str]]:
    """Every unit, retired ones too: the log still names them."""
    return [(u.id, queries.INDENT * depth + u.name + ("" if u.active else " (ngừng hoạt động)"))
            for u, depth in tree_order(Unit.select())]


def object_url(entry) -> str | None:
    """Where the object of an entry can be seen, if it has a page and still exists."""
    if entry.action == "delete" or entry.object_id is None:
        return None
    kind, object_id = entry.object_type, entry.object_id
    if kind in ("update", "occurrence"):
        assignment_id = audit.assignment_of(entry)
        return url_for("assignments.detail", assignment_id=assignment_id) if assignment_id else None
    if kind == "progress_figure":
        before, after = audit.values_of(entry)
        day = after.get("day") or before.get("day")
        return url_for("targets.figures", unit=entry.unit_id, day=day) if day else None
    endpoints = {"assignment": ("assignments.detail", "assignment_id"),
                 "directive": ("admin.directive", "directive_id"), "task": ("admin.task_edit", "task_id"),
                 "unit": ("admin.unit_edit", "unit_id"), "user": ("admin.user_edit", "user_id")}
    if kind in endpoints:
        endpoint, arg = endpoints[kind]
        return url_for(endpoint, **{arg: object_id})
    return None
