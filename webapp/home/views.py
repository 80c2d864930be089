"""The unit home: the assignments of the user's unit (leaders: their subtree), filtered in place."""
from flask import current_app, render_template, request
from flask_login import current_user

from ..core import assignments
from ..core.access import directive_choices, unit_choices, visible_units
from ..models import Unit
from ..rules import status
from ..web import (
    Page,
    drops_blank_args,
    due_soon_days,
    ensure_occurrences,
    get_or_404,
    is_htmx,
    page_number,
    query_id,
)
from . import bp


@bp.route("/")
@drops_blank_args
def index():
    now = ensure_occurrences()
    soon = due_soon_days()
    unit = None
    if unit_id := query_id("unit"):
        unit = get_or_404(visible_units(current_user), Unit.id == unit_id)
    directive_id = query_id("directive")
    status_class = request.args.get("status") if request.args.get("status") in status.CLASSES else ""

    base = assignments.scoped(current_user, unit, directive_id)
    counts = assignments.counts_by_status(base, now, soon)
    page = Page(assignments.filtered(base, status_class, now, soon), page_number(),
                current_app.config["PAGE_SIZE"])
    context = dict(
        rows=[(a, status.classify(a.due_at, a.done_at, now, soon)) for a in page.items], page=page,
        counts=counts, total=sum(counts.values()), status_class=status_class, directive_id=directive_id,
        unit=unit, classes=status.CLASSES,
        directives=directive_choices(current_user),
        units=unit_choices(current_user) if current_user.role != "staff" else [],
    )
    template = "home/_assignments.html" if is_htmx() else "home/index.html"
    return render_template(template, **context)
