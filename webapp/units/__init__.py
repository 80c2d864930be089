"""The unit home: the assignments of the user's unit (leaders: their subtree), filtered in place."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from .. import occurrences
from ..access import directive_choices, unit_choices, visible_units
from ..assignments import queries as assignment_queries
from ..models import Unit
from ..rules import status
from ..web import Page, is_htmx, page_number

bp = Blueprint("units", __name__)


def classified(assignments, now, due_soon_days):
    return [(a, status.classify(a.due_at, a.done_at, now, due_soon_days)) for a in assignments]


@bp.route("/")
def home():
    now = current_app.config["CLOCK"]()
    soon = current_app.config["DUE_SOON_DAYS"]
    occurrences.ensure_current(now)
    unit = None
    if request.args.get("unit"):
        unit = visible_units(current_user).where(Unit.id == request.args.get("unit", type=int)).first()
        if unit is None:
            abort(404)
    directive_id = request.args.get("directive", type=int)
    status_class = request.args.get("status") if request.args.get("status") in status.CLASSES else ""

    base = assignment_queries.scoped(current_user, unit, directive_id)
    counts = assignment_queries.counts_by_status(base, now, soon)
    page = Page(assignment_queries.filtered(base, status_class, now, soon), page_number(),
                current_app.config["PAGE_SIZE"])
    context = dict(
        rows=classified(page.items, now, soon), page=page, counts=counts,
        total=sum(counts.values()), status_class=status_class, directive_id=directive_id,
        unit=unit, classes=status.CLASSES,
        directives=directive_choices(current_user),
        units=unit_choices(current_user) if current_user.role != "staff" else [],
    )
    template = "units/_assignments.html" if is_htmx() else "units/home.html"
    return render_template(template, **context)
